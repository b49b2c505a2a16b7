"""Liquid and Hugo template tags: converted where Markdown can say the same, else reported.

Jekyll, Eleventy and Hugo posts are templates; a reflection is plain MyST.
A template that makes an address (``post_url``, ``link``, ``ref``,
``relref``, ``{{ "/path/" | url }}``, ``relative_url``, ``absolute_url``,
``site.baseurl``) becomes that address on the old site; the link pass
(``links``) then turns old addresses into links to the imported pages. Only
the reader knows the names a post can be linked by (``Context.find``).
"""

from __future__ import annotations

import dataclasses as dc
import re
from collections.abc import Callable

from .common import Post
from .markup import inline_html, option_text
from .report import Report


@dc.dataclass
class Context:
    """What converting a post's templates needs to know about the old site."""

    find: Callable[[Post, str], Post | None]  # a post's name in a tag -> the post
    base_path: str = ""  # Jekyll's baseurl, Eleventy's pathPrefix: "/blog" or ""
    site_url: str = ""  # scheme and host
    person: Callable[[str], str | None] = lambda key: None  # blog author key -> registry id


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


#: Hugo's video shortcodes, as the address of the video.
_VIDEOS = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://vimeo.com/{}",
}


def _video_id(tag: str, args: list[str]) -> str:
    """The id of a video shortcode: ``{{< youtube abc >}}`` or ``{{< vimeo id="123" >}}``."""
    ident = _shortcode_attrs(tag).get("id") or (args[0] if args and "=" not in args[0] else "")
    return ident.strip("\"'") if re.fullmatch(r"[\w-]+", ident.strip("\"'")) else ""


_ENDRAW = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})", re.M)


_HIGHLIGHT = re.compile(
    r"\{%-?\s*highlight\b.*?\{%-?\s*endhighlight\s*-?%\}"
    r"|\{\{<\s*highlight\b.*?\{\{<\s*/highlight\s*>\}\}",
    re.S,
)


SYNTAX = {
    "jekyll": {"Liquid tag", "Liquid output", "kramdown attribute list"},
    "eleventy": {"Liquid tag", "Liquid output"},
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
    if words[:1] == ["/"] and len(words) > 1:  # `{{</ name >}}`: an end tag, spaced
        words = ["/" + words[1], *words[2:]]
    return kind, (words[0] if words else ""), words[1:]


def _shortcode_attrs(tag: str) -> dict[str, str]:
    """A shortcode's named arguments (``src="x"``, also ``src = "x"``)."""
    return {
        m[1]: m[2].strip("\"'")
        for m in re.finditer(r"([\w-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)", tag)
    }


def _filters(inner: str) -> tuple[str, list[tuple[str, str]]]:
    """A Liquid output's value and its filters (name, argument text), quotes respected."""
    parts = [p.strip() for p in re.findall(r"(?:\"[^\"]*\"|'[^']*'|[^|])+", inner)]
    value = parts[0] if parts else ""
    filters = []
    for part in parts[1:]:
        name, _, args = part.partition(":")
        filters.append((name.strip(), args.strip()))
    return value, filters


def _in_link(body: str, at: int) -> bool:
    """Whether a template at ``at`` is a link's target (Markdown, a definition, an HTML attribute)."""
    before = body[max(0, at - 3) : at]
    line = body[body.rfind("\n", 0, at) + 1 : at]
    return before.endswith(("](", "](<", '="', "='")) or bool(re.match(r"\s*\[[^\]]+\]:\s*$", line))


def _link_text(title: str) -> str:
    return " ".join(title.split()).replace("[", "(").replace("]", ")")


def _literal(text: str) -> str | None:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" else None


_IMAGE_SUFFIX = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|avif)$", re.I)


def _output(tag: str, context: Context, variables: dict[str, str]) -> str | None:
    """What a Liquid output that makes an address or a person's link stands for; None if not.

    A value is a literal, ``site.baseurl``, ``site.url``, or one of the post's
    own front matter values (``image``, ``page.image``).
    """
    value, filters = _filters(tag[2:-2].strip("- \t\r\n"))
    names = [name for name, _ in filters]
    literal = _literal(value)
    if value in ("site.baseurl", "site.url") and not filters:
        return context.base_path if value == "site.baseurl" else context.site_url
    own = value.removeprefix("page.")
    if literal is None and own in variables and re.match(r"/|https?://", variables[own]):
        literal = variables[own]
        if not filters:
            return literal
    if literal is None:
        return None
    if names and names[0] in ("url", "relative_url", "absolute_url"):
        literal = re.sub(r"^/{2,}(?=[^/])", "/", literal)  # Eleventy's url filter does the same
    if names == ["prepend"] and filters[0][1] in ("site.baseurl", "site.url"):
        return (
            context.base_path if filters[0][1] == "site.baseurl" else context.site_url
        ) + literal
    if names in (["url"], ["relative_url"]) and literal.startswith("/"):
        return context.base_path + literal
    if names == ["absolute_url"] and literal.startswith("/"):
        return context.site_url + context.base_path + literal
    if names in (["url"], ["relative_url"], ["absolute_url"]) and re.match(r"https?://", literal):
        return literal
    if len(names) == 1 and names[0].endswith("link"):
        person = context.person(literal)
        return f"{{author}}`{person}`" if person else None
    if names == ["embed"] and re.match(r"https?://", literal):
        text = _literal(filters[0][1]) or literal
        return f"[{text}]({literal})"
    return None


