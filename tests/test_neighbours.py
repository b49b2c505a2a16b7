"""Beside the extensions a knowledge base already runs (the compatibility table in the docs).

The showcase (docs/) is built once with sphinxext-opengraph, sphinx-sitemap,
sphinx-copybutton, sphinx-last-updated-by-git, myst-nb and sphinxext-rediraffe
loaded together, warnings as errors; ABlog and sphinx-tags are each tried in a
project of their own, alone and set to write where this extension writes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reflections_testutil import copy_root, edit, soup, warnings_of

DOCS = Path(__file__).resolve().parent.parent / "docs"
NEIGHBOURS = (
    "sphinx_sitemap",
    "sphinx_copybutton",
    "sphinxext.opengraph",
    "sphinxext.rediraffe",
    "sphinx_last_updated_by_git",
    "myst_nb",
)


def _missing(*modules: str) -> list[str]:
    import importlib.util

    return [m for m in modules if importlib.util.find_spec(m) is None]


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The showcase built with every neighbour, from a git checkout (for last-updated)."""
    missing = _missing(*NEIGHBOURS)
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
    if shutil.which("git") is None:
        pytest.skip("sphinx-last-updated-by-git needs git")
    root = tmp_path_factory.mktemp("showcase")
    src = root / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    shutil.copy(DOCS.parent / "CHANGELOG.md", root / "CHANGELOG.md")
    conf = src / "conf.py"
    edit(
        conf,
        '    "myst_parser",\n',
        '    "myst_nb",  # reads MyST like myst_parser, and notebooks\n',
    )
    with conf.open("a", encoding="utf-8") as stream:
        stream.write(
            f"extensions += {[n for n in NEIGHBOURS if n != 'myst_nb']!r}\n"
            'nb_execution_mode = "off"\n'
            'ogp_site_url = "https://kb.example.com/"\n'
            'sitemap_url_scheme = "{link}"\n'
            'html_last_updated_fmt = "%Y-%m-%d"\n'
            'rediraffe_redirects = {"old-essays": "essays/index"}\n'
        )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    env = {
        **os.environ,
        "GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z",
        "GIT_AUTHOR_DATE": "2026-01-02T00:00:00Z",
    }
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "kb"]):
        subprocess.run([*git, *command], cwd=root, env=env, check=True, capture_output=True)
    out = root / "html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(src),
            str(out),
        ],
        capture_output=True,
        text=True,
        env={**env, "SOURCE_DATE_EPOCH": "1767225600"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    return out


def _meta(page: Path) -> list[tuple[str, str]]:
    return [
        (str(m.get("property") or m.get("name")), str(m.get("content")))
        for m in soup(page).find_all("meta")
        if m.get("property") or m.get("name")
    ]


def _reflection_pages(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.html") if "reflections-byline" in p.read_text(encoding="utf-8")]


def test_opengraph_and_last_updated_write_each_meta_tag_once(showcase: Path) -> None:
    pages = _reflection_pages(showcase / "essays")
    assert pages
    for page in pages:
        names = [n for n, _ in _meta(page) if n.startswith(("og:", "article:"))]
        # one article:tag per tag and one article:author per author; anything else once
        repeated = {n for n in names if names.count(n) > 1} - {"article:tag", "article:author"}
        assert not repeated, (page.name, repeated)
        assert (
            names.count("article:modified_time") == 1
        )  # the git date, sphinx-last-updated-by-git's
        assert names.count("og:title") == 1 and names.count("article:published_time") == 1
    # the theme's "last updated" (git) is there; the byline's "updated" is the author's own
    page = showcase / "essays" / "tjugo-ar-med-kunden.html"
    assert "2026-01-02" in page.read_text(encoding="utf-8")


def test_sitemap_lists_the_generated_pages(showcase: Path) -> None:
    sitemap = (showcase / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    # each page once: the probe that fingerprints the theme around generated pages is left out
    assert len(listed) == len(set(listed)), sorted(u for u in listed if listed.count(u) > 1)
    urls = set(listed)
    base = "https://kb.example.com/reflections/"
    generated = {
        base + p.relative_to(showcase / "reflections").as_posix()
        for p in (showcase / "reflections").rglob("*.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")  # alias pages redirect
    }
    assert {base + "index.html", base + "tags/index.html", base + "events/index.html"} <= generated
    assert any("/authors/" in u for u in generated) and any("/events/" in u for u in generated)
    assert generated <= urls, sorted(generated - urls)


def test_copybutton_myst_nb_and_rediraffe(showcase: Path) -> None:
    assert (showcase / "_static" / "copybutton.js").is_file()
    index = (showcase / "index.html").read_text(encoding="utf-8")
    assert "copybutton.js" in index
    # myst-nb reads the .md pages: every reflection is still one (byline, feed entry)
    sources = [
        p
        for p in (DOCS / "essays").glob("*.md")
        if "\nreflection:" in p.read_text(encoding="utf-8")
    ]
    built = {p.stem for p in _reflection_pages(showcase / "essays")}
    assert {p.stem for p in sources} <= built
    atom = (showcase / "reflections" / "atom.xml").read_text(encoding="utf-8")
    # one entry a piece: a translated piece (a shared `translation:` key) counts once
    pieces = {
        next(
            (line.split(":", 1)[1].strip() for line in text.splitlines() if "translation:" in line),
            p.stem,
        )
        for p in sources
        for text in [p.read_text(encoding="utf-8")]
    }
    assert atom.count("<entry>") >= len(pieces)
    redirect = (showcase / "old-essays.html").read_text(encoding="utf-8")
    assert "essays/index.html" in redirect


# -- ABlog and sphinx-tags in the same project -------------------------------------------

ABLOG_POST = """\
---
blogpost: true
date: Nov 26, 2023
author: Jenny Exempel
tags: CX
---
# An ABlog post

Written for ABlog.
"""


def _project(tmp_path: Path, extra: str) -> Path:
    src = copy_root("basic", tmp_path)
    with (src / "conf.py").open("a", encoding="utf-8") as stream:
        stream.write(extra)
    return src


@pytest.mark.sphinx
def test_ablog_lives_beside_reflections(make_app, tmp_path) -> None:
    pytest.importorskip("ablog")
    src = _project(tmp_path, 'extensions.append("ablog")\nblog_path = "blog"\n')
    (src / "ablog-post.md").write_text(ABLOG_POST, encoding="utf-8")
    edit(src / "index.rst", "   article", "   article\n   ablog-post")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    out = Path(app.outdir)
    assert (out / "blog.html").is_file() and (out / "reflections" / "index.html").is_file()
    assert "reflections-byline" in (out / "essays" / "twenty-years.html").read_text()


@pytest.mark.sphinx
def test_ablog_in_our_folder_is_a_clear_warning(make_app, tmp_path) -> None:
    pytest.importorskip("ablog")
    src = _project(tmp_path, 'extensions.append("ablog")\nblog_path = "reflections"\n')
    app = make_app("html", srcdir=src, freshenv=True)
    found = warnings_of(app)
    assert len(found) == 1, found
    assert (
        "conf.py:6: WARNING: ABlog's blog_path = 'reflections' and reflections_url_prefix = 'reflections' share a folder"
        in found[0]
    )
    assert found[0].endswith("[reflections.conflict]")


@pytest.mark.sphinx
def test_sphinx_tags_lives_beside_reflections_and_warns_in_our_folder(make_app, tmp_path) -> None:
    pytest.importorskip("sphinx_tags")
    src = _project(
        tmp_path,
        'extensions.append("sphinx_tags")\ntags_create_tags = True\ntags_extension = ["md", "rst"]\n',
    )
    page = src / "essays" / "twenty-years.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(
        re.sub(r"(\n# .+\n)", "\\1\n```{tags} culture, cx\n```\n", text, count=1), encoding="utf-8"
    )
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    # its own index page is in no toctree: sphinx-tags' warning, not ours
    assert [w for w in warnings_of(app) if "included in any toctree" not in w] == []
    out = Path(app.outdir)
    assert (out / "_tags" / "culture.html").is_file() and (out / "reflections" / "tags").is_dir()

    clash = _project(
        tmp_path / "clash",
        'extensions.append("sphinx_tags")\ntags_create_tags = True\ntags_output_dir = "reflections/tags"\n',
    )
    app = make_app("html", srcdir=clash, freshenv=True)
    found = [w for w in warnings_of(app) if "reflections.conflict" in w]
    assert len(found) == 1 and "tags_output_dir = 'reflections/tags'" in found[0], found
