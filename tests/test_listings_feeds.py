"""The reflections directive, feeds, JSON-LD and OpenGraph."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from reflections_testutil import copy_root, edit, soup, warnings_of

pytestmark = pytest.mark.usefixtures("build_date")


def _titles(block) -> list[str]:
    return [a.get_text() for a in block.select(".reflections-entry-title a")]


@pytest.mark.sphinx("html", testroot="events")
def test_listing_filters(app) -> None:
    app.build()
    page = soup(app.outdir / "listings.html")
    assert _titles(page.select_one(".all")) == ["By callout", "By hashtag", "By metadata"]
    grid = page.select_one(".by-jenny")
    assert "sd-container-fluid" in grid["class"] and grid.select_one(
        ".sd-row .sd-col article.sd-card"
    )
    assert _titles(grid) == ["By callout", "By metadata"]
    about = page.select_one(".about-event")
    assert _titles(about) == ["By hashtag", "By metadata"]
    assert about.select(".reflections-summary") == []
    assert page.select_one(".none").get_text() == "No reflections match."
    assert _titles(page.select_one(".newest")) == ["By callout"]
    # categories match case-insensitively, several values mean any of them
    assert _titles(page.select_one(".categories")) == ["By callout", "By metadata"]
    assert page.select_one(".all .reflections-summary") is not None


@pytest.mark.sphinx("text", testroot="events")
def test_listing_in_text(app) -> None:
    app.build()
    text = (app.outdir / "listings.txt").read_text()
    assert "By callout" in text and "No reflections match." in text


def _copy(tmp_path: Path, root: str, name: str) -> Path:
    return copy_root(root, tmp_path, name)


def test_listing_page_rewritten_only_when_its_reflections_change(make_app, tmp_path) -> None:
    src = _copy(tmp_path, "events", "incr")
    app = make_app("html", srcdir=src)
    app.build()
    listing = app.outdir / "listings.html"
    kb = app.outdir / "kb.html"
    first = listing.stat().st_mtime_ns, kb.stat().st_mtime_ns

    # an ordinary page changes: the listing does not show it
    (src / "kb.md").write_text((src / "kb.md").read_text() + "\nMore words.\n")
    make_app("html", srcdir=src).build()
    assert listing.stat().st_mtime_ns == first[0]

    # a listed reflection changes its date: the listing is rewritten, in the new order
    hashtag = src / "by-hashtag.md"
    edit(hashtag, "2023-06-01", "2025-06-01")
    make_app("html", srcdir=src).build()
    assert listing.stat().st_mtime_ns != first[0]
    assert _titles(soup(listing).select_one(".all")) == ["By hashtag", "By callout", "By metadata"]


@pytest.mark.sphinx("html", testroot="events", confoverrides={"reflections_feed_length": 2})
def test_atom_feed(app) -> None:
    app.build()
    feed = feedparser.parse((app.outdir / "reflections/atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Events test – Reflections"
    assert feed.feed.link == "https://kb.example.com/reflections/index.html"
    assert [e.title for e in feed.entries] == ["By callout", "By hashtag"]
    entry = feed.entries[1]
    assert entry.link == entry.id == "https://kb.example.com/by-hashtag.html"
    assert entry.published.startswith("2023-06-01")
    assert entry.author_detail.name == "Björn Öhman"
    assert entry.author_detail.href == "https://kb.example.com/reflections/authors/bjorn.html"
    assert [t.label for t in entry.tags] == ["Kontaktdagen2023"]
    content = entry.content[0].value
    assert 'href="https://kb.example.com/reflections/tags/kontaktdagen2023.html"' in content
    assert "reflections-byline" not in content and "<h1" not in content
    assert "What a day at" in content


@pytest.mark.sphinx("html", testroot="events")
def test_an_atom_entry_is_made_once_and_reads_as_if_made_in_its_feed(app, monkeypatch) -> None:
    """A piece in the archive, its tag's, its authors' and its event's feeds is serialized
    once per build; spliced into each feed, it reads as ElementTree writes a whole feed."""
    from xml.etree import ElementTree as ET

    from reflections_testutil import spy
    from sphinx_reflections.site import feeds

    made = spy(monkeypatch, feeds, "atom_entry")
    app.build()
    keys = [
        (reflection.docname, lang)
        for reflection, lang in zip(made.arg(0), made.arg(1), strict=True)
    ]
    assert ("by-hashtag", "") in keys
    assert len(keys) == len(set(keys))
    checked = 0
    for path in sorted((app.outdir / "reflections").rglob("*.xml")):
        lines = path.read_bytes().split(b"\n")
        if lines[1].startswith(b"<?xml-stylesheet"):  # not part of the tree
            del lines[1]
        data = b"\n".join(lines)
        assert b"<entry xmlns" not in data, path
        tree = ET.fromstring(data)
        for element in tree.iter():
            if element.text is not None and not element.text.strip():
                element.text = None
            element.tail = None
        ET.indent(tree)
        assert data == ET.tostring(tree, encoding="utf-8", xml_declaration=True) + b"\n", path
        checked += b"<entry" in data
    assert checked >= 3


@pytest.mark.sphinx("html", testroot="events")
def test_json_feed_and_topic_feeds(app) -> None:
    app.build()
    data = json.loads((app.outdir / "reflections/feed.json").read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == "https://kb.example.com/reflections/feed.json"
    assert [i["title"] for i in data["items"]] == ["By callout", "By hashtag", "By metadata"]
    item = data["items"][2]
    assert item["id"] == item["url"] == "https://kb.example.com/by-metadata.html"
    assert item["date_published"] == "2023-05-29T00:00:00Z"
    assert item["authors"] == [
        {"name": "Jenny Exempel", "url": "https://kb.example.com/reflections/authors/jenny.html"}
    ]
    assert item["image"] == "https://kb.example.com/_reflections/images/cover.svg"
    assert (app.outdir / "_reflections/images/cover.svg").is_file()
    assert "content_html" in item and "Leadership" in item["tags"]
    for name, expected in (
        ("reflections/tags/kontaktdagen2023.xml", ["By hashtag"]),
        ("reflections/authors/jenny.xml", ["By callout", "By metadata"]),
        ("reflections/events/kontaktdagen-2023.xml", ["By hashtag", "By metadata"]),
    ):
        feed = feedparser.parse((app.outdir / name).read_bytes())
        assert not feed.bozo and [e.title for e in feed.entries] == expected
    tag_page = soup(app.outdir / "reflections/tags/kontaktdagen2023.html")
    alternates = [link["href"] for link in tag_page.select('link[rel="alternate"]')]
    assert alternates == ["../atom.xml", "../feed.json", "kontaktdagen2023.xml"]
    essay = soup(app.outdir / "by-hashtag.html")
    assert [link["href"] for link in essay.select('link[rel="alternate"]')] == [
        "reflections/atom.xml",
        "reflections/feed.json",
    ]


def test_no_baseurl_no_feeds(make_app, tmp_path) -> None:
    app = make_app(
        "html", srcdir=_copy(tmp_path, "events", "nobase"), confoverrides={"html_baseurl": ""}
    )
    app.build()
    feed_warnings = [w for w in warnings_of(app) if w.endswith("[reflections.feed]")]
    assert len(feed_warnings) == 1 and "html_baseurl is not set" in feed_warnings[0]
    assert not (app.outdir / "reflections/atom.xml").exists()
    assert not soup(app.outdir / "by-hashtag.html").select('link[rel="alternate"]')


def test_feeds_are_reproducible(make_app, tmp_path) -> None:
    outputs = []
    for name in ("one", "two"):
        app = make_app("html", srcdir=_copy(tmp_path, "events", name))
        app.build()
        outputs.append(
            {
                p.name: p.read_bytes()
                for p in app.outdir.rglob("*")
                if p.suffix in (".xml", ".json", ".ics")
            }
        )
    assert outputs[0] == outputs[1] and len(outputs[0]) > 5


def _jsonld(path: Path) -> list[dict]:
    return [json.loads(s.string) for s in soup(path).select('script[type="application/ld+json"]')]


@pytest.mark.sphinx("html", testroot="events")
def test_json_ld(app) -> None:
    app.build()
    (posting,) = _jsonld(app.outdir / "by-metadata.html")
    assert posting["@type"] == "BlogPosting"
    assert posting["headline"] == "By metadata"
    assert posting["datePublished"] == "2023-05-29" and posting["dateModified"] == "2023-05-29"
    assert posting["author"][0] == {
        "@type": "Person",
        "name": "Jenny Exempel",
        "url": "https://kb.example.com/reflections/authors/jenny.html",
    }
    assert posting["inLanguage"] == "en"
    assert posting["about"]["@type"] == "Event" and posting["about"]["location"]["@type"] == "Place"
    assert posting["image"] == "https://kb.example.com/_reflections/images/cover.svg"
    assert posting["url"] == "https://kb.example.com/by-metadata.html"
    (person,) = _jsonld(app.outdir / "reflections/authors/jenny.html")
    assert person["@type"] == "Person" and person["@context"] == "https://schema.org"
    (event,) = _jsonld(app.outdir / "reflections/events/kontaktdagen-2023.html")
    assert (
        event["@type"] == "Event"
        and event["startDate"] == "2023-05-24"
        and event["endDate"] == "2023-05-25"
    )
    (archive,) = _jsonld(app.outdir / "reflections/index.html")
    assert archive["@type"] == "CollectionPage"
    assert archive["mainEntity"]["numberOfItems"] == 3
    assert (
        archive["mainEntity"]["itemListElement"][0]["url"]
        == "https://kb.example.com/by-callout.html"
    )
    (tag,) = _jsonld(app.outdir / "reflections/tags/kontaktdagen2023.html")
    assert tag["@type"] == "CollectionPage"


def test_json_ld_cannot_be_broken_out_of(make_app, tmp_path) -> None:
    src = _copy(tmp_path, "events", "evil")
    evil = '</script><script>alert("x")</script><!--'
    app = make_app(
        "html",
        srcdir=src,
        confoverrides={"reflections_authors": {"jenny": {"name": evil}, "bjorn": {"name": "B"}}},
    )
    app.build()
    html = (app.outdir / "by-metadata.html").read_text()
    assert '<script>alert("x")' not in html
    (posting,) = _jsonld(app.outdir / "by-metadata.html")
    assert posting["author"][0]["name"] == evil
    assert (
        soup(app.outdir / "by-metadata.html").select_one(".reflections-author-name").get_text()
        == evil
    )


def _properties(path: Path) -> list[tuple[str, str]]:
    """``(property, content)`` of every ``meta[property]`` of a page, in order."""
    return [(m["property"], m["content"]) for m in soup(path).select("meta[property]")]


@pytest.mark.sphinx("html", testroot="events")
def test_opengraph_alone(app) -> None:
    app.build()
    assert "sphinxext.opengraph" not in app.extensions
    props = _properties(app.outdir / "by-metadata.html")
    assert ("og:type", "article") in props
    assert ("og:url", "https://kb.example.com/by-metadata.html") in props
    assert ("article:published_time", "2023-05-29") in props
    assert ("article:author", "https://kb.example.com/reflections/authors/jenny.html") in props
    assert ("article:section", "Leadership") in props
    names = [p for p, _c in props]
    assert len(names) == len(set(names) - {"article:tag"}) + names.count("article:tag")
    # an ordinary page gets no OpenGraph from us (test_opengraph_with_sphinxext_opengraph
    # relies on it: the og:* it finds there are sphinxext-opengraph's)
    assert _properties(app.outdir / "kb.html") == []


OG_BASICS = ["og:title", "og:type", "og:url", "og:site_name", "og:description"]


def test_opengraph_with_sphinxext_opengraph(make_app, tmp_path) -> None:
    pytest.importorskip("sphinxext.opengraph")
    src = _copy(tmp_path, "events", "ogp")
    conf = src / "conf.py"
    edit(conf, '"sphinx_reflections"]', '"sphinx_reflections", "sphinxext.opengraph"]')
    with conf.open("a", encoding="utf-8") as stream:
        stream.write('ogp_site_url = "https://kb.example.com/"\n')
    app = make_app("html", srcdir=src)
    app.build()
    assert "sphinxext.opengraph" in app.extensions

    # an ordinary page: we write no og:* there, so these are sphinxext-opengraph's own
    plain = dict(_properties(app.outdir / "kb.html"))
    assert sorted(p for p in plain if p.startswith("og:")) == sorted(OG_BASICS)
    assert plain["og:type"] == "website" and plain["og:title"] == "Kick-off"

    # a reflection: the same tags, each exactly once (we hand sphinxext-opengraph our
    # facts instead of writing a second set), with the reflection's type and summary
    props = _properties(app.outdir / "by-hashtag.html")
    og = [p for p, _c in props if p.startswith("og:")]
    # og:locale is ours: sphinxext-opengraph writes none, so it is there once
    assert sorted(og) == sorted([*OG_BASICS, "og:locale"]), og
    values = dict(props)
    assert values["og:locale"] == "en_US"
    assert values["og:type"] == "article"
    assert values["og:title"] == "By hashtag"
    assert values["og:url"] == "https://kb.example.com/by-hashtag.html"
    assert values["og:description"] == "What a day at #kontaktdagen2023."
    names = [p for p, _c in props]
    assert names.count("article:published_time") == 1 and names.count("article:tag") == 1

    # the cover image goes through sphinxext-opengraph too, once
    cover = _properties(app.outdir / "by-metadata.html")
    assert [c for p, c in cover if p == "og:image"] == [
        "https://kb.example.com/_reflections/images/cover.svg"
    ]
    og = [p for p, _c in cover if p.startswith("og:")]
    assert len(og) == len(set(og)), og


def test_feed_bodies_make_every_link_and_image_address_absolute() -> None:
    """Relative ``href`` and ``src`` after any whitespace (raw HTML may break a tag over
    lines) become absolute; absolute ones, fragments' pages and other attributes stay."""
    from sphinx_reflections.site.feeds import absolutize

    html = (
        '<a class="reference internal" href="../tags/x.html#a">x</a>'
        '<img\nsrc="_images/p.png" data-src="keep.png"/>'
        '<a\thref="https://example.org/y">y</a><a href="">z</a>'
    )
    made = absolutize(html, "https://kb.example.com/essays/2024/piece.html")
    assert 'href="https://kb.example.com/essays/tags/x.html#a"' in made
    assert '\nsrc="https://kb.example.com/essays/2024/_images/p.png"' in made
    assert 'data-src="keep.png"' in made
    assert '\thref="https://example.org/y"' in made and 'href=""' in made
