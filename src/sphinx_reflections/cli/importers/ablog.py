"""ABlog posts: the rST or MyST ``post`` directive, file-wide fields, or MyST front matter.

ABlog's conf.py is read for its literal values only (never executed), since
the source is someone else's project and may need packages not installed here.
"""

from __future__ import annotations

import dataclasses as dc
import fnmatch
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

from ...urls import is_remote
from .assets import myst_files, note_asset
from .common import (
    MARKER,
    PersonInfo,
    Post,
    as_list,
    date_field,
    has_heading,
    key_line,
    line_of,
    literal_conf,
    parse_blog_date,
    plain_text,
    read_source,
    source_files,
    split_front_matter,
    titleize,
)
from .report import Report

# -- ABlog ---------------------------------------------------------------------------------

ABLOG_KEYS = {
    "blogpost",
    "date",
    "author",
    "tags",
    "category",
    "location",
    "language",
    "excerpt",
    "image",
    "title",
    "redirect",
    "nocomments",
    "exclude",
    "external_link",
    "canonical_link",
}


_OPTION = re.compile(r"^(\s*):([\w-]+):(?:[ \t]+(.*))?$")
_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.[ \t]+([\w-]+)::(?:[ \t]*(.*))?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


@dc.dataclass
class RstBlock:
    """A directive's extent in a list of lines, with its argument and options."""

    start: int
    end: int  # exclusive
    indent: str
    argument: str
    options: dict[str, str]
    content: list[str]  # dedented


def _rst_block(lines: list[str], start: int) -> RstBlock:
    """Argument, options and content of the directive starting at ``lines[start]``."""
    match = _RST_DIRECTIVE.match(lines[start])
    if not match:
        raise ValueError(f"no directive at line {start + 1}")
    base = len(match[1])
    argument = (match[3] or "").strip()
    options: dict[str, str] = {}
    i, last = start + 1, ""
    while i < len(lines) and lines[i].strip() and _indent(lines[i]) > base:
        option = _OPTION.match(lines[i])
        if option:
            last = option[2]
            options[last] = (option[3] or "").strip()
        elif last:
            options[last] = f"{options[last]} {lines[i].strip()}"
        else:
            argument = f"{argument} {lines[i].strip()}".strip()
        i += 1
    content_start = end = i
    while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > base):
        i += 1
        if lines[i - 1].strip():
            end = i
    body = textwrap.dedent("\n".join(lines[content_start:end])).strip("\n")
    return RstBlock(start, end, match[1], argument, options, body.splitlines() if body else [])


