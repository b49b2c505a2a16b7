"""Links in imported posts: each one ends where it led on the old blog.

A link between posts becomes a link to the imported page, whichever way it
was written (a template, a root-relative path, the old site's full address,
a relative file, ABlog's ``{doc}``); a file the post shows is copied; a link
to an old author page becomes the person's page. A link to anything else on
the old site is made absolute when the old site's address is known, and is
reported otherwise: no link is left pointing at nothing without a line in
the report saying so.
"""

from __future__ import annotations

import dataclasses as dc
import html
import posixpath
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .assets import note_found
from .common import Post, line_of, relative_link

#: Address schemes a reader's browser follows, and MyST's own (``project:``, ``inv:``...).
from .markup import FENCE_INFO, LEXERS, heading_anchor, protect_code
from .permalinks import key, url_path
from .report import Report

KNOWN_SCHEMES = {
    "http",
    "https",
    "mailto",
    "ftp",
    "ftps",
    "tel",
    "sms",
    "data",
    "file",
    "irc",
    "ircs",
    "xmpp",
    "ssh",
    "git",
    "news",
    "geo",
    "magnet",
    "webcal",
    "doi",
    "project",
    "path",
    "inv",
}
DOC_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".rst", ".ipynb")
_AUTHOR_FOLDERS = ("author", "authors", "team", "people")


@dc.dataclass
class OldSite:
    """What is known about the old blog: its address, its posts' addresses, its people."""

    source: Path
    url: str = ""  # scheme and host: "https://18f.gsa.gov"
    base_path: str = ""  # the blog's folder on that host: "/esds", or ""
    origin: str = ""  # where the address came from, for the report
    relocate: bool = True  # copied files go under _imported/ (Jekyll, Hugo) or keep their place
    root_is_source: bool = False  # "/x" in a post is a file of the source (Sphinx), not an address
    static_dirs: tuple[str, ...] = ("static",)  # folders served at the site's root
    page_suffix: str = "/"  # how a page that is not a post was addressed: "/" or ".html"
    author_names: dict[str, str] = dc.field(default_factory=dict)  # page slug -> name
    author_folder: str = ""  # e.g. "/blog/author" on ABlog sites
    by_key: dict[str, Post] = dc.field(default_factory=dict)
    by_folded: dict[str, Post] = dc.field(default_factory=dict)
    by_source: dict[Path, Post] = dc.field(default_factory=dict)
    by_docname: dict[str, Post] = dc.field(default_factory=dict)

    def set_address(self, address: str, origin: str) -> None:
        """The old site's address, as given (a missing scheme means https)."""
        address = address.strip()
        if not address:
            return
        if "//" not in address:
            address = "https://" + address.lstrip("/")
        parts = urlsplit(address)
        self.url = f"{parts.scheme}://{parts.netloc}"
        self.base_path = unquote(parts.path).rstrip("/")
        self.origin = origin

    @property
    def address(self) -> str:
        return self.url + self.base_path + "/" if self.url else ""

    def add(self, post: Post, report: Report) -> None:
        """Make a post findable by every address and name it had."""
        self.by_source[post.source.resolve()] = post
        if post.docname:
            self.by_docname[post.docname] = post
        for url in post.urls:
            found = self.by_key.setdefault(key(url), post)
            if found is not post:
                report.problem(
                    post.source,
                    0,
                    f"its old address {url} is also {found.source.name}'s; "
                    f"links to it go to {found.source.name}",
                )
            self.by_folded.setdefault(key(url).casefold(), post)

    def post_at(self, path: str) -> Post | None:
        """The post at a site path (relative to the blog's folder), if it was imported."""
        return self.by_key.get(key(path)) or self.by_folded.get(key(path).casefold())

    def is_ours(self, netloc: str) -> bool:
        """Whether a host is the old site's (with or without ``www.``)."""
        if not self.url:
            return False
        ours = urlsplit(self.url).netloc.lower().removeprefix("www.")
        return netloc.lower().removeprefix("www.") == ours

    def file_at(self, path: str) -> Path | None:
        """The file a root-relative path names in the source, if it is there."""
        rel = path.lstrip("/")
        if not rel:
            return None
        root = self.source.resolve()
        for folder in ("", *self.static_dirs):
            candidate = (self.source / folder / rel).resolve()
            if candidate.is_file() and candidate.is_relative_to(root):
                return self.source / folder / rel
        return None

    def absolute(self, path: str) -> str:
        """A site path as an address on the old site."""
        return self.url + self.base_path + path if self.url else ""


