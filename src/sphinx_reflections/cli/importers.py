"""``sphinx-reflections import``: ABlog and Jekyll/Hugo posts become reflections.

Moving a blog must be one command, and the author must be able to trust it:
the source is only ever read (never executed: ABlog's conf.py is parsed, not
run), nothing in the destination is overwritten, and everything that could
not be carried over is reported by file and line instead of disappearing.
"""

from __future__ import annotations

import ast
import dataclasses as dc
import datetime as dt
import fnmatch
import os
import re
import shutil
import textwrap
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..text import file_slug, yaml_list, yaml_scalar
from ..urls import is_remote

# -- the report ------------------------------------------------------------------------------


@dc.dataclass(frozen=True)
class Note:
    """One problem the author should look at, where it is in the source."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{_shown(self.path)}:{self.line}" if self.line else _shown(self.path)
        return f"{where}: {self.message}"


def _read(path: Path, report: Report) -> str | None:
    """A source file's text; None (and a reported problem) when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        report.problem(path, 0, f"not UTF-8 text (byte {exc.start}); skipped, convert it first")
    except OSError as exc:
        report.problem(path, 0, f"cannot be read ({exc.strerror}); skipped")
    return None


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


@dc.dataclass
class Report:
    """Everything an import did and found; the CLI prints it."""

    source: Path
    dest: Path
    dry_run: bool = False
    notes: list[Note] = dc.field(default_factory=list)
    created: list[tuple[Path, Path]] = dc.field(default_factory=list)  # (written, from)
    formats: Counter[str] = dc.field(default_factory=Counter)
    stripped: int = 0
    dropped: Counter[str] = dc.field(default_factory=Counter)
    people_added: list[str] = dc.field(default_factory=list)
    people_known: list[str] = dc.field(default_factory=list)
    registry: Path | None = None
    registry_message: str = ""
    found: int = 0  # posts found, written or not

    def problem(self, path: Path, line: int, message: str) -> None:
        self.notes.append(Note(path, line, message))

    @property
    def has_problems(self) -> bool:
        return bool(self.notes) or not self.found

    def lines(self) -> list[str]:
        verb = "would create" if self.dry_run else "created"
        created = [f"{verb} {_shown(path)}" for path, _ in self.created]
        notes = sorted(self.notes, key=lambda n: (str(n.path), n.line, n.message))
        return created + [str(n) for n in notes]

    def summary(self) -> str:
        posts = sum(self.formats.values())
        verb = "would import" if self.dry_run else "imported"
        if not self.found:
            return f"sphinx-reflections import: no posts found in {_shown(self.source)}" + (
                f"; {len(self.notes)} problems above" if self.notes else ""
            )
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.formats.items()))
        count = f"{posts} of {self.found}" if posts != self.found else str(posts)
        parts = [
            f"sphinx-reflections import: {verb} {count} post{'s' * (self.found != 1)}"
            + (f" ({kinds})" if kinds else "")
            + f" from {_shown(self.source)} into {_shown(self.dest)}"
        ]
        if self.registry_message:
            parts.append(self.registry_message)
        others = len(self.notes) - self.stripped
        if self.stripped:
            parts.append(f"{self.stripped} template tag{'s' * (self.stripped != 1)} stripped")
        if others:
            parts.append(f"{others} other problem{'s' * (others != 1)}")
        if self.notes:
            parts.append("each is listed above")
        text = "; ".join(parts) + "."
        if self.dropped:
            text += " Not carried over: " + ", ".join(
                f"{key} ({count})" for key, count in sorted(self.dropped.items())
            )
            text += "."
        return text


# -- reading helpers ------------------------------------------------------------------------

_YAML_FM = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?\n?", re.S | re.M)
_TOML_FM = re.compile(r"\A\ufeff?\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*\r?\n?", re.S | re.M)


