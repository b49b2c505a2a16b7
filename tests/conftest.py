"""Sphinx test roots for every test module, the shared build date, and the spy check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from pathlib import Path

import pytest

import reflections_testutil as testutil
from reflections_testutil import BUILD_DATE, BUILD_EPOCH, ROOTS

pytest_plugins = ("sphinx.testing.fixtures", "pytester")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture
def build_date(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Builds in this test happen on 2025-01-01 (``SOURCE_DATE_EPOCH``).

    "Upcoming" badges, calendar stamps and feed dates depend on the build date;
    fixed, two builds of the same sources give the same bytes, today and in a
    year. Use it with ``pytestmark = pytest.mark.usefixtures("build_date")``.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    return BUILD_DATE


# A spy (reflections_testutil.spy) that never sees a call proves nothing, so a test
# whose spies all stayed idle fails. The hooks wrap each test's phases: spies may be
# made from the start of setup, are checked right after the test function (so the
# failure is the test's own), and are forgotten after teardown.


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    testutil.start_spying()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    result = yield  # a test that failed already stops here, with its own error
    idle = testutil.idle_spies()
    if idle:
        pytest.fail(
            "spied on but never called: "
            + ", ".join(map(repr, idle))
            + "; the code no longer calls it there, so the spy counts nothing (point it "
            "at the function the code calls now)",
            pytrace=False,
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        testutil.stop_spying()
