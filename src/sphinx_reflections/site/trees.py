"""The doctrees of generated pages: archive, tags, people, events, aliases.

Built from the domain's data with the same node builders documents use, so
cards, bylines and callouts look the same on a generated page as anywhere.
Each tree maker takes the function that makes (or reuses) a listing entry.
"""

from __future__ import annotations

import posixpath
from itertools import groupby
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.osutil import relative_uri

from .. import nodes as rnodes
from ..authors import full_card
from ..dates import build_date
from ..domain import ReflectionsDomain
from ..events import callout, split_events
from ..hashtags import cloud, hashtag_xref
from ..i18n import _, lang_of
from ..listings import EntryMaker, reflection_list
from ..records import TagInfo
from ..registry import Event
from ..urls import is_remote
from .calendars import tag_calendars

if TYPE_CHECKING:
    from sphinx.builders import Builder


def page_section(title: str, ident: str) -> nodes.section:
    section = nodes.section(ids=[ident], names=[ident])
    section += nodes.title(title, title)
    return section


def archive_tree(domain: ReflectionsDomain, make_entry: EntryMaker | None = None) -> nodes.section:
    page = page_section(_("Reflections"), "reflections")
    visible = domain.listed(domain.visible())
    if not visible:
        page += reflection_list([], domain)
    for year, group in groupby(visible, key=lambda r: r.date.year):
        section = page_section(str(year), f"year-{year}")
        section += reflection_list(list(group), domain, make_entry=make_entry)
        page += section
    return page


def author_tree(
    domain: ReflectionsDomain, person_id: str, make_entry: EntryMaker | None = None
) -> nodes.section:
    person = domain.people[person_id]
    page = page_section(person.name, "author")
    page += full_card(person, link=False)
    section = page_section(_("Reflections"), "reflections")
    listed = domain.listed(domain.by_author(person_id))
    section += reflection_list(listed, domain, make_entry=make_entry)
    page += section
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
    domain: ReflectionsDomain, info: TagInfo, make_entry: EntryMaker | None = None
) -> nodes.section:
    page = page_section("#" + info.name, "tag")
    if info.description:
        page += nodes.paragraph(
            info.description, info.description, classes=["reflections-tag-description"]
        )
    for event in domain.events_with_tag(info.key):
        page += callout(event, domain.env)
    if info.aliases:
        text = _("Also written as %s.") % ", ".join("#" + a for a in info.aliases)
        page += nodes.paragraph(text, text, classes=["reflections-aliases"])
    section = page_section(_("Reflections"), "reflections")
    listed = domain.listed([domain.reflections[d] for d in info.reflections])
    section += reflection_list(listed, domain, make_entry=make_entry)
    page += section
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
    domain: ReflectionsDomain, event: Event, make_entry: EntryMaker | None = None
) -> nodes.section:
    page = page_section(event.name, "event")
    page += callout(event, domain.env, link=False)
    section = page_section(_("Reflections"), "reflections")
    listed = domain.listed(domain.about_event(event.id))
    section += reflection_list(listed, domain, make_entry=make_entry)
    page += section
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
