"""``sphinx-reflections import``: ABlog and Jekyll/Hugo posts become reflections.

Moving a blog must be one command, and the author must be able to trust it:
the source is only ever read (never executed: ABlog's conf.py is parsed, not
run), nothing in the destination is overwritten, and everything that could
not be carried over is reported by file and line instead of disappearing.

``import_blog`` picks the reader for the engine and writes what it read;
each engine's reader, the template conversion, the people registry and the
report have a module of their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..base import relative
from .ablog import AblogReader
from .assets import copy_assets
from .common import literal_conf, safe_yaml
from .jekyll import JekyllReader
from .people import People, registry_location, write_people
from .report import Report
from .write import render_myst, render_rst

__all__ = ["Report", "import_blog"]


def import_blog(source: Path, dest: Path, engine: str, dry_run: bool = False) -> Report:
    """Read every post under ``source``, convert it, write it under ``dest``."""
    report = Report(source, dest, dry_run)
    reader: AblogReader | JekyllReader = (
        AblogReader(source, report) if engine == "ablog" else JekyllReader(source, report)
    )
    posts = reader.read()
    report.found = len(posts)
    if isinstance(reader, JekyllReader):
        for post in posts:
            reader.convert(post)
    registry_path, how = registry_location(dest)
    existing: dict[str, Any] = safe_yaml(registry_path) if registry_path.is_file() else {}
    if how == "dict":
        existing = literal_conf(dest / "conf.py")["reflections_authors"]
    people = People(existing, reader.people)
    source_root = source.resolve()
    for post in posts:
        target = dest / post.dest
        if target.resolve().is_relative_to(source_root):
            report.problem(post.source, 0, "its destination is inside the source; skipped")
            continue
        if target.exists():
            report.problem(
                post.source, 0, f"{relative(target)} already exists; not overwritten, post skipped"
            )
            continue
        ids = [people.id_for(name) for name in post.authors]
        text = render_rst(post, ids) if post.kind == "rST" else render_myst(post, ids)
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        report.created.append((target, post.source))
        report.formats[post.kind] += 1
        copy_assets(post, dest, report)
    if people.new or people.reused:
        write_people(people, dest, report)
    return report
