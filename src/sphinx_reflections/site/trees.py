"""The doctrees of generated pages: archive, tags, people, events, aliases.

Built from the domain's data with the same node builders documents use, so
cards, bylines and callouts look the same on a generated page as anywhere.
Each tree maker takes the function that makes (or reuses) a listing entry.
"""

from __future__ import annotations

import dataclasses as dc
import posixpath
from collections.abc import Callable
from itertools import groupby
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.osutil import relative_uri

from .. import nodes as rnodes
from ..authors import full_card
from ..config import get_config
from ..dates import build_date
from ..domain import ReflectionsDomain
from ..events import callout, split_events
from ..hashtags import cloud, hashtag_xref
from ..i18n import _, lang_of, ngettext
from ..listings import EntryMaker, entry, reflection_list
from ..records import Reflection, SeriesInfo, TagInfo
from ..registry import Event
from ..urls import is_remote
from .calendars import tag_calendars

if TYPE_CHECKING:
    from sphinx.builders import Builder


def page_section(title: str, ident: str) -> nodes.section:
    section = nodes.section(ids=[ident], names=[ident])
    section += nodes.title(title, title)
    return section


@dc.dataclass(frozen=True)
class Paging:
    """Where one page of a paginated listing is: its number and every page's name.

    ``listed`` are the reflections this page shows; ``before`` is the last one
    the previous page showed (the archive says "2023, continued").
    """

    number: int
    pages: tuple[str, ...]  # pagenames, page 1 first
    listed: tuple[Reflection, ...]
    before: Reflection | None = None

    @property
    def total(self) -> int:
        return len(self.pages)


def split_pages(pagename: str, listed: list[Reflection], domain: ReflectionsDomain) -> list[Paging]:
    """The pages of one listing: a single one, or one per ``reflections_page_size`` entries."""
    total = domain.page_count(len(listed))
    names = (pagename, *(domain.later_page(pagename, n) for n in range(2, total + 1)))
    if total == 1:
        return [Paging(1, names, tuple(listed))]
    size = get_config(domain.env).page_size
    found = []
    for number in range(1, total + 1):
        start = (number - 1) * size
        before = listed[start - 1] if start else None
        found.append(Paging(number, names, tuple(listed[start : start + size]), before))
    return found


def paged_title(title: str, paging: Paging | None) -> str:
    """``#CX`` on the first page, ``#CX, page 2 of 3`` on the others."""
    if paging is None or paging.number == 1:
        return title
    return _("%(title)s, page %(page)d of %(pages)d") % {
        "title": title,
        "page": paging.number,
        "pages": paging.total,
    }


def pagination_spot(paging: Paging | None) -> list[nodes.Node]:
    """Where the page links go (filled with this page's links when it is written)."""
    if paging is None or paging.total == 1:
        return []
    return [rnodes.reflections_pagination(paging=paging, classes=["reflections-pagination"])]


def page_window(current: int, total: int) -> list[int | None]:
    """The page numbers a page's links show; None is a gap (``…``).

    Every page when there are seven or fewer; else the first and last, the
    current one and its neighbours, and enough at either end that the links
    never jump around as the reader pages through.
    """
    if total <= 7:
        return list(range(1, total + 1))
    shown = {1, total, current - 1, current, current + 1}
    if current <= 4:
        shown |= {2, 3, 4, 5}
    if current >= total - 3:
        shown |= {total - 4, total - 3, total - 2, total - 1}
    found: list[int | None] = []
    last = 0
    for number in sorted(n for n in shown if 1 <= n <= total):
        if number - last == 2:
            found.append(number - 1)  # a gap of one page: show the page
        elif number - last > 2:
            found.append(None)
        found.append(number)
        last = number
    return found


def _link(text: str, uri: str, classes: list[str], **attrs: str) -> rnodes.reflections_inline:
    return rnodes.reflections_inline(
        text, text, tag="a", attrs={"href": uri, **attrs}, classes=classes
    )


def fill_pagination(tree: nodes.Element, uri: Callable[[str], str]) -> None:
    """Put this page's links where the tree makers left a pagination spot.

    A ``nav`` around a list: newer, the page numbers (the current one with
    ``aria-current="page"``), older; ``uri`` gives another page's address
    from this one.
    """
    for spot in list(tree.findall(rnodes.reflections_pagination)):
        paging: Paging = spot["paging"]
        del spot["paging"]
        spot["aria-label"] = _("Pages")
        spot += page_links(paging, uri)


