"""Author pages and the archive, in html and dirhtml."""

from __future__ import annotations

import pytest

from reflections_testutil import soup, warnings_of


@pytest.mark.sphinx("html", testroot="basic")
def test_archive_groups_by_year_newest_first(app) -> None:
    app.build()
    page = soup(app.outdir / "reflections/index.html")
    # rendered in the theme's page layout
    assert page.select_one("div.body") is not None
    assert page.title.get_text().startswith("Reflections")
    years = [h.get_text().rstrip("¶") for h in page.select("section section > h2")]
    assert years == ["2024", "2023", "2022"]
    titles = [a.get_text() for a in page.select(".reflections-list .reflections-entry-title a")]
    assert titles == ["A second piece", "Twenty years in customer experience", "Written together"]
    first = page.select_one(".reflections-entry")
    assert first.name == "article"
    assert first.select_one(".reflections-entry-title a")["href"] == "../essays/second.html"
    assert first.select_one(".reflections-summary").get_text().startswith("First paragraph")
    assert first.select_one(".reflections-author-card-compact a")["href"] == "authors/bjorn.html"


@pytest.mark.sphinx("html", testroot="basic")
def test_author_page_has_full_card_and_own_reflections(app) -> None:
    app.build()
    page = soup(app.outdir / "reflections/authors/jenny.html")
    assert page.select_one("h1").get_text().rstrip("¶") == "Jenny Exempel"
    card = page.select_one("article.reflections-author-card")
    assert card["aria-label"] == "About Jenny Exempel"
    assert "sd-card" in card["class"]
    avatar = card.select_one("img.reflections-avatar")
    assert avatar["alt"] == "Jenny Exempel"
    assert avatar["src"] == "../../_reflections/avatars/jenny.svg"
    assert (
        card.select_one(".reflections-author-role").get_text()
        == "Marknadsdirektör, Exempelbolaget Nordic"
    )
    assert (
        "Twenty years in customer experience, telecom"
        in card.select_one(".reflections-author-bio").get_text()
    )
    link = card.select_one(".reflections-author-links a")
    assert (link.get_text(), link["href"]) == ("LinkedIn", "https://www.linkedin.com/in/example")
    # the card does not link to the page it is on; in the listings the person's name is
    # marked as the current page, not left as plain text among links
    assert card.select_one(".reflections-author-more") is None
    current = [a for a in page.select(".reflections-list a") if a.get("href") in ("#", "")]
    assert current and all(a["aria-current"] == "page" for a in current)
    assert {a.get_text() for a in current} == {"Jenny Exempel"}
    titles = [a.get_text() for a in page.select(".reflections-entry-title a")]
    assert titles == ["Twenty years in customer experience", "Written together"]
    other = soup(app.outdir / "reflections/authors/bjorn.html")
    assert [a.get_text() for a in other.select(".reflections-entry-title a")] == [
        "A second piece",
        "Written together",
    ]
    # a person without reflections gets a page with a short sentence
    sam = soup(app.outdir / "reflections/authors/sam.html")
    assert sam.select_one(".reflections-empty").get_text() == "No reflections yet."


@pytest.mark.sphinx("html", testroot="basic")
def test_author_card_directive_and_role(app) -> None:
    app.build()
    page = soup(app.outdir / "index.html")
    role = page.select_one("a > span.reflections-author")
    assert role.get_text() == "Jenny Exempel"
    assert role.parent["href"] == "reflections/authors/jenny.html"
    explicit = page.select("span.reflections-author")[1]
    assert explicit.get_text() == "the CEO"
    full = page.select_one("article.reflections-author-card")
    assert full.select_one(".reflections-author-more a")["href"] == "reflections/authors/jenny.html"
    compact = page.select_one("p > span.reflections-author-card-compact")
    assert compact.select_one("a").get_text() == "Björn Öhman"
    assert compact.select_one("img")["alt"] == ""


@pytest.mark.sphinx("dirhtml", testroot="basic")
def test_dirhtml_pages_are_folders(app) -> None:
    app.build()
    assert warnings_of(app) == []
    assert (app.outdir / "reflections/index.html").is_file()
    page = soup(app.outdir / "reflections/authors/jenny/index.html")
    assert (
        page.select_one("img.reflections-avatar")["src"]
        == "../../../_reflections/avatars/jenny.svg"
    )
    assert page.select_one(".reflections-entry-title a")["href"] == "../../../essays/twenty-years/"
    essay = soup(app.outdir / "essays/twenty-years/index.html")
    assert essay.select_one(".reflections-byline a")["href"] == "../../reflections/authors/jenny/"


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"reflections_url_prefix": "kb/essays"})
def test_url_prefix(app) -> None:
    app.build()
    assert (app.outdir / "kb/essays/index.html").is_file()
    assert (app.outdir / "kb/essays/authors/jenny.html").is_file()
    essay = soup(app.outdir / "essays/twenty-years.html")
    assert essay.select_one(".reflections-byline a")["href"] == "../kb/essays/authors/jenny.html"


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"html_theme": "furo"})
def test_furo_layout(app) -> None:
    pytest.importorskip("furo")
    app.build()
    page = soup(app.outdir / "reflections/authors/jenny.html")
    assert page.select_one("article.reflections-author-card") is not None
    assert page.select_one(".sidebar-drawer") is not None
