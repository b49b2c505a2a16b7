"""Atom 1.0 and JSON Feed 1.1, written with the standard library.

Feeds need absolute URLs, so they are only written when ``html_baseurl`` is
set. Everything in them comes from the content, never from the clock, so
two builds of the same sources give the same bytes.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
import html
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
from sphinx.util.osutil import relative_uri

from .. import nodes as rnodes
from ..compat import prepare_partial, resolved_doctree
from ..config import get_config
from ..domain import ReflectionsDomain, get_domain, page_builder
from ..files import write_if_changed
from ..i18n import _, lang_of
from ..metadata import keywords
from ..records import Reflection
from ..text import tag_key
from ..urls import image_target, is_remote
from ..warnings_ import ReflectionsWarning, config_location, warn
from . import cache

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

    from .cache import WriteState

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR = "sphinx-reflections"
STYLESHEET = Path(__file__).with_name("feed.xsl")


def stamp(when: dt.date) -> str:
    """RFC 3339 in UTC; a date is its midnight."""
    if isinstance(when, dt.datetime):
        return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{when.isoformat()}T00:00:00Z"


def absolute(builder: StandaloneHTMLBuilder, pagename: str) -> str:
    return posixpath.join(builder.config.html_baseurl, builder.get_target_uri(pagename))


#: A link's or image's address (after whitespace, as in any HTML, raw HTML in a page too;
#: three times faster to look for than after ``\b``).
_URL_ATTR = re.compile(r'(\s(?:href|src))="([^"]*)"')


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
    for block in list(doctree.findall(rnodes.reflections_element)):  # series line, related
        if {"reflections-series", "reflections-related"} & set(block["classes"]):
            block.parent.remove(block)
    for spot in list(doctree.findall(rnodes.reflections_related_spot)):  # made when written
        spot.parent.remove(spot)
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


_TITLE = re.compile(r"<h1\b[^>]*>.*?</h1>\n?", re.S)
_BYLINE = re.compile(r'<div class="reflections-byline\b[^"]*"[^>]*>.*?</div>\n?', re.S)
#: the series line and related reflections: navigation on the site, not part of the piece
_NAVIGATION = re.compile(
    r'<nav\b[^>]*\bclass="reflections-(?:series|related)\b[^"]*"[^>]*>.*?</nav>\n?', re.S
)


def cut_body(body: str, page_url: str) -> str:
    """A rendered page body as feed HTML: no title, no byline, absolute links.

    The same HTML as :func:`render_body` gives, cut from what Sphinx already
    rendered for the page instead of rendering the document a second time:
    top-level section titles are the only ``h1`` in a body, and a byline
    holds no ``div`` of its own.
    """
    body = _NAVIGATION.sub("", _BYLINE.sub("", _TITLE.sub("", body)))
    return absolutize(body.strip(), page_url)


def content_key(app: Sphinx, docname: str, site: str) -> str:
    """When a feed entry's HTML must be made again: its doctree, its links or the site changed."""
    try:
        stat = (Path(app.doctreedir) / f"{docname}.doctree").stat()
    except OSError:
        return ""
    links = get_domain(app.env).link_targets(docname)
    return cache.digest(site, stat.st_mtime_ns, stat.st_size, links)


def kept_html(app: Sphinx) -> cache.Kept:
    """Each reflection's feed HTML as earlier builds and this one's writers kept it."""
    return get_domain(app.env).remember(
        ("kept", "feed", app.builder.name), lambda: cache.Kept(app, "feed")
    )


def _store(app: Sphinx, docname: str, key: str, html: str) -> None:
    kept_html(app).put(docname, {"key": key, "html": html})


