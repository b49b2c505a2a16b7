"""Machine-readable metadata: schema.org JSON-LD, OpenGraph and feed links.

Search engines, link previews and feed readers see the same facts as the
reader. When sphinxext-opengraph is loaded it writes the ``og:*`` basics;
this module then only feeds it the article type and image and adds the
``article:*`` properties it does not know about, so nothing is doubled.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from typing import TYPE_CHECKING, Any

from sphinx.util.osutil import relative_uri

from .domain import ReflectionsDomain, get_domain, page_builder
from .i18n import _, lang_of
from .records import Reflection
from .registry import ATTENDANCE, STATUSES, Event, Person
from .text import tag_key
from .urls import avatar_target, image_target, is_remote

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

PAGE_KEY = "reflections_page"  # context key set on generated pages: (kind, id)
#: context key set on pages of a paginated listing: (newer page, older page, docnames shown)
PAGING_KEY = "reflections_paging"


def script(data: dict[str, Any]) -> str:
    """JSON-LD that no author string can break out of (``</script>``, ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def _date(when: dt.date) -> str:
    return when.isoformat()


class Urls:
    """Absolute URLs when ``html_baseurl`` is set; none otherwise."""

    def __init__(self, builder: StandaloneHTMLBuilder, domain: ReflectionsDomain) -> None:
        self.builder = builder
        self.base = builder.config.html_baseurl
        self.domain = domain

    def page(self, pagename: str) -> str | None:
        return (
            posixpath.join(self.base, self.builder.get_target_uri(pagename)) if self.base else None
        )

    def file(self, path: str) -> str | None:
        if is_remote(path):
            return path
        return posixpath.join(self.base, path) if self.base else None


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def person_ld(
    person: Person, urls: Urls, domain: ReflectionsDomain, context: bool = False
) -> dict[str, Any]:
    image = None
    if person.avatar:
        image = urls.file(
            person.avatar if is_remote(person.avatar) else avatar_target(person.id, person.avatar)
        )
    data = {
        "@context": "https://schema.org" if context else None,
        "@type": "Person",
        "name": person.name,
        "url": urls.page(domain.page_of("authors", person.id)),
        "jobTitle": person.role,
        "worksFor": {"@type": "Organization", "name": person.organization}
        if person.organization
        else None,
        "description": person.bio,
        "image": image,
        "sameAs": [url for _label, url in person.links if is_remote(url)],
    }
    return _drop_empty(data)


def event_ld(
    event: Event, urls: Urls, domain: ReflectionsDomain, context: bool = False
) -> dict[str, Any]:
    """schema.org ``Event`` with what search engines' event results need.

    Status and attendance mode always; the place as a ``Place``, the online
    part as a ``VirtualLocation`` (its URL: ``online_url``, else the event's
    website, else its page), or both for a mixed event.
    """
    page = urls.page(domain.page_of("events", event.id))
    places: list[dict[str, Any]] = []
    if event.location and event.attendance != "online":
        places.append({"@type": "Place", "name": event.location, "address": event.location})
    if event.attendance != "offline":
        places.append(
            _drop_empty({"@type": "VirtualLocation", "url": event.online_url or event.url or page})
        )
    data = {
        "@context": "https://schema.org" if context else None,
        "@type": "Event",
        "name": event.name,
        "startDate": event.start.isoformat(),
        "endDate": event.end.isoformat() if event.end else None,
        "eventStatus": STATUSES[event.status][0],
        "eventAttendanceMode": ATTENDANCE[event.attendance],
        "previousStartDate": event.previous_start.isoformat() if event.previous_start else None,
        "location": places[0] if len(places) == 1 else places,
        "url": event.url or page,
        "description": event.description,
        "organizer": {"@type": "Organization", "name": event.organizer}
        if event.organizer
        else None,
    }
    return _drop_empty(data)


def _image(reflection: Reflection, urls: Urls) -> str | None:
    """The absolute URL of a reflection's cover image, if it has one."""
    if not reflection.image:
        return None
    return urls.file(
        reflection.image if is_remote(reflection.image) else image_target(reflection.image)
    )


def keywords(reflection: Reflection, domain: ReflectionsDomain) -> list[str]:
    """The piece's tags as their pages spell them, each once whatever its case."""
    found: dict[str, str] = {}
    for tag in reflection.tags:
        info = domain.tag_info(tag_key(tag))
        name = info.name if info else tag
        found.setdefault(tag_key(name), name)
    return list(found.values())


def posting_ld(
    reflection: Reflection, urls: Urls, domain: ReflectionsDomain, language: str
) -> dict[str, Any]:
    event = domain.all_events().get(reflection.event) if reflection.event else None
    url = urls.page(reflection.docname)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": reflection.title,
        "description": reflection.summary,
        "author": [
            person_ld(domain.people[a], urls, domain)
            for a in reflection.authors
            if a in domain.people
        ],
        "datePublished": _date(reflection.date),
        "dateModified": _date(reflection.updated or reflection.date),
        "keywords": keywords(reflection, domain),
        "articleSection": reflection.category,
        "inLanguage": language,
        "wordCount": reflection.words,
        "about": event_ld(event, urls, domain) if event else None,
        "image": _image(reflection, urls),
        "url": url,
        "mainEntityOfPage": url,
    }
    if reflection.translation:
        versions = domain.translations(reflection.translation)
        original = versions[0] if versions else reflection
        if original.docname == reflection.docname:
            data["workTranslation"] = [
                _version(v, urls, domain) for v in versions if v.docname != reflection.docname
            ]
        else:
            data["translationOfWork"] = _version(original, urls, domain)
    return _drop_empty(data)


