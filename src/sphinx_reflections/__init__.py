"""sphinx-reflections: personal reflection pieces as first-class Sphinx pages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC_DIR = Path(__file__).parent / "static"


def _directives() -> dict[str, Any]:
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


def _roles() -> dict[str, Any]:
    from .authors import AuthorRole
    from .events import EventRole
    from .hashtags import HashtagRole, MentionRole

    return {
        "author": AuthorRole(),
        "hashtag": HashtagRole(),
        "mention": MentionRole(),
        "event": EventRole(),
    }


def _add_static(app: Sphinx) -> None:
    if str(STATIC_DIR) not in map(str, app.config.html_static_path):
        app.config.html_static_path.append(str(STATIC_DIR))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension; each module registers what it owns."""
    from . import (
        authors,
        config,
        events,
        feeds,
        frontmatter,
        hashtags,
        i18n,
        listings,
        metadata,
        nodes,
    )
    from .domain import ReflectionsDomain

    app.setup_extension("sphinx_design")
    config.register(app)
    i18n.setup(app)
    nodes.setup(app)
    metadata.setup(app)
    app.add_domain(ReflectionsDomain)
    for name, directive in _directives().items():
        app.add_directive(name, directive)
    for name, role in _roles().items():
        app.add_role(name, role)
    app.add_transform(hashtags.AutolinkTransform)
    app.add_transform(frontmatter.ReflectionTransform)
    app.connect("builder-inited", authors.load_registries)
    app.connect("builder-inited", _add_static)
    app.connect("source-read", frontmatter.read_front_matter)
    app.connect("write-started", authors.copy_avatars)
    app.connect("doctree-resolved", authors.resolve_doctree)
    app.connect("doctree-resolved", hashtags.resolve_clouds)
    app.connect("doctree-resolved", listings.resolve_listings)
    app.connect("html-page-context", feeds.capture, priority=900)
    app.connect("env-updated", listings.on_env_updated)
    app.connect("missing-reference", listings.label_as_text)
    app.connect("env-check-consistency", events.check_references)
    app.connect("html-collect-pages", listings.collect_pages)
    app.connect("env-get-outdated", listings.rewrite_missing_pages)
    app.add_css_file("reflections.css")
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,  # bump whenever the domain data changes shape
    }


def __getattr__(name: str) -> Any:
    """``DIRECTIVES`` and ``ROLES`` for the generated reference docs."""
    if name == "DIRECTIVES":
        return _directives()
    if name == "ROLES":
        return _roles()
    raise AttributeError(name)
