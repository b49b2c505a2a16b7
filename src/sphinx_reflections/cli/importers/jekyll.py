"""Jekyll, Hugo and Eleventy posts: Markdown with YAML or TOML front matter.

One reader serves the three engines: their posts differ in where they live,
how their addresses are made and in template syntax (see ``templates``),
not in what a post says about itself.
"""

from __future__ import annotations

import csv
import dataclasses as dc
import datetime as dt
import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from ...urls import is_remote
from .common import (
    Options,
    PersonInfo,
    Post,
    all_dirs,
    as_list,
    date_field,
    has_heading,
    key_line,
    plain_text,
    read_source,
    safe_yaml,
    source_files,
    split_front_matter,
    titleize,
    updated_field,
)
from .links import OldSite
from .markup import html_pictures
from .permalinks import JEKYLL_STYLES, expand, hugo_urlize, jekyll_slug, placeholders
from .report import Report
from .templates import Context, convert_templates

# -- Jekyll, Hugo and Eleventy ------------------------------------------------------------

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
    "permalink",
    "redirect_from",
    "aliases",
    "url",
    "slug",
}


_DATED_NAME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})-(.+)$")
_ELEVENTY_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-(.+)$")  # Eleventy's fileSlug wants two digits
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")
_POST_DIRS = ("_posts", "_drafts")
_HUGO_POST_SECTIONS = ("posts", "post", "blog")


@dc.dataclass(frozen=True)
class Candidate:
    """A Markdown file that may be a post, and where it would go."""

    path: Path
    dest: Path
    in_posts: bool  # under _posts/_drafts: a post even without a date key
    draft: bool
    lang: str = ""  # a Hugo translation's language ("" for the default language)
    bundle: bool = False  # a Hugo page bundle's index


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
    for key in ("url", "web", "website", "link"):
        url = entry.get(key)
        if isinstance(url, str) and is_remote(url):
            found.setdefault("Website", url)
    return found


def _full_name(entry: dict[str, Any], key: str) -> str:
    """A person's name from what blogs keep: full_name, name, or first and last name."""
    full = str(entry.get("full_name") or "").strip()
    both = " ".join(
        str(entry.get(k) or "").strip() for k in ("first_name", "last_name") if entry.get(k)
    )
    name = str(entry.get("name") or entry.get("title") or "").strip()
    if name == key and both:  # Jekyll author files often repeat the id as `name`
        name = ""
    return full or name or both or key


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


