"""Each piece in its own language, translations linked, feeds by language (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import feedparser
import pytest

from reflections_testutil import copy_root, soup, warnings_of

pytestmark = pytest.mark.usefixtures("build_date")

SWEDISH = """---
reflection:
  author: jenny
  date: 2023-05-29
  category: Ledarskap
  tags: [CX]
  updated: 2023-06-02
  language: sv
  translation: twenty
---
# Tjugo år med kunden

```{event} mässan
:name: Mässan 2023
:start: 2023-05-24
:location: Stockholm
```

Det var en lång dag på mässan, och jag lärde mig mycket om kunderna.
"""

ENGLISH = """---
reflection:
  author: jenny
  date: 2023-06-05
  tags: [CX]
  translation: twenty
---
# Twenty years with the customer

It was a long day at the fair, and I learned a lot about customers.
"""

FINNISH = """---
reflection:
  author: jenny
  date: 2024-02-01
  tags: [CX]
  language: fi
---
# Asiakkaan kanssa

Pitkä päivä messuilla.
"""

UNKNOWN = """---
reflection:
  author: jenny
  date: 2024-03-01
  language: xx-nonsense
---
# Unknown language

Text.
"""


def _root(tmp_path: Path) -> Path:
    src = copy_root("basic", tmp_path)
    pages = {"sv": SWEDISH, "en": ENGLISH, "fi": FINNISH}
    for name, text in pages.items():
        (src / f"{name}.md").write_text(text, encoding="utf-8")
    (src / "listings.md").write_text(
        "# Listings\n\n```{reflections}\n```\n\n```{reflections}\n:translations: all\n```\n\n"
        "```{reflections}\n:language: sv, fi\n```\n",
        encoding="utf-8",
    )
    index = src / "index.rst"
    index.write_text(index.read_text() + "\n.. toctree::\n\n   sv\n   en\n   fi\n   listings\n")
    return src


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=_root(tmp_path_factory.mktemp("languages")))
    app.build()
    yield app
    app.cleanup()


def _ld(page: Any, kind: str) -> dict[str, Any]:
    for script in page.select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        if data.get("@type") == kind:
            return data  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind} JSON-LD")


def test_the_build_is_clean(site: Any) -> None:
    assert warnings_of(site) == []


def test_a_piece_speaks_its_own_language(site: Any) -> None:
    page = soup(Path(site.outdir, "sv.html"))
    article = page.select_one("article.reflections-piece")
    assert article is not None and article["lang"] == "sv"
    assert page.select_one("html")["lang"] == "en"  # the site around it stays English
    meta = page.select_one(".reflections-byline-meta").get_text(" ", strip=True)
    assert meta.startswith("29 maj 2023 · 1 minuts läsning · Ledarskap")
    assert "Uppdaterad 2 juni 2023" in meta
    callout = page.select_one("aside.reflections-event")
    assert callout["aria-label"] == "Evenemang: Mässan 2023"
    assert "Plats" in callout.get_text() and "24 maj 2023" in callout.get_text()
    assert "Lägg till i kalendern" in callout.get_text()
    assert _ld(page, "BlogPosting")["inLanguage"] == "sv"
    locale = page.select_one('meta[property="og:locale"]')["content"]
    assert locale == "sv_SE"
    # a piece in the site's language is not wrapped
    english = soup(Path(site.outdir, "en.html"))
    assert english.select_one("article.reflections-piece") is None
    assert "4 min read" not in english.get_text() and "1 min read" in english.get_text()


def test_translations_link_each_other(site: Any) -> None:
    swedish = soup(Path(site.outdir, "sv.html"))
    english = soup(Path(site.outdir, "en.html"))
    switch = swedish.select_one(".reflections-byline .reflections-translations")
    assert switch.get_text(" ", strip=True) == "Finns också på: English"
    link = switch.select_one("a")
    assert link["href"] == "en.html" and link.select_one("span")["lang"] == "en"
    other = english.select_one(".reflections-translations")
    assert other.get_text(" ", strip=True) == "Also in: svenska"
    assert other.select_one("span")["lang"] == "sv"
    for page in (swedish, english):
        alternates = {
            link["hreflang"]: link["href"]
            for link in page.select('link[rel="alternate"][hreflang]')
        }
        assert alternates == {
            "sv": "https://kb.example.com/sv.html",
            "en": "https://kb.example.com/en.html",
        }
    original = _ld(swedish, "BlogPosting")  # the older version is the original
    assert [w["url"] for w in original["workTranslation"]] == ["https://kb.example.com/en.html"]
    translation = _ld(english, "BlogPosting")
    assert translation["translationOfWork"]["url"] == "https://kb.example.com/sv.html"
    assert translation["translationOfWork"]["inLanguage"] == "sv"
    # the Finnish piece has no translation: no switcher, no alternates
    finnish = soup(Path(site.outdir, "fi.html"))
    assert finnish.select_one(".reflections-translations") is None
    assert not finnish.select("link[hreflang]")


def test_listings_show_one_version_unless_asked(site: Any) -> None:
    archive = soup(Path(site.outdir, "reflections/index.html"))
    titles = [a.get_text(strip=True) for a in archive.select(".reflections-entry-title a")]
    assert "Twenty years with the customer" in titles
    assert "Tjugo år med kunden" not in titles  # the version in the site's language only
    assert "Asiakkaan kanssa" in titles
    entry = next(
        e for e in archive.select("article.reflections-entry") if "Asiakkaan" in e.get_text()
    )
    assert entry["lang"] == "fi"  # its byline speaks Finnish
    tag = soup(Path(site.outdir, "reflections/tags/cx.html"))
    tag_titles = [a.get_text(strip=True) for a in tag.select(".reflections-entry-title a")]
    assert (
        tag_titles.count("Tjugo år med kunden") + tag_titles.count("Twenty years with the customer")
        == 1
    )
    listings = soup(Path(site.outdir, "listings.html")).select("ul.reflections-list")
    one, every, by_language = (
        [a.get_text(strip=True) for a in ul.select(".reflections-entry-title a")] for ul in listings
    )
    assert "Tjugo år med kunden" not in one
    assert {"Tjugo år med kunden", "Twenty years with the customer"} <= set(every)
    assert set(by_language) == {"Tjugo år med kunden", "Asiakkaan kanssa"}


def test_feeds_by_language(site: Any) -> None:
    out = Path(site.outdir, "reflections")
    main = feedparser.parse((out / "atom.xml").read_bytes())
    titles = [e.title for e in main.entries]
    assert "Twenty years with the customer" in titles and "Tjugo år med kunden" not in titles
    finnish = next(e for e in main.entries if e.title == "Asiakkaan kanssa")
    assert finnish.get("language") == "fi" or 'xml:lang="fi"' in (out / "atom.xml").read_text()
    swedish = feedparser.parse((out / "atom-sv.xml").read_bytes())
    assert [e.title for e in swedish.entries] == ["Tjugo år med kunden"]
    assert swedish.feed.language == "sv"
    assert (out / "atom-en.xml").is_file() and (out / "atom-fi.xml").is_file()
    archive = soup(out / "index.html")
    subscribe = archive.select_one(".reflections-subscribe").get_text(" ", strip=True)
    assert "Atom (svenska)" in subscribe and "Atom (suomi)" in subscribe


def test_an_unknown_language_is_a_located_warning(make_app: Any, tmp_path: Path) -> None:
    src = _root(tmp_path)
    (src / "unknown.md").write_text(UNKNOWN, encoding="utf-8")
    index = src / "index.rst"
    index.write_text(index.read_text() + "   unknown\n")
    app = make_app("html", srcdir=src)
    app.build()
    found = [w for w in warnings_of(app) if "xx-nonsense" in w]
    assert len(found) == 1
    assert "unknown.md:5:" in found[0] and found[0].endswith("[reflections.bad-metadata]")
    assert "project's language" in found[0]
