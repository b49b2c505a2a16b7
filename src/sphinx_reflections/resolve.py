"""The write-time resolution stage: one owner for every tree the extension writes.

Documents reach it through ``doctree-resolved``; generated pages (see
:mod:`.site.pages`) call :func:`resolve_generated` on the trees they build.
Either way the same steps run, in this order:

1. clouds and listings (of reflections and of events), a piece's related
   reflections and its place in its series are filled in, now that every
   document has been read and the day is known (documents only: generated
   pages are built complete);
2. cross-references in what the extension built are resolved from the page
   they are on (Sphinx resolved the document's own already);
3. what depends on the builder: pages-only parts dropped where there are no
   generated pages, event callouts as admonitions outside HTML, "upcoming"
   badges, calendar links, card links spelled out on paper, avatar URLs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util.osutil import relative_uri

from . import nodes as rnodes
from .authors import fill_byline
from .dates import build_date
from .domain import ReflectionsDomain, get_domain, page_builder
from .events import empty_text, event_list, select_events
from .hashtags import INDEX_MARK, cloud
from .i18n import _, lang_of
from .listings import reflection_grid, reflection_list, related_block, related_to, series_line
from .nodes import PAGES_ONLY
from .urls import avatar_target, is_remote

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

#: Output formats whose links cannot be followed: a card's links print their address.
UNLINKED_FORMATS = frozenset({"text", "man"})

#: ``(app, builder, docname) -> EntryMaker | None``: how the generated site (the layer
#: above, which renders each listing entry once per build) offers its entries to a page.
ENTRY_MAKER_EVENT = "reflections-entry-maker"


def doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: finish a document for the builder writing it."""
    kinds = census(doctree)
    if docname not in get_domain(app.env).reflections and not acts_on(kinds, app.builder):
        return  # most pages of a knowledge base: one walk instead of a dozen
    fill_dynamic(doctree, app.builder, docname, kinds)
    resolve_for_builder(doctree, app.builder, docname, kinds)
    mark_language(doctree, app.builder, docname)


#: The kinds a census records beside our node classes: a node only page builders keep, and
#: an index entry of a hashtag or person (rewritten for LaTeX).
Kind = type | str


def census(tree: nodes.Node, kinds: set[Kind] | None = None) -> set[Kind]:
    """The kinds of node the steps below act on that ``tree`` holds, found in one walk.

    Each step used to walk the whole tree for its own class: a dozen walks of
    every reflection and generated page, most finding nothing. A step now
    walks only when its kind is there; what a step makes is counted in with a
    census of that content alone, so ``kinds`` stays a superset of what the
    tree holds. Given ``kinds``, adds to it.
    """
    found: set[Kind] = set() if kinds is None else kinds
    for node in tree.findall(nodes.Element):
        cls = type(node)
        own = _OWN_KINDS.get(cls)
        if own is None:
            own = _OWN_KINDS[cls] = tuple(c for c in cls.__mro__ if c.__module__ == _OWN_NODES)
        found.update(own)
        if node.get(PAGES_ONLY):
            found.add(PAGES_ONLY)
        if node.get(INDEX_MARK) and isinstance(node, addnodes.index):
            found.add(INDEX_MARK)
    return found


def acts_on(kinds: set[Kind], builder: Builder) -> bool:
    """Whether any step below has something to do in a tree with these kinds.

    Each step looks for nodes of ours (placeholders, cards, callouts, badges,
    avatars, links to the page itself), for parts only page builders keep, and
    in LaTeX for the index entries of hashtags and people.
    """
    return (
        any(isinstance(k, type) for k in kinds)
        or PAGES_ONLY in kinds
        or (builder.format == "latex" and INDEX_MARK in kinds)
    )


def each(tree: nodes.Node, cls: type[nodes.Element], kinds: set[Kind]) -> list[Any]:
    """The nodes of ``cls`` in ``tree``, walked for only when the census saw one."""
    return list(tree.findall(cls)) if cls in kinds else []


_OWN_NODES = rnodes.__name__
#: node class -> the classes of ours it is (memo of the census: a few dozen classes)
_OWN_KINDS: dict[type, tuple[type, ...]] = {}


def resolve_generated(tree: nodes.Element, builder: Builder, pagename: str) -> None:
    """Finish a tree the extension built (a generated page) for this builder and page."""
    resolve_references(tree, builder, pagename)
    resolve_for_builder(tree, builder, pagename, census(tree))


