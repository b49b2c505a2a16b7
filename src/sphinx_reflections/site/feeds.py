"""Atom 1.0 and JSON Feed 1.1, written with the standard library.

Feeds need absolute URLs, so they are only written when ``html_baseurl`` is
set. Everything in them comes from the content, never from the clock, so
two builds of the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

from docutils import nodes
from docutils.languages import get_language
from sphinx.locale import admonitionlabels

from .. import nodes as rnodes
from ..compat import prepare_partial, resolved_doctree
from ..config import get_config
from ..domain import Reflection, ReflectionsDomain, get_domain, page_builder
from ..files import write_if_changed
from ..i18n import _
from ..text import tag_key
from ..urls import image_target, is_remote
from ..warnings_ import ReflectionsWarning, config_location, warn
from . import cache

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

    from .cache import WriteState

ATOM = "http://www.w3.org/2005/Atom"
GENERATOR = "sphinx-reflections"


def stamp(when: dt.date) -> str:
    """RFC 3339 in UTC; a date is its midnight."""
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{when.isoformat()}T00:00:00Z"


def absolute(builder: StandaloneHTMLBuilder, pagename: str) -> str:
    return posixpath.join(builder.config.html_baseurl, builder.get_target_uri(pagename))


_URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')


def absolutize(html: str, page_url: str) -> str:
    """Relative links and images made absolute, as a feed reader needs them."""

    def fix(match: re.Match[str]) -> str:
        value = match.group(2)
        if not value or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            return match.group(0)
        return f'{match.group(1)}="{urljoin(page_url, value)}"'

    return _URL_ATTR.sub(fix, html)


def _generic_admonitions(tree: nodes.Node, language: str) -> None:
    """Admonitions Docutils has no label for (``seealso``, ``todo``) as titled generic ones.

    Rendering a fragment runs Docutils' writer transforms, which give every
    specific admonition the title of its Docutils label, and fail on a
    Sphinx or extension admonition that has none.
    """
    labels = get_language(language or "en").labels
    for node in list(tree.findall(nodes.Element)):
        name = node.__class__.__name__
        if not isinstance(node, nodes.Admonition) or isinstance(node, nodes.admonition):
            continue
        if name in labels:
            continue
        generic = nodes.admonition(node.rawsource, *node.children, **node.attributes)
        label = admonitionlabels.get(name) or admonitionlabels.get(name.removesuffix("_node"))
        generic.insert(0, nodes.title("", str(label or name)))
        generic["classes"].append(name)
        node.replace_self(generic)


def render_body(builder: StandaloneHTMLBuilder, doctree: nodes.document, docname: str) -> str:
    """A resolved reflection's body as feed HTML: no title, no byline, absolute links."""
    for node in list(doctree.findall(rnodes.reflections_byline)):
        node.parent.remove(node)
    _generic_admonitions(doctree, builder.config.language)
    prepare_partial(builder, docname)
    builder.post_process_images(doctree)
    parts = []
    for section in doctree.children:
        if (
            isinstance(section, nodes.section)
            and section.children
            and isinstance(section[0], nodes.title)
        ):
            section.remove(section[0])  # the feed entry has the title
        parts.append(builder.render_partial(section)["fragment"])
    return absolutize("".join(parts).strip(), absolute(builder, docname))


def content_key(app: Sphinx, docname: str, site: str) -> str:
    """When a feed entry's HTML must be rendered again: its doctree or the site changed."""
    try:
        stat = (Path(app.doctreedir) / f"{docname}.doctree").stat()
    except OSError:
        return ""
    return cache.digest(site, stat.st_mtime_ns, stat.st_size)


def _store(app: Sphinx, docname: str, key: str, html: str) -> None:
    cache.write_stored(app, "feed", docname, {"key": key, "html": html})


