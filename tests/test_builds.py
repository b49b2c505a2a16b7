"""Parallel, incremental and read-only-source guarantees."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reflections_testutil import copy_root, edit, soup, warnings_of

pytestmark = pytest.mark.sphinx


def _project(tmp_path: Path, name: str, extra: int = 0) -> Path:
    """A copy of test-basic, with ``extra`` more reflections to make -j worth it."""
    src = copy_root("basic", tmp_path, name)
    toc = []
    for i in range(extra):
        author = ("jenny", "bjorn", "sam")[i % 3]
        (src / "essays" / f"extra{i:02d}.md").write_text(
            f"---\nreflection:\n  author: {author}\n  date: 2021-{i % 12 + 1:02d}-{i % 27 + 1:02d}\n"
            f"  tags: [T{i % 4}]\n---\n# Extra piece {i}\n\n"
            + "Some words. " * (20 * i + 1)
            + "\n",
            encoding="utf-8",
        )
        toc.append(f"   essays/extra{i:02d}")
    if toc:
        with (src / "index.rst").open("a", encoding="utf-8") as index:
            index.write("\n.. toctree::\n\n" + "\n".join(toc) + "\n")
    return src


def _tree(root: Path) -> dict[str, str]:
    """Relative path -> content hash of every file under ``root``."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_parallel_output_equals_serial(make_app, tmp_path, monkeypatch) -> None:
    """Byte for byte; and a piece's related reflections are made in the workers that
    write the pages, not one after another in the main process."""
    import os

    from sphinx.util.parallel import parallel_available

    from sphinx_reflections import resolve

    made_in = tmp_path / "made-in.txt"
    real = resolve.make_related

    def spy(app: Any, builder: Any, spot: Any) -> Any:
        with made_in.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(app, builder, spot)

    monkeypatch.setattr(resolve, "make_related", spy)  # connected by setup(), below
    outputs = []
    for jobs in (1, 2):
        made_in.write_text("", encoding="utf-8")
        src = _project(tmp_path, f"j{jobs}", extra=12)
        app = make_app("html", srcdir=src, parallel=jobs)
        app.build()
        assert warnings_of(app) == []
        outputs.append(_tree(app.outdir))
        pids = set(made_in.read_text(encoding="utf-8").split())
        if jobs == 1:
            assert pids == {str(os.getpid())}
        elif parallel_available:  # forked workers (POSIX)
            assert app.builder.parallel_ok
            assert pids - {str(os.getpid())}, "related lists were all made in the main process"
    serial, parallel = outputs
    assert set(serial) == set(parallel)
    different = [name for name in serial if serial[name] != parallel[name]]
    assert different == []
    assert any(name.startswith("reflections/authors/") for name in serial)
    piece = soup(app.outdir / "essays" / "extra03.html")
    assert len(piece.select("nav.reflections-related .reflections-entry")) >= 2


def test_incremental_author_change_updates_both_author_pages(make_app, tmp_path) -> None:
    src = _project(tmp_path, "incr")
    # every piece here is related to every other: without the lists, second.html shows
    # nothing of the piece that changes
    unrelated_lists = {"reflections_related": 0}
    app = make_app("html", srcdir=src, confoverrides=unrelated_lists)
    app.build()

    def titles(person: str) -> list[str]:
        page = soup(app.outdir / f"reflections/authors/{person}.html")
        return [a.get_text() for a in page.select(".reflections-entry-title a")]

    assert "Written together" in titles("jenny")
    assert "Written together" not in titles("sam")
    unrelated = app.outdir / "essays/second.html"
    before = unrelated.stat().st_mtime_ns

    essay = src / "essays/together.md"
    edit(essay, "[jenny, bjorn]", "sam")
    app2 = make_app("html", srcdir=src, confoverrides=unrelated_lists)
    app2.build()
    assert "Written together" not in titles("jenny")
    assert "Written together" not in titles("bjorn")
    assert "Written together" in titles("sam")
    archive = soup(app.outdir / "reflections/index.html")
    entry = next(
        e for e in archive.select(".reflections-entry") if "Written together" in e.get_text()
    )
    assert [a.get_text() for a in entry.select(".reflections-author-card-compact a")] == [
        "Sam Lind"
    ]
    assert unrelated.stat().st_mtime_ns == before


def test_a_registry_change_shows_in_the_byline_of_the_piece(make_app, tmp_path) -> None:
    src = _project(tmp_path, "registry")
    app = make_app("html", srcdir=src)
    app.build()
    people = src / "people.yml"
    edit(people, "role: CEO", "role: Chief Executive")
    app2 = make_app("html", srcdir=src)
    app2.build()
    essay = soup(app2.outdir / "essays/second.html")
    assert essay.select_one(".reflections-author-role").get_text() == "Chief Executive"


