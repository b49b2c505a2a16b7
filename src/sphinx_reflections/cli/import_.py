"""``sphinx-reflections import``: the command around :func:`.importers.import_blog`.

Named with a trailing underscore because ``import`` is a keyword. Checking
the folders is the command's job; reading and converting is the importers'.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
from pathlib import Path
from typing import TextIO

from .base import EXIT_OK, EXIT_PROBLEMS, UsageError, relative
from .importers import Options, import_blog
from .project import find_confdir


def notebooks_supported() -> bool:
    """Whether myst-nb is installed: without it, a knowledge base cannot build notebooks."""
    return importlib.util.find_spec("myst_nb") is not None


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
    site_url = args.site_url or ""
    if site_url and not re.match(r"https?://[^/\s]+", site_url):
        raise UsageError(f"--site-url {site_url!r} is not an http(s) address")
    options = Options(
        site_url=site_url,
        author=args.author or "",
        permalink=args.permalink or "",
        notebooks=notebooks_supported(),
    )
    report = import_blog(source, dest, args.source_format, dry_run=args.dry_run, options=options)
    for line in report.lines():
        print(line, file=out)
    print(report.summary(), file=err)
    return EXIT_PROBLEMS if report.has_problems else EXIT_OK
