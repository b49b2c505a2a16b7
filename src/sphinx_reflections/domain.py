"""The ``reflections`` domain: the only home of cross-document state.

Per-document records are keyed by docname so ``clear_doc`` and
``merge_domaindata`` keep incremental and parallel builds exact. The
registries are global (re-read at the start of every build) and live here
too, so every part of the extension reads them from one place.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
from collections.abc import Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.domains import Domain
from sphinx.util.nodes import make_refnode

from .config import get_config
from .registry import Event, Person

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


@dc.dataclass(frozen=True)
class Reflection:
    """What one reflection page declares, after validation."""

    docname: str
    title: str
    authors: tuple[str, ...]
    date: dt.date
    category: str = ""
    tags: tuple[str, ...] = ()
    event: str = ""
    summary: str = ""
    image: str = ""
    updated: dt.date | None = None
    draft: bool = False
    minutes: int = 1
    words: int = 0

    @property
    def sort_key(self) -> tuple[int, str]:
        """Newest first, then by docname: the same order on every build."""
        return (-self.date.toordinal(), self.docname)


PER_DOC = ("reflections", "mentions", "tags", "dynamic", "inline_events", "callouts", "event_refs")


def page_builder(builder: Builder) -> bool:
    """Whether this builder writes the generated pages (html, dirhtml and kin)."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    if not isinstance(builder, StandaloneHTMLBuilder):
        return False
    from sphinx.builders._epub_base import EpubBuilder
    from sphinx.builders.singlehtml import SingleFileHTMLBuilder

    return not isinstance(builder, EpubBuilder | SingleFileHTMLBuilder)


