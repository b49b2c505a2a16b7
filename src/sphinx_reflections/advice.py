"""What writers get wrong, and how to tell them: in their words, with the fix to type.

Pure functions of text, shared by the build (front matter it cannot read,
hints for writers) and the command line (``new`` writes the placeholders
that ``check`` then looks for). Nothing here warns; callers do, with the
line and column worked out here.
"""

from __future__ import annotations

import dataclasses as dc
import json
import re
from collections.abc import Mapping

import yaml

from .text import tag_key

# -- what `new` writes ---------------------------------------------------------------------

#: The example text of a new piece, by language (``sphinx-reflections new --lang``).
PLACEHOLDERS = {
    "en": {
        "summary": "One or two sentences for listings, feeds and link previews.",
        "category": "Leadership",
        "image": "_static/cover.jpg",
        "guide": (
            "Write your reflection below. Type #Hashtags and @Mentions as you would\n"
            "on LinkedIn; they become links. These comment lines are not shown."
        ),
        "body": "Start writing here.",
        "publish": "delete this line to publish",
    },
    "sv": {
        "summary": "En eller två meningar för listor, flöden och förhandsvisningar av länkar.",
        "category": "Ledarskap",
        "image": "_static/omslag.jpg",
        "guide": (
            "Skriv din reflektion nedan. Skriv #Hashtaggar och @Omnämnanden som på\n"
            "LinkedIn; de blir länkar. De här kommentarraderna visas inte."
        ),
        "body": "Börja skriva här.",
        "publish": "ta bort raden för att publicera",
    },
}


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


#: Each kind's examples as compared (every paragraph of every piece is compared with them).
_EXAMPLES = {
    kind: frozenset(_same(p[kind]) for p in PLACEHOLDERS.values()) for kind in PLACEHOLDERS["en"]
}


def placeholder(kind: str, text: str) -> bool:
    """Whether ``text`` is the example ``kind`` (``summary``, ``body``) that ``new`` wrote."""
    return bool(text) and _same(text) in _EXAMPLES[kind]


# -- the front matter block ---------------------------------------------------------------------


@dc.dataclass(frozen=True)
class Advice:
    """One problem: where (1-based line and column; 0 when unknown) and what to do."""

    line: int
    column: int
    message: str


@dc.dataclass(frozen=True)
class Unreadable:
    """Why a page's front matter cannot be read, and which lines to blank out.

    Blanking (not removing) keeps every later line number right, and keeps
    Markdown from showing the block as text or as a heading.
    """

    problems: tuple[Advice, ...]
    blank: tuple[int, int]  # 0-based lines [first, last) of the file


_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_REFLECTION = re.compile(r"^\s*reflection\s*:")
_ANY_REFLECTION = re.compile(r"^\s*re\w*\s*:", re.M | re.I)  # reflection:, or a misspelling of it
_HEADING = re.compile(r"^#{1,6}[ \t]")
_KEY = re.compile(
    r"^(?P<indent>[ \t]*)(?P<key>[^\s:#\"'\[{-][^:]*?):(?P<gap>[ \t]+|$)(?P<value>.*)$"
)
#: Typographic quotes: YAML reads them as ordinary letters.
CURLY = "“”„‟‘’‚‛«»"
_CANNOT_START = "@`*&!%"
_INDENT_NOTE = "two spaces under 'reflection:', four for the lines of a long summary"


_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _opening(lines: list[str]) -> int | None:
    """The line (0-based) of a ``---`` that opens a reflection block, wherever it is.

    Not one inside a fenced code block: a page may show a block as an example.
    """
    fence = ""
    for number, line in enumerate(lines[:40]):
        opened = _CODE_FENCE.match(line)
        if fence:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened[1]
            continue
        if line.strip() != "---" or len(line) - len(line.lstrip()) > 3:
            continue
        close = _closing(lines, number)
        stop = close if close is not None else _yaml_end(lines, number, len(lines))
        if any(_REFLECTION.match(text) for text in lines[number + 1 : stop]):
            return number
    return None


def _scalar_lines(lines: list[str]) -> set[int]:
    """Lines (0-based) inside a block scalar (``summary: >-`` and the text below it)."""
    inside: set[int] = set()
    depth = None
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if depth is not None:
            if not line.strip() or indent > depth:
                inside.add(index)
                continue
            depth = None
        match = _KEY.match(line)
        if match and match["value"].strip()[:1] in ("|", ">"):
            depth = len(match["indent"])
    return inside


