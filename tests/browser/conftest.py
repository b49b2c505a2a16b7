"""Fixtures of the browser suite: built sites, their servers, one Chromium, cached audits.

Every site is built once per test session (per xdist worker) and theme, served by
its own ``python -m http.server``; one Chromium serves the whole session. With
``--dist loadscope`` (as ``make test`` runs it) all tests of one theme (one class
in test_site.py) go to the same worker, so each theme is built and audited once.
(``--dist loadgroup`` would be the natural choice, but xdist 3.8 cannot rename
node ids under pytest 9.2, so its groups are silently ignored.)
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# browser_support sits next to this file; found in any pytest import mode
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_support import (
    AXE_JS,
    AXE_PAGE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    COMPONENTS,
    FOCUS_JS,
    OVERFLOW_JS,
    PRESENT_JS,
    SCHEME_JS,
    SCHEMES,
    SCREENSHOTS,
    SETTLE_JS,
    VIEWPORTS,
    VNU_JAR,
    Audit,
    AuditFn,
    BuildError,
    PageAudit,
    Site,
    VnuFn,
    VnuReport,
    axe_key,
    build_site,
    discover_pages,
    hits_from,
    in_ci,
    java,
    load_axe_baseline,
    run_vnu,
    serve,
    site_source,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

HERE = Path(__file__).resolve().parent
AXE_OPTIONS: dict[str, Any] = {"resultTypes": ["violations"]}


def need(ok: bool, reason: str) -> None:
    """Skip when a tool is missing locally; on CI (CI=true) that is a failure."""
    if ok:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- sites


class Sites:
    """Builds and serves one site per theme on first use; remembers failures too."""

    def __init__(self, scratch: Path, stack: contextlib.ExitStack) -> None:
        self._scratch = scratch
        self._stack = stack
        self._source: Path | None = None
        self._done: dict[str, Site | str] = {}

    @property
    def source(self) -> Path:
        if self._source is None:
            self._source = site_source(self._scratch)
        return self._source

    def get(self, theme: str) -> Site:
        if theme not in self._done:
            need(importlib.util.find_spec(theme) is not None, f"theme {theme} is not installed")
            outdir = self._scratch / f"site-{theme}"
            try:
                seconds = build_site(self.source, outdir, theme)
            except BuildError as exc:
                self._done[theme] = str(exc)
            else:
                url = self._stack.enter_context(serve(outdir))
                self._done[theme] = Site(theme, outdir, url, discover_pages(outdir), seconds)
        done = self._done[theme]
        if isinstance(done, str):
            pytest.fail(done, pytrace=False)
        return done


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    with contextlib.ExitStack() as stack:
        yield Sites(tmp_path_factory.mktemp("reflections-sites"), stack)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    need(CHROMIUM.is_file(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    need(AXE_JS.is_file(), f"axe-core not found at {AXE_JS} (run `make node_modules`)")
    need(
        importlib.util.find_spec("playwright") is not None,
        "python playwright is not installed (pip install -e '.[test]'; never `playwright install`)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    need(AXE_JS.is_file(), f"axe-core not found at {AXE_JS} (run `make node_modules`)")
    return AXE_JS.read_text(encoding="utf-8")


def _check_scheme(page: Any, rel: str, scheme: str, baseline: set[str]) -> PageAudit:
    """Run every check on the loaded page (axe already injected) in one colour scheme."""
    result = PageAudit(page=rel)
    result.components = page.evaluate(PRESENT_JS, list(COMPONENTS))
    for hit in hits_from(page.evaluate(AXE_PAGE_JS, [AXE_OPTIONS, list(COMPONENTS)]), rel):
        hit.key = axe_key(scheme, hit.rule, hit.key, rel)
        if hit.component:  # judged without a baseline
            result.component_hits.append(hit)
        if hit.key in baseline:
            result.suppressed += 1
        else:
            result.page_hits.append(hit)
    overflow = page.evaluate(OVERFLOW_JS, list(COMPONENTS))
    result.scroll_width = overflow["scrollWidth"]
    result.scroll_width_without_ours = overflow["withoutOurs"]
    result.inner_width = overflow["innerWidth"]
    result.overflow_culprits = overflow["culprits"]
    result.overflow = overflow["offenders"]
    result.focus = page.evaluate(FOCUS_JS, list(COMPONENTS))
    shown = page.evaluate(SCHEME_JS, list(COMPONENTS))
    result.data_theme = shown["dataTheme"]
    result.backdrop = shown["backdrop"]
    result.luminance = shown["luminance"]
    return result


@pytest.fixture(scope="session")
def audit(sites: Sites, browser: Browser, axe_source: str) -> AuditFn:
    """``audit(theme, kind, scheme, viewport)``: every page of a kind, checked once.

    The first call for a theme and viewport checks the pages of every kind in one
    browser context (a new context per kind costs a cold renderer, caches and
    script compilation: about a quarter of the time). Each page is loaded once and
    checked in both colour schemes (``emulate_media`` applies live).
    """
    cache: dict[tuple[str, str, str, str], Audit] = {}

    def run_viewport(site: Site, viewport: str) -> None:
        theme = site.theme
        baseline = load_axe_baseline(theme)
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            for kind, pages in site.pages.items():
                start = time.monotonic()
                results = {s: Audit(theme, kind, s, viewport) for s in SCHEMES}
                for index, rel in enumerate(pages):
                    page.emulate_media(color_scheme=SCHEMES[0])  # type: ignore[arg-type]
                    response = page.goto(site.url + rel, wait_until="load")
                    if response is None or response.status >= 400:
                        error = f"HTTP {response.status if response else 'no response'}"
                        for result in results.values():
                            result.pages.append(PageAudit(page=rel, load_error=error))
                        continue
                    page.evaluate(axe_source)  # evaluate, not a <script> tag: CSP cannot block it
                    for scheme in SCHEMES:
                        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
                        page.evaluate(SETTLE_JS)
                        result = results[scheme]
                        if index == 0:
                            result.screenshot = (
                                SCREENSHOTS / f"{theme}-{kind}-{scheme}-{viewport}.png"
                            )
                            result.screenshot.parent.mkdir(parents=True, exist_ok=True)
                            page.screenshot(path=str(result.screenshot), full_page=True)
                        result.pages.append(_check_scheme(page, rel, scheme, baseline))
                seconds = time.monotonic() - start
                for scheme, result in results.items():
                    result.seconds = seconds
                    cache[theme, kind, scheme, viewport] = result
        finally:
            context.close()

    def run(theme: str, kind: str, scheme: str, viewport: str) -> Audit:
        site = sites.get(theme)
        if not site.pages[kind]:
            pytest.fail(
                f"the {theme} build of {sites.source} has no {kind} pages "
                f"(found: { {k: len(v) for k, v in site.pages.items()} })",
                pytrace=False,
            )
        if (theme, kind, scheme, viewport) not in cache:
            run_viewport(site, viewport)
        return cache[theme, kind, scheme, viewport]

    return run


# --------------------------------------------------------------------------- vnu


@pytest.fixture(scope="session")
def vnu(sites: Sites) -> VnuFn:
    """``vnu(theme)``: one Nu Html Checker run over every checked page of that build."""
    need(java() is not None, "java not found (apt-get install default-jre-headless)")
    need(VNU_JAR.is_file(), f"vnu.jar not found at {VNU_JAR} (run `make node_modules`)")
    cache: dict[str, tuple[Site, VnuReport]] = {}

    def run(theme: str) -> tuple[Site, VnuReport]:
        if theme not in cache:
            site = sites.get(theme)
            checked = [rel for rels in site.pages.values() for rel in rels]
            if not checked:
                pytest.fail(f"the {theme} build has no pages to validate", pytrace=False)
            cache[theme] = (site, run_vnu(site.root, checked, theme))
        return cache[theme]

    return run