# -- 1. clouds and listings -------------------------------------------------------------


def fill_dynamic(doctree: nodes.document, builder: Builder, docname: str, kinds: set[Kind]) -> None:
    """Put the current clouds and listings where the directives left a placeholder.

    ``kinds`` is the document's :func:`census`; what is put in is counted into it
    for the steps after.
    """
    domain = get_domain(builder.env)
    fill_bylines(doctree, builder, docname, kinds)
    for place in each(doctree, rnodes.reflections_cloud, kinds):
        shown = cloud(domain.tag_table, place.get("limit", 0))
        shown["classes"] += place["classes"]
        _put(place, shown, builder, docname, kinds)
    grid = page_builder(builder) or builder.format == "html"
    for node in each(doctree, rnodes.reflections_listing, kinds):
        spec = node["spec"]
        found = [r for r in domain.select(spec) if r.docname != docname]
        if spec["layout"] == "grid" and grid:
            result = reflection_grid(found, domain, spec["summary"])
        else:
            result = reflection_list(found, domain, spec["summary"], _("No reflections match."))
        result["classes"] += node["classes"]
        _put(node, result, builder, docname, kinds)
    for versions_spot in each(doctree, rnodes.reflections_translations, kinds):
        versions = translations_line(domain, docname, versions_spot["key"])
        _put(versions_spot, versions, builder, docname, kinds)
    for spot in each(doctree, rnodes.reflections_event_listing, kinds):
        spec = spot["spec"]
        events = select_events(domain, spec, build_date())
        result = event_list(events, builder.env, empty_text(spec))
        result["classes"] += spot["classes"]
        _put(spot, result, builder, docname, kinds)
    fill_reading_on(doctree, builder, docname, kinds)


def fill_bylines(doctree: nodes.document, builder: Builder, docname: str, kinds: set[Kind]) -> None:
    """A piece's authors, date, reading time and tags, under its title.

    Made when the page is written, from the domain, rather than kept in the
    stored doctree: each of the 40-odd nodes of a byline was in memory, and
    in every pickle, from reading to writing. A byline keeps the piece it
    belongs to (in a book of many documents, the page written is the book).
    """
    domain = get_domain(builder.env)
    for line in each(doctree, rnodes.reflections_byline, kinds):
        piece = line.get("piece")
        if not piece:  # built whole (a listing entry's)
            continue
        del line["piece"]
        reflection = domain.reflections.get(piece)
        if reflection is None:
            line.parent.remove(line)
            continue
        fill_byline(line, reflection, builder.env)
        resolve_references(line, builder, docname)
        census(line, kinds)


def _put(
    spot: nodes.Element,
    made: nodes.Element | None,
    builder: Builder,
    docname: str,
    kinds: set[Kind],
) -> None:
    """A placeholder becomes what it stands for, resolved, or goes when there is nothing."""
    if made is None:
        spot.parent.remove(spot)
        return
    resolve_references(made, builder, docname)
    census(made, kinds)
    spot.replace_self(made)


def fill_reading_on(
    doctree: nodes.document, builder: Builder, docname: str, kinds: set[Kind]
) -> None:
    """A piece's place in its series (every builder) and what to read next (HTML only).

    Related reflections are navigation for a reader on the site; on paper
    they would be a list of titles in the middle of a book.
    """
    domain = get_domain(builder.env)
    html = builder.format == "html"
    for spot in each(doctree, rnodes.reflections_series_spot, kinds):

        def uri(other: str) -> str:
            return builder.get_relative_uri(docname, other)

        made = series_line(domain, docname, uri if html else None)
        _put(spot, made, builder, docname, kinds)
    for place in each(doctree, rnodes.reflections_related_spot, kinds):
        if not html or not related_to(domain, docname):
            place.parent.remove(place)
            continue
        # made as the page is translated (make_related): with -j, in the worker writing it;
        # the entries it shows are rendered here, once, before the workers start
        place["page"] = docname
        builder.events.emit_firstresult(ENTRY_MAKER_EVENT, builder, docname)


