"""Helpers shared by the tests (a module of its own: every conftest is named conftest)."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

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


# -- doctrees ------------------------------------------------------------------------------

SNAPSHOTS = TESTS / "snapshots"

# Not facts about the page: where the file is, Sphinx's own bookkeeping, the reading document.
_DROPPED = frozenset({"source", "translation_progress", "refdoc", "docname"})
_AUTO_ID = re.compile(r"(id|index-)\d+")


def resolved_doctree(app: Any, docname: str) -> nodes.document:
    """A document as the builder writes it: references, toctrees and our nodes resolved."""
    try:  # Sphinx 9 wants the builder's tags; 8.1 does not know the argument
        return app.env.get_and_resolve_doctree(docname, app.builder, tags=app.builder.tags)
    except TypeError:
        return app.env.get_and_resolve_doctree(docname, app.builder)


def doctree_text(tree: nodes.Node) -> str:
    """A doctree as stable text, for comparing two trees and for snapshot files.

    Like ``pformat()``, but independent of the Docutils version's formatting and of
    where and when the page was read: attributes are sorted and written the same way
    everywhere; ``source``, Sphinx's ``translation_progress`` and the docname
    (``refdoc``) are left out, as are line numbers (they are no attributes); the
    counter-made ids (``id3``, ``index-0``) become ``auto-1``, ``auto-2``... in order
    of appearance, so a tree keeps saying which target an index entry points to
    without depending on how many ids the parser made before. Text is written as
    a Python string literal: invisible characters (thin spaces) show.
    """
    autos: dict[str, str] = {}

    def auto(value: str) -> str:
        if not _AUTO_ID.fullmatch(value):
            return value
        return autos.setdefault(value, f"auto-{len(autos) + 1}")

    def value_text(key: str, value: Any) -> str:
        if key in ("ids", "backrefs"):
            return " ".join(auto(v) for v in value)
        if key == "refid":
            return auto(value)
        if key == "entries":  # index entries: (kind, text, target id, main, key)
            return "; ".join(repr((e[0], e[1], auto(e[2]), *e[3:])) for e in value)
        if isinstance(value, list):  # space-separated, unless a name has a space in it
            items = [str(v) for v in value]
            return repr(items) if any(" " in v for v in items) else " ".join(items)
        return str(value)

    lines: list[str] = []

    def walk(node: nodes.Node, depth: int) -> None:
        pad = "    " * depth
        if isinstance(node, nodes.Text):  # astext: rST keeps escapes as NULs in the node
            lines.append(pad + repr(node.astext()))
            return
        assert isinstance(node, nodes.Element)
        attrs = [
            f"{key}={value_text(key, value)!r}"
            for key, value in sorted(node.attributes.items())
            if key not in _DROPPED and value not in (None, [])
        ]
        lines.append(pad + "<" + " ".join([node.tagname, *attrs]) + ">")
        for child in node.children:
            walk(child, depth + 1)

    walk(tree, 0)
    return "\n".join(lines) + "\n"


def check_snapshot(name: str, text: str, header: str = "") -> None:
    """``text`` must equal ``tests/snapshots/<name>``; ``UPDATE_SNAPSHOTS=1`` writes it.

    A snapshot is written only on request, and then read by a person before it
    is committed: it records what the code does, which is not yet what it should do.
    The run that writes skips the test, so it cannot pass for a check.
    """
    path = SNAPSHOTS / name
    content = (f"# {header}\n" if header else "") + text
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        pytest.skip(f"wrote {path.relative_to(TESTS)}: read it before committing it")
    if not path.is_file():
        pytest.fail(
            f"no snapshot {path}; write it with UPDATE_SNAPSHOTS=1 and read it", pytrace=False
        )
    expected = path.read_text(encoding="utf-8")
    if expected != content:
        import difflib

        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), content.splitlines(), str(path), "this build", lineterm=""
            )
        )
        raise AssertionError(
            f"doctree differs from {path.name} (UPDATE_SNAPSHOTS=1 rewrites it):\n{diff}"
        )


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
    puts the original back after the test. Make spies in the test (or a
    function-scoped fixture) and build serially: calls in ``-j`` workers happen in
    other processes and are not seen.
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
