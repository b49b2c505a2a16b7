"""The test kit itself: root copies, checked edits and spies that cannot go idle."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import reflections_testutil as testutil
from reflections_testutil import ROOTS, copy_root, doctree_text, edit, spy

TESTS = Path(__file__).resolve().parent


def test_copy_root_is_a_fresh_private_copy(tmp_path: Path) -> None:
    src = copy_root("forms", tmp_path)
    assert src == tmp_path / "forms"
    assert sorted(p.name for p in src.iterdir()) == sorted(
        p.name for p in (ROOTS / "test-forms").iterdir()
    )
    assert copy_root("forms", tmp_path, "again") == tmp_path / "again"
    with pytest.raises(FileExistsError, match="own folder name"):
        copy_root("forms", tmp_path)
    with pytest.raises(FileNotFoundError):
        copy_root("no-such-root", tmp_path)


def test_edit_replaces_only_text_that_is_there(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("tags: [CX, AI]\nAI and AI\n", encoding="utf-8")
    os.utime(page, ns=(0, 0))
    edit(page, "tags: [CX, AI]", "tags: [CX]")
    assert page.read_text(encoding="utf-8") == "tags: [CX]\nAI and AI\n"
    assert page.stat().st_mtime_ns > 0  # moved forward: Sphinx sees the change

    with pytest.raises(AssertionError, match=r"expected 'missing' 1 time\(s\), found it 0"):
        edit(page, "missing", "x")
    with pytest.raises(AssertionError, match=r"expected 'AI' 1 time\(s\), found it 2"):
        edit(page, "AI", "ML")  # twice in the file: which one was meant?
    assert page.read_text(encoding="utf-8") == "tags: [CX]\nAI and AI\n"
    edit(page, "AI", "ML", count=2)
    assert page.read_text(encoding="utf-8") == "tags: [CX]\nML and ML\n"


class Target:
    """Something to spy on: a method, a static and a class method."""

    def method(self, value: int) -> int:
        return value + 1

    @staticmethod
    def static(value: int) -> int:
        return value * 2

    @classmethod
    def klass(cls, value: int) -> str:
        return f"{cls.__name__}:{value}"


def test_spy_records_and_calls_through(monkeypatch: pytest.MonkeyPatch) -> None:
    method = spy(monkeypatch, Target, "method")
    static = spy(monkeypatch, Target, "static")
    klass = spy(monkeypatch, Target, "klass")
    function = spy(monkeypatch, shutil, "which")
    target = Target()
    assert (target.method(1), Target.static(2), target.klass(3)) == (2, 4, "Target:3")
    assert Target.static(5) == 10
    assert method.calls == [testutil.Call((target, 1), {})]
    assert static.arg(0) == [2, 5] and klass.arg(0) == [Target]
    assert shutil.which("definitely-not-a-command-here", mode=os.X_OK) is None
    assert function.calls[0].kwargs == {"mode": os.X_OK}
    static.reset()
    assert static.calls == [] and static.total == 2
    assert repr(static).endswith("test_testutil.Target.static: 2 call(s)>")
    assert repr(function) == "<Spy shutil.which: 1 call(s)>"


IDLE_TESTS = """
import json

from reflections_testutil import spy


def test_idle(monkeypatch):
    spy(monkeypatch, json, "dumps")


def test_called(monkeypatch):
    dumps = spy(monkeypatch, json, "dumps")
    assert json.dumps([1]) == "[1]" and dumps.total == 1


def test_own_failure_comes_first(monkeypatch):
    spy(monkeypatch, json, "dumps")
    assert False, "the test's own failure"


def test_no_spies_left_from_earlier_tests():
    pass
"""


def test_an_idle_spy_fails_its_test(pytester: pytest.Pytester) -> None:
    # the same layout as the project: tests/ with the helpers, tools/ with the generator
    (pytester.path / "tests").mkdir()
    (pytester.path / "tools").mkdir()
    for name in ("conftest.py", "reflections_testutil.py"):
        shutil.copy(TESTS / name, pytester.path / "tests" / name)
    shutil.copy(TESTS.parent / "tools" / "kbgen.py", pytester.path / "tools" / "kbgen.py")
    (pytester.path / "tests" / "test_idle.py").write_text(IDLE_TESTS, encoding="utf-8")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "tests")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "spied on but never called: <Spy json.dumps: 0 call(s)>; *",
            "E       AssertionError: the test's own failure",
            "FAILED tests/test_idle.py::test_idle - Failed: spied on but never called*",
            "FAILED tests/test_idle.py::test_own_failure_comes_first - AssertionError*",
        ],
        consecutive=False,
    )


def test_spy_needs_the_conftest_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside a test run by tests/conftest.py nothing would check the spy: refuse it."""
    monkeypatch.setattr(testutil, "_live_spies", None)
    with pytest.raises(RuntimeError, match="conftest"):
        spy(monkeypatch, shutil, "which")


def test_doctree_text_keeps_facts_and_drops_bookkeeping() -> None:
    from docutils import nodes
    from docutils.utils import new_document
    from sphinx import addnodes

    tree = new_document("/somewhere/page.rst")
    para = nodes.paragraph(classes=["a", "b"])
    para += nodes.Text("and\x00 ")  # how rST keeps an escaped space
    para += addnodes.index(entries=[("single", "#CX", "id7", "", None)], inline=True)
    para += nodes.target(ids=["id7"])
    para += nodes.reference("", "", nodes.Text("x\u2009y"), refuri="../t.html", refdoc="pages/p")
    tree += nodes.section("", para, ids=["a-title"], names=["a title"])
    assert doctree_text(tree) == (
        "<document>\n"
        "    <section ids='a-title' names=\"['a title']\">\n"
        "        <paragraph classes='a b'>\n"
        "            'and'\n"
        "            <index entries=\"('single', '#CX', 'auto-1', '', None)\" inline='True'>\n"
        "            <target ids='auto-1'>\n"
        "            <reference refuri='../t.html'>\n"
        "                'x\\u2009y'\n"
    )