def capture(
    app: Sphinx, pagename: str, _template: str, context: Any, doctree: nodes.document | None
) -> None:
    """``html-page-context`` (last): keep a reflection's feed HTML while Sphinx writes its page.

    Cut from the body Sphinx just rendered for the page, so nothing is
    rendered twice; with ``-j`` this runs in the worker that writes it. The
    HTML goes next to the doctrees, where the feeds (and later builds, until
    the doctree changes) pick it up.
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
    body = context.get("body") if isinstance(context, dict) else None
    if key and isinstance(body, str):
        _store(app, pagename, key, cut_body(body, absolute(app.builder, pagename)))  # type: ignore[arg-type]


class Renderer:
    """Each reflection's feed HTML once per build: captured, stored or rendered now."""

    def __init__(self, app: Sphinx, site: str) -> None:
        self.app = app
        self.builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
        self.site = site
        self.cache: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.entries: dict[tuple[str, str], bytes] = {}  # (docname, xml:lang) -> <entry>

    def key(self, docname: str) -> str:
        if docname not in self.keys:
            self.keys[docname] = content_key(self.app, docname, self.site)
        return self.keys[docname]

    def content(self, docname: str) -> str:
        if docname not in self.cache:
            key = self.key(docname)
            stored = kept_html(self.app).get(docname)
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

    def atom_entry(self, reflection: Reflection, lang: str, domain: ReflectionsDomain) -> bytes:
        """A piece's Atom entry, serialized once per build whatever the feeds it is in."""
        key = (reflection.docname, lang)
        if key not in self.entries:
            self.entries[key] = atom_entry(reflection, lang, domain, self)
        return self.entries[key]


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
    language: str = "",
    stylesheet: str = "",
) -> bytes:
    """An Atom 1.0 document (``language``: the feed's, else the project's).

    With ``stylesheet`` (a URL), browsers show it through that XSLT.
    """
    ET.register_namespace("", ATOM)
    builder = renderer.builder
    lang = language or _lang(builder)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: lang})
    _sub(feed, "title", title)
    _sub(feed, "id", feed_url)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    _sub(feed, "updated", stamp(_updated(entries, domain)))
    _sub(feed, "generator", GENERATOR)
    ET.indent(feed)
    head: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    # the entries go where the indented feed closes, each on a line of its own
    end = b"\n</feed>"
    parts = [head.removesuffix(end)]
    for reflection in entries:
        own = domain.language_of(reflection)
        marked = (
            own if own.casefold() != lang.casefold() else ""
        )  # another language than the feed's
        parts.append(b"\n  " + renderer.atom_entry(reflection, marked, domain))
    data = b"".join(parts) + end
    if stylesheet:
        declaration, _newline, rest = data.partition(b"\n")
        instruction = f'<?xml-stylesheet type="text/xsl" href="{html.escape(stylesheet)}"?>'
        data = b"\n".join([declaration, instruction.encode("utf-8"), rest])
    return data + b"\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def atom_entry(
    reflection: Reflection, lang: str, domain: ReflectionsDomain, renderer: Renderer
) -> bytes:
    """One ``<entry>`` as it reads inside an indented feed (``lang``: its own, when not the
    feed's): the same in every feed that carries the piece, so made once per build."""
    ET.register_namespace("", ATOM)
    builder = renderer.builder
    url = absolute(builder, reflection.docname)
    entry = ET.Element(f"{{{ATOM}}}entry")
    if lang:
        entry.set(XML_LANG, lang)
    _sub(entry, "title", reflection.title)
    _sub(entry, "link", rel="alternate", type="text/html", href=url)
    _sub(entry, "id", url)
    _sub(entry, "published", stamp(reflection.date))
    _sub(entry, "updated", stamp(reflection.updated or reflection.date))
    for person in _people(reflection, domain, builder):
        author = _sub(entry, "author")
        _sub(author, "name", person["name"])
        _sub(author, "uri", person["url"])
    for term, label in _categories(reflection, domain):
        _sub(entry, "category", term=term, label=label)
    if reflection.summary:
        _sub(entry, "summary", reflection.summary, type="text")
    _sub(entry, "content", renderer.content(reflection.docname), type="html")
    ET.indent(entry, level=1)
    text = ET.tostring(entry, encoding="unicode")
    # alone, the entry declares the feed's namespace, which its feed already does: the
    # declaration is the first attribute of its opening tag
    return text.replace(f' xmlns="{ATOM}"', "", 1).encode("utf-8")


def stylesheet(app: Sphinx) -> bytes:
    """The feeds' XSLT stylesheet, with the site's name and labels in its language."""
    project = app.config.project or ""
    labels = {
        "SITE": project,
        "FEED": _("web feed"),
        "WHAT": _("This is a web feed"),
        "EXPLAIN": _(
            "Subscribe to it and new reflections come to you: a feed reader (Feedly, "
            "Inoreader, NetNewsWire, Thunderbird or Outlook, among many) checks it for "
            "you and shows what is new, so you do not have to visit the site to find out."
        ),
        "COPY": _("Copy the address of this feed:"),
        "PASTE": _("In your feed reader, choose “Add feed” or “Subscribe”, and paste the address."),
        "NOTHING": _(
            "Nothing is installed and nobody learns who you are: your reader fetches the "
            "feed like any page."
        ),
        "ON_SITE": _("Read them on the site"),
        "NEWEST": _("Newest in this feed"),
        "EMPTY": _("Nothing here yet."),
        "FOOTER": _("A feed of %s, shown as a page for your browser.")
        % (project or _("this site")),
    }
    text = STYLESHEET.read_text(encoding="utf-8")
    for name, value in labels.items():
        text = text.replace(f"@@{name}@@", html.escape(value, quote=False))
    return text.encode("utf-8")


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
    """(term, label) of the piece's tags and category, each once whatever its case."""
    found = [(tag_key(name), name) for name in keywords(reflection, domain)]
    if reflection.category and tag_key(reflection.category) not in {t for t, _l in found}:
        found.append((reflection.category, reflection.category))
    return found


