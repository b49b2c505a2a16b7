"""The showcase (docs/) with every builder a reader may get it from.

``make docs`` builds HTML with ``-W``; the same conf here builds ``dirhtml``,
``singlehtml``, ``latex``, ``text``, ``epub``, ``man`` and ``linkcheck``. Each build
must be free of warnings, and its degraded output must still name the authors, show
the dates, the event facts and the hashtags as text: no node reprs, no empty bylines,
no links to pages the builder does not write.

One class per builder, each with one test that builds once: the builds spread over the
xdist workers with ``--dist loadscope`` (each class a scope) and with plain ``-n``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from sphinx.testing.util import SphinxTestApp

from reflections_testutil import soup, warnings_of

DOCS = Path(__file__).resolve().parent.parent / "docs"
pytestmark = pytest.mark.skipif(not (DOCS / "conf.py").is_file(), reason="needs the docs/ tree")
EPOCH = "1767225600"  # 2026-01-01: the 2027 summit is upcoming, Kundresan 2023 is not

# -- what the showcase holds (docs/essays, docs/people.yml, docs/events.yml) -----------

#: docname: (title, authors with their roles as the byline shows them, the date as shown)
REFLECTIONS: dict[str, tuple[str, list[str], str]] = {
    "essays/a-spring-of-moved-dates": (
        "A spring of moved dates",
        ["Petra Lindgren, Support Team Lead"],
        "November 20, 2026",
    ),
    "essays/inviting-the-customers-customers": (
        "Why we are inviting our customers",
        ["Göran Ödqvist, VD (CEO)"],
        "November 2, 2026",
    ),
    "essays/two-dashboards": (
        "Two dashboards, one customer",
        ["Petra Lindgren, Support Team Lead", "Amira Haddad, CTO"],
        "October 6, 2025",
    ),
    "essays/the-assistant-drafts": (
        "The assistant drafts, the agent decides",
        ["Amira Haddad, CTO"],
        "February 12, 2024",
    ),
    # listed for English readers: the translation (the Swedish original is its other language)
    "essays/twenty-years-with-the-customer": (
        "Twenty years with the customer",
        ["Karin Åström, Marknadsdirektör"],
        "June 5, 2023",
    ),
    # a piece in Norwegian: its byline in Norwegian, in an English knowledge base
    "essays/nattskiftet": (
        "Det nattskiftet lærte oss",
        ["Sigrid Haugen, Teamleder kundeservice"],
        "18. mars 2024",
    ),
}


@dataclass(frozen=True)
class Event:
    """An event of docs/events.yml as its callout shows it."""

    docname: str  # a page with its callout
    name: str
    when: str
    location: str
    organizer: str
    hashtag: str
    url: str


EVENTS = [
    Event(
        "essays/twenty-years-with-the-customer",
        "Kundresan 2023",
        "May 24, 2023",
        "Stockholm",
        "Föreningen Nordisk Kundkontakt",
        "#Kundresan2023",
        "https://example.org/kundresan",
    ),
    Event(
        "essays/inviting-the-customers-customers",
        "Exempelbolaget Customer Summit 2027",
        "Mar 16\u2009–\u200917, 2027",  # Babel's interval, thin spaces included
        "Göteborg",
        "Exempelbolaget Nordic",
        "#CXSummit2027",
        "https://example.com/summit",
    ),
]

PEOPLE = {
    "karin": "Karin Åström",
    "goran": "Göran Ödqvist",
    "amira": "Amira Haddad",
    "petra": "Petra Lindgren",
    "sigrid": "Sigrid Haugen",
}
HASHTAGS = ["#Kundresan2023", "#CXSummit2027", "#Fröbageriet", "#KnowledgeManagement"]

#: Callouts of events that changed (docs/essays/a-spring-of-moved-dates.md): name -> status.
CHANGED_EVENTS = {
    "Kundresan 2026": "Cancelled",
    "Nordic CX Forum 2027": "Moved online",
    "Support Days Malmö 2027": "Rescheduled",
}

#: Only pages with event pages and calendars (html, dirhtml) show these.
PAGES_ONLY_TEXT = ["Add to calendar", "All reflections about this event", "All reflections by"]

#: A doctree node that reached the output as its repr or class name.
NODE_LEFTOVER = re.compile(
    r"<(?:reflections?_|pending_xref|inline|paragraph|system_message)|"
    r"reflections_(?:byline|author_card|compact_card|avatar|time|entry|nav|cloud|event|"
    r"upcoming|ics|listing)\b|reflection_meta|pending_xref"
)


# -- building -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    """One finished build of the showcase."""

    outdir: Path
    warnings: list[str]


def _no_network(*args: Any, **kwargs: Any) -> Any:
    """Stands in for DNS and ``connect``: an offline build fails fast instead of hanging."""
    raise OSError("the showcase builders test must not touch the network")


def _build(root: Path, builder: str, **overrides: Any) -> Build:
    """A clean build of a copy of docs/ under ``root`` (docs/ itself is never written to)."""
    src = root / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    shutil.copy(DOCS.parent / "CHANGELOG.md", root / "CHANGELOG.md")  # the manual includes it
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        mp.setattr(socket, "getaddrinfo", _no_network)
        mp.setattr(socket.socket, "connect", _no_network)
        app = SphinxTestApp(
            builder,
            srcdir=src,
            builddir=root / "_build",
            freshenv=True,
            confoverrides=overrides,
            status=StringIO(),
            warning=StringIO(),
        )
        try:
            app.build()
        finally:
            app.cleanup()
    return Build(Path(app.outdir), warnings_of(app))


# -- reading the output -------------------------------------------------------------------


def _latex_text(tex: str) -> str:
    """What a PDF reader sees of the escapes these tests look for."""
    for escaped, plain in [
        (r"\textendash{}", "–"),
        (r"\textquotesingle{}", "'"),
        (r"\sphinxhyphen{}", "-"),
        (r"\#", "#"),
        (r"\_", "_"),
    ]:
        tex = tex.replace(escaped, plain)
    return tex


def _roff_text(roff: str) -> str:
    """What ``man`` prints of the escapes these tests look for."""
    for escaped, plain in [(r"\-", "-"), (r"\(aq", "'"), (r"\%", ""), (r"\:", ""), (r"\e", "\\")]:
        roff = roff.replace(escaped, plain)
    return roff


def _fact(label: str, value: str) -> re.Pattern[str]:
    """``Location: Stockholm`` with the label in bold, as any builder writes bold."""
    return re.compile(re.escape(label) + r"[^:\n]{0,4}: " + re.escape(value))


def _before(text: str, marker: str) -> str:
    """The part of a one-file output before ``marker`` (which must be there)."""
    assert marker in text, marker
    return text.split(marker, 1)[0]


def _assert_readable(text: str, showcase: str | None = None) -> None:
    """No node reprs anywhere; nothing only page builders show in the showcase part.

    ``showcase`` is the part before the manual, whose prose may name those links.
    """
    assert not NODE_LEFTOVER.search(text), NODE_LEFTOVER.search(text)
    for label in PAGES_ONLY_TEXT:
        assert label not in (text if showcase is None else showcase), label


def _assert_callout(text: str, event: Event) -> None:
    """The event's facts, each readable, in a text rendering of its callout."""
    for fact in (event.name, event.when, event.hashtag, f"Event website: {event.url}"):
        assert fact in text, fact
    assert _fact("Location", event.location).search(text)
    assert _fact("Organizer", event.organizer).search(text)


