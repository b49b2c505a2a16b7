"""Events: callouts, the ``event`` directive and ``{event}`` role, event lists, reference checks.

An event comes from the registry or is defined inline by an ``event``
directive with options (one set of rules for both: ``registry.build_event``).
Inline events live in the domain per document, so references to them are
checked once every document has been read. Whether an event is upcoming or
past is decided when a page is written (see :mod:`.resolve`).
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from babel.dates import format_interval, format_time, get_timezone_name
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import split_explicit_title

from . import nodes as rnodes
from .config import get_config
from .dates import day
from .domain import ReflectionsDomain, get_domain
from .hashtags import hashtag_xref
from .i18n import Lang, _, site_lang
from .nodes import PAGES_ONLY
from .registry import (
    EVENT_FIELDS,
    STATUSES,
    Event,
    EventProblem,
    build_event,
    registry_name,
    unknown_id,
)
from .text import slugify, suggest, tag_key
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


# -- dates ------------------------------------------------------------------------------------


def _offset(when: dt.datetime) -> str:
    offset = when.utcoffset() or dt.timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


#: Zones whose name says no more than their offset: shown as ``UTC`` alone.
_UTC_KEYS = frozenset({"UTC", "UCT", "GMT", "Zulu", "Universal", "Greenwich"})


def zone_label(when: dt.datetime, lang: Lang) -> str:
    """``Central European Standard Time, UTC+01:00`` in the event's zone, or ``UTC+01:00``.

    The zone's name at that moment (summer or standard time), in the site's
    language, then the offset, which readers elsewhere need to convert.
    """
    offset = _offset(when)
    zone = when.tzinfo
    if not isinstance(zone, ZoneInfo) or zone.key.removeprefix("Etc/") in _UTC_KEYS:
        return offset
    name = str(get_timezone_name(when, "long", locale=lang.locale))
    if not name or name.startswith(("GMT", "UTC")):  # Babel has no name for it
        return offset
    return f"{name}, {offset}"


def moment_text(when: dt.date, lang: Lang) -> str:
    """A date, or a date and time of day in its own zone (without naming the zone)."""
    if not isinstance(when, dt.datetime):
        return lang.long_date(when)
    clock = format_time(when, "short", locale=lang.locale, tzinfo=when.tzinfo)
    return f"{lang.long_date(when)} {clock}"


def when_text(event: Event, lang: Lang) -> str:
    """``24 maj 2023``, ``24–25 maj 2023``, ``24 maj 2023 09:00–17:00 (UTC+02:00)``.

    Times are shown in the event's own zone, named. When the end is in another
    offset (a daylight saving change during the event), each end says its own.
    """
    locale = lang.locale
    start, end = event.start, event.end
    if isinstance(start, dt.datetime):
        first = moment_text(start, lang)
        here = zone_label(start, lang)
        if isinstance(end, dt.datetime):
            end_local = end.astimezone(start.tzinfo)
            there = zone_label(end_local, lang)
            clock = format_time(end_local, "short", locale=locale, tzinfo=end_local.tzinfo)
            same_day = end_local.date() == start.date()
            last = clock if same_day else f"{lang.long_date(end_local)} {clock}"
            if there != here:
                return f"{first} ({here}) – {last} ({there})"
            return f"{first}–{last} ({here})" if same_day else f"{first} – {last} ({here})"
        return f"{first} ({here})"
    if end and end != start:
        return str(format_interval(start, end, "yMMMMd", locale=locale))
    return lang.long_date(start)


# -- status and attendance --------------------------------------------------------------------


def status_labels(lang: Lang) -> dict[str, tuple[str, str]]:
    """Each status other than ``scheduled``: (badge text, sphinx-design colour)."""
    return {
        "cancelled": (lang("Cancelled"), "danger"),
        "postponed": (lang("Postponed"), "warning"),
        "rescheduled": (lang("Rescheduled"), "primary"),
        "moved-online": (lang("Moved online"), "primary"),
    }


def status_badge(event: Event, lang: Lang) -> nodes.inline | None:
    """The status as a badge whose text says it (never colour alone); none when scheduled."""
    labels = status_labels(lang)
    if event.status not in labels:
        return None
    label, colour = labels[event.status]
    return nodes.inline(
        label,
        label,
        classes=[
            "reflections-event-status",
            f"reflections-event-status-{event.status}",
            "sd-badge",
            f"sd-bg-{colour}",
            f"sd-bg-text-{colour}",
        ],
    )


def attendance_text(event: Event, lang: Lang) -> str:
    """How to attend, for events that are not (only) in person."""
    kinds = {"online": lang("Online"), "mixed": lang("In person and online")}
    return kinds.get(event.attendance, "")


def going_ahead(event: Event) -> bool:
    """Whether the event will happen on its dates: cancelled and postponed ones will not."""
    return event.status not in ("cancelled", "postponed")


def previous_start(event: Event, lang: Lang) -> nodes.inline | None:
    """*(moved from 20 May 2027)* for a rescheduled event that says when it was."""
    if event.previous_start is None:
        return None
    before, _sep, after = (lang("moved from %s")).partition("%s")
    text = moment_text(event.previous_start, lang)
    moved = nodes.inline(classes=["reflections-event-previous"])
    moved += nodes.Text(f"({before}")
    moved += rnodes.reflections_time(text, text, datetime=event.previous_start.isoformat())
    moved += nodes.Text(f"{after})")
    return moved


# -- the callout ---------------------------------------------------------------------------------


def event_link(
    event: Event, text: str | None = None, classes: list[str] | None = None
) -> addnodes.pending_xref:
    label = text or event.name
    return rnodes.xref(
        "event", event.id, label, ["reflections-event-name"] if classes is None else classes
    )


def callout(
    event: Event, env: BuildEnvironment, link: bool = True, lang: Lang | None = None
) -> rnodes.reflections_event:
    """The event at a glance: an ``aside`` in HTML, a titled box elsewhere.

    In ``lang`` (a reflection's own language), else the project's.
    """
    lang = lang or site_lang(env.config)
    box = rnodes.reflections_event(
        classes=["reflections-event", "sd-card", "sd-shadow-sm", "sd-mb-3"],
        event=event.id,
    )
    box["aria-label"] = lang("Event: %s") % event.name
    title = nodes.paragraph(classes=["reflections-event-title"])
    strong = nodes.strong()
    strong += event_link(event) if link else nodes.Text(event.name)
    title += strong
    badge = status_badge(event, lang)
    if badge is not None:
        title += [nodes.Text(" "), badge]
    box += title
    when = nodes.paragraph(classes=["reflections-event-when"])
    text = when_text(event, lang)
    when += rnodes.reflections_time(text, text, datetime=event.start.isoformat())
    moved = previous_start(event, lang)
    if moved is not None:
        when += [nodes.Text(" "), moved]
    if going_ahead(event):
        until = day(event.end or event.start)
        when += rnodes.reflections_upcoming(until=until.isoformat())  # a badge at write time
    box += when
    facts = [
        (
            lang("Location"),
            event.location if event.attendance != "online" else "",
            "reflections-event-location",
        ),
        (lang("Attendance"), attendance_text(event, lang), "reflections-event-attendance"),
        (lang("Organizer"), event.organizer, "reflections-event-organizer"),
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
    outside = []
    if event.url:
        website = lang("Event website")
        outside.append(nodes.reference(website, website, refuri=event.url))
    if event.online_url and event.attendance != "offline" and event.status != "cancelled":
        label = lang("Join online")
        outside.append(nodes.reference(label, label, refuri=event.online_url))
    for i, ref in enumerate(outside):
        links += [nodes.Text(" · "), ref] if i else [ref]
    pages = nodes.inline(classes=["reflections-event-page-links"])
    pages[PAGES_ONLY] = True
    if outside:
        pages += nodes.Text(" · ")
    add = lang("Add to calendar")
    pages += rnodes.reflections_ics(add, add, event=event.id)
    if link:  # not on the event's own page
        pages += nodes.Text(" · ")
        pages += event_link(event, lang("All reflections about this event"), classes=[])
    links += pages
    if links.children:
        box += links
    return box


# -- upcoming and past: lists of events --------------------------------------------------------


def split_events(events: Iterable[Event], today: dt.date) -> tuple[list[Event], list[Event]]:
    """(upcoming, soonest first; past, most recent first) on ``today``.

    An event is upcoming until its last day is over, cancelled ones included:
    readers looking ahead should see that it is off.
    """

    def last_day(event: Event) -> dt.date:
        return day(event.end or event.start)

    events = list(events)
    upcoming = sorted(
        (e for e in events if last_day(e) >= today), key=lambda e: (last_day(e), e.id)
    )
    past = sorted(
        (e for e in events if last_day(e) < today), key=lambda e: (-last_day(e).toordinal(), e.id)
    )
    return upcoming, past


def select_events(domain: ReflectionsDomain, spec: dict[str, Any], today: dt.date) -> list[Event]:
    """The events an ``events`` list shows on ``today``: upcoming ones, then past ones."""

    def canonical(key: str) -> str:
        info = domain.tag_info(key)
        return info.key if info else key

    found = list(domain.all_events().values())
    if spec.get("tag"):
        wanted = {canonical(k) for k in spec["tag"]}
        found = [e for e in found if e.hashtag and canonical(tag_key(e.hashtag)) in wanted]
    if spec.get("status"):
        found = [e for e in found if e.status in spec["status"]]
    upcoming, past = split_events(found, today)
    both = not spec.get("upcoming") and not spec.get("past")
    chosen = (upcoming if both or spec.get("upcoming") else []) + (
        past if both or spec.get("past") else []
    )
    limit = spec.get("limit") or 0
    return chosen[:limit] if limit else chosen


def event_entry(event: Event, env: BuildEnvironment, lang: Lang | None = None) -> nodes.list_item:
    """One event in a list: its linked name and status, then when and where."""
    lang = lang or site_lang(env.config)
    item = nodes.list_item(classes=["reflections-event-entry"])
    title = nodes.paragraph(classes=["reflections-event-entry-title"])
    strong = nodes.strong()
    strong += event_link(event)
    title += strong
    badge = status_badge(event, lang)
    if badge is not None:
        title += [nodes.Text(" "), badge]
    item += title
    when = nodes.paragraph(classes=["reflections-event-entry-when"])
    text = when_text(event, lang)
    when += rnodes.reflections_time(text, text, datetime=event.start.isoformat())
    moved = previous_start(event, lang)
    if moved is not None:
        when += [nodes.Text(" "), moved]
    where = [event.location if event.attendance != "online" else "", attendance_text(event, lang)]
    for part in filter(None, where):
        when += nodes.Text(" · " + part)
    item += when
    return item


def event_list(
    events: list[Event], env: BuildEnvironment, empty: str, lang: Lang | None = None
) -> nodes.Element:
    """Events as a compact list, or a sentence when there are none."""
    if not events:
        return nodes.paragraph(empty, empty, classes=["reflections-empty"])
    listing = nodes.bullet_list(classes=["reflections-event-list"])
    for event in events:
        listing += event_entry(event, env, lang)
    return listing


def empty_text(spec: dict[str, Any]) -> str:
    """What an ``events`` list says when nothing matches."""
    if spec.get("upcoming") and not spec.get("past"):
        return _("No upcoming events.")
    if spec.get("past") and not spec.get("upcoming"):
        return _("No past events.")
    return _("No events match.")


class EventsDirective(SphinxDirective):
    """List events: upcoming ones (soonest first), then past ones (most recent first).

    ``:upcoming:`` or ``:past:`` shows only those, decided when the page is
    written (the build's date, ``SOURCE_DATE_EPOCH`` when set); each entry
    shows the event's name, status, dates and place.
    """

    option_spec: ClassVar[dict[str, Any]] = {
        "upcoming": directives.flag,
        "past": directives.flag,
        "tag": directives.unchanged_required,
        "status": directives.unchanged_required,
        "limit": directives.nonnegative_int,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        statuses = [s.strip().lower() for s in self.options.get("status", "").split(",")]
        for status in filter(None, statuses):
            if status not in STATUSES:
                warn(
                    ReflectionsWarning.BAD_METADATA,
                    f"events: :status: {status!r} is not one of {', '.join(STATUSES)}"
                    f"{suggest(status, STATUSES)}",
                    self.get_location(),
                )
        tags = [t.strip().lstrip("#") for t in self.options.get("tag", "").split(",")]
        spec: dict[str, Any] = {
            "events": True,
            "upcoming": "upcoming" in self.options,
            "past": "past" in self.options,
            "tag": [tag_key(t) for t in tags if t],
            "status": [s for s in statuses if s in STATUSES],
            "limit": self.options.get("limit", 0),
        }
        domain.add_dynamic(self.env.docname, spec)
        node = rnodes.reflections_event_listing(spec=spec, classes=self.options.get("class", []))
        self.set_source_info(node)
        return [node]


# -- directive and role -----------------------------------------------------------------------------


#: The options of an inline event: every field of the registry but the description (the body).
INLINE_FIELDS = tuple(f for f in EVENT_FIELDS if f != "description")


class EventDirective(SphinxDirective):
    """Show an event callout: by id from ``reflections_events``, or defined here.

    With ``:name:`` and ``:start:`` the event is defined inline (the argument is
    its id; the body is its description); the other options are the fields of
    the events registry.
    """

    optional_arguments = 1
    final_argument_whitespace = False
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "name": directives.unchanged_required,
        "start": directives.unchanged_required,
        **{f: directives.unchanged for f in INLINE_FIELDS if f not in ("name", "start")},
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        ident = self.arguments[0].strip() if self.arguments else ""
        inline = {k for k in INLINE_FIELDS if k in self.options}
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
                domain.note_use("events", ident)  # read again when it is added
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

        def note(kind: ReflectionsWarning, message: str) -> None:
            warn(kind, f"event: {message}", where)

        fields = {k: v for k, v in self.options.items() if k in INLINE_FIELDS}
        fields["description"] = " ".join(" ".join(self.content).split())
        try:
            event = build_event(ident or "-", fields, note, field=lambda f: f":{f}:")
        except EventProblem as exc:
            warn(exc.kind, f"event: an inline event: {exc}", where)
            return None
        ident = ident or slugify(name, ascii_only=True)
        if ident in domain.events:
            warn(
                ReflectionsWarning.DUPLICATE,
                f"event: {ident!r} is already in reflections_events; the registry entry is shown",
                where,
            )
            return domain.events[ident]
        event = dc.replace(event, id=ident)
        domain.add_inline_event(self.env.docname, event, self.lineno)
        return event


class EventRole(SphinxRole):
    """Link to an event's page: ``{event}`kontaktdagen-2023```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        has_title, title, ident = split_explicit_title(self.text)
        ident = ident.strip()
        domain = get_domain(self.env)
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
    """The ``event`` and ``events`` directives and the ``{event}`` role."""
    app.add_directive("event", EventDirective)
    app.add_directive("events", EventsDirective)
    app.add_role("event", EventRole())
