"""Builders without generated pages degrade to readable text and never warn."""

from __future__ import annotations

import pytest

from reflections_testutil import soup, warnings_of


@pytest.mark.sphinx("text", testroot="basic")
def test_text(app) -> None:
    app.build()
    assert warnings_of(app) == []
    essay = (app.outdir / "essays/together.txt").read_text()
    assert "Jenny Exempel, Marknadsdirektör · Björn Öhman, CEO" in essay
    assert "November 1, 2022 · 1 min read" in essay
    index = (app.outdir / "index.txt").read_text()
    assert "Written by Jenny Exempel; see also the CEO." in index
    assert "Twenty years in customer experience, telecom and media." in index
    # the "all reflections" link points at a page this builder does not write
    assert "All reflections by" not in index


@pytest.mark.sphinx("latex", testroot="basic")
def test_latex_offline_without_remote_avatars(app) -> None:
    app.build()
    # a remote avatar would make Sphinx try to download it and warn offline
    assert warnings_of(app) == []
    tex = next(app.outdir.glob("*.tex")).read_text()
    assert "example.org/bjorn.png" not in tex
    assert "Jenny Exempel" in tex
    assert "May 29, 2023" in tex
    assert "Marknadsdirektör" in tex


@pytest.mark.sphinx("man", testroot="basic")
def test_man(app) -> None:
    app.build()
    assert warnings_of(app) == []
    page = next(app.outdir.glob("*.1")).read_text()
    assert "Björn Öhman" in page


@pytest.mark.sphinx("texinfo", testroot="basic")
def test_texinfo(app) -> None:
    app.build()
    assert warnings_of(app) == []
    assert "Jenny Exempel" in next(app.outdir.glob("*.texi")).read_text()


@pytest.mark.sphinx("singlehtml", testroot="basic")
def test_singlehtml(app) -> None:
    app.build()
    assert warnings_of(app) == []
    page = soup(app.outdir / "index.html")
    assert page.select_one(".reflections-byline time")["datetime"]
    # no generated pages to link to: names are text, remote avatars are left out
    assert not page.select('a[href*="reflections/authors"]')
    srcs = [img["src"] for img in page.select("img.reflections-avatar")]
    assert srcs and all(src == "_reflections/avatars/jenny.svg" for src in srcs)
    assert (app.outdir / "_reflections/avatars/jenny.svg").is_file()
    assert not (app.outdir / "reflections").exists()


@pytest.mark.sphinx("epub", testroot="basic", confoverrides={"version": "1.0"})
def test_epub(app) -> None:
    app.build()
    assert [w for w in warnings_of(app) if "reflections" in w] == []
    page = soup(app.outdir / "essays/together.xhtml")
    assert not page.select('img[src^="http"]')
    assert not page.select('a[href*="reflections/authors"]')
    assert not (app.outdir / "reflections").exists()


def test_census_finds_in_one_walk_what_each_step_acts_on() -> None:
    """The resolution stage walks a tree once; a step walks again only for a kind it saw."""
    from types import SimpleNamespace

    from docutils import nodes
    from sphinx import addnodes

    from sphinx_reflections import nodes as rnodes
    from sphinx_reflections.hashtags import INDEX_MARK
    from sphinx_reflections.nodes import PAGES_ONLY
    from sphinx_reflections.resolve import acts_on, census, each

    html, latex = SimpleNamespace(format="html"), SimpleNamespace(format="latex")
    tree = nodes.section()
    para = nodes.paragraph("", "plain text")
    tree += para
    assert census(tree) == set()
    assert not acts_on(census(tree), html)

    index = addnodes.index(entries=[])
    index[INDEX_MARK] = True
    para += index
    kinds = census(tree)
    assert kinds == {INDEX_MARK}
    assert acts_on(kinds, latex) and not acts_on(kinds, html)

    class local_avatar(rnodes.reflections_avatar):  # a class of another module
        pass

    deep = nodes.inline()
    deep += local_avatar(uri="a.png", person="p")
    para += deep
    hidden = nodes.container()
    hidden[PAGES_ONLY] = True
    tree += hidden
    kinds = census(tree)
    assert kinds == {INDEX_MARK, rnodes.reflections_avatar, PAGES_ONLY}
    assert acts_on(kinds, html)
    assert [type(n) for n in each(tree, rnodes.reflections_avatar, kinds)] == [local_avatar]
    # a kind the census did not see is not walked for, whatever the tree holds now
    tree += rnodes.reflections_upcoming(until="2099-01-01")
    assert each(tree, rnodes.reflections_upcoming, kinds) == []
    # what a step makes is counted in by a census of that content alone
    made = nodes.paragraph()
    made += rnodes.reflections_upcoming(until="2099-01-01")
    assert census(made, kinds) is kinds
    assert len(each(tree, rnodes.reflections_upcoming, kinds)) == 1
