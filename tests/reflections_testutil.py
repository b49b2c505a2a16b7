"""Helpers shared by the tests (a module of its own: every conftest is named conftest)."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from bs4 import BeautifulSoup

TESTS = Path(__file__).resolve().parent
ROOTS = TESTS / "roots"
TOOLS = TESTS.parent / "tools"

# One knowledge-base generator for the tests and `make bench`: it lives in tools/.
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import kbgen  # noqa: E402 - needs tools/ on the path

#: The build date of every test that asks for the ``build_date`` fixture (2025-01-01),
#: as Sphinx reads it from ``SOURCE_DATE_EPOCH``.
BUILD_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
BUILD_EPOCH = str(int(BUILD_DATE.timestamp()))


def soup(path: Path) -> BeautifulSoup:
    """Parse one output page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def warnings_of(app: object) -> list[str]:
    """The warning lines of a test build, without colour codes."""
    from sphinx.util.console import strip_colors

    text = strip_colors(app._warning.getvalue())  # type: ignore[attr-defined]
    # a second app in one test re-registers Sphinx's own nodes; that is the harness
    return [
        line
        for line in text.splitlines()
        if "WARNING" in line and "is already registered" not in line
    ]


# -- source trees ------------------------------------------------------------------------


def copy_root(name: str, tmp_path: Path, folder: str | None = None) -> Path:
    """A private copy of ``tests/roots/test-<name>`` that a test may edit.

    The copy goes to ``tmp_path / folder`` (default: ``name``), which must not
    exist yet: two copies in one test need two folder names, so two builds never
    share a source tree by accident.
    """
    source = ROOTS / f"test-{name}"
    if not source.is_dir():
        raise FileNotFoundError(f"no test root {source}")
    dest = tmp_path / (folder or name)
    if dest.exists():
        raise FileExistsError(f"{dest} exists; give this copy its own folder name")
    shutil.copytree(source, dest)
    return dest


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a file, failing unless ``old`` is there ``count`` times.

    An edit whose text is no longer in the file would leave the file alone, and
    the test would go on to check a rebuild that had nothing to do. The file's
    mtime is moved forward, so Sphinx sees the change even on a coarse clock.
    """
    text = path.read_text(encoding="utf-8")
    found = text.count(old)
    if found != count:
        raise AssertionError(
            f"edit of {path}: expected {old!r} {count} time(s), found it {found} time(s)"
        )
    before = path.stat().st_mtime_ns
    path.write_text(text.replace(old, new), encoding="utf-8")
    now = max(time.time_ns(), before + 1_000_000)
    os.utime(path, ns=(now, now))


def write_kb(dest: Path, theme: str = "basic", **sizes: Any) -> kbgen.KnowledgeBase:
    """Generate a knowledge base with tools/kbgen.py and write it as a project with the extension.

    ``sizes`` go to :func:`kbgen.generate` (``reflections``, ``pages``, ``authors``,
    ``tags``, ``events``); the result says what every page was made from.
    """
    kb = kbgen.generate(**sizes)
    kbgen.write_project(kb, dest, "extension", theme)
    return kb


# -- spies -------------------------------------------------------------------------------


class Call(NamedTuple):
    """One call a spy saw (for a method, ``args[0]`` is the instance)."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class Spy:
    """The calls of one patched function, which still does its job.

    A spy that no longer sees any call proves nothing: the code may have moved
    to another name and the test would count nothing forever. So every spy made
    with :func:`spy` must see at least one call in its test, or the test fails
    (checked by the ``pytest_runtest_call`` hook in conftest.py).
    """

    def __init__(self, owner: Any, name: str) -> None:
        self.owner = owner
        self.name = name
        self.calls: list[Call] = []
        self.total = 0  # every call in the test; ``reset`` leaves it alone

    def __repr__(self) -> str:
        owner = self.owner
        where = getattr(owner, "__qualname__", getattr(owner, "__name__", repr(owner)))
        if inspect.isclass(owner):
            where = f"{owner.__module__}.{where}"
        return f"<Spy {where}.{self.name}: {self.total} call(s)>"

    def record(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.calls.append(Call(args, kwargs))
        self.total += 1

    def reset(self) -> None:
        """Forget the calls seen so far (before the next build, say)."""
        self.calls.clear()

    def arg(self, index: int) -> list[Any]:
        """The positional argument ``index`` of every call since the last reset."""
        return [call.args[index] for call in self.calls]


_live_spies: list[Spy] | None = None  # the current test's spies; None outside a test


def start_spying() -> None:
    """A test begins (conftest.py, before its fixtures): spies may be made from now on."""
    global _live_spies
    _live_spies = []


def idle_spies() -> list[Spy]:
    """The current test's spies that have not seen a single call."""
    return [s for s in _live_spies or [] if s.total == 0]


def stop_spying() -> None:
    """The test is over (conftest.py, after its teardown)."""
    global _live_spies
    _live_spies = None


def spy(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> Spy:
    """Wrap ``owner.name`` (a function, method, static or class method) to record its calls.

    The wrapper calls the original, so the build goes on as usual; monkeypatch
    puts the original back after the test.
    """
    if _live_spies is None:
        raise RuntimeError("spy() works in tests collected with tests/conftest.py only")
    found = inspect.getattr_static(owner, name)
    record = Spy(owner, name)
    if isinstance(found, staticmethod | classmethod):
        original: Callable[..., Any] = found.__func__
    else:
        original = found
    if not callable(original):
        raise TypeError(f"{owner!r}.{name} is not callable")

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        record.record(args, kwargs)
        return original(*args, **kwargs)

    replacement: Any = wrapper
    if isinstance(found, staticmethod):
        replacement = staticmethod(wrapper)
    elif isinstance(found, classmethod):
        replacement = classmethod(wrapper)
    monkeypatch.setattr(owner, name, replacement)
    _live_spies.append(record)
    return record
