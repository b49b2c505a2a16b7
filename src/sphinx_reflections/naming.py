"""Names of generated pages and files: distinct, safe, and the same for every builder.

After reading, every generated page claims a name, in a fixed order: the
documents first (a page someone wrote always keeps its place), then the
archive, the indexes and their feeds, then one page per tag (by key), alias,
person and event (in registry order, so an entry added later never takes the
name of one that was there before), series (by id), and last the later pages
of paginated listings (``…/page-2``), which live in a folder of their page's
own name and so can only meet a document. A name is taken when something claimed earlier would be written
to the same file with ``html`` or ``dirhtml``, or to a file whose name
differs only by case (case-insensitive file systems), or where one needs a
folder and the other a file of the same name. The later claimant then gets
``name-2`` (``-3``, …) and a located ``reflections.duplicate`` warning. Before
that, every name is made safe as a file name (:func:`.files.safe_stem`: too
long, reserved on Windows). The names live in the domain, where
:meth:`.ReflectionsDomain.page_of` reads them.
"""

from __future__ import annotations

import dataclasses as dc
from typing import TYPE_CHECKING, Any

from .config import get_config
from .domain import ReflectionsDomain, get_domain
from .files import safe_stem
from .records import SeriesInfo, TagInfo
from .store import later_page_name
from .text import slugify, tag_key
from .warnings_ import ReflectionsWarning, config_location, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Files that come with every page of a kind, next to it (feeds, calendars).
COMPANIONS: dict[str, tuple[str, ...]] = {
    "tags": (".xml", ".ics"),
    "authors": (".xml",),
    "events": (".xml", ".ics"),
    "series": (".xml",),
}

#: Index pages of the site: the folder they are in -> what a reader calls it.
INDEX_PAGES: dict[str, str] = {
    "": "the archive",
    "tags": "the tags index",
    "events": "the events index",
    "authors": "the people index (reserved)",
}
FIXED_FILES: dict[str, str] = {
    "atom.xml": "the site's Atom feed",
    "feed.json": "the site's JSON feed",
    "events.ics": "the site's calendar",
    "feed.xsl": "the feeds' stylesheet",
}


class Claims:
    """Output paths already taken, case-folded: who took them, and where that is written."""

    def __init__(self) -> None:
        self.taken: dict[str, tuple[str, Any]] = {}

    @staticmethod
    def page_paths(pagename: str, companions: tuple[str, ...] = ()) -> list[str]:
        """Every path a page can be written to: ``html``, ``dirhtml`` (folder too), files."""
        name = pagename.casefold()
        paths = [name + ".html"]
        if name != "index" and not name.endswith("/index"):
            paths += [name + "/index.html", name + "/"]
        return paths + [name + suffix for suffix in companions]

    def owner(self, paths: list[str]) -> tuple[str, Any] | None:
        """Who has one of these paths, or a file where one needs a folder (or the reverse)."""
        for path in paths:
            twin = path[:-1] if path.endswith("/") else path + "/"
            for candidate in (path, twin):
                if candidate in self.taken:
                    return self.taken[candidate]
        return None

    def claim(self, paths: list[str], who: str, location: Any = None) -> None:
        for path in paths:
            self.taken.setdefault(path, (who, location))


@dc.dataclass
class Naming:
    """Gives each generated page its name, warning where two would share one."""

    prefix: str
    claims: Claims = dc.field(default_factory=Claims)
    names: dict[tuple[str, str], str] = dc.field(default_factory=dict)

    def page(self, kind: str, stem: str) -> str:
        return "/".join(p for p in (self.prefix, kind, stem) if p)

    def give(
        self,
        kind: str,
        key: tuple[str, str],
        wanted: str,
        who: str,
        location: Any,
        companions: tuple[str, ...] = (),
        move: bool = True,
    ) -> str | None:
        """The stem for ``wanted`` in ``kind``'s folder: the first free of it, -2, -3…

        The pagename is remembered under ``key`` when it is not ``prefix/kind/wanted``.
        With ``move=False`` a taken name gives None (nothing is written) instead.
        """
        base = safe_stem(wanted)
        first = self.claims.owner(Claims.page_paths(self.page(kind, base), companions))
        stem = base
        number = 1
        while self.claims.owner(Claims.page_paths(self.page(kind, stem), companions)):
            number += 1
            stem = f"{base}-{number}"
        if first is not None:
            owner, owner_location = first
            outcome = f"it gets {self.page(kind, stem)!r} instead" if move else "it gets no page"
            warn(
                ReflectionsWarning.DUPLICATE,
                f"{who} would be written to {self.page(kind, base)!r}, which {owner} "
                f"already has; {outcome}",
                location or owner_location,
            )
            if not move:
                return None
        self.claims.claim(Claims.page_paths(self.page(kind, stem), companions), who, location)
        if stem != wanted:
            self.names[key] = self.page(kind, stem)
        return stem


