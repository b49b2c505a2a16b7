"""Generated pages: rendered through the theme, only when what they show changed.

Each page is a doctree (see :mod:`.trees`) resolved by the resolution stage
and rendered by the builder's own translator inside the theme's
``page.html``, so it carries exactly the markup of documents. A page whose
inputs are those of the last build, and whose file is still there, is left
alone; listing entries whose reflection did not change are reused as the
HTML an earlier build rendered.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.parallel import ParallelTasks, make_chunks

from .. import nodes as rnodes
from .._version import __version__
from ..compat import has_local_toctree, local_toctree, prepare_partial
from ..config import get_config
from ..domain import Reflection, ReflectionsDomain, get_domain
from ..files import write_if_changed
from ..listings import EntryMaker, entry
from ..metadata import PAGE_KEY
from ..resolve import resolve_generated
from ..text import slugify, tag_key
from ..warnings_ import ReflectionsWarning, config_location, warn
from . import cache
from .trees import (
    alias_tree,
    archive_tree,
    author_tree,
    event_tree,
    events_index_tree,
    page_section,
    subscribe_line,
    tag_tree,
    tags_index_tree,
    title_of,
    titled,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
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
    its relative links are the same for every page of one output folder.
    """
    domain = get_domain(builder.env)
    folder = posixpath.dirname(builder.get_target_uri(pagename))
    key = ("toctree", folder, repr(sorted(kwargs.items())))
    return domain.remember(key, lambda: local_toctree(builder, pagename, **kwargs))


def _kind(domain: ReflectionsDomain, pagename: str) -> tuple[str, str]:
    """(kind, id) of a generated page, for the metadata of its head."""
    rest = pagename[len(domain.page_of("", "")) :].strip("/")
    kind, _slash, ident = rest.partition("/")
    return ("archive", "") if rest == "index" else (kind, ident)


def _listed(domain: ReflectionsDomain, reflections: list[Reflection]) -> list[Any]:
    """What entries of these reflections show: their metadata and their titles."""
    return [(r, title_of(domain, r.docname)) for r in reflections]


PageSource = tuple[str, Callable[[EntryMaker], nodes.section], str, Any]
PageJob = tuple[str, Callable[[EntryMaker], nodes.section], str, Path]  # ..., output file


def _pages(app: Sphinx) -> Iterator[PageSource]:
    """(pagename, tree maker, canonical pagename or "", inputs) of every generated page.

    A tree maker takes the function that makes (or reuses) a listing entry.

    ``inputs`` is what the page shows beyond :func:`cache.site_inputs`; when
    neither changed since the last build the tree is never made.
    """
    domain = get_domain(app.env)
    visible = domain.visible()
    yield (
        domain.page_of("", "index"),
        partial(archive_tree, domain),
        "",
        _listed(domain, visible),
    )
    for person_id in sorted(domain.people):
        mentioned = domain.mentioning(person_id)
        yield (
            domain.page_of("authors", person_id),
            partial(author_tree, domain, person_id),
            "",
            (
                _listed(domain, domain.by_author(person_id)),
                titled(domain, mentioned),
            ),
        )
    yield (
        domain.page_of("tags", "index"),
        lambda _make: tags_index_tree(domain),
        "",
        sorted(domain.tag_table.items()),
    )
    slugs = {info.slug for info in domain.tag_table.values()}
    for key in sorted(domain.tag_table):
        info = domain.tag_table[key]
        yield (
            domain.page_of("tags", info.slug),
            partial(tag_tree, domain, info),
            "",
            (
                info,
                _listed(domain, [domain.reflections[d] for d in info.reflections]),
                titled(domain, info.pages),
            ),
        )
    yield domain.page_of("events", "index"), lambda _make: events_index_tree(domain), "", ()
    for ident, event in sorted(domain.all_events().items()):
        yield (
            domain.page_of("events", ident),
            partial(event_tree, domain, event),
            "",
            _listed(domain, domain.about_event(ident)),
        )
    cfg = get_config(app)
    for alias, target in sorted(cfg.tag_aliases.items()):
        target_info = domain.tag_info(tag_key(target))
        alias_slug = slugify(alias, cfg.slug_ascii)
        if target_info is None or alias_slug == target_info.slug:
            continue
        if alias_slug in slugs:
            warn(
                ReflectionsWarning.DUPLICATE,
                f"reflections_tag_aliases: the alias #{alias} would share the page {alias_slug!r} "
                "with another tag; no alias page is written",
                config_location(app.confdir, "reflections_tag_aliases"),
            )
            continue
        slugs.add(alias_slug)
        canonical = domain.page_of("tags", target_info.slug)
        yield (
            domain.page_of("tags", alias_slug),
            partial(alias_tree, alias, target_info),
            canonical,
            (alias, target_info.name, target_info.slug),
        )


def _chrome(builder: Any, pagename: str, scratch: Path) -> str:
    """A fingerprint of the theme's page around an empty body, at this page's place.

    Sidebars, navigation and asset links change with documents and options that
    our own data does not show; when this changes, every page in the folder is
    rendered again.
    """
    tree = page_section("", "reflections-probe")
    name, context, template = render(builder, pagename, tree)
    builder.handle_page(name, context, template, outfilename=scratch)
    return hashlib.sha256(scratch.read_bytes()).hexdigest()