def make_related(_app: object, builder: Builder, spot: nodes.Element) -> nodes.Element | None:
    """``reflections-spot``: a piece's related reflections, made as its page is written.

    Left until then by :func:`fill_reading_on`: they are not searched
    (``no-search``), so the search index, fed from the resolved tree, is the
    same; only the HTML translator asks for them.
    """
    docname = spot.get("page")
    if not isinstance(spot, rnodes.reflections_related_spot) or not docname:
        return None
    domain = get_domain(builder.env)
    listed = related_to(domain, docname)
    piece = domain.reflections.get(docname)
    if not listed or piece is None:
        return None
    # the generated site, when it writes this page, has every entry rendered once per build
    maker = builder.events.emit_firstresult(ENTRY_MAKER_EVENT, builder, docname)
    block = related_block(domain, listed, lang_of(builder.config, piece.language), maker)
    resolve_references(block, builder, docname)
    return block


def translations_line(domain: ReflectionsDomain, docname: str, key: str) -> nodes.paragraph | None:
    """*Also in: English · suomi*: links to a piece's other languages, each named in itself."""
    reflection = domain.reflections.get(docname)
    others = [r for r in domain.translations(key) if r.docname != docname]
    if reflection is None or not others:
        return None
    lang = lang_of(domain.env.config, reflection.language)
    para = nodes.paragraph(classes=["reflections-translations"])
    para += nodes.Text(lang("Also in:") + " ")
    for i, other in enumerate(others):
        if i:
            para += nodes.Text(" · ")
        other_lang = lang_of(domain.env.config, domain.language_of(other))
        name = other_lang.name()
        label = rnodes.reflections_language(name, name, lang=other_lang.code)
        link = rnodes.xref("doc", "/" + other.docname, "", [], domain="std")
        link.children = [label]
        para += link
    return para


def mark_language(doctree: nodes.document, builder: Builder, docname: str) -> None:
    """A reflection in another language than the project's is an ``article`` with ``lang``.

    Screen readers then read it with the right voice, and browsers hyphenate
    and spell-check it as that language; the page around it keeps the
    project's ``lang``.
    """
    reflection = get_domain(builder.env).reflections.get(docname)
    if reflection is None or builder.format != "html":
        return
    lang = lang_of(builder.config, reflection.language)
    if lang.project:
        return
    piece = rnodes.reflections_piece(classes=["reflections-piece"], lang=lang.code)
    piece += doctree.children
    doctree.children = [piece]
    piece.parent = doctree


# -- 2. cross-references --------------------------------------------------------------------


def resolve_references(tree: nodes.Element, builder: Builder, pagename: str) -> None:
    """Resolve cross-references as Sphinx does for documents, from this page.

    A listing links the same tags, people and pages many times; each target is
    resolved once per page and its link attributes reused.
    """
    env = builder.env
    seen: dict[tuple[str, str, str], tuple[type[nodes.reference], dict[str, Any]] | None] = {}
    for xref in list(tree.findall(addnodes.pending_xref)):
        contnode = xref.children[0] if xref.children else nodes.Text(xref["reftarget"])
        key = (xref["refdomain"], xref["reftype"], xref["reftarget"])
        if key not in seen:
            seen[key] = None
            if xref["refdomain"] == "std":
                docname = xref["reftarget"].lstrip("/")
                if docname in env.all_docs:
                    uri = builder.get_relative_uri(pagename, docname)
                    seen[key] = (nodes.reference, {"internal": True, "refuri": uri})
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
                    seen[key] = (type(new), {k: v for k, v in new.attributes.items() if v})
        found = seen[key]
        if found is None:
            xref.replace_self(contnode)
            continue
        kind, attributes = found  # a link, or one to this very page (reflections_current)
        reference = kind("", "", **attributes)
        reference += contnode
        xref.replace_self(reference)


# -- 3. per builder ---------------------------------------------------------------------------


def resolve_for_builder(
    tree: nodes.Node, builder: Builder, pagename: str, kinds: set[Kind]
) -> None:
    """Drop what the builder cannot show, fill in what depends on it and on the page.

    ``kinds`` is the tree's :func:`census`.
    """
    if PAGES_ONLY in kinds and not page_builder(builder):
        for node in list(tree.findall(nodes.Element)):
            if node.get(PAGES_ONLY):
                node.parent.remove(node)
    resolve_events(tree, builder, pagename, kinds)
    if builder.format in UNLINKED_FORMATS:
        for card in each(tree, rnodes.reflections_author_card, kinds):
            spell_out_links(card)
    if builder.format == "latex" and INDEX_MARK in kinds:
        index_for_latex(tree)
    resolve_avatars(tree, builder, pagename, kinds)


