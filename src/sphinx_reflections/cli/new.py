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

from ..dates import date_hint, parse_date
from ..text import file_slug, suggest, yaml_list, yaml_scalar
from .base import EXIT_OK, PROG, Problem, UsageError, plural, relative
from .project import find_confdir, load_project, load_registries

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
    },
}


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
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 date; {date_hint(text)}")
    return parsed


def render_new(
    title: str,
    authors: Sequence[str],
    date: dt.date,
    tags: Sequence[str],
    event: str,
    lang: str,
) -> str:
    """The text of a new reflection: front matter, a title heading, a place to start."""
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
        "---",
        "",
        f"# {' '.join(title.split())}",
        "",
        *(f"% {line}" for line in text["guide"].splitlines()),
        "",
        text["body"],
        "",
    ]
    return "\n".join(lines)


def _unknown(kind: str, ident: str, known: dict[str, Any], option: str) -> str:
    """Why an id is refused, and what to do: register it, or the closest known id."""
    if not known:
        registry = "people" if kind == "author" else "events"
        return f"unknown {kind} {ident!r}: the project has no {registry} registry; set {option} in conf.py"
    return f"unknown {kind} {ident!r}; add it to {option}{suggest(ident, known)}"


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
        _unknown("author", a, people, "reflections_authors") + explain(a)
        for a in authors
        if a not in people
    ]
    event = (args.event or "").strip()
    if event and event not in events:
        problems.append(_unknown("event", event, events, "reflections_events") + explain(event))
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
    if not {"myst_parser", "myst_nb"} & set(project.extensions):  # myst_nb reads MyST too
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
    return EXIT_OK
