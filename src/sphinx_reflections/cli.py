"""The ``sphinx-reflections`` command: ``new``, ``check`` and ``import``.

Authors are mostly not engineers, so each command does one job, says what it
did in one line, and explains every problem with what was found and what is
accepted. Exit codes: 0 all good, 1 problems found, 2 the command was used
wrongly (argparse's own convention).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses as dc
import datetime as dt
import io
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from .dates import date_hint, parse_date
from .registry import Event, Person, load_events, load_people
from .text import file_slug, suggest, yaml_list, yaml_scalar

PROG = "sphinx-reflections"
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# Where `new` and `check` look for conf.py when no directory is given, in order.
PROJECT_DIRS = (".", "docs", "doc", "source", "docs/source")


class UsageError(Exception):
    """The command line asks for something impossible (exit 2)."""


class Problem(Exception):
    """The project or its content is not right (exit 1)."""


# -- the Sphinx project ------------------------------------------------------------------


@dc.dataclass
class Project:
    """What ``new`` needs to know about the Sphinx project it writes into."""

    confdir: Path
    authors: str | dict[str, Any]
    events: str | dict[str, Any]
    language: str
    extensions: list[str]
    suffixes: list[str]


def find_confdir(source_dir: str | None) -> Path:
    """The directory holding conf.py: the one given, else the usual places under cwd."""
    if source_dir is not None:
        path = Path(source_dir)
        if not (path / "conf.py").is_file():
            raise UsageError(f"no conf.py in {source_dir!r}; give the Sphinx source directory")
        return path
    for name in PROJECT_DIRS:
        path = Path(name)
        if (path / "conf.py").is_file():
            return path
    raise UsageError(
        "no Sphinx project found (no conf.py in "
        + ", ".join(f"{d}/" if d != "." else "the current directory" for d in PROJECT_DIRS)
        + "); run this inside the project or give --source-dir"
    )


def _suffixes(value: Any) -> list[str]:
    """Source suffixes from conf.py's ``source_suffix`` in any of its accepted shapes."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict | list | tuple):
        return [str(v) for v in value]
    return [".rst"]


def load_project(confdir: Path) -> Project:
    """Execute conf.py the way Sphinx does, so computed values are seen as Sphinx sees them."""
    from sphinx.config import Config
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    confdir = confdir.resolve()  # Sphinx reads conf.py from inside its folder
    try:
        config = Config.read(confdir, overrides={}, tags=Tags())
    except ConfigError as exc:
        raise Problem(f"{_relative(str(confdir / 'conf.py'))}: {exc}") from exc
    for name in ("reflections_authors", "reflections_events"):
        config.add(name, "", "env", (str, dict))
    extensions = list(config.extensions)
    suffixes = _suffixes(config.source_suffix)
    if "myst_parser" in extensions and ".md" not in suffixes:
        suffixes.append(".md")
    return Project(
        confdir=confdir,
        authors=config.reflections_authors,
        events=config.reflections_events,
        language=str(config.language or "en"),
        extensions=extensions,
        suffixes=suffixes,
    )


@dc.dataclass(frozen=True)
class Found:
    """One ``reflections.*`` warning: where, which subtype, what."""

    path: str
    line: int
    subtype: str
    message: str

    def __str__(self) -> str:
        path = _relative(self.path)
        where = f"{path}:{self.line}: " if self.line else f"{path}: " if path else ""
        return f"{where}{self.subtype}: {self.message}"


def _relative(path: str) -> str:
    """A path as the user would type it from where they are."""
    if not path:
        return path
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path


def _split_location(location: str) -> tuple[str, int]:
    head, _, tail = location.rpartition(":")
    if head and tail.isdigit():
        return head, int(tail)
    return location, 0