class JekyllReader:
    """Jekyll posts (``_posts``, ``_drafts``), Hugo content and Eleventy posts, in Markdown."""

    def __init__(
        self, source: Path, report: Report, options: Options | None = None, engine: str = "jekyll"
    ) -> None:
        self.source = source
        self.report = report
        self.options = options or Options()
        self.flavor = engine if engine in ("hugo", "eleventy") else self._flavor()
        self.config = self._config()
        self.site = OldSite(
            source, static_dirs=("static", "public") if self.flavor == "hugo" else ()
        )
        self._site_address()
        self.site_author = self._site_author()
        self.people: dict[str, PersonInfo] = {}
        self._read_people()
        self.post_names: dict[str, Post] = {}  # every name a template may use -> the post
        self.languages = self._languages()

    # -- the site ------------------------------------------------------------------------

    def _flavor(self) -> str:
        """Which engine wrote the site: "jekyll", "hugo" or "any"."""
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

    def _config(self) -> dict[str, Any]:
        """The engine's site configuration (Jekyll's _config.yml, Hugo's hugo/config file)."""
        if self.flavor == "hugo":
            for name in ("hugo.toml", "config.toml"):
                if (self.source / name).is_file():
                    return _read_toml(self.source / name)
            for name in ("hugo.yaml", "hugo.yml", "config.yaml", "config.yml"):
                if (self.source / name).is_file():
                    return safe_yaml(self.source / name)
            return {}
        if self.flavor == "eleventy":
            for folder in ("_data", "data", "src/_data", "content/_data"):
                for name in ("site.yaml", "site.yml", "metadata.yaml", "metadata.yml"):
                    if (self.source / folder / name).is_file():
                        return safe_yaml(self.source / folder / name)
            return {}
        for name in ("_config.yml", "_config.yaml"):
            if (self.source / name).is_file():
                return safe_yaml(self.source / name)
        return {}

    def _site_address(self) -> None:
        """The old site's address: --site-url, else what the engine's configuration says."""
        if self.options.site_url:
            self.site.set_address(self.options.site_url, "--site-url")
            return
        config = {k.lower(): v for k, v in self.config.items()}
        if self.flavor == "hugo":
            url = str(config.get("baseurl") or "")
            origin = "baseURL"
        elif self.flavor == "eleventy":
            url = str(config.get("url") or config.get("host") or "")
            origin = "the site's data file"
        else:
            url = str(config.get("url") or "").rstrip("/") + str(config.get("baseurl") or "")
            origin = "url and baseurl in _config.yml"
        if re.match(r"https?://", url):
            self.site.set_address(url, origin)
        elif self.flavor == "jekyll" and config.get("baseurl"):
            self.site.base_path = "/" + str(config["baseurl"]).strip("/")

    def _site_author(self) -> str:
        """The site-wide author, for posts that name none."""
        params = self.config.get("params")
        author = self.config.get("author") or (
            params.get("author") if isinstance(params, dict) else None
        )
        return _name_of(author)

    def _languages(self) -> tuple[str, set[str]]:
        """Hugo's default language and every configured language."""
        config = {k.lower(): v for k, v in self.config.items()}
        languages = config.get("languages")
        names = {str(k) for k in languages} if isinstance(languages, dict) else set()
        return str(config.get("defaultcontentlanguage") or "en"), names

    def _read_people(self) -> None:
        """What the site says about its authors, and their old pages' names.

        Jekyll and Eleventy keep authors in data files (``authors.yml``, a team
        CSV) or an ``_authors`` collection; Hugo in taxonomy pages
        (``content/authors/<name>/_index.md``).
        """
        folders = [self.source / f for f in ("_data", "data", "src/_data", "content/_data")]
        for data_dir in folders:
            for stem in ("authors", "people", "team", "team_members"):
                for suffix in (".yml", ".yaml", ".json"):
                    for key, entry in safe_yaml(data_dir / f"{stem}{suffix}").items():
                        if isinstance(entry, dict):
                            self._person(str(key), entry)
                self._people_csv(data_dir / f"{stem}.csv")
        collection = self.source / "_authors"
        for path in source_files(collection, _MARKDOWN) if collection.is_dir() else []:
            fm = split_front_matter(read_source(path, self.report) or "")
            if fm.data is not None:  # `published: false` hides a page, not a person's name
                self._person(path.stem, fm.data)
        content = self.source / "content"
        for taxonomy in ("author", "authors"):
            for path in sorted((content / taxonomy).glob("*/_index*.md")):
                fm = split_front_matter(read_source(path, self.report) or "")
                if fm.data is not None:
                    self._person(path.parent.name, fm.data)

    def _person(self, key: str, entry: dict[str, Any]) -> None:
        if key in self.people:
            return
        info = PersonInfo(_full_name(entry, key), str(entry.get("bio") or ""), _links(entry))
        self.people[key] = info
        for slug in (key, jekyll_slug(key), hugo_urlize(info.name)):
            self.site.author_names.setdefault(slug, info.name)
            self.site.author_names.setdefault(slug.casefold(), info.name)

    def _people_csv(self, path: Path) -> None:
        if not path.is_file():
            return
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error):
            return
        for row in rows:
            key = str(row.get("id") or row.get("slug") or row.get("handle") or "").strip()
            if key:
                self._person(key, {k: v for k, v in row.items() if k})

    # -- which files are posts, and where they go ------------------------------------------

    def _candidates(self) -> list[Candidate]:
        root = self.source
        post_dirs = [root] if root.name in _POST_DIRS else []
        post_dirs += [d for d in all_dirs(root) if d.name in _POST_DIRS]
        found = []
        if post_dirs and self.flavor != "hugo":
            for folder in post_dirs:
                before = folder.parent.relative_to(root) if folder != root else Path()
                for path in source_files(folder, _MARKDOWN):
                    inner = path.relative_to(folder)
                    match = _DATED_NAME.match(inner.stem)
                    dest = before / inner.parent / f"{match[2] if match else inner.stem}.md"
                    found.append(Candidate(path, dest, True, folder.name == "_drafts"))
            return found
        content = self.content_dir()
        default, languages = self.languages
        ignored = self._ignored()
        for path in source_files(content, _MARKDOWN, self._excluded()):
            rel = path.relative_to(content)
            if any(pattern.search(rel.as_posix()) for pattern in ignored):
                continue  # Hugo's ignoreFiles
            stem, lang = path.stem, ""
            if "." in stem and stem.rsplit(".", 1)[1] in languages | {default}:
                stem, lang = stem.rsplit(".", 1)
                lang = "" if lang == default else lang
            if (
                self.flavor == "hugo"
                and not stem.startswith(("index", "_index"))
                and any(path.parent.glob("index.*"))
            ):
                continue  # a resource of a page bundle, which Hugo does not publish
            if stem == "_index":
                continue  # a Hugo section's list page
            bundle = stem == "index" and rel.parent != Path()
            if bundle:
                base = rel.parent.name  # a Hugo page bundle
                parent = rel.parent.parent
            else:
                base, parent = stem, rel.parent
            match = _DATED_NAME.match(base)
            name = match[2] if match else base
            name = f"{name}.{lang}" if lang else name
            found.append(Candidate(path, parent / f"{name}.md", False, False, lang, bundle))
        return found

    def _ignored(self) -> list[re.Pattern[str]]:
        """Hugo's ``ignoreFiles``: regular expressions of content it never reads."""
        config = {k.lower(): v for k, v in self.config.items()}
        found = []
        for text in config.get("ignorefiles") or [] if self.flavor == "hugo" else []:
            try:
                found.append(re.compile(str(text)))
            except re.error:
                continue
        return found

    def content_dir(self) -> Path:
        """Where the posts are: Hugo's and Eleventy's ``content``/``src``, else the root."""
        for name in ("content", "src") if self.flavor == "eleventy" else ("content",):
            if (self.source / name).is_dir():
                return self.source / name
        return self.source

    def _excluded(self) -> list[str]:
        """Hugo content outside the sections posts live in (``[permalinks]``, else posts/blog)."""
        if self.flavor != "hugo":
            return []
        content = self.content_dir()
        sections = [s for s in self._hugo_permalinks() if (content / s).is_dir()]
        sections = sections or [s for s in _HUGO_POST_SECTIONS if (content / s).is_dir()]
        if not sections:
            return []
        return [
            f"{d.name}/*" if d.is_dir() else d.name
            for d in content.iterdir()
            if d.name not in sections
        ]

    def _hugo_permalinks(self) -> dict[str, str]:
        config = {k.lower(): v for k, v in self.config.items()}
        links = config.get("permalinks")
        if isinstance(links, dict) and isinstance(links.get("page"), dict):
            links = links["page"]  # Hugo 0.120's per-kind form
        if not isinstance(links, dict):
            return {}
        return {str(k): str(v) for k, v in links.items() if isinstance(v, str)}

    def read(self) -> list[Post]:
        posts = []
        taken: set[Path] = set()
        for candidate in self._candidates():
            path = candidate.path
            text = read_source(path, self.report)
            if text is None:
                continue
            lead = len(text) - len(text.lstrip("\r\n")) if self.flavor == "hugo" else 0
            fm = split_front_matter(text[lead:])  # Hugo reads front matter after blank lines
            fm.body_line += text.count("\n", 0, lead)
            dated = _DATED_NAME.match(path.parent.name if candidate.bundle else path.stem)
            if fm.error:
                self.report.problem(path, 1, f"{fm.error}; the file is skipped")
                continue
            if fm.data is None:
                if candidate.in_posts:
                    self.report.problem(
                        path, 1, "no front matter, so Jekyll does not publish it; skipped"
                    )
                continue
            if fm.data.get("headless") is True:
                continue  # a Hugo bundle of resources, not a page
            if not (candidate.in_posts or dated or "date" in fm.data):
                continue  # a page, not a post
            dest = candidate.dest
            slug = fm.data.get("slug")
            if isinstance(slug, str) and re.fullmatch(r"[\w.~-]+", slug.strip()):
                lang = f".{candidate.lang}" if candidate.lang else ""
                dest = dest.with_name(f"{slug.strip()}{lang}.md")
            post = Post(
                path,
                _unique(dest, taken),
                "MyST",
                "",
                [],
                None,
                body=fm.body,
                body_line=fm.body_line,
            )
            self._fill(post, fm.data, dated[1] if dated else "", candidate.draft)
            post.variables = {k: v for k, v in fm.data.items() if isinstance(v, str)}
            post.urls = self._urls(post, fm.data, candidate)  # a draft's: for links, not redirects
            post.lang = candidate.lang
            if candidate.lang:
                post.comments.append(
                    f"translation ({candidate.lang}) of {candidate.dest.stem.rsplit('.', 1)[0]}"
                )
            posts.append(post)
            self._names(post, candidate)
            self.site.add(post, self.report)
        return posts

    def _names(self, post: Post, candidate: Candidate) -> None:
        """Every name ``post_url``, ``link``, ``ref`` and ``relref`` may use for the post."""
        path = candidate.path
        names = [path.relative_to(self.source).as_posix()]
        if candidate.bundle:
            names.append(path.parent.name)
        else:
            names.append(path.stem)
            dated = _DATED_NAME.match(path.stem)
            if dated:
                names.append(dated[2])
        content = self.content_dir()
        if path.is_relative_to(content):
            rel = path.relative_to(content).as_posix()
            names += [rel, rel.rsplit(".", 1)[0]]
            if candidate.bundle:
                folder = path.parent.relative_to(content).as_posix()
                names += [folder, folder + "/"]
        for name in names:  # a translation is found first from posts in its language
            self.post_names.setdefault(f"{candidate.lang}\x00{name}", post)

    # -- addresses -----------------------------------------------------------------------

    def _urls(self, post: Post, data: dict[str, Any], candidate: Candidate) -> list[str]:
        """The post's old addresses: its permalink first, then its redirects."""
        urls: list[str] = []
        own = data.get("url") if self.flavor == "hugo" else data.get("permalink")
        pattern, values = self._pattern(post, data, candidate)
        if isinstance(own, str) and own.strip() and "{" not in own:
            pattern = "/" + own.strip().lstrip("/")
        if pattern:
            url, unknown = expand(pattern, values)
            if unknown:
                self.report.problem(
                    post.source,
                    0,
                    f"permalink placeholder :{unknown[0]} is not known; give --permalink",
                )
            elif self.flavor == "hugo" and not self.config.get("disablePathToLower"):
                urls.append(url.lower())  # Hugo writes every path in lower case
            else:
                urls.append(url)
        for key in ("redirect_from", "aliases"):
            for alias in as_list(data.get(key)) if key in data else []:
                if not re.match(r"[a-z]+://", alias):
                    urls.append("/" + alias.lstrip("/"))
        if candidate.lang and self.flavor == "hugo":
            urls = [f"/{candidate.lang}{u}" for u in urls]
        return list(dict.fromkeys(urls))

    def _pattern(
        self, post: Post, data: dict[str, Any], candidate: Candidate
    ) -> tuple[str, dict[str, str]]:
        """The permalink pattern for this post, and its placeholders' values."""
        path = candidate.path
        base = path.parent.name if candidate.bundle else path.stem.split(".", 1)[0]
        dated = _DATED_NAME.match(base)
        name = dated[2] if dated else base
        slug = data.get("slug") if isinstance(data.get("slug"), str) else ""
        rel = (
            path.relative_to(self.content_dir())
            if path.is_relative_to(self.content_dir())
            else path
        )
        folder = (rel.parent.parent if candidate.bundle else rel.parent).as_posix()
        folder = "" if folder == "." else folder
        if self.flavor == "hugo":
            title = hugo_urlize(str(data.get("title") or name))
            section = rel.parts[0] if len(rel.parts) > 1 else ""
            pattern = self.options.permalink or self._hugo_permalinks().get(
                section, "/:sections/:contentbasename/"
            )
            values = placeholders(
                post.date,
                title=title,
                slug=hugo_urlize(slug) if slug else title,
                filename=base,
                contentbasename=base,
                slugorfilename=hugo_urlize(slug) if slug else base,
                slugorcontentbasename=hugo_urlize(slug) if slug else base,
                section=section,
                sections=folder,
            )
            return pattern, values
        if self.flavor == "eleventy":
            strict = _ELEVENTY_DATED.match(base)
            file_slug = strict[1] if strict else base
            pattern = self.options.permalink or "/:path/:slug/"
            return pattern, placeholders(
                post.date,
                slug=slug or file_slug,
                title=slug or file_slug,
                path=folder,
                filename=base,
            )
        style = self.options.permalink or str(self.config.get("permalink") or "date")
        pattern = JEKYLL_STYLES.get(style, style)
        categories = as_list(data.get("categories"), None) + as_list(data.get("category"), None)
        return pattern, placeholders(
            post.date,
            title=jekyll_slug(slug or name, pretty=True, cased=True),
            slug=jekyll_slug(slug or name),
            name=jekyll_slug(name),
            categories="/".join(dict.fromkeys(c.lower() for c in categories)),
            path=folder,
        )

    # -- one post's metadata -----------------------------------------------------------

    def _fill(self, post: Post, data: dict[str, Any], name_date: str, is_draft: bool) -> None:
        line = key_line(post, "date")
        date_field(post, data.get("date") or name_date or None, "", line, self.report)
        if post.date is None and not post.date_raw and is_draft:
            # Jekyll dates a draft by its file's modification time
            stamp = dt.datetime.fromtimestamp(post.source.stat().st_mtime, dt.UTC)
            post.date = stamp.date()
            self.report.problem(
                post.source,
                1,
                f"a draft without a date: dated {post.date} from the file's modification time "
                "(UTC), as Jekyll does; set the date you mean",
            )
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
        if not raw_authors:
            fallback = self.options.author or self.site_author
            raw_authors = [fallback] if fallback else []
        if not raw_authors:
            self.report.problem(
                post.source,
                1,
                "no author in the post or the site configuration; give --author ID",
            )
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
        elif isinstance(image, str) and image.strip():
            post.cover = image.strip()  # found (and copied) with the links
        elif image:
            self.report.dropped["image (not a picture's address)"] += 1
        post.draft = is_draft or data.get("draft") is True or data.get("published") is False
        for key in ("last_modified_at", "lastmod", "updated", "modified"):
            if data.get(key):
                updated_field(post, data[key], "", key_line(post, key), self.report)
                break
        post.title = " ".join(str(data.get("title") or "").split()) or titleize(post.dest.stem)
        post.needs_title = not has_heading(post.body)
        for key in data:
            if len(key) > 40 and " " in key:  # text that lost its indentation became a key
                self.report.problem(
                    post.source,
                    key_line(post, key[:20]),
                    f"front matter key {key[:30]!r}… looks like text of the value above it "
                    "that lost its indentation; it is not carried over",
                )
            elif key not in JEKYLL_KEYS:
                self.report.dropped[key] += 1

    # -- converting -------------------------------------------------------------------

    def context(self, person: Any) -> Context:
        """What template conversion needs: post names, the site's address, its people."""

        def find(post: Post, target: str) -> Post | None:
            return self._named(target, post.lang)

        def person_for(key: str) -> str | None:
            info = self.people.get(key)
            return person(info.name) if info is not None else None

        return Context(find, self.site.base_path, self.site.url, person_for)

    def convert(self, post: Post, context: Context) -> None:
        """Template tags and kramdown attributes; then raw HTML pictures as MyST figures."""
        post.body = convert_templates(post, self.report, context, self.flavor)
        post.body = html_pictures(post.body)

    def _named(self, target: str, lang: str = "") -> Post | None:
        """The imported post a template names (``post_url``, ``link``, ``ref``, ``relref``)."""
        key = target.strip().strip("\"'").split("#", 1)[0]
        key = key.strip("/") or key
        pure = PurePosixPath(key)
        for name in (key, key.rsplit(".", 1)[0], key + "/", pure.stem, pure.name):
            for language in dict.fromkeys((lang, "")):
                if name and f"{language}\x00{name}" in self.post_names:
                    return self.post_names[f"{language}\x00{name}"]
        for language in dict.fromkeys((lang, "")) if "/" in key else ():  # a partial path
            ends = [
                p
                for n, p in self.post_names.items()
                if n.startswith(f"{language}\x00") and n.endswith("/" + key)
            ]
            if ends:
                return ends[0]
        return self.site.post_at("/" + key)


def _unique(dest: Path, taken: set[Path]) -> Path:
    candidate, number = dest, 2
    while candidate in taken:
        candidate = dest.with_name(f"{dest.stem}-{number}{dest.suffix}")
        number += 1
    taken.add(candidate)
    return candidate