def _version(reflection: Reflection, urls: Urls, domain: ReflectionsDomain) -> dict[str, Any]:
    """Another language version of a piece, as JSON-LD refers to it."""
    return _drop_empty(
        {
            "@type": "BlogPosting",
            "headline": reflection.title,
            "inLanguage": domain.language_of(reflection),
            "url": urls.page(reflection.docname),
        }
    )


def collection_ld(
    name: str, pagename: str, reflections: list[Reflection], urls: Urls
) -> dict[str, Any]:
    items = [
        _drop_empty(
            {"@type": "ListItem", "position": i, "url": urls.page(r.docname), "name": r.title}
        )
        for i, r in enumerate(reflections, start=1)
    ]
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": name,
            "url": urls.page(pagename),
            "mainEntity": {
                "@type": "ItemList",
                "numberOfItems": len(items),
                "itemListElement": items,
            },
        }
    )


def _meta(prop: str, content: str) -> str:
    return f'<meta property="{html.escape(prop)}" content="{html.escape(content)}" />\n'


def _feed_link(href: str, title: str, kind: str = "application/atom+xml") -> str:
    return f'<link rel="alternate" type="{kind}" title="{html.escape(title)}" href="{html.escape(href)}" />\n'


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: add JSON-LD, OpenGraph and feed links to our pages."""
    builder = app.builder
    if not page_builder(builder) or context is None:
        return
    domain = get_domain(app.env)
    urls = Urls(builder, domain)  # type: ignore[arg-type]
    head: list[str] = []
    feeds = bool(app.config.html_baseurl)

    def rel(target: str) -> str:
        return relative_uri(builder.get_target_uri(pagename), target)

    kind, ident = context.get(PAGE_KEY, ("", ""))
    page_title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title") or ""))  # it is HTML
    reflection = domain.reflections.get(pagename)
    if reflection is not None:
        head.append(script(posting_ld(reflection, urls, domain, domain.language_of(reflection))))
        head += opengraph(app, reflection, urls, context)
        head += alternates(reflection, domain, urls, rel)
    elif kind == "authors" and ident in domain.people:
        head.append(script(person_ld(domain.people[ident], urls, domain, context=True)))
    elif kind == "events" and ident in domain.all_events():
        head.append(script(event_ld(domain.all_events()[ident], urls, domain, context=True)))
    elif kind in ("archive", "tags", "series"):
        if kind == "archive":
            listed = domain.visible()
        elif kind == "series":
            series = domain.series_table.get(ident)
            listed = [domain.reflections[d] for d in series.parts] if series else []
        else:
            info = next((t for t in domain.tag_table.values() if t.slug == ident), None)
            listed = [domain.reflections[d] for d in info.reflections] if info else []
        if PAGING_KEY in context:  # this page's share of a paginated listing
            listed = [domain.reflections[d] for d in context[PAGING_KEY][2]]
        head.append(script(collection_ld(page_title, pagename, listed, urls)))
    if PAGING_KEY in context:
        newer, older, _shown = context[PAGING_KEY]
        for relation, target in (("prev", newer), ("next", older)):
            if target:
                uri = urls.page(target) or builder.get_relative_uri(pagename, target)
                head.append(f'<link rel="{relation}" href="{html.escape(uri)}" />\n')
    if feeds and (reflection is not None or kind):
        main = domain.page_of("", "atom") + ".xml"
        title = _("Reflections")
        head.append(_feed_link(rel(main), title))
        head.append(
            _feed_link(rel(domain.page_of("", "feed") + ".json"), title, "application/feed+json")
        )
        if kind in ("authors", "events", "tags") and ident:
            own = domain.page_of(kind, ident) + ".xml"
            head.append(_feed_link(rel(own), page_title))
        elif kind == "series":
            head.append(_feed_link(rel(domain.series_page(ident) + ".xml"), page_title))
    if head:
        context["metatags"] = context.get("metatags", "") + "".join(head)


def alternates(
    reflection: Reflection, domain: ReflectionsDomain, urls: Urls, rel: Any
) -> list[str]:
    """``<link rel="alternate" hreflang>`` for every language of a piece, itself included."""
    if not reflection.translation:
        return []
    versions = domain.translations(reflection.translation)
    if len(versions) < 2:
        return []
    links = []
    for version in versions:
        href = urls.page(version.docname) or rel(urls.builder.get_target_uri(version.docname))
        code = html.escape(domain.language_of(version))
        links.append(f'<link rel="alternate" hreflang="{code}" href="{html.escape(href)}" />\n')
    return links


def _git_dates_pages(app: Sphinx) -> bool:
    """Whether sphinx-last-updated-by-git writes each page's ``article:modified_time``."""
    return "sphinx_last_updated_by_git" in app.extensions and bool(
        getattr(app.config, "git_last_updated_metatags", False)
    )