class _Collect(logging.Handler):
    """Keeps the extension's warnings raised outside a build (registry loading)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[Found] = []

    def emit(self, record: logging.LogRecord) -> None:
        location = getattr(record, "location", None)
        path, line = _split_location(location) if isinstance(location, str) else ("", 0)
        subtype = getattr(record, "subtype", None) or "warning"
        self.found.append(Found(path, line, str(subtype), record.getMessage()))


@contextlib.contextmanager
def collected_warnings() -> Iterator[list[Found]]:
    """Route Sphinx's logger to a list for the duration (and restore it after).

    A Sphinx app created earlier in the process leaves handlers bound to its
    streams; they are set aside so nothing leaks into them.
    """
    logger = logging.getLogger("sphinx")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    handler = _Collect()
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield handler.found
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def load_registries(project: Project) -> tuple[dict[str, Person], dict[str, Event], list[Found]]:
    """Both registries, with their problems as located warnings instead of log output."""
    with collected_warnings() as found:
        people, _ = load_people(project.authors, project.confdir, project.confdir)
        events, _ = load_events(project.events, project.confdir)
    return people, events, list(found)


# -- new ------------------------------------------------------------------------------------

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
    found: list[str] = []
    for value in values or ():
        found.extend(v.strip().lstrip("#@") for v in value.split(",") if v.strip().lstrip("#@"))
    return list(dict.fromkeys(found))


def _date_arg(text: str) -> dt.date:
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
        files = sorted({_relative(f.path) for f in registry_problems if f.path})
        print(
            f"note: {_plural(len(registry_problems), 'problem')} in {', '.join(files)}; "
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
            f"{_relative(str(clashes[0]))} already exists; choose another title or --dir "
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
                f"note: {_relative(str(folder))} is outside the Sphinx project "
                f"({_relative(str(project.confdir))}); move the file there to publish it",
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
        raise Problem(f"{_relative(str(path))} already exists; nothing was written") from exc
    print(_relative(str(path)), file=out)
    return EXIT_OK


# -- check ------------------------------------------------------------------------------------

_RECORD = re.compile(r"^(?:(?P<loc>.*?): )?(?P<level>WARNING|ERROR|CRITICAL): (?P<msg>.*)$")
_TYPED = re.compile(r"^(?P<msg>.*) \[reflections\.(?P<sub>[\w-]+)\]$", re.S)


def parse_warnings(text: str) -> tuple[list[Found], int]:
    """The ``[reflections.*]`` warnings of a Sphinx warning stream, and how many others."""
    from sphinx.util.console import strip_colors

    records: list[tuple[str, str]] = []
    for line in strip_colors(text).splitlines():
        match = _RECORD.match(line)
        if match:
            records.append((match["loc"] or "", match["msg"]))
        elif records and line.strip():  # a message that spans lines
            loc, msg = records[-1]
            records[-1] = (loc, f"{msg}\n{line}")
    found: list[Found] = []
    others = 0
    for location, message in records:
        typed = _TYPED.match(message)
        if not typed:
            others += 1
            continue
        path, number = _split_location(location)
        found.append(Found(path, number, typed["sub"], " ".join(typed["msg"].split())))
    return found, others


def _jobs(value: str) -> int:
    if value == "auto":
        return os.cpu_count() or 1
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of processes (1, 2, … or auto)"
        )
    return jobs


@dc.dataclass
class CheckResult:
    """What one check found, and what it took."""

    found: list[Found]
    others: int
    pages: int
    read: int
    seconds: float


def _write_nothing(docnames: object) -> None:
    """Stands in for the dummy builder's write phase."""


CACHE_VERSION = 1


