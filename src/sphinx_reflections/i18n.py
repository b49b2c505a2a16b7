"""Translatable labels and Babel-formatted dates in the project's language."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from sphinx.locale import get_translation, get_translator, is_translator_registered

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

MESSAGE_CATALOG = "sphinx_reflections"
LOCALE_DIR = Path(__file__).parent / "locale"

_ = get_translation(MESSAGE_CATALOG)


def ngettext(singular: str, plural: str, count: int) -> str:
    """A label with a number in it, in the project's language (``+1 more tag``, ``+2 more tags``).

    Sphinx's ``get_translation`` has no plural forms; its translator has.
    """
    if not is_translator_registered(MESSAGE_CATALOG):
        return singular if count == 1 else plural
    return str(get_translator(MESSAGE_CATALOG).ngettext(singular, plural, count))


def babel_locale(config: Config) -> Locale:
    """The Babel locale for ``language`` (``sv``, ``sv_SE``, ``pt-BR``), English if unknown."""
    return _locale((config.language or "en").replace("-", "_"))


@functools.cache
def _locale(language: str) -> Locale:
    # parsing a locale reads Babel's data: once per language, not once per byline
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@functools.lru_cache(maxsize=4096)
def _long(day: dt.date, language: str) -> str:
    return str(format_date(day, format="long", locale=_locale(language)))


def long_date(when: dt.date, config: Config) -> str:
    """``29 maj 2023`` (sv), ``May 29, 2023`` (en)."""
    day = when.date() if isinstance(when, dt.datetime) else when
    return _long(day, (config.language or "en").replace("-", "_"))


def register(app: Sphinx) -> None:
    """The message catalogue of the extension's labels."""
    app.add_message_catalog(MESSAGE_CATALOG, str(LOCALE_DIR))