#: What LaTeX and makeindex read as commands in an index entry, and how to write each.
_LATEX_INDEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\sphinxleftcurlybrace{}",
        "}": r"\sphinxrightcurlybrace{}",
        "#": r"\#",
        "$": r"\$",
        "%": r"\%",
        "&": r"\&",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        '"': '""',
        "@": '"@',
        "!": '"!',
        "|": r"\textbar{}",
    }
)


def index_for_latex(tree: nodes.Node) -> None:
    """Index entries of hashtags and people, sorted by their letters in the PDF's index.

    Sphinx writes ``\\index{\\#cx@...}``, which makeindex and xindy file under
    symbols; the sort key without ``#`` files ``#cx`` under C (xindy then
    orders letters as the project's language does).
    """
    for index in list(tree.findall(addnodes.index)):
        if not index.get(INDEX_MARK):
            continue
        commands = []
        for _type, label, _target, _main, _key in index["entries"]:
            sort = label.lstrip("#@").translate(_LATEX_INDEX)
            shown = label.translate(_LATEX_INDEX)
            commands.append(rf"\index{{{sort}@\spxentry{{{shown}}}}}")
        index.replace_self(nodes.raw("", "".join(commands), format="latex"))


def resolve_events(tree: nodes.Node, builder: Builder, pagename: str, kinds: set[Kind]) -> None:
    """Callouts outside HTML, "upcoming" badges, calendar links for this page."""
    if builder.format != "html":
        for box in each(tree, rnodes.reflections_event, kinds):
            box.replace_self(as_admonition(box))
    today = build_date()
    for badge in each(tree, rnodes.reflections_upcoming, kinds):
        if dt.date.fromisoformat(badge["until"]) >= today:
            label = _("Upcoming")
            badge.replace_self(
                [
                    nodes.Text(" "),
                    nodes.inline(
                        label,
                        label,
                        classes=[
                            "reflections-upcoming",
                            "sd-badge",
                            "sd-outline-primary",
                            "sd-text-primary",
                        ],
                    ),
                ]
            )
        else:
            badge.parent.remove(badge)
    for ics in each(tree, rnodes.reflections_ics, kinds):
        if not page_builder(builder):
            ics.parent.remove(ics)
            continue
        domain = get_domain(builder.env)
        target = domain.page_of("events", ics["event"]) + ".ics"
        uri = relative_uri(builder.get_target_uri(pagename), target)
        ref = nodes.reference("", "", *ics.children, refuri=uri, classes=["reflections-ics"])
        ref["download"] = ""
        ics.replace_self(ref)


def as_admonition(box: rnodes.reflections_event) -> nodes.admonition:
    """The callout as the titled box every builder knows (LaTeX, text, man, Texinfo)."""
    title_para, *rest = box.children
    admonition = nodes.admonition(classes=["reflections-event"])
    strong = title_para.children[0]
    title = nodes.title("", "", *[c.deepcopy() for c in strong.children])
    for badge in title_para.findall(nodes.inline):
        if "reflections-event-status" in badge["classes"]:  # the status, in words
            title += nodes.Text(f" ({badge.astext()})")
    admonition += title
    body = nodes.container()
    body += [child.deepcopy() for child in rest]
    spell_out_links(body)  # no link to follow on paper: print the address
    admonition += body
    return admonition


def spell_out_links(tree: nodes.Element) -> None:
    """``LinkedIn`` becomes ``LinkedIn: https://...``: on paper the label alone is no use."""
    for ref in list(tree.findall(nodes.reference)):
        url = ref.get("refuri", "")
        if is_remote(url):
            ref.replace_self(nodes.Text(f"{ref.astext()}: {url}"))


def resolve_avatars(tree: nodes.Node, builder: Builder, pagename: str, kinds: set[Kind]) -> None:
    """Avatar URLs relative to this page; none where the builder shows no images."""
    pages = page_builder(builder)
    for pic in each(tree, rnodes.reflections_avatar, kinds):
        uri = pic["uri"]
        if builder.format != "html" or (is_remote(uri) and not pages):
            pic.parent.remove(pic)
            continue
        if is_remote(uri):
            pic["src"] = uri
            continue
        target = avatar_target(pic["person"], uri)
        if isinstance(builder, SingleFileHTMLBuilder):
            pic["src"] = target
        else:
            pic["src"] = relative_uri(builder.get_target_uri(pagename), target)
