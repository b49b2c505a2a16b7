"""Generated pages: the archive and one page per author (``html-collect-pages``).

Pages are built as doctrees from the domain's data and rendered by the
builder's own translator, so they carry exactly the markup of cards and
bylines in documents, inside the active theme's page layout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import posixpath
from collections.abc import Callable, Iterator
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parallel import ParallelTasks, make_chunks

from . import __version__, cache
from . import nodes as rnodes
from .authors import LISTED_TAGS, build_byline, full_card, resolve_for_builder
from .config import get_config
from .domain import Reflection, ReflectionsDomain, get_domain, page_builder
from .events import build_date, calendar, callout, uid_host
from .hashtags import TagInfo, build_tag_table, cloud, hashtag_xref, linkify, slugify, tag_key
from .i18n import _
from .metadata import PAGE_KEY
from .registry import Event
from .warnings_ import ReflectionsWarning, config_location, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment

Page = tuple[str, dict[str, Any], str]
EntryMaker = Callable[[Reflection], nodes.Element]


def _section(title: str, ident: str) -> nodes.section:
    section = nodes.section(ids=[ident], names=[ident])
    section += nodes.title(title, title)
    return section


def entry(
    reflection: Reflection, domain: ReflectionsDomain, summaries: bool = True
) -> rnodes.reflections_entry:
    """One listed reflection: linked title, byline, summary.

    Built afresh for every page that lists it: copying a built entry costs
    more than building it (docutils copies node by node).
    """
    item = rnodes.reflections_entry(classes=["reflections-entry"])
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


def archive_tree(domain: ReflectionsDomain, make_entry: EntryMaker | None = None) -> nodes.section:
    page = _section(_("Reflections"), "reflections")
    visible = domain.visible()
    if not visible:
        page += reflection_list([], domain)
    for year, group in groupby(visible, key=lambda r: r.date.year):
        section = _section(str(year), f"year-{year}")
        section += reflection_list(list(group), domain, make_entry=make_entry)
        page += section
    return page


def author_tree(
    domain: ReflectionsDomain, person_id: str, make_entry: EntryMaker | None = None
) -> nodes.section:
    person = domain.people[person_id]
    page = _section(person.name, "author")
    page += full_card(person, link=False)
    section = _section(_("Reflections"), "reflections")
    section += reflection_list(domain.by_author(person_id), domain, make_entry=make_entry)
    page += section
    mentioned = domain.mentioning(person_id)
    if mentioned:
        section = _section(_("Mentioned in"), "mentioned-in")
        section += doc_list(mentioned, domain, ["reflections-mentioned"])
        page += section
    return page


def _title(domain: ReflectionsDomain, docname: str) -> str:
    """A document's title as navigation shows it, or its name."""
    node = domain.env.titles.get(docname)
    return node.astext() if node else docname


def _titled(domain: ReflectionsDomain, docnames: list[str] | tuple[str, ...]) -> list[Any]:
    """What a list of document links shows: each docname with its title."""
    return [(d, _title(domain, d)) for d in docnames]


def doc_list(
    docnames: list[str] | tuple[str, ...], domain: ReflectionsDomain, classes: list[str]
) -> nodes.bullet_list:
    """Links to ordinary documents, by title."""
    listing = nodes.bullet_list(classes=classes)
    for docname in docnames:
        item = nodes.list_item()
        para = nodes.paragraph()
        xref = rnodes.xref("doc", "/" + docname, _title(domain, docname), [], domain="std")
        para += xref
        item += para
        listing += item
    return listing


def tags_index_tree(domain: ReflectionsDomain) -> nodes.section:
    page = _section(_("Hashtags"), "hashtags")
    if domain.tag_table:
        page += cloud(domain.tag_table)
    else:
        text = _("No hashtags yet.")
        page += nodes.paragraph(text, text, classes=["reflections-empty"])
    return page