def page_links(paging: Paging, uri: Callable[[str], str]) -> rnodes.reflections_element:
    """The list inside a pagination ``nav``."""
    items = rnodes.reflections_element(tag="ul", attrs={})
    number, pages = paging.number, paging.pages

    def item(*children: nodes.Node, classes: list[str] | None = None) -> None:
        li = rnodes.reflections_element(tag="li", attrs={}, classes=classes or [])
        li += children
        items.append(li)

    def arrow(text: str) -> rnodes.reflections_inline:
        return rnodes.reflections_inline(text, text, tag="span", attrs={"aria-hidden": "true"})

    if number > 1:
        newer = _link("", uri(pages[number - 2]), ["reflections-pagination-newer"], rel="prev")
        newer += [arrow("←\u00a0"), nodes.Text(_("Newer"))]
        item(newer)
    for shown in page_window(number, len(pages)):
        if shown is None:
            item(nodes.Text("…"), classes=["reflections-pagination-gap"])
            continue
        attrs = {"aria-label": _("Page %d") % shown}
        if shown == number:
            attrs["aria-current"] = "page"
        item(_link(str(shown), uri(pages[shown - 1]), [], **attrs))
    if number < len(pages):
        older = _link("", uri(pages[number]), ["reflections-pagination-older"], rel="next")
        older += [nodes.Text(_("Older")), arrow("\u00a0→")]
        item(older)
    return items


def archive_tree(
    domain: ReflectionsDomain, make_entry: EntryMaker | None = None, paging: Paging | None = None
) -> nodes.section:
    page = page_section(paged_title(_("Reflections"), paging), "reflections")
    visible = list(paging.listed) if paging else domain.listed(domain.visible())
    if not visible:
        page += reflection_list([], domain)
    for year, group in groupby(visible, key=lambda r: r.date.year):
        title = str(year)
        if paging and paging.before and paging.before.date.year == year:
            title = _("%s, continued") % year
        section = page_section(title, f"year-{year}")
        section += reflection_list(list(group), domain, make_entry=make_entry)
        page += section
    page += pagination_spot(paging)
    return page


def _reflections_section(
    domain: ReflectionsDomain,
    listed: list[Reflection],
    make_entry: EntryMaker | None,
    paging: Paging | None,
) -> nodes.section:
    """The "Reflections" part of a tag, author or event page (one page's worth)."""
    section = page_section(_("Reflections"), "reflections")
    shown = list(paging.listed) if paging else listed
    section += reflection_list(shown, domain, make_entry=make_entry)
    section += pagination_spot(paging)
    return section


def author_tree(
    domain: ReflectionsDomain,
    person_id: str,
    make_entry: EntryMaker | None = None,
    paging: Paging | None = None,
) -> nodes.section:
    person = domain.people[person_id]
    page = page_section(paged_title(person.name, paging), "author")
    listed = domain.listed(domain.by_author(person_id))
    if paging and paging.number > 1:  # the card and mentions are on the first page
        page += _reflections_section(domain, listed, make_entry, paging)
        return page
    page += full_card(person, link=False)
    page += _reflections_section(domain, listed, make_entry, paging)
    mentioned = domain.mentioning(person_id)
    if mentioned:
        section = page_section(_("Mentioned in"), "mentioned-in")
        section += doc_list(mentioned, domain, ["reflections-mentioned"])
        page += section
    return page


def title_of(domain: ReflectionsDomain, docname: str) -> str:
    """A document's title as navigation shows it, or its name."""
    node = domain.env.titles.get(docname)
    return node.astext() if node else docname


def titled(domain: ReflectionsDomain, docnames: list[str] | tuple[str, ...]) -> list[Any]:
    """What a list of document links shows: each docname with its title."""
    return [(d, title_of(domain, d)) for d in docnames]


def doc_list(
    docnames: list[str] | tuple[str, ...], domain: ReflectionsDomain, classes: list[str]
) -> nodes.bullet_list:
    """Links to ordinary documents, by title."""
    listing = nodes.bullet_list(classes=classes)
    for docname in docnames:
        item = nodes.list_item()
        para = nodes.paragraph()
        xref = rnodes.xref("doc", "/" + docname, title_of(domain, docname), [], domain="std")
        para += xref
        item += para
        listing += item
    return listing


def tags_index_tree(domain: ReflectionsDomain) -> nodes.section:
    page = page_section(_("Hashtags"), "hashtags")
    if domain.tag_table:
        page += cloud(domain.tag_table)
    else:
        text = _("No hashtags yet.")
        page += nodes.paragraph(text, text, classes=["reflections-empty"])
    described = sorted((t for t in domain.tag_table.values() if t.description), key=lambda t: t.key)
    if described:
        section = page_section(_("What the tags are about"), "about-the-tags")
        terms = nodes.definition_list(classes=["reflections-tag-descriptions"])
        for info in described:
            item = nodes.definition_list_item()
            term = nodes.term()
            term += hashtag_xref(info.name)
            item += term
            definition = nodes.definition()
            definition += nodes.paragraph(info.description, info.description)
            item += definition
            terms += item
        section += terms
        page += section
    return page


def tag_tree(
    domain: ReflectionsDomain,
    info: TagInfo,
    make_entry: EntryMaker | None = None,
    paging: Paging | None = None,
) -> nodes.section:
    page = page_section(paged_title("#" + info.name, paging), "tag")
    listed = domain.listed([domain.reflections[d] for d in info.reflections])
    if paging and paging.number > 1:  # description, callouts and other pages: page 1
        page += _reflections_section(domain, listed, make_entry, paging)
        return page
    if info.description:
        page += nodes.paragraph(
            info.description, info.description, classes=["reflections-tag-description"]
        )
    for event in domain.events_with_tag(info.key):
        page += callout(event, domain.env)
    if info.aliases:
        text = _("Also written as %s.") % ", ".join("#" + a for a in info.aliases)
        page += nodes.paragraph(text, text, classes=["reflections-aliases"])
    page += _reflections_section(domain, listed, make_entry, paging)
    if info.pages:
        section = page_section(_("Other pages"), "other-pages")
        section += doc_list(info.pages, domain, ["reflections-pages"])
        page += section
    return page


