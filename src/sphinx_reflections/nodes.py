"""Doctree nodes and their visitors for every builder.

HTML builders get semantic elements (``article``, ``address``, ``time``) with
the stable ``reflections-*`` classes; every other builder renders the
children only, so cards and bylines degrade to plain, readable text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from .compat import man_reference_handler

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

#: The stable HTML classes themes and tests may rely on (documented in the reference).
CSS_HOOKS: dict[str, str] = {
    "reflections-byline": "The line under a reflection's title: authors, date, "
    "reading time, category, tags (a ``div``).",
    "reflections-author-card": "An author card: full (``article``) or compact "
    "(``span``, with ``reflections-author-card-compact``).",
    "reflections-hashtag": "A hashtag link (``a``) or, without a tag page, a ``span``.",
    "reflections-mention": "An @mention of a person (``a`` to the person's page).",
    "reflections-event": "An event callout (``aside``).",
    "reflections-event-status": "An event's status badge (``span``) when it is not simply "
    "scheduled; its text says the status, and ``reflections-event-status-cancelled``, "
    "``-postponed``, ``-rescheduled`` or ``-moved-online`` names it for styling.",
    "reflections-event-list": "A list of events (``events`` directive): a ``ul`` whose items "
    "carry ``reflections-event-entry``.",
    "reflections-list": "A list of reflections (archive, author and tag pages, "
    "``reflections`` directive); each entry is an ``article.reflections-entry``.",
    "reflections-hashtag-cloud": "The hashtag cloud (a labelled ``nav`` around a ``ul``); "
    "items carry ``reflections-weight-1`` to ``-5``.",
    "reflections-avatar": "An author's avatar image (``img``, with alt text).",
    "reflections-draft": "The badge shown on a draft reflection.",
    "reflections-piece": "A reflection in another language than the project's: an "
    "``article`` with ``lang`` around the page's content.",
    "reflections-translations": "The other languages of a piece, in its byline: links "
    "named in their own language (``span`` with ``lang``).",
    "reflections-current": "A link to the page it is on (``a`` with "
    "``aria-current=\"page\"``): a tag page's own tag, an author page's own name.",
    "reflections-more-tags": "How many more tags a listing entry has than it shows "
    "(``+2 more tags``).",
    "reflections-related": "The related reflections under a piece: a ``nav`` labelled by its "
    "``h2`` (``reflections-related-title``), around a ``reflections-list``.",
    "reflections-series": "Where a piece stands in its series, under the byline: a ``nav`` "
    "with *Part 2 of 3* (``reflections-series-position``) and the previous and next parts "
    "(``a[rel=prev]``, ``a[rel=next]``); also the numbered list of parts on a series page "
    "(``ol.reflections-series-parts``).",
    "reflections-pagination": "The page links under a paginated listing: a ``nav`` around a "
    '``ul``; the current page\'s link carries ``aria-current="page"``, the newer and '
    "older pages' ``rel=prev`` and ``rel=next``.",
}


#: A node attribute: the node only makes sense where generated pages exist (html, dirhtml).
PAGES_ONLY = "reflections-pages-only"


class _Verbatim:
    """Author-supplied text inside stays as typed: no smart quotes or dashes in names."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self["support_smartquotes"] = False  # type: ignore[index]


class reflections_byline(_Verbatim, nodes.General, nodes.Element):
    """The block under a reflection's title."""


class reflections_byline_authors(nodes.General, nodes.Element):
    """The authors part of a byline (``address``: it names who wrote the article)."""


class reflections_author_card(_Verbatim, nodes.General, nodes.Element):
    """A full author card (``article``); attribute ``person`` holds the id."""


class reflections_compact_card(_Verbatim, nodes.Inline, nodes.TextElement):
    """An inline, compact author card: avatar, name, role."""


class reflections_avatar(nodes.Inline, nodes.Element):
    """An avatar; ``src`` is filled per page by :func:`.resolve.resolve_avatars`."""


class reflections_time(nodes.Inline, nodes.TextElement):
    """A date, as ``<time datetime="...">`` in HTML and as its text elsewhere."""


class reflections_entry(_Verbatim, nodes.General, nodes.Element):
    """One reflection in a listing (``article.reflections-entry``)."""


class reflections_entry_html(nodes.General, nodes.Element):
    """A listing entry already rendered as HTML (``html`` attribute).

    Only generated pages hold these (see ``site.pages.Entries``); other
    builders never see one.
    """


class reflections_nav(nodes.General, nodes.Element):
    """A labelled navigation block (``nav``), e.g. the hashtag cloud."""


class reflections_cloud(nodes.General, nodes.Element):
    """Where a ``hashtag-cloud`` goes; filled once every document is read."""


