"""Helpers shared by the tests (a module of its own: every conftest is named conftest)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

ROOTS = Path(__file__).parent / "roots"


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
