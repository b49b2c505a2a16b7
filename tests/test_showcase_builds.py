"""The whole showcase (docs/): reproducible, parallel-safe and incremental-exact."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reflections_testutil import edit

DOCS = Path(__file__).resolve().parent.parent / "docs"
pytestmark = pytest.mark.skipif(not (DOCS / "conf.py").is_file(), reason="needs the docs/ tree")
EPOCH = "1767225600"  # 2026-01-01


def _build(src: Path, out: Path, *args: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-q",
            "-b",
            "html",
            "-d",
            str(out / ".doctrees"),
            *args,
            str(src),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _copy(tmp_path: Path, name: str) -> Path:
    src = tmp_path / name
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    shutil.copy(
        DOCS.parent / "CHANGELOG.md", tmp_path / "CHANGELOG.md"
    )  # docs include ../CHANGELOG.md
    return src


# Sphinx itself drops the general-index entries of unchanged documents from the search
# index on incremental builds (seen with a plain two-page project and no extension).
SPHINX_INCREMENTAL_ONLY = {"searchindex.js"}
SPHINX_ALWAYS_WRITTEN = {"genindex.html", "search.html", "py-modindex.html"}
LISTS_REFLECTIONS = re.compile(
    r'class="[^"]*\b(reflections-list|reflections-hashtag-cloud|reflections-empty)\b'
)


def _diff(a: dict[str, str], b: dict[str, str], ignore: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k) and k not in ignore)


def test_two_clean_builds_are_identical(tmp_path) -> None:
    src = _copy(tmp_path, "src")
    _build(src, tmp_path / "one")
    _build(src, tmp_path / "two")
    assert _diff(_tree(tmp_path / "one/html"), _tree(tmp_path / "two/html")) == []


def test_parallel_equals_serial(tmp_path) -> None:
    src = _copy(tmp_path, "src")
    _build(src, tmp_path / "j1", "-j", "1")
    _build(src, tmp_path / "j2", "-j", "2")
    assert _diff(_tree(tmp_path / "j1/html"), _tree(tmp_path / "j2/html")) == []


NEW_PIECE = """---
orphan: true
reflection:
  author: goran
  date: 2025-09-01
  tags: [CX, Nyhet]
  summary: A short new piece.
---
# A new piece

Written for the incremental test, about #Kundresan2023.
"""

EDITS = [
    (
        "change a tag",
        lambda s: edit(s / "essays/the-assistant-drafts.md", "tags: [AI,", "tags: [Automation,"),
    ),
    (
        "change an author",
        lambda s: edit(s / "essays/the-assistant-drafts.md", "author: amira", "author: petra"),
    ),
    (
        "change an event",
        lambda s: edit(
            s / "essays/tjugo-ar-med-kunden.md",
            "event: kundresan-2023",
            "event: customer-summit-2027",
        ),
    ),
    (
        "change a date",
        lambda s: edit(
            s / "essays/the-assistant-drafts.md", "date: 2024-02-12", "date: 2022-02-12"
        ),
    ),
    (
        "add a reflection",
        lambda s: (s / "essays/new-piece.md").write_text(NEW_PIECE, encoding="utf-8"),
    ),
    ("delete a reflection", lambda s: (s / "essays/new-piece.md").unlink()),
    (
        "flip draft",
        lambda s: edit(
            s / "essays/the-assistant-drafts.md",
            "category: Technology",
            "category: Technology\n  draft: true",
        ),
    ),
]


def test_incremental_equals_clean_after_each_edit(tmp_path) -> None:
    src = _copy(tmp_path, "src")
    live = tmp_path / "live"
    _build(src, live)
    leftovers: set[str] = set()
    for number, (what, change) in enumerate(EDITS):
        stem = {"change an event": "tjugo-ar-med-kunden"}.get(what, "the-assistant-drafts")
        if "reflection" in what:
            stem = "new-piece"
        before = _tree(live / "html")
        mtimes = {p: (live / "html" / p).stat().st_mtime_ns for p in before}
        change(src)
        _build(src, live)
        clean = tmp_path / f"clean{number}"
        _build(src, clean)
        after = _tree(live / "html")
        # Sphinx keeps the output of a deleted document; what the extension generated goes
        if what.startswith("delete"):
            leftovers |= {"_sources/essays/new-piece.md.txt", "essays/new-piece.html"}
        ignore = SPHINX_INCREMENTAL_ONLY | leftovers
        assert _diff(after, _tree(clean / "html"), ignore) == [], what
        # unrelated pages were not rewritten. Related are: pages whose bytes changed, pages
        # that list reflections (their fingerprint changed), Sphinx's always-written pages,
        # and pages linking to any of those (Sphinx rewrites the toctree parents of a
        # rewritten page).
        html_pages = [p for p in after if p.endswith(".html")]
        text = {p: (live / "html" / p).read_text() for p in html_pages}
        changed = {p for p in html_pages if before.get(p) != after[p]}
        listing = {p for p in html_pages if LISTS_REFLECTIONS.search(text[p])}
        related = changed | listing | SPHINX_ALWAYS_WRITTEN
        names = {posixpath.basename(p) for p in related} | {f"{stem}.html"}
        touched = [
            p
            for p in html_pages
            if p in mtimes
            and p not in changed
            and (live / "html" / p).stat().st_mtime_ns != mtimes[p]
        ]
        unrelated = [
            p for p in touched if p not in related and not any(n in text[p] for n in names)
        ]
        assert unrelated == [], (what, unrelated)


def test_source_dir_untouched(tmp_path) -> None:
    src = _copy(tmp_path, "src")
    before = _tree(src)
    _build(src, tmp_path / "out")
    _build(src, tmp_path / "out")
    assert _tree(src) == before
