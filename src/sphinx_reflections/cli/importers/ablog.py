"""ABlog posts: the rST or MyST ``post`` directive, file-wide fields, or MyST front matter.

ABlog's conf.py is read for its literal values only (never executed), since
the source is someone else's project and may need packages not installed here.
"""

from __future__ import annotations

import dataclasses as dc
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import yaml

from ...urls import is_remote
from .assets import directive_files, note_asset
from .common import (
    MARKER,
    Options,
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
from .links import OldSite
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


_DATED_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
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


def _named(value: Any) -> dict[str, tuple[str, str]]:
    """ABlog's ``blog_authors``, ``blog_locations`` or ``blog_languages``: key -> (name, url)."""
    found: dict[str, tuple[str, str]] = {}
    if isinstance(value, dict):
        for key, entry in value.items():
            name, url = (entry[0], entry[1]) if isinstance(entry, tuple | list) else (entry, "")
            found[str(key)] = (str(name or key), str(url) if url else "")
    return found


def _cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


class AblogReader:
    """Posts of an ABlog site: ``post`` directive, file-wide fields, or MyST front matter."""

    def __init__(self, source: Path, report: Report, options: Options | None = None) -> None:
        self.source = source
        self.report = report
        self.options = options or Options()
        conf = literal_conf(source / "conf.py")
        self.date_format = str(conf.get("post_date_format") or "%d %B %Y")
        patterns = conf.get("blog_post_pattern") or []
        patterns = [patterns] if isinstance(patterns, str) else [str(p) for p in patterns]
        self.matched = {
            found.resolve()
            for pattern in patterns
            if pattern.strip("/")
            for found in source.glob(pattern.strip("/"))
        }
        self.exclude = [str(p) for p in conf.get("exclude_patterns") or []]
        self.people: dict[str, PersonInfo] = {}
        for key, (name, url) in _named(conf.get("blog_authors")).items():
            links = {"Website": url} if is_remote(url) else {}
            self.people[key] = PersonInfo(name, links=links)
        self.locations = _named(conf.get("blog_locations"))
        self.languages = _named(conf.get("blog_languages"))
        self.default_author = as_list(conf.get("blog_default_author"))
        self.site = OldSite(
            source, relocate=False, static_dirs=(), page_suffix=".html", root_is_source=True
        )
        if self.options.site_url:
            self.site.set_address(self.options.site_url, "--site-url")
        elif isinstance(conf.get("blog_baseurl"), str):
            self.site.set_address(conf["blog_baseurl"], "blog_baseurl in conf.py")
        blog_path = str(conf.get("blog_path") or "blog").strip("/")
        self.site.author_folder = f"/{blog_path}/author"
        for key, (name, _url) in _named(conf.get("blog_authors")).items():
            for slug in (key, re.sub(r"[^\w]+", "-", name).strip("-").lower(), key.lower()):
                self.site.author_names.setdefault(slug, name)
        self.redirects = self._rediraffe(conf.get("rediraffe_redirects"))
        self.redirects_of: dict[Path, list[str]] = {}  # ABlog's `redirect` option, per post
        self.extensions = [str(e) for e in conf.get("extensions") or []]
        try:
            text = (source / "conf.py").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        # directives and roles the old site's conf.py made itself (app.add_directive(...))
        self.own_markup = set(re.findall(r"add_(?:directive|role)\(\s*[\"']([\w-]+)[\"']", text))

    def _rediraffe(self, value: Any) -> dict[str, list[str]]:
        """The site's own rediraffe redirects: old page -> docname it leads to."""
        pairs: list[tuple[str, str]] = []
        if isinstance(value, dict):
            pairs = [(str(k), str(v)) for k, v in value.items()]
        elif isinstance(value, str) and (self.source / value).is_file():
            text = (self.source / value).read_text(encoding="utf-8", errors="replace")
            for line in text.splitlines():
                words = re.findall(r"\"([^\"]*)\"|'([^']*)'|(\S+)", line.split("#", 1)[0])
                parts = [next(w for w in group if w) for group in words if any(group)]
                if len(parts) == 2:
                    pairs.append((parts[0], parts[1]))
        found: dict[str, list[str]] = {}
        for old, new in pairs:
            strip = re.compile(r"\.(?:md|rst|ipynb|txt)$")
            found.setdefault(strip.sub("", new.strip("/")), []).append(
                strip.sub("", old.strip("/"))
            )
        return found

    def _matched(self, path: Path) -> bool:
        return path.resolve() in self.matched

    def read(self) -> list[Post]:
        posts = []
        for path in source_files(self.source, (".rst", ".md", ".ipynb"), self.exclude):
            text = read_source(path, self.report)
            if text is None:
                continue
            if path.suffix == ".ipynb":
                post = self._notebook(path, text)
            elif path.suffix == ".rst":
                post = self._rst(path, text)
            else:
                post = self._myst(path, text)
            if post is None:
                continue
            if (post.notebook is not None or post.text_notebook) and not self.options.notebooks:
                self.report.problem(
                    path,
                    0,
                    "a notebook post, not imported: install myst-nb (pip install myst-nb) "
                    "and import again",
                )
                self.report.not_imported += 1
                continue
            self._own_markup(post, text)
            docname = path.relative_to(self.source).with_suffix("").as_posix()
            post.docname = docname
            # Sphinx's html builder and its dirhtml builder: either may have built the blog
            post.urls = [f"/{docname}.html", f"/{docname}/"] if not post.draft else []
            post.urls += [f"/{r}" for r in self.redirects.get(docname, [])]
            post.urls += [f"/{r}" for r in self.redirects_of.pop(path, [])]
            posts.append(post)
            self.site.add(post, self.report)
        return posts

    def _own_markup(self, post: Post, text: str) -> None:
        """Report each use of a directive or role the old site's conf.py defined itself."""
        for name in sorted(self.own_markup):
            used = re.search(
                rf"(?:\{{{name}\}}|\.\.\s+{name}::|:{name}:`)", text.replace('\\"', '"')
            )
            if used:
                self.report.problem(
                    post.source,
                    text.count("\n", 0, used.start()) + 1 if post.notebook is None else 0,
                    f"uses {name!r}, which the old blog's conf.py defined itself; define it "
                    "in the knowledge base too, or rewrite this part",
                )

    # what both forms share

    def _fill(self, post: Post, values: dict[str, Any], line: int) -> None:
        """Set a post's fields from ABlog's option names (all comma-separated)."""
        named = _DATED_FILE.match(post.source.stem)
        if values.get("date") in (None, "") and named:
            date_field(post, named[1], "", line, self.report)
            self.report.problem(
                post.source, line, f"no date: {post.date} is taken from the file name; check it"
            )
        elif values.get("date") in (None, ""):
            self.report.problem(
                post.source, line, "no date: ABlog treats it as a draft; add one (YYYY-MM-DD)"
            )
            post.draft = True
        else:
            date_field(post, values["date"], self.date_format, line, self.report)
        authors = (
            as_list(values.get("author")) or self.default_author or as_list(self.options.author)
        )
        post.authors = [self.people[a].name if a in self.people else a for a in authors]
        post.tags = as_list(values.get("tags"))
        categories = as_list(values.get("category"))
        if categories:
            post.category = categories[0]
            post.tags += [c for c in categories[1:] if c not in post.tags]
        for key, known in (("location", self.locations), ("language", self.languages)):
            if as_list(values.get(key)):
                shown = [known[v][0] if v in known else v for v in as_list(values[key])]
                post.comments.append(f"{key}: {', '.join(shown)}")
        self.redirects_of[post.source] = as_list(values.get("redirect"))
        dropped = ("image", "excerpt", "nocomments", "external_link", "canonical_link")
        for key in dropped:
            if key in values:
                self.report.dropped[f"ABlog {key}"] += 1
        if not authors:
            self.report.problem(
                post.source,
                line,
                "no author; add one to the reflection, or give --author ID for every such post",
            )

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
        if not (flag or fence or self._matched(path)):
            return None
        if fm.error:
            self.report.problem(path, 1, fm.error)
            return None
        post = Post(path, path.relative_to(self.source), "MyST", "", [], None)
        post.body, post.body_line = fm.body, fm.body_line
        post.text_notebook = bool({"jupytext", "kernelspec"} & set(data)) or bool(
            re.search(r"^\s*(`{3,}|:{3,})\{code-cell\}", post.body, re.M)
        )
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
        self._no_execution(post, post.front)
        post.title = str(data.get("title") or "")
        post.needs_title = not has_heading(post.body)
        if post.needs_title and not post.title:
            post.title = titleize(path.stem)
        post.body = self._myst_updates(post)
        post.body = self._myst_lists(post)
        for _, target in directive_files(post.body):
            note_asset(post, target, line_of(post, target), self.source)
        return post

    # Jupyter notebooks (MyST-NB)

    def _no_execution(self, post: Post, metadata: dict[str, Any]) -> None:
        """Take out a notebook's own ``mystnb: execution_mode``: imported posts are not run."""
        settings = metadata.get("mystnb")
        if isinstance(settings, dict) and settings.get("execution_mode") not in (None, "off"):
            mode = settings.pop("execution_mode")
            if not settings:
                metadata.pop("mystnb")
            self.report.problem(
                post.source,
                key_line(post, "mystnb") if post.notebook is None else 0,
                f"MyST-NB ran this notebook on every build (execution_mode: {mode}); the "
                "knowledge base does not run imported notebooks, so only stored outputs "
                "are shown. Put it back if the knowledge base should run it",
            )

    def _notebook(self, path: Path, text: str) -> Post | None:
        """A notebook post: ABlog's keys in the notebook's metadata or a first-cell front matter."""
        try:
            notebook = json.loads(text)
        except ValueError as exc:
            self.report.problem(path, 0, f"not a notebook (invalid JSON: {exc}); skipped")
            return None
        cells = notebook.get("cells") if isinstance(notebook, dict) else None
        if not isinstance(cells, list):
            return None
        metadata = notebook.setdefault("metadata", {})
        data: dict[str, Any] = {k: metadata[k] for k in ABLOG_KEYS if k in metadata}
        first = cells[0] if cells and isinstance(cells[0], dict) else {}
        fm = split_front_matter(_cell_text(first)) if first else None
        if fm is not None and fm.data:
            data = {**data, **fm.data}
        flag = str(data.get("blogpost", "")).lower() in ("true", "yes", "1")
        if not (flag or self._matched(path)):
            return None
        post = Post(path, path.relative_to(self.source), "notebook", "", [], None)
        for key in ABLOG_KEYS:
            metadata.pop(key, None)
        if fm is not None and fm.data:
            if first.get("cell_type") == "raw" or not fm.body.strip():
                cells.pop(0)
            else:
                first["source"] = fm.body
        post.notebook = notebook
        self._no_execution(post, metadata)
        values = {k: data[k] for k in ABLOG_KEYS if k in data}
        self._fill(post, values, 1)
        if isinstance(data.get("excerpt"), str):
            post.summary = plain_text(data["excerpt"])
        markdown = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "markdown"]
        first_text = next((_cell_text(c).lstrip() for c in markdown if _cell_text(c).strip()), "")
        post.needs_title = not re.match(r"#[ \t]+\S", first_text)
        post.title = str(data.get("title") or metadata.get("title") or "") or titleize(
            _DATED_FILE.sub("", path.stem)
        )
        for cell in markdown:
            for _, target in directive_files(_cell_text(cell)):
                note_asset(post, target, 0, self.source)
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