def _closing(lines: list[str], start: int) -> int | None:
    """The line (0-based) of the ``---`` or ``...`` that closes a block opened at ``start``."""
    for number in range(start + 1, len(lines)):
        if _FENCE.match(lines[number]):
            return number
    return None


def _yaml_end(lines: list[str], start: int, stop: int) -> int:
    """Where YAML-looking lines end after ``start``: at a Markdown heading, or at prose.

    Returns one past the last line that still looks like part of the block.
    """
    last = start
    for number in range(start + 1, stop):
        line = lines[number]
        if not line.strip():
            continue
        if _HEADING.match(line) or not (line[:1].isspace() or _KEY.match(line)):
            break
        last = number
    return last + 1


def _quote(value: str) -> str:
    """``"value"`` as YAML reads it back, curly quotes made straight at either end."""
    text = value.strip()
    if len(text) >= 2 and text[0] in CURLY and text[-1] in CURLY:
        text = text[1:-1]
    return json.dumps(text, ensure_ascii=False)


def _line_advice(line: str, number: int, note: str = _INDENT_NOTE) -> Advice | None:
    """A problem a single line shows on its own, with its fix; None when it shows none."""
    tab = re.match(r"^( *)\t", line)
    if tab:
        return Advice(
            number,
            len(tab[1]) + 1,
            f"line {number} starts with a Tab, which YAML does not accept; indent with "
            f"spaces instead ({note})",
        )
    glued = re.match(r"^(\s*)([^\W\d]\w*):([^\s/].*)$", line)  # ``author:jenny``
    if glued:
        key, value = glued[2], glued[3].rstrip()
        return Advice(
            number,
            len(glued[1]) + len(key) + 1,
            f"put a space after the ':' of '{key}': {key}: {value}",
        )
    match = _KEY.match(line)
    if not match:
        return None
    key, value = match["key"].strip(), match["value"].rstrip()
    column = len(match["indent"]) + len(match["key"]) + 1 + len(match["gap"]) + 1
    if not value:
        return None
    first = value[0]
    if first in CURLY and re.search(r":(\s|$)| #", value):  # what quotes are for
        return Advice(
            number,
            column,
            f"'{key}' is in curly quotes ({value[0]} {value[-1]}), which YAML reads as "
            f"ordinary letters, not as quotes; type straight quotes instead: {key}: "
            f"{_quote(value)}",
        )
    if first == "[" and re.search(r"[\[,]\s*#", value):
        at = re.search(r"[\[,]\s*#", value)
        assert at is not None
        fixed = re.sub(r"([\[,]\s*)#", r"\1", value)
        return Advice(
            number,
            column + at.end() - 1,
            f"in '{key}', YAML reads everything after a '#' as a note, so the list is never "
            f"closed; write the tags without '#': {key}: {fixed}",
        )
    if first in _CANNOT_START:
        if key == "author" and first == "@":
            fix = f"{key}: {value[1:]}"
            why = "write the person's id, without '@'"
        else:
            fix = f"{key}: {_quote(value)}"
            why = "put the value in double quotes"
        return Advice(
            number, column, f"YAML cannot read a value that starts with '{first}'; {why}: {fix}"
        )
    if first not in "\"'[{|>" and not value.startswith("#"):
        plain = value.split(" #")[0]
        colon = re.search(r":(\s|$)", plain)
        if colon:
            before = plain[: colon.start()].split()[-1] if plain[: colon.start()].split() else ""
            return Advice(
                number,
                column + colon.start(),
                f"in '{key}', the ':' after '{before}' makes YAML look for another key; put "
                f"the whole value in double quotes: {key}: {_quote(value)}",
            )
    return None


