"""Other sites link to people, tags, events and series through intersphinx; feeds in a browser."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import feedparser
import pytest

from reflections_testutil import copy_root, soup, warnings_of

pytestmark = pytest.mark.usefixtures("build_date")

BASE = "https://kb.example.com/"


def inventory(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(type, name) -> (uri, shown as) of every entry of an objects.inv."""
    data = path.read_bytes()
    header_end = 0
    for _line in range(4):  # four lines of header, then zlib
        header_end = data.index(b"\n", header_end) + 1
    found = {}
    for line in zlib.decompress(data[header_end:]).decode("utf-8").splitlines():
        name, kind, _prio, uri, shown = line.split(" ", 4)
        found[kind, name] = (uri, shown)
    return found


@pytest.fixture
def kb(make_app: Any, tmp_path: Path) -> Any:
    """The test-reader site, built as html: its objects.inv is what other sites map."""
    app = make_app("html", srcdir=copy_root("reader", tmp_path, "kb"))
    app.build()
    return app


def test_people_tags_events_and_series_are_in_the_inventory(kb) -> None:
    found = inventory(kb.outdir / "objects.inv")
    ours = {key: value for key, value in found.items() if key[0].startswith("reflections:")}
    assert ours[("reflections:person", "anna")] == ("reflections/authors/anna.html", "Anna Berg")
    assert ours[("reflections:event", "forum-2024")] == (
        "reflections/events/forum-2024.html",
        "CX Forum 2024",
    )
    assert ours[("reflections:series", "complaints")] == (
        "reflections/series/complaints.html",
        "A month of complaints",
    )
    # tags by identity, shown with their spelling
    assert ours[("reflections:tag", "billing")] == ("reflections/tags/billing.html", "#Billing")
    assert {kind for kind, _name in ours} == {
        "reflections:person",
        "reflections:tag",
        "reflections:event",
        "reflections:series",
    }
    # the {ref} labels of the generated pages were there already, and stay
    assert found[("std:label", "reflections-author-anna")][0] == "reflections/authors/anna.html"


@pytest.mark.sphinx("dirhtml", testroot="reader")
def test_inventory_with_dirhtml(app) -> None:
    app.build()
    found = inventory(app.outdir / "objects.inv")
    assert found[("reflections:person", "anna")][0] == "reflections/authors/anna/"


@pytest.mark.sphinx("singlehtml", testroot="reader")
def test_no_objects_where_there_are_no_pages(app) -> None:
    app.build()
    found = inventory(app.outdir / "objects.inv")
    assert not [key for key in found if key[0].startswith("reflections:")]


OTHER_PAGE = """\
# Another team's handbook

Ask {external+kb:reflections:person}`anna` or
{reflections:person}`Omar <omar>`; read everything tagged
{reflections:tag}`#billing` and {external:reflections:tag}`BILLING`, the pieces from
{reflections:event}`forum-2024`, the series {reflections:series}`Complaints`, and
{external+kb:ref}`reflections-author-lena`.
"""


