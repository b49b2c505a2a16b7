"""sphinx-reflections: personal reflection pieces as first-class Sphinx pages.

:func:`setup` is the one place that wires the extension into Sphinx: each
module registers its own directives, roles, nodes and transforms (a function
called ``register`` in each), and every event handler is connected here,
grouped by build phase, so the whole pipeline reads top to bottom.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"


def _add_static(app: Sphinx, config: Config) -> None:
    """Serve the extension's stylesheet (and sphinx-design's) from their own folders.

    On ``config-inited``, before Sphinx compares the configuration with the one
    the last build pickled: both then have the folders, and a rebuild that
    changed nothing does not report ``html_static_path`` as changed.
    sphinx-design adds its folder later, on ``builder-inited``; it is put
    here first and the second copy is dropped by :func:`_one_static_path`.
    """
    from .compat import sphinx_design_static_dir  # deferred like setup()

    design = sphinx_design_static_dir()
    for folder in (str(STATIC_DIR), design):
        if folder and folder not in map(str, config.html_static_path):
            config.html_static_path.append(folder)


def _one_static_path(app: Sphinx) -> None:
    """Each static folder once (sphinx-design appended its folder a second time)."""
    paths = app.config.html_static_path
    paths[:] = list(dict.fromkeys(paths))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension: components first, then every event by build phase."""
    # deferred: ``import sphinx_reflections`` (the CLI, __version__) stays light
    from . import (
        authors,
        compat,
        config,
        domain,
        events,
        frontmatter,
        hashtags,
        i18n,
        listings,
        memory,
        metadata,
        naming,
        neighbours,
        nodes,
        outdated,
        resolve,
        site,
        store,
        writing,
    )
    from .site import cache, feeds, outputs, pages

    app.setup_extension("sphinx_design")
    # its per-page steps skip, by a quick walk, the many pages without its components
    compat.quicken_sphinx_design(app)

    # -- components: options, labels, nodes, the domain, markup ----------------------
    config.register(app)
    i18n.register(app)
    nodes.register(app)
    app.add_domain(domain.ReflectionsDomain)
    frontmatter.register(app)  # the reflection directive; its transform (priority 700)
    authors.register(app)
    hashtags.register(app)  # roles, hashtag-cloud; the autolink transform (600)
    events.register(app)
    listings.register(app)
    writing.register(app)  # hints for writers (priority 710, after the reflection)
    app.add_css_file("reflections.css")

    # -- configuration ---------------------------------------------------------------
    # invalid values become their defaults before anything reads them (Sphinx's own
    # config checks run at 800)
    app.connect("config-inited", config.validate, priority=400)
    app.connect("config-inited", _add_static)
    app.connect("builder-inited", _one_static_path, priority=900)  # after sphinx-design
    # ABlog or sphinx-tags set to write into our folder (extensions are loaded by now)
    app.connect("config-inited", neighbours.check, priority=450)
    app.connect("builder-inited", domain.load_registries)  # before any page is read
    # toctrees may list the archive and the tags and events indexes (as genindex)
    app.connect("builder-inited", outputs.allow_in_toctrees)
    app.connect("build-finished", outputs.forget_toctree_pages)
    # the long dates earlier builds formatted: Babel need not load its data to show them
    app.connect("builder-inited", cache.load_dates)
    app.connect("build-finished", cache.save_dates)

    # -- reading ---------------------------------------------------------------------
    # what survives a full collection is frozen: the collector stops walking the environment
    app.connect("env-before-read-docs", memory.start)
    # take the reflection: mapping out of MyST front matter before MyST parses it
    app.connect("source-read", frontmatter.read_front_matter)
    # whether this build reads or removes any page: when not, a generated page can
    # change only with the registries, the options, the day and the theme
    app.connect("env-get-outdated", outdated.begin_read, priority=100)
    app.connect("env-before-read-docs", outdated.note_reading, priority=900)
    # pages that name a person, event or tag whose registry entry changed are read again
    app.connect("env-get-outdated", outdated.registries_outdated)
    # before Sphinx's toctree collector (500): a generated page in a toctree is no chapter
    app.connect("doctree-read", outputs.keep_out_of_books, priority=400)
    # Sphinx before 9 runs no write phase when nothing is read: a generated page
    # deleted from the output, or an avatar or cover image replaced under its name,
    # then marks the root document out of date (from 9, the write phase puts them back)
    if not compat.WRITES_WHEN_NOTHING_READ:
        app.connect("env-get-outdated", outputs.rewrite_missing_pages)
        app.connect("env-get-outdated", authors.recopy_changed_pictures)

    # -- after reading: every page is in the domain ----------------------------------------
    # in this order: the tag table (400) gets its page names (450), related reflections
    # are worked out (470), then listings (500) and outputs (600) show them
    # first: whether this build read nothing and the tables' other inputs stand
    app.connect("env-updated", outdated.settle, priority=300)
    app.connect("env-updated", hashtags.update_tag_table, priority=400)
    app.connect("env-updated", naming.name_pages, priority=450)
    app.connect("env-updated", listings.update_related, priority=470)
    app.connect("env-updated", listings.outdated_listings, priority=500)
    app.connect("env-updated", outputs.plan_outputs, priority=600)
    app.connect("env-updated", outdated.remember_registries, priority=700)
    # last: what was read lives to the end of the build; the collector stops walking it
    app.connect("env-updated", memory.freeze, priority=999)
    app.connect("env-check-consistency", events.check_references)
    app.connect("env-check-consistency", hashtags.check_unknown_tags)
    # with reflections_writer_hints: hashtag slips, pieces in no table of contents
    app.connect("env-check-consistency", writing.check_site)

    # -- writing ---------------------------------------------------------------------
    app.connect("write-started", authors.copy_avatars)
    app.connect("write-started", outputs.write_parents_of_read_pages)
    app.connect("build-finished", outputs.restore_parents)
    # a {ref} to a generated page, in a builder that has none, becomes its text
    app.connect("missing-reference", outputs.label_as_text)
    # so does a link to one of our people, tags, events or series: never another
    # site's (intersphinx, at 500, would look in its inventory)
    app.connect("missing-reference", outputs.own_as_text, priority=400)
    # the resolution stage: the one owner of what the extension writes into a page
    app.connect("doctree-resolved", resolve.doctree_resolved)
    app.connect("doctree-resolved", outputs.note_written)
    # last: the page has its doctree, Sphinx need not keep the pickle's bytes
    app.connect("doctree-resolved", memory.written, priority=990)
    # the search index stems each distinct word once per build, not once per page
    app.connect("doctree-resolved", memory.stems)
    # related lists in documents take the entries generated pages render once per build
    app.add_event("reflections-entry-maker")
    app.connect("reflections-entry-maker", pages.related_entries)
    # a piece's related reflections are made as its page is translated (in -j workers)
    app.add_event("reflections-spot")  # nodes.SPOT_EVENT
    app.connect("reflections-spot", resolve.make_related)
    # the general index in the order of the project's language (hashtags under their letter)
    app.connect("html-page-context", hashtags.sort_general_index)
    # JSON-LD and OpenGraph before sphinxext-opengraph (500) reads the page's fields
    app.connect("html-page-context", metadata.page_context, priority=400)
    # last, once every other extension changed the page: keep its feed entry HTML
    app.connect("html-page-context", feeds.capture, priority=900)
    # pages not written again keep their hashtags and people in the search index; before
    # the generated site, whose feeds may resolve a document that was not written
    # (from the searchindex.js Sphinx loads before writing, not read a second time)
    app.connect("builder-inited", outputs.watch_search_index)
    app.connect("html-collect-pages", outputs.keep_index_entries, priority=400)
    app.connect("html-collect-pages", site.collect_pages)

    # -- the end -------------------------------------------------------------------------
    # errors a project asked for (reflections_unknown_tags = "error") fail the build
    app.connect("build-finished", hashtags.fail_build)
    app.connect("build-finished", memory.unfreeze)

    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": store.DATA_VERSION,
    }


def __getattr__(name: str) -> Any:
    """``DIRECTIVES`` and ``ROLES`` for the generated reference docs."""
    if name == "DIRECTIVES":  # deferred like setup(): only the docs ask for these
        from .authors import AuthorCardDirective
        from .events import EventDirective, EventsDirective
        from .frontmatter import ReflectionDirective
        from .hashtags import HashtagCloudDirective
        from .listings import ReflectionsDirective

        return {
            "reflection": ReflectionDirective,
            "author-card": AuthorCardDirective,
            "hashtag-cloud": HashtagCloudDirective,
            "event": EventDirective,
            "events": EventsDirective,
            "reflections": ReflectionsDirective,
        }
    if name == "ROLES":  # deferred like setup()
        from .authors import AuthorRole
        from .domain import domain_roles
        from .events import EventRole
        from .hashtags import HashtagRole, MentionRole

        return {
            "author": AuthorRole(),
            "hashtag": HashtagRole(),
            "mention": MentionRole(),
            "event": EventRole(),
            **{f"reflections:{kind}": role for kind, role in domain_roles().items()},
        }
    raise AttributeError(name)
