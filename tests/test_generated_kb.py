"""A generated knowledge base (tools/kbgen.py, as `make bench` builds it) gives the right pages.

The generator knows what it wrote: each reflection's authors, tags, event and
draft flag (``kb.plans``). The built site must agree with it, page by page.
One build serves every test here.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from reflections_testutil import BUILD_EPOCH, kbgen, soup, warnings_of, write_kb

SIZES = {"reflections": 25, "pages": 15, "authors": 6, "tags": 12, "events": 3}
PREFIX = "reflections"  # where the generated pages go (the default url_prefix)


@dataclass(frozen=True)
class Site:
    """The generated sources, what they were made from, and the built HTML."""

    kb: kbgen.KnowledgeBase
    outdir: Path
    warnings: list[str]
    status: int

    def page(self, pagename: str) -> BeautifulSoup:
        return soup(self.outdir / f"{pagename}.html")

    def listed(self, pagename: str, within: str = "") -> list[str]:
        """The docnames of the reflection entries on a page, in page order."""
        root = self.page(pagename).select_one(within or "div.body")
        assert root is not None, (pagename, within)
        links = root.select("article.reflections-entry .reflections-entry-title a")
        return [_docname(pagename, a["href"]) for a in links]


def _docname(pagename: str, href: str) -> str:
    """The document an ``href`` on ``pagename`` points to."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(pagename), href.split("#")[0]))
    assert path.endswith(".html"), href
    return path.removesuffix(".html")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("generated-kb")
    kb = write_kb(root / "src", **SIZES)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        app = SphinxTestApp(
            "html",
            srcdir=root / "src",
            builddir=root / "_build",
            freshenv=True,
            status=StringIO(),
            warning=StringIO(),
        )
        try:
            app.build()
        finally:
            app.cleanup()
    return Site(kb, Path(app.outdir), warnings_of(app), app.statuscode)


def _published(kb: kbgen.KnowledgeBase) -> list[kbgen.Plan]:
    return [plan for plan in kb.plans if not plan.draft]


def test_the_build_is_clean(site: Site) -> None:
    assert site.warnings == []
    assert site.status == 0
    assert len(site.kb.plans) == SIZES["reflections"]


def test_the_archive_lists_every_published_reflection_once_under_its_year(site: Site) -> None:
    archive = f"{PREFIX}/index"
    expected = {plan.docname: plan for plan in _published(site.kb)}
    listed = site.listed(archive)
    # each once, none missing; and no draft (at this size the generator makes none: its
    # first is the 45th reflection; test_reflection_pages checks drafts)
    assert sorted(listed) == sorted(expected)
    page = site.page(archive)
    for year in {plan.date.year for plan in expected.values()}:
        in_year = site.listed(archive, f"section#year-{year}")
        assert sorted(in_year) == sorted(d for d, p in expected.items() if p.date.year == year)
    titles = {
        _docname(archive, a["href"]): a.get_text()
        for a in page.select("article.reflections-entry .reflections-entry-title a")
    }
    assert titles == {d: plan.title for d, plan in expected.items()}


def _tag_links(site: Site) -> dict[str, str]:
    """Tag key -> the tag page's name, from the cloud on the tags index."""
    index = f"{PREFIX}/tags/index"
    cloud = site.page(index).select_one("nav.reflections-hashtag-cloud")
    assert cloud is not None
    links: dict[str, str] = {}
    for a in cloud.select("a"):
        text = a.get_text()
        assert text.startswith("#"), text
        key = text[1:].casefold()
        assert key not in links, f"#{key} twice in the cloud"
        links[key] = _docname(index, a["href"])
    return links


def test_every_tag_page_lists_exactly_the_reflections_carrying_the_tag(site: Site) -> None:
    carrying: dict[str, list[str]] = defaultdict(list)
    for plan in _published(site.kb):
        for key in {tag.casefold() for tag in (*plan.fm_tags, *plan.text_tags)}:
            carrying[key].append(plan.docname)
    links = _tag_links(site)
    # no tag out of nowhere (`issue #1`, `C#`, code): every one is a generated tag
    assert set(links) <= {tag.casefold() for tag in site.kb.tags}
    assert set(carrying) <= set(links)
    reflections = {plan.docname for plan in site.kb.plans}
    for key, pagename in links.items():
        assert sorted(site.listed(pagename)) == sorted(carrying.get(key, [])), f"#{key}"
        others = site.page(pagename).select("section#other-pages a.reference.internal")
        assert all(
            _docname(pagename, a["href"]).startswith("kb/")
            and _docname(pagename, a["href"]) not in reflections
            for a in others
        ), f"#{key}: a reflection under Other pages"


def test_every_author_page_lists_exactly_their_pieces(site: Site) -> None:
    assert site.kb.people, "the generator made no people"
    for person in site.kb.people:
        pagename = f"{PREFIX}/authors/{person.ident}"
        page = site.page(pagename)
        assert page.select_one("h1").get_text().rstrip("¶") == person.name
        expected = [p.docname for p in _published(site.kb) if person.ident in p.authors]
        assert sorted(site.listed(pagename, "section#reflections")) == sorted(expected), (
            person.ident
        )


def test_every_event_page_lists_the_reflections_about_it(site: Site) -> None:
    about = [plan for plan in _published(site.kb) if plan.event is not None]
    assert about, "no generated reflection is about an event"
    for event in site.kb.events:
        pagename = f"{PREFIX}/events/{event.ident}"
        expected = [p.docname for p in about if p.event == event]
        assert sorted(site.listed(pagename)) == sorted(expected), event.ident
