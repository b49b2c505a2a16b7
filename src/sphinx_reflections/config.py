"""Every ``reflections_*`` option, declared once with its type, default and help.

The dataclass is the single source of truth: :func:`register` adds each field
to Sphinx (so Sphinx checks its type), :func:`validate` checks values Sphinx
cannot (ranges, shapes), and the reference docs are generated from the fields.
"""

from __future__ import annotations

import dataclasses as dc
import os
import re
import weakref
from typing import TYPE_CHECKING, Any, Literal

from .compat import build_info_hashes
from .warnings_ import ReflectionsWarning, config_location, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

PREFIX = "reflections_"

Rebuild = Literal["env", "html", ""]


def _option(default: Any, types: tuple[type, ...], rebuild: Rebuild, help: str) -> Any:
    """A dataclass field carrying what Sphinx and the docs need to know."""
    meta = {"types": types, "rebuild": rebuild, "help": help}
    if isinstance(default, dict | list):
        return dc.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dc.field(default=default, metadata=meta)


@dc.dataclass(frozen=True)
class ReflectionsConfig:
    """The validated options, read with :meth:`from_sphinx`."""

    authors: str | dict[str, Any] = _option(
        "",
        (str, dict),
        "env",
        "The people registry: a path to a YAML or JSON file (relative to "
        "``conf.py``) or a dict of person id to entry. Authors and anyone who can "
        "be @mentioned. Empty: no registry.",
    )
    events: str | dict[str, Any] = _option(
        "",
        (str, dict),
        "env",
        "The events registry: a path to a YAML or JSON file (relative to "
        "``conf.py``) or a dict of event id to entry. Empty: no registry.",
    )
    hashtag_autolink: bool = _option(
        True, (bool,), "env", "Turn ``#Tag`` in prose into hashtag links."
    )
    mention_autolink: bool = _option(
        True,
        (bool,),
        "env",
        "Turn ``@Handle`` in prose into links to the person, for registered handles.",
    )
    tag_aliases: dict[str, str] = _option(
        {},
        (dict,),
        "env",
        "Alias to canonical tag, e.g. ``{'kd23': 'Kontaktdagen2023'}``.",
    )
    tags: str | dict[str, Any] = _option(
        "",
        (str, dict),
        "env",
        "The tag registry: a path to a YAML or JSON file (relative to ``conf.py``) or "
        "a dict of tag id to entry (``name``, ``description``, ``aliases``). A tag in it "
        "gets its ``name`` as spelling, its id as page name and its description on its "
        "page. Empty: no registry.",
    )
    unknown_tags: str = _option(
        "allow",
        (str,),
        "env",
        "What a tag missing from ``reflections_tags`` gets: ``allow`` (nothing), "
        "``warn`` (a ``reflections.unknown-tag`` warning) or ``error`` (the same as an "
        "error, and the build fails).",
    )
    slug_ascii: bool = _option(
        False,
        (bool,),
        "env",
        "Transliterate tag slugs to ASCII (``massa2024``) instead of keeping "
        "letters of any script (``mässa2024``).",
    )
    show_drafts: bool = _option(
        False,
        (bool,),
        "env",
        "List reflections marked ``draft: true`` like published ones (for previews).",
    )
    writer_hints: bool = _option(
        False,
        (bool,),
        "env",
        "Also warn about what a writer would want to fix but that does not break the "
        "site: example text left from ``sphinx-reflections new`` in drafts, pieces "
        "with neither a summary nor a ``more`` marker, hashtags and @mentions that "
        "look like slips of existing ones, pieces in no table of contents. "
        "``sphinx-reflections check`` always turns this on.",
    )
    url_prefix: str = _option(
        "reflections",
        (str,),
        "env",
        "Folder of the generated pages (archive, author, tag and event pages, "
        "feeds) in the output.",
    )
    feed_length: int = _option(
        20, (int,), "html", "How many of the newest reflections a feed carries."
    )
    words_per_minute: int = _option(
        200, (int,), "env", "Reading speed used for the reading time in the byline."
    )
    related: int = _option(
        3,
        (int,),
        "html",
        "How many related reflections are listed under each piece (``0``: none). They are "
        "chosen by the tags they share (rarer tags count more), the same event, the same "
        "series and the same author; drafts never.",
    )
    page_size: int = _option(
        0,
        (int,),
        "html",
        "How many reflections the archive, tag, author and event pages list per page "
        "(``0``: all on one page). Page 1 keeps its address; later pages are "
        "``…/page-2`` and so on.",
    )
    series: dict[str, Any] = _option(
        {},
        (dict,),
        "html",
        "Names of series: series id to its name, or to ``{'name': …, 'description': …}``. "
        "A reflection joins a series with ``series: <id>``; a series without an entry here "
        "is named by its id.",
    )
    feed_stylesheet: bool = _option(
        True,
        (bool,),
        "html",
        "Give Atom feeds an XSLT stylesheet, so that a feed opened in a browser reads as a "
        "page that explains how to subscribe (feed readers ignore it).",
    )

    listed_translations: str = _option(
        "one",
        (str,),
        "env",
        "Pieces that translate one another (the same ``translation`` key) in listings, "
        "on generated pages and in feeds: ``one`` (the version in the project's "
        "language, else the original) or ``all``. The ``reflections`` directive's "
        "``:translations:`` option overrides it for one listing.",
    )
    gc_freeze: bool = _option(
        True,
        (bool,),
        "",
        "Freeze Python's garbage collector once every page is read, until the build "
        "ends, so it does not walk the whole environment again and again while pages "
        "are written: faster builds; the output is the same. (Whatever the value, no "
        "doctree is kept in memory from reading to writing: each page loads its own "
        "when it is written, as with ``-j``.)",
    )

    search_memo: bool = _option(
        True,
        (bool,),
        "",
        "Stem each distinct word once per build, not once per page, when Sphinx fills "
        "its search index: faster builds; the index is the same. Only Sphinx's own "
        "search languages whose stem depends on the word alone (all but Chinese) get "
        "it; a search language of the project's own is left as it is.",
    )

    @classmethod
    def from_sphinx(cls, config: Config) -> ReflectionsConfig:
        """Read the values Sphinx holds (already validated on config-inited)."""
        return cls(**{f.name: getattr(config, PREFIX + f.name) for f in dc.fields(cls)})


