"""Hints for writers: what a piece still needs before readers see it.

Two kinds. Problems readers would see are warnings in every build: a piece
without a title, example text from ``sphinx-reflections new`` in a published
piece. What is worth a look but breaks nothing (example text in a draft, a
piece with neither a summary nor a ``more`` marker, a ``#hashtag`` or
``@mention`` that looks like a slip, a piece in no table of contents) is
reported only with
``reflections_writer_hints``, which ``sphinx-reflections check`` turns on.

Every hint names the line and column in the writer's own file, found in the
source as typed (MyST's and Docutils' nodes know lines, not columns).
"""

from __future__ import annotations

import functools
import itertools
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .advice import near_miss, placeholder
from .config import get_config
from .domain import get_domain
from .fields import RawMeta
from .frontmatter import META_KEY, first_paragraph, own_paragraphs
from .hashtags import text_nodes
from .records import Reflection
from .registry import Person, plain
from .text import scan, tag_key
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


# -- finding what was typed ---------------------------------------------------------------


def _source_lines(env: BuildEnvironment, docname: str) -> list[str]:
    try:
        return Path(env.doc2path(docname)).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def locate(lines: list[str], typed: str, near: int = 0) -> tuple[int, int]:
    """(line, column), 1-based, of ``typed`` as a word in the source, from line ``near`` on.

    Falls back to the whole file, then to a case-insensitive search; (near, 0)
    when it is not there at all (e.g. a role spelled differently).
    """
    pattern = re.compile(rf"(?<![\w#@]){re.escape(typed)}(?!\w)")
    starts = (max(near, 1), 1) if near > 1 else (1,)
    for flags in (0, re.IGNORECASE):
        found = re.compile(pattern.pattern, flags)
        for start in starts:
            for number in range(start, len(lines) + 1):
                match = found.search(lines[number - 1])
                if match:
                    return number, match.start() + 1
    return near, 0


def _line_of(node: nodes.Node) -> int:
    """The source line of a node, or of the nearest ancestor that knows one."""
    while node is not None:
        if getattr(node, "line", None):
            return int(node.line)  # type: ignore[arg-type]
        node = node.parent
    return 0


def _after_block(lines: list[str]) -> int:
    """The line after a Markdown page's front matter (where its title belongs)."""
    if lines and lines[0].strip() == "---":
        for number in range(1, len(lines)):
            if lines[number].strip() in ("---", "..."):
                return number + 2
    return 1


# -- while a page is read ----------------------------------------------------------------------