@dc.dataclass(frozen=True)
class Found:
    """Where a link leads: exactly one field is set (``missing`` for "nowhere known")."""

    post: Post | None = None
    file: Path | None = None
    person: str = ""  # a registry id: the link went to an old author page
    url: str = ""  # an address on the old site, for a page that was not imported
    missing: str = ""  # the site path, when the old site's address is unknown
    fragment: str = ""


class Links:
    """Rewrites the links of one import's posts; see the module docstring."""

    def __init__(
        self,
        site: OldSite,
        report: Report,
        person_id: Callable[[str], str | None],
        prefix: str = "reflections",
    ) -> None:
        self.site = site
        self.report = report
        self.person_id = person_id
        self.prefix = prefix  # the folder of generated pages (conf.py's url_prefix)
        self._anchors: dict[int, set[str]] = {}

    def anchors(self, post: Post) -> set[str]:
        """The anchors MyST gives a post's headings (``myst_heading_anchors``) and labels."""
        if id(post) not in self._anchors:
            if post.notebook is not None:
                cells = post.notebook.get("cells", [])
                texts = ["".join(c.get("source", "")) for c in cells if isinstance(c, dict)]
                body = "\n".join(t for t in texts if isinstance(t, str))
            else:
                body = post.body
            text, _ = protect_code(body)
            found = {heading_anchor(m[1]) for m in _HEADING_LINE.finditer(text)}
            found |= {m[1] for m in _LABEL_LINE.finditer(text)}
            if post.kind == "rST":
                found |= {m[1] for m in re.finditer(r"^\.\. _([^:]+):\s*$", text, re.M)}
            self._anchors[id(post)] = found
        return self._anchors[id(post)]

    def _fragment(self, post: Post, found: Found, written: str) -> str:
        """The fragment a link to another post keeps: a heading of it, else none (reported)."""
        fragment = unquote(found.fragment.split(":~:", 1)[0])  # a browser's text fragment goes
        if not fragment or found.post is None:
            return ""
        if fragment in self.anchors(found.post):
            self.report.anchors += 1
            return "#" + fragment
        self.report.problem(
            post.source,
            line_of(post, written),
            f"#{fragment} is no heading of {found.post.dest.as_posix()}; the link goes to "
            "the page instead",
        )
        return ""

    # -- where a link leads ------------------------------------------------------------

    def resolve(self, post: Post, target: str) -> Found | None:
        """Where ``target`` (as written in ``post``) leads; None when not on the old site."""
        target = target.strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1]
        target, _, fragment = target.partition("#")
        target = target.split("?", 1)[0]
        if not target:
            return None
        parts = urlsplit(target)
        if target.startswith("//") and "." not in parts.netloc:
            target = "/" + target.lstrip("/")  # `//blog/2025/…`: a doubled slash, not a host
            parts = urlsplit(target)
        if parts.scheme or target.startswith("//"):
            if parts.scheme not in ("http", "https", "") or not self.site.is_ours(parts.netloc):
                return None
            path = url_path(target, self.site.base_path)
            if path is None:
                return None  # on the same host, outside the blog
            return self._site_path(path, fragment, absolute=True)
        if target.startswith("/") and self.site.root_is_source:
            return self._relative(post, unquote(target), fragment)
        if target.startswith("/"):
            path = url_path(target, self.site.base_path)
            if path is None:  # root-relative, outside the blog's folder
                return (
                    Found(url=self.site.url + target, fragment=fragment) if self.site.url else None
                )
            return self._site_path(path, fragment)
        return self._relative(post, unquote(target), fragment)

    def _site_path(self, path: str, fragment: str, absolute: bool = False) -> Found:
        post = self.site.post_at(path)
        if post is not None:
            return Found(post=post, fragment=fragment)
        person = self._person(path)
        if person:
            return Found(person=person, fragment=fragment)
        found = self.site.file_at(path)
        if found is not None and found.suffix.lower() not in DOC_SUFFIXES:
            return Found(file=found, fragment=fragment)
        if absolute or self.site.url:
            return Found(url=self.site.absolute(path), fragment=fragment)
        return Found(missing=path, fragment=fragment)

    def _person(self, path: str) -> str:
        """The registry id behind an old author page's path, if it is one."""
        parts = [p for p in path.strip("/").split("/") if p]
        folder = self.site.author_folder.strip("/")
        if folder and "/".join(parts[:-1]) == folder:
            slug = parts[-1] if parts else ""
        elif len(parts) == 2 and parts[0] in _AUTHOR_FOLDERS:
            slug = parts[1]
        else:
            return ""
        name = self.site.author_names.get(slug) or self.site.author_names.get(slug.casefold())
        return (self.person_id(name) or "") if name else ""

    def _relative(self, post: Post, target: str, fragment: str) -> Found | None:
        """A relative link: to a file next to the post, else relative to the post's address."""
        folder = self.site.source if target.startswith("/") else post.source.parent
        written = folder / target.lstrip("/")
        file = written.resolve()
        root = self.site.source.resolve()
        if file.is_relative_to(root) and (file.is_file() or target.endswith(DOC_SUFFIXES)):
            other = self.site.by_source.get(file)
            if other is not None:
                return Found(post=other, fragment=fragment)
            if file.suffix.lower() not in DOC_SUFFIXES:
                return Found(file=written, fragment=fragment)
            return self._page(file.relative_to(root).as_posix(), fragment)
        if not post.urls:
            return None
        base = post.urls[0] if post.urls[0].endswith("/") else posixpath.dirname(post.urls[0])
        path = posixpath.normpath(posixpath.join(base, target))
        return self._site_path(path + ("/" if target.endswith("/") else ""), fragment)

    def _page(self, rel: str, fragment: str) -> Found:
        """A source document that was not imported, by its path in the source."""
        stem = rel.rsplit(".", 1)[0]
        stem = stem[: -len("index")] if stem.endswith("index") else stem
        path = "/" + stem + ("" if not stem or stem.endswith("/") else self.site.page_suffix)
        path = path.replace("//", "/")
        post = self.site.by_docname.get(rel.rsplit(".", 1)[0])
        if post is not None:
            return Found(post=post, fragment=fragment)
        if self.site.url:
            return Found(url=self.site.absolute(path), fragment=fragment)
        return Found(missing=path, fragment=fragment)

    # -- what a link becomes -------------------------------------------------------------

    def _note(self, post: Post, found: Found, written: str, what: str = "link") -> None:
        if found.missing:
            self.report.problem(
                post.source,
                line_of(post, written),
                f"{what} to {found.missing} on the old site: it was not imported, so the "
                "link leads nowhere; give --site-url to link to the old site, or fix it",
            )
            self.report.unresolved += 1
        elif found.url:
            self.report.to_old_site += 1
        elif found.post is not None or found.person:
            self.report.links_rewritten += 1

    def _target(self, post: Post, found: Found, written: str, html_page: bool = False) -> str:
        """The new target for a link that resolved (Markdown: ``.md`` paths; raw HTML: ``.html``)."""
        fragment = f"#{found.fragment}" if found.fragment else ""
        if found.post is not None:
            fragment = self._fragment(post, found, written)
            path = relative_link(found.post.dest, post.dest)
            if html_page:
                path = path.rsplit(".", 1)[0] + ".html"
            return path + fragment
        if found.file is not None:
            new = note_found(
                post, found.file, line_of(post, written), self.site.source, self.site.relocate
            )
            return (new or written) + fragment
        if found.url:
            return found.url + fragment
        return written

    def _link(self, post: Post, written: str, image: bool = False) -> tuple[Found | None, str]:
        found = self.resolve(post, written)
        if found is None:
            return None, written
        if image and found.file is None:
            return found, self._missing_image(post, found, written)
        if found.person:
            return found, written
        self._note(post, found, written)
        return found, self._target(post, found, written)

    def _missing_image(self, post: Post, found: Found, written: str) -> str:
        """An image that is not in the source: shown from the old site, or reported.

        A Sphinx site (ABlog) published its pictures as ``_images/<name>``.
        """
        line = line_of(post, written)
        address = found.url or (
            self.site.absolute(found.missing) if found.missing and self.site.url else ""
        )
        if address and self.site.root_is_source:
            name = PurePosixPath(unquote(written.split("#", 1)[0].split("?", 1)[0])).name
            address = self.site.absolute(f"/_images/{name}")
        if address:
            self.report.problem(
                post.source, line, f"image {written} is not in the source; shown from {address}"
            )
            return address
        self.report.problem(
            post.source,
            line,
            f"file {written!r} is not in the source; copy it by hand (or give --site-url "
            "to show it from the old site)",
        )
        return written

    def cover(self, post: Post) -> Path | str:
        """A post's cover picture: the file to copy (its new place), or an https address.

        "" when it cannot be carried over (reported): the extension takes a file in
        the source directory or an https address.
        """
        found = self.resolve(post, post.cover)
        if found is not None and found.file is not None:
            note_found(post, found.file, 1, self.site.source, self.site.relocate)
            return post.assets[-1].dest if post.assets[-1].found else ""
        address = found.url if found is not None else post.cover
        if address.startswith("https://"):
            return address
        self.report.problem(
            post.source, 1, f"cover image {post.cover!r} is not in the source; not carried over"
        )
        return ""

    # -- Markdown ----------------------------------------------------------------------

    def markdown(self, post: Post, body: str) -> str:
        """Every link, image, reference definition and raw HTML address in a Markdown body."""
        text, restore = protect_code(body)
        text = _EMPTY.sub(lambda m: "" if m[1] else m[2], text)  # a stripped template's remains
        text = _INLINE.sub(lambda m: self._inline(post, m), text)
        text = _DEFINITION.sub(lambda m: self._definition(post, m), text)
        text = _AUTOLINK.sub(lambda m: self._autolink(post, m), text)
        text = _ATTRIBUTE.sub(lambda m: self._attribute(post, m), text)
        text = _PICTURE.sub(lambda m: m[1] + self._link(post, m[2], image=True)[1], text)
        text = _DOC_ROLE.sub(lambda m: self._doc_role(post, m, "{doc}"), text)
        text = _DOWNLOAD_ROLE.sub(lambda m: self._download(post, m), text)
        # fences are code, hidden above: their language is renamed in the finished text
        return FENCE_INFO.sub(lambda m: m[1] + LEXERS.get(m[2].lower(), m[2]), restore(text))

    def _download(self, post: Post, match: re.Match[str]) -> str:
        """``{download}``: the file it offers is copied like a picture."""
        has_title = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", match[1])
        title, target = (has_title[1], has_title[2]) if has_title else ("", match[1])
        folder = self.site.source if target.startswith("/") else post.source.parent
        if (folder / target.lstrip("/")).is_file():  # any file, a notebook too, is offered as is
            new = (
                note_found(
                    post,
                    folder / target.lstrip("/"),
                    line_of(post, target),
                    self.site.source,
                    self.site.relocate,
                )
                or target
            )
        else:
            found, new = self._link(post, target, image=True)
            if found is None:
                return match[0]
        if new == target:
            return match[0]
        return f"{{download}}`{title} <{new}>`" if title else f"{{download}}`{new}`"

    def _inline(self, post: Post, match: re.Match[str]) -> str:
        bang, label, target, title = match[1], match[2], match[3], match[4] or ""
        if not bang:  # an image inside a link's text: [![alt](img)](url)
            label = _INLINE.sub(lambda m: self._inline(post, m), label)
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", target)
        if scheme and scheme[1].lower() not in KNOWN_SCHEMES and not bang:
            self.report.problem(
                post.source,
                line_of(post, target),
                f"{target} is no address MyST can follow (it led nowhere on the old blog "
                "either); the link is removed, its text kept",
            )
            return label
        if target.startswith("#") and not bang and post.kind != "rST":
            anchor = unquote(target[1:].split(":~:", 1)[0])
            target = "#" + anchor if anchor else target
            if anchor in self.anchors(post):
                self.report.anchors += 1
                return f"[{label}]({target}{title})"
            self.report.problem(
                post.source,
                line_of(post, target),
                f"{target} is no heading of this post; the link is removed, its text kept",
            )
            return label
        found, new = self._link(post, target, image=bool(bang))
        if found is not None and found.person:
            self.report.links_rewritten += 1
            plain = " ".join(label.split())
            if plain and not re.search(r"[`<>\[\]*_]", plain):
                return f"{{author}}`{plain} <{found.person}>`"
            return f"{{author}}`{found.person}`"
        if new.startswith("<") or " " in new:
            new = f"<{new.strip('<>')}>"
        return f"{bang}[{label}]({new}{title})"

    def _definition(self, post: Post, match: re.Match[str]) -> str:
        found, new = self._link(post, match[2])
        if found is not None and found.person:
            new = self.site.absolute(f"/{match[2].lstrip('/')}") or match[2]
        return f"{match[1]}{new}{match[3] or ''}"

    def _autolink(self, post: Post, match: re.Match[str]) -> str:
        found, new = self._link(post, match[1])
        if found is None or found.url or found.person:
            return match[0]
        return f"[{match[1]}]({new})"

    def _attribute(self, post: Post, match: re.Match[str]) -> str:
        name, quote, value = match[1], match[2], match[3]
        found = self.resolve(post, html.unescape(value))
        if found is None:
            return match[0]
        if found.person:
            new = self._person_page(post, found.person)
            self.report.links_rewritten += 1
        elif found.file is not None:
            # raw HTML is not read by Sphinx, so nothing it shows is copied
            rel = found.file.resolve().relative_to(self.site.source.resolve()).as_posix()
            folder, _, inside = rel.partition("/")
            if inside and folder in self.site.static_dirs:  # served at the site's root
                rel = inside
            new = self.site.absolute("/" + rel)
            if not new:
                self.report.problem(
                    post.source,
                    line_of(post, value),
                    f"{value} in raw HTML: Sphinx does not copy files raw HTML shows; "
                    "write it as a Markdown image or link, or give --site-url",
                )
                return match[0]
            self.report.to_old_site += 1
        else:
            self._note(post, found, value, "HTML link")
            new = self._target(post, found, value, html_page=True)
        return f"{name}={quote}{html.escape(new, quote=True)}{quote}"

    def _person_page(self, post: Post, person: str) -> str:
        """An author page's address from a post's page (raw HTML needs an address)."""
        page = Path(self.prefix) / "authors" / f"{person}.html"
        return relative_link(page, post.dest.with_suffix(".html"))

    def _doc_role(self, post: Post, match: re.Match[str], role: str) -> str:
        """ABlog's ``{doc}``/``:doc:``: kept for imported posts, else an address or a report."""
        has_title = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", match[1])
        title, target = (has_title[1], has_title[2]) if has_title else ("", match[1])
        base = posixpath.dirname(post.docname)
        docname = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        docname = posixpath.normpath(docname)
        other = self.site.by_docname.get(docname)
        if other is not None:
            self.report.links_rewritten += 1
            new = relative_link(other.dest, post.dest).rsplit(".", 1)[0]
            return f"{role}`{title} <{new}>`" if title else f"{role}`{new}`"
        found = self._page(docname + ".md", "")
        if found.missing:
            self._note(post, found, match[0])
            return match[0]
        self.report.to_old_site += 1
        shown = title or PurePosixPath(docname).name
        if role == "{doc}":
            return f"[{shown}]({found.url})"
        return f"`{shown} <{found.url}>`__"

    # -- reStructuredText --------------------------------------------------------------

    def rst(self, post: Post, body: str) -> str:
        """``:doc:`` roles and hyperlinks to the old site in an rST body."""
        body = _RST_DOC.sub(lambda m: self._doc_role(post, m, ":doc:"), body)
        return _RST_LINK.sub(lambda m: self._rst_link(post, m), body)

    def _rst_link(self, post: Post, match: re.Match[str]) -> str:
        found = self.resolve(post, match[2])
        if found is None:
            return match[0]
        if found.post is not None:
            self._note(post, found, match[2])
            other = relative_link(found.post.dest, post.dest).rsplit(".", 1)[0]
            return f":doc:`{match[1].strip()} <{other}>`"
        self._note(post, found, match[2])
        if found.url:
            return f"`{match[1]} <{found.url}>`{match[3]}"
        return match[0]


