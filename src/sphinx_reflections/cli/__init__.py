"""The ``sphinx-reflections`` command: ``new``, ``check`` and ``import``.

Authors are mostly not engineers, so each command does one job, says what it
did in one line, and explains every problem with what was found and what is
accepted. Exit codes: 0 all good, 1 problems found, 2 the command was used
wrongly (argparse's own convention).

This module holds the parser and ``main``; each command lives in its own
module (``new``, ``check``, ``import_``), and ``base`` holds what they share.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

from .._version import __version__
from .base import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, PROG, Problem, UsageError
from .check import cmd_check, jobs_arg
from .import_ import cmd_import
from .new import PLACEHOLDERS, cmd_new, date_arg

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "PROG",
    "Problem",
    "UsageError",
    "build_parser",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its own ``--help``."""
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
            "title. It starts as a draft (draft: true), with example text that `check` "
            "points out until it is replaced; with --event, the event's box comes under the "
            "title. Author and event ids are checked against the project's registries. "
            "Prints the path of the new file, then the next steps."
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
        "--date", metavar="D", type=date_arg, help="publication date, YYYY-MM-DD (default: today)"
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
            "reflections warning as FILE:LINE: SUBTYPE: MESSAGE (FILE:LINE:COLUMN: when the "
            "column is known), with the hints for writers a build gives only with "
            "reflections_writer_hints: example text left from `new`, no summary nor excerpt, "
            "hashtags and mentions that look like slips, pieces in no table of contents. "
            "Exits 1 when there is any."
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
        type=jobs_arg,
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
        help="convert an ABlog, Jekyll, Hugo or Eleventy blog",
        description=(
            "Convert blog posts into reflections: ABlog (rST `post` directive, MyST "
            "front matter, Jupyter notebooks) or Jekyll, Hugo and Eleventy Markdown. "
            "Links between posts become links to the imported pages, every old address "
            "gets a redirect (a sphinxext-rediraffe file), the authors become a people "
            "registry, and template tags that cannot be converted are stripped and "
            "reported one by one. Prints the lines to add to conf.py. The source is only "
            "read, never changed."
        ),
    )
    imp.add_argument("source", metavar="SOURCE", help="the blog's folder")
    imp.add_argument(
        "--from",
        dest="source_format",
        choices=("ablog", "jekyll", "hugo", "eleventy"),
        required=True,
        help="the blog engine: ablog, jekyll (also recognises Hugo), hugo or eleventy",
    )
    imp.add_argument(
        "--site-url",
        metavar="URL",
        help=(
            "the old blog's address, e.g. https://blog.example.com/ (default: from its "
            "configuration); links to pages that were not imported point there"
        ),
    )
    imp.add_argument(
        "--author",
        metavar="ID",
        help=(
            "author of every post that names none: a person id of the knowledge base's "
            "registry, or a name"
        ),
    )
    imp.add_argument(
        "--permalink",
        metavar="PATTERN",
        help=(
            "the old posts' addresses, with placeholders, e.g. /:year/:month/:day/:slug/ "
            "(default: from the blog's configuration)"
        ),
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
