"""Where a clean build's CPU time goes, phase by phase, without a profiler.

cProfile about doubles the time of Python-heavy code and so hides what a
step really costs beside Sphinx's own work; this wraps a fixed list of
functions (Sphinx's phases and the extension's hooks) with a CPU clock and
builds once, in this process, with ``-j 1``::

    .venv/bin/python tools/phases.py SRC OUT [--unkept] [--no-collector | --work]
        [-D name=value ...]

Times are inclusive (a phase counts what it calls, the garbage collector's
pauses included unless ``--work`` takes them out) and nested (the write
phase includes every page's ``handle_page``); a function missing from the
installed version is left out.
The collector's own time (all generations) is printed last. ``--unkept``
makes a serial read keep no doctree for the write phase and drops each
doctree's pickled bytes once its page is written, as the extension does, by
the same hooks ``make bench --gc unkept`` gives plain Sphinx
(:class:`benchrun.Hooks`). ``--no-collector`` switches the collector off for
the build, which shows the work alone: the collector's share moves from
build to build with the heap's shape, and on a large project it can decide
a ratio on its own. Without the collector nothing cyclic is freed, though,
and the growing heap slows the work down in turn; ``--work`` keeps the
collector running and takes each pause out of the row it fell in, so the
rows show the work and the last line the collector, as they add up in a
real build.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import shutil
import sys
import time
from collections.abc import Callable
from typing import Any

import benchrun  # tools/, next to this file

#: (module, qualified name, label): Sphinx's phases first, then the extension's steps
WATCHED = [
    ("sphinx.builders", "Builder.read", "read (parse, transforms, pickle)"),
    ("myst_parser.parsers.sphinx_", "MystParser.parse", "  of which MyST parsing"),
    (
        "sphinx_reflections.frontmatter",
        "ReflectionTransform.apply",
        "  of which front matter (ext)",
    ),
    ("sphinx_reflections.hashtags", "AutolinkTransform.apply", "  of which hashtags (ext)"),
    ("sphinx.builders", "Builder.write", "write the documents"),
    (
        "sphinx.environment",
        "BuildEnvironment.get_and_resolve_doctree",
        "  of which load and resolve doctrees",
    ),
    ("sphinx_reflections.resolve", "doctree_resolved", "    of which doctree-resolved (ext)"),
    ("sphinx.search", "IndexBuilder.feed", "  of which the search index"),
    ("sphinx.builders.html", "StandaloneHTMLBuilder.write_doc", "  of which translate and theme"),
    ("sphinx_reflections.site.feeds", "capture", "    of which feed HTML kept (ext)"),
    ("sphinx.builders.html", "StandaloneHTMLBuilder.handle_page", "pages through the theme"),
    (
        "sphinx.builders.html",
        "StandaloneHTMLBuilder._get_local_toctree",
        "  of which the sidebar's table of contents",
    ),
    ("sphinx.builders.html", "StandaloneHTMLBuilder.finish", "finish (indexes, extra pages)"),
    ("sphinx_reflections.site", "collect_pages", "  of which generated site (ext)"),
    ("sphinx_reflections.site.pages", "write_pages", "    of which generated pages"),
    ("sphinx_reflections.site", "write_feeds", "    of which feeds"),
]


def watch(spent: dict[str, list[float]], paused: Callable[[], float] | None = None) -> None:
    """Wrap each watched function, before Sphinx connects any of them.

    ``paused``, when given, tells the collector's time so far; what it spent
    during a call is then taken out of that call's time.
    """
    for module, qualname, label in WATCHED:
        try:
            owner: Any = importlib.import_module(module)
        except ImportError:
            continue
        *path, name = qualname.split(".")
        for part in path:
            owner = getattr(owner, part)
        function = getattr(owner, name, None)
        if function is None:
            continue
        spent[label] = [0.0, 0]

        def timed(*args: Any, _f: Any = function, _l: str = label, **kwargs: Any) -> Any:
            start = time.process_time()
            before = paused() if paused else 0.0
            try:
                return _f(*args, **kwargs)
            finally:
                collector = paused() - before if paused else 0.0
                spent[_l][0] += time.process_time() - start - collector
                spent[_l][1] += 1

        setattr(owner, name, functools.wraps(function)(timed))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("out")
    parser.add_argument("--unkept", action="store_true", help="keep no doctree from read to write")
    collector_mode = parser.add_mutually_exclusive_group()
    collector_mode.add_argument(
        "--no-collector",
        action="store_true",
        help="gc.disable() for the whole build: the work alone, without the collector's pauses "
        "(memory grows; pass -D reflections_gc_freeze=0 too, or its collection still runs)",
    )
    collector_mode.add_argument(
        "--work",
        action="store_true",
        help="take the collector's pauses out of each row (it still runs, and memory is "
        "handled as in a real build); the total and the collector's own line keep them",
    )
    parser.add_argument("-D", action="append", default=[], help="a setting, as sphinx-build -D")
    args = parser.parse_args()
    if args.no_collector:
        gc.disable()
    spent: dict[str, list[float]] = {}
    collector = benchrun.Collections()  # the benchmark's own clock of the collector
    watch(spent, (lambda: sum(collector.seconds)) if args.work else None)
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    shutil.rmtree(args.out, ignore_errors=True)
    overrides = dict(item.split("=", 1) for item in args.D)
    start = time.process_time()
    with patch_docutils(args.src), docutils_namespace():
        app = Sphinx(
            args.src, args.src, args.out, f"{args.out}/.doctrees", "html",
            confoverrides=overrides, status=None, warning=sys.stderr, parallel=1,
        )  # fmt: skip
        if args.unkept:  # the benchmark's own handling, so the figures compare with it
            job = {"unkept": True, "count": False, "child_log": f"{args.out}/.children.log"}
            benchrun.Hooks(job).connect(app)
        app.build()
    total = time.process_time() - start
    print(f"{args.src}: {total:.2f} s of CPU in all")
    for label, (seconds, calls) in spent.items():
        if calls:
            print(f"  {label:<44} {seconds:7.2f} s {calls:6d} calls")
    print(f"  {'garbage collector (all generations)':<44} {sum(collector.seconds):7.2f} s")
    return app.statuscode


if __name__ == "__main__":
    sys.exit(main())