def _indentation(lines: list[str], offset: int) -> list[Advice]:
    """Keys under ``reflection:`` that are not indented like the first one.

    ``offset`` is the 1-based file line of ``lines[0]``. Lines of a block
    scalar, a list or a nested mapping (deeper, after a key without a value
    on its line) are not keys of the reflection.
    """
    found: list[Advice] = []
    base = None
    inside = False
    nested = False
    scalars = _scalar_lines(lines)
    for index, line in enumerate(lines):
        if index in scalars or not line.strip() or line.lstrip().startswith("#"):
            continue
        if _REFLECTION.match(line) and not line[:1].isspace():
            inside = True
            continue
        if not inside:
            continue
        if not line[:1].isspace():
            break
        indent = len(line) - len(line.lstrip(" "))
        match = _KEY.match(line)
        if base is not None and nested and indent > base:
            continue
        if not match or "\t" in match["indent"]:
            continue
        if base is None:
            base = indent
        elif indent != base:
            key = match["key"].strip()
            found.append(
                Advice(
                    index + offset,
                    1,
                    f"'{key}' on line {index + offset} is indented by {indent} spaces and "
                    f"the keys above it by {base}; indent every key under 'reflection:' by "
                    "the same number of spaces (two is usual)",
                )
            )
            continue
        nested = not match["value"].strip()
    return found


_YAML_PROBLEMS = (
    ("mapping values are not allowed", "there is a ':' where YAML does not expect one"),
    ("could not find expected ':'", "a line has no 'key: value' (is a ':' missing?)"),
    ("cannot start any token", "a character YAML cannot read starts a value"),
    ("expected <block end>", "a line is not indented like the lines above it"),
    ("end of stream", "a quote is opened and never closed"),
    ("found undefined alias", "a value starts with '*'; put it in double quotes"),
)


def _fallback(exc: yaml.YAMLError, offset: int, what: str = "the information block") -> Advice:
    """YAML's own complaint, said in words a writer can act on."""
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", "") or exc)
    said = next((words for key, words in _YAML_PROBLEMS if key in problem), problem)
    line = mark.line + offset if mark else offset
    compare = (
        "; compare it line by line with the example in the author's guide"
        if what == "the information block"
        else ""
    )
    return Advice(
        line,
        mark.column + 1 if mark else 0,
        f"{what} cannot be read at line {line}: {said}{compare}",
    )