def write_generated_pages(app: Sphinx, state: cache.WriteState, site: str) -> None:
    """Write every generated page whose inputs or bytes changed.

    A page whose inputs (its data, the site-wide data and the theme around it)
    are those of the last build, and whose file is still there, is left alone.
    Other pages are rendered through the theme like any document, into a
    scratch file first, so an unchanged page keeps its file and modification
    time (rsync, CDNs and incremental deploys see only real changes). With
    ``-j N`` (and every extension parallel-write-safe) they are rendered in
    ``N`` forked processes, the way Sphinx writes documents.
    """
    builder: Any = app.builder
    domain = get_domain(app.env)
    outdir = Path(builder.outdir)
    scratch = outdir / ".reflections-scratch.html"
    chrome: dict[str, str] = {}
    written: dict[str, str] = {}
    jobs: list[PageJob] = []
    for pagename, make_tree, canonical, inputs in _pages(app):
        if pagename in app.env.all_docs:
            warn(
                ReflectionsWarning.DUPLICATE,
                f"the source document {pagename!r} is where the generated page goes; it is not overwritten (change reflections_url_prefix)",
                pagename,
            )
            continue
        folder = posixpath.dirname(pagename)
        if folder not in chrome:
            chrome[folder] = _chrome(builder, pagename, scratch)
        fingerprint = cache.digest(site, chrome[folder], canonical, inputs)
        written[pagename] = fingerprint
        target = Path(builder.get_outfilename(pagename))
        if state.pages.get(pagename) != fingerprint or not target.is_file():
            jobs.append((pagename, make_tree, canonical, target))
    scratch.unlink(missing_ok=True)
    entries = Entries(app, site, domain)
    if getattr(builder, "parallel_ok", False) and len(jobs) >= PARALLEL_PAGES:
        tasks = ParallelTasks(app.parallel)
        for chunk in make_chunks(jobs, app.parallel):  # type: ignore[arg-type]
            tasks.add_task(partial(write_pages, app, entries), chunk)
        tasks.join()
    else:
        write_pages(app, entries, jobs)
    state.pages = written
    cache.prune_stored(app, Entries.KIND, set(written))


PARALLEL_PAGES = 8  # fewer pages are not worth forking for


def write_pages(app: Sphinx, entries: Entries, jobs: list[PageJob]) -> None:
    """Render these generated pages and write those whose bytes changed."""
    builder: Any = app.builder
    domain = get_domain(app.env)
    scratch = Path(builder.outdir) / f".reflections-scratch-{os.getpid()}.html"
    for pagename, make_tree, canonical, target in jobs:
        tree = make_tree(entries.maker(pagename))
        kind, ident = _kind(domain, pagename)
        line = None if canonical else subscribe_line(builder, domain, pagename, kind, ident)
        if line is not None:
            tree.insert(1, line)
        name, context, template = render(builder, pagename, tree, canonical)
        if not canonical:
            context[PAGE_KEY] = (kind, ident)
        builder.handle_page(name, context, template, outfilename=scratch)
        entries.store()
        write_if_changed(target, scratch.read_bytes())
    scratch.unlink(missing_ok=True)


class Entries:
    """The listing entries of one generated page at a time, reused from the last build.

    An entry whose inputs (the reflection, its title, the site data, the HTML
    translator) are those of the last build goes in as that build's HTML
    instead of being built, resolved and rendered again: after one reflection
    changed, its tag pages and the archive render one entry each, not all of
    them. They are kept per page, because links are relative and an entry does
    not link the page it is on, and one page at a time, so memory holds one
    page's worth.
    """

    KIND = "entries"

    def __init__(self, app: Sphinx, site: str, domain: ReflectionsDomain) -> None:
        self.app = app
        translator = app.builder.get_translator_class()
        self.site = (site, __version__, f"{translator.__module__}.{translator.__qualname__}")
        self.domain = domain
        self.page = ""
        self.old: dict[str, Any] = {}
        self.new: dict[str, str] = {}

    def maker(self, pagename: str) -> EntryMaker:
        """Start a page: the function its listings make entries with."""
        self.page = pagename
        self.old = cache.read_stored(self.app, self.KIND, pagename)
        self.new = {}
        return self._make

    def _make(self, reflection: Reflection) -> nodes.Element:
        key = cache.digest(self.site, reflection, title_of(self.domain, reflection.docname))
        html = self.old.get(key)
        if not isinstance(html, str):
            html = self._render(entry(reflection, self.domain))
        self.new[key] = html
        return rnodes.reflections_entry_html(html=html)

    def _render(self, node: nodes.Element) -> str:
        """One entry's HTML on the current page (its links are relative to the page)."""
        builder: Any = self.app.builder
        resolve_generated(node, builder, self.page)
        prepare_partial(builder)
        return str(builder.render_partial(node)["fragment"])

    def store(self) -> None:
        """Keep the entries of the page just rendered for the next build."""
        if self.new != self.old:
            cache.write_stored(self.app, self.KIND, self.page, self.new)