def cache_dir(srcdir: Path) -> Path:
    """Where ``--incremental`` keeps Sphinx's environment for one project (never in it)."""
    import hashlib

    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    key = hashlib.sha256(str(srcdir.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(base, "sphinx-reflections", f"check-{key}")


def _load_cached(path: Path) -> tuple[dict[str, list[Found]], list[Found]]:
    """The last run's read-phase warnings per page, and its consistency-check warnings."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return {}, []
        docs = {doc: [Found(*item) for item in items] for doc, items in data["docs"].items()}
        return docs, [Found(*item) for item in data["global"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, []


def _save_cached(path: Path, docs: dict[str, list[Found]], overall: list[Found]) -> None:
    import json

    data = {
        "version": CACHE_VERSION,
        "docs": {doc: [dc.astuple(f) for f in found] for doc, found in sorted(docs.items())},
        "global": [dc.astuple(f) for f in overall],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


class _ReadPhase(logging.Handler):
    """Sees each reflections warning as it is raised, and keeps those raised while reading.

    Sphinx holds the warnings of the read phase back and prints them together
    after it, so the printed stream cannot tell them apart; a handler on the
    logger sees them live. Only these depend on nothing but their own page
    (and the registries, which pages depend on), so only these may be cached.
    """

    def __init__(self, app: Any) -> None:
        super().__init__(logging.WARNING)
        self.app = app
        self.phase = "read"  # then "updated" (env-updated), then "consistency"
        self.found: list[tuple[str, Found]] = []

    def emit(self, record: logging.LogRecord) -> None:
        from sphinx.util.logging import get_node_location, is_suppressed_warning

        kind, subtype = getattr(record, "type", ""), getattr(record, "subtype", "")
        if kind != "reflections":
            return
        if is_suppressed_warning(kind, subtype, self.app.config.suppress_warnings):
            return
        location = getattr(record, "location", None)
        if isinstance(location, tuple):
            docname, line = location
            where = f"{self.app.env.doc2path(docname)}:{line or 0}" if docname else ""
        elif isinstance(location, str):
            where = location if ":" in location else str(self.app.env.doc2path(location))
        elif location is not None:
            where = get_node_location(location) or ""
        else:
            where = ""
        path, number = _split_location(where)
        message = " ".join(record.getMessage().split())
        self.found.append((self.phase, Found(path, number, str(subtype), message)))


def run_check(srcdir: Path, jobs: int = 1, incremental: bool = False) -> CheckResult:
    """Read every page with Sphinx's ``dummy`` builder; nothing is written to ``srcdir``.

    A real read (not a front-matter scan) is what catches everything a build
    would: unknown ids, inline events, registry problems, duplicate handles.
    ``incremental`` keeps Sphinx's environment in a cache folder outside the
    project, so only changed pages are read again; Sphinx does not repeat the
    warnings of pages it does not read, so those come from the cache.
    """
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError

    started = time.perf_counter()
    stream = io.StringIO()
    reread: set[str] = set()
    sphinx_logger = logging.getLogger("sphinx")
    with contextlib.ExitStack() as stack:
        if incremental:
            work = cache_dir(srcdir)
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"{PROG}-")))
        try:
            app = Sphinx(
                srcdir,
                srcdir,
                work / "out",
                work / "doctrees",
                "dummy",
                # the [type.subtype] suffix is how the stream is read
                confoverrides={"show_warning_types": True},
                status=None,
                warning=stream,
                freshenv=not incremental,
                keep_going=True,
                parallel=jobs,
            )
            if "sphinx_reflections" not in app.extensions:
                raise UsageError(
                    f"{_relative(str(srcdir / 'conf.py'))} does not load sphinx_reflections; "
                    'add it to extensions = ["myst_parser", "sphinx_reflections"]'
                )
            if hasattr(app.builder, "write_documents"):
                # The dummy builder writes nothing, yet Sphinx would still unpickle
                # and resolve every doctree for it. No reflections warning comes
                # from that phase (they are raised while reading, and in the
                # consistency check), so skipping it saves a fifth of the time.
                setattr(app.builder, "write_documents", _write_nothing)  # noqa: B010
            live = _ReadPhase(app)
            sphinx_logger.addHandler(live)
            stack.callback(sphinx_logger.removeHandler, live)
            app.connect("env-before-read-docs", lambda _app, _env, docs: reread.update(docs))
            app.connect("env-updated", lambda _app, _env: setattr(live, "phase", "updated"), 0)
            app.connect(
                "env-check-consistency",
                lambda _app, _env: setattr(live, "phase", "consistency"),
                priority=0,
            )
            app.build()
        except SphinxError as exc:
            where = ""
            with contextlib.suppress(Exception):  # name the page being read, if any
                docname = app.env.docname
                where = f" reading {_relative(str(app.env.doc2path(docname)))}" if docname else ""
            raise Problem(f"Sphinx stopped{where}: {exc}") from exc
        env = app.env
        pages = len(env.found_docs)
        found, others = parse_warnings(stream.getvalue())
        if incremental:
            store = work / "warnings.json"
            docs = {str(env.doc2path(name)): name for name in env.found_docs}
            cached, cached_global = _load_cached(store)
            kept = {
                doc: items
                for doc, items in cached.items()
                if doc in env.found_docs and doc not in reread
            }
            for phase, item in live.found:
                if phase == "read" and docs.get(item.path) in reread:
                    kept.setdefault(docs[item.path], []).append(item)
            # Sphinx skips the consistency check when no page was read; then
            # nothing it checks has changed, and the last results still hold.
            checked = live.phase == "consistency"
            overall = [f for phase, f in live.found if phase == "consistency"]
            overall = overall if checked else cached_global
            _save_cached(store, kept, overall)
            found += [item for items in kept.values() for item in items] + overall
    found = sorted(set(found), key=lambda f: (f.path, f.line, f.subtype, f.message))
    return CheckResult(found, others, pages, len(reread), time.perf_counter() - started)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Report every reflections warning as ``file:line: subtype: message``."""
    srcdir = find_confdir(args.source_dir)
    result = run_check(srcdir, args.jobs, args.incremental)
    for found in result.found:
        print(found, file=out)
    files = len({f.path for f in result.found})
    summary = (
        f"{_plural(len(result.found), 'problem')} in {_plural(files, 'file')}"
        if result.found
        else "no problems"
    )
    extra = (
        f"; {_plural(result.others, 'other Sphinx warning')} not shown (sphinx-build shows them)"
        if result.others
        else ""
    )
    pages = _plural(result.pages, "page")
    if result.read != result.pages:
        pages += f", {result.read} read again"
    print(f"{PROG} check: {summary} ({pages}, {result.seconds:.1f} s){extra}", file=err)
    return EXIT_PROBLEMS if result.found else EXIT_OK


# -- import -----------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Convert a blog into reflections; the source is only ever read."""
    from .importers import import_blog

    source = Path(args.source)
    if not source.is_dir():
        raise UsageError(f"{args.source!r} is not a directory")
    if args.dest:
        dest = Path(args.dest)
    else:
        try:
            dest = find_confdir(None)
        except UsageError:
            dest = Path()
    if dest.resolve().is_relative_to(source.resolve()):
        raise UsageError(
            f"--dest {_relative(str(dest))} is inside the source {args.source!r}; "
            "the source is never written to, so choose a folder outside it"
        )
    report = import_blog(source, dest, args.source_format, dry_run=args.dry_run)
    for line in report.lines():
        print(line, file=out)
    print(report.summary(), file=err)
    return EXIT_PROBLEMS if report.has_problems else EXIT_OK


# -- the parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its own ``--help``."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Write, check and import reflection pieces for a Sphinx knowledge base.",
        epilog="Exit status: 0 all good, 1 problems found, 2 wrong use of the command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    new = commands.add_parser(
        "new",
        help="start a new reflection",
        description=(
            "Write a new MyST reflection with front matter and a title, named after the "
            "title. Author and event ids are checked against the project's registries. "
            "Prints the path of the new file."
        ),
    )
    new.add_argument("title", metavar="TITLE", help="the title, in quotes")
    new.add_argument(
        "--author",
        metavar="ID",
        action="append",
        required=True,
        help="person id from reflections_authors; repeat or comma-separate for co-authors",
    )
    new.add_argument(
        "--date", metavar="D", type=_date_arg, help="publication date, YYYY-MM-DD (default: today)"
    )
    new.add_argument("--tags", metavar="A,B", help="comma-separated tags, e.g. CX,AI")
    new.add_argument("--event", metavar="ID", help="event id from reflections_events")
    new.add_argument(
        "--lang",
        choices=sorted(PLACEHOLDERS),
        help="language of the placeholder text (default: the project's language)",
    )
    new.add_argument(
        "--dir", metavar="DIR", help="folder to write into (default: the Sphinx source directory)"
    )
    new.add_argument(
        "--source-dir",
        metavar="SRC",
        help="the Sphinx source directory with conf.py (default: ., docs/, doc/ or source/)",
    )
    new.set_defaults(handler=cmd_new)

    check = commands.add_parser(
        "check",
        help="check reflections and registries",
        description=(
            "Read the whole project with Sphinx (nothing is written into it) and print every "
            "reflections warning as FILE:LINE: SUBTYPE: MESSAGE. Exits 1 when there is any."
        ),
    )
    check.add_argument(
        "source_dir",
        metavar="SOURCE_DIR",
        nargs="?",
        help="the Sphinx source directory with conf.py (default: ., docs/, doc/ or source/)",
    )
    check.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default="auto",
        metavar="N",
        help="read with N processes, or 'auto' for one per CPU (the default)",
    )
    check.add_argument(
        "--incremental",
        action="store_true",
        help=(
            "keep Sphinx's environment in a cache outside the project "
            "($XDG_CACHE_HOME or ~/.cache) so later runs read only changed pages"
        ),
    )
    check.set_defaults(handler=cmd_check)

    imp = commands.add_parser(
        "import",
        help="convert an ABlog or Jekyll/Hugo blog",
        description=(
            "Convert blog posts into reflections: ABlog (rST `post` directive or MyST "
            "front matter) or Jekyll/Hugo Markdown. Builds a people registry from the "
            "authors, strips template tags it cannot convert and reports each one. "
            "The source is only read, never changed."
        ),
    )
    imp.add_argument("source", metavar="SOURCE", help="the blog's folder")
    imp.add_argument(
        "--from",
        dest="source_format",
        choices=("ablog", "jekyll"),
        required=True,
        help="the blog engine: ablog, or jekyll (also reads Hugo)",
    )
    imp.add_argument(
        "--dest",
        metavar="DIR",
        help="where to write (default: the Sphinx source directory, else the current one)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would be written; write nothing"
    )
    imp.set_defaults(handler=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status instead of exiting (testable in-process)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    out, err = sys.stdout, sys.stderr
    try:
        return int(args.handler(args, out, err))
    except UsageError as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=err)
        return EXIT_USAGE
    except Problem as exc:
        print(f"{PROG} {args.command}: {exc}", file=err)
        return EXIT_PROBLEMS
    except BrokenPipeError:  # `check | head`: the reader has seen enough
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PROBLEMS
    except OSError as exc:  # a folder that cannot be written to, a full disk
        print(f"{PROG} {args.command}: {exc}", file=err)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=err)
        return 130