def capture(
    app: Sphinx, pagename: str, _template: str, _context: Any, doctree: nodes.document | None
) -> None:
    """``html-page-context`` (last): keep a reflection's feed HTML while Sphinx writes its page.

    The document is resolved for its own page anyway, and with ``-j`` this runs
    in the worker that writes it; the HTML goes next to the doctrees, where the
    feeds (and later builds, until the doctree changes) pick it up.
    """
    domain = get_domain(app.env)
    if (
        doctree is None
        or not app.config.html_baseurl
        or pagename not in domain.reflections
        or not page_builder(app.builder)
    ):
        return
    key = content_key(app, pagename, cache.site_key(app, domain))
    if key:
        html = render_body(app.builder, doctree.deepcopy(), pagename)  # type: ignore[arg-type]
        _store(app, pagename, key, html)


class Renderer:
    """Each reflection's feed HTML once per build: captured, stored or rendered now."""

    def __init__(self, app: Sphinx, site: str) -> None:
        self.app = app
        self.builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
        self.site = site
        self.cache: dict[str, str] = {}
        self.keys: dict[str, str] = {}

    def key(self, docname: str) -> str:
        if docname not in self.keys:
            self.keys[docname] = content_key(self.app, docname, self.site)
        return self.keys[docname]

    def content(self, docname: str) -> str:
        if docname not in self.cache:
            key = self.key(docname)
            stored = cache.read_stored(self.app, "feed", docname)
            if key and stored.get("key") == key:
                self.cache[docname] = stored["html"]
            else:
                self.cache[docname] = html = self._render(docname)
                if key:
                    _store(self.app, docname, key, html)
        return self.cache[docname]

    def _render(self, docname: str) -> str:
        doctree = resolved_doctree(self.builder.env, docname, self.builder)
        return render_body(self.builder, doctree, docname)


def _updated(entries: list[Reflection], domain: ReflectionsDomain) -> dt.date:
    dates = [r.updated or r.date for r in entries] or [
        r.updated or r.date for r in domain.visible()
    ]
    return max(dates) if dates else dt.date(1970, 1, 1)


def atom(
    title: str,
    feed_url: str,
    page_url: str,
    entries: list[Reflection],
    domain: ReflectionsDomain,
    renderer: Renderer,
) -> bytes:
    """An Atom 1.0 document."""
    ET.register_namespace("", ATOM)
    builder = renderer.builder
    feed = ET.Element(
        f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": _lang(builder)}
    )

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "title", title)
    sub(feed, "id", feed_url)
    sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    sub(feed, "updated", stamp(_updated(entries, domain)))
    sub(feed, "generator", GENERATOR)
    for reflection in entries:
        url = absolute(builder, reflection.docname)
        entry = sub(feed, "entry")
        sub(entry, "title", reflection.title)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "id", url)
        sub(entry, "published", stamp(reflection.date))
        sub(entry, "updated", stamp(reflection.updated or reflection.date))
        for person in _people(reflection, domain, builder):
            author = sub(entry, "author")
            sub(author, "name", person["name"])
            sub(author, "uri", person["url"])
        for term, label in _categories(reflection, domain):
            sub(entry, "category", term=term, label=label)
        if reflection.summary:
            sub(entry, "summary", reflection.summary, type="text")
        sub(entry, "content", renderer.content(reflection.docname), type="html")
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def json_feed(
    title: str,
    feed_url: str,
    page_url: str,
    entries: list[Reflection],
    domain: ReflectionsDomain,
    renderer: Renderer,
) -> bytes:
    """A JSON Feed 1.1 document."""
    builder = renderer.builder
    items = []
    for reflection in entries:
        url = absolute(builder, reflection.docname)
        item: dict[str, Any] = {
            "id": url,
            "url": url,
            "title": reflection.title,
            "content_html": renderer.content(reflection.docname),
            "date_published": stamp(reflection.date),
            "date_modified": stamp(reflection.updated or reflection.date),
            "authors": _people(reflection, domain, builder),
            "tags": [label for _term, label in _categories(reflection, domain)],
        }
        if reflection.summary:
            item["summary"] = reflection.summary
        if reflection.image:
            item["image"] = _image_url(builder, reflection.image)
        items.append(item)
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": page_url,
        "feed_url": feed_url,
        "language": _lang(builder),
        "items": items,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _lang(builder: StandaloneHTMLBuilder) -> str:
    return (builder.config.language or "en").replace("_", "-")