class WritingTransform(SphinxTransform):
    """Title, example text, summary and @mentions of the page just read."""

    default_priority = 710  # after the reflection transform (700) recorded the piece

    def apply(self, **kwargs: Any) -> None:
        cfg = get_config(self.env)
        docname = self.env.docname
        raw: RawMeta | None = self.env.temp_data.pop(META_KEY, None)
        reflection = get_domain(self.env).reflections.get(docname)
        if raw is not None and reflection is not None:
            self.check_piece(reflection, raw, cfg.writer_hints)
        if cfg.writer_hints and cfg.mention_autolink and get_domain(self.env).people:
            self.check_mentions()

    @functools.cached_property
    def lines(self) -> list[str]:
        """The page's source as typed, read only when a hint needs a column."""
        return _source_lines(self.env, self.env.docname)

    def check_piece(self, reflection: Reflection, raw: RawMeta, hints: bool) -> None:
        """A title, and no example text: always when published, with hints in a draft."""
        docname = reflection.docname
        if next(self.document.findall(nodes.section), None) is None:
            if raw.form == "front matter":
                line, where = _after_block(self.lines), "after the information block"
                typed = "# Your title"
            else:
                line, where = raw.line, "above the reflection directive"
                typed = "Your title, underlined with ===="
            warn(
                ReflectionsWarning.NO_TITLE,
                "this reflection has no title, so lists and feeds have none to show; add "
                f"one {where}, on a line of its own: {typed}",
                (docname, line),
            )
        if reflection.draft and not hints:
            return
        shown = "" if reflection.draft else " (readers see it in lists and feeds)"
        summary = raw.values.get("summary")
        if isinstance(summary, str) and placeholder("summary", summary):
            line = raw.lines.get("summary", raw.line)
            lines = self.lines
            column = lines[line - 1].find("summary") + 1 if 0 < line <= len(lines) else 0
            warn(
                ReflectionsWarning.PLACEHOLDER,
                f"the summary is still the example from 'sphinx-reflections new'{shown}; "
                "write one or two sentences of your own that make someone want to read on",
                (docname, line),
                max(column, 0),
            )
        for para in self.document.findall(nodes.paragraph):
            text = para.astext()
            if placeholder("body", text):
                line, column = locate(self.lines, " ".join(text.split()), _line_of(para))
                warn(
                    ReflectionsWarning.PLACEHOLDER,
                    f"{' '.join(text.split())!r} is still the example from "
                    f"'sphinx-reflections new'{shown}; replace it with your text",
                    (docname, line),
                    column,
                )
        if hints and "summary" not in raw.values and not reflection.excerpt:
            self.check_summary(raw)

    def check_summary(self, raw: RawMeta) -> None:
        """A piece with neither a summary nor a "more" marker (the paragraphs before it).

        Said as what readers would see instead: the first paragraph, cut or
        whole, or nothing at all. A piece that is one short paragraph is shown
        whole in lists, so it needs neither.
        """
        first = first_paragraph(self.document)
        paragraphs = own_paragraphs(self.document)
        if first and not first.endswith("…") and len(list(itertools.islice(paragraphs, 2))) < 2:
            return
        if first:
            words = first.split()
            start = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
            cut = "cut short " if first.endswith("…") else ""
            said = (
                f"lists, feeds and link previews show your first paragraph {cut}({start!r}); "
                "add one or two sentences of your own"
            )
        else:
            said = "there is no paragraph to show in lists, feeds and link previews; add one"
        marker = "<!-- more -->" if raw.form == "front matter" else ".. more"
        warn(
            ReflectionsWarning.NO_SUMMARY,
            f"this reflection has no summary: {said} to the information block: "
            f"summary: Your sentences here. Or end the opening you want shown with a line "
            f"{marker}",
            (self.env.docname, raw.line),
        )

    def check_mentions(self) -> None:
        """``@Word`` that stayed text but looks like someone's handle, id or name."""
        people = get_domain(self.env).people
        handles = {tag_key(p.handle): p.handle for p in people.values() if p.handle}
        by_handle = {tag_key(p.handle): p for p in people.values() if p.handle}
        exact: dict[str, Person] = {}
        for someone in people.values():
            for spelling in (someone.id, someone.name):
                exact.setdefault(plain(spelling), someone)
        seen: set[str] = set()
        for text in list(text_nodes(self.document)):
            source = str(text)
            if "@" not in source:
                continue
            for hit in scan(source, lambda word: word):
                if hit.kind != "mention" or hit.value in seen:
                    continue
                word = hit.value
                person: Person | None = exact.get(plain(word))
                if person is None:
                    close = near_miss(word, handles)
                    person = by_handle.get(tag_key(close)) if close else None
                if person is None:
                    continue
                seen.add(word)
                line, column = locate(self.lines, "@" + word, _line_of(text.parent))
                warn(
                    ReflectionsWarning.NEAR_MISS,
                    _mention_message(word, person),
                    (self.env.docname, line),
                    column,
                )


def _mention_message(word: str, person: Person) -> str:
    typed = "@" + word
    if person.handle:
        meant = f"@{person.handle} ({person.name})"
    else:
        meant = f"{{mention}}`{person.id}` ({person.name})"
    keep = f"{{mention}}`{typed} <{person.id}>`"
    return (
        f"{typed} is no one's handle, so it stays plain text; did you mean {meant}? To keep "
        f"your spelling as the link's text, write {keep}"
    )