def explain_yaml(text: str, exc: yaml.YAMLError, what: str) -> Advice:
    """Why a YAML file (``people.yml``) cannot be read: the first line that shows why."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    scalars = _scalar_lines(lines)
    for number, line in enumerate(lines):
        found = (
            None
            if number in scalars
            else _line_advice(line, number + 1, "two spaces under each id")
        )
        if found:
            return found
    return _fallback(exc, 1, what)


def unreadable(text: str) -> Unreadable | None:
    """Why the reflection block at the top of a Markdown source cannot be read.

    None when there is no reflection block, or it reads fine. Catches a block
    that is not at the very start, one that is never closed, and lines YAML
    cannot read (a Tab, an unquoted ``#`` or ``:``, curly quotes).
    """
    if not _ANY_REFLECTION.search(text, 0, 8000):  # most pages: no block at all
        return None
    lines = text.split("\n")
    if lines:
        lines[0] = lines[0].lstrip("\ufeff")
    lines = [line.rstrip("\r") for line in lines]
    start = _opening(lines)
    if start is None:
        return None
    if start > 0 or lines[0] != lines[0].lstrip():
        return _misplaced(lines, start)
    close = _closing(lines, start)
    end = _yaml_end(lines, start, close if close is not None else len(lines))
    if close is None:
        return _unclosed(lines, start, end)
    block = "\n".join(lines[start + 1 : close])
    try:
        yaml.safe_load(block)
    except yaml.YAMLError as exc:
        if end <= close - 1 and any(
            line.strip() for line in lines[end:close]
        ):  # Markdown inside: the --- further down is a ruler
            return _unclosed(lines, start, end)
        scalars = {start + 1 + n for n in _scalar_lines(lines[start + 1 : close])}
        advice = [
            found
            for number in range(start + 1, close)
            if number not in scalars and (found := _line_advice(lines[number], number + 1))
        ]
        advice += _indentation(lines[start + 1 : close], start + 2)
        if not advice:
            advice = [_fallback(exc, start + 2)]
        return Unreadable(tuple(_merge_tabs(advice)), (start + 1, close))
    return None


def _merge_tabs(advice: list[Advice]) -> list[Advice]:
    """One message for every line that starts with a Tab, at the first of them."""
    tabs = [a for a in advice if "starts with a Tab" in a.message]
    if len(tabs) < 2:
        return sorted(advice, key=lambda a: (a.line, a.column))
    others = [a for a in advice if a not in tabs]
    numbers = [str(a.line) for a in tabs]
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    first = tabs[0]
    merged = Advice(
        first.line,
        first.column,
        f"lines {listed} start with a Tab, which YAML does not accept; indent with spaces "
        f"instead ({_INDENT_NOTE})",
    )
    return sorted([merged, *others], key=lambda a: (a.line, a.column))


def _unclosed(lines: list[str], start: int, end: int) -> Unreadable:
    last = end  # 1-based number of the block's last line
    return Unreadable(
        (
            Advice(
                last,
                len(lines[last - 1]) + 1,
                f"the information block that starts on line {start + 1} is never closed; "
                f"add a line with three hyphens (---) after line {last}",
            ),
        ),
        (start, end),
    )


def _misplaced(lines: list[str], start: int) -> Unreadable:
    close = _closing(lines, start)
    end = close + 1 if close is not None else _yaml_end(lines, start, len(lines))
    opening = lines[start]
    if start == 0:
        spaces = len(opening) - len(opening.lstrip())
        what = "a space" if spaces == 1 else f"{spaces} spaces"
        message = (
            f"the information block must start at the very beginning of the file, but "
            f"line 1 has {what} before ---; remove {'it' if spaces == 1 else 'them'}"
        )
        column = 1
    else:
        before = [(n, line.strip()) for n, line in enumerate(lines[:start], 1) if line.strip()]
        if before:
            number, first = before[0]
            shown = first if len(first) <= 40 else first[:39] + "…"
            message = (
                f"the information block must be the very first thing in the file, but "
                f"line {number} ({shown!r}) comes before its ---; move that line below the block"
            )
        else:
            message = (
                "the information block must be the very first thing in the file; remove "
                f"the empty line{'s' if start > 1 else ''} before the --- on line {start + 1}"
            )
        column = 1
    return Unreadable((Advice(start + 1, column, message),), (start, end))


def swallowed(key: str, value: str | None, rest: str) -> str | None:
    """A ``#Tag`` YAML read as a note (a comment) at the end of a value, and the fix.

    ``value`` is what YAML read (None: nothing), ``rest`` what follows it on
    the line. The fix is the line in straight double quotes, curly quotes
    made straight.
    """
    match = re.match(r"\s*#[^\W\d_]", rest) if (not value or rest[:1].isspace()) else None
    if not match:
        return None
    lost = rest.strip()
    if not value:
        if key == "tags":
            tags = ", ".join(t.strip().lstrip("#") for t in lost.split(",") if t.strip())
            return (
                f"in '{key}', YAML reads {lost!r} as a note, so there are no tags; write "
                f"them without '#': {key}: [{tags}]"
            )
        return (
            f"in '{key}', YAML reads {lost!r} as a note, so '{key}' is empty; put the "
            f"value in double quotes: {key}: {_quote(lost)}"
        )
    whole = f"{value} {lost}"
    curly = any(c in whole for c in CURLY)
    note = (
        " (curly quotes like “ ” are letters to YAML, not quotes; use straight ones)"
        if curly
        else ""
    )
    return (
        f"in '{key}', YAML reads {lost!r} as a note, so it is left out; put the value in "
        f"double quotes: {key}: {_quote(whole)}{note}"
    )


# -- near misses -------------------------------------------------------------------------


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one letter added, dropped, changed or swapped.

    Digits never count as the slip: ``2023`` and ``2024`` are different years.
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):  # one letter more in b
        return b[i].isalpha() and a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:  # one letter changed
        return a[i].isalpha() and b[i].isalpha()
    return (  # two neighbours swapped
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    )


def near_miss(word: str, known: Mapping[str, str]) -> str | None:
    """The known name ``word`` is most likely a slip of, or None.

    ``known`` maps identity (:func:`.text.tag_key`) to the spelling to show.
    A slip is a trailing ``s`` (the Swedish genitive, an English plural) or,
    in words of five letters or more, one letter added, dropped, changed or
    swapped; a different number is never a slip.
    """
    key = tag_key(word)
    if not key or key in known:
        return None
    for other, shown in known.items():
        if key == other + "s" or (min(len(key), len(other)) >= 5 and _one_edit(key, other)):
            return shown
    return None
