"""Names and text: tag identity, slugs, hashtag scanning, suggestions, YAML scalars.

Pure functions of their arguments, used by every layer above (the build, the
command line and the importers). Tag identity folds case, Unicode forms and
word separators (``culture change``, ``culture-change``, ``#CultureChange`` and
``#culture_change`` are one tag) but never strips letters: in Swedish *mässa*
and *massa* are different words, so ``mässa2024`` keeps its ``ä`` unless ASCII
is asked for.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import yaml

# -- tag identity ----------------------------------------------------------------------


def _separator(ch: str) -> bool:
    """Spaces, dashes and connectors (``_``) between the words of a tag."""
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Pd", "Pc")


#: ASCII's separators (space, tab, ``-``, ``_``, …), removed in one ``str.translate``.
_ASCII_SEPARATORS = {code: None for code in range(128) if _separator(chr(code))}


@functools.lru_cache(maxsize=65536)
def tag_key(tag: str) -> str:
    """The identity of a tag: case, Unicode form and word separators folded.

    ``#Kontaktdagen2023`` and ``#kontaktdagen2023`` are one tag, and so are
    ``culture change``, ``culture-change``, ``#CultureChange`` and
    ``#culture_change`` (Unicode's caseless identifier match, NFKC + casefold).
    Remembered: a build asks for the same few hundred tags and handles again
    and again.
    """
    text = unicodedata.normalize("NFKC", tag.strip().lstrip("#")).casefold()
    if text.isascii():
        return text.translate(_ASCII_SEPARATORS)
    folded = "".join(ch for ch in text if not _separator(ch))
    return unicodedata.normalize("NFKC", folded)


def has_words(tag: str) -> bool:
    """Whether a tag written in metadata has a letter or digit to be named by."""
    return any(ch.isalnum() for ch in tag_key(tag))


_COLOUR = re.compile(r"(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


def is_colour_code(word: str) -> bool:
    """``fff``, ``c0ffee``, ``1e90ffcc``: a CSS colour after ``#``, not a hashtag in prose."""
    return bool(_COLOUR.fullmatch(word))


def canonical_key(tag: str, aliases: Mapping[str, str]) -> str:
    """The key of the tag an alias stands for (the tag's own key otherwise)."""
    key = tag_key(tag)
    for alias, target in aliases.items():
        if tag_key(alias) == key:
            return tag_key(target)
    return key


def unique_tags(tags: Iterable[str], aliases: Mapping[str, str]) -> tuple[str, ...]:
    """Tags as typed, one per tag (aliases count as their tag), first spelling kept."""
    seen: set[str] = set()
    found = []
    for tag in tags:
        key = canonical_key(tag, aliases)
        if key not in seen:
            seen.add(key)
            found.append(tag)
    return tuple(found)


def word_char(ch: str) -> bool:
    """A letter, mark or digit of any script, or ``_``: what a hashtag is made of."""
    category = unicodedata.category(ch)
    return category[0] in "LMN" or ch == "_"


def is_tag(text: str) -> bool:
    """Whether ``text`` (without ``#``) is a hashtag: a letter, then letters, digits, ``_``."""
    return bool(text) and unicodedata.category(text[0])[0] == "L" and all(map(word_char, text))


# -- slugs -------------------------------------------------------------------------------

# letters NFKD cannot take apart, spelled out so "Øresund" keeps its first letter
FOLD = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "ı": "i", "ß": "ss"}
)


def slugify(key: str, ascii_only: bool = False) -> str:
    """A file name for a tag or title: letters and digits of any script kept, the rest ``-``.

    A tag's slug is made from its key (:func:`tag_key`), where word separators
    are already gone: ``culture change`` is ``culturechange``.
    """
    text = unicodedata.normalize("NFKC", key.strip().lstrip("#")).casefold()
    if ascii_only:
        decomposed = unicodedata.normalize("NFKD", text.translate(FOLD))
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        chars = [c if c.isascii() and c.isalnum() else "-" for c in text]
    else:
        chars = [c if word_char(c) and c != "_" else "-" for c in text]
    slug = "-".join(part for part in "".join(chars).split("-") if part)
    return slug or "tag-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def file_slug(title: str) -> str:
    """The file name stem for a title: ASCII, lower case, words joined by ``-``.

    Letters NFKD cannot take apart (ø, æ, ł) are spelled out first, so
    "Øresund" becomes ``oresund`` rather than losing its first letter.
    """
    plain = unicodedata.normalize("NFKD", title.casefold().translate(FOLD))
    if not any(c.isascii() and c.isalnum() for c in plain):
        return ""
    return slugify(title, ascii_only=True)


# -- scanning prose ----------------------------------------------------------------------