# -- once every page is read -------------------------------------------------------------------


def check_site(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: hashtag slips and pieces in no table of contents."""
    cfg = get_config(env)
    if not cfg.writer_hints:
        return
    if cfg.hashtag_autolink:
        _hashtag_slips(env)
    _not_in_toctree(env)


def _hashtag_slips(env: BuildEnvironment) -> None:
    """A tag that looks like a slip of a tag more pages use (or an event's own)."""
    domain = get_domain(env)
    uses: dict[str, int] = {}
    shown: dict[str, str] = {}
    for used in domain.tags.values():
        for key in used:
            uses[key] = uses.get(key, 0) + 1
    for key, info in domain.tag_table.items():
        shown[key] = info.name
    for event in domain.all_events().values():
        if event.hashtag:
            key = tag_key(event.hashtag)
            shown[key] = event.hashtag
            uses[key] = uses.get(key, 0) + 1_000_000  # the organiser's spelling
    for target in get_config(env).tag_aliases.values():
        uses[tag_key(target)] = uses.get(tag_key(target), 0) + 1_000_000
        shown.setdefault(tag_key(target), target)
    for docname in sorted(domain.tags):
        lines: list[str] | None = None
        for key, spellings in sorted(domain.tags[docname].items()):
            spelling = max(spellings, key=lambda s: (spellings[s], s))
            others = {
                k: name
                for k, name in shown.items()
                if k != key
                and (
                    uses.get(k, 0) > uses.get(key, 0)
                    or (uses.get(k, 0) == uses.get(key, 0) and key == k + "s")
                )
            }
            meant = near_miss(spelling, others)
            if meant is None:
                continue
            if lines is None:
                lines = _source_lines(env, docname)
            line, column = locate(lines, "#" + spelling)
            if not column:
                line, column = locate(lines, spelling)
            count = uses.get(key, 0)
            where = "only here" if count == 1 else f"on {count} pages"
            genitive = (
                f" For the genitive, write #{meant}:s"
                if tag_key(spelling) == tag_key(meant) + "s"
                else ""
            )
            warn(
                ReflectionsWarning.NEAR_MISS,
                f"#{spelling} is a tag of its own, used {where}; did you mean #{meant}?{genitive}",
                (docname, line),
                column,
            )


def _not_in_toctree(env: BuildEnvironment) -> None:
    """A published piece no table of contents lists, with the toctree to add it to."""
    domain = get_domain(env)
    listed = set().union(*env.toctree_includes.values()) if env.toctree_includes else set()
    root = env.config.root_doc
    for docname, reflection in sorted(domain.reflections.items()):
        if reflection.draft or docname in listed or docname == root:
            continue
        if "orphan" in env.metadata.get(docname, {}):
            continue
        index = _nearest_toctree(env, docname)
        entry = posixpath.relpath(docname, posixpath.dirname(index) or ".")
        page = Path(env.doc2path(index)).relative_to(env.srcdir).as_posix()
        warn(
            ReflectionsWarning.NOT_IN_TOCTREE,
            "this piece is in no table of contents, so the site's menu does not lead to "
            f"it; add the line {entry} to the toctree in {page}",
            (docname, 1),
        )


def _nearest_toctree(env: BuildEnvironment, docname: str) -> str:
    """The ``index`` with a toctree closest above a document, else the root document."""
    folder = posixpath.dirname(docname)
    while True:
        index = f"{folder}/index" if folder else "index"
        if index != docname and env.toctree_includes.get(index):
            return index
        if not folder:
            return str(env.config.root_doc)
        folder = posixpath.dirname(folder)


def register(app: Sphinx) -> None:
    """The transform that checks each piece as it is read."""
    app.add_transform(WritingTransform)