def _tag_location(domain: ReflectionsDomain, info: TagInfo) -> Any:
    docname = sorted({*info.reflections, *info.pages})[0]
    return (docname, domain.tag_line(docname, info.key))


def allocate(app: Sphinx, domain: ReflectionsDomain) -> tuple[dict[str, TagInfo], Naming]:
    """Name the pages of the archive, indexes, tags, people and events.

    Returns the tag table with each tag's final page name, and the claims so
    far: series and the later pages of listings are named with them once the
    tag table is set (see :func:`name_pages`).
    """
    cfg = get_config(app)
    naming = Naming(cfg.url_prefix)
    for docname in sorted(app.env.found_docs):
        naming.claims.claim(Claims.page_paths(docname), f"the document {docname!r}", docname)
    for kind, who in INDEX_PAGES.items():
        # where a document is in the way, the warning points to the document
        naming.give(kind, ("index", kind), "index", who, None)
    for filename, who in FIXED_FILES.items():
        naming.claims.claim([naming.page("", filename).casefold()], who)
    table: dict[str, TagInfo] = {}
    for key, info in sorted(domain.tag_table.items()):
        where = _tag_location(domain, info)
        registry = next((t for t in domain.tag_registry.values() if t.id == info.slug), None)
        if registry is not None:
            where = domain.location("tags", registry.id) or where
        # a tag's page is found by its slug, so the slug itself becomes the final name
        stem = naming.give("tags", ("", ""), info.slug, f"#{info.name}", where, COMPANIONS["tags"])
        naming.names.pop(("", ""), None)
        table[key] = dc.replace(info, slug=stem or info.slug)
    for _key, info in sorted(table.items()):
        for alias in info.aliases:
            wanted = slugify(alias, cfg.slug_ascii)
            if wanted == info.slug:
                continue
            stem = naming.give(
                "tags",
                ("tag-alias", tag_key(alias)),
                wanted,
                f"the alias #{alias} of #{info.name}",
                config_location(app.confdir, "reflections_tag_aliases"),
                move=False,
            )
            if stem is not None:
                naming.names[("tag-alias", tag_key(alias))] = naming.page("tags", stem)
    # in registry order: whoever was there first keeps the name when a new id clashes
    for ident in domain.people:
        naming.give(
            "authors",
            ("authors", ident),
            ident,
            f"the page of {domain.people[ident].name!r} ({ident})",
            domain.location("authors", ident),
            COMPANIONS["authors"],
        )
    for ident, event in domain.all_events().items():
        naming.give(
            "events",
            ("events", ident),
            ident,
            f"the page of the event {event.name!r} ({ident})",
            domain.location("events", ident),
            COMPANIONS["events"],
        )
    domain.set_names(naming.names)
    return table, naming


def name_series(
    domain: ReflectionsDomain, naming: Naming, ascii_only: bool
) -> dict[str, SeriesInfo]:
    """A page for every series, by id; the series table with each page's final name."""
    table = {}
    for key, info in sorted(domain.build_series_table().items()):
        first = info.parts[0]
        wanted = slugify(domain.reflections[first].series, ascii_only)
        stem = naming.give(
            "series",
            ("series", key),
            wanted,
            f"the page of the series {info.name!r}",
            (first, None),
            COMPANIONS["series"],
        )
        stem = stem or wanted
        naming.names[("series", key)] = naming.page("series", stem)
        table[key] = dc.replace(info, slug=stem)
    return table


def name_later_pages(domain: ReflectionsDomain, naming: Naming) -> None:
    """Names for pages 2, 3, … of the archive and of tag, author and event pages.

    Each sits in a folder named after its first page, where no tag, person or
    event page can be; only a document there moves it (to ``page-2-2``).
    """
    for pagename, _kind, _ident, listed in domain.listing_pages():
        for number in range(2, domain.page_count(len(listed)) + 1):
            wanted = later_page_name(pagename, number)
            name, suffix = wanted, 1
            first = naming.claims.owner(Claims.page_paths(wanted))
            while naming.claims.owner(Claims.page_paths(name)):
                suffix += 1
                name = f"{wanted}-{suffix}"
            who = f"page {number} of {pagename!r}"
            if first is not None:
                warn(
                    ReflectionsWarning.DUPLICATE,
                    f"{who} would be written to {wanted!r}, which {first[0]} already has; "
                    f"it gets {name!r} instead",
                    first[1],
                )
            naming.claims.claim(Claims.page_paths(name), who)
            if name != wanted:
                naming.names[("page", f"{pagename}|{number}")] = name


def name_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: give every generated page its name, now that the tags are known.

    Returns the documents that link to a page whose name changed since the
    last build, so Sphinx writes them again.
    """
    domain = get_domain(env)
    table, naming = allocate(app, domain)
    domain.set_tag_table(table)
    domain.set_series_table(name_series(domain, naming, get_config(app).slug_ascii))
    name_later_pages(domain, naming)
    domain.set_names(naming.names)
    return domain.moved_links()
