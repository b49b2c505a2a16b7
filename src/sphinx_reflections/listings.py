"""Generated pages: the archive and one page per author (``html-collect-pages``).

Pages are built as doctrees from the domain's data and rendered by the
builder's own translator, so they carry exactly the markup of cards and
bylines in documents, inside the active theme's page layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from . import nodes as rnodes
from .authors import build_byline, full_card, resolve_for_builder
from .domain import Reflection, ReflectionsDomain, get_domain, page_builder
from .i18n import _
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

Page = tuple[str, dict[str, Any], str]


def _section(title: str, ident: str) -> nodes.section:
    section = nodes.section(ids=[ident], names=[ident])
    section += nodes.title(title, title)
    return section


def entry(reflection: Reflection, domain: ReflectionsDomain) -> rnodes.reflections_entry:
    """One listed reflection: linked title, byline, summary."""
    item = rnodes.reflections_entry(classes=["reflections-entry"])
    heading = nodes.paragraph(classes=["reflections-entry-title"])
    xref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + reflection.docname,
        refexplicit=True,
        refwarn=False,
    )
    xref += nodes.inline(reflection.title, reflection.title)
    strong = nodes.strong()
    strong += xref
    heading += strong
    item += heading
    item += build_byline(reflection, domain.env)
    if reflection.summary:
        item += nodes.paragraph(
            reflection.summary, reflection.summary, classes=["reflections-summary"]
        )
    return item


def reflection_list(reflections: list[Reflection], domain: ReflectionsDomain) -> nodes.Element:
    """A list of entries, or a short sentence when there are none."""
    if not reflections:
        text = _("No reflections yet.")
        return nodes.paragraph(text, text, classes=["reflections-empty"])
    listing = nodes.bullet_list(classes=["reflections-list"])
    for reflection in reflections:
        item = nodes.list_item()
        item += entry(reflection, domain)
        listing += item
    return listing


def archive_tree(domain: ReflectionsDomain) -> nodes.section:
    page = _section(_("Reflections"), "reflections")
    visible = domain.visible()
    if not visible:
        page += reflection_list([], domain)
    for year, group in groupby(visible, key=lambda r: r.date.year):
        section = _section(str(year), f"year-{year}")
        section += reflection_list(list(group), domain)
        page += section
    return page


def author_tree(domain: ReflectionsDomain, person_id: str) -> nodes.section:
    person = domain.people[person_id]
    page = _section(person.name, "author")
    page += full_card(person, link=False)
    section = _section(_("Reflections"), "reflections")
    section += reflection_list(domain.by_author(person_id), domain)
    page += section
    mentioned = domain.mentioning(person_id)
    if mentioned:
        section = _section(_("Mentioned in"), "mentioned-in")
        listing = nodes.bullet_list(classes=["reflections-mentioned"])
        for docname in mentioned:
            item = nodes.list_item()
            para = nodes.paragraph()
            xref = addnodes.pending_xref(
                "",
                refdomain="std",
                reftype="doc",
                reftarget="/" + docname,
                refexplicit=False,
                refwarn=False,
            )
            title = domain.env.titles.get(docname)
            text = title.astext() if title else docname
            xref += nodes.inline(text, text)
            para += xref
            item += para
            listing += item
        section += listing
        page += section
    return page


def _resolve(tree: nodes.Element, builder: StandaloneHTMLBuilder, pagename: str) -> None:
    """Resolve cross-references as Sphinx does for documents, from this page."""
    env = builder.env
    for xref in list(tree.findall(addnodes.pending_xref)):
        contnode = xref.children[0] if xref.children else nodes.Text(xref["reftarget"])
        new: nodes.Node | None = None
        if xref["refdomain"] == "std":
            docname = xref["reftarget"].lstrip("/")
            if docname in env.all_docs:
                new = nodes.reference(
                    "",
                    "",
                    contnode,
                    internal=True,
                    refuri=builder.get_relative_uri(pagename, docname),
                )
        else:
            domain = env.get_domain(xref["refdomain"])
            new = domain.resolve_xref(
                env,
                pagename,
                builder,
                xref["reftype"],
                xref["reftarget"],
                xref,
                contnode,  # type: ignore[arg-type]
            )
        xref.replace_self(new if new is not None else contnode)
    resolve_for_builder(tree, builder, pagename)


def render(builder: StandaloneHTMLBuilder, pagename: str, tree: nodes.section) -> Page:
    """A page for ``handle_page``: the theme's ``page.html`` with our body."""
    _resolve(tree, builder, pagename)
    title = tree[0].astext()
    # the translator reads these per page; a build that wrote no document never set them
    builder.fignumbers = {}
    builder.secnumbers = {}
    body = builder.render_partial(tree)["fragment"]
    context = {
        "title": title,
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
    return pagename, context, "page.html"


def _pages(app: Sphinx) -> Iterator[tuple[str, nodes.section]]:
    domain = get_domain(app.env)
    yield domain.page_of("", "index"), archive_tree(domain)
    for person_id in sorted(domain.people):
        yield domain.page_of("authors", person_id), author_tree(domain, person_id)


def collect_pages(app: Sphinx) -> Iterator[Page]:
    """``html-collect-pages``: every generated page, in a stable order."""
    builder = app.builder
    if not page_builder(builder):
        return
    for pagename, tree in _pages(app):
        if pagename in app.env.all_docs:
            warn(
                ReflectionsWarning.DUPLICATE,
                f"the source document {pagename!r} is where the generated page goes; it is not overwritten (change reflections_url_prefix)",
                pagename,
            )
            continue
        yield render(builder, pagename, tree)  # type: ignore[arg-type]