@dc.dataclass
class FrontMatter:
    """A file's front matter (``None`` when it has none) and the body after it."""

    data: dict[str, Any] | None
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    error: str = ""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that an impossible date stays text.

    ``date: 2023-02-31`` would otherwise fail the whole front matter; as
    text it is kept and reported like any other unreadable date.
    """


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def split_front_matter(text: str) -> FrontMatter:
    """YAML (``---``) or TOML (``+++``, Hugo) front matter, and the body."""
    for pattern, kind in ((_YAML_FM, "YAML"), (_TOML_FM, "TOML")):
        match = pattern.match(text)
        if not match:
            continue
        body = text[match.end() :]
        line = text.count("\n", 0, match.end()) + 1
        try:
            data = (
                yaml.load(match[1], Loader=_Loader) if kind == "YAML" else tomllib.loads(match[1])
            )
        except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as exc:
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            return FrontMatter(None, body, line, f"front matter is not valid {kind}: {reason}")
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return FrontMatter(None, body, line, "front matter is not a mapping of keys")
        return FrontMatter({str(k): v for k, v in data.items()}, body, line)
    return FrontMatter(None, text.lstrip("\ufeff"), 1)


def literal_conf(path: Path) -> dict[str, Any]:
    """The literal assignments of a conf.py, read without running it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return {}
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                values[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    return values


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[T ])")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?", re.I)


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_blog_date(value: Any, fmt: str = "") -> tuple[dt.date | None, str]:
    """A date as blogs write it; the second item explains a guess ("" when sure).

    ABlog tries ``post_date_format`` first and then dateutil, so posts carry
    dates like ``Nov 26, 2023``, ``26 November 2023`` or ``2023-11-26``.
    English month names only: that is what both engines write.
    """
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if not isinstance(value, str) or not value.strip():
        return None, ""
    text = " ".join(value.split())
    if fmt:
        try:
            return dt.datetime.strptime(text, fmt).date(), ""
        except ValueError:
            pass
    match = _ISO.match(text)
    if match:
        return _make(*(int(g) for g in match.groups())), ""
    match = _NUMERIC.match(text)
    if match:
        first, second, year = (int(g) for g in match.groups())
        if first > 12:
            return _make(year, second, first), ""
        guess = _make(year, first, second)
        if guess and second <= 12 and first != second:
            return guess, f"read {text!r} month first, as ABlog and dateutil do"
        return guess, ""
    words = re.findall(r"[A-Za-z]+|\d+", _TIME.sub(" ", text))
    months = [_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS]
    numbers = [w for w in words if w.isdigit()]
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if len(months) == 1 and len(years) == 1 and len(days) == 1:
        return _make(years[0], months[0], days[0]), ""
    return None, ""


def _as_list(value: Any, separator: str | None = ",") -> list[str]:
    """Tags, authors or categories from a list or from separated text."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = value.split(separator) if separator else value.split()
    elif isinstance(value, list | tuple):
        items = [str(v) for v in value if v is not None and not isinstance(v, dict | list)]
    else:
        items = [str(value)]
    return list(dict.fromkeys(i.strip().lstrip("#") for i in items if i.strip().lstrip("#")))


def _plain(text: str) -> str:
    """A summary as plain text: markup of Markdown, rST and HTML taken out."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # Markdown links, images
    text = re.sub(r"`([^`<]+?)\s*<[^>]*>`__?", r"\1", text)  # rST links
    text = re.sub(r"(?::[\w:-]+:|\{[\w:-]+\})`([^`]*)`", r"\1", text)  # roles
    text = re.sub(r"(\*\*|__|\*|``|`)(\S(?:.*?\S)?)\1", r"\2", text)
    return " ".join(text.split())


def _titleize(slug: str) -> str:
    return " ".join(w.capitalize() for w in re.split(r"[-_\s]+", slug) if w)


# -- posts -----------------------------------------------------------------------------------


@dc.dataclass(frozen=True)
class Asset:
    """A local file a post shows: where it is (None: not found), where it goes."""

    found: Path | None
    dest: Path  # relative to the destination (the link as written when not found)
    line: int


MARKER = "\x00reflection\x00"  # where an rST post's directive goes, until author ids are known


@dc.dataclass
class Post:
    """One post, read and converted, waiting for its authors' registry ids."""

    source: Path
    dest: Path  # relative to the destination
    kind: str  # "MyST" or "rST"
    title: str
    authors: list[str]
    date: dt.date | None
    date_raw: str = ""  # kept when unreadable, so the build flags it
    tags: list[str] = dc.field(default_factory=list)
    category: str = ""
    summary: str = ""
    image: str = ""
    updated: dt.date | None = None
    draft: bool = False
    comments: list[str] = dc.field(default_factory=list)
    front: dict[str, Any] = dc.field(default_factory=dict)  # other keys kept (ABlog MyST)
    body: str = ""
    body_line: int = 1
    needs_title: bool = False
    assets: list[Asset] = dc.field(default_factory=list)


@dc.dataclass
class PersonInfo:
    """What a blog says about an author, for the people registry."""

    name: str
    bio: str = ""
    links: dict[str, str] = dc.field(default_factory=dict)


def _date_field(post: Post, value: Any, fmt: str, line: int, report: Report) -> None:
    date, guess = parse_blog_date(value, fmt)
    if date is None and value not in (None, ""):
        post.date_raw = str(value)
        report.problem(
            post.source,
            line,
            f"date {str(value)!r} could not be read; it is kept as written, write it as YYYY-MM-DD",
        )
    elif guess:
        report.problem(post.source, line, f"{guess}: {date}; check it")
    post.date = date


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
_SKIP_DIRS = {"_build", "_site", "node_modules", "public", "resources", "themes", "venv"}


