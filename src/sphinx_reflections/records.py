"""What one reflection and one tag are, after validation: plain, picklable records.

They live in the domain's data and are compared (``==`` and ``repr``) to see
what changed between builds, so they hold nothing but plain values.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt

from .text import slugify


@dc.dataclass(frozen=True)
class Reflection:
    """What one reflection page declares, after validation."""

    docname: str
    title: str
    authors: tuple[str, ...]
    date: dt.date
    category: str = ""
    tags: tuple[str, ...] = ()
    event: str = ""
    summary: str = ""
    image: str = ""
    updated: dt.date | None = None
    draft: bool = False
    minutes: int = 1
    words: int = 0
    language: str = ""  # BCP 47 when the piece says; "" is the project's language
    translation: str = ""  # pieces sharing this key translate one another
    series: str = ""  # as written; see series_key()
    excerpt: tuple[str, ...] = ()  # paragraphs before a "more" marker, when there is one

    @property
    def sort_key(self) -> tuple[int, str]:
        """Newest first, then by docname: the same order on every build."""
        return (-self.date.toordinal(), self.docname)


def series_key(value: str) -> str:
    """A series' identity: its id compared like a page name (case, separators folded)."""
    return slugify(value) if value.strip() else ""


@dc.dataclass(frozen=True)
class SeriesInfo:
    """One series after reading: its name and its visible parts, oldest first."""

    key: str
    name: str
    description: str
    parts: tuple[str, ...]  # docnames, oldest first
    slug: str = ""  # the page name in the series folder (see naming.py)


@dc.dataclass(frozen=True)
class TagInfo:
    """One tag after reading: its canonical spelling, page and where it is used."""

    key: str
    name: str
    slug: str
    reflections: tuple[str, ...]  # visible reflections, newest first
    pages: tuple[str, ...]  # other documents using it, by docname
    aliases: tuple[str, ...] = ()
    description: str = ""  # from the tag registry

    @property
    def count(self) -> int:
        return len(self.reflections) + len(self.pages)


#: Keys holding one entry per document (cleared and merged per document).
