"""Reflection metadata: MyST front matter and the ``reflection`` directive.

Both forms produce the same raw mapping, validated by one function, so they
give identical results. The transform then records the reflection in the
domain and puts the byline under the page title.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from . import nodes as rnodes
from .advice import swallowed, unreadable
from .authors import full_card
from .config import get_config
from .domain import ReflectionsDomain, get_domain
from .events import callout
from .fields import KEYS, RawMeta, validate
from .i18n import Lang, lang_of
from .records import Reflection, series_key
from .registry import YAML_LOADER
from .text import closest, unique_tags
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_TEMP_KEY = "reflections_front_matter"
#: ``env.temp_data``: the block that made the page being read a reflection (for the hints).
META_KEY = "reflections_meta"
_FRONT_MATTER = re.compile(r"\A(\ufeff?---[ \t]*\r?\n)(.*?)(^(?:---|\.\.\.)[ \t]*$)", re.S | re.M)


class TextDates(YAML_LOADER):  # type: ignore[valid-type,misc]
    """A SafeLoader that leaves dates as text, so ``2023-02-31`` is a warning, not a crash."""


TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# -- MyST front matter ------------------------------------------------------------


#: The file types whose front matter MyST reads: myst-parser's, and myst-nb's, which
#: takes over ``.md`` (its Markdown pages and text notebooks are MyST too).
MYST_FILETYPES = ("markdown", "myst-nb")


def _is_markdown(env: BuildEnvironment, docname: str) -> bool:
    suffix = env.doc2path(docname).suffix
    return dict(env.config.source_suffix).get(suffix) in MYST_FILETYPES


def read_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """Take the ``reflection:`` mapping out of MyST front matter (``source-read``).

    The mapping is blanked out of the source (lines kept, so MyST's line
    numbers stay right); MyST then never serialises it, which older
    releases could not do with nested dates.
    """
    if not source or not _is_markdown(app.env, docname):
        return
    match = _FRONT_MATTER.match(source[0])
    if not match:
        _unreadable(docname, source)  # a block not at the start, or never closed
        return
    text = match.group(2)
    loader = TextDates(text)  # one parse: the nodes (lines, hints), then the values from them
    try:
        _take_reflection(app, docname, loader, text, match, source)
    except yaml.YAMLError:
        # MyST would say only "Malformed YAML", at line 1
        _unreadable(docname, source)
    finally:
        loader.dispose()


def _unreadable(docname: str, source: list[str]) -> None:
    """Say where and why a reflection block cannot be read, and blank it out.

    Blanked, Markdown neither shows the block as text or as a heading nor
    warns about it in words no writer connects to the cause; every later
    line keeps its number.
    """
    found = unreadable(source[0])
    if found is None:
        return
    for advice in found.problems:
        warn(ReflectionsWarning.FRONT_MATTER, advice.message, (docname, advice.line), advice.column)
    lines = source[0].split("\n")
    first, last = found.blank
    for number in range(first, min(last, len(lines))):
        lines[number] = "\r" if lines[number].endswith("\r") else ""
    if 0 < first < len(lines) and lines[first - 1].strip() == "---":
        lines[first] = "{}" + lines[first]  # the fences stay: MyST wants a mapping inside
    source[0] = "\n".join(lines)


def _take_reflection(
    app: Sphinx,
    docname: str,
    loader: TextDates,
    text: str,
    match: re.Match[str],
    source: list[str],
) -> None:
    root = loader.get_single_node()
    if not isinstance(root, yaml.MappingNode):
        return
    offset = match.group(1).count("\n") + 1  # line number of the first YAML line
    for key_node, value_node in root.value:
        if key_node.value != "reflection":
            continue
        start = key_node.start_mark.line + offset
        if _misplaced_keys(docname, root, value_node, offset):
            _blank_block(source, match, text)
            return
        try:
            raw = (
                loader.construct_object(value_node, deep=True)
                if value_node.tag != "tag:yaml.org,2002:null"
                else None
            )
        except yaml.constructor.ConstructorError as exc:  # e.g. an unknown ``!tag``
            mark = exc.problem_mark
            warn(
                ReflectionsWarning.BAD_METADATA,
                f"front matter: {exc.problem}; the reflection block is ignored",
                (docname, mark.line + offset if mark else start),
            )
            raw = None  # and the block is blanked below, so MyST never trips on it
        lines: dict[str, int] = {}
        hints: list[tuple[str, int, int]] = []
        yaml_text_lines = text.splitlines()
        if isinstance(value_node, yaml.MappingNode):
            for sub_key, sub_value in value_node.value:
                lines[str(sub_key.value)] = sub_key.start_mark.line + offset
                hint = _swallowed_hashtag(sub_key.value, sub_value, yaml_text_lines)
                if hint:
                    hints.append((hint[0], sub_value.end_mark.line + offset, hint[1]))
        app.env.temp_data[_TEMP_KEY] = RawMeta(
            raw if raw is not None else {}, lines, start, "front matter", hints
        )
        if not isinstance(raw, dict):
            app.env.temp_data[_TEMP_KEY].values = {"__not_a_mapping__": raw}
        end = value_node.end_mark.line + (1 if value_node.end_mark.column else 0)
        yaml_lines = text.splitlines(keepends=True)
        first, last = key_node.start_mark.line, max(end, key_node.start_mark.line + 1)
        newline = "\r\n" if "\r\n" in text else "\n"
        yaml_lines[first] = f"reflection: true{newline}"
        for i in range(first + 1, min(last, len(yaml_lines))):
            yaml_lines[i] = newline
        source[0] = source[0][: match.start(2)] + "".join(yaml_lines) + source[0][match.end(2) :]
        return
    if _misspelt_reflection(docname, root, offset):
        _blank_block(source, match, text)


def _blank_block(source: list[str], match: re.Match[str], text: str) -> None:
    """Empty the whole block, lines kept: it holds a reflection's keys in the wrong place.

    MyST would show them as fields of the page (and before MyST 5 could not
    even read a date among them).
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    blank = "{}" + newline * text.count("\n")
    source[0] = source[0][: match.start(2)] + blank + source[0][match.end(2) :]