def _files(root: Path, suffixes: tuple[str, ...], exclude: Iterable[str] = ()) -> list[Path]:
    patterns = list(exclude)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if path.suffix.lower() in suffixes and not any(
                fnmatch.fnmatch(rel, p) for p in patterns
            ):
                found.append(path)
    return found


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
        for path in _files(self.source, (".rst", ".md"), self.exclude):
            text = _read(path, self.report)
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
            _date_field(post, values["date"], self.date_format, line, self.report)
        authors = _as_list(values.get("author")) or _as_list(self.default_author)
        post.authors = [self.people[a].name if a in self.people else a for a in authors]
        post.tags = _as_list(values.get("tags"))
        categories = _as_list(values.get("category"))
        if categories:
            post.category = categories[0]
            post.tags += [c for c in categories[1:] if c not in post.tags]
        for key in ("location", "language"):
            if _as_list(values.get(key)):
                post.comments.append(f"{key}: {', '.join(_as_list(values[key]))}")
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
                post.summary = _plain(" ".join(block.content))
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
                    _line_of(post, lines[i].strip()),
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
                _note_asset(post, target, _line_of(post, target), self.source)
            elif match and match[2] == "include":
                self.report.problem(
                    post.source,
                    _line_of(post, target),
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
                post.summary = _plain(" ".join(content))
        self._fill(post, values, _key_line(post, "date") if "date" in data else 1)
        if isinstance(data.get("excerpt"), str) and not post.summary:
            post.summary = _plain(data["excerpt"])
        post.front = {k: v for k, v in data.items() if k not in ABLOG_KEYS and k != "reflection"}
        post.title = str(data.get("title") or "")
        post.needs_title = not _has_heading(post.body)
        if post.needs_title and not post.title:
            post.title = _titleize(path.stem)
        post.body = self._myst_updates(post)
        post.body = self._myst_lists(post)
        for _, target in _myst_files(post.body):
            _note_asset(post, target, _line_of(post, target), self.source)
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
                    _line_of(post, line.strip()),
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
_HEADING = re.compile(r"^#\s+\S", re.M)
_MYST_FILE = re.compile(r"^\s*(?:`{3,}|:{3,})\{(?:image|figure|literalinclude)\}[ \t]+(\S+)", re.M)


def _has_heading(body: str) -> bool:
    """Whether the Markdown has a level-1 heading outside code fences."""
    fenced = False
    for line in body.splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
        elif not fenced and _HEADING.match(line):
            return True
    return False


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


# -- Jekyll and Hugo ---------------------------------------------------------------------

JEKYLL_KEYS = {
    "title",
    "date",
    "author",
    "authors",
    "tags",
    "tag",
    "categories",
    "category",
    "excerpt",
    "description",
    "summary",
    "image",
    "draft",
    "published",
    "lastmod",
    "last_modified_at",
    "updated",
    "modified",
}
_DATED_NAME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})-(.+)$")
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")
_POST_DIRS = ("_posts", "_drafts")


@dc.dataclass(frozen=True)
class Candidate:
    """A Markdown file that may be a post, and where it would go."""

    path: Path
    dest: Path
    in_posts: bool  # under _posts/_drafts: a post even without a date key
    draft: bool


def _name_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("id")
    return str(value or "").strip()


