"""``sphinx-reflections import``: the command around :func:`.importers.import_blog`.

Named with a trailing underscore because ``import`` is a keyword. Checking
the folders is the command's job; reading and converting is the importers'.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .base import EXIT_OK, EXIT_PROBLEMS, UsageError, relative
from .importers import import_blog
from .project import find_confdir


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Convert a blog into reflections; the source is only ever read."""
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
            f"--dest {relative(str(dest))} is inside the source {args.source!r}; "
            "the source is never written to, so choose a folder outside it"
        )
    report = import_blog(source, dest, args.source_format, dry_run=args.dry_run)
    for line in report.lines():
        print(line, file=out)
    print(report.summary(), file=err)
    return EXIT_PROBLEMS if report.has_problems else EXIT_OK
