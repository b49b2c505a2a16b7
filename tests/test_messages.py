"""Every message a writer can meet says exactly what ``messages.EXAMPLES`` (and so the guide) says.

Each example's ``before`` goes into a small knowledge base (the registries of
``messages``, an index listing ``essays/*``) and ``sphinx-reflections check``
must print exactly the example's lines for that file; with ``after`` it must
print nothing for it. ``people.yml`` examples each get a knowledge base of
their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinx_reflections.cli.check import run_check
from sphinx_reflections.messages import EVENTS, EXAMPLES, PEOPLE, TAGS, Example
from sphinx_reflections.warnings_ import ReflectionsWarning

CONF = """\
extensions = ["myst_parser", "sphinx_reflections"]
reflections_authors = "people.yml"
reflections_events = "events.yml"
exclude_patterns = ["_build"]
"""
INDEX = "# Knowledge base\n\n```{toctree}\n:glob:\n\nessays/*\n```\n"
PAGES = [e for e in EXAMPLES if e.file.endswith(".md") and not e.conf]
#: Examples with a knowledge base of their own: registry files, settings of the site.
OWN = [e for e in EXAMPLES if not e.file.endswith(".md") or e.conf]
#: Subtypes only whoever runs the site meets (conf.py, html_baseurl).
ADMIN_ONLY = {"config", "feed"}


def _project(root: Path, files: dict[str, str], conf: str = "") -> Path:
    root.mkdir(parents=True)
    base = {
        "conf.py": CONF + conf,
        "people.yml": PEOPLE,
        "events.yml": EVENTS,
        "tags.yml": TAGS,
        "index.md": INDEX,
    }
    for name, text in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _shown(root: Path) -> dict[str, list[str]]:
    """What check prints, per file: ``LINE[:COL]: subtype: message``."""
    found: dict[str, list[str]] = {}
    for item in run_check(root, 1).found:
        name = Path(item.path).resolve().relative_to(root.resolve()).as_posix()
        column = f":{item.column}" if item.column else ""
        found.setdefault(name, []).append(f"{item.line}{column}: {item.subtype}: {item.message}")
    return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """check's output for every page example, as written and as fixed."""
    base = tmp_path_factory.mktemp("messages")
    return {
        which: _shown(_project(base / which, {e.file: getattr(e, which) for e in PAGES}))
        for which in ("before", "after")
    }


def _id(example: Example) -> str:
    return f"{example.subtype}: {example.title}"


@pytest.mark.parametrize("example", PAGES, ids=_id)
def test_a_page_example_says_exactly_its_message(
    example: Example, pages: dict[str, dict[str, list[str]]]
) -> None:
    assert sorted(pages["before"].get(example.file, [])) == sorted(example.shows)
    assert pages["after"].get(example.file, []) == []


@pytest.mark.parametrize("example", OWN, ids=_id)
def test_an_example_of_its_own_says_exactly_its_message(example: Example, tmp_path: Path) -> None:
    files = {example.file: example.before}
    before = _shown(_project(tmp_path / "before", files, example.conf))
    assert sorted(before.get(example.file, [])) == sorted(example.shows)
    files = {example.file: example.after}
    after = _shown(_project(tmp_path / "after", files, example.conf))
    assert after.get(example.file, []) == []


def test_the_fixed_knowledge_base_is_clean(pages: dict[str, dict[str, list[str]]]) -> None:
    """Nothing else in the example project says anything (the examples do not leak)."""
    assert pages["after"] == {}
    assert set(pages["before"]) == {e.file for e in PAGES}


def test_every_subtype_a_writer_meets_has_an_example() -> None:
    subtypes = {kind.value for kind in ReflectionsWarning}
    assert {e.subtype for e in EXAMPLES} == subtypes - ADMIN_ONLY
    assert all(e.title and e.before != e.after and e.shows for e in EXAMPLES)
    titles = [_id(e) for e in EXAMPLES]
    assert len(titles) == len(set(titles))