def _swallowed_hashtag(key: str, node: yaml.Node, lines: list[str]) -> tuple[str, int] | None:
    """YAML reads `` #Tag`` after a plain value as a comment; say so instead of losing it.

    The message, and the column (1-based) of the ``#`` where the note begins.
    """
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):
        return None
    end = node.end_mark
    if end.line >= len(lines):
        return None
    rest = lines[end.line][end.column :]
    message = swallowed(key, node.value, rest)
    return (message, end.column + rest.index("#") + 1) if message else None


def _misplaced_keys(
    docname: str, root: yaml.MappingNode, value_node: yaml.Node, offset: int
) -> bool:
    """Keys of a reflection written beside ``reflection:`` instead of under it.

    Says so and returns True: the page is then no reflection (its other
    problems would only repeat this one).
    """
    if value_node.tag != "tag:yaml.org,2002:null":
        return False
    beside = [k for k, _v in root.value if k.value in KEYS]
    if not beside:
        return False
    first = beside[0]
    warn(
        ReflectionsWarning.FRONT_MATTER,
        f"the lines under 'reflection:' must start with two spaces, but '{first.value}' on "
        f"line {first.start_mark.line + offset} starts at the beginning of its line; put two "
        "spaces before each key of the reflection",
        (docname, first.start_mark.line + offset),
        1,
    )
    return True


def _misspelt_reflection(docname: str, root: yaml.MappingNode, offset: int) -> bool:
    """A key that looks like ``reflection:`` and holds a reflection's keys (``reflektion:``)."""
    for key_node, value_node in root.value:
        if not isinstance(value_node, yaml.MappingNode) or not closest(
            str(key_node.value), ["reflection"]
        ):
            continue
        if any(k.value in ("author", "date") for k, _v in value_node.value):
            warn(
                ReflectionsWarning.FRONT_MATTER,
                f"'{key_node.value}:' is not a word the site knows, so this page is no "
                "reflection; write reflection:",
                (docname, key_node.start_mark.line + offset),
                key_node.start_mark.column + 1,
            )
            return True
    return False


# -- the directive -------------------------------------------------------------------