class reflections_event(_Verbatim, nodes.General, nodes.Element):
    """An event callout: ``aside`` in HTML; other builders get an admonition instead."""


class reflections_upcoming(nodes.Inline, nodes.Element):
    """Becomes an "upcoming" badge at write time if the event is not over."""


class reflections_ics(nodes.Inline, nodes.TextElement):
    """The "add to calendar" link; only builders with event pages keep it."""


class reflections_piece(nodes.General, nodes.Element):
    """A reflection in a language other than the project's (``article`` with ``lang``)."""


class reflections_language(nodes.Inline, nodes.TextElement):
    """Text in another language than the page around it (``span`` with ``lang``)."""


class reflections_translations(nodes.Inline, nodes.Element):
    """Where a piece's other languages go (``key``); filled once every document is read."""


class reflections_listing(nodes.General, nodes.Element):
    """Where a ``reflections`` listing goes; filled once every document is read."""


class reflections_event_listing(nodes.General, nodes.Element):
    """Where an ``events`` list goes; filled when the page is written (upcoming depends on the day)."""


class reflections_current(nodes.reference):
    """A link to the page it is on: ``aria-current="page"``, so it reads as "you are here"."""


class reflections_related_spot(nodes.General, nodes.Element):
    """Where a reflection's related reflections go; filled when the page is written."""


class reflections_series_spot(nodes.General, nodes.Element):
    """Where a reflection's place in its series goes; filled when the page is written."""


class reflections_pagination(nodes.General, nodes.Element):
    """The page links of a paginated generated page (``nav``); ``paging`` says where it is."""


class reflections_element(nodes.General, nodes.Element):
    """A block element (``tag``) with attributes docutils has no place for (``attrs``)."""


class reflections_inline(nodes.Inline, nodes.TextElement):
    """An inline element (``tag``) with attributes docutils has no place for (``attrs``).

    ``aria-current``, ``rel``, ``aria-hidden``: HTML builders write them;
    the others write the text only.
    """


class reflection_meta(nodes.Invisible, nodes.Element):
    """What a ``reflection`` directive read; consumed by the metadata transform."""


def xref(
    kind: str, target: str, text: str, classes: list[str], domain: str = "reflections"
) -> addnodes.pending_xref:
    """A link resolved per builder: to a generated page or document, or plain text."""
    node = addnodes.pending_xref(
        "", refdomain=domain, reftype=kind, reftarget=target, refexplicit=True, refwarn=False
    )
    node += nodes.inline(text, text, classes=classes)
    return node


# -- HTML ---------------------------------------------------------------------


def _attrs(node: nodes.Element) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for key in ("aria-label", "role", "lang"):
        if node.get(key):
            attrs[key] = node[key]
    return attrs


def _open(tag: str) -> Any:
    def visit(self: HTML5Translator, node: nodes.Element) -> None:
        self.body.append(self.starttag(node, tag, "", **_attrs(node)))

    def depart(self: HTML5Translator, node: nodes.Element) -> None:
        self.body.append(f"</{tag}>")
        if not isinstance(node, nodes.Inline):
            self.body.append("\n")

    return visit, depart


def visit_tagged_html(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, node["tag"], "", **node.get("attrs", {})))


