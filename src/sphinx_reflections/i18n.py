"""Labels and dates in a language: the project's, or a reflection's own.

A knowledge base in English may hold a piece in Swedish; its byline, callouts
and cards then speak Swedish (``29 maj 2023 · 4 minuters läsning``) while the
pages around it stay English. :class:`Lang` is one language's labels (from the
extension's message catalogues, with plural forms) and dates (Babel). The
project's own language goes through Sphinx's translator, so it is the same as
before and a project's own catalogues still apply.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.core import get_global
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


def known_language(code: str) -> bool:
    """Whether Babel knows a BCP 47 tag such as ``sv``, ``nb``, ``en-GB``."""
    try:
        Locale.parse(code.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def html_code(code: str) -> str:
    """A language tag as HTML and Atom write it: ``sv``, ``en-GB``, ``zh-Hant``."""
    return code.strip().replace("_", "-")


#: ``(ISO date, Babel locale) -> long date``: Babel's answers, kept across builds (see
#: ``site.cache.load_dates``): the first date Babel formats in a process loads its
#: locale data, about a tenth of a second of every rebuild that writes a byline.
_LONG: dict[tuple[str, str], str] = {}


def _long(day: dt.date, language: str) -> str:
    key = (day.isoformat(), language)
    text = _LONG.get(key)
    if text is None:
        text = _LONG[key] = str(format_date(day, format="long", locale=_locale(language)))
    return text


def known_dates() -> dict[tuple[str, str], str]:
    """Every long date formatted in this process or learned from an earlier build."""
    return _LONG


def learn_dates(found: dict[tuple[str, str], str]) -> None:
    """Dates an earlier build had Babel format (with the same Babel)."""
    for key, text in found.items():
        _LONG.setdefault(key, text)


def long_date(when: dt.date, config: Config) -> str:
    """``29 maj 2023`` (sv), ``May 29, 2023`` (en), in the project's language."""
    return site_lang(config).long_date(when)


@functools.cache
def _catalogue(language: str) -> gettext.NullTranslations:
    """The extension's messages in one language; English (or none found): the messages."""
    parts = language.replace("-", "_").split("_")
    tried = ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]
    if parts[0].casefold() == "no":  # Norwegian: Bokmål unless Nynorsk is asked for
        tried.append("nb")
    return gettext.translation(MESSAGE_CATALOG, LOCALE_DIR, languages=tried, fallback=True)


class Lang:
    """One language's labels and dates."""

    def __init__(self, code: str, project: bool) -> None:
        self.code = html_code(code)  # for lang="…" and xml:lang
        self.project = project  # the project's language: labels through Sphinx
        self.locale = _locale(code.replace("-", "_"))

    def __repr__(self) -> str:
        return f"Lang({self.code!r})"

    def __call__(self, message: str) -> str:
        """A label (``gettext``)."""
        if self.project:
            return str(_(message))
        return _catalogue(self.code).gettext(message)

    def plural(self, singular: str, plural: str, count: int) -> str:
        """A label with plural forms (``ngettext``): ``1 minuts läsning``, ``4 minuters läsning``."""
        if self.project:
            return ngettext(singular, plural, count)
        return _catalogue(self.code).ngettext(singular, plural, count)

    def long_date(self, when: dt.date) -> str:
        day = when.date() if isinstance(when, dt.datetime) else when
        return _long(day, str(self.locale))

    def name(self) -> str:
        """The language's name in itself: ``svenska``, ``suomi``, ``English``."""
        shown = self.locale.get_display_name(self.locale) or self.code
        return shown[:1].upper() + shown[1:] if self.locale.language == "en" else shown

    def og_locale(self) -> str:
        """OpenGraph's form, language and territory: ``sv_SE``, ``en_US``, ``nb_NO``."""
        if self.locale.territory:
            return f"{self.locale.language}_{self.locale.territory}"
        likely = get_global("likely_subtags")
        full = str(likely.get(self.locale.language, ""))
        territory = full.split("_")[-1] if full.count("_") >= 1 else ""
        return (
            f"{self.locale.language}_{territory}" if territory.isupper() else self.locale.language
        )


def _same(code: str, project: str) -> bool:
    return html_code(code).casefold() == html_code(project).casefold()


@functools.cache
def _lang(code: str, project: str) -> Lang:
    return Lang(code, project=_same(code, project))


def site_lang(config: Config) -> Lang:
    """The project's language (``language`` in ``conf.py``, English when unset)."""
    project = config.language or "en"
    return _lang(project, project)


def lang_of(config: Config, code: str | None) -> Lang:
    """A piece's language (its ``language`` key), or the project's when it has none."""
    project = config.language or "en"
    return _lang(code or project, project)


def register(app: Sphinx) -> None:
    """The message catalogue of the extension's labels."""
    app.add_message_catalog(MESSAGE_CATALOG, str(LOCALE_DIR))
