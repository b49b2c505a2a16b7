"""Sphinx test roots for every test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflections_testutil import ROOTS

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS
