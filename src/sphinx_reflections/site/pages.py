"""Generated pages: rendered through the theme, only when what they show changed.

Each page is a doctree (see :mod:`.trees`) resolved by the resolution stage
and rendered by the builder's own translator inside the theme's
``page.html``, so it carries exactly the markup of documents. A page whose
inputs are those of the last build, and whose file is still there, is left
alone; listing entries whose reflection did not change are reused as the
HTML an earlier build rendered.
"""

from __future__ import annotations

import dataclasses as dc
import hashlib
import html
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.osutil import relative_uri
from sphinx.util.parallel import ParallelTasks, make_chunks

from .. import nodes as rnodes
from .._version import __version__
from ..compat import has_local_toctree, local_toctree, prepare_partial
from ..dates import build_date, day
from ..domain import ReflectionsDomain, get_domain, page_builder
from ..files import move_if_changed
from ..listings import EntryMaker, entry, entry_inputs
from ..metadata import PAGE_KEY, PAGING_KEY
from ..neighbours import unlisted
from ..records import Reflection
from ..registry import Event
from ..resolve import resolve_generated
from ..text import tag_key
from . import cache
from .outputs import navigation_pages
from .trees import (
    Paging,
    alias_tree,
    archive_tree,
    author_tree,
    event_tree,
    events_index_tree,
    fill_pagination,
    page_section,
    series_tree,
    split_pages,
    subscribe_line,
    tag_tree,
    tags_index_tree,
    titled,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder

#: What ``handle_page`` takes: pagename, context, template.
Page = tuple[str, dict[str, Any], str]


def render(
    builder: StandaloneHTMLBuilder, pagename: str, tree: nodes.section, canonical: str = ""
) -> Page:
    """A page for ``handle_page``: the theme's ``page.html`` with our body.

    With ``canonical`` (a pagename) the page only points there: an alias page.
    """
    resolve_generated(tree, builder, pagename)
    title = tree[0].astext()
    prepare_partial(builder)
    body = builder.render_partial(tree)["fragment"]
    context: dict[str, Any] = {
        "title": html.escape(title),  # templates print it as HTML, like a rendered title
        "body": body,
        "meta": {},
        "metatags": "",
        "toc": "",
        "display_toc": False,
        "parents": [],
        "rellinks": [],
    }
    if has_local_toctree(builder):
        context["toctree"] = partial(shared_toctree, builder, pagename)
    if canonical:
        target = builder.get_relative_uri(pagename, canonical)
        base = builder.config.html_baseurl
        context["pageurl"] = (
            posixpath.join(base, builder.get_target_uri(canonical)) if base else None
        )
        context["metatags"] = (
            f'<meta http-equiv="refresh" content="0; url={html.escape(target)}">\n'
        )
        if not base:
            context["metatags"] += f'<link rel="canonical" href="{html.escape(target)}">\n'
    return pagename, context, "page.html"


def shared_toctree(builder: StandaloneHTMLBuilder, pagename: str, **kwargs: Any) -> str:
    """The theme's ``toctree()`` for a generated page, resolved once per folder and build.

    Sidebars resolve the whole table of contents on every page. Generated
    pages are in no toctree, so nothing in it is marked current for them, and
    its relative links are the same for every page of one output folder; only
    the pages a toctree may list (the archive, the tags and events indexes)
    are marked current on themselves, so each has a menu of its own.
    """
    domain = get_domain(builder.env)
    folder = posixpath.dirname(builder.get_target_uri(pagename))
    own = pagename if pagename in navigation_pages(domain) else ""
    key = ("toctree", folder, own, repr(sorted(kwargs.items())))
    return domain.remember(key, lambda: local_toctree(builder, pagename, **kwargs))


@dc.dataclass(frozen=True)
class PageSource:
    """One generated page: where it goes, what it is, how to build it, what it shows.

    ``kind`` and ``ident`` say what the page is about, for its head and its
    feed links: ``archive``; ``tags``, ``authors`` or ``events`` with the tag's
    slug, the person's or the event's id (an empty id: the index); ``series``
    with the series' key. ``inputs`` is everything the page shows (with
    :func:`cache.site_inputs`, which every page shares); when it has not
    changed since the last build, the page is not rendered. ``listed`` are
    the reflections its listings show. A ``canonical`` page only points there
    (an alias page). ``paging`` says which page of a paginated listing it is.
    """

    pagename: str
    kind: str
    ident: str
    make_tree: Callable[[EntryMaker], nodes.section]
    inputs: Any
    listed: tuple[Reflection, ...] = ()
    canonical: str = ""
    paging: Paging | None = None


def _upcoming(event: Event) -> bool:
    return bool(day(event.end or event.start) >= build_date())


def _event_inputs(domain: ReflectionsDomain, event: Event) -> Any:
    """What an event's callout shows: the event, whether it is still to come, its tag's page."""
    info = domain.tag_info(tag_key(event.hashtag)) if event.hashtag else None
    return (event, _upcoming(event), info.slug if info else None)


def _entry_print(domain: ReflectionsDomain, reflection: Reflection, prints: dict[str, str]) -> str:
    """A fingerprint of what an entry shows, made once per piece for all pages that list it."""
    found = prints.get(reflection.docname)
    if found is None:
        found = prints[reflection.docname] = cache.digest(entry_inputs(domain, reflection))
    return found


def _paged(
    domain: ReflectionsDomain,
    pagename: str,
    kind: str,
    ident: str,
    reflections: list[Reflection],
    make: Callable[..., nodes.section],
    first: Any,
    prints: dict[str, str],
) -> Iterator[PageSource]:
    """The page (or pages, with ``reflections_page_size``) of one listing.

    ``first`` is what only the first page shows (a card, a callout, other pages).
    Of pieces that translate one another, one version is listed (see
    :meth:`.ReflectionsDomain.listed`).
    """
    for paging in split_pages(pagename, domain.listed(reflections), domain):
        shown = [_entry_print(domain, r, prints) for r in paging.listed]
        before = paging.before.date.year if paging.before else None
        yield PageSource(
            paging.pages[paging.number - 1],
            kind,
            ident,
            partial(make, paging=paging),
            (first if paging.number == 1 else None, shown, paging.number, paging.pages, before),
            paging.listed,
            paging=paging if paging.total > 1 else None,
        )


def _pages(app: Sphinx) -> Iterator[PageSource]:
    """Every generated page, in a fixed order."""
    domain = get_domain(app.env)
    prints: dict[str, str] = {}  # docname -> what its entry shows

    yield from _paged(
        domain,
        domain.index_of(""),
        "archive",
        "",
        domain.visible(),
        partial(archive_tree, domain),
        None,
        prints,
    )
    for person_id in sorted(domain.people):
        yield from _paged(
            domain,
            domain.page_of("authors", person_id),
            "authors",
            person_id,
            domain.by_author(person_id),
            partial(author_tree, domain, person_id),
            (domain.people[person_id], titled(domain, domain.mentioning(person_id))),
            prints,
        )
    yield PageSource(
        domain.index_of("tags"),
        "tags",
        "",
        lambda _make: tags_index_tree(domain),
        sorted(domain.tag_table.items()),
    )
    for key in sorted(domain.tag_table):
        info = domain.tag_table[key]
        events = [_event_inputs(domain, e) for e in domain.events_with_tag(key)]
        yield from _paged(
            domain,
            domain.page_of("tags", info.slug),
            "tags",
            info.slug,
            [domain.reflections[d] for d in info.reflections],
            partial(tag_tree, domain, info),
            (info, events, titled(domain, info.pages)),
            prints,
        )
    all_events = sorted(domain.all_events().items())
    yield PageSource(
        domain.index_of("events"),
        "events",
        "",
        lambda _make: events_index_tree(domain),
        [_event_inputs(domain, e) for _i, e in all_events],
    )
    for ident, event in all_events:
        yield from _paged(
            domain,
            domain.page_of("events", ident),
            "events",
            ident,
            domain.about_event(ident),
            partial(event_tree, domain, event),
            _event_inputs(domain, event),
            prints,
        )
    for key, series in sorted(domain.series_table.items()):
        parts = tuple(domain.reflections[d] for d in series.parts)
        yield PageSource(
            domain.series_page(key),
            "series",
            key,
            partial(series_tree, domain, series),
            (series, [entry_inputs(domain, r) for r in parts]),
            parts,
        )
    for key in sorted(domain.tag_table):
        info = domain.tag_table[key]
        for alias in info.aliases:
            page = domain.alias_page(alias)
            if page is not None:
                yield PageSource(
                    page,
                    "alias",
                    alias,
                    partial(alias_tree, alias, info),
                    (alias, info.name, info.slug),
                    canonical=domain.page_of("tags", info.slug),
                )


def _no_toctree(**kwargs: Any) -> str:
    return ""


def _chrome(app: Sphinx, pagename: str, scratch: Path) -> str:
    """A fingerprint of the theme's page around an empty body, at this page's place.

    Sidebars and asset links change with documents and options that our own
    data does not show; when this changes, every page in the folder is rendered
    again. The theme's table of contents is left out, as Sphinx leaves it out
    when it decides which documents to write: a piece added to a toctree does
    not render every page of the site again (each gets the new menu the next
    time it is rendered, and every page in a clean build). The probe borrows a
    real page's name (its links must be the page's), so it is kept out of
    sphinx-sitemap.
    """
    builder: Any = app.builder
    tree = page_section("", "reflections-probe")
    name, context, template = render(builder, pagename, tree)
    context["toctree"] = _no_toctree
    scratch.unlink(missing_ok=True)  # a new file, not one truncated (see write_if_changed)
    with unlisted(app, pagename):
        builder.handle_page(name, context, template, outfilename=scratch)
    return hashlib.sha256(scratch.read_bytes()).hexdigest()


def write_generated_pages(app: Sphinx, state: cache.WriteState, site: str) -> bool:
    """Write every generated page whose inputs or bytes changed.

    A page whose inputs (its data, the site-wide data and the theme around it)
    are those of the last build, and whose file is still there, is left alone.
    Other pages are rendered through the theme like any document; one whose
    file is there is rendered into a scratch file first, so an unchanged page
    keeps its file and modification time (rsync, CDNs and incremental deploys
    see only real changes). With
    ``-j N`` (and every extension parallel-write-safe) they are rendered in
    ``N`` forked processes, the way Sphinx writes documents.

    Returns True when the build read nothing and nothing else a page shows
    changed (:func:`.cache.quiet_key`): no page was looked at one by one, and
    the feeds need not be either.
    """
    builder: Any = app.builder
    domain = get_domain(app.env)
    outdir = Path(builder.outdir)
    scratch = outdir / ".reflections-scratch.html"
    probed: dict[str, str] = {}  # probe pagename -> the theme's fingerprint there

    def chrome_at(pagename: str) -> str:
        if pagename not in probed:
            probed[pagename] = _chrome(app, pagename, scratch)
        return probed[pagename]

    if domain.quiet and state.quiet:
        chrome = {folder: chrome_at(page) for folder, page in sorted(state.probes.items())}
        if cache.quiet_key(domain, site, chrome) == state.quiet and all(
            Path(builder.get_outfilename(pagename)).is_file() for pagename in state.pages
        ):
            scratch.unlink(missing_ok=True)
            return True
    chrome = {}
    probes: dict[str, str] = {}
    written: dict[str, str] = {}
    jobs: list[tuple[PageSource, Path]] = []
    for page in _pages(app):
        pagename = page.pagename
        folder = posixpath.dirname(pagename)
        if folder not in chrome:
            probes[folder] = pagename
            chrome[folder] = chrome_at(pagename)
        fingerprint = cache.digest(site, chrome[folder], page.canonical, page.inputs)
        written[pagename] = fingerprint
        target = Path(builder.get_outfilename(pagename))
        if state.pages.get(pagename) != fingerprint or not target.is_file():
            jobs.append((page, target))
    scratch.unlink(missing_ok=True)
    entries = shared_entries(app, domain, site)
    entries.prepare(r for page, _target in jobs for r in page.listed)
    if getattr(builder, "parallel_ok", False) and len(jobs) >= PARALLEL_PAGES:
        tasks = ParallelTasks(app.parallel)
        for chunk in make_chunks(jobs, app.parallel):  # type: ignore[arg-type]
            tasks.add_task(partial(write_pages, app, entries), chunk)
        tasks.join()
    else:
        write_pages(app, entries, jobs)
    state.pages = written
    state.probes = probes
    state.quiet = cache.quiet_key(domain, site, chrome)
    entries.kept.save({r.docname for r in domain.visible()})
    return False


PARALLEL_PAGES = 8  # fewer pages are not worth forking for


def shared_entries(app: Sphinx, domain: ReflectionsDomain, site: str) -> Entries:
    """This build's entries: one set for documents' related lists and generated pages."""
    return domain.remember(("entries", app.builder.name), lambda: Entries(app, site, domain))


def related_entries(app: Sphinx, builder: Builder, docname: str) -> EntryMaker | None:
    """``reflections-entry-maker``: a document's related list gets the entries pages get.

    Rendered once per build (and kept for the next while unchanged) instead
    of once per piece that lists them; only for the builders that write the
    generated pages, whose addresses the entries are rebased between.
    """
    if not page_builder(builder) or builder is not app.builder:
        return None
    domain = get_domain(app.env)
    return shared_entries(app, domain, cache.site_key(app, domain)).maker(docname)


def write_pages(app: Sphinx, entries: Entries, jobs: list[tuple[PageSource, Path]]) -> None:
    """Render these generated pages and write those whose bytes changed."""
    builder: Any = app.builder
    domain = get_domain(app.env)
    scratch = Path(builder.outdir) / f".reflections-scratch-{os.getpid()}.html"
    for page, target in jobs:
        pagename, kind, ident, canonical = page.pagename, page.kind, page.ident, page.canonical
        tree = page.make_tree(entries.maker(pagename))
        if page.paging is None or page.paging.number == 1:
            line = None if canonical else subscribe_line(builder, domain, pagename, kind, ident)
            if line is not None:
                tree.insert(1, line)
        fill_pagination(tree, partial(_uri, builder, pagename))
        name, context, template = render(builder, pagename, tree, canonical)
        if not canonical:
            context[PAGE_KEY] = (kind, ident)
        if page.paging is not None:
            paging = page.paging
            newer = paging.pages[paging.number - 2] if paging.number > 1 else ""
            older = paging.pages[paging.number] if paging.number < paging.total else ""
            context[PAGING_KEY] = (newer, older, [r.docname for r in paging.listed])
        if not target.exists():  # nothing to keep: written in its place (a clean build)
            builder.handle_page(name, context, template, outfilename=target)
            continue
        scratch.unlink(missing_ok=True)  # a new file, not one truncated (see write_if_changed)
        builder.handle_page(name, context, template, outfilename=scratch)
        move_if_changed(scratch, target)
    scratch.unlink(missing_ok=True)


def _uri(builder: Any, pagename: str, other: str) -> str:
    """Another page's address from this one; this one's own by its name, never empty."""
    if other != pagename:
        return str(builder.get_relative_uri(pagename, other))
    return posixpath.basename(builder.get_target_uri(pagename)) or "./"


class Entries:
    """Each reflection's listing entry, rendered once per build and moved to every page.

    An entry looks the same on every generated page that lists it, except for
    its links, which are relative to the page, and for a link to the page
    itself, which is plain text (an author's name on their own page). So it is
    rendered once, as if on the archive, and each page gets a copy with its
    links rebased (:func:`rebase`). The rendered HTML is kept next to the
    doctrees for later builds, keyed by everything the entry shows: after one
    reflection changed, one entry is rendered, not one per page it is on.
    """

    KIND = "entries"

    def __init__(self, app: Sphinx, site: str, domain: ReflectionsDomain) -> None:
        self.app = app
        self.builder: Any = app.builder
        translator = self.builder.get_translator_class()
        self.site = (site, __version__, f"{translator.__module__}.{translator.__qualname__}")
        self.domain = domain
        self.kept = cache.Kept(app, self.KIND)
        self.base = domain.index_of("")
        self.base_uri = self.builder.get_target_uri(self.base)
        self.html: dict[str, str] = {}  # docname -> entry HTML as on the archive
        self.page_uri = ""
        self.current = self._current_markup()
        self.fresh = True  # prepare_all not yet tried
        self.targets: dict[str, set[str]] = {}  # docname -> the pages its entry links to
        # (set with self.html, in prepare, and kept with it for later builds)
        self.moved: dict[tuple[str, str], str] = {}  # (docname, folder) -> entry rebased there
        self.uris: dict[tuple[str, str], str] = {}  # (folder, address as rendered) -> address there

    def key(self, reflection: Reflection) -> str:
        """Everything one reflection's entry shows, with what it links to."""
        return cache.digest(self.site, entry_inputs(self.domain, reflection))

    def prepare(self, reflections: Iterable[Reflection]) -> None:
        """Have the entries of these reflections ready: kept from the last build, or rendered.

        Done before pages are rendered (in forked workers under ``-j``), so
        each entry is rendered once in all; those not kept are rendered
        together, in one pass of the translator (:meth:`_render_all`).
        """
        due: dict[str, tuple[Reflection, str]] = {}
        for reflection in reflections:
            docname = reflection.docname
            if docname in self.html or docname in due:
                continue
            key = self.key(reflection)
            stored = self.kept.get(docname)
            html = stored.get("html") if stored.get("key") == key else None
            targets = stored.get("targets")
            if isinstance(html, str) and isinstance(targets, list):
                self.html[docname] = html
                self.targets[docname] = set(targets)
            else:
                due[docname] = (reflection, key)
        made = self._render_all(
            [entry(reflection, self.domain) for reflection, _key in due.values()]
        )
        for (docname, (_reflection, key)), html in zip(due.items(), made, strict=True):
            # kept with the HTML: on a page listing hundreds, finding them again is a cost
            targets = link_targets(html, self.base_uri)
            kept = {"key": key, "html": html, "targets": sorted(targets)}
            self.kept.put(docname, kept)
            self.html[docname] = html
            self.targets[docname] = targets

    def prepare_all(self) -> None:
        """On a first build (nothing kept yet), render every listed entry in one pass.

        Documents' related lists ask for entries one by one, before the
        generated pages do; when none was kept, all of them will be needed.
        """
        if not self.fresh:
            return
        self.fresh = False
        if not self.kept.any():
            self.prepare(self.domain.visible())

    def maker(self, pagename: str) -> EntryMaker:
        """Start a page: the function its listings make entries with.

        On a first build every entry is rendered now, in the process that asks
        first (the main one, before ``-j`` workers start), not once per worker.
        """
        self.prepare_all()
        self.page_uri = self.builder.get_target_uri(pagename)
        return self._make

    def _make(self, reflection: Reflection) -> nodes.Element:
        docname = reflection.docname
        if docname not in self.html:
            self.prepare_all()
            if docname not in self.html:
                self.prepare((reflection,))
        html = self.html[docname]
        if self.page_uri in self.targets[docname]:  # a link to this very page: rebase it here
            return rnodes.reflections_entry_html(
                html=rebase(html, self.base_uri, self.page_uri, self.current, self.uris)
            )
        # otherwise the entry reads the same on every page of the folder: rebased once
        place = (docname, posixpath.dirname(self.page_uri))
        moved = self.moved.get(place)
        if moved is None:
            moved = self.moved[place] = rebase(
                html, self.base_uri, self.page_uri, self.current, self.uris
            )
        return rnodes.reflections_entry_html(html=moved)

    def _current_markup(self) -> tuple[str, str]:
        """How the translator opens and closes a link to the page it is on."""
        prepare_partial(self.builder)
        marker = "reflections-current-marker"
        link = rnodes.reflections_current("", "", nodes.Text(marker), refuri="")
        link["classes"].append("reflections-current")
        html = str(self.builder.render_partial(link)["fragment"])
        opening, _marker, closing = html.partition(marker)
        return opening, closing

    def _render_all(self, made: list[nodes.Element]) -> list[str]:
        """Entries' HTML as on the archive page, from one call of the translator.

        Each call of ``render_partial`` makes a new translator (the node
        handlers of every extension bound one by one, the stylesheets looked
        up): for hundreds of entries that was the most of their cost. The
        entries are rendered side by side between markers the translator
        passes through verbatim, and cut apart; their HTML does not depend on
        their neighbours (a test compares it with entries rendered alone).
        """
        if not made:
            return []
        batch = nodes.container()
        batch += nodes.raw("", _CUT, format="html")
        for node in made:
            batch += node
            batch += nodes.raw("", _CUT, format="html")
        resolve_generated(batch, self.builder, self.base)
        prepare_partial(self.builder)
        html = str(self.builder.render_partial(batch)["fragment"])
        pieces = html.split(_CUT)
        if len(pieces) == len(made) + 2:
            return pieces[1:-1]
        # a translator that does not pass raw HTML through as it is: one entry at a time
        return [self._render_alone(node) for node in made]

    def _render_alone(self, node: nodes.Element) -> str:
        prepare_partial(self.builder)
        return str(self.builder.render_partial(node)["fragment"])


#: Between entries rendered together (a comment no entry can contain: see _render_all).
_CUT = "<!--reflections-entry-cut-->"
_LINK = re.compile(r'<a class="reference internal" href="([^"]*)">(.*?)</a>', re.S)
#: A link's or image's address in HTML the translator wrote (one space before each
#: attribute); the space, as a literal to search for, makes it ten times faster than ``\b``.
_URL = re.compile(r'( (?:href|src))="([^"]*)"')


def _absolute(folder: str, url: str) -> str:
    """``url``, relative to a page in ``folder``, as a path from the site's root."""
    parts = folder.split("/") if folder else []
    for segment in url.split("/"):
        if segment == "..":
            if parts:
                parts.pop()
        elif segment != ".":
            parts.append(segment)
    return "/".join(parts)


def _site_path(folder: str, url: str) -> str | None:
    """A relative ``url`` on a page in ``folder`` as a path from the site's root; None for
    an empty, fragment-only, root-relative or absolute URL, which reads the same anywhere."""
    if not url or url.startswith(("#", "/")) or ":" in url.split("/")[0]:
        return None
    return _absolute(folder, url)


def link_targets(html: str, base_uri: str) -> set[str]:
    """The pages (from the site's root, without a fragment) that entry HTML links to."""
    folder = posixpath.dirname(base_uri)
    found = (_site_path(folder, match.group(2)) for match in _URL.finditer(html))
    return {path.partition("#")[0] for path in found if path is not None}


def rebase(
    html: str,
    base_uri: str,
    page_uri: str,
    current: tuple[str, str],
    uris: dict[tuple[str, str], str] | None = None,
) -> str:
    """Entry HTML rendered on ``base_uri`` as it reads on ``page_uri``.

    Relative links and images are made relative to the new page (with Sphinx's
    own :func:`relative_uri`, so they read as if rendered there); a link to the
    page itself is marked as the current page (``current``: how the translator
    writes one), as the resolution stage marks a page's link to itself.
    ``uris`` keeps each address worked out, by folder, for the next call
    (give the same one only with the same ``base_uri``).
    """
    base_folder = posixpath.dirname(base_uri)
    if base_uri == page_uri:
        return html
    # the last segment of the page's address: a link to the page ends with it
    tail = page_uri[page_uri.rstrip("/").rfind("/") + 1 :]

    def unlink(match: re.Match[str]) -> str:
        href = match.group(1)
        if not href.partition("#")[0].endswith(tail):
            return match.group(0)
        if _site_path(base_folder, href) != page_uri:
            return match.group(0)
        return current[0] + match.group(2) + current[1]

    html = _LINK.sub(unlink, html)
    folder = posixpath.dirname(page_uri)
    if folder == base_folder:
        return html
    known = {} if uris is None else uris

    def move(match: re.Match[str]) -> str:
        address = match.group(2)
        uri = known.get((folder, address))
        if uri is None:
            url = _site_path(base_folder, address)
            if url is None:
                return match.group(0)
            uri = relative_uri(page_uri, url)
            if url.partition("#")[0] != page_uri:  # a link to the page itself reads "" here only
                known[(folder, address)] = uri
        return f'{match.group(1)}="{uri}"'

    return _URL.sub(move, html)