def depart_tagged_html(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(f"</{node['tag']}>")
    if not isinstance(node, nodes.Inline):
        self.body.append("\n")


#: ``(builder, spot) -> nodes.Element | None``: what a spot the resolution stage left in a
#: page stands for, made by the layer that knows as the page is written (see
#: :func:`visit_spot_html`).
SPOT_EVENT = "reflections-spot"


def visit_spot_html(self: HTML5Translator, node: nodes.Element) -> None:
    """A spot left for the writer: made now, in the process that writes the page.

    With ``-j`` Sphinx resolves every document in the main process, one after
    another, and translates them in forked workers; what is made here (a
    piece's related reflections: navigation, never searched) is made in the
    workers. The page's tree then holds what was written, as if made before.
    """
    made = self.builder.events.emit_firstresult(SPOT_EVENT, self.builder, node)
    if made is None or node.parent is None:
        raise nodes.SkipNode
    node.replace_self(made)
    made.walkabout(self)
    raise nodes.SkipNode


def visit_entry_html(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(node["html"])
    raise nodes.SkipNode


def visit_time_html(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "time", "", datetime=node["datetime"]))


def depart_time_html(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</time>")


def visit_current_html(self: HTML5Translator, node: nodes.Element) -> None:
    attrs: dict[str, Any] = {"href": node.get("refuri") or "#", "aria-current": "page"}
    self.body.append(self.starttag(node, "a", "", CLASS="reference internal", **attrs))


def depart_current_html(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append("</a>")


def visit_avatar_html(self: HTML5Translator, node: nodes.Element) -> None:
    if node.get("src"):
        size = str(node.get("size", 48))
        self.body.append(
            self.emptytag(
                node,
                "img",
                "",
                src=node["src"],
                alt=node.get("alt", ""),
                width=size,
                height=size,
                loading="lazy",
                decoding="async",
            )
        )
    raise nodes.SkipNode


# -- other builders -------------------------------------------------------------


def visit_passthrough(self: Any, node: nodes.Node) -> None:
    """Render only the children: the readable text is what matters there."""


def depart_passthrough(self: Any, node: nodes.Node) -> None:
    """Nothing to close."""


def visit_skip(self: Any, node: nodes.Node) -> None:
    """Leave the node out (avatars have no useful text form)."""
    raise nodes.SkipNode


def visit_block_man(self: Any, node: nodes.Element) -> None:
    """Start a block (card, byline, entry) as a paragraph of its own.

    The man writer spaces a paragraph from what precedes it only when it is not the
    first in its parent, and a block's first line always is: without this, a title
    and the byline under it, or two cards, run together on one line.
    """
    self.ensure_eol()
    if not self.first_child(node):
        self.body.append(".sp\n")


# -- man pages: links -------------------------------------------------------------
# Docutils 0.22's man page writer sets ``visit_reference`` on the translator instance,
# which hides Sphinx's own method: every internal link then ends in ``<>`` or
# ``<#anchor>`` (sphinx-doc/sphinx#14427). A man page has nowhere to link to, so an
# internal link is its text, with every Docutils (older ones print it in italics);
# an external one is left to the writer (`` <https://...>``).


def _internal(node: nodes.Element) -> bool:
    uri = node.get("refuri")
    return bool(node.get("internal")) or "refid" in node or not uri or uri.startswith("#")


def visit_reference_man(self: Any, node: nodes.Element) -> None:
    """An internal link is its text; an external one is left to the writer."""
    if not _internal(node):
        man_reference_handler(self, "visit")(self, node)


def depart_reference_man(self: Any, node: nodes.Element) -> None:
    """Close what :func:`visit_reference_man` opened."""
    if not _internal(node):
        man_reference_handler(self, "depart")(self, node)


_OTHER = ("latex", "text", "man", "texinfo")


def _each(handlers: Any) -> dict[str, Any]:
    """The same handlers for every non-HTML translator."""
    return dict.fromkeys(_OTHER, handlers)


def register(app: Sphinx) -> None:
    """Register every node with a visitor for each builder family."""
    passthrough: Any = (visit_passthrough, depart_passthrough)
    skip: Any = (visit_skip, None)
    html_tags = {
        reflections_byline: "div",
        reflections_byline_authors: "address",
        reflections_author_card: "article",
        reflections_compact_card: "span",
        reflections_entry: "article",
        reflections_nav: "nav",
        reflections_piece: "article",
        reflections_language: "span",
    }
    block_man: Any = (visit_block_man, depart_passthrough)
    for node_class, tag in html_tags.items():
        inline = issubclass(node_class, nodes.Inline)
        handlers = {**_each(passthrough), "man": passthrough if inline else block_man}
        app.add_node(node_class, html=_open(tag), **handlers)
    app.add_node(
        reflections_time,
        html=(visit_time_html, depart_time_html),
        **_each(passthrough),
    )
    app.add_node(reflections_avatar, html=(visit_avatar_html, None), **_each(skip))
    app.add_node(
        reflections_current, html=(visit_current_html, depart_current_html), **_each(passthrough)
    )
    app.add_node(reflections_entry_html, html=(visit_entry_html, None), **_each(skip))
    app.add_node(reflection_meta, html=skip, **_each(skip))
    app.add_node(reflections_cloud, html=skip, **_each(skip))
    app.add_node(reflections_listing, html=skip, **_each(skip))
    app.add_node(reflections_translations, html=skip, **_each(skip))
    app.add_node(reflections_related_spot, html=(visit_spot_html, None), **_each(skip))
    app.add_node(reflections_series_spot, html=skip, **_each(skip))
    app.add_node(reflections_pagination, html=_open("nav"), **_each(skip))
    tagged: Any = (visit_tagged_html, depart_tagged_html)
    app.add_node(reflections_element, html=tagged, **{**_each(passthrough), "man": block_man})
    app.add_node(reflections_inline, html=tagged, **_each(passthrough))
    app.add_node(reflections_event_listing, html=skip, **_each(skip))
    app.add_node(reflections_upcoming, html=skip, **_each(skip))
    app.add_node(reflections_ics, html=passthrough, **_each(passthrough))
    app.add_node(reflections_event, html=_open("aside"), **_each(passthrough))
    # not app.add_node: Sphinx would unregister docutils' own node class afterwards
    app.registry.add_translation_handlers(
        nodes.reference, man=(visit_reference_man, depart_reference_man)
    )
