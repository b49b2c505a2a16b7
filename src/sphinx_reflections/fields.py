"""A reflection's metadata, validated key by key, before its page is known.

Both forms (MyST front matter and the ``reflection`` directive) give a
:class:`RawMeta`; :func:`validate` turns it into :class:`Fields` with one
located, typed warning per problem. Split from :mod:`.frontmatter`, which
reads the forms and builds the page from the fields.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
from typing import TYPE_CHECKING, Any

from .config import get_config
from .dates import build_date, not_a_date, parse_date
from .domain import get_domain
from .i18n import html_code, known_language
from .registry import registry_name, unknown_id
from .text import has_words, suggest
from .urls import safe_url
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment


#: Every key a reflection's metadata may have, in the order the docs list them.
KEYS = (
    "author",
    "date",
    "category",
    "tags",
    "event",
    "summary",
    "image",
    "updated",
    "draft",
    "language",
    "translation",
    "series",
)


@dc.dataclass
class RawMeta:
    """The unvalidated key/values of one page, with a line per key."""

    values: dict[str, Any]
    lines: dict[str, int]
    line: int  # where the block starts
    form: str  # "front matter" or "directive"
    hints: list[tuple[str, int, int]] = dc.field(default_factory=list)  # (message, line, column)


def _as_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple) and all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        return [str(v).strip() for v in value if str(v).strip()]
    return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    return None


@dc.dataclass
class Fields:
    """Validated metadata, before the page's title and words are known."""

    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    category: str = ""
    tags: tuple[str, ...] = ()
    event: str = ""
    summary: str = ""
    image: str = ""
    updated: dt.date | None = None
    draft: bool = False
    language: str = ""
    translation: str = ""
    series: str = ""


def validate(raw: RawMeta, env: BuildEnvironment, docname: str) -> Fields:
    """Check every key; each problem is a located, typed warning, never an exception."""
    domain = get_domain(env)
    fields = Fields()

    def where(key: str | None = None) -> tuple[str, int]:
        return (docname, raw.lines.get(key, raw.line) if key else raw.line)

    def bad(key: str, message: str) -> None:
        warn(ReflectionsWarning.BAD_METADATA, message, where(key))

    if "__not_a_mapping__" in raw.values:
        bad(
            "",
            f"'reflection' front matter must be a mapping of keys ({', '.join(KEYS)}), not {type(raw.values['__not_a_mapping__']).__name__}",
        )
        return fields
    for key in raw.values:
        if key not in KEYS:
            bad(
                key,
                f"unknown reflection key {key!r}{suggest(str(key), KEYS)}; accepted keys: "
                f"{', '.join(KEYS)}",
            )

    for message, line, column in raw.hints:
        warn(ReflectionsWarning.BAD_METADATA, message, (docname, line), column)
    values = raw.values
    people_file = registry_name(get_config(env).authors, "reflections_authors")
    if values.get("author") in (None, "", []):
        example = min(domain.people, default="jenny")
        bad(
            "author",
            f"a reflection needs an 'author': a person's id from {people_file} "
            f"(author: {example}), or a list of ids for a piece by several people",
        )
    else:
        names = _as_list(values["author"])
        if names is None:
            bad(
                "author",
                f"'author' must be a person id or a list of ids, not {type(values['author']).__name__}",
            )
        else:
            known = []
            for name in dict.fromkeys(names):
                if name in domain.people:  # its entry changes write the piece again (its byline)
                    known.append(name)
                else:  # read again when it is added to the registry
                    domain.note_use("authors", name)
                    warn(
                        ReflectionsWarning.UNKNOWN_AUTHOR,
                        unknown_id("author", name, domain.people, people_file),
                        where("author"),
                    )
            fields.authors = tuple(known)

    for key in ("date", "updated"):
        value = values.get(key)
        if value in (None, ""):
            if key == "date" and _bool(values.get("draft", False)):
                # an undated draft (ABlog's and Jekyll's drafts have none) is dated the day
                # it is read, so a preview lists it as newest; publishing it asks for a date
                fields.date = build_date()
            elif key == "date":
                bad("date", "a reflection needs a 'date', written year-month-day (2024-05-29)")
            continue
        parsed = parse_date(value)
        if parsed is None:
            shown = value if isinstance(value, str) else repr(value)
            warn(ReflectionsWarning.BAD_DATE, not_a_date(key, shown), where(key))
        setattr(fields, key, parsed)

    for key in ("category", "summary", "event", "image", "language", "translation", "series"):
        value = values.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            bad(key, f"{key!r} must be text, not {type(value).__name__}")
            continue
        setattr(fields, key, " ".join(str(value).split()))

    if fields.language:
        if not known_language(fields.language):
            bad(
                "language",
                f"language {fields.language!r} is not a language code Babel knows; write a "
                "BCP 47 tag such as 'sv', 'en', 'nb', 'fi' or 'en-GB' (the piece is shown in "
                "the project's language)",
            )
            fields.language = ""
        else:
            fields.language = html_code(fields.language)

    if values.get("tags") not in (None, "", []):
        tags = _as_list(values["tags"])
        if tags is None:
            bad(
                "tags",
                f"'tags' must be a list of tags or comma-separated text, not {type(values['tags']).__name__}",
            )
        else:
            named = [t.strip().lstrip("#").strip() for t in tags]
            empty = [t for t in named if t and not has_words(t)]
            if empty:
                bad(
                    "tags",
                    f"tag(s) {', '.join(map(repr, empty))} have no letters or digits, so "
                    "they cannot name a tag page; they are left out",
                )
            fields.tags = tuple(dict.fromkeys(t for t in named if t and has_words(t)))

    if fields.event:
        # checked once every page is read: the event may be defined inline elsewhere
        domain.add_event_ref(docname, fields.event, where("event")[1])

    if fields.image:
        image = fields.image.lstrip("/") if not fields.image.startswith("//") else fields.image
        problem = safe_url(image, env.srcdir, https_only=True)
        if problem:
            warn(
                ReflectionsWarning.UNSAFE_URL,
                f"image: {problem}; the image is left out",
                where("image"),
            )
            fields.image = ""
        else:
            fields.image = image

    if "draft" in values:
        draft = _bool(values["draft"])
        if draft is None:
            bad("draft", f"'draft' must be true or false, not {values['draft']!r}")
        else:
            fields.draft = draft
    return fields
