"""Jekyll and Hugo posts: Markdown with YAML or TOML front matter.

One reader serves both engines: their posts differ in where they live and in
template syntax (see ``templates``), not in what a post says about itself.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from ...urls import is_remote
from .assets import IMAGE, note_asset
from .common import (
    PersonInfo,
    Post,
    all_dirs,
    as_list,
    date_field,
    has_heading,
    key_line,
    line_of,
    parse_blog_date,
    plain_text,
    read_source,
    relative_link,
    safe_yaml,
    source_files,
    split_front_matter,
    titleize,
)
from .report import Report
from .templates import convert_templates

# -- Jekyll and Hugo -----------------------------------------------------------------------

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
                for key, entry in safe_yaml(folder / name).items():
                    if isinstance(entry, dict):
                        self.people[str(key)] = PersonInfo(
                            _name_of(entry) or str(key), str(entry.get("bio") or ""), _links(entry)
                        )
        self.post_names: dict[str, Post] = {}  # every name a link may use -> the post

    def _flavor(self) -> str:
        """Which template syntax the content holds: "jekyll", "hugo" or "any"."""
        root = self.source
        if root.name in _POST_DIRS or any(d.name in _POST_DIRS for d in all_dirs(root)):
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
            config = safe_yaml(self.source / name)
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
        post_dirs += [d for d in all_dirs(root) if d.name in _POST_DIRS]
        found = []
        if post_dirs:
            for folder in post_dirs:
                before = folder.parent.relative_to(root) if folder != root else Path()
                for path in source_files(folder, _MARKDOWN):
                    inner = path.relative_to(folder)
                    match = _DATED_NAME.match(inner.stem)
                    dest = before / inner.parent / f"{match[2] if match else inner.stem}.md"
                    found.append(Candidate(path, dest, True, folder.name == "_drafts"))
            return found
        content = root / "content" if (root / "content").is_dir() else root
        for path in source_files(content, _MARKDOWN):
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
            text = read_source(path, self.report)
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
        line = key_line(post, "date")
        date_field(post, data.get("date") or name_date or None, "", line, self.report)
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
                else (as_list(_name_of(value)) if value else [])
            )
        raw_authors = [a for a in dict.fromkeys(raw_authors) if a]
        if not raw_authors and self.site_author:
            raw_authors = [self.site_author]
        if not raw_authors:
            self.report.problem(post.source, 1, "no author in the post or the site configuration")
        post.authors = [self.people[a].name if a in self.people else a for a in raw_authors]
        # Jekyll splits tags and categories written as text on spaces; Hugo uses lists
        post.tags = as_list(data.get("tags"), None) + as_list(data.get("tag"), None)
        categories = as_list(data.get("categories"), None) + as_list(data.get("category"), None)
        if categories:
            post.category = categories[0]
            post.tags += categories[1:]
        post.tags = list(dict.fromkeys(post.tags))
        for key in ("excerpt", "description", "summary"):
            if isinstance(data.get(key), str) and data[key].strip():
                post.summary = plain_text(data[key])
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
        post.title = " ".join(str(data.get("title") or "").split()) or titleize(post.dest.stem)
        post.needs_title = not has_heading(post.body)
        for key in data:
            if key not in JEKYLL_KEYS:
                self.report.dropped[key] += 1

    def convert(self, post: Post) -> None:
        """Template tags and kramdown attributes, then the paths of local images."""
        post.body = convert_templates(post, self.report, self._link, self.flavor)

        def image(match: re.Match[str]) -> str:
            alt, target, title = match[1], match[2], match[3] or ""
            new = note_asset(post, target, line_of(post, target), self.source, relocate=True)
            return f"![{alt}]({new}{title})" if new else match[0]

        post.body = IMAGE.sub(image, post.body)

    def _link(self, post: Post, target: str) -> str | None:
        """The relative link from ``post`` to the imported post ``target`` names."""
        key = target.strip().strip("\"'").strip("/")
        pure = PurePosixPath(key)
        for name in (key, key.rsplit(".", 1)[0], pure.stem, pure.name):
            if name in self.post_names:
                return relative_link(self.post_names[name].dest, post.dest)
        return None


def _unique(dest: Path, taken: set[Path]) -> Path:
    candidate, number = dest, 2
    while candidate in taken:
        candidate = dest.with_name(f"{dest.stem}-{number}{dest.suffix}")
        number += 1
    taken.add(candidate)
    return candidate