def convert_templates(
    post: Post,
    report: Report,
    context: Context,
    flavor: str = "any",
) -> str:
    """Convert the template tags Markdown can express; strip and report the rest.

    Converted: ``highlight`` (a fenced block), ``raw`` (kept verbatim),
    ``comment`` (MyST comment lines), ``post_url``, ``link``, ``ref`` and
    ``relref`` (addresses of the imported posts), ``url``,
    ``relative_url``, ``absolute_url`` and ``prepend: site.baseurl`` on a
    literal path, ``site.baseurl``, picture shortcodes (``{% image "src"
    "alt" %}``, Hugo ``figure``: an image), ``oembed`` and ``embed`` (a
    link), a filter ending in ``link`` on a blog author's id (a link to the
    person) and escaped shortcodes (literal text). Only the syntax the
    engine itself reads is touched: ``{{ x }}`` in Hugo content is text, and
    kramdown attributes in code are code.
    """
    body = post.body
    enabled = SYNTAX[flavor]
    code = _code_spans(body)
    out: list[str] = []
    pos = skip_to = 0
    in_raw = in_comment = False
    converted: set[str] = set()  # shortcodes whose start became Markdown; their end goes too

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
        if kind not in enabled or match.start() < skip_to:
            continue
        if kind == "kramdown attribute list" and any(a <= match.start() < b for a, b in code):
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
            end = _ENDRAW.search(body, match.end())
            emit(match, "")
            if end is None:
                in_raw = True
                out.append(body[pos:])
                pos = skip_to = len(body)
                continue
            out.append(body[pos : end.start()])  # kept verbatim, tags and all
            pos = end.start()
            emit(end, "")
            skip_to = end.end()
        elif kind == "Liquid tag" and name == "comment":
            emit(match, "")
            in_comment = True
        elif kind != "Liquid output" and name in ("highlight", "endhighlight", "/highlight"):
            language = args[0].strip("\"'") if args and name == "highlight" else ""
            emit(match, f"```{language}", block=True)
        elif (kind == "Liquid tag" and name in ("post_url", "link")) or (
            kind == "Hugo shortcode" and name in ("ref", "relref")
        ):
            other = context.find(post, args[0]) if args else None
            if other is not None and other.urls:
                address = context.base_path + other.urls[0]
                if not _in_link(body, match.start()):  # the address shown as text: a link now
                    address = f"[{_link_text(other.title)}]({address})"
                emit(match, address)
            else:
                strip(match, f"{kind} (no imported post matches it)")
        elif (
            kind == "Liquid output" and (made := _output(tag, context, post.variables)) is not None
        ):
            emit(match, made)
        elif (
            kind == "Liquid tag"
            and ("image" in name or name in ("img", "picture"))
            and args
            and _IMAGE_SUFFIX.search(_literal(args[0]) or "")
        ):
            quoted = [t for a in args if (t := _literal(a.rstrip(","))) is not None]
            src = quoted[0]
            alt = quoted[-1] if len(quoted) > 1 else ""
            src = src if re.match(r"https?://|/", src) else f"{context.base_path}/{src}"
            alt = " ".join(alt.split()).replace("[", "(").replace("]", ")")
            emit(match, f"![{alt}](<{src}>)" if " " in src else f"![{alt}]({src})")
        elif kind == "Liquid tag" and name == "oembed" and args and re.match(r"https?://", args[0]):
            emit(match, f"<{args[0]}>")
        elif kind == "Hugo shortcode" and name.startswith("/") and name[1:] in converted:
            emit(match, "")  # the end of a shortcode whose start became Markdown
        elif kind == "Hugo shortcode" and name in _VIDEOS and (ident := _video_id(tag, args)):
            emit(match, f"<{_VIDEOS[name].format(ident)}>")
        elif (
            kind == "Hugo shortcode"
            and name != "figure"
            and _IMAGE_SUFFIX.search(_shortcode_attrs(tag).get("src", ""))
        ):
            converted.add(name)  # a theme's picture shortcode (imgtxt, figureforgallery…)
            attrs = _shortcode_attrs(tag)
            alt = inline_html(attrs.get("alt") or attrs.get("caption") or attrs.get("title") or "")
            emit(match, f"![{alt.replace('[', '(').replace(']', ')')}]({attrs['src']})")
        elif kind == "Hugo shortcode" and name == "figure" and _shortcode_attrs(tag).get("src"):
            attrs = _shortcode_attrs(tag)
            caption = inline_html(attrs.get("caption") or attrs.get("title") or "")
            alt = inline_html(attrs.get("alt") or "") or re.sub(r"[*\[\]()]", "", caption)
            if caption:
                lines = [f"```{{figure}} {attrs['src']}"]
                lines += [f":alt: {option_text(alt)}"] if alt else []
                lines += ["", caption, "```"]
                emit(match, "\n".join(lines), block=True)
            else:
                emit(match, f"![{alt.replace('[', '(').replace(']', ')')}]({attrs['src']})")
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