def _assert_byline_under_title(section: str, docname: str) -> None:
    """The authors, then the date, come right under the title: the byline is not empty."""
    _title, authors, date = REFLECTIONS[docname]
    head = section[:800]
    for author in authors:
        name, role = author.split(", ", 1)
        assert name in head and role in head, (docname, author)
    assert date in head, (docname, date)
    assert max(head.index(a.split(", ")[0]) for a in authors) < head.index(date), docname


HREF = re.compile(r'\s(?:href|src)="([^"]*)"')
ID = re.compile(r'\sid="([^"]*)"')


def _broken_links(outdir: Path, pages: list[Path]) -> list[tuple[str, str]]:
    """Relative links (and their anchors) from these pages that lead nowhere.

    Sphinx writes attributes one way, so a regular expression reads them as well as a
    parser would, in a fraction of the time.
    """
    ids: dict[Path, set[str]] = {}

    def anchors(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = {html.unescape(i) for i in ID.findall(page.read_text(encoding="utf-8"))}
        return ids[page]

    broken = []
    for page in pages:
        for ref in map(html.unescape, HREF.findall(page.read_text(encoding="utf-8"))):
            parts = urlsplit(ref)
            if not ref or parts.scheme or ref.startswith("//"):
                continue
            target = page.parent / unquote(parts.path) if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or (
                parts.fragment
                and target.suffix in (".html", ".xhtml")
                and unquote(parts.fragment) not in anchors(target)
            ):
                broken.append((str(page.relative_to(outdir)), ref))
    return broken


def _html_pages(outdir: Path, suffix: str = ".html") -> list[Path]:
    """The pages the extension shapes: the home page, the essays and the generated ones."""
    pages = [outdir / f"index{suffix}", *sorted((outdir / "essays").rglob(f"*{suffix}"))]
    if (outdir / "reflections").is_dir():
        pages += sorted((outdir / "reflections").rglob(f"*{suffix}"))
    return pages


def _assert_reflection_page_html(page: Any, docname: str) -> None:
    """Byline and metadata as HTML elements (html, dirhtml, epub)."""
    title, authors, date = REFLECTIONS[docname]
    assert title in page.h1.get_text()
    byline = page.select_one(".reflections-byline")
    names = [n.get_text() for n in byline.select("address .reflections-author-name")]
    assert names == [a.split(", ")[0] for a in authors]
    assert byline.select_one("time.reflections-date").get_text() == date


def _assert_callout_html(page: Any, event: Event) -> None:
    """The event's facts in their ``aside`` (html, dirhtml, epub)."""
    box = page.select_one("aside.reflections-event")
    assert box is not None
    assert box.select_one(".reflections-event-name").get_text() == event.name
    assert box.select_one(".reflections-event-when time").get_text() == event.when
    location = box.select_one(".reflections-event-location").get_text()
    assert location == f"Location: {event.location}"
    assert box.select_one(".reflections-event-hashtag").get_text() == event.hashtag


# -- one class per builder ----------------------------------------------------------------
# Each class is one xdist scope and holds one test, which builds once and runs every
# check, so no distribution mode (load or loadscope) builds the same thing twice.


class TestHtml:
    """``make docs``: semantic elements, generated pages in the theme, no dead links."""

    def test_html(self, tmp_path: Path) -> None:
        build = _build(tmp_path, "html")
        assert build.warnings == []
        self.check_reflection_pages(build.outdir)
        self.check_author_cards(build.outdir)
        self.check_generated_pages_in_the_theme(build.outdir)
        assert _broken_links(build.outdir, _html_pages(build.outdir)) == []

    def check_reflection_pages(self, out: Path) -> None:
        for docname in REFLECTIONS:
            _assert_reflection_page_html(soup(out / f"{docname}.html"), docname)
        page = soup(out / "essays/inviting-the-customers-customers.html")
        author = page.select_one(".reflections-byline .reflections-author-name").find_parent("a")
        assert author["href"] == "../reflections/authors/goran.html"
        tag = page.select_one(".reflections-byline .reflections-hashtag").find_parent("a")
        assert tag["href"] == "../reflections/tags/cx.html"
        for event in EVENTS:
            page = soup(out / f"{event.docname}.html")
            _assert_callout_html(page, event)
            box = page.select_one("aside.reflections-event")
            assert box.select_one("a.reflections-ics")["href"].endswith(".ics")
        summit = soup(out / f"{EVENTS[1].docname}.html")
        assert summit.select_one("aside.reflections-event .reflections-upcoming")
        kundresan = soup(out / f"{EVENTS[0].docname}.html")
        assert not kundresan.select(".reflections-upcoming")

    def check_author_cards(self, out: Path) -> None:
        cards = soup(out / "essays/index.html").select("article.reflections-author-card")
        names = [c.select_one(".reflections-author-name").get_text() for c in cards]
        assert names == list(PEOPLE.values())
        more = cards[0].select_one(".reflections-author-more a")
        assert more.get_text() == "All reflections by Karin Åström"
        assert more["href"] == "../reflections/authors/karin.html"

    def check_generated_pages_in_the_theme(self, out: Path) -> None:
        person = soup(out / "reflections/authors/karin.html")
        assert person.select_one("article.reflections-author-card")
        titles = [e.get_text(" ", strip=True) for e in person.select("article.reflections-entry")]
        assert any("Twenty years with the customer" in t for t in titles)  # one version a piece

        def styles(page: Any) -> set[str]:
            return {
                Path(urlsplit(s["href"]).path).name for s in page.select("link[rel=stylesheet]")
            }

        # the same stylesheets (the theme's and ours) as a page Sphinx wrote
        assert styles(person) == styles(soup(out / "essays/index.html"))
        assert "reflections.css" in styles(person)
        event = soup(out / "reflections/events/kundresan-2023.html")
        assert event.select_one("aside.reflections-event")
        assert (out / "reflections/events/kundresan-2023.ics").is_file()
        tag = soup(out / "reflections/tags/kundresan2023.html")
        titles = [
            e.select_one(".reflections-entry-title").get_text()
            for e in tag.select("article.reflections-entry")
        ]
        assert titles == [
            REFLECTIONS["essays/the-assistant-drafts"][0],
            "Twenty years with the customer – and a day at Kundresan 2023",  # one version
        ]


class TestDirhtml:
    """Directory URLs for documents and every generated page."""

    def test_dirhtml(self, tmp_path: Path) -> None:
        build = _build(tmp_path, "dirhtml")
        assert build.warnings == []
        self.check_pages(build.outdir)

    def check_pages(self, out: Path) -> None:
        for docname in REFLECTIONS:
            _assert_reflection_page_html(soup(out / docname / "index.html"), docname)
        page = soup(out / "essays/inviting-the-customers-customers/index.html")
        author = page.select_one(".reflections-byline .reflections-author-name").find_parent("a")
        assert author["href"] == "../../reflections/authors/goran/"
        _assert_callout_html(page, EVENTS[1])
        assert (out / "reflections/authors/goran/index.html").is_file()
        assert (out / "reflections/tags/kundresan2023/index.html").is_file()
        assert _broken_links(out, _html_pages(out)) == []


class TestLinkcheck:
    """linkcheck sees the extension's links and resolves the internal ones, offline."""

    def test_linkcheck(self, tmp_path: Path) -> None:
        # every external address is ignored, so nothing goes online (and _build makes
        # sure of it); references are still collected and internal ones resolved
        build = _build(tmp_path, "linkcheck", linkcheck_ignore=[r"https?://.*"])
        assert build.warnings == []
        self.check_results(build.outdir)

    def check_results(self, out: Path) -> None:
        results = [json.loads(line) for line in (out / "output.json").read_text().splitlines()]
        assert [r for r in results if r["status"] not in ("ignored", "unchecked")] == []
        remote = {r["uri"] for r in results if r["uri"].startswith("http")}
        assert {r["uri"] for r in results if r["status"] == "ignored"} == remote
        # the extension's own links reach linkcheck: event websites and author card links
        assert {e.url for e in EVENTS} <= remote
        assert "https://www.linkedin.com/in/example-karin" in remote


class TestSinglehtml:
    """One page: no generated pages to link to, so names and tags are text."""

    def test_singlehtml(self, tmp_path: Path) -> None:
        build = _build(tmp_path, "singlehtml")
        assert build.warnings == []
        page = soup(build.outdir / "index.html")
        self.check_links(build.outdir, page)
        self.check_content(build.outdir, page)

    def check_links(self, out: Path, page: Any) -> None:
        ids = {t["id"] for t in page.find_all(id=True)}
        assert not (out / "reflections").exists()
        assert not page.select('a[href*="reflections/"]')
        ours = page.select(
            ".reflections-byline a, .reflections-entry a, .reflections-event a, "
            ".reflections-author-card a, .reflections-hashtag-cloud a"
        )
        internal = [a["href"] for a in ours if not urlsplit(a["href"]).scheme]
        # listing entries link to their section of this page, and it is there
        assert internal
        assert all(h.startswith("#") and h[1:] in ids for h in internal), internal
        # people, tags and events have no page here: their names are plain text
        names = page.select(
            ".reflections-author-name, .reflections-hashtag, .reflections-event-name"
        )
        assert len(names) > 20
        assert [n for n in names if n.find_parent("a")] == []
        # {ref} to the archive, a generated page, becomes its text
        assert "archive of all reflections" in [s.get_text() for s in page.select("span.std-ref")]

    def check_content(self, out: Path, page: Any) -> None:
        bylines = page.select(".reflections-byline")
        dates = {b.select_one("time.reflections-date").get_text() for b in bylines}
        assert {date for _t, _a, date in REFLECTIONS.values()} <= dates
        boxes = page.select("aside.reflections-event")
        assert {b.select_one(".reflections-event-name").get_text() for b in boxes} == {
            e.name for e in EVENTS
        } | set(CHANGED_EVENTS)
        for box in boxes:  # the status in words, on the one page too
            name = box.select_one(".reflections-event-name").get_text()
            badge = box.select_one(".reflections-event-status")
            assert (badge.get_text() if badge else None) == CHANGED_EVENTS.get(name)
        assert not page.select(".reflections-ics")
        srcs = {img["src"] for img in page.select("img.reflections-avatar")}
        assert srcs == {f"_reflections/avatars/{p}.svg" for p in PEOPLE}
        assert all((out / src).is_file() for src in srcs)


class TestEpub:
    """An e-book: well-formed XHTML, no links out of the book, avatars in the manifest."""

    def test_epub(self, tmp_path: Path) -> None:
        build = _build(tmp_path, "epub")
        assert build.warnings == []
        self.check_pages(build.outdir)

    def check_pages(self, out: Path) -> None:
        pages = _html_pages(out, ".xhtml")
        for path in pages:
            ET.parse(path)  # an e-book reader needs well-formed XHTML
        assert _broken_links(out, pages) == []
        for docname in REFLECTIONS:
            page = soup(out / f"{docname}.xhtml")
            _assert_reflection_page_html(page, docname)
            assert not page.select('a[href*="reflections/"], img[src^="http"]')
        for event in EVENTS:
            page = soup(out / f"{event.docname}.xhtml")
            _assert_callout_html(page, event)
            _assert_readable(page.get_text())
        manifest = (out / "content.opf").read_text()
        for person in PEOPLE:
            assert f'href="_reflections/avatars/{person}.svg"' in manifest


class TestLatex:
    """A PDF: bylines, cards and callouts as text, no remote images."""

    def test_latex(self, tmp_path: Path) -> None:
        build = _build(tmp_path, "latex")
        assert build.warnings == []
        self.check_tex(next(build.outdir.glob("*.tex")).read_text(encoding="utf-8"))

    def check_tex(self, raw: str) -> None:
        tex = _latex_text(raw)
        _assert_readable(tex, _before(tex, r"\label{\detokenize{manual/index::doc}}"))
        for docname in REFLECTIONS:
            label = rf"\label{{\detokenize{{{docname}::doc}}}}"
            assert label in tex, docname
            _assert_byline_under_title(tex.split(label, 1)[1], docname)
        for event in EVENTS:
            assert rf"\begin{{sphinxadmonition}}{{note}}{{{event.name}}}" in tex
            _assert_callout(tex, event)
        for name, status in CHANGED_EVENTS.items():  # the status in the box's title
            assert rf"\begin{{sphinxadmonition}}{{note}}{{{name} ({status})}}" in tex
        for tag in HASHTAGS:
            assert tag in tex
        assert "https://www.linkedin.com/in/example-karin" in tex
        assert r"\DUrole{reflections-author-name}{}" not in tex
        assert not re.search(r"\\sphinxincludegraphics[^\n]*\{https?:", tex)


class TestMan:
    """A man page: internal links as text, each card and entry its own paragraph."""

    def test_man(self, tmp_path: Path) -> None:
        build = _build(tmp_path, "man")
        assert build.warnings == []
        self.check_roff(next(build.outdir.glob("*.1")).read_text(encoding="utf-8"))

    def check_roff(self, roff: str) -> None:
        # internal links are text: no "<>" or "<#anchor>" after them (sphinx-doc/sphinx#14427)
        assert r"\%<>" not in roff
        assert r"\%<#" not in roff
        # cards and listing entries start paragraphs of their own
        for name in PEOPLE.values():
            assert f".sp\n\\fB{name}\\fP\n" in roff, name
        assert "\\fBTwo dashboards, one customer\\fP\n.sp\nPetra Lindgren" in roff
        assert "one customer\\fP\nPetra Lindgren" not in roff
        text = _roff_text(roff)
        _assert_readable(text, _before(text, ".SS The sphinx-reflections manual"))
        for docname, (title, _authors, _date) in REFLECTIONS.items():
            heading = re.search(rf"^\.SS {re.escape(title)}.*$", text, re.M)
            assert heading, docname
            _assert_byline_under_title(text[heading.end() :], docname)
        for event in EVENTS:
            assert f'.IP "{event.name}"' in text
            _assert_callout(text, event)
        for name, status in CHANGED_EVENTS.items():
            assert f'.IP "{name} ({status})"' in text
        for tag in HASHTAGS:
            assert tag in text
        assert "LinkedIn: https://www.linkedin.com/in/example-karin" in text


class TestText:
    """Plain text: what a terminal or a screen reader user gets."""

    def test_text(self, tmp_path: Path) -> None:
        build = _build(tmp_path, "text")
        assert build.warnings == []
        self.check_reflection_pages(build.outdir)
        self.check_event_callouts(build.outdir)
        self.check_cards_listings_and_hashtags(build.outdir)

    def check_reflection_pages(self, out: Path) -> None:
        for docname in REFLECTIONS:
            page = (out / f"{docname}.txt").read_text(encoding="utf-8")
            _assert_readable(page)
            title, authors, date = REFLECTIONS[docname]
            assert page.startswith(title)
            # title, underline, then the byline: authors on one line, the date next
            lines = [line for line in page.splitlines()[2:] if line]
            assert lines[0] == " · ".join(authors), docname
            assert lines[1].startswith(f"{date} · "), docname
        page = (out / "essays/inviting-the-customers-customers.txt").read_text(encoding="utf-8")
        assert "November 2, 2026 · 2 min read · Leadership · #CX #Events #CXSummit2027" in page

    def check_event_callouts(self, out: Path) -> None:
        for event in EVENTS:
            page = (out / f"{event.docname}.txt").read_text(encoding="utf-8")
            assert f"{event.name}:" in page
            _assert_callout(page, event)
        summit = (out / f"{EVENTS[1].docname}.txt").read_text(encoding="utf-8")
        assert f"{EVENTS[1].when} Upcoming" in summit
        assert "Upcoming" not in (out / f"{EVENTS[0].docname}.txt").read_text(encoding="utf-8")

    def check_cards_listings_and_hashtags(self, out: Path) -> None:
        essays = (out / "essays/index.txt").read_text(encoding="utf-8")
        _assert_readable(essays)
        for name in PEOPLE.values():
            assert f"**{name}**" in essays
        assert "Marknadsdirektör, Exempelbolaget Nordic" in essays
        # a link label alone cannot be followed on paper
        assert "* LinkedIn: https://www.linkedin.com/in/example-karin" in essays
        assert "* GitHub: https://github.com/example-amira" in essays
        index = (out / "index.txt").read_text(encoding="utf-8")
        _assert_readable(index)
        assert "* **Two dashboards, one customer**" in index
        assert "Petra Lindgren, Support Team Lead · Amira Haddad, CTO" in index
        for tag in HASHTAGS:
            assert f"* {tag} (" in index, tag