def _links(entry: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    raw = entry.get("links")
    if isinstance(raw, dict):
        for label, url in raw.items():
            if isinstance(url, str) and is_remote(url):
                found[str(label)] = url
    for key in ("url", "web", "website"):
        url = entry.get(key)
        if isinstance(url, str) and is_remote(url):
            found.setdefault("Website", url)
    return found


class JekyllReader:
    """Jekyll posts (``_posts``, ``_drafts``) and Hugo content, in Markdown."""

    def __init__(self, source: Path, report: Report) -> None:
        self.source = source
        self.report = report
        self.flavor = self._flavor()
        self.site_author = self._site_author()
        self.people: dict[str, PersonInfo] = {}
        for folder in (source / "_data", source / "data"):
            for name in ("authors.yml", "authors.yaml"):
                for key, entry in _safe_yaml(folder / name).items():
                    if isinstance(entry, dict):
                        self.people[str(key)] = PersonInfo(
                            _name_of(entry) or str(key), str(entry.get("bio") or ""), _links(entry)
                        )
        self.post_names: dict[str, Post] = {}  # every name a link may use -> the post

    def _flavor(self) -> str:
        """Which template syntax the content holds: "jekyll", "hugo" or "any"."""
        root = self.source
        if root.name in _POST_DIRS or any(d.name in _POST_DIRS for d in _all_dirs(root)):
            return "jekyll"
        if any((root / n).is_file() for n in ("_config.yml", "_config.yaml")):
            return "jekyll"
        if (root / "content").is_dir() or any(
            (root / n).is_file() for n in ("hugo.toml", "hugo.yaml", "config.toml")
        ):
            return "hugo"
        return "any"

    def _site_author(self) -> str:
        """The site-wide author, for posts that name none."""
        for name in ("_config.yml", "_config.yaml", "hugo.yaml"):
            config = _safe_yaml(self.source / name)
            params = config.get("params")
            author = config.get("author") or (
                params.get("author") if isinstance(params, dict) else None
            )
            if _name_of(author):
                return _name_of(author)
        for name in ("hugo.toml", "config.toml"):
            try:
                config = tomllib.loads((self.source / name).read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                continue
            params = config.get("params")
            author = config.get("author") or (
                params.get("author") if isinstance(params, dict) else None
            )
            if _name_of(author):
                return _name_of(author)
        return ""

    def _candidates(self) -> list[Candidate]:
        root = self.source
        post_dirs = [root] if root.name in _POST_DIRS else []
        post_dirs += [d for d in _all_dirs(root) if d.name in _POST_DIRS]
        found = []
        if post_dirs:
            for folder in post_dirs:
                before = folder.parent.relative_to(root) if folder != root else Path()
                for path in _files(folder, _MARKDOWN):
                    inner = path.relative_to(folder)
                    match = _DATED_NAME.match(inner.stem)
                    dest = before / inner.parent / f"{match[2] if match else inner.stem}.md"
                    found.append(Candidate(path, dest, True, folder.name == "_drafts"))
            return found
        content = root / "content" if (root / "content").is_dir() else root
        for path in _files(content, _MARKDOWN):
            if path.name == "_index.md":
                continue  # a Hugo section's list page
            rel = path.relative_to(content)
            if path.stem == "index" and rel.parent != Path():
                dest = rel.parent.parent / f"{rel.parent.name}.md"  # a Hugo page bundle
            else:
                match = _DATED_NAME.match(rel.stem)
                dest = rel.parent / f"{match[2] if match else rel.stem}.md"
            found.append(Candidate(path, dest, False, False))
        return found

    def read(self) -> list[Post]:
        posts = []
        taken: set[Path] = set()
        for candidate in self._candidates():
            path = candidate.path
            text = _read(path, self.report)
            if text is None:
                continue
            fm = split_front_matter(text)
            dated = _DATED_NAME.match(path.stem)
            if fm.error:
                self.report.problem(path, 1, f"{fm.error}; the file is skipped")
                continue
            if fm.data is None:
                if candidate.in_posts:
                    self.report.problem(
                        path, 1, "no front matter, so Jekyll does not publish it; skipped"
                    )
                continue
            if not (candidate.in_posts or dated or "date" in fm.data):
                continue  # a page, not a post
            post = Post(
                path,
                _unique(candidate.dest, taken),
                "MyST",
                "",
                [],
                None,
                body=fm.body,
                body_line=fm.body_line,
            )
            self._fill(post, fm.data, dated[1] if dated else "", candidate.draft)
            posts.append(post)
            names = [path.stem, path.relative_to(self.source).as_posix()]
            if dated:
                names.append(dated[2])
            content = self.source / "content"
            if path.is_relative_to(content):
                rel = path.relative_to(content).as_posix()
                names += [rel, rel.rsplit(".", 1)[0]]
                if path.stem == "index":
                    names.append(path.parent.relative_to(content).as_posix())
            for name in names:
                self.post_names.setdefault(name, post)
        return posts

    def _fill(self, post: Post, data: dict[str, Any], name_date: str, is_draft: bool) -> None:
        line = _key_line(post, "date")
        _date_field(post, data.get("date") or name_date or None, "", line, self.report)
        if post.date is None and not post.date_raw and is_draft:
            # Jekyll dates a draft by its file's modification time
            post.date = dt.date.fromtimestamp(post.source.stat().st_mtime)
        elif post.date is None and not post.date_raw:
            self.report.problem(post.source, 1, "no date in the front matter or the file name")
        raw_authors: list[str] = []
        for key in ("author", "authors"):
            value = data.get(key)
            raw_authors += (
                [_name_of(v) for v in value]
                if isinstance(value, list)
                else (_as_list(_name_of(value)) if value else [])
            )
        raw_authors = [a for a in dict.fromkeys(raw_authors) if a]
        if not raw_authors and self.site_author:
            raw_authors = [self.site_author]
        if not raw_authors:
            self.report.problem(post.source, 1, "no author in the post or the site configuration")
        post.authors = [self.people[a].name if a in self.people else a for a in raw_authors]
        # Jekyll splits tags and categories written as text on spaces; Hugo uses lists
        post.tags = _as_list(data.get("tags"), None) + _as_list(data.get("tag"), None)
        categories = _as_list(data.get("categories"), None) + _as_list(data.get("category"), None)
        if categories:
            post.category = categories[0]
            post.tags += categories[1:]
        post.tags = list(dict.fromkeys(post.tags))
        for key in ("excerpt", "description", "summary"):
            if isinstance(data.get(key), str) and data[key].strip():
                post.summary = _plain(data[key])
                break
        image = data.get("image")
        if isinstance(image, dict):
            image = image.get("path") or image.get("feature") or image.get("url")
        if isinstance(image, str) and image.startswith("https://"):
            post.image = image
        elif image:
            self.report.dropped["image (not an https URL)"] += 1
        post.draft = is_draft or data.get("draft") is True or data.get("published") is False
        for key in ("last_modified_at", "lastmod", "updated", "modified"):
            if data.get(key):
                post.updated, _ = parse_blog_date(data[key])
                break
        post.title = " ".join(str(data.get("title") or "").split()) or _titleize(post.dest.stem)
        post.needs_title = not _has_heading(post.body)
        for key in data:
            if key not in JEKYLL_KEYS:
                self.report.dropped[key] += 1

    def convert(self, post: Post) -> None:
        """Template tags and kramdown attributes, then the paths of local images."""
        post.body = convert_templates(post, self.report, self._link, self.flavor)

        def image(match: re.Match[str]) -> str:
            alt, target, title = match[1], match[2], match[3] or ""
            new = _note_asset(post, target, _line_of(post, target), self.source, relocate=True)
            return f"![{alt}]({new}{title})" if new else match[0]

        post.body = _IMAGE.sub(image, post.body)

    def _link(self, post: Post, target: str) -> str | None:
        """The relative link from ``post`` to the imported post ``target`` names."""
        key = target.strip().strip("\"'").strip("/")
        pure = PurePosixPath(key)
        for name in (key, key.rsplit(".", 1)[0], pure.stem, pure.name):
            if name in self.post_names:
                return _relative_link(self.post_names[name].dest, post.dest)
        return None


def _relative_link(target: Path, start: Path) -> str:
    """``target`` as a link from the file ``start`` (both relative to the destination)."""
    return PurePosixPath(
        os.path.relpath(target.as_posix(), start.parent.as_posix() or ".")
    ).as_posix()


def _all_dirs(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        found += [Path(dirpath, d) for d in dirnames]
    return found


def _safe_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _unique(dest: Path, taken: set[Path]) -> Path:
    candidate, number = dest, 2
    while candidate in taken:
        candidate = dest.with_name(f"{dest.stem}-{number}{dest.suffix}")
        number += 1
    taken.add(candidate)
    return candidate


def _key_line(post: Post, key: str) -> int:
    """The line of a front matter key in the source (1 when not found)."""
    try:
        lines = post.source.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(lines[: max(post.body_line - 1, 0)], start=1):
        if re.match(rf"^{re.escape(key)}\s*[:=]", line):
            return number
    return 1


def _line_of(post: Post, needle: str) -> int:
    """The source line where ``needle`` first appears in the post (for reports)."""
    try:
        text = post.source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    at = text.find(needle)
    if at < 0:
        at = text.find(PurePosixPath(needle).name)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


# -- template tags ----------------------------------------------------------------------

_TEMPLATE = re.compile(
    r"\{\{<\s*/\*.*?\*/\s*>\}\}"  # Hugo escaped shortcode: literal text
    r"|\{\{%\s*/\*.*?\*/\s*%\}\}"
    r"|\{\{<.*?>\}\}"  # Hugo shortcode
    r"|\{\{%.*?%\}\}"
    r"|\{%.*?%\}"  # Liquid tag
    r"|\{\{.*?\}\}"  # Liquid output
    r"|\{:[^}\n]*\}",  # kramdown attribute list
    re.S,
)
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})", re.M)
_HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\b.*?\{%-?\s*endhighlight\s*-?%\}"
    r"|\{\{<\s*highlight\b.*?\{\{<\s*/highlight\s*>\}\}",
    re.S,
)
SYNTAX = {
    "jekyll": {"Liquid tag", "Liquid output", "kramdown attribute list"},
    "hugo": {"Hugo shortcode"},
    "any": {"Liquid tag", "Liquid output", "kramdown attribute list", "Hugo shortcode"},
}


