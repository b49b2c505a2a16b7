"""The ``reflections`` domain: the only home of cross-document state.

Per-document records are keyed by docname so ``clear_doc`` and
``merge_domaindata`` keep incremental and parallel builds exact. The
registries, the tag table and what the last build generated are global
(rebuilt every build) and live here too, so every part of the extension
reads them from one place and changes them only through its methods. What is
stored, and the methods that write it, are in :mod:`.store`; this module adds
the queries every feature asks, and links to people, tags, events and series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.domains import ObjType
from sphinx.roles import XRefRole
from sphinx.util.nodes import make_refnode

from . import nodes as rnodes
from .config import get_config
from .i18n import _
from .records import Reflection, SeriesInfo, TagInfo, series_key
from .registry import (
    Event,
    load_events,
    load_people,
    load_tags,
)
from .store import DATA_VERSION, DomainStore
from .text import tag_key
from .urls import forget_folders

if TYPE_CHECKING:
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import RoleFunction


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


class ReflectionsDomain(DomainStore):
    """Holds reflections, tags, mentions and events per document, and the registries.

    People, tags, events and series are its objects: in ``objects.inv`` for
    intersphinx, and linked with ``{reflections:person}`` and its siblings.
    """

    name = "reflections"
    label = "Reflections"
    data_version = DATA_VERSION
    object_types = OBJECT_TYPES
    roles = domain_roles()

    # -- tables worked out from the records --------------------------------------

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

    # -- queries ----------------------------------------------------------------------

    def _used(self, docname: str, kind: str) -> set[str]:
        prefix = kind + ":"
        return {
            u[len(prefix) :] for u in self.data["used"].get(docname, ()) if u.startswith(prefix)
        }

    def people_shown(self, docname: str, mentions: bool = True, authors: bool = True) -> set[str]:
        """Person ids a document shows or names: authors, cards, roles, and mentions.

        Without ``mentions``: those whose registry entry the page shows more of
        than a link and a name (a mention is a link with the typed text, and an
        index entry under the person's name). Without ``authors``: not a
        reflection's own authors, whose byline is made when the page is written.
        """
        reflection = self.reflections.get(docname)
        return {
            *(reflection.authors if reflection and authors else ()),
            *(self.mentions.get(docname, ()) if mentions else ()),
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

    def _shown(self) -> tuple[list[Reflection], dict[str, list[Reflection]]]:
        """The visible reflections, and each person's, until a reflection changes.

        Every listing, page and feed asks: sorted once, not once per question.
        """
        show_drafts = get_config(self.env).show_drafts
        reflections = self.reflections
        key = (self.__dict__.get("_generation", 0), show_drafts, len(reflections))
        memo = self.__dict__.get("_visible")
        if memo is None or memo[0] != key or memo[2] is not reflections:
            found = [r for r in reflections.values() if show_drafts or not r.draft]
            ordered = sorted(found, key=lambda r: r.sort_key)
            by_author: dict[str, list[Reflection]] = {}
            for reflection in ordered:
                for person in dict.fromkeys(reflection.authors):
                    by_author.setdefault(person, []).append(reflection)
            memo = (key, ordered, reflections, by_author)
            self.__dict__["_visible"] = memo
        return memo[1], memo[3]

    def visible(self) -> list[Reflection]:
        """Reflections listings may show (drafts only with ``show_drafts``), newest first."""
        return list(self._shown()[0])

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
        """A person's visible reflections, newest first."""
        return list(self._shown()[1].get(person, ()))

    def mentioning(self, person: str) -> list[str]:
        """Docnames that mention the person, excluding their own reflections."""
        own = {r.docname for r in self.by_author(person)}
        show_drafts = get_config(self.env).show_drafts
        reflections = self.reflections
        found = []
        for d, who in self.mentions.items():
            if person not in who or d in own:
                continue
            reflection = reflections.get(d)  # a draft is hidden unless drafts are shown
            if reflection is None or show_drafts or not reflection.draft:
                found.append(d)
        return sorted(found)

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


def get_domain(env: BuildEnvironment) -> ReflectionsDomain:
    return env.get_domain("reflections")  # type: ignore[return-value]


def load_registries(app: Sphinx) -> None:
    """``builder-inited``: read both registries once per build, before any document."""
    cfg = get_config(app)
    domain = get_domain(app.env)
    parsed = domain.parsed_registries
    forget_folders()
    people, people_src = load_people(cfg.authors, app.confdir, app.srcdir, parsed)
    events, events_src = load_events(cfg.events, app.confdir, parsed)
    tags, tags_src = load_tags(cfg.tags, app.confdir, parsed)
    files = [
        str(source.path)
        for source in (people_src, events_src, tags_src)
        if source.path and source.path.is_file()
    ]
    for stale in set(parsed) - set(files):  # a registry moved or left the configuration
        del parsed[stale]
    locations = {("authors", i): people_src.location(i) for i in people}
    locations |= {("events", i): events_src.location(i) for i in events}
    locations |= {("tags", i): tags_src.location(i) for i in tags}
    domain.set_registries(people, events, tags, files, locations)
