"""The ``reflections`` domain: the only home of cross-document state.

Per-document records are keyed by docname so ``clear_doc`` and
``merge_domaindata`` keep incremental and parallel builds exact. The
registries, the tag table and what the last build generated are global
(rebuilt every build) and live here too, so every part of the extension
reads them from one place and changes them only through the methods below.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Set
from typing import TYPE_CHECKING, Any, TypeVar

from docutils import nodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from . import nodes as rnodes
from .config import get_config
from .i18n import _
from .records import Reflection, SeriesInfo, TagInfo, series_key
from .registry import (
    Event,
    Person,
    Tag,
    load_events,
    load_people,
    load_tags,
    registry_name,
    unknown_id,
)
from .text import tag_key
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import RoleFunction

T = TypeVar("T")

#: The shape of the data below (and so of pickled environments): Sphinx reads an
#: environment afresh when the extension's ``env_version`` changes.
DATA_VERSION = 7  # 7: reflections carry series and excerpt; series table, related lists


PER_DOC = (
    "reflections",
    "mentions",
    "tags",
    "tag_lines",
    "used",
    "dynamic",
    "inline_events",
    "callouts",
    "event_refs",
)


def page_builder(builder: Builder) -> bool:
    """Whether this builder writes the generated pages (html, dirhtml and kin)."""
    return isinstance(builder, StandaloneHTMLBuilder) and not isinstance(
        builder, Epub3Builder | SingleFileHTMLBuilder
    )


class DomainLink(XRefRole):
    """A link to a person, tag, event or series: ``{reflections:tag}`CX```.

    Tags and series are found the way their pages are (case and separators
    folded), so any spelling works, here and through intersphinx.
    """

    innernodeclass = nodes.inline

    def __init__(self, doc: str, fold: Callable[[str], str] | None = None) -> None:
        super().__init__(warn_dangling=True)
        self.fold = fold
        self.__doc__ = doc  # what the reference says of each role

    def process_link(
        self,
        env: BuildEnvironment,
        refnode: nodes.Element,
        has_explicit_title: bool,
        title: str,
        target: str,
    ) -> tuple[str, str]:
        target = target.strip().lstrip("#")
        return title, self.fold(target) if self.fold else target


#: What the domain's objects are (in ``objects.inv``) and the roles that link to them.
OBJECT_TYPES = {
    "person": ObjType(_("person"), "person"),
    "tag": ObjType(_("tag"), "tag"),
    "event": ObjType(_("event"), "event"),
    "series": ObjType(_("series"), "series"),
}


def domain_roles() -> dict[str, RoleFunction | XRefRole]:
    """The domain's roles, one per object type."""
    return {
        "person": DomainLink(
            "Link to a person's page by id: ``{reflections:person}`karin```. Shows the "
            "person's name unless you give your own text. Through intersphinx, another "
            "site's people too: ``{external+kb:reflections:person}`karin```."
        ),
        "tag": DomainLink(
            "Link to a tag's page: ``{reflections:tag}`CX```, in any spelling of the tag "
            "(case, ``#``, spaces and dashes do not matter). Shows the tag as ``#CX``.",
            tag_key,
        ),
        "event": DomainLink(
            "Link to an event's page by id: ``{reflections:event}`kundresan-2023```. "
            "Shows the event's name."
        ),
        "series": DomainLink(
            "Link to a series' page by id: ``{reflections:series}`complaints```. Shows "
            "the series' name.",
            series_key,
        ),
    }