@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml", "latex", "text", "epub"])
def test_nothing_is_written_into_the_source_dir(make_app, tmp_path, builder) -> None:
    src = _project(tmp_path, "ro", extra=2)
    before = _tree(src)
    app = make_app(builder, srcdir=src, builddir=tmp_path / "out", confoverrides={"version": "1"})
    app.build()
    app.build()  # and an incremental one
    assert _tree(src) == before


def test_a_rebuild_that_changed_nothing_says_nothing_about_the_configuration(
    tmp_path: Path,
) -> None:
    """As a user runs it: ``sphinx-build`` twice (sphinx-design adds a static folder late)."""
    src = copy_root("basic", tmp_path)
    command = [sys.executable, "-m", "sphinx", "-b", "html", str(src), str(tmp_path / "out")]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "loading pickled environment" not in first.stdout
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "loading pickled environment" in again.stdout
    assert "configuration has changed" not in again.stdout, again.stdout
    assert "WARNING" not in again.stderr, again.stderr


def _all_files(outdir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(outdir)): p.read_bytes()
        for p in sorted(outdir.rglob("*"))
        if p.is_file() and p.name != ".buildinfo"
    }


def test_the_collector_is_frozen_while_pages_are_written_and_not_after(
    make_app, tmp_path: Path
) -> None:
    import gc

    counts: list[int] = []
    reading: list[int] = []

    def read(*_args: object) -> None:
        gc.collect()  # a full collection while reading: what survives it is frozen after it
        reading.append(gc.get_freeze_count())

    kept: list[int] = []  # doctrees Sphinx holds for the write phase when reading ends
    pickled: list[str] = []  # pickles of written pages still held when the next is written

    def written(app: Any, _doctree: object, docname: str) -> None:
        counts.append(gc.get_freeze_count())
        pickled.extend(name for name in app.env._pickled_doctree_cache if name != docname)

    frozen = make_app("html", srcdir=copy_root("basic", tmp_path, "frozen"))
    frozen.connect("doctree-read", read)
    frozen.connect("env-updated", lambda _app, env: kept.append(len(env._write_doc_doctree_cache)))
    frozen.connect("doctree-resolved", written)
    frozen.build()
    assert kept == [0]  # each page loads its pickle when it is written, as with -j
    assert not pickled  # and its bytes go once it is written
    assert type(frozen.env._write_doc_doctree_cache) is dict  # Sphinx's own again
    assert reading and min(reading) > 0
    assert counts and min(counts) > 0  # every page was written with the collector frozen
    assert gc.get_freeze_count() == 0  # and the build gave everything back
    assert not [c for c in gc.callbacks if getattr(c, "__module__", "").startswith("sphinx_refl")]

    counts.clear()
    thawed = make_app(
        "html",
        srcdir=copy_root("basic", tmp_path, "thawed"),
        confoverrides={"reflections_gc_freeze": False},
    )
    thawed.connect("doctree-resolved", lambda *_args: counts.append(gc.get_freeze_count()))
    reading.clear()
    kept.clear()
    thawed.connect("doctree-read", read)
    thawed.connect("env-updated", lambda _app, env: kept.append(len(env._write_doc_doctree_cache)))
    thawed.build()
    assert kept == [0]  # no doctree kept for writing either: that is memory, not the collector
    assert counts and max(counts) == 0
    assert reading and max(reading) == 0
    # the same output, byte for byte (the source folders differ only in name)
    assert _all_files(frozen.outdir) == _all_files(thawed.outdir)


def test_the_search_index_stems_each_word_once_per_build(
    make_app, tmp_path: Path, monkeypatch
) -> None:
    """reflections_search_memo: fewer calls to the stemmer, the same searchindex.js."""
    from sphinx.search.en import SearchEnglish

    from sphinx_reflections import compat

    stemmed: list[str] = []
    stock = SearchEnglish.stem

    def counting(self: SearchEnglish, word: str) -> str:
        stemmed.append(word)
        return stock(self, word)

    counting.__module__ = stock.__module__  # still Sphinx's English stem, which gets the memo
    monkeypatch.setattr(SearchEnglish, "stem", counting)
    built = {}
    for memo in (False, True):
        stemmed.clear()
        app = make_app(
            "html",
            srcdir=copy_root("basic", tmp_path, f"memo-{memo}"),
            confoverrides={"reflections_search_memo": memo},
        )
        app.build()
        built[memo] = (list(stemmed), (app.outdir / "searchindex.js").read_bytes())
        lang = app.builder.indexer.lang
        assert isinstance(lang.stem, compat._StemMemo) is memo
    (per_page, index_without), (per_build, index_with) = built[False], built[True]
    assert index_with == index_without
    assert sorted(per_build) == sorted(set(per_page))  # each distinct word stemmed once
    assert len(per_build) < len(per_page)  # the pages share words: fewer calls