class ReflectionsDomain(Domain):
    """Holds reflections and mentions per document, and the registries."""

    name = "reflections"
    label = "Reflections"
    data_version = 1
    initial_data = {  # noqa: RUF012 - Sphinx's own shape
        "reflections": {},  # docname -> Reflection
        "mentions": {},  # docname -> sorted tuple of person ids
        "people": {},  # id -> Person (global)
        "events": {},  # id -> Event (global)
        "registry_files": [],  # registry paths every reading page depends on
        "tags": {},  # docname -> {tag key -> {spelling -> count}}
        "dynamic": {},  # docname -> [what each cloud or listing on it shows (specs)]
        "shown": {},  # docname -> fingerprint of what its clouds and listings showed
        "tag_table": {},  # tag key -> TagInfo, rebuilt after reading (global)
        "inline_events": {},  # docname -> {event id -> (Event, line)}
        "callouts": {},  # docname -> sorted tuple of event ids shown as callouts
        "event_refs": {},  # docname -> [(event id, line)] to check after reading
        "env_token": "",  # identity of this environment, see cache.env_token
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        # per process and build, never pickled (see cache.site_key, listings.shared_toctree)
        self.site_key = ""
        self.toctrees: dict[tuple[str, str], str] = {}

    # -- per-document state ---------------------------------------------------

    @property
    def reflections(self) -> dict[str, Reflection]:
        return self.data["reflections"]  # type: ignore[no-any-return]

    @property
    def mentions(self) -> dict[str, tuple[str, ...]]:
        return self.data["mentions"]  # type: ignore[no-any-return]

    @property
    def people(self) -> dict[str, Person]:
        return self.data["people"]  # type: ignore[no-any-return]

    @property
    def events(self) -> dict[str, Event]:
        return self.data["events"]  # type: ignore[no-any-return]

    @property
    def tags(self) -> dict[str, dict[str, dict[str, int]]]:
        return self.data["tags"]  # type: ignore[no-any-return]

    @property
    def dynamic(self) -> dict[str, list[dict[str, Any]]]:
        return self.data["dynamic"]  # type: ignore[no-any-return]

    @property
    def tag_table(self) -> dict[str, Any]:
        return self.data["tag_table"]  # type: ignore[no-any-return]

    def handles(self) -> dict[str, str]:
        """Case-folded handle -> person id."""
        from .hashtags import tag_key

        return {tag_key(p.handle): p.id for p in self.people.values() if p.handle}

    def add_tag(self, docname: str, tag: str, count: int = 1) -> None:
        from .hashtags import tag_key

        spellings = self.tags.setdefault(docname, {}).setdefault(tag_key(tag), {})
        spellings[tag] = spellings.get(tag, 0) + count

    @property
    def inline_events(self) -> dict[str, dict[str, Event]]:
        """docname -> {id -> Event} of events defined by ``event`` directives."""
        return {
            d: {i: e for i, (e, _line) in v.items()} for d, v in self.data["inline_events"].items()
        }

    @property
    def event_refs(self) -> dict[str, list[tuple[str, int]]]:
        return self.data["event_refs"]  # type: ignore[no-any-return]

    @property
    def callouts(self) -> dict[str, tuple[str, ...]]:
        return self.data["callouts"]  # type: ignore[no-any-return]

    def all_events(self) -> dict[str, Event]:
        """Registry events and inline ones (the first definition of an id wins)."""
        found = dict(self.events)
        for docname in sorted(self.data["inline_events"]):
            for ident, (event, _line) in sorted(self.data["inline_events"][docname].items()):
                found.setdefault(ident, event)
        return found

    def add_inline_event(self, docname: str, event: Event, line: int) -> None:
        self.data["inline_events"].setdefault(docname, {})[event.id] = (event, line)

    def add_callout(self, docname: str, ident: str) -> None:
        self.callouts[docname] = tuple(sorted({*self.callouts.get(docname, ()), ident}))

    def add_event_ref(self, docname: str, ident: str, line: int) -> None:
        self.event_refs.setdefault(docname, []).append((ident, line))

    def about_event(self, ident: str) -> list[Reflection]:
        """Visible reflections about an event: by metadata, callout or hashtag."""
        from .hashtags import tag_key

        event = self.all_events().get(ident)
        key = tag_key(event.hashtag) if event and event.hashtag else None
        tagged = set(self.tag_info(key).reflections) if key and self.tag_info(key) else set()
        return [
            r
            for r in self.visible()
            if r.event == ident or ident in self.callouts.get(r.docname, ()) or r.docname in tagged
        ]

    def add_dynamic(self, docname: str, spec: dict[str, Any]) -> None:
        """Remember what a cloud or listing on the page shows, to rewrite it when that changes."""
        self.dynamic.setdefault(docname, []).append(spec)

    def select(self, spec: dict[str, Any]) -> list[Reflection]:
        """Visible reflections matching every filter of a listing (values within one: any)."""
        from .hashtags import tag_key

        found = self.visible()
        if spec.get("author"):
            found = [r for r in found if set(r.authors) & set(spec["author"])]
        if spec.get("category"):
            wanted = {tag_key(c) for c in spec["category"]}
            found = [r for r in found if tag_key(r.category) in wanted]
        if spec.get("tag"):
            docs = set()
            for key in spec["tag"]:
                info = self.tag_info(key)
                docs |= set(info.reflections) if info else set()
            found = [r for r in found if r.docname in docs]
        if spec.get("event"):
            docs = {r.docname for ident in spec["event"] for r in self.about_event(ident)}
            found = [r for r in found if r.docname in docs]
        limit = spec.get("limit") or 0
        return found[:limit] if limit else found

    def tag_info(self, key: str) -> Any:
        """The TagInfo of a tag key or alias key, or None when it has no page."""
        from .hashtags import tag_key

        table = self.tag_table
        if key in table:
            return table[key]
        for alias, target in get_config(self.env).tag_aliases.items():
            if tag_key(alias) == key:
                return table.get(tag_key(target))
        return None

    def add_reflection(self, reflection: Reflection) -> None:
        self.reflections[reflection.docname] = reflection

    def add_mentions(self, docname: str, people: Iterable[str]) -> None:
        self.mentions[docname] = tuple(sorted(set(self.mentions.get(docname, ())) | set(people)))

    def clear_doc(self, docname: str) -> None:
        for key in PER_DOC:
            self.data[key].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:  # type: ignore[override]
        for key in PER_DOC:
            for docname, value in otherdata[key].items():
                if docname in docnames:
                    self.data[key][docname] = value

    # -- queries ------------------------------------------------------------------

    def visible(self) -> list[Reflection]:
        """Reflections listings may show (drafts only with ``show_drafts``), newest first."""
        show_drafts = get_config(self.env).show_drafts
        found = [r for r in self.reflections.values() if show_drafts or not r.draft]
        return sorted(found, key=lambda r: r.sort_key)

    def by_author(self, person: str) -> list[Reflection]:
        return [r for r in self.visible() if person in r.authors]

    def mentioning(self, person: str) -> list[str]:
        """Docnames that mention the person, excluding their own reflections."""
        own = {r.docname for r in self.by_author(person)}
        hidden = (
            {d for d, r in self.reflections.items() if r.draft}
            if not get_config(self.env).show_drafts
            else set()
        )
        return sorted(
            d
            for d, who in self.mentions.items()
            if person in who and d not in own and d not in hidden
        )

    # -- cross references ---------------------------------------------------------

    def page_of(self, kind: str, ident: str) -> str:
        """The pagename of a generated page, e.g. ``reflections/authors/jenny``."""
        parts = (get_config(self.env).url_prefix, kind, ident)
        return "/".join(p for p in parts if p)

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        """Link to a generated page where the builder writes one, else keep the text."""
        if not page_builder(builder):
            return None
        if typ == "tag":
            info = self.tag_info(target)
            if info is None:
                return None
            page = self.page_of("tags", info.slug)
            return (
                None
                if page == fromdocname
                else make_refnode(builder, fromdocname, page, None, contnode)
            )
        if typ == "event" and target in self.all_events():
            page = self.page_of("events", target)
            return (
                None
                if page == fromdocname
                else make_refnode(builder, fromdocname, page, None, contnode)
            )
        if typ == "author" and target in self.people:
            page = self.page_of("authors", target)
            if page == fromdocname:
                return None  # a link to the page itself helps nobody
            return make_refnode(builder, fromdocname, page, None, contnode)
        return None

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        return []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Nothing for the inventory yet: generated pages are not documents."""
        return iter(())


def get_domain(env: BuildEnvironment) -> ReflectionsDomain:
    return env.get_domain("reflections")  # type: ignore[return-value]