def _myst_files(body: str) -> list[tuple[int, str]]:
    """(line, path) of each local file a MyST body shows: images and file directives."""
    found = [(body.count("\n", 0, m.start()) + 1, m[2]) for m in _IMAGE.finditer(body)]
    found += [(body.count("\n", 0, m.start()) + 1, m[1]) for m in _MYST_FILE.finditer(body)]
    return found


def _code_spans(body: str) -> list[tuple[int, int]]:
    """Fenced code blocks and inline code, where kramdown attributes are plain text."""
    spans = []
    opened: tuple[int, str] | None = None
    for match in _FENCE.finditer(body):
        if opened is None:
            opened = (match.start(), match[1])
        elif match[1][0] == opened[1][0] and len(match[1]) >= len(opened[1]):
            spans.append((opened[0], match.end()))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(body)))
    spans += [(m.start(), m.end()) for m in re.finditer(r"(`+)[^`\n].*?\1", body)]
    spans += [(m.start(), m.end()) for m in _HIGHLIGHT.finditer(body)]
    return spans


def _tag_parts(tag: str) -> tuple[str, str, list[str]]:
    """(kind, name, arguments) of one template tag."""
    if tag.startswith(("{{<", "{{%")):
        inner, kind = tag[3:-3].strip(), "Hugo shortcode"
    elif tag.startswith("{%"):
        inner, kind = tag[2:-2].strip("- \t\r\n"), "Liquid tag"
    elif tag.startswith("{:"):
        return "kramdown attribute list", "", []
    else:
        inner, kind = tag[2:-2].strip("- \t\r\n"), "Liquid output"
    words = re.findall(r"\"[^\"]*\"|'[^']*'|\S+", inner)
    return kind, (words[0] if words else ""), words[1:]