def _image_url(builder: StandaloneHTMLBuilder, image: str) -> str:
    if is_remote(image):
        return image
    return posixpath.join(builder.config.html_baseurl, image_target(image))


def _people(
    reflection: Reflection, domain: ReflectionsDomain, builder: StandaloneHTMLBuilder
) -> list[dict[str, str]]:
    return [
        {
            "name": domain.people[ident].name,
            "url": absolute(builder, domain.page_of("authors", ident)),
        }
        for ident in reflection.authors
        if ident in domain.people
    ]


def _categories(reflection: Reflection, domain: ReflectionsDomain) -> list[tuple[str, str]]:
    found = []
    for tag in reflection.tags:
        info = domain.tag_info(tag_key(tag))
        name = info.name if info else tag
        found.append((tag_key(name), name))
    if reflection.category:
        found.append((reflection.category, reflection.category))
    return found


def feed_pages(app: Sphinx) -> list[tuple[str, str, list[Reflection]]]:
    """(feed pagename without suffix, title, entries) of every Atom feed."""
    domain = get_domain(app.env)
    cfg = get_config(app)
    length = cfg.feed_length
    project = app.config.project
    prefix = f"{project} – " if project else ""
    feeds = [(domain.page_of("", "atom"), prefix + _("Reflections"), domain.visible()[:length])]
    for info in sorted(domain.tag_table.values(), key=lambda t: t.key):
        entries = [domain.reflections[d] for d in info.reflections]
        feeds.append((domain.page_of("tags", info.slug), f"{prefix}#{info.name}", entries[:length]))
    for ident in sorted(domain.people):
        feeds.append(
            (
                domain.page_of("authors", ident),
                prefix + domain.people[ident].name,
                domain.by_author(ident)[:length],
            )
        )
    for ident, event in sorted(domain.all_events().items()):
        feeds.append(
            (
                domain.page_of("events", ident),
                prefix + event.name,
                domain.about_event(ident)[:length],
            )
        )
    return feeds


def write_feeds(app: Sphinx, outdir: Path, state: WriteState, site: str) -> None:
    """Every feed, when ``html_baseurl`` makes absolute URLs possible."""
    domain = get_domain(app.env)
    if not app.config.html_baseurl:
        if domain.reflections:
            warn(
                ReflectionsWarning.FEED,
                "html_baseurl is not set, so no feeds are written (feeds need absolute URLs); "
                "set it to the address the site is published at",
                config_location(app.confdir, "html_baseurl"),
            )
        return
    renderer = Renderer(app, site)
    builder = renderer.builder
    written: dict[str, str] = {}
    for pagename, title, entries in feed_pages(app):
        is_main = pagename.endswith("/atom") or pagename == "atom"
        page = domain.page_of("", "index") if is_main else pagename
        atom_name = pagename + ".xml"
        json_name = domain.page_of("", "feed") + ".json"
        files = [outdir / atom_name] + ([outdir / json_name] if is_main else [])
        # the same entries with the same bodies, in the same site: the files stand
        fingerprint = cache.digest(
            site, title, _updated(entries, domain), [(r, renderer.key(r.docname)) for r in entries]
        )
        written[pagename] = fingerprint
        if state.feeds.get(pagename) == fingerprint and all(f.is_file() for f in files):
            continue
        feed_url = posixpath.join(app.config.html_baseurl, atom_name)
        data = atom(title, feed_url, absolute(builder, page), entries, domain, renderer)
        write_if_changed(outdir / atom_name, data)
        if is_main:
            json_url = posixpath.join(app.config.html_baseurl, json_name)
            write_if_changed(
                outdir / json_name,
                json_feed(title, json_url, absolute(builder, page), entries, domain, renderer),
            )
    state.feeds = written