def tag_tree(
    domain: ReflectionsDomain, info: TagInfo, make_entry: EntryMaker | None = None
) -> nodes.section:
    page = _section("#" + info.name, "tag")
    for event in events_with_tag(domain, info.key):
        page += callout(event, domain.env)
    if info.aliases:
        text = _("Also written as %s.") % ", ".join("#" + a for a in info.aliases)
        page += nodes.paragraph(text, text, classes=["reflections-aliases"])
    section = _section(_("Reflections"), "reflections")
    listed = [domain.reflections[d] for d in info.reflections]
    section += reflection_list(listed, domain, make_entry=make_entry)
    page += section
    if info.pages:
        section = _section(_("Other pages"), "other-pages")
        section += doc_list(info.pages, domain, ["reflections-pages"])
        page += section
    return page


def events_with_tag(domain: ReflectionsDomain, key: str) -> list[Event]:
    return [
        e
        for _i, e in sorted(domain.all_events().items())
        if e.hashtag and tag_key(e.hashtag) == key
    ]


def _event_order(events: list[Event]) -> list[Event]:
    """Upcoming first (soonest first), then past events (most recent first)."""
    today = build_date()

    def last_day(event: Event) -> dt.date:
        when = event.end or event.start
        return when.date() if isinstance(when, dt.datetime) else when

    upcoming = sorted(
        (e for e in events if last_day(e) >= today), key=lambda e: (last_day(e), e.id)
    )
    past = sorted(
        (e for e in events if last_day(e) < today), key=lambda e: (-last_day(e).toordinal(), e.id)
    )
    return upcoming + past


def events_index_tree(domain: ReflectionsDomain) -> nodes.section:
    page = _section(_("Events"), "events")
    events = _event_order(list(domain.all_events().values()))
    if not events:
        text = _("No events yet.")
        page += nodes.paragraph(text, text, classes=["reflections-empty"])
    for event in events:
        page += callout(event, domain.env)
    return page


def event_tree(
    domain: ReflectionsDomain, event: Event, make_entry: EntryMaker | None = None
) -> nodes.section:
    page = _section(event.name, "event")
    page += callout(event, domain.env, link=False)
    section = _section(_("Reflections"), "reflections")
    section += reflection_list(domain.about_event(event.id), domain, make_entry=make_entry)
    page += section
    return page


def alias_tree(alias: str, info: TagInfo, _make: EntryMaker | None = None) -> nodes.section:
    page = _section("#" + alias, "tag-alias")
    para = nodes.paragraph(classes=["reflections-alias-note"])
    para += nodes.Text(_("This tag is written as") + " ")
    para += hashtag_xref(info.name)
    para += nodes.Text(".")
    page += para
    return page


def resolve_xrefs(tree: nodes.Element, builder: Builder, pagename: str) -> None:
    """Resolve cross-references as Sphinx does for documents, from this page.

    A listing links the same tags, people and pages many times; each target is
    resolved once per page and its link attributes reused.
    """
    env = builder.env
    seen: dict[tuple[str, str, str], dict[str, Any] | None] = {}
    for xref in list(tree.findall(addnodes.pending_xref)):
        contnode = xref.children[0] if xref.children else nodes.Text(xref["reftarget"])
        key = (xref["refdomain"], xref["reftype"], xref["reftarget"])
        if key not in seen:
            seen[key] = None
            if xref["refdomain"] == "std":
                docname = xref["reftarget"].lstrip("/")
                if docname in env.all_docs:
                    uri = builder.get_relative_uri(pagename, docname)
                    seen[key] = {"internal": True, "refuri": uri}
            else:
                domain = env.get_domain(xref["refdomain"])
                new = domain.resolve_xref(
                    env,
                    pagename,
                    builder,
                    xref["reftype"],
                    xref["reftarget"],
                    xref,
                    nodes.inline(),
                )
                if isinstance(new, nodes.reference) and len(new.children) <= 1:
                    seen[key] = {k: v for k, v in new.attributes.items() if v}
        attributes = seen[key]
        if attributes is None:
            xref.replace_self(contnode)
            continue
        reference = nodes.reference("", "", **attributes)
        reference += contnode
        xref.replace_self(reference)
    resolve_for_builder(tree, builder, pagename)