# Markdown syntax, outside code (see protect_code)
_LABEL = r"((?:[^\[\]\n]|\n(?!\s*\n)|\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\])*)"
_INLINE = re.compile(
    r"(!?)\[" + _LABEL + r"\]\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))+)"
    r"(\s+(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|\([^)\n]*\)))?\s*\)"
)
_EMPTY = re.compile(r"(!?)\[" + _LABEL + r"\]\(\s*\)")
_DEFINITION = re.compile(
    r"^([ ]{0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)"
    r"([ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\))[ \t]*)?$",
    re.M,
)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_ATTRIBUTE = re.compile(r"\b(href|src)=([\"'])([^\"'\n]*)\2", re.I)
_HEADING_LINE = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_LABEL_LINE = re.compile(r"^\(([^()\s]+)\)=[ \t]*$", re.M)
_PICTURE = re.compile(r"^([ \t]*(?:`{3,}|:{3,})\{(?:image|figure)\}[ \t]+)(\S+)", re.M)
_DOWNLOAD_ROLE = re.compile(r"\{download\}`([^`]+)`")
_DOC_ROLE = re.compile(r"\{doc\}`([^`]+)`")
_RST_DOC = re.compile(r":doc:`([^`]+)`")
_RST_LINK = re.compile(r"`([^`<]*?)\s*<([^<>`]+)>`(__?)")
