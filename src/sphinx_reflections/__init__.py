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

STATIC_DIR = Path(__file__).parent / "static"


def _add_static(app: Sphinx) -> None:
    """Serve the extension's stylesheet from its own folder."""
    if str(STATIC_DIR) not in map(str, app.config.html_static_path):
        app.config.html_static_path.append(str(STATIC_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension: components first, then every event by build phase."""
    # deferred: ``import sphinx_reflections`` (the CLI, __version__) stays light
    from . import (
        authors,
        config,
        domain,
        events,
        frontmatter,
        hashtags,
        i18n,
        listings,
        metadata,
        neighbours,
        nodes,
        resolve,
        site,
    )
    from .site import feeds, outputs

    app.setup_extension("sphinx_design")

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
    app.add_css_file("reflections.css")

    # -- configuration ---------------------------------------------------------------
    # invalid values become their defaults before anything reads them (Sphinx's own
    # config checks run at 800)
    app.connect("config-inited", config.validate, priority=400)
    # ABlog or sphinx-tags set to write into our folder (extensions are loaded by now)
    app.connect("config-inited", neighbours.check, priority=450)
    app.connect("builder-inited", domain.load_registries)  # before any page is read
    app.connect("builder-inited", _add_static)

    # -- reading ---------------------------------------------------------------------
    # take the reflection: mapping out of MyST front matter before MyST parses it
    app.connect("source-read", frontmatter.read_front_matter)
    # a generated page deleted from the output makes the build run its write phase
    app.connect("env-get-outdated", outputs.rewrite_missing_pages)

    # -- after reading: every page is in the domain ----------------------------------------
    # in this order: the tag table (400) is what listings (500) and outputs (600) show
    app.connect("env-updated", hashtags.update_tag_table, priority=400)
    app.connect("env-updated", listings.outdated_listings, priority=500)
    app.connect("env-updated", outputs.plan_outputs, priority=600)
    app.connect("env-check-consistency", events.check_references)

    # -- writing ---------------------------------------------------------------------
    app.connect("write-started", authors.copy_avatars)
    # a {ref} to a generated page, in a builder that has none, becomes its text
    app.connect("missing-reference", outputs.label_as_text)
    # the resolution stage: the one owner of what the extension writes into a page
    app.connect("doctree-resolved", resolve.doctree_resolved)
    # JSON-LD and OpenGraph before sphinxext-opengraph (500) reads the page's fields
    app.connect("html-page-context", metadata.page_context, priority=400)
    # last, once every other extension changed the page: keep its feed entry HTML
    app.connect("html-page-context", feeds.capture, priority=900)
    app.connect("html-collect-pages", site.collect_pages)

    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": domain.DATA_VERSION,
    }


def __getattr__(name: str) -> Any:
    """``DIRECTIVES`` and ``ROLES`` for the generated reference docs."""
    if name == "DIRECTIVES":  # deferred like setup(): only the docs ask for these
        from .authors import AuthorCardDirective
        from .events import EventDirective
        from .frontmatter import ReflectionDirective
        from .hashtags import HashtagCloudDirective
        from .listings import ReflectionsDirective

        return {
            "reflection": ReflectionDirective,
            "author-card": AuthorCardDirective,
            "hashtag-cloud": HashtagCloudDirective,
            "event": EventDirective,
            "reflections": ReflectionsDirective,
        }
    if name == "ROLES":  # deferred like setup()
        from .authors import AuthorRole
        from .events import EventRole
        from .hashtags import HashtagRole, MentionRole

        return {
            "author": AuthorRole(),
            "hashtag": HashtagRole(),
            "mention": MentionRole(),
            "event": EventRole(),
        }
    raise AttributeError(name)