class Found(NamedTuple):
    """One hashtag or mention in a text: ``text[start:end]`` is what was typed."""

    start: int
    end: int
    kind: str  # "tag" or "mention"
    value: str  # the tag without '#', or the person id


def _opens(text: str, at: int) -> bool:
    """A marker at ``at`` starts a hashtag or mention only after these."""
    if at == 0:
        return True
    ch = text[at - 1]
    return ch.isspace() or unicodedata.category(ch) in ("Ps", "Pi") or ch in "\"'"


def _word_end(text: str, start: int) -> int:
    end = start
    while end < len(text) and word_char(text[end]):
        end += 1
    return end


def scan(text: str, person_for_handle: Callable[[str], str | None] | None) -> list[Found]:
    """Every hashtag and registered @mention in ``text``, in one linear pass."""
    found: list[Found] = []
    at = 0
    length = len(text)
    while at < length:
        ch = text[at]
        if ch not in "#@" or not _opens(text, at):
            at += 1
            continue
        end = _word_end(text, at + 1)
        word = text[at + 1 : end]
        if ch == "#":
            if word and unicodedata.category(word[0])[0] == "L" and not is_colour_code(word):
                found.append(Found(at, end, "tag", word))
                at = end
                continue
        elif word and person_for_handle is not None:
            # an address (@user@example.com, @name.example) is not a mention
            rest = text[end : end + 2]
            emailish = rest[:1] == "@" or (
                rest[:1] == "." and len(rest) == 2 and word_char(rest[1])
            )
            person = None if emailish else person_for_handle(word)
            if person:
                found.append(Found(at, end, "mention", person))
                at = end
                continue
        at = end if end > at + 1 else at + 1
    return found


# -- sorting names as a reader of the language does --------------------------------------

#: Letters that come after z, in order, in a language's alphabet.
ALPHABET_TAILS: dict[str, str] = {
    "sv": "åäö",
    "fi": "åäö",
    "da": "æøå",
    "nb": "æøå",
    "nn": "æøå",
    "no": "æøå",
}
#: Letters a language files under another one (Swedish æ and ø with ä and ö).
_LETTER_AS: dict[str, dict[str, str]] = {
    "sv": {"æ": "ä", "ø": "ö"},
    "fi": {"æ": "ä", "ø": "ö"},
    "da": {"ä": "æ", "ö": "ø"},
    "nb": {"ä": "æ", "ö": "ø"},
    "nn": {"ä": "æ", "ö": "ø"},
    "no": {"ä": "æ", "ö": "ø"},
}


def _language(language: str | None) -> str:
    return (language or "en").replace("-", "_").split("_")[0].lower()


def _letters(text: str, language: str | None) -> list[str]:
    """The letters of ``text`` as the language sorts them: a base letter or a tail letter."""
    lang = _language(language)
    tail = ALPHABET_TAILS.get(lang, "")
    same = _LETTER_AS.get(lang, {})
    found = []
    for ch in unicodedata.normalize("NFC", text.lstrip("#@")).casefold():
        ch = same.get(ch, ch)
        if ch in tail:
            found.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch
        found.append(base.translate(FOLD))
    return found


def collation_key(text: str, language: str | None) -> str:
    """A sort key that puts names where a reader of ``language`` looks for them.

    A leading ``#`` or ``@`` is ignored (``#baldersbröd`` sorts under b);
    accents sort with their letter, except the letters a language places after
    z (Swedish and Finnish å ä ö, Danish and Norwegian æ ø å).
    """
    tail = ALPHABET_TAILS.get(_language(language), "")
    out = []
    for ch in _letters(text, language):
        out.append(chr(0x2000 + tail.index(ch)) if ch in tail else ch)
    return "".join(out)


def index_letter(text: str, language: str | None) -> str | None:
    """The letter a name is filed under in an index (``#baldersbröd``: ``B``), or None."""
    letters = _letters(text, language)
    if not letters or not letters[0][:1].isalpha():
        return None
    return letters[0][:1].upper()


# -- messages ----------------------------------------------------------------------------


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like ``name``, when one is close enough to be a typo."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or nothing."""
    found = closest(name, known)
    return f" (did you mean {found!r}?)" if found else ""


# -- YAML we write ------------------------------------------------------------------------

_PLAIN = re.compile(r"^[^\W\d_][\w .'/-]*$")


def yaml_scalar(value: str) -> str:
    """A string as YAML reads it back unchanged: plain when safe, else double-quoted."""
    text = value.strip()
    if text and _PLAIN.match(text) and not text.endswith(":") and yaml.safe_load(text) == text:
        return text
    return json.dumps(value, ensure_ascii=False)


def yaml_list(values: Sequence[str]) -> str:
    """A flow list (``[a, b]``), each item quoted when it needs it."""
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"
