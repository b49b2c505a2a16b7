"""The local files a post shows: found while reading, copied when the post is written.

A file is never copied over a different one, and a file that is not in the
source is reported instead of leaving a broken image behind unnoticed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..base import relative
from .common import Asset, Post, relative_link
from .report import Report

# -- files the posts use -------------------------------------------------------------------

IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)")
_INCLUDED = re.compile(r"^\s*(?:`{3,}|:{3,})\{literalinclude\}[ \t]+(\S+)", re.M)


def directive_files(body: str) -> list[tuple[int, str]]:
    """(line, path) of the files ``literalinclude`` reads (pictures are links; see ``links``)."""
    return [(body.count("\n", 0, m.start()) + 1, m[1]) for m in _INCLUDED.finditer(body)]


def note_asset(
    post: Post, target: str, line: int, source: Path, relocate: bool = False
) -> str | None:
    """Plan to copy a local file a post shows; return the new link, or None to keep it.

    ABlog keeps the tree's layout, so files keep their relative place; Jekyll
    and Hugo posts move, so their files go under ``_imported/`` and the link
    is rewritten.
    """
    if not target or re.match(r"^[a-z][a-z0-9+.-]*:|^//|^#", target, re.I):
        return None
    clean = target.split("#", 1)[0].split("?", 1)[0]
    if clean.startswith("/"):
        candidates = [source / clean.lstrip("/"), source / "static" / clean.lstrip("/")]
    else:
        candidates = [post.source.parent / clean]
    found = next((c for c in candidates if c.is_file()), None)
    root = source.resolve()
    if found is None or not found.resolve().is_relative_to(root):
        post.assets.append(Asset(None, Path(clean), line))
        return None
    rel = found.resolve().relative_to(root)
    if not relocate:
        post.assets.append(Asset(found, rel, line))
        return None
    if rel.parts[:1] == ("static",):
        rel = Path(*rel.parts[1:])
    dest = Path("_imported") / rel
    post.assets.append(Asset(found, dest, line))
    return relative_link(dest, post.dest)


def note_found(post: Post, found: Path, line: int, source: Path, relocate: bool) -> str | None:
    """Plan to copy a file found in the source; return the post's new link to it.

    ``None`` when the file is outside the source (it is then reported, never copied).
    """
    root = source.resolve()
    if not found.resolve().is_relative_to(root):
        post.assets.append(Asset(None, found, line))
        return None
    rel = found.resolve().relative_to(root)
    if relocate:
        if rel.parts[:1] == ("static",):
            rel = Path(*rel.parts[1:])
        rel = Path("_imported") / rel
    post.assets.append(Asset(found, rel, line))
    return relative_link(rel, post.dest)


def copy_assets(post: Post, dest: Path, report: Report) -> None:
    """Copy what a written post shows; an existing different file is never replaced."""
    for asset in post.assets:
        if asset.found is None:
            report.problem(
                post.source,
                asset.line,
                f"file {asset.dest.as_posix()!r} is not in the source; copy it by hand",
            )
            continue
        target = dest / asset.dest
        if any(t == target for t, _ in report.created):
            continue
        if target.exists():
            if target.read_bytes() != asset.found.read_bytes():
                report.problem(
                    post.source,
                    asset.line,
                    f"{relative(target)} exists with other content; not overwritten",
                )
            continue
        if not report.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.found, target)
        report.created.append((target, asset.found))
