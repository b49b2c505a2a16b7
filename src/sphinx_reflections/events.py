"""Events: callouts, the ``event`` directive and ``{event}`` role, reference checks.

An event comes from the registry or is defined inline by an ``event``
directive with options. Inline events live in the domain per document, so
references to them are checked once every document has been read.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from babel.dates import format_interval, format_time
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import split_explicit_title

from . import nodes as rnodes
from .config import get_config
from .dates import day, parse_when
from .domain import get_domain
from .hashtags import hashtag_xref
from .i18n import _, babel_locale, long_date
from .nodes import PAGES_ONLY
from .registry import Event, registry_name, unknown_id
from .text import slugify
from .urls import safe_url
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment


# -- dates ------------------------------------------------------------------------------------


def _offset(when: dt.datetime) -> str:
    offset = when.utcoffset() or dt.timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def when_text(event: Event, config: Config) -> str:
    """``24 maj 2023``, ``24–25 maj 2023``, ``24 maj 2023 09:00–17:00 (UTC+02:00)``."""
    locale = babel_locale(config)
    start, end = event.start, event.end
    if isinstance(start, dt.datetime):
        first = f"{long_date(start, config)} {format_time(start, 'short', locale=locale, tzinfo=start.tzinfo)}"
        if isinstance(end, dt.datetime):
            end_local = end.astimezone(start.tzinfo)
            last = format_time(end_local, "short", locale=locale, tzinfo=start.tzinfo)
            if end_local.date() != start.date():
                last = f"{long_date(end_local, config)} {last}"
                return f"{first} – {last} ({_offset(start)})"
            return f"{first}–{last} ({_offset(start)})"
        return f"{first} ({_offset(start)})"
    if end and end != start:
        return str(format_interval(start, end, "yMMMMd", locale=locale))
    return long_date(start, config)


# -- the callout ---------------------------------------------------------------------------------


def event_link(
    event: Event, text: str | None = None, classes: list[str] | None = None
) -> addnodes.pending_xref:
    label = text or event.name
    return rnodes.xref(
        "event", event.id, label, ["reflections-event-name"] if classes is None else classes
    )


def callout(event: Event, env: BuildEnvironment, link: bool = True) -> rnodes.reflections_event:
    """The event at a glance: an ``aside`` in HTML, a titled box elsewhere."""
    box = rnodes.reflections_event(
        classes=["reflections-event", "sd-card", "sd-shadow-sm", "sd-mb-3"], event=event.id
    )
    box["aria-label"] = _("Event: %s") % event.name
    title = nodes.paragraph(classes=["reflections-event-title"])
    strong = nodes.strong()
    strong += event_link(event) if link else nodes.Text(event.name)
    title += strong
    box += title
    when = nodes.paragraph(classes=["reflections-event-when"])
    text = when_text(event, env.config)
    when += rnodes.reflections_time(text, text, datetime=event.start.isoformat())
    until = day(event.end or event.start)
    when += rnodes.reflections_upcoming(until=until.isoformat())  # a badge at write time
    box += when
    facts = [
        (_("Location"), event.location, "reflections-event-location"),
        (_("Organizer"), event.organizer, "reflections-event-organizer"),
    ]
    for label, value, cls in facts:
        if value:
            para = nodes.paragraph(classes=[cls])
            para += nodes.strong(label, label)
            para += nodes.Text(": " + value)
            box += para
    if event.hashtag:
        para = nodes.paragraph(classes=["reflections-event-hashtag"])
        para += hashtag_xref(event.hashtag)
        box += para
    if event.description:
        box += nodes.paragraph(
            event.description, event.description, classes=["reflections-event-description"]
        )
    links = nodes.paragraph(classes=["reflections-event-links"])
    if event.url:
        links += nodes.reference(_("Event website"), _("Event website"), refuri=event.url)
    pages = nodes.inline(classes=["reflections-event-page-links"])
    pages[PAGES_ONLY] = True
    if event.url:
        pages += nodes.Text(" · ")
    pages += rnodes.reflections_ics(_("Add to calendar"), _("Add to calendar"), event=event.id)
    if link:  # not on the event's own page
        pages += nodes.Text(" · ")
        pages += event_link(event, _("All reflections about this event"), classes=[])
    links += pages
    if links.children:
        box += links
    return box


# -- directive and role -----------------------------------------------------------------------------


class EventDirective(SphinxDirective):
    """Show an event callout: by id from ``reflections_events``, or defined here.

    With ``:name:`` and ``:start:`` the event is defined inline (the argument is
    its id; the body is its description).
    """

    optional_arguments = 1
    final_argument_whitespace = False
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "name": directives.unchanged_required,
        "start": directives.unchanged_required,
        "end": directives.unchanged_required,
        "location": directives.unchanged,
        "url": directives.unchanged,
        "hashtag": directives.unchanged,
        "organizer": directives.unchanged,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        domain.note_registry_dependency()
        ident = self.arguments[0].strip() if self.arguments else ""
        inline = {
            k
            for k in ("name", "start", "end", "location", "url", "hashtag", "organizer")
            if k in self.options
        }
        if inline or self.content:
            event = self._inline(ident)
            if event is None:
                return []
        else:
            if not ident:
                warn(
                    ReflectionsWarning.BAD_METADATA,
                    "event: give an event id, or :name: and :start: to define one here",
                    self.get_location(),
                )
                return []
            event = domain.all_events().get(ident) or domain.inline_events.get(
                self.env.docname, {}
            ).get(ident)
            if event is None:
                events_file = registry_name(get_config(self.env).events, "reflections_events")
                warn(
                    ReflectionsWarning.UNKNOWN_EVENT,
                    f"event: {unknown_id('event', ident, domain.all_events(), events_file)} "
                    "(or define the event here with :name: and :start:)",
                    self.get_location(),
                )
                return []
        domain.add_callout(self.env.docname, event.id)
        box = callout(event, self.env)
        box["classes"] += self.options.get("class", [])
        self.set_source_info(box)
        return [box]

    def _inline(self, ident: str) -> Event | None:
        domain = get_domain(self.env)
        where = self.get_location()
        name = self.options.get("name", "").strip()
        start = parse_when(self.options.get("start", ""))
        if not name or start is None:
            got = self.options.get("start")
            problem = (
                "needs :name:"
                if not name
                else (
                    f":start: {got!r} is not an ISO 8601 date (2023-05-24) or date-time with offset"
                    if got
                    else "needs :start:"
                )
            )
            kind = ReflectionsWarning.BAD_DATE if name and got else ReflectionsWarning.BAD_METADATA
            warn(kind, f"event: an inline event {problem}", where)
            return None
        end = None
        if self.options.get("end"):
            end = parse_when(self.options["end"])
            if end is None or type(end) is not type(start) or end < start:  # type: ignore[operator]
                warn(
                    ReflectionsWarning.BAD_DATE,
                    f"event: :end: {self.options['end']!r} must be an ISO date or date-time like :start:, not before it",
                    where,
                )
                end = None
        url = self.options.get("url", "").strip()
        url_problem = safe_url(url, None) if url else None
        if url_problem:
            warn(
                ReflectionsWarning.UNSAFE_URL, f"event: {url_problem}; the link is left out", where
            )
            url = ""
        ident = ident or slugify(name, ascii_only=True)
        if ident in domain.events:
            warn(
                ReflectionsWarning.DUPLICATE,
                f"event: {ident!r} is already in reflections_events; the registry entry is shown",
                where,
            )
            return domain.events[ident]
        event = Event(
            id=ident,
            name=name,
            start=start,
            end=end,
            location=self.options.get("location", "").strip(),
            url=url,
            hashtag=self.options.get("hashtag", "").strip().lstrip("#"),
            organizer=self.options.get("organizer", "").strip(),
            description=" ".join(" ".join(self.content).split()),
        )
        domain.add_inline_event(self.env.docname, event, self.lineno)
        return event


class EventRole(SphinxRole):
    """Link to an event's page: ``{event}`kontaktdagen-2023```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        has_title, title, ident = split_explicit_title(self.text)
        ident = ident.strip()
        domain = get_domain(self.env)
        domain.note_registry_dependency()
        domain.add_event_ref(self.env.docname, ident, self.lineno)
        event = domain.events.get(ident)
        text = title if has_title else (event.name if event else ident)
        xref = rnodes.xref("event", ident, text, ["reflections-event-name"])
        return [xref], []


def check_references(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: every event reference names a known event; no id twice."""
    domain = get_domain(env)
    for ident, places in sorted(domain.inline_event_places().items()):
        for docname, line in places[1:]:
            first = places[0]
            warn(
                ReflectionsWarning.DUPLICATE,
                f"event {ident!r} is also defined in {first[0]!r} (line {first[1]}); "
                "define it once and refer to it by id elsewhere",
                (docname, line),
            )
    known = domain.all_events()
    events_file = registry_name(get_config(env).events, "reflections_events")
    for docname in sorted(domain.event_refs):
        for ident, line in domain.event_refs[docname]:
            if ident not in known:
                warn(
                    ReflectionsWarning.UNKNOWN_EVENT,
                    unknown_id("event", ident, known, events_file),
                    (docname, line),
                )


def register(app: Sphinx) -> None:
    """The ``event`` directive and the ``{event}`` role."""
    app.add_directive("event", EventDirective)
    app.add_role("event", EventRole())
