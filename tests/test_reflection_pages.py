"""Reflection pages: metadata in both forms, the byline, dates and reading time."""

from __future__ import annotations

import pytest

from reflections_testutil import copy_root, edit, soup, warnings_of
from sphinx_reflections.dates import build_date
from sphinx_reflections.domain import get_domain


@pytest.mark.sphinx("html", testroot="basic")
def test_byline_from_front_matter(app) -> None:
    app.build()
    assert warnings_of(app) == []
    page = soup(app.outdir / "essays/twenty-years.html")
    byline = page.select_one(".reflections-byline")
    assert byline is not None
    # under the title
    assert byline.find_previous_sibling("h1").get_text().startswith("Twenty years")
    time = byline.select_one("time.reflections-date")
    assert time["datetime"] == "2023-05-29"
    assert time.get_text() == "May 29, 2023"
    assert byline.select_one(".reflections-reading-time").get_text() == "1 min read"
    assert byline.select_one(".reflections-category").get_text() == "Leadership"
    updated = byline.select_one(".reflections-updated time")
    assert updated["datetime"] == "2023-06-02"
    assert [t.get_text() for t in byline.select(".reflections-hashtag")] == ["#CX", "#AI"]
    card = byline.select_one("address .reflections-author-card-compact")
    link = card.select_one("a")
    assert link["href"] == "../reflections/authors/jenny.html"
    assert link.get_text() == "Jenny Exempel"
    assert card.select_one(".reflections-author-role").get_text() == "Marknadsdirektör"
    avatar = card.select_one("img.reflections-avatar")
    assert avatar["src"] == "../_reflections/avatars/jenny.svg"
    assert (app.outdir / "_reflections/avatars/jenny.svg").is_file()


@pytest.mark.sphinx("html", testroot="basic")
def test_co_authors_and_directive_form(app) -> None:
    app.build()
    together = soup(app.outdir / "essays/together.html").select_one(".reflections-byline")
    names = [a.get_text() for a in together.select(".reflections-author-card-compact a")]
    assert names == ["Jenny Exempel", "Björn Öhman"]
    # a remote avatar is used as is in HTML
    assert together.select("img.reflections-avatar")[1]["src"] == "https://example.org/bjorn.png"
    second = soup(app.outdir / "essays/second.html").select_one(".reflections-byline")
    assert second.select_one("time")["datetime"] == "2024-02-10"
    assert second.select_one(".reflections-category").get_text() == "Technology"


@pytest.mark.sphinx("html", testroot="basic")
def test_domain_records(app) -> None:
    app.build()
    domain = get_domain(app.env)
    assert sorted(domain.reflections) == ["essays/second", "essays/together", "essays/twenty-years"]
    first = domain.reflections["essays/twenty-years"]
    assert first.authors == ("jenny",)
    assert first.tags == ("CX", "AI")
    assert first.summary == "What twenty years taught me."
    # summary falls back to the first paragraph
    assert domain.reflections["essays/second"].summary.startswith("First paragraph of the second")
    assert [r.docname for r in domain.visible()] == [
        "essays/second",
        "essays/twenty-years",
        "essays/together",
    ]
    assert "article" not in domain.reflections


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"language": "sv"})
def test_swedish_labels_and_dates(app) -> None:
    app.build()
    byline = soup(app.outdir / "essays/twenty-years.html").select_one(".reflections-byline")
    assert byline.select_one("time").get_text() == "29 maj 2023"
    assert byline.select_one(".reflections-reading-time").get_text() == "1 minuts läsning"
    assert byline.select_one(".reflections-updated").get_text().startswith("Uppdaterad 2 juni 2023")
    archive = soup(app.outdir / "reflections/index.html")
    assert archive.select_one("h1").get_text().startswith("Reflektioner")


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"reflections_words_per_minute": 5})
def test_reading_time_counts_words(app) -> None:
    app.build()
    domain = get_domain(app.env)
    # 10 + 7 words of prose; the title and front matter do not count
    assert domain.reflections["essays/twenty-years"].words == 17
    assert domain.reflections["essays/twenty-years"].minutes == 3
    text = soup(app.outdir / "essays/twenty-years.html").select_one(".reflections-reading-time")
    assert text.get_text() == "3 min read"


@pytest.mark.sphinx("html", testroot="forms")
def test_front_matter_and_directive_give_identical_results(app) -> None:
    app.build()
    assert warnings_of(app) == []
    domain = get_domain(app.env)
    records = [domain.reflections[d] for d in ("fm", "dirmd", "dirrst")]
    import dataclasses

    shapes = [dataclasses.replace(r, docname="x") for r in records]
    assert shapes[0] == shapes[1] == shapes[2]
    assert shapes[0].authors == ("jenny", "bjorn")
    bylines = [
        str(soup(app.outdir / f"{d}.html").select_one(".reflections-byline"))
        for d in ("fm", "dirmd", "dirrst")
    ]
    assert bylines[0] == bylines[1] == bylines[2]
    # the front matter block itself is not shown on the page
    section = soup(app.outdir / "fm.html").select_one("section")
    for related in section.select(".reflections-related"):  # "Related reflections"
        related.decompose()
    assert "reflection" not in section.get_text().lower()


@pytest.mark.parametrize("show_drafts", [False, True])
def test_draft_is_badged_and_unlisted(make_app, tmp_path, show_drafts) -> None:
    src = copy_root("forms", tmp_path)
    edit(src / "fm.md", "draft: false", "draft: true")
    app = make_app("html", srcdir=src, confoverrides={"reflections_show_drafts": show_drafts})
    app.build()
    page = soup(app.outdir / "fm.html")
    assert page.select_one(".reflections-draft").get_text() == "Draft"
    archive = soup(app.outdir / "reflections/index.html")
    hrefs = [a["href"] for a in archive.select(".reflections-entry-title a")]
    assert ("../fm.html" in hrefs) is show_drafts
    assert "../dirmd.html" in hrefs


def test_an_undated_draft_is_a_draft_dated_the_day_of_the_build(make_app, tmp_path) -> None:
    """ABlog's and Jekyll's drafts have no date; only publishing one asks for it."""
    src = copy_root("forms", tmp_path)
    edit(src / "fm.md", "draft: false", "draft: true")
    edit(src / "fm.md", "  date: 2023-05-29\n", "")
    app = make_app("html", srcdir=src, confoverrides={"reflections_show_drafts": True})
    app.build()
    assert warnings_of(app) == []
    assert get_domain(app.env).reflections["fm"].date == build_date()
    time = soup(app.outdir / "fm.html").select_one(".reflections-byline time.reflections-date")
    assert time["datetime"] == build_date().isoformat()
    edit(src / "fm.md", "draft: true", "draft: false")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert any("a reflection needs a 'date'" in w for w in warnings_of(app))