def render(
    builder: StandaloneHTMLBuilder, pagename: str, tree: nodes.section, canonical: str = ""
) -> Page:
    """A page for ``handle_page``: the theme's ``page.html`` with our body.

    With ``canonical`` (a pagename) the page only points there: an alias page.
    """
    resolve_xrefs(tree, builder, pagename)
    title = tree[0].astext()
    # the translator reads these per page; a build that wrote no document never set them
    builder.fignumbers = {}
    builder.secnumbers = {}
    body = builder.render_partial(tree)["fragment"]
    context: dict[str, Any] = {
        "title": html.escape(title),  # templates print it as HTML, like a rendered title
        "body": body,
        "meta": {},
        "metatags": "",
        "toc": "",
        "display_toc": False,
        "sourcename": "",
        "page_source_suffix": "",
        "parents": [],
        "rellinks": [],
    }
    if hasattr(builder, "_get_local_toctree"):
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
    key = (posixpath.dirname(builder.get_target_uri(pagename)), repr(sorted(kwargs.items())))
    if key not in domain.toctrees:
        domain.toctrees[key] = builder._get_local_toctree(pagename, **kwargs)
    return domain.toctrees[key]


def _kind(domain: ReflectionsDomain, pagename: str) -> tuple[str, str]:
    """(kind, id) of a generated page, for the metadata of its head."""
    rest = pagename[len(domain.page_of("", "")) :].strip("/")
    kind, _slash, ident = rest.partition("/")
    return ("archive", "") if rest == "index" else (kind, ident)


def _listed(domain: ReflectionsDomain, reflections: list[Reflection]) -> list[Any]:
    """What entries of these reflections show: their metadata and their titles."""
    return [(r, _title(domain, r.docname)) for r in reflections]


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
                _titled(domain, mentioned),
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
                _titled(domain, info.pages),
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
        info = domain.tag_info(tag_key(target))
        alias_slug = slugify(alias, cfg.slug_ascii)
        if info is None or alias_slug == info.slug:
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
        canonical = domain.page_of("tags", info.slug)
        yield (
            domain.page_of("tags", alias_slug),
            partial(alias_tree, alias, info),
            canonical,
            (alias, info.name, info.slug),
        )


def _chrome(builder: Any, pagename: str, scratch: Path) -> str:
    """A fingerprint of the theme's page around an empty body, at this page's place.

    Sidebars, navigation and asset links change with documents and options that
    our own data does not show; when this changes, every page in the folder is
    rendered again.
    """
    tree = _section("", "reflections-probe")
    name, context, template = render(builder, pagename, tree)
    builder.handle_page(name, context, template, outfilename=scratch)
    return hashlib.sha256(scratch.read_bytes()).hexdigest()


def collect_pages(app: Sphinx) -> list[Page]:
    """``html-collect-pages``: write every generated page whose inputs or bytes changed.

    A page whose inputs (its data, the site-wide data and the theme around it)
    are those of the last build, and whose file is still there, is left alone.
    Other pages are rendered through the theme like any document, into a
    scratch file first, so an unchanged page keeps its file and modification
    time (rsync, CDNs and incremental deploys see only real changes). With
    ``-j N`` (and every extension parallel-write-safe) they are rendered in
    ``N`` forked processes, the way Sphinx writes documents.
    """
    from .feeds import write_feeds

    builder = app.builder
    if not page_builder(builder):
        return []
    domain = get_domain(app.env)
    outdir = Path(builder.outdir)
    remove_stale(app, domain)
    state = cache.load(app, domain)
    site = cache.site_key(app, domain)
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
        target = Path(builder.get_outfilename(pagename))  # type: ignore[attr-defined]
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
    write_calendars(app)
    write_feeds(app, outdir, state, site)
    cache.save(app, domain, state)
    return []


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


