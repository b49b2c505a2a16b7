"""Reader features: related reflections, series, excerpts and pagination (test-reader root).

Who is related to whom in the root, worked out by hand. A shared tag adds
1/log2(n+1) for a tag on n published pieces: #CX (a1, a2, a3) 0.5, #Billing
(a1, a2, a4, b1) 0.43, #Rare (b1, b2) 0.63. The series adds 2, the event 1,
each shared author 0.25. Equal scores: the newer piece first.

====  ================================================  ===============
piece  scores                                            listed
====  ================================================  ===============
a1    a2 3.18, a3 2.5, a4 0.43 = b1 0.43 (a4 newer)      a2, a3, a4
a2    a1 3.18, a3 2.5, a4 = b1                           a1, a3, a4
a3    a1 = a2 2.5 (a2 newer), b3 0.25 (author)           a2, a1, b3
a4    b1 0.68, a1 = a2 0.43, b2 0.25                     b1, a2, a1
b1    b2 1.88, a4 0.68, a1 = a2 0.43                     b2, a4, a2
b2    b1 1.88, a4 0.25                                   b1, a4
b3    a3 0.25                                            a3
c1    nothing in common                                  (no block)
draft a1 = a2 3.18, a3 2.5 (the draft is never listed)   a2, a1, a3
====  ================================================  ===============
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser
import pytest

from reflections_testutil import copy_root, edit, soup, spy, warnings_of
from sphinx_reflections import listings
from sphinx_reflections.domain import get_domain
from sphinx_reflections.site.trees import page_window

pytestmark = pytest.mark.usefixtures("build_date")

RELATED = {
    "a1": ["a2", "a3", "a4"],
    "a2": ["a1", "a3", "a4"],
    "a3": ["a2", "a1", "b3"],
    "a4": ["b1", "a2", "a1"],
    "b1": ["b2", "a4", "a2"],
    "b2": ["b1", "a4"],
    "b3": ["a3"],
    "c1": [],
    "draft": ["a2", "a1", "a3"],
}
TITLES = {
    "a1": "Reading every complaint",
    "a2": "What they had in common",
    "a3": "Fixing the invoice, not the script",
    "a4": "A note on billing",
    "b1": "At the forum",
    "b2": "After the forum",
    "b3": "An old note",
}


def _related(page: Any) -> list[str]:
    block = page.select_one("nav.reflections-related")
    if block is None:
        return []
    return [a.get_text() for a in block.select(".reflections-entry-title a")]


def _build(make_app: Any, tmp_path: Path, folder: str = "reader", **kwargs: Any) -> Any:
    app = make_app("html", srcdir=copy_root("reader", tmp_path, folder), **kwargs)
    app.build()
    return app


# -- related reflections ------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="reader")
def test_related_reflections_are_scored_as_documented(app) -> None:
    app.build()
    assert warnings_of(app) == []
    for piece, expected in RELATED.items():
        page = soup(app.outdir / "essays" / f"{piece}.html")
        assert _related(page) == [TITLES[d] for d in expected], piece
    # nothing related: no block at all, not an empty one
    assert soup(app.outdir / "essays" / "c1.html").select_one(".reflections-related") is None


@pytest.mark.sphinx("html", testroot="reader")
def test_related_block_markup(app) -> None:
    app.build()
    page = soup(app.outdir / "essays" / "a1.html")
    block = page.select_one("nav.reflections-related")
    title = block.select_one("h2.reflections-related-title")
    assert block["aria-labelledby"] == title["id"] == "reflections-related-title"
    assert title.get_text() == "Related reflections"
    # entries as in every listing, linked relative to the page
    assert block.select_one("ul.reflections-list > li > article.reflections-entry")
    assert block.select_one(".reflections-entry-title a")["href"] == "a2.html"
    # at the end of the piece, after its own text
    assert page.select_one("section").find_all(recursive=False)[-1] is block


def test_related_tie_goes_to_the_newer_piece(make_app, tmp_path) -> None:
    """a4 and b1 score the same for a1; a4 is newer. Made older than b1, it loses its place."""
    src = copy_root("reader", tmp_path)
    edit(src / "essays" / "a4.md", "date: 2024-04-01", "date: 2023-04-01")
    app = make_app("html", srcdir=src)
    app.build()
    assert _related(soup(app.outdir / "essays" / "a1.html")) == [
        TITLES["a2"],
        TITLES["a3"],
        TITLES["b1"],
    ]


def test_related_count_is_an_option(make_app, tmp_path) -> None:
    one = _build(make_app, tmp_path, "one", confoverrides={"reflections_related": 1})
    assert _related(soup(one.outdir / "essays" / "a1.html")) == [TITLES["a2"]]
    off = _build(make_app, tmp_path, "off", confoverrides={"reflections_related": 0})
    for piece in RELATED:
        assert (
            soup(off.outdir / "essays" / f"{piece}.html").select_one(".reflections-related") is None
        )


def test_drafts_are_never_related_even_when_shown(make_app, tmp_path) -> None:
    app = _build(make_app, tmp_path, confoverrides={"reflections_show_drafts": True})
    for piece in RELATED:
        assert "A draft part" not in _related(soup(app.outdir / "essays" / f"{piece}.html"))


@pytest.mark.sphinx("text", testroot="reader")
def test_related_reflections_are_left_out_of_other_builders(app) -> None:
    app.build()
    text = (app.outdir / "essays" / "a1.txt").read_text(encoding="utf-8")
    assert "Related reflections" not in text
    # the series line stays: it tells a reader of the PDF or text where they are
    assert "Part 1 of 3 in the series A month of complaints" in text


class Written:
    """Which documents Sphinx wrote in a build."""

    def __init__(self, app: Any) -> None:
        self.docs: list[str] = []
        app.connect("html-page-context", self.seen)

    def seen(self, app: Any, pagename: str, _t: str, _c: Any, doctree: Any) -> None:
        if doctree is not None:
            self.docs.append(pagename)


def test_a_change_rewrites_the_related_lists_that_show_it_and_no_others(make_app, tmp_path) -> None:
    src = copy_root("reader", tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    before = {p: (app.outdir / "essays" / f"{p}.html").read_bytes() for p in RELATED}

    edit(src / "essays" / "a4.md", "# A note on billing", "# A second note on billing")
    app = make_app("html", srcdir=src)
    written = Written(app)
    app.build()
    pieces = {d.removeprefix("essays/") for d in written.docs if d.startswith("essays/")}
    showing = {p for p, listed in RELATED.items() if "a4" in listed}
    assert showing == {"a1", "a2", "b1", "b2"}
    assert pieces == {"a4"} | showing
    for piece in set(RELATED) - pieces:
        assert (app.outdir / "essays" / f"{piece}.html").read_bytes() == before[piece], piece
    assert "A second note on billing" in _related(soup(app.outdir / "essays" / "a1.html"))

    # and the result is what a clean build gives
    clean = make_app("html", srcdir=src, builddir=tmp_path / "clean")
    clean.build()
    for piece in RELATED:
        assert _related(soup(app.outdir / "essays" / f"{piece}.html")) == _related(
            soup(clean.outdir / "essays" / f"{piece}.html")
        )


def test_related_lists_are_not_worked_out_again_when_nothing_they_use_changed(
    make_app, tmp_path, monkeypatch
) -> None:
    src = copy_root("reader", tmp_path)
    computed = spy(monkeypatch, listings, "related_lists")
    make_app("html", srcdir=src).build()
    assert len(computed.calls) == 1
    edit(src / "essays" / "a4.md", "Billing again.", "Billing again, in more words.")
    make_app("html", srcdir=src).build()
    assert len(computed.calls) == 1  # text only: tags, dates, authors are the same
    edit(src / "essays" / "a4.md", "tags: [Billing]", "tags: [Billing, Rare]")
    make_app("html", srcdir=src).build()
    assert len(computed.calls) == 2


def test_related_work_grows_with_shared_traits_not_with_the_site(make_app, tmp_path) -> None:
    """Scores are gathered through the pieces that share a trait (an inverted index).

    Five hundred pieces that share nothing cost one dictionary look-up per trait:
    no piece is compared with another.
    """
    src = copy_root("reader", tmp_path)
    for number in range(500):
        (src / "essays" / f"solo{number}.md").write_text(
            f"---\nreflection:\n  author: p{number}\n  date: 2020-01-01\n"
            f"  tags: [Only{number}]\n  summary: x\n---\n# Solo {number}\n\nText.\n",
            encoding="utf-8",
        )
    app = make_app(
        "html",
        srcdir=src,
        confoverrides={
            "reflections_authors": {f"p{n}": {"name": f"P {n}"} for n in range(500)}
            | {"anna": {"name": "Anna"}, "omar": {"name": "Omar"}, "lena": {"name": "Lena"}}
            | {"kim": {"name": "Kim"}},
            "suppress_warnings": ["toc.not_included"],
        },
    )
    app.builder.read()  # reading is enough: related lists are worked out after it
    domain = get_domain(app.env)
    assert domain.related("essays/solo7") == ()
    assert [d.removeprefix("essays/") for d in domain.related("essays/a1")] == RELATED["a1"]


# -- series ----------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="reader")
def test_series_line_under_the_byline(app) -> None:
    app.build()
    page = soup(app.outdir / "essays" / "a2.html")
    nav = page.select_one("nav.reflections-series")
    assert nav["aria-label"] == "Series: A month of complaints"
    # right under the byline
    assert nav.find_previous_sibling().get("class") == ["reflections-byline"]
    position = nav.select_one(".reflections-series-position")
    assert position.get_text(" ", strip=True) == ("Part 2 of 3 in the series A month of complaints")
    assert position.select_one("a")["href"] == "../reflections/series/complaints.html"
    previous = nav.select_one("a[rel=prev]")
    following = nav.select_one("a[rel=next]")
    assert previous["href"] == "a1.html" and following["href"] == "a3.html"
    assert previous.get_text() == "←\u00a0Previous: Reading every complaint"
    assert previous.select_one("[aria-hidden=true]").get_text() == "←\u00a0"
    assert following.get_text() == "Next: Fixing the invoice, not the script\u00a0→"
    # the first part has no previous one, the last no next one
    first = soup(app.outdir / "essays" / "a1.html").select_one("nav.reflections-series")
    assert first.select_one("a[rel=prev]") is None and first.select_one("a[rel=next]")
    last = soup(app.outdir / "essays" / "a3.html").select_one("nav.reflections-series")
    assert last.select_one("a[rel=next]") is None
    # a piece in no series has no line
    assert soup(app.outdir / "essays" / "b1.html").select_one(".reflections-series") is None


@pytest.mark.sphinx("html", testroot="reader")
def test_series_page_lists_the_parts_in_order(app) -> None:
    app.build()
    page = soup(app.outdir / "reflections" / "series" / "complaints.html")
    assert page.select_one("h1").get_text(strip=True).rstrip("#¶") == "A month of complaints"
    assert page.select_one(".reflections-series-description").get_text().startswith("Reading")
    parts = page.select("ol.reflections-series-parts > li .reflections-entry-title a")
    assert [a.get_text() for a in parts] == [TITLES["a1"], TITLES["a2"], TITLES["a3"]]
    assert page.select_one(".reflections-series-count").get_text() == "3 parts"
    # a feed of its own, linked from the page and its head
    assert page.select_one('link[rel=alternate][href="complaints.xml"]')
    feed = feedparser.parse((app.outdir / "reflections" / "series" / "complaints.xml").read_bytes())
    assert [e.title for e in feed.entries] == [TITLES["a3"], TITLES["a2"], TITLES["a1"]]
    # in objects.inv and as a {ref} label
    assert get_domain(app.env).target("series", "complaints") == (
        "reflections/series/complaints",
        "A month of complaints",
    )


def test_series_named_by_its_id_without_an_entry(make_app, tmp_path) -> None:
    app = _build(make_app, tmp_path, confoverrides={"reflections_series": {}})
    nav = soup(app.outdir / "essays" / "a3.html").select_one(".reflections-series-position")
    # the id as the first part writes it
    assert nav.get_text(" ", strip=True) == "Part 3 of 3 in the series complaints"


def test_a_draft_sees_its_place_in_the_series(make_app, tmp_path) -> None:
    app = _build(make_app, tmp_path)
    nav = soup(app.outdir / "essays" / "draft.html").select_one(".reflections-series-position")
    assert nav.get_text(" ", strip=True).startswith("Part 3 of 4")
    # published parts do not count it
    nav = soup(app.outdir / "essays" / "a3.html").select_one(".reflections-series-position")
    assert nav.get_text(" ", strip=True).startswith("Part 3 of 3")


def test_a_new_part_rewrites_every_part(make_app, tmp_path) -> None:
    src = copy_root("reader", tmp_path)
    make_app("html", srcdir=src).build()
    edit(src / "essays" / "draft.md", "draft: true", "draft: false")
    app = make_app("html", srcdir=src)
    written = Written(app)
    app.build()
    assert {"essays/a1", "essays/a2", "essays/a3"} <= set(written.docs)
    nav = soup(app.outdir / "essays" / "a1.html").select_one(".reflections-series-position")
    assert nav.get_text(" ", strip=True).startswith("Part 1 of 4")


# -- excerpts --------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="reader")
def test_excerpts_end_at_the_more_marker(app) -> None:
    app.build()
    domain = get_domain(app.env)
    a1 = domain.reflections["essays/a1"]
    assert a1.excerpt == (
        "For a month I read every complaint that reached the support desk.",
        "Most were about the same three things, and #CX was rarely the word people used.",
    )
    assert a1.summary == " ".join(a1.excerpt)
    # rST: a ".. more" comment
    assert domain.reflections["essays/a3"].summary == (
        "We changed the invoice instead of the script the agents read."
    )
    # a summary wins over a marker
    b1 = domain.reflections["essays/b1"]
    assert b1.summary == "The summary wins over the marker." and b1.excerpt == ()
    # listings keep the excerpt's paragraphs, with their hashtags linked
    archive = soup(app.outdir / "reflections" / "page-2.html")
    entry = next(
        a.find_parent("article")
        for a in archive.select(".reflections-entry-title a")
        if a.get_text() == TITLES["a1"]
    )
    summaries = entry.select(".reflections-summary")
    assert [p.get_text() for p in summaries] == list(a1.excerpt)
    assert summaries[1].select_one("a .reflections-hashtag").get_text() == "#CX"
    # the feed's summary is the excerpt; its content is the whole piece
    feed = feedparser.parse((app.outdir / "reflections" / "atom.xml").read_bytes())
    item = next(e for e in feed.entries if e.title == TITLES["a1"])
    assert item.summary == a1.summary
    assert "The rest of the piece is not in the excerpt." in item.content[0].value
    # the piece alone: no series line, no related reflections
    part = next(e for e in feed.entries if e.title == TITLES["a2"]).content[0].value
    assert "Invoices, waiting" in part
    assert "reflections-series" not in part and "reflections-related" not in part
    # the marker itself leaves no trace on the page
    assert "more" not in (app.outdir / "essays" / "a1.html").read_text().split("<!--")[-1][:20]


def test_a_marker_before_any_paragraph_is_reported(make_app, tmp_path) -> None:
    src = copy_root("reader", tmp_path)
    edit(
        src / "essays" / "a4.md",
        "# A note on billing\n",
        "# A note on billing\n\n<!-- more -->\n",
    )
    edit(src / "essays" / "a4.md", "  summary: A note on billing.\n", "")
    app = make_app("html", srcdir=src)
    app.build()
    (warning,) = warnings_of(app)
    assert "a4.md:2" in warning and "[reflections.bad-metadata]" in warning
    assert "'more' marker comes before any paragraph" in warning
    assert get_domain(app.env).reflections["essays/a4"].summary == "Billing again."


def test_check_hint_for_pieces_with_neither_summary_nor_marker(make_app, tmp_path) -> None:
    app = _build(make_app, tmp_path, confoverrides={"reflections_writer_hints": True})
    (warning,) = warnings_of(app)
    assert "c1.md:2" in warning and "[reflections.no-summary]" in warning
    assert "a line <!-- more -->" in warning
    # a build without the hints says nothing
    assert warnings_of(_build(make_app, tmp_path, "plain")) == []


# -- pagination ------------------------------------------------------------------------------


def test_page_window() -> None:
    assert page_window(1, 5) == [1, 2, 3, 4, 5]
    assert page_window(1, 20) == [1, 2, 3, 4, 5, None, 20]
    assert page_window(10, 20) == [1, None, 9, 10, 11, None, 20]
    assert page_window(4, 20) == [1, 2, 3, 4, 5, None, 20]
    assert page_window(5, 20) == [1, None, 4, 5, 6, None, 20]  # always seven places
    assert page_window(18, 20) == [1, None, 16, 17, 18, 19, 20]
    assert page_window(20, 20) == [1, None, 16, 17, 18, 19, 20]


def _entries(page: Any) -> list[str]:
    return [a.get_text() for a in page.select(".reflections-list .reflections-entry-title a")]


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_archive_is_paginated(make_app, tmp_path, builder) -> None:
    app = make_app(builder, srcdir=copy_root("reader", tmp_path))
    app.build()
    out = app.outdir / "reflections"

    def page(name: str) -> Any:
        dirhtml = f"{name}/index.html" if name != "index" else "index.html"
        path = out / (f"{name}.html" if builder == "html" else dirhtml)
        return soup(path)

    first, second, third = page("index"), page("page-2"), page("page-3")
    assert _entries(first) == [TITLES["a4"], TITLES["a3"], TITLES["a2"]]
    assert _entries(second) == [TITLES["a1"], TITLES["b2"], TITLES["b1"]]
    assert _entries(third) == ["Nothing in common", TITLES["b3"]]
    # the years stay readable across pages
    assert [h.get_text(strip=True).rstrip("#¶") for h in second.select("h2")] == [
        "2024, continued",
        "2023",
    ]
    assert [h.get_text(strip=True).rstrip("#¶") for h in third.select("h2")] == [
        "2023, continued",
        "2022",
    ]
    assert second.select_one("h1").get_text(strip=True).rstrip("#¶") == "Reflections, page 2 of 3"
    # the links: newer, 1 2 3 (the current one marked), older
    nav = second.select_one("nav.reflections-pagination")
    assert nav["aria-label"] == "Pages"
    links = nav.select("li a")
    assert [a.get_text() for a in links] == ["←\u00a0Newer", "1", "2", "3", "Older\u00a0→"]
    assert [a.get("aria-current") for a in links] == [None, None, "page", None, None]
    assert links[0]["rel"] == ["prev"] and links[-1]["rel"] == ["next"]
    expected = {
        "html": ["index.html", "index.html", "page-2.html", "page-3.html", "page-3.html"],
        "dirhtml": ["../", "../", "./", "../page-3/", "../page-3/"],
    }[builder]
    assert [a["href"] for a in links] == expected
    # and in the head, with absolute addresses
    base = "https://kb.example.com/reflections/"
    older = "page-3.html" if builder == "html" else "page-3/"
    assert second.select_one('link[rel="prev"]')["href"] == base + (
        "index.html" if builder == "html" else ""
    )
    assert second.select_one('link[rel="next"]')["href"] == base + older
    assert first.select_one('link[rel="prev"]') is None
    assert third.select_one('link[rel="next"]') is None
    # page 1 keeps its subscribe line; later pages do not repeat it
    assert first.select_one(".reflections-subscribe") and not second.select_one(
        ".reflections-subscribe"
    )


@pytest.mark.sphinx("html", testroot="reader")
def test_tag_author_and_event_pages_are_paginated(app) -> None:
    app.build()
    tags = app.outdir / "reflections" / "tags"
    assert _entries(soup(tags / "billing.html")) == [TITLES["a4"], TITLES["a2"], TITLES["a1"]]
    later = soup(tags / "billing" / "page-2.html")
    assert _entries(later) == [TITLES["b1"]]
    assert later.select_one("h1").get_text(strip=True).rstrip("#¶") == "#Billing, page 2 of 2"
    links = later.select("nav.reflections-pagination a")
    assert [a["href"] for a in links] == ["../billing.html", "../billing.html", "page-2.html"]
    # JSON-LD lists this page's share
    assert "At the forum" in later.select_one('script[type="application/ld+json"]').get_text()
    assert not (tags / "cx" / "page-2.html").exists()  # three pieces: one page
    assert soup(tags / "cx.html").select_one(".reflections-pagination") is None


def test_later_pages_go_when_the_listing_shrinks(make_app, tmp_path) -> None:
    src = copy_root("reader", tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    third = app.outdir / "reflections" / "page-3.html"
    assert third.is_file()
    edit(src / "essays" / "b3.md", "date: 2022-01-01", "date: 2022-01-01\n  draft: true")
    edit(src / "essays" / "c1.md", "date: 2023-01-01", "date: 2023-01-01\n  draft: true")
    app = make_app("html", srcdir=src)
    app.build()
    assert not third.exists()
    nav = soup(app.outdir / "reflections" / "page-2.html").select("nav.reflections-pagination a")
    assert [a.get_text() for a in nav] == ["←\u00a0Newer", "1", "2"]


def test_later_pages_never_take_a_documents_place(make_app, tmp_path) -> None:
    src = copy_root("reader", tmp_path)
    (src / "reflections" / "tags" / "billing").mkdir(parents=True)
    (src / "reflections" / "tags" / "billing" / "page-2.md").write_text(
        "# Mine\n\nA page someone wrote.\n", encoding="utf-8"
    )
    app = make_app("html", srcdir=src, confoverrides={"suppress_warnings": ["toc.not_included"]})
    app.build()
    # Sphinx 8.1 gives "isn't included in any toctree" no type to suppress it by
    (warning,) = [w for w in warnings_of(app) if "included in any toctree" not in w]
    assert (
        "[reflections.duplicate]" in warning and "page 2 of 'reflections/tags/billing'" in warning
    )
    mine = soup(app.outdir / "reflections" / "tags" / "billing" / "page-2.html")
    assert mine.select_one("h1").get_text(strip=True).rstrip("#¶") == "Mine"
    moved = soup(app.outdir / "reflections" / "tags" / "billing" / "page-2-2.html")
    assert _entries(moved) == [TITLES["b1"]]


def test_one_page_without_a_page_size(make_app, tmp_path) -> None:
    app = _build(make_app, tmp_path, confoverrides={"reflections_page_size": 0})
    archive = soup(app.outdir / "reflections" / "index.html")
    assert len(_entries(archive)) == 8
    assert archive.select_one(".reflections-pagination") is None
    assert not (app.outdir / "reflections" / "page-2.html").exists()


def test_check_command_reports_pieces_without_summary_or_marker(
    tmp_path, monkeypatch, capsys
) -> None:
    from sphinx_reflections.cli import main

    src = copy_root("reader", tmp_path, "site")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "site", "-j", "1"]) == 1
    out, _err = capsys.readouterr()
    assert out.splitlines() == [
        "site/essays/c1.md:2: no-summary: this reflection has no summary: lists, feeds and "
        "link previews show your first paragraph ('A piece that shares nothing with…'); add "
        "one or two sentences of your own to the information block: summary: Your sentences "
        "here. Or end the opening you want shown with a line <!-- more -->"
    ]
    edit(src / "essays" / "c1.md", "nor a marker.\n", "nor a marker.\n\n<!-- more -->\n")
    assert main(["check", "site", "-j", "1"]) == 0
    # a piece that is one short paragraph is shown whole: nothing to choose
    edit(src / "essays" / "c1.md", "\n<!-- more -->\n\nSo its first paragraph stands", "\nSo")
    edit(src / "essays" / "c1.md", "So for it in lists, though more follows.\n", "")
    assert main(["check", "site", "-j", "1"]) == 0


def test_pruned_related_lists_equal_the_full_walk(make_app, tmp_path) -> None:
    """Skipping the pieces that cannot catch up changes nothing (a generated site of 400)."""
    from reflections_testutil import write_kb

    write_kb(tmp_path / "kb", reflections=400, pages=0, authors=8, tags=30, events=6)
    app = make_app("dummy", srcdir=tmp_path / "kb")
    app.builder.read()
    domain = get_domain(app.env)
    traits = {d: listings._traits(domain, r) for d, r in sorted(domain.reflections.items())}
    for limit in (1, 3, 10):
        pruned = listings.related_lists(domain, limit, traits)
        assert pruned == listings.related_lists(domain, limit, traits, prune=False)
        assert sum(len(v) == limit for v in pruned.values()) > len(pruned) // 2  # mostly full
