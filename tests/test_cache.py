"""Rebuilds redo only what changed: generated pages and feed entries (cache.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from reflections_testutil import ROOTS, soup
from sphinx_reflections.metadata import PAGE_KEY
from sphinx_reflections.site import feeds, pages


@pytest.fixture(autouse=True)
def _build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")


class Counter:
    """Which generated pages were rendered, which listing entries built and which
    feed bodies resolved again."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pages: list[str] = []
        self.resolved: list[str] = []
        self.entries: list[str] = []
        original = feeds.Renderer._render
        entry = pages.entry

        def building(reflection: Any, *args: Any, **kwargs: Any) -> Any:
            self.entries.append(reflection.docname)
            return entry(reflection, *args, **kwargs)

        monkeypatch.setattr(pages, "entry", building)

        def counting(renderer: feeds.Renderer, docname: str) -> str:
            self.resolved.append(docname)
            return original(renderer, docname)

        monkeypatch.setattr(feeds.Renderer, "_render", counting)

    def build(self, make_app: Any, src: Path, **kwargs: Any) -> Any:
        app = make_app("html", srcdir=src, **kwargs)

        def seen(_app: Any, pagename: str, _t: str, context: dict[str, Any], _d: Any) -> None:
            if PAGE_KEY in context:  # a generated page (the theme probes carry no key)
                self.pages.append(pagename)

        app.connect("html-page-context", seen)
        self.pages.clear()
        self.resolved.clear()
        self.entries.clear()
        app.build()
        return app


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-basic", src)
    return src


def _outputs(outdir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(outdir)): p.read_bytes()
        for p in sorted((outdir / "reflections").rglob("*"))
        if p.is_file()
    }


def test_noop_rebuild_renders_no_generated_page(make_app, tmp_path, monkeypatch) -> None:
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    assert "reflections/index" in count.pages and "reflections/tags/cx" in count.pages
    before = _outputs(app.outdir)
    mtimes = {p: (app.outdir / p).stat().st_mtime_ns for p in before}

    written = []
    original = feeds.atom
    monkeypatch.setattr(feeds, "atom", lambda *a, **k: written.append(a[0]) or original(*a, **k))
    count.build(make_app, src)
    assert count.pages == []
    assert count.entries == []
    assert count.resolved == []  # feed entries come from the cache
    assert written == []  # and no feed is assembled again
    assert _outputs(app.outdir) == before
    assert {p: (app.outdir / p).stat().st_mtime_ns for p in before} == mtimes


def test_tag_change_renders_only_the_pages_that_show_it(make_app, tmp_path, monkeypatch) -> None:
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    essay = src / "essays" / "twenty-years.md"
    essay.write_text(essay.read_text().replace("tags: [CX, AI]", "tags: [CX, Strategy]"))

    count.build(make_app, src)
    rendered = set(count.pages)
    # the new tag's page, the archive (bylines list tags), the author and the tag index
    assert {"reflections/tags/strategy", "reflections/index", "reflections/tags/index"} <= rendered
    assert "reflections/authors/jenny" in rendered
    # an author who did not write it, and a tag it never had, are left alone
    assert "reflections/authors/sam" not in rendered
    # no body resolved a second time: the edited one was captured while Sphinx wrote
    # it, the others come from the cache
    assert count.resolved == []
    # every other entry on those pages is the last build's HTML: only the edited
    # reflection's entry is built again, once per page that lists it
    assert set(count.entries) == {"essays/twenty-years"}
    listing = {"reflections/index", "reflections/authors/jenny", "reflections/tags/cx"}
    assert len(count.entries) == len(rendered & listing | {"reflections/tags/strategy"})
    page = soup(app.outdir / "reflections" / "tags" / "strategy.html")
    assert "Twenty years in customer experience" in page.get_text()

    # and the result is what a clean build gives
    clean = make_app("html", srcdir=src, builddir=tmp_path / "clean")
    clean.build()
    assert _outputs(app.outdir) == _outputs(clean.outdir)


def test_theme_change_renders_every_page_again(make_app, tmp_path, monkeypatch) -> None:
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    count.build(make_app, src)
    total = len(count.pages)
    count.build(make_app, src, confoverrides={"html_theme_options": {"description": "new"}})
    assert len(count.pages) == total


def test_cache_survives_no_outdir_file(make_app, tmp_path, monkeypatch) -> None:
    """A generated page deleted by hand is written again, even with unchanged inputs."""
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    page = app.outdir / "reflections" / "authors" / "jenny.html"
    page.unlink()
    # nothing else changed: Sphinx 8.1 would skip the write phase, had the root
    # document not been marked outdated for the missing page
    count.build(make_app, src)
    assert count.pages == ["reflections/authors/jenny"]
    assert page.is_file()


def test_generated_pages_of_a_folder_share_one_navigation(make_app, tmp_path, monkeypatch) -> None:
    """The sidebar's table of contents is resolved once per output folder, not per page."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    calls: list[tuple[str, str]] = []
    original = StandaloneHTMLBuilder._get_local_toctree

    def counting(builder: Any, docname: str, *args: Any, **kwargs: Any) -> str:
        if docname.startswith("reflections/"):
            calls.append((docname.rpartition("/")[0], repr(sorted(kwargs.items()))))
        return original(builder, docname, *args, **kwargs)

    monkeypatch.setattr(StandaloneHTMLBuilder, "_get_local_toctree", counting)
    count = Counter(monkeypatch)
    # alabaster's sidebar has the whole table of contents (the test default, basic, does not)
    app = count.build(make_app, _copy(tmp_path), confoverrides={"html_theme": "alabaster"})
    assert calls, "the theme's sidebar never asked for the table of contents"
    assert len(calls) == len(set(calls))  # each folder and set of options once
    tags = [p for p in count.pages if p.startswith("reflections/tags/")]
    assert len(tags) > 2 and len({c for c in calls if c[0] == "reflections/tags"}) < len(tags)
    # and every page still has the navigation
    for page in tags:
        html = (app.outdir / f"{page}.html").read_text(encoding="utf-8")
        assert 'class="toctree-l1"' in html