class ReflectionsDomain(Domain):
    """Holds reflections, tags, mentions and events per document, and the registries.

    People, tags, events and series are its objects: in ``objects.inv`` for
    intersphinx, and linked with ``{reflections:person}`` and its siblings.
    """

    name = "reflections"
    label = "Reflections"
    data_version = DATA_VERSION
    object_types = OBJECT_TYPES
    roles = domain_roles()
    initial_data = {  # noqa: RUF012 - Sphinx's own shape
        # per document
        "reflections": {},  # docname -> Reflection
        "mentions": {},  # docname -> sorted tuple of person ids
        "tags": {},  # docname -> {tag key -> {spelling -> count}}
        "tag_lines": {},  # docname -> {tag key -> line of its first use}
        "used": {},  # docname -> sorted "kind:id" of people and events it names
        "dynamic": {},  # docname -> [what each cloud or listing on it shows (specs)]
        "inline_events": {},  # docname -> {event id -> (Event, line)}
        "callouts": {},  # docname -> sorted tuple of event ids shown as callouts
        "event_refs": {},  # docname -> [(event id, line)] to check after reading
        # global, set once per build
        "people": {},  # id -> Person
        "events": {},  # id -> Event
        "tag_registry": {},  # id -> Tag
        "registry_files": [],  # the registry files (for sphinx-reflections check)
        "registry_prints": {},  # "kind:id" -> fingerprint of a registry entry, last build
        "registry_tag_keys": {},  # tag registry id -> the tag keys of its name and aliases
        "link_pages": {},  # "kind:id" -> page a link to that tag, person or event goes to
        "locations": {},  # (kind, id) -> "file:line" of a registry entry
        "names": {},  # (kind, id) -> pagename, where it is not prefix/kind/id
        "tag_table": {},  # tag key -> TagInfo, rebuilt after reading
        "series_table": {},  # series key -> SeriesInfo, rebuilt after reading
        "related": {},  # docname -> docnames of its related reflections, after reading
        "related_print": "",  # what the related lists were computed from
        "inventory": [],  # objects.inv entries of people, tags, events and series
        "shown": {},  # docname -> fingerprint of what its clouds and listings showed
        "outputs": (set(), set()),  # (pagenames, other files) generated by the last build
        "stale": (set(), set()),  # what the last build generated that this one does not
        "labels": [],  # std labels registered for generated pages
        "label_titles": {},  # label -> title, for builders without generated pages
        "env_token": "",  # identity of this environment, see env_token()
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        # per process and build, never pickled (see remember()); reset by start_build()
        self._memo: dict[Hashable, Any] = {}
        self._failures: list[str] = []

    # -- reading: registries --------------------------------------------------------

    @property
    def people(self) -> dict[str, Person]:
        return self.data["people"]  # type: ignore[no-any-return]

    @property
    def events(self) -> dict[str, Event]:
        return self.data["events"]  # type: ignore[no-any-return]

    @property
    def tag_registry(self) -> dict[str, Tag]:
        return self.data["tag_registry"]  # type: ignore[no-any-return]

    def set_registries(
        self,
        people: dict[str, Person],
        events: dict[str, Event],
        tags: dict[str, Tag],
        files: list[str],
        locations: dict[tuple[str, str], str],
    ) -> None:
        self.data["people"] = people
        self.data["events"] = events
        self.data["tag_registry"] = tags
        self.data["registry_files"] = files
        self.data["locations"] = locations

    def location(self, kind: str, ident: str) -> Any:
        """Where a person, event or registry tag is defined, for a located warning."""
        if kind == "events":
            for docname, events in sorted(self.data["inline_events"].items()):
                if ident in events and ident not in self.events:
                    return (docname, events[ident][1])
        return self.data["locations"].get((kind, ident))

    def note_use(self, kind: str, ident: str) -> None:
        """The page being read names this person (``authors``) or event, known or not.

        When that registry entry changes (or appears), exactly the pages that
        name it are read again (see :func:`registries_outdated`).
        """
        used = self.data["used"].setdefault(self.env.docname, [])
        name = f"{kind}:{ident}"
        if name not in used:
            used.append(name)

    def handles(self) -> dict[str, str]:
        """Case-folded handle -> person id.

        Asked for every paragraph with an ``@`` and every listing entry, so it
        is made once per registry (the registry is replaced, never changed in
        place, when it is loaded again).
        """
        people = self.people
        memo = self.__dict__.get("_handles")
        if memo is None or memo[0] is not people:
            memo = (people, {tag_key(p.handle): p.id for p in people.values() if p.handle})
            self.__dict__["_handles"] = memo
        return memo[1]

    def known_person(self, ident: str, where: str, location: Any) -> Person | None:
        """The person with this id (or handle), or None after an ``unknown-author`` warning.

        The page being read is noted as naming that person (see :meth:`note_use`).
        """
        person = self.people.get(ident) or self.people.get(self.handles().get(tag_key(ident), ""))
        self.note_use("authors", person.id if person else ident)
        if person is None:
            people_file = registry_name(get_config(self.env).authors, "reflections_authors")
            warn(
                ReflectionsWarning.UNKNOWN_AUTHOR,
                f"{where}: {unknown_id('person', ident, self.people, people_file)}",
                location,
            )
        return person

    # -- reading: per-document records ------------------------------------------------

    @property
    def reflections(self) -> dict[str, Reflection]:
        return self.data["reflections"]  # type: ignore[no-any-return]

    @property
    def mentions(self) -> dict[str, tuple[str, ...]]:
        return self.data["mentions"]  # type: ignore[no-any-return]

    @property
    def tags(self) -> dict[str, dict[str, dict[str, int]]]:
        return self.data["tags"]  # type: ignore[no-any-return]

    @property
    def dynamic(self) -> dict[str, list[dict[str, Any]]]:
        return self.data["dynamic"]  # type: ignore[no-any-return]

    @property
    def event_refs(self) -> dict[str, list[tuple[str, int]]]:
        return self.data["event_refs"]  # type: ignore[no-any-return]

    @property
    def callouts(self) -> dict[str, tuple[str, ...]]:
        return self.data["callouts"]  # type: ignore[no-any-return]

    @property
    def inline_events(self) -> dict[str, dict[str, Event]]:
        """docname -> {id -> Event} of events defined by ``event`` directives."""
        return {
            d: {i: e for i, (e, _line) in v.items()} for d, v in self.data["inline_events"].items()
        }

    def inline_event_places(self) -> dict[str, list[tuple[str, int]]]:
        """Event id -> every (docname, line) that defines it inline, in document order."""
        places: dict[str, list[tuple[str, int]]] = {}
        for docname in sorted(self.data["inline_events"]):
            for ident, (_event, line) in sorted(self.data["inline_events"][docname].items()):
                places.setdefault(ident, []).append((docname, line))
        return places

    def add_reflection(self, reflection: Reflection) -> None:
        self.reflections[reflection.docname] = reflection
        self._changed()

    def _changed(self) -> None:
        """The reflections changed: what :meth:`visible` remembered is stale."""
        self.__dict__["_generation"] = self.__dict__.get("_generation", 0) + 1

    def add_mentions(self, docname: str, people: Iterable[str]) -> None:
        self.mentions[docname] = tuple(sorted(set(self.mentions.get(docname, ())) | set(people)))

    def add_tag(self, docname: str, tag: str, count: int = 1, line: int | None = None) -> None:
        key = tag_key(tag)
        if not key:
            return
        spellings = self.tags.setdefault(docname, {}).setdefault(key, {})
        spellings[tag] = spellings.get(tag, 0) + count
        if line:
            lines = self.data["tag_lines"].setdefault(docname, {})
            lines[key] = min(line, lines.get(key, line))

    def tag_line(self, docname: str, key: str) -> int | None:
        """The line of a tag's first use in a document, when it is known."""
        line: int | None = self.data["tag_lines"].get(docname, {}).get(key)
        return line

    def add_inline_event(self, docname: str, event: Event, line: int) -> None:
        self.data["inline_events"].setdefault(docname, {})[event.id] = (event, line)

    def add_callout(self, docname: str, ident: str) -> None:
        self.callouts[docname] = tuple(sorted({*self.callouts.get(docname, ()), ident}))

    def add_event_ref(self, docname: str, ident: str, line: int) -> None:
        self.event_refs.setdefault(docname, []).append((ident, line))

    def add_dynamic(self, docname: str, spec: dict[str, Any]) -> None:
        """Remember what a cloud or listing on the page shows, to rewrite it when that changes."""
        self.dynamic.setdefault(docname, []).append(spec)

    def clear_doc(self, docname: str) -> None:
        for key in PER_DOC:
            self.data[key].pop(docname, None)
        self._changed()

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:  # type: ignore[override]
        for key in PER_DOC:
            for docname, value in otherdata[key].items():
                if docname in docnames:
                    self.data[key][docname] = value
        self._changed()

    # -- after reading: global records ------------------------------------------------

    @property
    def tag_table(self) -> dict[str, TagInfo]:
        return self.data["tag_table"]  # type: ignore[no-any-return]

    def set_tag_table(self, table: dict[str, TagInfo]) -> None:
        self.data["tag_table"] = table

    @property
    def series_table(self) -> dict[str, SeriesInfo]:
        return self.data["series_table"]  # type: ignore[no-any-return]

    def set_series_table(self, table: dict[str, SeriesInfo]) -> None:
        self.data["series_table"] = table

    def series_names(self) -> dict[str, tuple[str, str]]:
        """Series key -> (name, description) from ``reflections_series``."""
        found: dict[str, tuple[str, str]] = {}
        for ident, entry in get_config(self.env).series.items():
            if isinstance(entry, str):
                found.setdefault(series_key(ident), (entry.strip(), ""))
            else:
                name = str(entry.get("name") or ident).strip()
                found.setdefault(series_key(ident), (name, str(entry.get("description", ""))))
        return found

    def build_series_table(self) -> dict[str, SeriesInfo]:
        """Every series with its visible parts, oldest first (by date, then docname)."""
        parts: dict[str, list[Reflection]] = {}
        for reflection in reversed(self.visible()):
            key = series_key(reflection.series)
            if key:
                parts.setdefault(key, []).append(reflection)
        names = self.series_names()
        table = {}
        for key, found in sorted(parts.items()):
            name, description = names.get(key, (found[0].series.strip(), ""))
            table[key] = SeriesInfo(key, name, description, tuple(r.docname for r in found))
        return table

    def series_parts(self, docname: str) -> tuple[SeriesInfo, tuple[str, ...]] | None:
        """The series of a reflection and its parts, a draft's own page counted in place."""
        reflection = self.reflections.get(docname)
        info = self.series_table.get(series_key(reflection.series)) if reflection else None
        if reflection is None or info is None:
            return None
        parts = info.parts
        if docname not in parts:  # a draft previewing its place in the series
            found = sorted([*(self.reflections[d] for d in parts), reflection], key=_oldest)
            parts = tuple(r.docname for r in found)
        return info, parts

    def series_page(self, key: str) -> str:
        """The pagename of a series' page."""
        named: str | None = self.data["names"].get(("series", key))
        return named or "/".join(p for p in (get_config(self.env).url_prefix, "series", key) if p)

    def set_related(self, lists: dict[str, tuple[str, ...]], print_: str) -> None:
        """Record every reflection's related reflections and what they were computed from."""
        self.data["related"] = lists
        self.data["related_print"] = print_

    def related(self, docname: str) -> tuple[str, ...]:
        """The docnames of a reflection's related reflections, best first."""
        return self.data["related"].get(docname, ())  # type: ignore[no-any-return]

    @property
    def related_print(self) -> str:
        return str(self.data["related_print"])

    # -- pagination -------------------------------------------------------------------

    def page_count(self, items: int) -> int:
        """How many pages a listing of ``items`` reflections takes (at least one)."""
        size = get_config(self.env).page_size
        return max(1, -(-items // size)) if size else 1

    def later_page(self, pagename: str, number: int) -> str:
        """The pagename of page ``number`` (2, 3, …) of a listing page.

        ``reflections/page-2`` for the archive (``reflections/index``),
        ``reflections/tags/cx/page-2`` for the tag page ``reflections/tags/cx``:
        in a folder of the page's own name, which no tag, person or event
        slug can be (slugs have no ``/``). Renamed after reading where a
        document is in the way (see :mod:`.naming`).
        """
        named: str | None = self.data["names"].get(("page", f"{pagename}|{number}"))
        return named or later_page_name(pagename, number)

    def listing_pages(self) -> list[tuple[str, str, str, list[Reflection]]]:
        """(pagename, kind, id, reflections listed) of every paginated page, in a fixed order."""
        found: list[tuple[str, str, str, list[Reflection]]] = [
            (self.index_of(""), "archive", "", self.visible())
        ]
        found += [
            (self.page_of("authors", i), "authors", i, self.by_author(i))
            for i in sorted(self.people)
        ]
        for key in sorted(self.tag_table):
            info = self.tag_table[key]
            listed = [self.reflections[d] for d in info.reflections]
            found.append((self.page_of("tags", info.slug), "tags", info.slug, listed))
        for ident in sorted(self.all_events()):
            found.append((self.page_of("events", ident), "events", ident, self.about_event(ident)))
        # of pieces that translate one another, the listings show one version
        return [(page, kind, ident, self.listed(shown)) for page, kind, ident, shown in found]

    def update_shown(self, now: dict[str, str]) -> list[str]:
        """Record what each page's clouds and listings show; the pages where it changed."""
        before = self.data["shown"]
        self.data["shown"] = now
        return [docname for docname, print_ in now.items() if before.get(docname) != print_]

    def set_outputs(self, pages: set[str], files: set[str]) -> None:
        """Record what this build generates; what the last one generated beyond it is stale."""
        old_pages, old_files = self.data["outputs"]
        self.data["stale"] = (old_pages - pages, old_files - files)
        self.data["outputs"] = (pages, files)

    @property
    def stale(self) -> tuple[set[str], set[str]]:
        return self.data["stale"]  # type: ignore[no-any-return]

    @property
    def outputs(self) -> tuple[set[str], set[str]]:
        return self.data["outputs"]  # type: ignore[no-any-return]

    def set_labels(self, registered: list[str], titles: dict[str, str]) -> list[str]:
        """Record the labels of generated pages; returns those of the last build."""
        old: list[str] = self.data["labels"]
        self.data["labels"] = registered
        self.data["label_titles"] = titles
        return old

    @property
    def label_titles(self) -> dict[str, str]:
        return self.data["label_titles"]  # type: ignore[no-any-return]

    def env_token(self) -> str:
        """An identity for this environment: a fresh one (``-E``) gets a new token."""
        token: str = self.data["env_token"]
        if not token:
            token = self.data["env_token"] = uuid.uuid4().hex
        return token

    def start_build(self) -> None:
        """Forget what the last build remembered (see :meth:`remember`)."""
        self._memo = {}
        self._failures = []

    def fail(self, reason: str) -> None:
        """Make this build fail at its end (a project asked for errors, not warnings)."""
        self._failures.append(reason)

    @property
    def failures(self) -> list[str]:
        return list(self._failures)

    def remember(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per build and process (never pickled).

        For values every generated page asks for that cannot change during the
        write phase: the site's fingerprint, the theme's toctree of a folder.
        """
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[no-any-return]

    # -- queries ----------------------------------------------------------------------

    def _used(self, docname: str, kind: str) -> set[str]:
        prefix = kind + ":"
        return {
            u[len(prefix) :] for u in self.data["used"].get(docname, ()) if u.startswith(prefix)
        }

    def people_shown(self, docname: str) -> set[str]:
        """Person ids a document shows or names: authors, mentions, cards, roles."""
        reflection = self.reflections.get(docname)
        return {
            *(reflection.authors if reflection else ()),
            *self.mentions.get(docname, ()),
            *self._used(docname, "authors"),
        }

    def events_shown(self, docname: str) -> set[str]:
        """Event ids a document shows or names: its event, callouts, roles, listings."""
        reflection = self.reflections.get(docname)
        return {
            *((reflection.event,) if reflection and reflection.event else ()),
            *self.callouts.get(docname, ()),
            *(ident for ident, _line in self.event_refs.get(docname, ())),
            *self.data["inline_events"].get(docname, {}),
            *self._used(docname, "events"),
        }

    def link_targets(self, docname: str) -> list[tuple[str, str, str]]:
        """(kind, id, page) of every tag, person and event page a document links to."""
        found = []
        for key in sorted(self.tags.get(docname, {})):
            info = self.tag_info(key)
            found.append(("tags", key, self.page_of("tags", info.slug) if info else ""))
        for ident in sorted(self.people_shown(docname)):
            found.append(("authors", ident, self.page_of("authors", ident)))
        for ident in sorted(self.events_shown(docname)):
            found.append(("events", ident, self.page_of("events", ident)))
        return found

    def link_pages(self) -> dict[str, str]:
        """Where a link to each tag, person and event goes ("kind:id" -> pagename)."""
        pages = {
            f"tags:{key}": self.page_of("tags", info.slug) for key, info in self.tag_table.items()
        }
        pages |= {f"authors:{i}": self.page_of("authors", i) for i in self.people}
        pages |= {f"events:{i}": self.page_of("events", i) for i in self.all_events()}
        return pages

    def moved_links(self) -> list[str]:
        """Documents whose links now go elsewhere than in the last build, to write again.

        A tag, person or event page that got another name (a collision that
        appeared or went away) leaves links in documents that were not read
        again pointing to the old address.
        """
        before: dict[str, str] = self.data["link_pages"]
        now = self.link_pages()
        self.data["link_pages"] = now
        moved = {k for k in before.keys() & now.keys() if before[k] != now[k]}
        if not moved:
            return []
        found = []
        for docname in sorted(self.env.found_docs):
            used = {f"tags:{key}" for key in self.tags.get(docname, {})}
            used |= {f"authors:{i}" for i in self.people_shown(docname)}
            used |= {f"events:{i}" for i in self.events_shown(docname)}
            if used & moved:
                found.append(docname)
        return found

    def all_events(self) -> dict[str, Event]:
        """Registry events and inline ones (the first definition of an id wins)."""
        found = dict(self.events)
        for docname in sorted(self.data["inline_events"]):
            for ident, (event, _line) in sorted(self.data["inline_events"][docname].items()):
                found.setdefault(ident, event)
        return found

    def visible(self) -> list[Reflection]:
        """Reflections listings may show (drafts only with ``show_drafts``), newest first."""
        show_drafts = get_config(self.env).show_drafts
        reflections = self.reflections
        key = (self.__dict__.get("_generation", 0), show_drafts, id(reflections), len(reflections))
        memo = self.__dict__.get("_visible")
        if memo is None or memo[0] != key or memo[2] is not reflections:
            found = [r for r in reflections.values() if show_drafts or not r.draft]
            # every listing, page and feed asks; sorted once until a reflection changes
            memo = (key, sorted(found, key=lambda r: r.sort_key), reflections)
            self.__dict__["_visible"] = memo
        return list(memo[1])

    def language_of(self, reflection: Reflection) -> str:
        """A piece's language tag: its own, else the project's (``en`` when unset)."""
        return reflection.language or (self.env.config.language or "en").replace("_", "-")

    def translations(self, key: str) -> list[Reflection]:
        """Every visible version of one piece (one ``translation`` key), oldest first."""
        found = [r for r in self.visible() if r.translation == key]
        return sorted(found, key=lambda r: (r.date, r.docname))

    def one_per_translation(self, reflections: list[Reflection]) -> list[Reflection]:
        """Of each piece that has translations, only the version a reader of the site gets.

        Of the versions in ``reflections``: the one in the project's language,
        else the oldest; pieces without a ``translation`` key are all kept.
        """
        site = (self.env.config.language or "en").replace("_", "-").casefold()
        chosen: dict[str, str] = {}
        for r in reflections:
            if not r.translation or r.translation in chosen:
                continue
            versions = sorted(
                (v for v in reflections if v.translation == r.translation),
                key=lambda v: (v.date, v.docname),
            )
            own = [v for v in versions if self.language_of(v).casefold() == site]
            chosen[r.translation] = (own or versions)[0].docname
        return [r for r in reflections if not r.translation or chosen[r.translation] == r.docname]

    def languages(self) -> list[str]:
        """The languages the visible reflections are written in; the project's first."""
        site = (self.env.config.language or "en").replace("_", "-")
        found = {self.language_of(r) for r in self.visible()}
        return sorted(found, key=lambda code: (code.casefold() != site.casefold(), code))

    def language_feed(self, code: str) -> str:
        """The pagename (without ``.xml``) of the feed of one language's pieces."""
        return self.page_of("", f"atom-{code.casefold()}")

    def listed(self, reflections: list[Reflection]) -> list[Reflection]:
        """What a generated page or feed lists: one version per piece unless all are asked for."""
        if get_config(self.env).listed_translations == "all":
            return reflections
        return self.one_per_translation(reflections)

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

    def tag_aliases(self) -> dict[str, str]:
        """Alias -> the tag it stands for: ``reflections_tag_aliases`` and the registry's."""
        found = dict(get_config(self.env).tag_aliases)
        for tag in self.tag_registry.values():
            for alias in tag.aliases:
                found.setdefault(alias, tag.name)
        return found

    def tag_info(self, key: str) -> TagInfo | None:
        """The TagInfo of a tag key or alias key, or None when it has no page."""
        table = self.tag_table
        if key in table:
            return table[key]
        for alias, target in self.tag_aliases().items():
            if tag_key(alias) == key:
                return table.get(tag_key(target))
        return None

    def about_event(self, ident: str) -> list[Reflection]:
        """Visible reflections about an event: by metadata, callout or hashtag."""
        event = self.all_events().get(ident)
        info = self.tag_info(tag_key(event.hashtag)) if event and event.hashtag else None
        tagged = set(info.reflections) if info else set()
        return [
            r
            for r in self.visible()
            if r.event == ident or ident in self.callouts.get(r.docname, ()) or r.docname in tagged
        ]

    def events_with_tag(self, key: str) -> list[Event]:
        """Events that declare this tag as their hashtag, by id."""
        return [
            e
            for _i, e in sorted(self.all_events().items())
            if e.hashtag and tag_key(e.hashtag) == key
        ]

    def select(self, spec: dict[str, Any]) -> list[Reflection]:
        """Visible reflections matching every filter of a listing (values within one: any)."""
        found = self.visible()
        if spec.get("author"):
            found = [r for r in found if set(r.authors) & set(spec["author"])]
        if spec.get("category"):
            wanted = {tag_key(c) for c in spec["category"]}
            found = [r for r in found if tag_key(r.category) in wanted]
        if spec.get("tag"):
            docs: set[str] = set()
            for key in spec["tag"]:
                info = self.tag_info(key)
                docs |= set(info.reflections) if info else set()
            found = [r for r in found if r.docname in docs]
        if spec.get("event"):
            docs = {r.docname for ident in spec["event"] for r in self.about_event(ident)}
            found = [r for r in found if r.docname in docs]
        if spec.get("language"):
            wanted = {code.casefold() for code in spec["language"]}
            found = [r for r in found if self.language_of(r).casefold() in wanted]
        translations = spec.get("translations") or get_config(self.env).listed_translations
        if translations == "one":
            found = self.one_per_translation(found)
        limit = spec.get("limit") or 0
        return found[:limit] if limit else found

    # -- cross references ---------------------------------------------------------------

    def page_of(self, kind: str, ident: str) -> str:
        """The pagename of a generated page, e.g. ``reflections/authors/jenny``.

        Usually ``prefix/kind/ident``; a name that would collide with another
        page, or is unsafe as a file name, was given another one after reading
        (see :mod:`.naming`).
        """
        named: str | None = self.data["names"].get((kind, ident))
        if named is not None:
            return named
        parts = (get_config(self.env).url_prefix, kind, ident)
        return "/".join(p for p in parts if p)

    def index_of(self, kind: str) -> str:
        """The pagename of the archive (``kind`` ``""``) or the tags or events index."""
        named: str | None = self.data["names"].get(("index", kind))
        return named or "/".join(p for p in (get_config(self.env).url_prefix, kind, "index") if p)

    def alias_page(self, alias: str) -> str | None:
        """The pagename of an alias's page (it points to its tag), if it has one."""
        page: str | None = self.data["names"].get(("tag-alias", tag_key(alias)))
        return page

    def set_names(self, names: dict[tuple[str, str], str]) -> None:
        """The pagenames given after reading where ``prefix/kind/ident`` would not do."""
        self.data["names"] = names

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
        found = self.target(typ, target)
        if found is None:
            return None
        page, shown = found
        if typ in OBJECT_TYPES and not node.get("refexplicit"):
            contnode = nodes.inline(shown, shown, classes=contnode.get("classes", []))
        link = make_refnode(builder, fromdocname, page, None, contnode)
        if page == fromdocname:  # the page itself: marked as the current one, not unlinked
            current = rnodes.reflections_current("", "", *link.children, **link.attributes)
            current["classes"].append("reflections-current")
            return current
        return link

    def target(self, typ: str, target: str) -> tuple[str, str] | None:
        """(pagename, what a link shows) of a person, tag, event or series known here."""
        if typ == "tag":
            info = self.tag_info(target)
            return (self.page_of("tags", info.slug), "#" + info.name) if info else None
        if typ == "event":
            event = self.all_events().get(target)
            return (self.page_of("events", target), event.name) if event else None
        if typ in ("author", "person"):
            person = self.people.get(target)
            return (self.page_of("authors", target), person.name) if person else None
        if typ == "series":
            series = self.series_table.get(target)
            return (self.series_page(target), series.name) if series else None
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

    def set_inventory(self, objects: list[tuple[str, str, str, str, str, int]]) -> None:
        """The people, tags, events and series with a page (builders that write them)."""
        self.data["inventory"] = objects

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """People, tags, events and series, pointing to their generated pages.

        Only with builders that write those pages; other projects link to them
        through intersphinx (``{external+kb:reflections:person}`jenny```).
        """
        return iter(self.data["inventory"])


def _oldest(reflection: Reflection) -> tuple[int, str]:
    return (reflection.date.toordinal(), reflection.docname)


def later_page_name(pagename: str, number: int) -> str:
    """``reflections/index`` -> ``reflections/page-2``; ``…/tags/cx`` -> ``…/tags/cx/page-2``."""
    folder = pagename[: -len("/index")] if pagename.endswith("/index") else pagename
    return f"{folder}/page-{number}"


def get_domain(env: BuildEnvironment) -> ReflectionsDomain:
    return env.get_domain("reflections")  # type: ignore[return-value]


def load_registries(app: Sphinx) -> None:
    """``builder-inited``: read both registries once per build, before any document."""
    cfg = get_config(app)
    people, people_src = load_people(cfg.authors, app.confdir, app.srcdir)
    events, events_src = load_events(cfg.events, app.confdir)
    tags, tags_src = load_tags(cfg.tags, app.confdir)
    files = [
        str(source.path)
        for source in (people_src, events_src, tags_src)
        if source.path and source.path.is_file()
    ]
    locations = {("authors", i): people_src.location(i) for i in people}
    locations |= {("events", i): events_src.location(i) for i in events}
    locations |= {("tags", i): tags_src.location(i) for i in tags}
    get_domain(app.env).set_registries(people, events, tags, files, locations)
