"""The generated site: pages, feeds and calendars under ``reflections_url_prefix``.

The top of the build: it reads the domain and the resolution stage, never
the other way round. :func:`collect_pages` is the one ``html-collect-pages``
handler; it is the only caller of the feeds and calendars.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import get_domain, page_builder
from . import cache
from .calendars import write_calendars
from .feeds import write_feeds
from .outputs import remove_stale
from .pages import Page, write_generated_pages

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def collect_pages(app: Sphinx) -> list[Page]:
    """``html-collect-pages``: bring every generated page, feed and calendar up to date.

    Pages are written here rather than returned to Sphinx: unchanged ones are
    not rendered at all, and the rest are written only when their bytes change.
    """
    if not page_builder(app.builder):
        return []
    domain = get_domain(app.env)
    remove_stale(app, domain)
    state = cache.load(app, domain)
    site = cache.site_key(app, domain)
    quiet = write_generated_pages(app, state, site)
    write_calendars(app)
    write_feeds(app, Path(app.builder.outdir), state, site, quiet)
    if not quiet:
        cache.save(app, domain, state)
    return []