def _shortcode_attrs(args: list[str]) -> dict[str, str]:
    attrs = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep:
            attrs[key] = value.strip("\"'")
    return attrs


def convert_templates(
    post: Post,
    report: Report,
    link: Callable[[Post, str], str | None],
    flavor: str = "any",
) -> str:
    """Convert the template tags Markdown can express; strip and report the rest.

    Converted: ``highlight`` (a fenced block), ``raw`` (kept verbatim),
    ``comment`` (MyST comment lines), ``post_url``, ``link``, ``ref`` and
    ``relref`` (links to the imported posts), ``relative_url`` on a literal
    path, Hugo ``figure`` (an image) and escaped shortcodes (literal text).
    Only the syntax the engine itself reads is touched: ``{{ x }}`` in Hugo
    content is text, and kramdown attributes in code are code.
    """
    body = post.body
    enabled = SYNTAX[flavor]
    code = _code_spans(body)
    out: list[str] = []
    pos = 0
    in_raw = in_comment = False

    def line_of(at: int) -> int:
        return post.body_line + body.count("\n", 0, at)

    def strip(match: re.Match[str], kind: str) -> None:
        shown = " ".join(match[0].split())
        shown = shown if len(shown) <= 60 else shown[:57] + "…"
        report.problem(post.source, line_of(match.start()), f"stripped {kind} {shown}")
        report.stripped += 1
        emit(match, "")

    def emit(match: re.Match[str], text: str, block: bool = False) -> None:
        """Put ``text`` where the tag was; a tag alone on its line takes the line with it."""
        nonlocal pos
        before = body[pos : match.start()]
        line_start = before.rfind("\n") + 1
        line_end = body.find("\n", match.end())
        line_end = len(body) if line_end < 0 else line_end
        alone = not before[line_start:].strip() and not body[match.end() : line_end].strip()
        if alone and (block or not text):
            out.append(before[:line_start] + (text + "\n" if text else ""))
            pos = min(line_end + 1, len(body))
            return
        if block and before[line_start:].strip():
            text = "\n" + text
        if block and body[match.end() : line_end].strip():
            text += "\n"
        out.append(before + text)
        pos = match.end()

    for match in _TEMPLATE.finditer(body):
        tag = match[0]
        kind, name, args = _tag_parts(tag)
        if kind not in enabled:
            continue
        if kind == "kramdown attribute list" and any(a <= match.start() < b for a, b in code):
            continue
        if in_raw:
            if kind == "Liquid tag" and name == "endraw":
                emit(match, "")
                in_raw = False
            continue
        if in_comment:
            if kind == "Liquid tag" and name == "endcomment":
                hidden = body[pos : match.start()]
                if "\n" in hidden:  # a block comment; an inline one just goes
                    out.append(
                        "\n".join(f"% {t}".rstrip() for t in hidden.strip("\n").splitlines()) + "\n"
                    )
                pos = match.start()
                emit(match, "")
                in_comment = False
            continue
        if kind == "Hugo shortcode" and re.fullmatch(r"\{\{[<%]\s*/\*.*\*/\s*[>%]\}\}", tag, re.S):
            inner = re.sub(r"^\{\{[<%]\s*/\*\s*|\s*\*/\s*[>%]\}\}$", "", tag)
            emit(match, f"{{{{{tag[2]} {inner} {tag[-3]}}}}}")
        elif kind == "Liquid tag" and name == "raw":
            emit(match, "")
            in_raw = True
        elif kind == "Liquid tag" and name == "comment":
            emit(match, "")
            in_comment = True
        elif kind != "Liquid output" and name in ("highlight", "endhighlight", "/highlight"):
            language = args[0].strip("\"'") if args and name == "highlight" else ""
            emit(match, f"```{language}", block=True)
        elif (kind == "Liquid tag" and name in ("post_url", "link")) or (
            kind == "Hugo shortcode" and name in ("ref", "relref")
        ):
            target = link(post, args[0]) if args else None
            if target:
                emit(match, target)
            else:
                strip(match, f"{kind} (no imported post matches it)")
        elif (
            kind == "Liquid output"
            and name[:1] in ("'", '"')
            and args[:1] == ["|"]
            and args[1:2] in (["relative_url"], ["absolute_url"])
        ):
            emit(match, name.strip("\"'"))
        elif kind == "Hugo shortcode" and name == "figure" and _shortcode_attrs(args).get("src"):
            attrs = _shortcode_attrs(args)
            alt = attrs.get("alt") or attrs.get("caption") or attrs.get("title") or ""
            emit(match, f"![{alt}]({attrs['src']})")
        else:
            strip(match, kind)
    out.append(body[pos:])
    if in_raw or in_comment:
        report.problem(
            post.source,
            line_of(len(body)),
            f"a {'raw' if in_raw else 'comment'} block is never closed",
        )
    return "".join(out)


