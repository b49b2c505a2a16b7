"""Code and raw HTML in imported posts: what link rewriting must not touch, and what it must.

Code spans, fenced blocks and code directives are hidden while links are
rewritten and put back after; raw HTML pictures become MyST figures and
images (Sphinx copies only those); heading anchors are worked out as MyST
does. Split from :mod:`.links`, which rewrites the links themselves.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

#: Address schemes a reader's browser follows, and MyST's own (``project:``, ``inv:``...).
#: Code languages other highlighters know by another name than Pygments does.
LEXERS = {
    "plaintext": "text",
    "plain": "text",
    "txt": "text",
    "nohighlight": "text",
    "jinja2": "jinja",
}
FENCE_INFO = re.compile(r"^([ \t]{0,3}(?:`{3,}|~{3,})[ \t]*)([\w+-]+)(?=[ \t]*$)", re.M)
_FENCE_LINE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,}|:{3,})[ \t]*(.*)$")
_CODE_DIRECTIVES = {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "raw"}
_TICKS = re.compile(r"`+")


def _code_spans(text: str, hide: Callable[[str], str]) -> str:
    """Inline code hidden, roles' text (``{doc}`x` ``) kept: CommonMark's pairing of backticks.

    A run of backticks opens a span that the next run of the same length
    closes, within one paragraph; an unmatched run is text.
    """
    out: list[str] = []
    pos = 0
    at = 0
    while (opening := _TICKS.search(text, at)) is not None:
        closing = _TICKS.search(text, opening.end())
        while closing is not None and len(closing[0]) != len(opening[0]):
            closing = _TICKS.search(text, closing.end())
        if closing is None or re.search(r"\n[ \t]*\n", text[opening.end() : closing.start()]):
            at = opening.end()  # an unmatched run: text
            continue
        if text[: opening.start()].endswith("}"):  # a role: its text is MyST's to read
            at = closing.end()
            continue
        out.append(text[pos : opening.start()] + hide(text[opening.start() : closing.end()]))
        pos = at = closing.end()
    return "".join(out) + text[pos:]


def protect_code(body: str) -> tuple[str, Callable[[str], str]]:
    """The body with code replaced by placeholders, and the function that puts it back.

    Code is fenced code (not the fences of directives, whose content is
    MyST: except code directives), raw HTML ``<pre>`` blocks and inline code.
    """
    kept: list[str] = []

    def hide(text: str) -> str:
        kept.append(text)
        return f"\x00{len(kept) - 1}\x00"

    def hide_block(text: str) -> str:
        """A code block hidden, its last line break left: the next line still starts a line."""
        code = text.rstrip("\r\n")
        return hide(code) + text[len(code) :]

    out: list[str] = []
    stack: list[tuple[str, int, bool]] = []  # (character, length, is code)
    block: list[str] = []
    for line in body.splitlines(keepends=True):
        if stack and stack[-1][0] == "<":  # raw HTML <pre>: code, whatever it holds
            block.append(line)
            if "</pre>" in line.lower():
                out.append(hide_block("".join(block)))
                block = []
                stack.pop()
            continue
        if not (stack and stack[-1][2]) and re.match(r"[ \t]{0,3}<pre\b", line, re.I):
            if "</pre>" in line.lower():
                out.append(hide_block(line))
            else:
                stack.append(("<", 0, True))
                block = [line]
            continue
        fence = _FENCE_LINE.match(line.rstrip("\r\n"))
        in_code = bool(stack) and stack[-1][2]
        if (
            fence
            and stack
            and fence[1][0] == stack[-1][0]
            and len(fence[1]) >= stack[-1][1]
            and not fence[2].strip()
        ):
            if in_code:
                block.append(line)
                out.append(hide_block("".join(block)))
                block = []
            else:
                out.append(line)
            stack.pop()
            continue
        if in_code:
            block.append(line)
            continue
        if (fence and fence[1][0] != ":") or (fence and fence[2].startswith("{")):
            name = re.match(r"\{([\w:-]+)\}", fence[2])
            code = fence[1][0] != ":" and (name is None or name[1] in _CODE_DIRECTIVES)
            stack.append((fence[1][0], len(fence[1]), code))
            if code:
                block = [line]
                continue
        out.append(line)
    if block:
        out.append(hide_block("".join(block)))
    # inline code, within the text between fence lines (a fence is not a code span)
    chunks = re.split(r"(^[ \t]{0,3}(?:`{3,}|~{3,}|:{3,}).*$)", "".join(out), flags=re.M)
    text = "".join(chunk if i % 2 else _code_spans(chunk, hide) for i, chunk in enumerate(chunks))

    def restore(done: str) -> str:
        for _ in range(2):  # a code span inside a restored block is restored too
            done = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m[1])], done)
        return done

    return text, restore


def heading_anchor(title: str) -> str:
    """The anchor MyST makes for a heading (GitHub's rule, as kramdown mostly does too)."""
    title = re.sub(r"\x00\d+\x00", "", title)  # code in a heading: too rare to spell out
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)
    text = re.sub(r"[`*_~]|<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


# -- raw HTML pictures ---------------------------------------------------------------------

_FIGURE = re.compile(r"^[ \t]*<figure\b[^>]*>\s*(.*?)\s*</figure>[ \t]*$", re.S | re.M | re.I)
_IMG = re.compile(r"<img\b([^>]*?)/?>", re.I)
_CAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.S | re.I)
_ATTR = re.compile(r"([\w-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
_STANDALONE_IMG = re.compile(r"^[ \t]*(<img\b[^>]*?/?>)[ \t]*$", re.M | re.I)


def _attrs(tag: str) -> dict[str, str]:
    return {m[1].lower(): html.unescape(m[2].strip("\"'")) for m in _ATTR.finditer(tag)}


def inline_html(text: str) -> str:
    """Simple inline HTML as Markdown (links, emphasis); other tags dropped."""
    text = re.sub(
        r"<a\b[^>]*?href=([\"'])(.*?)\1[^>]*>(.*?)</a>",
        lambda m: f"[{m[3].strip()}]({m[2]})",
        text,
        flags=re.S | re.I,
    )
    text = re.sub(r"</?(?:em|i)>", "*", text, flags=re.I)
    text = re.sub(r"</?(?:strong|b)>", "**", text, flags=re.I)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(html.unescape(text).split())


def option_text(text: str) -> str:
    """A directive option's value, quoted when MyST would read part of it as a comment."""
    text = " ".join(text.split())
    if "#" in text or text[:1] in "\"'[{&*!|>%@`" or ": " in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def html_pictures(body: str) -> str:
    """``<figure>`` with one ``<img>`` becomes a MyST figure; an ``<img>`` alone, an image.

    Sphinx copies the pictures of figures and images, never those of raw
    HTML, so this is what keeps them in the knowledge base.
    """
    text, restore = protect_code(body)

    def figure(match: re.Match[str]) -> str:
        images = _IMG.findall(match[1])
        rest = _CAPTION.sub("", _IMG.sub("", match[1]))
        rest = re.sub(r"</?(?:a|p|div|span)\b[^>]*>", "", rest, flags=re.I)
        attrs = _attrs(images[0]) if len(images) == 1 else {}
        if not attrs.get("src") or rest.strip():
            return match[0]  # more than a picture and its caption: left as it is
        caption = _CAPTION.search(match[1])
        lines = [f"```{{figure}} {attrs['src']}"]
        if attrs.get("alt"):
            lines.append(f":alt: {option_text(attrs['alt'])}")
        if caption and inline_html(caption[1]):
            lines += ["", inline_html(caption[1])]
        lines.append("```")
        return "\n".join(lines)

    def image(match: re.Match[str]) -> str:
        attrs = _attrs(match[1])
        if not attrs.get("src"):
            return match[0]
        alt = " ".join(attrs.get("alt", "").split()).replace("[", "(").replace("]", ")")
        src = attrs["src"]
        return f"![{alt}](<{src}>)" if " " in src else f"![{alt}]({src})"

    text = _FIGURE.sub(figure, text)
    text = _STANDALONE_IMG.sub(image, text)
    return restore(text)