def events_index_tree(domain: ReflectionsDomain) -> nodes.section:
    page = page_section(_("Events"), "events")
    events = list(domain.all_events().values())
    if not events:
        text = _("No events yet.")
        page += nodes.paragraph(text, text, classes=["reflections-empty"])
        return page
    upcoming, past = split_events(events, build_date())
    parts = [
        (_("Upcoming"), "upcoming", upcoming, _("No upcoming events.")),
        (_("Past"), "past", past, _("No past events.")),
    ]
    for title, ident, shown, empty in parts:
        section = page_section(title, ident)
        for event in shown:
            section += callout(event, domain.env)
        if not shown:
            section += nodes.paragraph(empty, empty, classes=["reflections-empty"])
        page += section
    return page


def event_tree(
    domain: ReflectionsDomain,
    event: Event,
    make_entry: EntryMaker | None = None,
    paging: Paging | None = None,
) -> nodes.section:
    page = page_section(paged_title(event.name, paging), "event")
    if not paging or paging.number == 1:
        page += callout(event, domain.env, link=False)
    listed = domain.listed(domain.about_event(event.id))
    page += _reflections_section(domain, listed, make_entry, paging)
    return page


def series_tree(
    domain: ReflectionsDomain, info: SeriesInfo, make_entry: EntryMaker | None = None
) -> nodes.section:
    """The parts of a series in order, numbered, each as a listing entry."""
    page = page_section(info.name, "series")
    if info.description:
        page += nodes.paragraph(
            info.description, info.description, classes=["reflections-series-description"]
        )
    parts = [domain.reflections[d] for d in info.parts]
    count = ngettext("%d part", "%d parts", len(parts)) % len(parts)
    page += nodes.paragraph(count, count, classes=["reflections-series-count"])
    listing = nodes.enumerated_list(
        classes=["reflections-list", "reflections-series-parts"], enumtype="arabic"
    )
    for reflection in parts:
        item = nodes.list_item()
        item += make_entry(reflection) if make_entry else entry(reflection, domain)
        listing += item
    page += listing
    return page


def alias_tree(alias: str, info: TagInfo, _make: EntryMaker | None = None) -> nodes.section:
    page = page_section("#" + alias, "tag-alias")
    para = nodes.paragraph(classes=["reflections-alias-note"])
    para += nodes.Text(_("This tag is written as") + " ")
    para += hashtag_xref(info.name)
    para += nodes.Text(".")
    page += para
    return page


def subscribe_line(
    builder: Builder, domain: ReflectionsDomain, pagename: str, kind: str, ident: str
) -> nodes.paragraph | None:
    """Visible links to the page's feed (and, for events, the calendar)."""
    here = builder.get_target_uri(pagename)
    links: list[tuple[str, str]] = []
    if builder.config.html_baseurl:
        if kind == "archive":
            links += [
                (_("Atom feed"), domain.page_of("", "atom") + ".xml"),
                (_("JSON Feed"), domain.page_of("", "feed") + ".json"),
            ]
            codes = domain.languages()
            if len(codes) > 1:  # a feed for each language, named in that language
                for code in codes:
                    name = lang_of(builder.config, code).name()
                    links.append((f"Atom ({name})", domain.language_feed(code) + ".xml"))
        elif kind in ("authors", "tags", "events") and ident:
            links.append((_("Atom feed"), domain.page_of(kind, ident) + ".xml"))
        elif kind == "series":
            links.append((_("Atom feed"), domain.series_page(ident) + ".xml"))
    calendar = ""
    if kind == "events" and not ident and domain.all_events():
        calendar = domain.page_of("", "events") + ".ics"
        links.append((_("All events in your calendar"), calendar))
    elif kind == "tags" and ident in tag_calendars(domain):
        calendar = domain.page_of("tags", ident) + ".ics"
        links.append((_("Events in your calendar"), calendar))
    if calendar and is_remote(builder.config.html_baseurl):
        # webcal: the address calendar apps open to subscribe (and fetch over http(s))
        address = posixpath.join(builder.config.html_baseurl, calendar)
        links.append((_("Open in your calendar app"), "webcal:" + address.partition(":")[2]))
    if not links:
        return None
    para = nodes.paragraph(classes=["reflections-subscribe"])
    para += nodes.Text(_("Subscribe:") + " ")
    for i, (label, target) in enumerate(links):
        if i:
            para += nodes.Text(" · ")
        uri = target if target.startswith("webcal:") else relative_uri(here, target)
        para += nodes.reference(label, label, refuri=uri)
    return para