# -- files the posts use ---------------------------------------------------------------------


def _note_asset(
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
    return _relative_link(dest, post.dest)


# -- the people registry -------------------------------------------------------------------


class People:
    """Registry ids for author names: existing entries first, new ones slugified."""

    def __init__(self, existing: dict[str, Any], known: dict[str, PersonInfo]) -> None:
        self.existing = existing
        self.known = known
        self.by_name = {
            str(entry.get("name", "")).casefold(): ident
            for ident, entry in existing.items()
            if isinstance(entry, dict)
        }
        self.new: dict[str, PersonInfo] = {}
        self.reused: set[str] = set()

    def id_for(self, name: str) -> str:
        key = name.casefold()
        if name in self.existing:
            self.reused.add(name)
            return name
        if key in self.by_name:
            self.reused.add(self.by_name[key])
            return self.by_name[key]
        for ident, info in self.new.items():
            if info.name.casefold() == key:
                return ident
        base = file_slug(name) or "person"
        ident, number = base, 2
        while ident in self.existing or ident in self.new:
            ident = f"{base}-{number}"
            number += 1
        blog_says = next((i for i in self.known.values() if i.name.casefold() == key), None)
        self.new[ident] = blog_says or PersonInfo(name)
        return ident

    def entries(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for ident, info in self.new.items():
            entry: dict[str, Any] = {"name": info.name}
            if info.bio:
                entry["bio"] = " ".join(info.bio.split())
            if info.links:
                entry["links"] = dict(info.links)
            found[ident] = entry
        return found


_PEOPLE_HEAD = (
    "# People found by `sphinx-reflections import`. Add what the blog did not know:\n"
    "# role, organization, bio, avatar, handle (for @mentions) and links.\n"
)


def _registry_path(dest: Path) -> tuple[Path, str]:
    """Where the people registry is, and how conf.py names it ("file", "dict" or "unset")."""
    value = literal_conf(dest / "conf.py").get("reflections_authors")
    if isinstance(value, str) and value.strip():
        return dest / value, "file"
    return dest / "people.yml", "dict" if isinstance(value, dict) else "unset"


def _people_count(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def write_people(people: People, dest: Path, report: Report) -> None:
    """Create the registry, or append the new people to it; never change an entry."""
    new = people.entries()
    path, how = _registry_path(dest)
    report.people_added = sorted(new)
    report.people_known = sorted(people.reused)
    known = f" ({_people_count(len(people.reused))} already there)" if people.reused else ""
    if not new:
        report.registry_message = f"{_shown(path)} unchanged: every author is already in it"
        return
    dumped = yaml.safe_dump(new, sort_keys=False, allow_unicode=True, width=1000)
    hint = f'; set reflections_authors = "{path.name}" in conf.py' if how == "unset" else ""
    if how != "dict" and not path.exists():
        if not report.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_PEOPLE_HEAD + dumped, encoding="utf-8")
        report.created.append((path, report.source))
        report.registry = path
        report.registry_message = f"{_shown(path)}: {_people_count(len(new))} added{known}{hint}"
        return
    if how != "dict" and path.suffix.lower() in (".yml", ".yaml"):
        text = path.read_text(encoding="utf-8")
        addition = ("\n" if text and not text.endswith("\n") else "") + (
            "\n# Added by `sphinx-reflections import`.\n" + dumped
        )
        try:
            before, after = yaml.safe_load(text) or {}, yaml.safe_load(text + addition)
        except (yaml.YAMLError, ValueError):
            before = after = None
        if isinstance(before, dict) and after == {**before, **new}:
            if not report.dry_run:
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(addition)
            report.registry = path
            report.registry_message = (
                f"{_shown(path)}: existing entries kept, {_people_count(len(new))} appended{known}"
            )
            return
    side = path.with_name(path.stem + ".imported.yml")
    if side.exists():
        report.problem(side, 0, "exists; the new people were not written (nothing is overwritten)")
        return
    if not report.dry_run:
        side.write_text(_PEOPLE_HEAD + dumped, encoding="utf-8")
    report.created.append((side, report.source))
    report.registry = side
    where = "conf.py's reflections_authors dict" if how == "dict" else _shown(path)
    report.registry_message = (
        f"{where} left untouched (it cannot be appended to safely); "
        f"{_people_count(len(new))} written to {_shown(side)}: merge them by hand"
    )


# -- writing ---------------------------------------------------------------------------------


def _reflection_values(post: Post, ids: list[str]) -> list[tuple[str, str]]:
    """The reflection's keys and values as text, in the order the spec lists them."""
    values: list[tuple[str, str]] = []
    if ids:
        values.append(("author", ", ".join(ids)))
    if post.date:
        values.append(("date", post.date.isoformat()))
    elif post.date_raw:
        values.append(("date", post.date_raw))
    for key in ("category",):
        if post.category:
            values.append((key, post.category))
    if post.tags:
        values.append(("tags", ", ".join(post.tags)))
    if post.summary:
        values.append(("summary", post.summary))
    if post.image:
        values.append(("image", post.image))
    if post.updated:
        values.append(("updated", post.updated.isoformat()))
    if post.draft:
        values.append(("draft", "true"))
    return values


def render_myst(post: Post, ids: list[str]) -> str:
    """A MyST reflection: other front matter kept, ``reflection:`` added, title heading."""
    lines = ["---"]
    if post.front:
        lines += yaml.safe_dump(
            post.front, sort_keys=False, allow_unicode=True, width=1000
        ).splitlines()
    lines.append("reflection:")
    for key, value in _reflection_values(post, ids):
        if key == "author":
            shown = yaml_scalar(ids[0]) if len(ids) == 1 else yaml_list(ids)
        elif key == "tags":
            shown = yaml_list(post.tags)
        elif key in ("date", "updated", "draft") and not (key == "date" and post.date_raw):
            shown = value
        else:
            shown = yaml_scalar(value)
        lines.append(f"  {key}: {shown}")
    lines += [f"  # imported, no reflection field for it: {c}" for c in post.comments]
    lines += ["---", ""]
    if post.needs_title:
        lines += [f"# {post.title}", ""]
    return "\n".join(lines) + "\n" + post.body.lstrip("\n")


def render_rst(post: Post, ids: list[str]) -> str:
    """The rST post with the ``reflection`` directive where ABlog's ``post`` was."""
    out = []
    for line in post.body.splitlines():
        if line.strip() != MARKER:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.append(f"{indent}.. reflection::")
        out += [f"{indent}   :{k}: {' '.join(v.split())}" for k, v in _reflection_values(post, ids)]
        if post.comments:
            out += [
                "",
                f"{indent}.. Imported, no reflection field for it: " + "; ".join(post.comments),
            ]
    return "\n".join(out).rstrip("\n") + "\n"


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
    registry_path, how = _registry_path(dest)
    existing: dict[str, Any] = _safe_yaml(registry_path) if registry_path.is_file() else {}
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
                post.source, 0, f"{_shown(target)} already exists; not overwritten, post skipped"
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
        _copy_assets(post, dest, report)
    if people.new or people.reused:
        write_people(people, dest, report)
    return report


def _copy_assets(post: Post, dest: Path, report: Report) -> None:
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
                    f"{_shown(target)} exists with other content; not overwritten",
                )
            continue
        if not report.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.found, target)
        report.created.append((target, asset.found))