@dc.dataclass(frozen=True)
class Feed:
    """One Atom feed: its file (pagename without ``.xml``), title, entries, page and language."""

    pagename: str
    title: str
    entries: list[Reflection]
    page: str  # the HTML page the feed is the feed of
    language: str = ""  # a feed of one language's pieces; "" for the project's


def feed_pages(app: Sphinx) -> list[Feed]:
    """Every Atom feed: the site's, one per tag, person and event, one per language.

    Of pieces that translate one another, a feed carries one version
    (``reflections_listed_translations``); a language's feed carries every
    piece in that language, and exists when the site has more than one.
    """
    domain = get_domain(app.env)
    cfg = get_config(app)
    length = cfg.feed_length
    project = app.config.project
    prefix = f"{project} – " if project else ""
    feeds = [
        Feed(
            domain.page_of("", "atom"),
            prefix + _("Reflections"),
            domain.listed(domain.visible())[:length],
            domain.index_of(""),
        )
    ]
    for info in sorted(domain.tag_table.values(), key=lambda t: t.key):
        entries = domain.listed([domain.reflections[d] for d in info.reflections])
        page = domain.page_of("tags", info.slug)
        feeds.append(Feed(page, f"{prefix}#{info.name}", entries[:length], page))
    for ident in sorted(domain.people):
        page = domain.page_of("authors", ident)
        entries = domain.listed(domain.by_author(ident))
        feeds.append(Feed(page, prefix + domain.people[ident].name, entries[:length], page))
    for ident, event in sorted(domain.all_events().items()):
        page = domain.page_of("events", ident)
        entries = domain.listed(domain.about_event(ident))
        feeds.append(Feed(page, prefix + event.name, entries[:length], page))
    codes = domain.languages()
    if len(codes) > 1:
        for code in codes:
            entries = [r for r in domain.visible() if domain.language_of(r) == code]
            name = lang_of(app.config, code).name()
            feeds.append(
                Feed(
                    domain.language_feed(code),
                    f"{prefix}{_('Reflections')} ({name})",
                    entries[:length],
                    domain.index_of(""),
                    code,
                )
            )
    for key, series in sorted(domain.series_table.items()):
        page = domain.series_page(key)
        parts = [domain.reflections[d] for d in reversed(series.parts)]  # newest first
        feeds.append(Feed(page, prefix + series.name, parts[:length], page))
    return feeds


def write_feeds(
    app: Sphinx, outdir: Path, state: WriteState, site: str, quiet: bool = False
) -> None:
    """Every feed, when ``html_baseurl`` makes absolute URLs possible.

    ``quiet``: nothing a feed shows changed since the last build (see
    :func:`.pages.write_generated_pages`); only files gone from the output
    are a reason to look at the feeds one by one.
    """
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
    xsl = domain.page_of("", "feed") + ".xsl" if get_config(app).feed_stylesheet else ""
    if xsl:
        write_if_changed(outdir / xsl, stylesheet(app))
    main = domain.page_of("", "atom")
    if quiet:
        last = [outdir / f"{name}.xml" for name in state.feeds]  # the last build's files
        if main in state.feeds:
            last.append(outdir / (domain.page_of("", "feed") + ".json"))
        if all(f.is_file() for f in last):
            kept_html(app).save(domain.reflections)
            return
    prints: dict[str, str] = {}  # docname -> what its entry shows, once for every feed

    def entry_print(r: Reflection) -> str:
        if r.docname not in prints:
            prints[r.docname] = cache.digest(
                r, _people(r, domain, builder), _categories(r, domain), renderer.key(r.docname)
            )
        return prints[r.docname]

    for feed in feed_pages(app):
        pagename, title, entries, page = feed.pagename, feed.title, feed.entries, feed.page
        is_main = pagename == main
        atom_name = pagename + ".xml"
        json_name = domain.page_of("", "feed") + ".json"
        files = [outdir / atom_name] + ([outdir / json_name] if is_main else [])
        # the same entries with the same bodies, in the same site: the files stand
        fingerprint = cache.digest(
            site,
            title,
            feed.language,
            _updated(entries, domain),
            [entry_print(r) for r in entries],
        )
        written[pagename] = fingerprint
        if state.feeds.get(pagename) == fingerprint and all(f.is_file() for f in files):
            continue
        feed_url = posixpath.join(app.config.html_baseurl, atom_name)
        style = relative_uri(atom_name, xsl) if xsl else ""
        data = atom(
            title,
            feed_url,
            absolute(builder, page),
            entries,
            domain,
            renderer,
            feed.language,
            style,
        )
        write_if_changed(outdir / atom_name, data)
        if is_main:
            json_url = posixpath.join(app.config.html_baseurl, json_name)
            write_if_changed(
                outdir / json_name,
                json_feed(title, json_url, absolute(builder, page), entries, domain, renderer),
            )
    state.feeds = written
    kept_html(app).save(domain.reflections)