def register(app: Sphinx) -> None:
    """Declare each field to Sphinx with its type, so wrong types are reported."""
    defaults = ReflectionsConfig()
    for field in dc.fields(ReflectionsConfig):
        app.add_config_value(
            PREFIX + field.name,
            getattr(defaults, field.name),
            field.metadata["rebuild"],
            types=field.metadata["types"],
            description=field.metadata["help"],
        )


UNKNOWN_TAGS = ("allow", "warn", "error")
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _problem(name: str, value: Any) -> str | None:
    """Why a value is not acceptable, or None when it is."""
    types = {f.name: f.metadata["types"] for f in dc.fields(ReflectionsConfig)}[name]
    if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
        accepted = " or ".join(t.__name__ for t in types)
        return f"must be a {accepted}, not {type(value).__name__}"
    if name == "url_prefix":
        parts = value.strip("/").split("/")
        if not all(_SEGMENT.match(p) for p in parts):
            return "must be one or more folder names of letters, digits, '.', '_' or '-'"
    if name in ("feed_length", "words_per_minute") and value < 1:
        return "must be 1 or more"
    if name == "listed_translations" and value not in ("one", "all"):
        return "must be 'one' or 'all'"
    if name in ("related", "page_size") and value < 0:
        return "must be 0 or more"
    if name == "series":
        return _series_problem(value)
    if name == "unknown_tags" and value not in UNKNOWN_TAGS:
        return f"must be one of {', '.join(map(repr, UNKNOWN_TAGS))}"
    if name == "tag_aliases" and not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()
    ):
        return "must map alias strings to tag strings"
    return None


def hosted_baseurl(config: Config) -> None:
    """On Read the Docs, ``html_baseurl`` defaults to the version's canonical URL.

    Read the Docs gives it as ``READTHEDOCS_CANONICAL_URL`` (``.../en/latest/``,
    ``.../en/v1.0/``) and asks projects to set ``html_baseurl`` from it; feeds,
    calendars and page metadata need an absolute address, so a project that did
    not set one gets the host's own. A value in conf.py always wins.
    """
    canonical = os.environ.get("READTHEDOCS_CANONICAL_URL", "").strip()
    if not config.html_baseurl and canonical:
        config.html_baseurl = canonical


def _series_problem(value: dict[Any, Any]) -> str | None:
    """Why a ``reflections_series`` mapping is not id -> name or id -> {name, description}."""
    for key, entry in value.items():
        if not isinstance(key, str) or not key.strip():
            return "must map series ids (text) to names"
        if isinstance(entry, str) and entry.strip():
            continue
        if not isinstance(entry, dict) or not all(
            k in ("name", "description") and isinstance(v, str) for k, v in entry.items()
        ):
            return (
                f"entry {key!r} must be a name, or a mapping with 'name' and 'description' (text)"
            )
    return None


def validate(app: Sphinx, config: Config) -> None:
    """Replace each invalid value by its default, with a ``reflections.config`` warning."""
    _CACHE.pop(config, None)
    hosted_baseurl(config)
    defaults = ReflectionsConfig()
    for field in dc.fields(ReflectionsConfig):
        name = PREFIX + field.name
        value = getattr(config, name)
        problem = _problem(field.name, value)
        if problem:
            default = getattr(defaults, field.name)
            warn(
                ReflectionsWarning.CONFIG,
                f"{name} = {value!r} {problem}; using the default {default!r}",
                location=config_location(app.confdir, name),
            )
            setattr(config, name, default)
        elif field.name == "url_prefix":
            setattr(config, name, value.strip("/"))


_CACHE: weakref.WeakKeyDictionary[Config, ReflectionsConfig] = weakref.WeakKeyDictionary()


def get_config(app_or_env: Any) -> ReflectionsConfig:
    """The options of the running build (from an app, env or builder).

    Read tens of thousands of times per build, so the dataclass is built once
    per Sphinx ``Config`` object; values are final after ``config-inited``.
    """
    config = app_or_env.config
    try:
        return _CACHE[config]
    except KeyError:
        found = _CACHE[config] = ReflectionsConfig.from_sphinx(config)
        return found


def output_settings(app: Sphinx) -> tuple[ReflectionsConfig, str, str]:
    """The configuration that decides what a build writes.

    The extension's options (all but ``reflections_gc_freeze`` and
    ``reflections_search_memo``, which change how a build runs, never what it
    writes) and the configuration and tags hashes Sphinx itself writes every
    document again for.
    """
    config_hash, tags_hash = build_info_hashes(app.builder)
    settings = dc.replace(get_config(app), gc_freeze=True, search_memo=True)
    return settings, config_hash, tags_hash
