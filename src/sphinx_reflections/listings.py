"""Listings of reflections: the ``reflections`` directive and the entries it shows.

An entry (linked title, byline, summary) is the same on every page that
lists a reflection: in a document's listing, the archive, and the tag,
author and event pages. Listings are filled in once every document is read
(see :mod:`.resolve`); a page whose listing would change is read again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from . import nodes as rnodes
from .authors import LISTED_TAGS, build_byline
from .config import get_config
from .dates import build_date
from .domain import ReflectionsDomain, get_domain
from .events import select_events
from .hashtags import linkify
from .i18n import _, html_code, lang_of
from .records import Reflection
from .registry import registry_name, unknown_id
from .text import tag_key
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Makes (or reuses) the entry of one reflection on one page.
EntryMaker = Callable[[Reflection], nodes.Element]


def entry(
    reflection: Reflection, domain: ReflectionsDomain, summaries: bool = True
) -> rnodes.reflections_entry:
    """One listed reflection: linked title, byline, summary.

    Built afresh for every page that lists it: copying a built entry costs
    more than building it (docutils copies node by node).
    """
    item = rnodes.reflections_entry(classes=["reflections-entry"])
    lang = lang_of(domain.env.config, reflection.language)
    if not lang.project:  # the byline below speaks the piece's language
        item["lang"] = lang.code
    heading = nodes.paragraph(classes=["reflections-entry-title"])
    title_node = domain.env.titles.get(reflection.docname)
    title = title_node.astext() if title_node else reflection.title  # as navigation shows it
    xref = rnodes.xref("doc", "/" + reflection.docname, title, [], domain="std")
    strong = nodes.strong()
    strong += xref
    heading += strong
    item += heading
    item += build_byline(reflection, domain.env, max_tags=LISTED_TAGS)
    if reflection.summary and summaries:
        summary = nodes.paragraph(
            "", "", nodes.Text(reflection.summary), classes=["reflections-summary"]
        )
        cfg = get_config(domain.env)
        linkify(summary, domain.env, None, cfg.hashtag_autolink, cfg.mention_autolink)
        item += summary
    return item


def entry_inputs(domain: ReflectionsDomain, reflection: Reflection) -> Any:
    """What an entry shows: the reflection, its title, its authors, where its tags link."""
    people = domain.people
    tags = []
    for tag in reflection.tags:
        info = domain.tag_info(tag_key(tag))
        tags.append((tag, info.slug if info else None))
    title = domain.env.titles.get(reflection.docname)
    return (
        reflection,
        title.astext() if title else reflection.title,
        [people.get(a) for a in reflection.authors],
        tags,
    )


def reflection_list(
    reflections: list[Reflection],
    domain: ReflectionsDomain,
    summaries: bool = True,
    empty: str = "",
    make_entry: EntryMaker | None = None,
) -> nodes.Element:
    """A list of entries, or a short sentence when there are none.

    ``make_entry`` (generated pages) may return an entry kept from the last build.
    """
    if not reflections:
        text = empty or _("No reflections yet.")
        return nodes.paragraph(text, text, classes=["reflections-empty"])
    listing = nodes.bullet_list(classes=["reflections-list"])
    for reflection in reflections:
        item = nodes.list_item()
        item += make_entry(reflection) if make_entry else entry(reflection, domain, summaries)
        listing += item
    return listing


def reflection_grid(
    reflections: list[Reflection], domain: ReflectionsDomain, summaries: bool = True
) -> nodes.Element:
    """Entries as sphinx-design cards in a responsive grid (one column on phones)."""
    if not reflections:
        return reflection_list([], domain)
    grid = nodes.container(
        classes=[
            "sd-container-fluid",
            "sd-sphinx-override",
            "sd-mb-4",
            "reflections-list",
            "reflections-grid",
        ]
    )
    row = nodes.container(
        classes=[
            "sd-row",
            "sd-row-cols-1",
            "sd-row-cols-xs-1",
            "sd-row-cols-sm-2",
            "sd-row-cols-md-2",
            "sd-row-cols-lg-3",
            "sd-g-3",
        ]
    )
    grid += row
    for reflection in reflections:
        col = nodes.container(classes=["sd-col", "sd-d-flex-row"])
        item = entry(reflection, domain, summaries)
        item["classes"] += ["sd-card", "sd-sphinx-override", "sd-w-100", "sd-shadow-sm"]
        body = nodes.container(classes=["sd-card-body"])
        body += item.children
        item.children = []
        item += body
        col += item
        row += col
    return grid


def _names(value: str) -> list[str]:
    return [v.strip().lstrip("#") for v in value.split(",") if v.strip().lstrip("#")]


class ReflectionsDirective(SphinxDirective):
    """List reflections, newest first, with title, byline and summary.

    Filters combine with AND; several values in one filter match any of them.
    """

    option_spec: ClassVar[dict[str, Any]] = {
        "author": directives.unchanged_required,
        "tag": directives.unchanged_required,
        "event": directives.unchanged_required,
        "category": directives.unchanged_required,
        "limit": directives.nonnegative_int,
        "layout": lambda v: directives.choice(v, ("list", "grid")),
        "show-summary": lambda v: directives.choice(v or "yes", ("yes", "no")),
        "language": directives.unchanged_required,
        "translations": lambda v: directives.choice(v, ("one", "all")),
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        spec: dict[str, Any] = {
            "author": _names(self.options.get("author", "")),
            "tag": [tag_key(t) for t in _names(self.options.get("tag", ""))],
            "event": _names(self.options.get("event", "")),
            "category": _names(self.options.get("category", "")),
            "limit": self.options.get("limit", 0),
            "layout": self.options.get("layout", "list"),
            "summary": self.options.get("show-summary", "yes") == "yes",
            "language": [html_code(c) for c in _names(self.options.get("language", ""))],
            "translations": self.options.get("translations", ""),
        }
        for person in spec["author"]:
            domain.note_use("authors", person)
            if person not in domain.people:
                warn(
                    ReflectionsWarning.UNKNOWN_AUTHOR,
                    "reflections: "
                    + unknown_id(
                        "author",
                        person,
                        domain.people,
                        registry_name(get_config(self.env).authors, "reflections_authors"),
                    ),
                    self.get_location(),
                )
        for ident in spec["event"]:
            domain.add_event_ref(self.env.docname, ident, self.lineno)
        domain.add_dynamic(self.env.docname, spec)
        node = rnodes.reflections_listing(spec=spec, classes=self.options.get("class", []))
        self.set_source_info(node)
        return [node]


def shown(domain: ReflectionsDomain, docname: str) -> str:
    """A fingerprint of everything the clouds and listings of one page show."""
    parts = []
    for spec in domain.dynamic.get(docname, []):
        if "cloud" in spec:
            parts.append(repr(sorted(domain.tag_table.items())))
        elif "versions" in spec:  # a piece's other languages
            versions = domain.translations(spec["versions"])
            parts.append(repr([(r.docname, r.language, r.draft) for r in versions]))
        elif "events" in spec:  # which events are upcoming depends on the day
            shown_events = select_events(domain, spec, build_date())
            parts.append(repr([e.record() for e in shown_events]))
        else:
            listed = [r for r in domain.select(spec) if r.docname != docname]
            parts.append(repr([entry_inputs(domain, r) for r in listed]))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def outdated_listings(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages whose clouds or listings would now show something else.

    Sphinx writes them again although their sources did not change.
    """
    domain = get_domain(env)
    return domain.update_shown({d: shown(domain, d) for d in sorted(domain.dynamic)})


def register(app: Sphinx) -> None:
    """The ``reflections`` directive."""
    app.add_directive("reflections", ReflectionsDirective)