def rewrite_missing_pages(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: bring back a generated page deleted from the output.

    Sphinx before 9.0 skips the whole write phase, ``html-collect-pages``
    included, when no document is out of date, so :func:`collect_pages` would
    never see the missing file. Reading the root document again makes the write
    phase run; this happens only when a page of the last build is gone.
    """
    builder = app.builder
    if added or changed or removed or not page_builder(builder):
        return []
    state = cache.load(app, get_domain(env))
    outfile = builder.get_outfilename  # type: ignore[attr-defined]
    if all(Path(outfile(pagename)).is_file() for pagename in state.pages):
        return []
    return [env.config.root_doc]


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
        key = cache.digest(self.site, reflection, _title(self.domain, reflection.docname))
        html = self.old.get(key)
        if isinstance(html, str):
            self.new[key] = html
            return rnodes.reflections_entry_html(html=html)
        node = entry(reflection, self.domain)
        node.keep = partial(self.new.__setitem__, key)  # type: ignore[attr-defined]
        return node

    def store(self) -> None:
        """Keep the entries of the page just rendered (its HTML has them all by now)."""
        if self.new != self.old:
            cache.write_stored(self.app, self.KIND, self.page, self.new)


def write_if_changed(path: Path, data: bytes) -> None:
    """Keep the file (and its mtime) when the content is the same."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_calendars(app: Sphinx) -> None:
    """One ``.ics`` per event and ``events.ics`` with all of them."""
    domain = get_domain(app.env)
    builder = app.builder
    events = [e for _i, e in sorted(domain.all_events().items())]
    base = app.config.html_baseurl
    urls = (
        {
            e.id: posixpath.join(base, builder.get_target_uri(domain.page_of("events", e.id)))
            for e in events
        }
        if base
        else {}
    )
    host = uid_host(app.config)
    outdir = Path(builder.outdir)
    for event in events:
        data = calendar([event], host, urls, event.name)
        write_if_changed(outdir / (domain.page_of("events", event.id) + ".ics"), data)
    if events:
        name = _("Events") + (f" – {app.config.project}" if app.config.project else "")
        write_if_changed(
            outdir / (domain.page_of("", "events") + ".ics"), calendar(events, host, urls, name)
        )


# -- the ``reflections`` directive -------------------------------------------------------


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
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        from .authors import note_registry_dependency
        from .frontmatter import suggest

        domain = get_domain(self.env)
        note_registry_dependency(self.env)
        spec: dict[str, Any] = {
            "author": _names(self.options.get("author", "")),
            "tag": [tag_key(t) for t in _names(self.options.get("tag", ""))],
            "event": _names(self.options.get("event", "")),
            "category": _names(self.options.get("category", "")),
            "limit": self.options.get("limit", 0),
            "layout": self.options.get("layout", "list"),
            "summary": self.options.get("show-summary", "yes") == "yes",
        }
        for person in spec["author"]:
            if person not in domain.people:
                warn(
                    ReflectionsWarning.UNKNOWN_AUTHOR,
                    f"reflections: unknown author {person!r}{suggest(person, domain.people)}",
                    self.get_location(),
                )
        for ident in spec["event"]:
            domain.add_event_ref(self.env.docname, ident, self.lineno)
        domain.add_dynamic(self.env.docname, spec)
        node = rnodes.reflections_listing(spec=spec, classes=self.options.get("class", []))
        self.set_source_info(node)
        return [node]


def resolve_listings(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: fill listings now that every document has been read."""
    domain = get_domain(app.env)
    grid = page_builder(app.builder) or app.builder.format == "html"
    for node in list(doctree.findall(rnodes.reflections_listing)):
        spec = node["spec"]
        found = [r for r in domain.select(spec) if r.docname != docname]
        empty = _("No reflections match.")
        if spec["layout"] == "grid" and grid:
            result = reflection_grid(found, domain, spec["summary"])
        else:
            result = reflection_list(found, domain, spec["summary"], empty)
        result["classes"] += node["classes"]
        resolve_xrefs(result, app.builder, docname)
        node.replace_self(result)


def check_aliases(app: Sphinx, domain: ReflectionsDomain) -> None:
    """An alias must point to a tag some page uses; suggest the closest one otherwise."""
    import difflib

    names = {info.name: key for key, info in domain.tag_table.items()}
    for alias, target in sorted(get_config(app).tag_aliases.items()):
        if tag_key(target) in domain.tag_table:
            continue
        close = difflib.get_close_matches(target, list(names), n=1, cutoff=0.6)
        hint = f" (did you mean #{close[0]}?)" if close else ""
        warn(
            ReflectionsWarning.CONFIG,
            f"reflections_tag_aliases: #{alias} points to #{target}, which no page uses{hint}; "
            "the alias gets no page",
            config_location(app.confdir, "reflections_tag_aliases"),
        )


def shown(domain: ReflectionsDomain, docname: str) -> str:
    """A fingerprint of everything the clouds and listings of one page show."""
    parts = []
    for spec in domain.dynamic.get(docname, []):
        if "cloud" in spec:
            parts.append(repr(sorted(domain.tag_table.items())))
        else:
            parts.append(repr([r for r in domain.select(spec) if r.docname != docname]))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Build the tag table; rewrite exactly the pages whose clouds or listings changed."""
    domain = get_domain(env)
    domain.data["tag_table"] = build_tag_table(env)
    cache.env_token(domain)  # before Sphinx pickles the environment
    domain.site_key = ""  # this build's, see cache.site_key
    domain.toctrees = {}  # and shared_toctree
    check_aliases(app, domain)
    stale = []
    before = domain.data["shown"]
    now = {docname: shown(domain, docname) for docname in sorted(domain.dynamic)}
    for docname, fingerprint in now.items():
        if before.get(docname) != fingerprint:
            stale.append(docname)
    domain.data["shown"] = now
    pages, files = output_names(app, domain)
    old_pages, old_files = domain.data.get("outputs", (set(), set()))
    domain.data["stale"] = (old_pages - pages, old_files - files)
    domain.data["outputs"] = (pages, files)
    register_labels(env, domain, std_too=page_builder(app.builder))
    return stale


def output_names(app: Sphinx, domain: ReflectionsDomain) -> tuple[set[str], set[str]]:
    """Pagenames and other files (feeds, calendars) this build generates.

    Remembered in the environment, so pages of a tag, person or event that is
    gone are deleted instead of lingering in the output.
    """
    cfg = get_config(app)
    events = domain.all_events()
    pages = {
        domain.page_of("", "index"),
        domain.page_of("tags", "index"),
        domain.page_of("events", "index"),
    }
    pages |= {domain.page_of("authors", i) for i in domain.people}
    pages |= {domain.page_of("events", i) for i in events}
    pages |= {domain.page_of("tags", t.slug) for t in domain.tag_table.values()}
    pages |= {domain.page_of("tags", slugify(a, cfg.slug_ascii)) for a in cfg.tag_aliases}
    files = {domain.page_of("events", i) + ".ics" for i in events}
    if events:
        files.add(domain.page_of("", "events") + ".ics")
    if app.config.html_baseurl:
        files |= {domain.page_of("", "atom") + ".xml", domain.page_of("", "feed") + ".json"}
        files |= {domain.page_of("tags", t.slug) + ".xml" for t in domain.tag_table.values()}
        files |= {domain.page_of("authors", i) + ".xml" for i in domain.people}
        files |= {domain.page_of("events", i) + ".xml" for i in events}
    return pages, files


def remove_stale(app: Sphinx, domain: ReflectionsDomain) -> None:
    """Delete what an earlier build generated for tags, people or events that are gone."""
    builder = app.builder
    outdir = Path(builder.outdir).resolve()
    pages, files = domain.data.get("stale", (set(), set()))
    paths = [Path(builder.get_outfilename(p)) for p in sorted(pages)]  # type: ignore[attr-defined]
    paths += [outdir / f for f in sorted(files)]
    for path in paths:
        if path.resolve().is_relative_to(outdir) and path.is_file():
            path.unlink()


def register_labels(env: BuildEnvironment, domain: ReflectionsDomain, std_too: bool) -> None:
    """Labels for the generated pages, so documents can write {ref}`reflections-archive`.

    Builders without those pages get the label's text instead (see :func:`label_as_text`).
    """
    std = env.get_domain("std")
    labels: dict[str, tuple[str, str]] = {
        "reflections-archive": (domain.page_of("", "index"), _("Reflections")),
        "reflections-tags": (domain.page_of("tags", "index"), _("Hashtags")),
        "reflections-events": (domain.page_of("events", "index"), _("Events")),
    }
    for ident, person in domain.people.items():
        labels[f"reflections-author-{ident}"] = (domain.page_of("authors", ident), person.name)
    for ident, event in domain.all_events().items():
        labels[f"reflections-event-{ident}"] = (domain.page_of("events", ident), event.name)
    for info in domain.tag_table.values():
        labels[f"reflections-tag-{info.slug}"] = (
            domain.page_of("tags", info.slug),
            "#" + info.name,
        )
    for label in domain.data.get("labels", ()):  # those of tags or people that are gone
        std.labels.pop(label, None)  # type: ignore[attr-defined]
        std.anonlabels.pop(label, None)  # type: ignore[attr-defined]
    domain.data["label_titles"] = {label: title for label, (_page, title) in labels.items()}
    if not std_too:
        domain.data["labels"] = []
        return
    for label, (pagename, title) in labels.items():
        std.labels[label] = (pagename, "", title)  # type: ignore[attr-defined]
        std.anonlabels[label] = (pagename, "")  # type: ignore[attr-defined]
    domain.data["labels"] = sorted(labels)


def label_as_text(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Node | None:
    """``missing-reference``: a {ref} to a generated page, in a builder without it, is text."""
    titles = get_domain(env).data.get("label_titles", {})
    target = node.get("reftarget", "")
    if node.get("refdomain") != "std" or node.get("reftype") != "ref" or target not in titles:
        return None
    if node.get("refexplicit"):
        return contnode
    return nodes.inline(titles[target], titles[target])


def subscribe_line(
    builder: Any, domain: ReflectionsDomain, pagename: str, kind: str, ident: str
) -> nodes.paragraph | None:
    """Visible links to the page's feed (and, for events, the calendar)."""
    from sphinx.util.osutil import relative_uri

    here = builder.get_target_uri(pagename)
    links: list[tuple[str, str]] = []
    if builder.config.html_baseurl:
        if kind == "archive":
            links += [
                (_("Atom feed"), domain.page_of("", "atom") + ".xml"),
                (_("JSON Feed"), domain.page_of("", "feed") + ".json"),
            ]
        elif kind in ("authors", "tags", "events") and ident and ident != "index":
            links.append((_("Atom feed"), domain.page_of(kind, ident) + ".xml"))
    if kind == "events" and ident == "index" and domain.all_events():
        links.append((_("All events in your calendar"), domain.page_of("", "events") + ".ics"))
    if not links:
        return None
    para = nodes.paragraph(classes=["reflections-subscribe"])
    para += nodes.Text(_("Subscribe:") + " ")
    for i, (label, target) in enumerate(links):
        if i:
            para += nodes.Text(" · ")
        para += nodes.reference(label, label, refuri=relative_uri(here, target))
    return para
