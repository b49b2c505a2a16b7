"""What every blog reader needs: front matter, conf.py values, blog dates, the ``Post``.

ABlog, Jekyll and Hugo disagree on syntax but not on these, so the readers
share one way to split front matter, read dates as blogs write them, find
source files and point at lines in them.
"""

from __future__ import annotations

import ast
import dataclasses as dc
import datetime as dt
import fnmatch
import os
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .report import Report

# -- reading sources -----------------------------------------------------------------------


def read_source(path: Path, report: Report) -> str | None:
    """A source file's text; None (and a reported problem) when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        report.problem(path, 0, f"not UTF-8 text (byte {exc.start}); skipped, convert it first")
    except OSError as exc:
        report.problem(path, 0, f"cannot be read ({exc.strerror}); skipped")
    return None


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


# -- blog dates ----------------------------------------------------------------------------

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


# -- values --------------------------------------------------------------------------------


def as_list(value: Any, separator: str | None = ",") -> list[str]:
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


def plain_text(text: str) -> str:
    """A summary as plain text: markup of Markdown, rST and HTML taken out."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # Markdown links, images
    text = re.sub(r"`([^`<]+?)\s*<[^>]*>`__?", r"\1", text)  # rST links
    text = re.sub(r"(?::[\w:-]+:|\{[\w:-]+\})`([^`]*)`", r"\1", text)  # roles
    text = re.sub(r"(\*\*|__|\*|``|`)(\S(?:.*?\S)?)\1", r"\2", text)
    return " ".join(text.split())


def titleize(slug: str) -> str:
    """A title from a file name, for a post that has neither a title nor a heading."""
    return " ".join(w.capitalize() for w in re.split(r"[-_\s]+", slug) if w)


# -- posts ---------------------------------------------------------------------------------


@dc.dataclass(frozen=True)
class Asset:
    """A local file a post shows: where it is (None: not found), where it goes."""

    found: Path | None
    dest: Path  # relative to the destination (the link as written when not found)
    line: int


MARKER = "\x00reflection\x00"  # where an rST post's directive goes, until author ids are known


@dc.dataclass(frozen=True)
class Options:
    """What the command line says about the whole import."""

    site_url: str = ""  # --site-url: the old site's address, with its folder
    author: str = ""  # --author: for posts that name nobody (a registry id or a name)
    permalink: str = ""  # --permalink: the pattern of the old posts' addresses
    notebooks: bool = True  # myst-nb can be imported, so notebook posts can be built


@dc.dataclass
class Post:
    """One post, read and converted, waiting for its authors' registry ids."""

    source: Path
    dest: Path  # relative to the destination
    kind: str  # "MyST", "rST" or "notebook"
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
    urls: list[str] = dc.field(default_factory=list)  # old addresses, the permalink first
    docname: str = ""  # on the old site (ABlog), for ``{doc}`` links
    notebook: dict[str, Any] | None = None  # a notebook post's JSON
    text_notebook: bool = False  # MyST-NB's Markdown notebook (``code-cell``)
    variables: dict[str, str] = dc.field(default_factory=dict)  # front matter, for templates
    lang: str = ""  # a translation's language (Hugo); "" for the site's language
    cover: str = ""  # a cover picture as the blog wrote it, until it is found (``image``)


@dc.dataclass
class PersonInfo:
    """What a blog says about an author, for the people registry."""

    name: str
    bio: str = ""
    links: dict[str, str] = dc.field(default_factory=dict)


def date_field(post: Post, value: Any, fmt: str, line: int, report: Report) -> None:
    """Set ``post.date``; an unreadable date is kept as written (the build flags it) and reported."""
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


def updated_field(post: Post, value: Any, fmt: str, line: int, report: Report) -> None:
    """Set ``post.updated``; an unreadable date is reported, not silently dropped."""
    date, guess = parse_blog_date(value, fmt)
    if date is None:
        report.problem(
            post.source,
            line,
            f"updated date {str(value)!r} could not be read and is left out; "
            "add `updated: YYYY-MM-DD` to the reflection by hand",
        )
    elif guess:
        report.problem(post.source, line, f"{guess}: {date}; check it")
    post.updated = date


# -- files and places in them --------------------------------------------------------------

_SKIP_DIRS = {"_build", "_site", "node_modules", "public", "resources", "themes", "venv"}


def source_files(root: Path, suffixes: tuple[str, ...], exclude: Iterable[str] = ()) -> list[Path]:
    """Files with these suffixes under ``root``, sorted; build output and hidden folders skipped."""
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


def all_dirs(root: Path) -> list[Path]:
    """Every folder under ``root``, skipping the same folders as ``source_files``."""
    found = []
    for dirpath, dirnames, _ in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        found += [Path(dirpath, d) for d in dirnames]
    return found


def safe_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping file's data; ``{}`` when it is missing, unreadable or not a mapping."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def key_line(post: Post, key: str) -> int:
    """The line of a front matter key in the source (1 when not found)."""
    try:
        lines = post.source.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for number, line in enumerate(lines[: max(post.body_line - 1, 0)], start=1):
        if re.match(rf"^{re.escape(key)}\s*[:=]", line):
            return number
    return 1


def line_of(post: Post, needle: str) -> int:
    """The source line where ``needle`` first appears in the post (for reports)."""
    try:
        text = post.source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    at = text.find(needle)
    if at < 0:
        at = text.find(PurePosixPath(needle).name)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def relative_link(target: Path, start: Path) -> str:
    """``target`` as a link from the file ``start`` (both relative to the destination)."""
    return PurePosixPath(
        os.path.relpath(target.as_posix(), start.parent.as_posix() or ".")
    ).as_posix()


_HEADING = re.compile(r"^#\s+\S", re.M)


def has_heading(body: str) -> bool:
    """Whether the Markdown has a level-1 heading outside code fences."""
    fenced = False
    for line in body.splitlines():
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
        elif not fenced and _HEADING.match(line):
            return True
    return False
