"""Typed warnings: every problem is ``reflections.<subtype>`` with a location.

Keeping the subtypes in one Enum lets users silence exactly one kind of
problem with ``suppress_warnings`` and lets the docs list them all.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger("sphinx_reflections")

WARNING_TYPE = "reflections"


class ReflectionsWarning(Enum):
    """The warning subtypes, each with the reason a user would see it."""

    description: str

    def __new__(cls, value: str, description: str) -> ReflectionsWarning:
        member = object.__new__(cls)
        member._value_ = value
        member.description = description
        return member

    UNKNOWN_AUTHOR = (
        "unknown-author",
        "An author, co-author, ``author-card``, ``{author}`` or ``{mention}`` names "
        "a person id that is not in ``reflections_authors``.",
    )
    UNKNOWN_EVENT = (
        "unknown-event",
        "A reflection's ``event`` or an ``{event}`` role names an event id that is "
        "not in ``reflections_events``.",
    )
    BAD_DATE = (
        "bad-date",
        "A ``date`` or ``updated`` value is not an ISO 8601 date (``2023-05-29``).",
    )
    BAD_METADATA = (
        "bad-metadata",
        "Reflection metadata has an unknown key, a value of the wrong type, or an "
        "empty required value.",
    )
    REGISTRY = (
        "registry",
        "A people or events registry cannot be read, or one of its entries lacks a "
        "required field or has a field of the wrong type.",
    )
    DUPLICATE = (
        "duplicate",
        "Two things claim one name: two people with the same handle, two "
        "``reflection`` blocks on one page, two tags in the tag registry, or two "
        "generated pages (or a generated page and a document) that would be written "
        "to one file; the later one gets a distinct name.",
    )
    UNSAFE_URL = (
        "unsafe-url",
        "A link is not http(s), mailto or relative, or an avatar or image path "
        "leaves the source directory or does not exist.",
    )
    UNKNOWN_TAG = (
        "unknown-tag",
        "A tag is not in the tag registry (``reflections_tags``) and "
        "``reflections_unknown_tags`` is ``warn`` or ``error``.",
    )
    FEED = (
        "feed",
        "Feeds cannot be written because ``html_baseurl`` is not set (feeds need "
        "absolute URLs). Set it, or silence this with ``suppress_warnings``.",
    )
    CONFIG = (
        "config",
        "A ``reflections_*`` configuration value is invalid; the default is used instead.",
    )
    FRONT_MATTER = (
        "front-matter",
        "The information block at the top of a Markdown page (its front matter) cannot "
        "be read: a Tab, an unquoted ``#`` or ``:``, curly quotes, a block that is never "
        "closed, or text before the opening ``---``. The page is built without it.",
    )
    NO_TITLE = (
        "no-title",
        "A reflection has no title (a ``# Title`` line after the information block); "
        "lists would show it without one.",
    )
    PLACEHOLDER = (
        "placeholder",
        "Text that ``sphinx-reflections new`` put in as an example is still there. A "
        "build reports it in a published piece; ``check`` also in drafts.",
    )
    NO_SUMMARY = (
        "no-summary",
        "A reflection has neither a ``summary`` nor a ``more`` marker, so lists, feeds "
        "and link previews show its first paragraph (cut after 200 characters). Only "
        "with ``reflections_writer_hints`` (``check`` turns it on).",
    )
    NEAR_MISS = (
        "near-miss",
        "A ``#hashtag`` or ``@mention`` looks like a slip of one that exists: "
        "``#Kontaktdagen2024s`` beside ``#Kontaktdagen2024``, ``@BjörnExempels`` "
        "beside the handle ``@BjörnExempel``. Only with ``reflections_writer_hints``.",
    )
    NOT_IN_TOCTREE = (
        "not-in-toctree",
        "A published reflection is in no table of contents (toctree), so the site's "
        "navigation does not lead to it. Only with ``reflections_writer_hints``.",
    )
    CONFLICT = (
        "conflict",
        "Another extension is set to write its pages into the folder of the generated "
        "pages (ABlog's ``blog_path``, sphinx-tags' ``tags_output_dir``).",
    )

    @property
    def subtype(self) -> str:
        """The part after ``reflections.`` in ``suppress_warnings``."""
        return str(self.value)


#: The attribute of a warning's log record that holds its column (1-based), when known.
COLUMN = "reflections_column"


def warn(kind: ReflectionsWarning, message: str, location: Any = None, column: int = 0) -> None:
    """Emit a typed, located warning (``location`` as Sphinx's logger takes it).

    ``column`` rides on the log record (Sphinx's locations have lines only), so
    ``sphinx-reflections check`` can print ``file:line:column`` for editors.
    """
    extra = {COLUMN: column} if column else {}
    logger.warning(message, type=WARNING_TYPE, subtype=kind.value, location=location, extra=extra)


def error(kind: ReflectionsWarning, message: str, location: Any = None) -> None:
    """Like :func:`warn`, at error level: for problems a project asked to fail on."""
    logger.error(message, type=WARNING_TYPE, subtype=kind.value, location=location)


def config_location(confdir: Any, option: str) -> str:
    """``conf.py:LINE`` of the assignment to ``option`` (line 0: set elsewhere, e.g. ``-D``).

    Sphinx's logger reads a location string without a colon as a docname,
    so a file location always carries a line.
    """
    path = Path(confdir) / "conf.py"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for number, text in enumerate(lines, start=1):
        if text.startswith(option) and text[len(option) :].lstrip().startswith("="):
            return f"{path}:{number}"
    return f"{path}:0"
