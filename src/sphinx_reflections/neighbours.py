"""Other extensions that write pages where this one does: a warning naming both settings.

ABlog and sphinx-tags make archive, tag and author pages of their own. They
live happily beside this extension in one project, as long as each writes
into its own folder; when their folder is ours, one extension's pages would
silently replace the other's.
"""

from __future__ import annotations

import contextlib
import glob
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .warnings_ import ReflectionsWarning, config_location, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def _folder(value: object) -> str:
    return str(value or "").replace("\\", "/").strip("/")


def _overlap(one: str, other: str) -> bool:
    """Whether two output folders are one, or one holds the other."""
    return bool(one and other) and (
        one == other or one.startswith(other + "/") or other.startswith(one + "/")
    )


def check(app: Sphinx, config: Config) -> None:
    """``config-inited``: warn when ABlog or sphinx-tags writes into our folder."""
    ours = _folder(config.reflections_url_prefix)
    if "ablog" in app.extensions:
        blog = _folder(getattr(config, "blog_path", "blog") or "blog")
        if _overlap(blog, ours):
            warn(
                ReflectionsWarning.CONFLICT,
                f"ABlog's blog_path = {blog!r} and reflections_url_prefix = {ours!r} share a "
                "folder: both extensions write archive, tag and author pages and an atom.xml "
                "there; set one of them to another folder",
                config_location(app.confdir, "blog_path"),
            )
    if "sphinx_tags" in app.extensions and getattr(config, "tags_create_tags", False):
        tags = _folder(getattr(config, "tags_output_dir", "_tags"))
        if _overlap(tags, ours):
            warn(
                ReflectionsWarning.CONFLICT,
                f"sphinx-tags writes its tag pages into tags_output_dir = {tags!r}, inside "
                f"reflections_url_prefix = {ours!r}, where this extension writes its own; "
                "set tags_output_dir to another folder",
                config_location(app.confdir, "tags_output_dir"),
            )


@contextlib.contextmanager
def unlisted(app: Sphinx, pagename: str) -> Iterator[None]:
    """A page rendered for a look only (a probe of the theme) stays out of sphinx-sitemap.

    sphinx-sitemap lists every page Sphinx renders; it offers only its
    ``sitemap_excludes`` patterns to leave one out, so the probe's address is
    one of them for as long as the probe renders.
    """
    excludes = getattr(app.config, "sitemap_excludes", None)
    if not isinstance(excludes, list):
        yield
        return
    builder: Any = app.builder
    link = (
        (pagename[:-5] if pagename.endswith("/index") else pagename + "/")
        if getattr(app.env, "is_directory_builder", False) or builder.name == "dirhtml"
        else pagename + (app.config.html_file_suffix or ".html")
    )
    pattern = glob.escape(link)
    excludes.append(pattern)
    try:
        yield
    finally:
        excludes.remove(pattern)