class _AnyOption(dict[str, Any]):
    """Accept every option name, so unknown keys become ``bad-metadata`` warnings."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __contains__(self, key: object) -> bool:
        return True

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[key]


class ReflectionDirective(SphinxDirective):
    """Declare the page a reflection (the rST form of the ``reflection:`` front matter).

    Lists (``:author:``, ``:tags:``) are comma-separated; ``:draft:`` alone means true.
    """

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = _AnyOption(  # type: ignore[misc]
        dict.fromkeys(KEYS, directives.unchanged)
    )

    def run(self) -> list[nodes.Node]:
        node = rnodes.reflection_meta()
        self.set_source_info(node)
        values: dict[str, Any] = {}
        for key, value in self.options.items():
            values[key] = "true" if key == "draft" and value in (None, "") else value
        node["meta"] = RawMeta(values, dict.fromkeys(values, self.lineno), self.lineno, "directive")
        return [node]


# -- the transform ----------------------------------------------------------------------

_NOT_COUNTED = (
    nodes.comment,
    nodes.raw,
    nodes.system_message,
    nodes.docinfo,
    nodes.field_list,
    nodes.title,
    nodes.substitution_definition,
    rnodes.reflection_meta,
    rnodes.reflections_byline,
)


def count_words(tree: nodes.Node) -> int:
    """Words a reader reads, the same for MyST and rST sources."""
    total = 0

    def walk(node: nodes.Node) -> None:
        nonlocal total
        if isinstance(node, _NOT_COUNTED):
            return
        if isinstance(node, nodes.Text):
            total += len(node.astext().split())
            return
        for child in node.children:
            walk(child)

    walk(tree)
    return total


def own_paragraphs(document: nodes.document) -> Iterator[str]:
    """The text of each paragraph of the piece's own words, in order.

    Not the byline, callouts, cards or admonitions: they are not what the
    author wrote for this piece.
    """
    for para in document.findall(nodes.paragraph):
        if any(
            isinstance(p, (*_NOT_COUNTED, nodes.Admonition, rnodes.reflections_author_card))
            for p in _ancestors(para)
        ):
            continue
        text = " ".join(para.astext().split())
        if text:
            yield text


def first_paragraph(document: nodes.document, limit: int = 200) -> str:
    """The first paragraph, shortened on a word boundary (the default summary)."""
    for text in own_paragraphs(document):
        if len(text) <= limit:
            return text
        cut = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:–-")
        return cut + "…"
    return ""


_MORE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.I)


def _is_more(node: nodes.Node) -> bool:
    """``<!-- more -->`` on a line of its own (MyST) or a ``.. more`` comment (rST)."""
    if isinstance(node, nodes.comment):
        return node.astext().strip().lower() == "more"
    if isinstance(node, nodes.raw) and "html" in node.get("format", "").split():
        return bool(_MORE.match(node.astext()))
    return False


def excerpt(document: nodes.document) -> tuple[str, ...] | None:
    """The paragraphs before the first "more" marker, which is taken out; None without one.

    Paragraphs inside callouts, cards and admonitions are not the piece's own
    words and are left out, as in the default summary.
    """
    found: list[str] = []
    for node in document.findall(nodes.Element):
        if _is_more(node):
            node.parent.remove(node)
            return tuple(found)
        if isinstance(node, nodes.paragraph) and not any(
            isinstance(p, (*_NOT_COUNTED, nodes.Admonition, rnodes.reflections_author_card))
            for p in _ancestors(node)
        ):
            text = " ".join(node.astext().split())
            if text:
                found.append(text)
    return None


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


class ReflectionTransform(SphinxTransform):
    """Record the page's reflection in the domain and insert its byline."""

    default_priority = 700

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        metas: list[RawMeta] = []
        front = self.env.temp_data.pop(_TEMP_KEY, None)
        if front is not None and self.document.get("source") == str(self.env.doc2path(docname)):
            metas.append(front)
        for node in list(self.document.findall(rnodes.reflection_meta)):
            metas.append(node["meta"])
            node.parent.remove(node)
        if not metas:
            return
        for extra in metas[1:]:
            warn(
                ReflectionsWarning.DUPLICATE,
                f"a second reflection block ({extra.form}) on one page is ignored; the {metas[0].form} at line {metas[0].line} counts",
                (docname, extra.line),
            )
        domain = get_domain(self.env)
        self.env.temp_data[META_KEY] = metas[0]
        fields = validate(metas[0], self.env, docname)
        if fields.date is None:
            warn(
                ReflectionsWarning.BAD_METADATA,
                "this page is not listed as a reflection until it has a valid date",
                (docname, metas[0].line),
            )
            return
        for tag in fields.tags:
            domain.add_tag(docname, tag, line=metas[0].lines.get("tags", metas[0].line))
        in_text = [next(iter(s)) for s in domain.tags.get(docname, {}).values()]
        all_tags = unique_tags([*fields.tags, *in_text], domain.tag_aliases())
        title_node = next(self.document.findall(nodes.title), None)
        title = title_node.astext() if title_node else docname
        before_more = excerpt(self.document)
        if before_more == ():
            warn(
                ReflectionsWarning.BAD_METADATA,
                "the 'more' marker comes before any paragraph, so there is no excerpt; lists "
                "and feeds show the first paragraph instead",
                (docname, metas[0].line),
            )
        words = count_words(self.document)
        wpm = get_config(self.env).words_per_minute
        reflection = Reflection(
            docname=docname,
            title=title,
            authors=fields.authors,
            date=fields.date,
            category=fields.category,
            tags=all_tags,
            event=fields.event,
            summary=fields.summary or " ".join(before_more or ()) or first_paragraph(self.document),
            image=fields.image,
            updated=fields.updated,
            draft=fields.draft,
            minutes=max(1, math.floor(words / wpm + 0.5)),  # half a minute rounds up
            words=words,
            language=fields.language,
            translation=fields.translation,
            series=fields.series,
            excerpt=() if fields.summary else before_more or (),
        )
        domain.add_reflection(reflection)
        lang = lang_of(self.env.config, reflection.language)
        if not lang.project:
            speak(self.document, domain, lang)
        # filled when written (see resolve.fill_bylines): the stored doctree keeps a
        # place, not the 40-odd nodes of names, dates and hashtags
        line = rnodes.reflections_byline(classes=["reflections-byline"], piece=docname)
        if reflection.translation:  # the other versions, once every page is read
            line += rnodes.reflections_translations(key=reflection.translation)
            domain.add_dynamic(docname, {"versions": reflection.translation})
        article: nodes.Element = self.document
        if title_node is not None and isinstance(title_node.parent, nodes.section):
            article = title_node.parent
            article.insert(article.index(title_node) + 1, line)
        else:
            self.document.insert(0, line)
        if reflection.series:
            # where it stands in its series, under the byline (filled when written)
            article.insert(article.index(line) + 1, rnodes.reflections_series_spot())
            domain.add_dynamic(docname, {"series": series_key(reflection.series)})
        # what to read next, at the end of the piece (filled when written)
        article += rnodes.reflections_related_spot()
        domain.add_dynamic(docname, {"related": True})


def register(app: Sphinx) -> None:
    """The ``reflection`` directive and the transform that records a page's reflection."""
    app.add_directive("reflection", ReflectionDirective)
    app.add_transform(ReflectionTransform)


def speak(document: nodes.document, domain: ReflectionsDomain, lang: Lang) -> None:
    """Event callouts and author cards of a piece in its own language, not the project's.

    The directives made them before the page's language was known (the
    ``reflection`` block may come after them), so they are made again here.
    """
    events = domain.all_events()
    inline = domain.inline_events.get(domain.env.docname, {})
    for box in list(document.findall(rnodes.reflections_event)):
        event = inline.get(box["event"]) or events.get(box["event"])
        if event is not None:
            again = callout(event, domain.env, lang=lang)
            again["classes"] = box["classes"]
            again.source, again.line = box.source, box.line
            box.replace_self(again)
    for card in list(document.findall(rnodes.reflections_author_card)):
        person = domain.people.get(card["person"])
        if person is not None:
            card_again = full_card(person, lang=lang)
            card_again["classes"] = card["classes"]
            card.replace_self(card_again)
