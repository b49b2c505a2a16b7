"""``sphinx-reflections import``: ABlog, Jekyll, Hugo and Eleventy posts become reflections.

Moving a blog must be one command, and the author must be able to trust it:
the source is only ever read (never executed: ABlog's conf.py is parsed, not
run), nothing in the destination is overwritten, every link between posts
still leads to the same post, every old address gets a redirect, and
everything that could not be carried over is reported by file and line
instead of disappearing.

``import_blog`` picks the reader for the engine, converts what it read
(templates, then links) and writes it; each engine's reader, the template
conversion, the links, the people registry, the knowledge base's conf.py
and the report have a module of their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..base import relative
from .ablog import AblogReader
from .assets import copy_assets
from .common import Options, Post, safe_yaml
from .jekyll import JekyllReader
from .kb import Destination, conf_lines, redirects, write_redirects
from .links import DOC_SUFFIXES, Links
from .people import People, registry_location, write_people
from .report import Report
from .write import render_myst, render_notebook, render_rst

__all__ = ["Options", "Report", "import_blog"]


def import_blog(
    source: Path,
    dest: Path,
    engine: str,
    dry_run: bool = False,
    options: Options | None = None,
) -> Report:
    """Read every post under ``source``, convert it, write it under ``dest``."""
    options = options or Options()
    report = Report(source, dest, dry_run)
    reader: AblogReader | JekyllReader = (
        AblogReader(source, report, options)
        if engine == "ablog"
        else JekyllReader(source, report, options, engine)
    )
    posts = reader.read()
    report.found = len(posts) + report.not_imported
    kb = Destination.find(dest)
    registry_path, how = registry_location(kb)
    existing: dict[str, Any] = safe_yaml(registry_path) if registry_path.is_file() else {}
    if how == "dict":
        existing = kb.conf["reflections_authors"]
    people = People(existing, reader.people)
    site = reader.site
    if site.url:
        report.site = f"{site.address}, from {site.origin}"
    links = Links(site, report, people.id_for, kb.prefix_from_dest())
    context = reader.context(people.id_for) if isinstance(reader, JekyllReader) else None
    for post in posts:
        if isinstance(reader, JekyllReader) and context is not None:
            reader.convert(post, context)
        _convert_links(post, links)
        if post.cover:
            cover = links.cover(post)  # the extension reads image paths from conf.py's folder
            post.image = kb.path(dest / cover) if isinstance(cover, Path) else cover
    written = _write(posts, dest, people, report)
    write_redirects(kb, redirects(kb, written, report), report)
    if people.new or people.reused:
        write_people(people, kb, report)
    kinds = {p.kind for p in written} | (
        {"notebook"} if any(p.text_notebook for p in written) else set()
    )
    old = reader.extensions if isinstance(reader, AblogReader) else []
    # a copied file Sphinx would read as a page (a notebook offered for download)
    report.excluded = sorted(
        {
            kb.path(dest / a.dest)
            for p in written
            for a in p.assets
            if a.found is not None and a.dest.suffix.lower() in DOC_SUFFIXES
        }
    )
    report.conf_lines = conf_lines(kb, report, kinds, old, written) if written else []
    report.conf_file = relative(kb.root / "conf.py")
    return report


def _convert_links(post: Post, links: Links) -> None:
    """Every link of a post, in its own syntax."""
    if post.kind == "rST":
        post.body = links.rst(post, post.body)
    elif post.notebook is not None:
        for cell in post.notebook.get("cells", []):
            if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else str(source)
                new = links.markdown(post, text)
                if new != text:
                    cell["source"] = new.splitlines(keepends=True)
    else:
        post.body = links.markdown(post, post.body)


def _write(posts: list[Post], dest: Path, people: People, report: Report) -> list[Post]:
    """Write each post that may be written; return those."""
    written = []
    source_root = report.source.resolve()
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
        if post.kind == "rST":
            text = render_rst(post, ids)
        elif post.notebook is not None:
            text = render_notebook(post, ids)
        else:
            text = render_myst(post, ids)
        if not report.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        report.created.append((target, post.source))
        report.formats[post.kind] += 1
        copy_assets(post, dest, report)
        written.append(post)
    return written