def opengraph(
    app: Sphinx, reflection: Reflection, urls: Urls, context: dict[str, Any]
) -> list[str]:
    """``og:*`` (unless sphinxext-opengraph writes them) and ``article:*``."""
    domain = get_domain(app.env)
    image = _image(reflection, urls)
    tags: list[str] = []
    if "sphinxext.opengraph" in app.extensions:
        # hand our facts to sphinxext-opengraph through the page's fields; never mutate env data
        meta = dict(context.get("meta") or {})
        meta.setdefault("og:type", "article")
        if reflection.summary:  # else it would start with the byline's text
            meta.setdefault("og:description", reflection.summary)
        if image:
            meta.setdefault("og:image", image)
        context["meta"] = meta
    else:
        tags.append(_meta("og:type", "article"))
        tags.append(_meta("og:title", reflection.title))
        if reflection.summary:
            tags.append(_meta("og:description", reflection.summary))
        url = urls.page(reflection.docname)
        if url:
            tags.append(_meta("og:url", url))
        if image:
            tags.append(_meta("og:image", image))
        if app.config.project:
            tags.append(_meta("og:site_name", app.config.project))
    lang = lang_of(app.config, reflection.language)
    tags.append(_meta("og:locale", lang.og_locale()))
    if reflection.translation:
        for version in domain.translations(reflection.translation):
            if version.docname != reflection.docname:
                other = lang_of(app.config, domain.language_of(version))
                tags.append(_meta("og:locale:alternate", other.og_locale()))
    tags.append(_meta("article:published_time", reflection.date.isoformat()))
    if not _git_dates_pages(app):  # it writes article:modified_time on every page itself
        modified = (reflection.updated or reflection.date).isoformat()
        tags.append(_meta("article:modified_time", modified))
    for ident in reflection.authors:
        if ident in domain.people:
            tags.append(
                _meta(
                    "article:author",
                    urls.page(domain.page_of("authors", ident)) or domain.people[ident].name,
                )
            )
    if reflection.category:
        tags.append(_meta("article:section", reflection.category))
    for name in keywords(reflection, domain):
        tags.append(_meta("article:tag", name))
    return tags
