"""The knowledge base an import writes into: where its conf.py is, what it must add.

Paths in conf.py are relative to conf.py, not to the folder the import
writes into, so everything the import prints for conf.py is worked out
from there. The redirect map is a sphinxext-rediraffe file: the extension
most Sphinx sites already use for moved pages, whose build fails when a
redirect leads nowhere.
"""

from __future__ import annotations

import dataclasses as dc
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from ...text import slugify, tag_key
from ..base import relative
from .common import Post, literal_conf
from .permalinks import redirect_source
from .report import Report

REDIRECTS = "redirects.txt"
_HEAD = (
    "# Old addresses of imported posts -> their new pages, written by\n"
    "# `sphinx-reflections import` for sphinxext-rediraffe (rediraffe_redirects).\n"
)


@dc.dataclass
class Destination:
    """The folder posts go to, inside the Sphinx project whose conf.py is ``confdir``."""

    dest: Path
    confdir: Path | None
    conf: dict[str, Any]

    @classmethod
    def find(cls, dest: Path) -> Destination:
        """The nearest folder at or above ``dest`` with a conf.py (None if there is none)."""
        here = dest.resolve()
        for folder in (here, *here.parents):
            if (folder / "conf.py").is_file():
                return cls(dest, folder, literal_conf(folder / "conf.py"))
        return cls(dest, None, {})

    @property
    def root(self) -> Path:
        """Where conf.py paths start: conf.py's folder, else the destination itself."""
        return self.confdir or self.dest.resolve()

    def path(self, target: Path) -> str:
        """``target`` as conf.py names it: relative to conf.py's folder, with ``/``."""
        return PurePosixPath(Path(target).resolve().relative_to(self.root)).as_posix()

    def docname(self, post: Post) -> str:
        """The imported post's page name in the knowledge base."""
        return self.path(self.dest / post.dest).rsplit(".", 1)[0]

    @property
    def url_prefix(self) -> str:
        value = self.conf.get("reflections_url_prefix")
        return value.strip("/") if isinstance(value, str) and value.strip("/") else "reflections"

    def prefix_from_dest(self) -> str:
        """The generated pages' folder as seen from the destination (for raw HTML links)."""
        rel = posixpath.relpath(self.url_prefix, self.path(self.dest) or ".")
        return rel

    def assigns(self, name: str) -> bool:
        """Whether conf.py sets ``name`` at all (literally or not), so ``+=`` works."""
        if self.confdir is None:
            return False
        try:
            text = (self.confdir / "conf.py").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        return re.search(rf"^{name}\s*(?::[^=]*)?=", text, re.M) is not None

    def extensions(self) -> list[str] | None:
        value = self.conf.get("extensions")
        return [str(e) for e in value] if isinstance(value, list | tuple) else None


def redirects(dest: Destination, posts: list[Post], report: Report) -> dict[str, str]:
    """Old page -> new document, for every old address of every written post.

    An address that is the new page's own (ABlog posts imported in place)
    needs no redirect; two posts claiming one address keep the first.
    """
    new_pages = {dest.docname(p) for p in posts}
    found: dict[str, str] = {}
    for post in posts:
        if post.draft:
            continue  # never published: no address to keep
        target = dest.path(dest.dest / post.dest)
        docname = target.rsplit(".", 1)[0]
        for url in post.urls:
            old = redirect_source(url)
            if old.removesuffix("/index") == docname or old == docname:
                continue  # the page itself, as the html or the dirhtml builder writes it
            if old in new_pages:
                report.problem(
                    post.source, 0, f"old address {url} is now another page's; no redirect"
                )
                continue
            if found.setdefault(old, target) != target:
                report.problem(
                    post.source, 0, f"old address {url} is also another post's; no redirect"
                )
    return found


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "%22") + '"'


