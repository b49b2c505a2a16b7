"""Liquid and Hugo template tags: converted where Markdown can say the same, else reported.

Jekyll and Hugo posts are templates; a reflection is plain MyST. Links to
other imported posts are resolved by the reader (``link``), since only it
knows the names a post can be linked by.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .common import Post
from .report import Report

# -- template tags -------------------------------------------------------------------------

_TEMPLATE = re.compile(
    r"\{\{<\s*/\*.*?\*/\s*>\}\}"  # Hugo escaped shortcode: literal text
    r"|\{\{%\s*/\*.*?\*/\s*%\}\}"
    r"|\{\{<.*?>\}\}"  # Hugo shortcode
    r"|\{\{%.*?%\}\}"
    r"|\{%.*?%\}"  # Liquid tag
    r"|\{\{.*?\}\}"  # Liquid output
    r"|\{:[^}\n]*\}",  # kramdown attribute list
    re.S,
)


_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})", re.M)


_HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\b.*?\{%-?\s*endhighlight\s*-?%\}"
    r"|\{\{<\s*highlight\b.*?\{\{<\s*/highlight\s*>\}\}",
    re.S,
)


SYNTAX = {
    "jekyll": {"Liquid tag", "Liquid output", "kramdown attribute list"},
    "hugo": {"Hugo shortcode"},
    "any": {"Liquid tag", "Liquid output", "kramdown attribute list", "Hugo shortcode"},
}


def _code_spans(body: str) -> list[tuple[int, int]]:
    """Fenced code blocks and inline code, where kramdown attributes are plain text."""
    spans = []
    opened: tuple[int, str] | None = None
    for match in _FENCE.finditer(body):
        if opened is None:
            opened = (match.start(), match[1])
        elif match[1][0] == opened[1][0] and len(match[1]) >= len(opened[1]):
            spans.append((opened[0], match.end()))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(body)))
    spans += [(m.start(), m.end()) for m in re.finditer(r"(`+)[^`\n].*?\1", body)]
    spans += [(m.start(), m.end()) for m in _HIGHLIGHT.finditer(body)]
    return spans


def _tag_parts(tag: str) -> tuple[str, str, list[str]]:
    """(kind, name, arguments) of one template tag."""
    if tag.startswith(("{{<", "{{%")):
        inner, kind = tag[3:-3].strip(), "Hugo shortcode"
    elif tag.startswith("{%"):
        inner, kind = tag[2:-2].strip("- \t\r\n"), "Liquid tag"
    elif tag.startswith("{:"):
        return "kramdown attribute list", "", []
    else:
        inner, kind = tag[2:-2].strip("- \t\r\n"), "Liquid output"
    words = re.findall(r"\"[^\"]*\"|'[^']*'|\S+", inner)
    return kind, (words[0] if words else ""), words[1:]


def _shortcode_attrs(args: list[str]) -> dict[str, str]:
    attrs = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep:
            attrs[key] = value.strip("\"'")
    return attrs


def convert_templates(
    post: Post,
    report: Report,
    link: Callable[[Post, str], str | None],
    flavor: str = "any",
) -> str:
    """Convert the template tags Markdown can express; strip and report the rest.

    Converted: ``highlight`` (a fenced block), ``raw`` (kept verbatim),
    ``comment`` (MyST comment lines), ``post_url``, ``link``, ``ref`` and
    ``relref`` (links to the imported posts), ``relative_url`` on a literal
    path, Hugo ``figure`` (an image) and escaped shortcodes (literal text).
    Only the syntax the engine itself reads is touched: ``{{ x }}`` in Hugo
    content is text, and kramdown attributes in code are code.
    """
    body = post.body
    enabled = SYNTAX[flavor]
    code = _code_spans(body)
    out: list[str] = []
    pos = 0
    in_raw = in_comment = False

    def line_of(at: int) -> int:
        return post.body_line + body.count("\n", 0, at)

    def strip(match: re.Match[str], kind: str) -> None:
        shown = " ".join(match[0].split())
        shown = shown if len(shown) <= 60 else shown[:57] + "…"
        report.problem(post.source, line_of(match.start()), f"stripped {kind} {shown}")
        report.stripped += 1
        emit(match, "")

    def emit(match: re.Match[str], text: str, block: bool = False) -> None:
        """Put ``text`` where the tag was; a tag alone on its line takes the line with it."""
        nonlocal pos
        before = body[pos : match.start()]
        line_start = before.rfind("\n") + 1
        line_end = body.find("\n", match.end())
        line_end = len(body) if line_end < 0 else line_end
        alone = not before[line_start:].strip() and not body[match.end() : line_end].strip()
        if alone and (block or not text):
            out.append(before[:line_start] + (text + "\n" if text else ""))
            pos = min(line_end + 1, len(body))
            return
        if block and before[line_start:].strip():
            text = "\n" + text
        if block and body[match.end() : line_end].strip():
            text += "\n"
        out.append(before + text)
        pos = match.end()

    for match in _TEMPLATE.finditer(body):
        tag = match[0]
        kind, name, args = _tag_parts(tag)
        if kind not in enabled:
            continue
        if kind == "kramdown attribute list" and any(a <= match.start() < b for a, b in code):
            continue
        if in_raw:
            if kind == "Liquid tag" and name == "endraw":
                emit(match, "")
                in_raw = False
            continue
        if in_comment:
            if kind == "Liquid tag" and name == "endcomment":
                hidden = body[pos : match.start()]
                if "\n" in hidden:  # a block comment; an inline one just goes
                    out.append(
                        "\n".join(f"% {t}".rstrip() for t in hidden.strip("\n").splitlines()) + "\n"
                    )
                pos = match.start()
                emit(match, "")
                in_comment = False
            continue
        if kind == "Hugo shortcode" and re.fullmatch(r"\{\{[<%]\s*/\*.*\*/\s*[>%]\}\}", tag, re.S):
            inner = re.sub(r"^\{\{[<%]\s*/\*\s*|\s*\*/\s*[>%]\}\}$", "", tag)
            emit(match, f"{{{{{tag[2]} {inner} {tag[-3]}}}}}")
        elif kind == "Liquid tag" and name == "raw":
            emit(match, "")
            in_raw = True
        elif kind == "Liquid tag" and name == "comment":
            emit(match, "")
            in_comment = True
        elif kind != "Liquid output" and name in ("highlight", "endhighlight", "/highlight"):
            language = args[0].strip("\"'") if args and name == "highlight" else ""
            emit(match, f"```{language}", block=True)
        elif (kind == "Liquid tag" and name in ("post_url", "link")) or (
            kind == "Hugo shortcode" and name in ("ref", "relref")
        ):
            target = link(post, args[0]) if args else None
            if target:
                emit(match, target)
            else:
                strip(match, f"{kind} (no imported post matches it)")
        elif (
            kind == "Liquid output"
            and name[:1] in ("'", '"')
            and args[:1] == ["|"]
            and args[1:2] in (["relative_url"], ["absolute_url"])
        ):
            emit(match, name.strip("\"'"))
        elif kind == "Hugo shortcode" and name == "figure" and _shortcode_attrs(args).get("src"):
            attrs = _shortcode_attrs(args)
            alt = attrs.get("alt") or attrs.get("caption") or attrs.get("title") or ""
            emit(match, f"![{alt}]({attrs['src']})")
        else:
            strip(match, kind)
    out.append(body[pos:])
    if in_raw or in_comment:
        report.problem(
            post.source,
            line_of(len(body)),
            f"a {'raw' if in_raw else 'comment'} block is never closed",
        )
    return "".join(out)