def _unwrap_posts(lines: list[str]) -> list[str]:
    """Every remaining ``post`` directive replaced by its own text (ABlog shows it too)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _RST_DIRECTIVE.match(lines[i])
        if not (match and match[2] == "post"):
            out.append(lines[i])
            i += 1
            continue
        block = _rst_block(lines, i)
        out += [f"{block.indent}{c}" if c else "" for c in block.content]
        i = block.end
    return out


class AblogReader:
    """Posts of an ABlog site: ``post`` directive, file-wide fields, or MyST front matter."""

    def __init__(self, source: Path, report: Report) -> None:
        self.source = source
        self.report = report
        conf = literal_conf(source / "conf.py")
        self.date_format = str(conf.get("post_date_format") or "%d %B %Y")
        patterns = conf.get("blog_post_pattern") or []
        self.patterns = [patterns] if isinstance(patterns, str) else [str(p) for p in patterns]
        self.exclude = [str(p) for p in conf.get("exclude_patterns") or []]
        self.people: dict[str, PersonInfo] = {}
        authors = conf.get("blog_authors")
        if isinstance(authors, dict):
            for key, value in authors.items():
                name, url = (value[0], value[1]) if isinstance(value, tuple | list) else (value, "")
                links = {"Website": str(url)} if isinstance(url, str) and is_remote(url) else {}
                self.people[str(key)] = PersonInfo(str(name or key), links=links)
        self.default_author = conf.get("blog_default_author") or ""

    def _matched(self, path: Path) -> bool:
        rel = path.relative_to(self.source).as_posix()
        docname = rel.rsplit(".", 1)[0]
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(docname, p) for p in self.patterns)

    def read(self) -> list[Post]:
        posts = []
        for path in source_files(self.source, (".rst", ".md"), self.exclude):
            text = read_source(path, self.report)
            if text is None:
                continue
            post = self._rst(path, text) if path.suffix == ".rst" else self._myst(path, text)
            if post is not None:
                posts.append(post)
        return posts

    # what both forms share

    def _fill(self, post: Post, values: dict[str, Any], line: int) -> None:
        """Set a post's fields from ABlog's option names (all comma-separated)."""
        if values.get("date") in (None, ""):
            self.report.problem(
                post.source, line, "no date: ABlog treats it as a draft; add one (YYYY-MM-DD)"
            )
            post.draft = True
        else:
            date_field(post, values["date"], self.date_format, line, self.report)
        authors = as_list(values.get("author")) or as_list(self.default_author)
        post.authors = [self.people[a].name if a in self.people else a for a in authors]
        post.tags = as_list(values.get("tags"))
        categories = as_list(values.get("category"))
        if categories:
            post.category = categories[0]
            post.tags += [c for c in categories[1:] if c not in post.tags]
        for key in ("location", "language"):
            if as_list(values.get(key)):
                post.comments.append(f"{key}: {', '.join(as_list(values[key]))}")
        dropped = ("redirect", "image", "excerpt", "nocomments", "external_link", "canonical_link")
        for key in dropped:
            if key in values:
                self.report.dropped[f"ABlog {key}"] += 1
        if not authors:
            self.report.problem(post.source, line, "no author; add one to the reflection")

    # reStructuredText

    def _rst(self, path: Path, text: str) -> Post | None:
        lines = text.splitlines()
        starts = [
            i
            for i, line in enumerate(lines)
            if (m := _RST_DIRECTIVE.match(line)) and m[2] == "post"
        ]
        fields = self._rst_fields(lines)
        is_field_post = fields is not None and (
            str(fields[0].get("blogpost", "")).lower() in ("true", "yes", "1")
            or (self._matched(path) and "date" in fields[0])
        )
        if not starts and not is_field_post:
            return None
        post = Post(path, path.relative_to(self.source), "rST", "", [], None)
        if starts:
            block = _rst_block(lines, starts[0])
            values: dict[str, Any] = {**block.options, "date": block.argument}
            self._fill(post, values, starts[0] + 1)
            if block.content:
                post.summary = plain_text(" ".join(block.content))
            keep = [] if "exclude" in block.options else block.content
            replacement = [block.indent + MARKER]
            if keep:
                replacement += [""] + [f"{block.indent}{c}" if c else "" for c in keep]
            lines[block.start : block.end] = replacement
            for extra in starts[1:]:
                self.report.problem(
                    path,
                    extra + 1,
                    "a second post directive in one file: only the first becomes the "
                    "reflection, the others' text is kept; split the file to keep both",
                )
            lines = _unwrap_posts(lines)
        else:
            assert fields is not None
            values, end, kept = fields
            self._fill(post, values, 1)
            lines[:end] = [*kept, *([""] if kept else []), MARKER]
        lines = self._rst_updates(post, lines)
        post.body = "\n".join(lines) + "\n"
        self._rst_assets(post, lines)
        return post

    def _rst_fields(self, lines: list[str]) -> tuple[dict[str, Any], int, list[str]] | None:
        """A field list opening the file (file-wide metadata): values, end, other fields."""
        i = 0
        while i < len(lines) and not lines[i].strip():
            i += 1
        values: dict[str, Any] = {}
        kept: list[str] = []
        key = ""
        while i < len(lines):
            match = _OPTION.match(lines[i])
            if match and not match[1]:
                key = match[2]
                if key in ABLOG_KEYS:
                    values[key] = (match[3] or "").strip()
                else:
                    kept.append(lines[i])
            elif key and lines[i].strip() and _indent(lines[i]) > 0:
                if key in values:
                    values[key] = f"{values[key]} {lines[i].strip()}"
                else:
                    kept.append(lines[i])
            else:
                break
            i += 1
        return (values, i, kept) if values else None

    def _rst_updates(self, post: Post, lines: list[str]) -> list[str]:
        """``update`` becomes a titled admonition; ``postlist`` is removed and reported."""
        out: list[str] = []
        i = 0
        while i < len(lines):
            match = _RST_DIRECTIVE.match(lines[i])
            if match and match[2] == "update":
                when, _ = parse_blog_date(match[3] or "", self.date_format)
                if when and post.date and when > post.date:
                    post.updated = max(post.updated or when, when)
                shown = when.isoformat() if when else (match[3] or "").strip()
                out.append(f"{match[1]}.. admonition:: Updated {shown}")
                i += 1
                continue
            if match and match[2] in ("postlist", "blogtree"):
                block = _rst_block(lines, i)
                self.report.problem(
                    post.source,
                    line_of(post, lines[i].strip()),
                    f"ABlog directive {match[2]!r} removed; use the reflections directive "
                    "to list reflections",
                )
                i = block.end
                continue
            out.append(lines[i])
            i += 1
        return out

    def _rst_assets(self, post: Post, lines: list[str]) -> None:
        for line in lines:
            match = _RST_DIRECTIVE.match(line)
            target = (match[3] or "").strip() if match else ""
            if match and match[2] in ("image", "figure", "literalinclude"):
                note_asset(post, target, line_of(post, target), self.source)
            elif match and match[2] == "include":
                self.report.problem(
                    post.source,
                    line_of(post, target),
                    f"include {(match[3] or '').strip()!r} is not copied: copy it by hand "
                    "and keep it out of the build (exclude_patterns)",
                )

    # MyST

    def _myst(self, path: Path, text: str) -> Post | None:
        fm = split_front_matter(text)
        data = fm.data or {}
        fence = _myst_post_fence(fm.body)
        flag = str(data.get("blogpost", "")).lower() in ("true", "yes", "1")
        if not (flag or fence or (self._matched(path) and "date" in data)):
            return None
        if fm.error:
            self.report.problem(path, 1, fm.error)
            return None
        post = Post(path, path.relative_to(self.source), "MyST", "", [], None)
        post.body, post.body_line = fm.body, fm.body_line
        values = {k: data[k] for k in ABLOG_KEYS if k in data}
        if fence is not None:
            start, end, argument, options, content = fence
            values.update(options)
            values["date"] = argument or values.get("date")
            body_lines = post.body.splitlines()
            body_lines[start:end] = content
            post.body = "\n".join(body_lines) + "\n"
            if content:
                post.summary = plain_text(" ".join(content))
        self._fill(post, values, key_line(post, "date") if "date" in data else 1)
        if isinstance(data.get("excerpt"), str) and not post.summary:
            post.summary = plain_text(data["excerpt"])
        post.front = {k: v for k, v in data.items() if k not in ABLOG_KEYS and k != "reflection"}
        post.title = str(data.get("title") or "")
        post.needs_title = not has_heading(post.body)
        if post.needs_title and not post.title:
            post.title = titleize(path.stem)
        post.body = self._myst_updates(post)
        post.body = self._myst_lists(post)
        for _, target in myst_files(post.body):
            note_asset(post, target, line_of(post, target), self.source)
        return post

    def _myst_lists(self, post: Post) -> str:
        """``postlist`` and ``blogtree`` fences are removed and reported."""
        lines = post.body.splitlines(keepends=True)
        out: list[str] = []
        fence = ""
        for line in lines:
            if fence:
                if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                    fence = ""
                continue
            match = _MYST_LIST.match(line)
            if match:
                fence = match[1]
                self.report.problem(
                    post.source,
                    line_of(post, line.strip()),
                    f"ABlog directive {match[2]!r} removed; use the reflections directive "
                    "to list reflections",
                )
                continue
            out.append(line)
        return "".join(out)

    def _myst_updates(self, post: Post) -> str:
        def update(match: re.Match[str]) -> str:
            when, _ = parse_blog_date(match[3], self.date_format)
            if when and post.date and when > post.date:
                post.updated = max(post.updated or when, when)
            return f"{match[1]}{match[2]}{{admonition}} Updated {when or match[3].strip()}"

        return _MYST_UPDATE.sub(update, post.body)


_MYST_FENCE = re.compile(r"^(\s*)(`{3,}|:{3,})\{post\}[ \t]*(.*)$")
_MYST_LIST = re.compile(r"^\s*(`{3,}|:{3,})\{(postlist|blogtree)\}")
_MYST_UPDATE = re.compile(r"^(\s*)(`{3,}|:{3,})\{update\}[ \t]*(.*)$", re.M)


def _myst_post_fence(
    body: str,
) -> tuple[int, int, str, dict[str, str], list[str]] | None:
    """A MyST ``{post}`` directive: its lines, argument, options and content."""
    lines = body.splitlines()
    for start, line in enumerate(lines):
        match = _MYST_FENCE.match(line)
        if not match:
            continue
        marker = match[2]
        i = start + 1
        options: dict[str, str] = {}
        if i < len(lines) and lines[i].strip() == "---":
            block = []
            i += 1
            while i < len(lines) and lines[i].strip() != "---":
                block.append(lines[i])
                i += 1
            i += 1
            try:
                loaded = yaml.safe_load("\n".join(block)) or {}
            except (yaml.YAMLError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):
                options = {str(k): str(v) for k, v in loaded.items()}
        while i < len(lines) and (option := _OPTION.match(lines[i])):
            options[option[2]] = (option[3] or "").strip()
            i += 1
        content = []
        while i < len(lines) and not (
            lines[i].strip().startswith(marker[0] * len(marker))
            and not lines[i].strip().strip(marker[0])
        ):
            content.append(lines[i])
            i += 1
        text = textwrap.dedent("\n".join(content)).strip("\n")
        return start, i + 1, match[3].strip(), options, text.splitlines() if text else []
    return None