def write_redirects(dest: Destination, found: dict[str, str], report: Report) -> None:
    """Write the map where conf.py's ``rediraffe_redirects`` says, else beside the posts."""
    if not found:
        return
    lines = [f"{_quoted(old)} {_quoted(new)}\n" for old, new in sorted(found.items())]
    configured = dest.conf.get("rediraffe_redirects")
    path = dest.root / configured if isinstance(configured, str) else dest.dest / REDIRECTS
    report.redirect_count = len(found)
    if isinstance(configured, str) and path.is_file():
        text = path.read_text(encoding="utf-8")
        there = {
            line.split(None, 1)[0].strip("\"'")
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        }
        new = [f"{_quoted(o)} {_quoted(n)}\n" for o, n in sorted(found.items()) if o not in there]
        kept = len(found) - len(new)
        if not report.dry_run and new:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(("" if text.endswith("\n") or not text else "\n") + "".join(new))
        report.redirects = path
        report.redirect_message = f"{relative(path)}: {len(new)} redirects appended" + (
            f" ({kept} old addresses were there already)" if kept else ""
        )
        return
    if path.exists() or isinstance(configured, dict):
        path = path.with_name("redirects.imported.txt")
        if path.exists():
            report.problem(
                path, 0, "exists; the redirects were not written (nothing is overwritten)"
            )
            return
        report.redirect_message = (
            f"{relative(path)}: {len(found)} redirects, to merge into your rediraffe_redirects"
        )
    else:
        report.redirect_message = f"{relative(path)}: {len(found)} redirects from old addresses"
    if not report.dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_HEAD + "".join(lines), encoding="utf-8")
    report.created.append((path, report.source))
    report.redirects = path


#: The old blog's own machinery, and what sphinx_reflections loads itself: never advised.
BLOG_MACHINERY = {"ablog", "myst_parser", "myst_nb", "sphinx_reflections", "sphinx_design"}


#: Page names in the tags folder that the extension's own pages have (the tags index).
RESERVED_TAG_PAGES = ("index",)


def reserved_tags(posts: Sequence[Post]) -> dict[str, dict[str, str]]:
    """Tags whose page would have the tags index's name, with a page name of their own.

    A blog tagged ``index`` is ordinary; in the knowledge base the tag's page
    would be ``tags/index``, which is the tags index, and the build would warn
    and move the tag. A ``reflections_tags`` entry (id = page name) gives the
    tag its own page before any build does.
    """
    found: dict[str, dict[str, str]] = {}
    for post in posts:
        for tag in post.tags:
            slug = slugify(tag_key(tag))
            if slug in RESERVED_TAG_PAGES:
                found.setdefault(f"{slug}-tag", {"name": tag})
    return found


def conf_lines(
    dest: Destination,
    report: Report,
    kinds: set[str],
    old_extensions: Sequence[str] = (),
    posts: Sequence[Post] = (),
) -> list[str]:
    """The exact lines conf.py needs, each only when conf.py does not say it yet."""
    known = dest.extensions()
    wanted = ["sphinx_reflections"]
    lines = []
    if "notebook" in kinds:
        # myst_nb reads MyST as well; with myst_parser also loaded, older releases fail
        wanted.insert(0, "myst_nb")
        if known is not None and "myst_parser" in known:
            lines.append('extensions.remove("myst_parser")  # myst_nb reads MyST too')
    elif kinds & {"MyST"} and not {"myst_parser", "myst_nb"} & set(known or []):
        wanted.insert(0, "myst_parser")
    if report.redirects is not None and not isinstance(dest.conf.get("rediraffe_redirects"), str):
        wanted.append("sphinxext.rediraffe")
    missing = [e for e in wanted if known is None or e not in known]
    if missing:
        shown = ", ".join(f'"{e}"' for e in missing)
        lines.append(f"extensions {'+=' if dest.assigns('extensions') else '='} [{shown}]")
    if report.registry is not None and report.registry_how == "unset":
        lines.append(f'reflections_authors = "{dest.path(report.registry)}"')
    if report.redirects is not None and "rediraffe_redirects" not in dest.conf:
        lines.append(f'rediraffe_redirects = "{dest.path(report.redirects)}"')
    if report.excluded:
        shown = ", ".join(f'"{e}"' for e in report.excluded)
        operator = "+=" if dest.assigns("exclude_patterns") else "="
        lines.append(f"exclude_patterns {operator} [{shown}]  # copied files, not pages")
    tag_pages = reserved_tags(posts)
    if tag_pages and "reflections_tags" not in dest.conf:
        lines.append(f"reflections_tags = {tag_pages!r}  # a page of its own, not the tags index's")
    elif tag_pages:
        lines.append(f"# add to reflections_tags: {tag_pages!r} (a tag page of its own)")
    if report.anchors and "myst_heading_anchors" not in dest.conf:
        lines.append("myst_heading_anchors = 6  # links to headings of imported posts")
    if "notebook" in kinds and "nb_execution_mode" not in dest.conf:
        lines.append('nb_execution_mode = "off"  # imported notebooks keep their outputs')
    advised = set(wanted) | set(known or [])
    others = [e for e in old_extensions if e not in BLOG_MACHINERY and e not in advised]
    if others:
        shown = ", ".join(f'"{e}"' for e in others)
        lines.append(f"# the old blog also loaded {shown}: add those its posts need")
    return lines
