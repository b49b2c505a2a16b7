"""The Sphinx project a command works on: where it is, what conf.py says, its registries.

``new`` and ``check`` look for conf.py the same way and report the
extension's warnings the same way (``Found``), so both live here.
"""

from __future__ import annotations

import contextlib
import dataclasses as dc
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.config import Config
from sphinx.errors import ConfigError

from ..registry import Event, Person, load_events, load_people
from .base import Problem, UsageError, relative

# Where `new` and `check` look for conf.py when no directory is given, in order.
PROJECT_DIRS = (".", "docs", "doc", "source", "docs/source")


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
    # defers a heavy import: Sphinx's tags module pulls in Jinja
    from sphinx.util.tags import Tags

    confdir = confdir.resolve()  # Sphinx reads conf.py from inside its folder
    try:
        config = Config.read(confdir, overrides={}, tags=Tags())
    except ConfigError as exc:
        raise Problem(f"{relative(str(confdir / 'conf.py'))}: {exc}") from exc
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
    column: int = 0  # 1-based; 0 when the warning does not say

    def __str__(self) -> str:
        path = relative(self.path)
        column = f"{self.column}:" if self.line and self.column else ""
        where = f"{path}:{self.line}:{column} " if self.line else f"{path}: " if path else ""
        return f"{where}{self.subtype}: {self.message}"


def split_location(location: str) -> tuple[str, int]:
    """``path:line`` as Sphinx writes it, apart (line 0 when there is none)."""
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
        path, line = split_location(location) if isinstance(location, str) else ("", 0)
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
