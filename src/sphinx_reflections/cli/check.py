"""``sphinx-reflections check``: every reflections warning a build would give, and nothing else.

The project is read by Sphinx itself (the ``dummy`` builder), so the answer
is the build's answer; ``--incremental`` keeps what a read found so that the
next run reads only the pages that changed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses as dc
import hashlib
import io
import json
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

from sphinx.errors import SphinxError
from sphinx.util.console import strip_colors
from sphinx.util.logging import get_node_location, is_suppressed_warning

from ..compat import skip_write_phase
from ..warnings_ import COLUMN
from .base import EXIT_OK, EXIT_PROBLEMS, PROG, Problem, UsageError, plural, relative
from .project import Found, find_confdir, split_location

_RECORD = re.compile(r"^(?:(?P<loc>.*?): )?(?P<level>WARNING|ERROR|CRITICAL): (?P<msg>.*)$")
_TYPED = re.compile(r"^(?P<msg>.*) \[reflections\.(?P<sub>[\w-]+)\]$", re.S)


def parse_warnings(text: str) -> tuple[list[Found], int]:
    """The ``[reflections.*]`` warnings of a Sphinx warning stream, and how many others."""
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
        path, number = split_location(location)
        found.append(Found(path, number, typed["sub"], " ".join(typed["msg"].split())))
    return found, others


def jobs_arg(value: str) -> int:
    """``--jobs``: a positive number of processes, or ``auto`` for one per CPU."""
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


CACHE_VERSION = 2  # 2: each warning keeps its column


def cache_dir(srcdir: Path) -> Path:
    """Where ``--incremental`` keeps Sphinx's environment for one project (never in it)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    key = hashlib.sha256(str(srcdir.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(base, "sphinx-reflections", f"check-{key}")


def _load_cached(path: Path) -> tuple[dict[str, list[Found]], list[Found]]:
    """The last run's read-phase warnings per page, and its consistency-check warnings."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return {}, []
        docs = {doc: [Found(*item) for item in items] for doc, items in data["docs"].items()}
        return docs, [Found(*item) for item in data["global"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, []


def _save_cached(path: Path, docs: dict[str, list[Found]], overall: list[Found]) -> None:
    """Keep this run's warnings for the next ``--incremental`` run (see ``_load_cached``)."""
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
        path, number = split_location(where)
        message = " ".join(record.getMessage().split())
        column = int(getattr(record, COLUMN, 0) or 0)
        self.found.append((self.phase, Found(path, number, str(subtype), message, column)))


def run_check(srcdir: Path, jobs: int = 1, incremental: bool = False) -> CheckResult:
    """Read every page with Sphinx's ``dummy`` builder; nothing is written to ``srcdir``.

    A real read (not a front-matter scan) is what catches everything a build
    would: unknown ids, inline events, registry problems, duplicate handles.
    ``incremental`` keeps Sphinx's environment in a cache folder outside the
    project, so only changed pages are read again; Sphinx does not repeat the
    warnings of pages it does not read, so those come from the cache.
    """
    # defers a heavy import: the application loads every builder and the environment
    from sphinx.application import Sphinx

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
                # the [type.subtype] suffix is how the stream is read; the hints are
                # what a writer checks before publishing
                confoverrides={"show_warning_types": True, "reflections_writer_hints": True},
                status=None,
                warning=stream,
                freshenv=not incremental,
                keep_going=True,
                parallel=jobs,
            )
            if "sphinx_reflections" not in app.extensions:
                raise UsageError(
                    f"{relative(str(srcdir / 'conf.py'))} does not load sphinx_reflections; "
                    'add it to extensions = ["myst_parser", "sphinx_reflections"]'
                )
            # The dummy builder writes nothing, yet Sphinx would still unpickle
            # and resolve every doctree for it. No reflections warning comes
            # from that phase (they are raised while reading, and in the
            # consistency check), so skipping it saves a fifth of the time.
            skip_write_phase(app.builder)
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
                where = f" reading {relative(str(app.env.doc2path(docname)))}" if docname else ""
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
    columns = {dc.replace(f, column=0): f.column for _phase, f in live.found if f.column}
    found = [dc.replace(f, column=columns.get(dc.replace(f, column=0), f.column)) for f in found]
    found = sorted(set(found), key=lambda f: (f.path, f.line, f.column, f.subtype, f.message))
    return CheckResult(found, others, pages, len(reread), time.perf_counter() - started)


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Report every reflections warning as ``file:line: subtype: message``."""
    srcdir = find_confdir(args.source_dir)
    result = run_check(srcdir, args.jobs, args.incremental)
    for found in result.found:
        print(found, file=out)
    files = len({f.path for f in result.found})
    summary = (
        f"{plural(len(result.found), 'problem')} in {plural(files, 'file')}"
        if result.found
        else "no problems"
    )
    extra = (
        f"; {plural(result.others, 'other Sphinx warning')} not shown (sphinx-build shows them)"
        if result.others
        else ""
    )
    pages = plural(result.pages, "page")
    if result.read != result.pages:
        pages += f", {result.read} read again"
    print(f"{PROG} check: {summary} ({pages}, {result.seconds:.1f} s){extra}", file=err)
    return EXIT_PROBLEMS if result.found else EXIT_OK