def _other_site(make_app: Any, tmp_path: Path, kb: Any, extension: str, extra: str = "") -> Any:
    src = tmp_path / f"other-{extension}"
    src.mkdir()
    (src / "conf.py").write_text(
        f'extensions = ["myst_parser", "sphinx.ext.intersphinx", "{extension}"]\n'
        f'intersphinx_mapping = {{"kb": ("{BASE}", "{kb.outdir / "objects.inv"}")}}\n'
        'exclude_patterns = ["_build"]\n' + extra,
        encoding="utf-8",
    )
    (src / "index.md").write_text(OTHER_PAGE, encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    return app


def _links(app: Any) -> list[tuple[str, str]]:
    page = soup(app.outdir / "index.html")
    return [(a.get_text(), a["href"]) for a in page.select("section p a.reference.external")]


EXPECTED = [
    ("Anna Berg", f"{BASE}reflections/authors/anna.html"),
    ("Omar", f"{BASE}reflections/authors/omar.html"),
    ("#Billing", f"{BASE}reflections/tags/billing.html"),
    ("#Billing", f"{BASE}reflections/tags/billing.html"),
    ("CX Forum 2024", f"{BASE}reflections/events/forum-2024.html"),
    ("A month of complaints", f"{BASE}reflections/series/complaints.html"),
    ("Lena Ek", f"{BASE}reflections/authors/lena.html"),
]


def test_a_site_without_reflections_links_to_them(make_app, tmp_path, kb) -> None:
    """``sphinx_reflections.links`` brings the roles and nothing else (no archive, no feeds)."""
    other = _other_site(make_app, tmp_path, kb, "sphinx_reflections.links")
    assert warnings_of(other) == []
    assert _links(other) == EXPECTED
    assert not (other.outdir / "reflections").exists()


def test_a_site_with_reflections_of_its_own_links_to_another(make_app, tmp_path, kb) -> None:
    other = _other_site(
        make_app,
        tmp_path,
        kb,
        "sphinx_reflections",
        'reflections_authors = {"sam": {"name": "Sam"}}\nsuppress_warnings = ["reflections.feed"]\n',
    )
    assert warnings_of(other) == []
    assert _links(other) == EXPECTED


def test_an_unknown_target_is_reported(make_app, tmp_path, kb) -> None:
    src = tmp_path / "other"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx.ext.intersphinx", "sphinx_reflections.links"]\n'
        f'intersphinx_mapping = {{"kb": ("{BASE}", "{kb.outdir / "objects.inv"}")}}\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text("# X\n\n{reflections:person}`nobody`\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    (warning,) = warnings_of(app)
    assert "reflections:person reference target not found: nobody" in warning


def test_our_own_people_never_link_to_another_site(make_app, tmp_path, kb) -> None:
    """Where a site has no page for its own person (a PDF), the name stays text.

    The other site has someone with the same id; intersphinx must not send the
    link there.
    """
    src = copy_root("reader", tmp_path, "pdf")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(
            'extensions.append("sphinx.ext.intersphinx")\n'
            f'intersphinx_mapping = {{"kb": ("{BASE}other/", "{kb.outdir / "objects.inv"}")}}\n'
        )
    app = make_app("singlehtml", srcdir=src)
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert f"{BASE}other/" not in page
    assert "Anna Berg" in page


# -- feeds in a browser ---------------------------------------------------------------------


def test_feeds_carry_the_stylesheet_and_readers_do_not_mind(make_app, tmp_path, kb) -> None:
    atom = kb.outdir / "reflections" / "atom.xml"
    tag = kb.outdir / "reflections" / "tags" / "billing.xml"
    assert atom.read_text().splitlines()[1] == (
        '<?xml-stylesheet type="text/xsl" href="feed.xsl"?>'
    )
    assert '<?xml-stylesheet type="text/xsl" href="../feed.xsl"?>' in tag.read_text()
    plain = make_app(
        "html",
        srcdir=copy_root("reader", tmp_path, "plain"),
        confoverrides={"reflections_feed_stylesheet": False},
    )
    plain.build()
    bare = plain.outdir / "reflections" / "atom.xml"
    assert "xml-stylesheet" not in bare.read_text()
    assert not (plain.outdir / "reflections" / "feed.xsl").exists()
    styled, unstyled = feedparser.parse(atom.read_bytes()), feedparser.parse(bare.read_bytes())
    assert not styled.bozo and not unstyled.bozo
    assert styled.feed.title == unstyled.feed.title
    assert [(e.id, e.title, e.summary, e.content[0].value) for e in styled.entries] == [
        (e.id, e.title, e.summary, e.content[0].value) for e in unstyled.entries
    ]


def test_the_stylesheet_turns_a_feed_into_a_page(kb) -> None:
    etree = pytest.importorskip("lxml.etree")
    folder = kb.outdir / "reflections"
    transform = etree.XSLT(etree.parse(str(folder / "feed.xsl")))
    page = soup_of(str(transform(etree.parse(str(folder / "tags" / "billing.xml")))))
    assert page.html["lang"] == "en"
    assert page.select_one("header").get_text(strip=True) == "Reader test"
    assert page.select_one("h1").get_text() == "Reader test – #Billing"
    assert page.select_one("#about-feeds").get_text() == "This is a web feed"
    assert page.select_one(".about code").get_text() == f"{BASE}reflections/tags/billing.xml"
    back = page.select_one(".about a")
    assert back["href"] == f"{BASE}reflections/tags/billing.html"
    entries = page.select("ol.entries > li")
    assert [li.select_one("h3 a").get_text() for li in entries] == [
        "A note on billing",
        "What they had in common",
        "Reading every complaint",
        "At the forum",
    ]
    first = entries[0]
    assert first.select_one("h3 a")["href"] == f"{BASE}essays/a4.html"
    assert first.select_one("time")["datetime"] == "2024-04-01"
    assert first.select_one(".meta").get_text(" ", strip=True) == "2024-04-01 · Lena Ek"
    assert first.select_one(".summary").get_text() == "A note on billing."


def test_the_stylesheet_speaks_the_sites_language(make_app, tmp_path) -> None:
    # a name that XML comments and markup could trip over
    project = "Kunskap -- <&> på svenska"
    app = make_app(
        "html",
        srcdir=copy_root("reader", tmp_path, "sv"),
        confoverrides={"language": "sv", "project": project},
    )
    app.build()
    text = (app.outdir / "reflections" / "feed.xsl").read_text(encoding="utf-8")
    assert "Det här är ett flöde" in text
    etree = pytest.importorskip("lxml.etree")
    transform = etree.XSLT(etree.fromstring(text.encode("utf-8")))
    page = soup_of(str(transform(etree.parse(str(app.outdir / "reflections" / "atom.xml")))))
    assert page.select_one("header").get_text(strip=True) == project
    assert page.select_one("#about-feeds").get_text() == "Det här är ett flöde"


def soup_of(html: str) -> Any:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")
