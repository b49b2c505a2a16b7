"""``sphinx-reflections new``: start a reflection that builds without warnings.

The author and event ids are checked against the registries before anything
is written, so a typo is caught here rather than at the next build.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ..advice import PLACEHOLDERS
from ..dates import not_a_date, parse_date
from ..registry import registry_name, unknown_id
from ..text import file_slug, yaml_list, yaml_scalar
from .base import EXIT_OK, PROG, Problem, UsageError, plural, relative
from .project import Project, find_confdir, load_project, load_registries

__all__ = ["PLACEHOLDERS", "cmd_new", "date_arg", "render_new"]


def _split_ids(values: Sequence[str] | None) -> list[str]:
    """Ids from repeated or comma-separated options, ``#``/``@`` dropped, each once."""
    found: list[str] = []
    for value in values or ():
        found.extend(v.strip().lstrip("#@") for v in value.split(",") if v.strip().lstrip("#@"))
    return list(dict.fromkeys(found))


def date_arg(text: str) -> dt.date:
    """``--date``: ISO 8601 only, with the same advice a build would give."""
    parsed = parse_date(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(not_a_date("", text))
    return parsed


def render_new(
    title: str,
    authors: Sequence[str],
    date: dt.date,
    tags: Sequence[str],
    event: str,
    lang: str,
) -> str:
    """The text of a new reflection: a draft, with example text ``check`` points out.

    A draft, so that nothing reaches the archive or the feeds before the
    writer says so; the example summary and first line are there to be
    replaced, and ``check`` says so until they are.
    """
    text = PLACEHOLDERS[lang]
    author = yaml_scalar(authors[0]) if len(authors) == 1 else yaml_list(authors)
    lines = ["---", "reflection:", f"  author: {author}", f"  date: {date.isoformat()}"]
    if tags:
        lines.append(f"  tags: {yaml_list(tags)}")
    if event:
        lines.append(f"  event: {yaml_scalar(event)}")
    lines += [
        f"  summary: {yaml_scalar(text['summary'])}",
        f"  # category: {text['category']}",
        f"  # image: {text['image']}",
        f"  draft: true  # {text['publish']}",
        "---",
        "",
        f"# {' '.join(title.split())}",
        "",
    ]
    if event:  # the event's box of facts, under the title
        lines += [f"```{{event}} {event}", "```", ""]
    lines += [
        *(f"% {line}" for line in text["guide"].splitlines()),
        "",
        text["body"],
        "",
    ]
    return "\n".join(lines)


def _unknown(kind: str, ident: str, known: dict[str, Any], value: Any, option: str) -> str:
    """Why an id is refused, and what to do: register it, or the closest known id."""
    if not known:
        registry = "people" if kind == "author" else "events"
        return f"unknown {kind} {ident!r}: the project has no {registry} registry; set {option} in conf.py"
    return unknown_id(kind, ident, known, registry_name(value, option))


def _toctree_page(folder: Path, confdir: Path, suffixes: Sequence[str]) -> Path | None:
    """The nearest index page with a toctree, from ``folder`` up to the project's folder."""
    try:
        folder.resolve().relative_to(confdir.resolve())
    except ValueError:
        return None
    here = folder.resolve()
    top = confdir.resolve()
    while True:
        for suffix in suffixes:
            page = here / f"index{suffix}"
            if page.is_file() and "toctree" in page.read_text(encoding="utf-8", errors="replace"):
                return page
        if here == top or here.parent == here:
            return None
        here = here.parent


def next_steps(path: Path, project: Project) -> list[str]:
    """What to do after ``new``: write, list, check, preview, publish."""
    source = relative(str(project.confdir))
    docname = path.resolve().relative_to(project.confdir.resolve()).with_suffix("").as_posix()
    steps = [
        f"write your piece in {relative(str(path))}; replace the example summary and the "
        "first line",
    ]
    index = _toctree_page(path.parent, project.confdir, project.suffixes)
    if index is not None and ":glob:" in index.read_text(encoding="utf-8", errors="replace"):
        pass  # a globbing toctree lists the new page already
    elif index is not None:
        entry = Path(path.stem) if index.parent == path.parent.resolve() else Path(docname)
        shown = entry.as_posix() if index.parent == path.parent.resolve() else "/" + docname
        steps.append(
            f"add the line {shown} to the toctree in {relative(str(index))}, so the "
            "site's menu leads to it"
        )
    check = f"{PROG} check" + (f" {source}" if source != "." else "")
    steps.append(f"run {check}: it lists what is left to fix, with the line")
    out = Path(source, "_build", "html")
    steps.append(
        f"preview it: sphinx-build -b html {source} {out.as_posix()}, then open "
        f"{(out / docname).as_posix()}.html"
    )
    steps.append("publish it: delete the line draft: true")
    return [f"  {number}. {step}" for number, step in enumerate(steps, 1)]


def cmd_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write a new reflection, after checking its author and event exist."""
    title = " ".join(str(args.title).split())
    if not title:
        raise UsageError("the title is empty")
    authors = _split_ids(args.author)
    if not authors:
        raise UsageError("--author needs a person id, e.g. --author jenny")
    tags = _split_ids([args.tags] if args.tags else [])
    project = load_project(find_confdir(args.source_dir))
    people, events, registry_problems = load_registries(project)

    def explain(ident: str) -> str:
        """Why a registered id may not load: its entry's own problem, if any."""
        for found in registry_problems:
            if f"'{ident}'" in found.message:
                return f"\n  its entry was skipped: {found}"
        return ""

    problems = [
        _unknown("author", a, people, project.authors, "reflections_authors") + explain(a)
        for a in authors
        if a not in people
    ]
    event = (args.event or "").strip()
    if event and event not in events:
        problems.append(
            _unknown("event", event, events, project.events, "reflections_events") + explain(event)
        )
    if problems:
        raise Problem("\n".join(problems))
    if registry_problems:
        files = sorted({relative(f.path) for f in registry_problems if f.path})
        print(
            f"note: {plural(len(registry_problems), 'problem')} in {', '.join(files)}; "
            f"`{PROG} check` lists them",
            file=err,
        )

    lang = args.lang or ("sv" if project.language.lower().startswith("sv") else "en")
    date = args.date or dt.date.today()
    slug = file_slug(title) or f"reflection-{date.isoformat()}"
    folder = Path(args.dir) if args.dir else project.confdir
    path = folder / f"{slug}.md"
    clashes = [folder / f"{slug}{s}" for s in project.suffixes if (folder / f"{slug}{s}").exists()]
    if clashes:
        raise Problem(
            f"{relative(str(clashes[0]))} already exists; choose another title or --dir "
            "(nothing was written)"
        )
    if "myst_parser" not in project.extensions:
        print(
            "note: conf.py does not load myst_parser, which reads Markdown; "
            'add it to extensions = ["myst_parser", "sphinx_reflections"]',
            file=err,
        )
    try:
        if not folder.resolve().is_relative_to(project.confdir.resolve()):
            print(
                f"note: {relative(str(folder))} is outside the Sphinx project "
                f"({relative(str(project.confdir))}); move the file there to publish it",
                file=err,
            )
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    content = render_new(title, authors, date, tags, event, lang)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
    except FileExistsError as exc:  # created between the check and now
        raise Problem(f"{relative(str(path))} already exists; nothing was written") from exc
    print(relative(str(path)), file=out)
    print("It starts as a draft, with example text to replace. Next:", file=err)
    for step in next_steps(path, project):
        print(step, file=err)
    return EXIT_OK
