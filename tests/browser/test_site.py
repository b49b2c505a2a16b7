"""The extension's HTML in real Chromium (axe-core, focus, overflow) and in vnu.

One class per theme (``THEMES`` in browser_support.py), so that ``pytest -n auto
--dist loadscope`` (as ``make test`` runs it) keeps a theme's checks on one worker,
which builds and audits that site once, and spreads the themes over the workers.
Each test covers every page of one kind (reflection pages, the archive, author,
tag and event pages); ``audit`` in conftest.py loads each page once per viewport
and checks it in both colour schemes.
"""

from __future__ import annotations

import warnings
from typing import Any

import feedparser
import pytest
from browser_support import (
    FOCUS_JS,
    KINDS,
    OVERFLOW_JS,
    SCHEME_JS,
    SCHEMES,
    SCREENSHOTS,
    SETTLE_JS,
    THEME_SPECS,
    THEMES,
    VIEWPORTS,
    Audit,
    AuditFn,
    AxeHit,
    VnuFn,
    format_hits,
    format_vnu,
    hits_from,
)
from bs4 import BeautifulSoup

#: (current, other) computed styles of each tag link marked current in a listing and
#: an ordinary tag link next to it.
CURRENT_TAG_JS = """() => {
  const look = (a) => {
    const s = getComputedStyle(a);
    return {weight: Number(s.fontWeight), line: s.textDecorationLine, color: s.color};
  };
  return [...document.querySelectorAll('.reflections-list a[aria-current="page"]')]
    .filter((a) => a.querySelector('.reflections-hashtag'))
    .map((a) => {
      const line = a.closest('.reflections-byline-meta');
      const other = line && [...line.querySelectorAll('a')].find(
        (b) => !b.hasAttribute('aria-current') && b.querySelector('.reflections-hashtag'));
      return other ? [look(a), look(other)] : null;
    })
    .filter(Boolean);
}"""

COMBOS = [
    pytest.param(kind, scheme, viewport, id=f"{kind}-{scheme}-{viewport}")
    for kind in KINDS
    for scheme in SCHEMES
    for viewport in VIEWPORTS
]
PHONE = [p for p in COMBOS if p.values[2] == "phone"]
ARGS = ("kind", "scheme", "viewport")
SCREENS = [
    pytest.param(scheme, viewport, id=f"{scheme}-{viewport}")
    for scheme in SCHEMES
    for viewport in VIEWPORTS
]
FEED = "reflections/atom.xml"
# Chromium's own notice that it will drop XSLT (see the feeds how-to): not our markup
XSLT_BANNER = "xslt-warning-banner"
FEED_AXE_JS = """
async () => {
  const result = await axe.run({exclude: [['xslt-warning-banner']]}, {resultTypes: ['violations']});
  return result.violations;
}
"""


def soup(path: Any) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def loaded(result: Audit) -> None:
    """Fail on pages that did not load; the other checks would be vacuous."""
    broken = [f"{p.page}: {p.load_error}" for p in result.pages if p.load_error]
    if broken:
        pytest.fail("pages did not load:\n" + "\n".join(broken), pytrace=False)


def where(result: Audit) -> str:
    return f"{result.theme}, {result.kind} pages, {result.scheme} scheme, {result.viewport}"


def report(problems: list[str], what: str) -> None:
    """Fail with every problem listed (one line each), not just the first."""
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems), pytrace=False)


class SiteChecks:
    """Every check for one theme; subclasses name the theme."""

    theme = ""

    @pytest.mark.browser
    @pytest.mark.parametrize(ARGS, COMBOS)
    def test_components_pass_axe(
        self, audit: AuditFn, kind: str, scheme: str, viewport: str
    ) -> None:
        """axe-core, restricted to the extension's components, finds nothing."""
        result = audit(self.theme, kind, scheme, viewport)
        loaded(result)
        bare = [p.page for p in result.pages if not p.components]
        assert not bare, f"no reflections-* component on {bare} ({where(result)})"
        hits: list[AxeHit] = [h for p in result.pages for h in p.component_hits]
        if hits:
            pytest.fail(
                f"{len(hits)} axe violations inside reflections-* components "
                f"({where(result)}):\n" + format_hits(hits),
                pytrace=False,
            )

    @pytest.mark.browser
    @pytest.mark.parametrize(ARGS, COMBOS)
    def test_page_adds_no_axe_violations(
        self, audit: AuditFn, kind: str, scheme: str, viewport: str
    ) -> None:
        """A full-page axe run finds nothing beyond the stock theme's baseline."""
        result = audit(self.theme, kind, scheme, viewport)
        loaded(result)
        hits = [h for p in result.pages for h in p.page_hits]
        if hits:
            pytest.fail(
                f"{len(hits)} axe violations not in the stock {self.theme} baseline "
                f"({where(result)}):\n" + format_hits(hits),
                pytrace=False,
            )

    @pytest.mark.browser
    @pytest.mark.parametrize(ARGS, COMBOS)
    def test_focus_is_visible_on_component_links(
        self, audit: AuditFn, kind: str, scheme: str, viewport: str
    ) -> None:
        """Every link inside a component looks different (outline/box-shadow) when focused."""
        result = audit(self.theme, kind, scheme, viewport)
        loaded(result)
        problems = []
        for page in result.pages:
            for link in page.focus:
                if not link["focused"]:
                    problems.append(f"{page.page}: cannot take focus: {link['link']}")
                elif not link["visible"]:
                    problems.append(
                        f"{page.page}: no visible focus on {link['text']!r}: {link['link']}\n"
                        f"    unfocused: {link['before']}\n      focused: {link['after']}"
                    )
        report(problems, f"component links without a visible focus ({where(result)})")

    @pytest.mark.browser
    @pytest.mark.parametrize(ARGS, COMBOS)
    def test_page_shows_the_color_scheme(
        self, audit: AuditFn, kind: str, scheme: str, viewport: str
    ) -> None:
        """The dark run really is dark where the theme has a dark mode, and light where not.

        A theme with a dark mode must show it under ``prefers-color-scheme: dark``
        (pydata-style themes by setting ``<html data-theme>``), else the dark run
        would check the light colours twice. A theme without one (alabaster,
        sphinx-rtd-theme) must stay light: then the dark run checks that nothing
        of ours breaks or turns dark on its own.
        """
        result = audit(self.theme, kind, scheme, viewport)
        loaded(result)
        mode = THEME_SPECS[self.theme].dark_mode
        dark = scheme == "dark" and mode != "none"
        problems = []
        for page in result.pages:
            if mode == "data-theme" and page.data_theme != scheme:
                problems.append(f'{page.page}: <html data-theme="{page.data_theme}">')
            if (page.luminance > 0.2) if dark else (page.luminance < 0.5):
                problems.append(
                    f"{page.page}: the first component sits on {page.backdrop} "
                    f"(relative luminance {page.luminance})"
                )
        colours = "dark" if dark else "light"
        report(
            problems,
            f"pages without the {colours} colours of {self.theme} "
            f"(dark mode: {mode}; {where(result)})",
        )

    @pytest.mark.browser
    @pytest.mark.parametrize(ARGS, PHONE)
    def test_no_horizontal_overflow_on_phone(
        self, audit: AuditFn, kind: str, scheme: str, viewport: str
    ) -> None:
        """At 390 px nothing of ours is wider than the viewport or makes the page scroll sideways.

        A page that scrolls sideways just as much with every component hidden does so
        because of its own content; that is reported as a warning, not a failure.
        """
        result = audit(self.theme, kind, scheme, viewport)
        loaded(result)
        problems = []
        for page in result.pages:
            for box in page.overflow:
                problems.append(
                    f"{page.page}: {box['element']} in {box['in']} reaches x={box['right']} "
                    f"(width {box['width']}): {box['html']}"
                )
            if page.scroll_width <= page.inner_width + 1:
                continue
            sideways = (
                f"{page.page}: page scrolls sideways (scrollWidth {page.scroll_width} > "
                f"innerWidth {page.inner_width}; {page.scroll_width_without_ours} with the "
                f"reflections-* components hidden; starts at {page.overflow_culprits})"
            )
            if page.scroll_width > page.scroll_width_without_ours + 1:
                problems.append(sideways)
            else:  # the page's own content (a wide table in alabaster): not ours
                warnings.warn(sideways, stacklevel=1)
        report(problems, f"pages with horizontal overflow ({where(result)})")

    @pytest.mark.browser
    @pytest.mark.parametrize("status", ["cancelled", "moved-online"])
    def test_event_status_badges_are_audited(self, sites: Any, status: str) -> None:
        """A reflection page and an event page with each status badge are among those checked.

        The showcase's first reflection page (the one the screenshots show) has both.
        """
        site = sites.get(self.theme)
        found = {
            kind: [
                rel
                for rel in site.pages[kind]
                if soup(site.root / rel).select_one(f".reflections-event-status-{status}")
            ]
            for kind in ("reflection", "event")
        }
        assert found["reflection"] and found["event"], found
        assert site.pages["reflection"][0] in found["reflection"]

    @pytest.mark.browser
    @pytest.mark.parametrize(("scheme", "viewport"), SCREENS)
    def test_feed_reads_as_a_page(
        self, sites: Any, browser: Any, axe_source: str, scheme: str, viewport: str
    ) -> None:
        """The site's Atom feed, opened in Chromium, reads as a page (its XSLT stylesheet).

        It says what a feed is and how to subscribe, links every entry, follows the
        colour scheme, passes axe, takes focus visibly and does not scroll sideways
        on a phone. Chromium adds a banner of its own saying that XSLT is on its way
        out: it is left out of the axe run and taken away for the screenshot.
        """
        site = sites.get(self.theme)
        feed = feedparser.parse((site.root / FEED).read_bytes())
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            response = page.goto(site.url + FEED, wait_until="load")
            assert response is not None and response.status == 200
            assert page.locator("h1").inner_text() == feed.feed.title
            assert page.locator("#about-feeds").inner_text() == "This is a web feed"
            assert page.locator(".about code").inner_text() == feed.feed.links[0].href
            links = page.locator("ol.entries > li h3 a")
            assert links.all_inner_texts() == [e.title for e in feed.entries]
            assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
                e.link for e in feed.entries
            ]
            page.evaluate(axe_source)
            hits = hits_from(page.evaluate(FEED_AXE_JS), FEED)
            assert not hits, format_hits(hits)
            shown = page.evaluate(SCHEME_JS, ["main"])
            assert (shown["luminance"] < 0.2) if scheme == "dark" else (shown["luminance"] > 0.5)
            focus = page.evaluate(FOCUS_JS, ["main"])
            assert focus and all(link["visible"] for link in focus), focus
            overflow = page.evaluate(OVERFLOW_JS, ["main"])
            assert overflow["scrollWidth"] <= overflow["innerWidth"] + 1, overflow
            assert not overflow["offenders"], overflow
            page.evaluate(f"document.querySelector('{XSLT_BANNER}')?.remove()")
            shot = SCREENSHOTS / f"{self.theme}-feed-{scheme}-{viewport}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()

    @pytest.mark.browser
    def test_reader_features_are_audited(self, sites: Any) -> None:
        """The pages checked include a piece with its series line and related reflections,
        the series page, a paginated tag page (page 1 and a later page) and a later
        page of the archive."""
        site = sites.get(self.theme)
        pieces = [
            rel
            for rel in site.pages["reflection"]
            if soup(site.root / rel).select_one(".reflections-series")
            and soup(site.root / rel).select_one(".reflections-related")
        ]
        assert pieces, site.pages["reflection"]
        assert site.pages["series"] == ["reflections/series/complaints.html"]
        assert "reflections/page-2.html" in site.pages["paginated"]
        assert any(p.startswith("reflections/tags/") for p in site.pages["paginated"])
        assert any(
            soup(site.root / rel).select_one(".reflections-pagination") for rel in site.pages["tag"]
        )

    @pytest.mark.browser
    @pytest.mark.parametrize("scheme", SCHEMES)
    def test_a_tag_page_marks_its_own_tag(self, sites: Any, browser: Any, scheme: str) -> None:
        """On a tag's page its own tag is marked current: bold, underlined, in the link colour.

        Not a plain word among links (it used to be one, in the text colour), which
        readers took for a broken link.
        """
        site = sites.get(self.theme)
        context = browser.new_context(
            viewport=dict(zip(("width", "height"), VIEWPORTS["desktop"], strict=True))
        )
        try:
            page = context.new_page()
            page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
            found = []
            for rel in site.pages["tag"]:
                page.goto(site.url + rel, wait_until="load")
                page.evaluate(SETTLE_JS)
                found = page.evaluate(CURRENT_TAG_JS)
                if found:
                    break
        finally:
            context.close()
        assert found, f"no tag page of the {self.theme} site marks its own tag"
        for current, other in found:
            assert current["weight"] >= 600 > other["weight"], (current, other)
            assert "underline" in current["line"], current
            assert current["color"] == other["color"], (current, other)  # the link colour

    @pytest.mark.vnu
    @pytest.mark.parametrize("kind", KINDS)
    def test_vnu_finds_no_new_errors(self, vnu: VnuFn, kind: str) -> None:
        """The Nu Html Checker finds no errors beyond the stock theme's."""
        site, report = vnu(self.theme)
        pages = set(site.pages[kind])
        if not pages:
            pytest.fail(f"the {self.theme} build has no {kind} pages", pytrace=False)
        errors = [e for e in report.errors if e.page in pages]
        if errors:
            pytest.fail(
                f"vnu: {len(errors)} errors on {self.theme} {kind} pages "
                f"({report.suppressed} stock-theme errors suppressed):\n" + format_vnu(errors),
                pytrace=False,
            )


class TestAlabaster(SiteChecks):
    theme = "alabaster"


class TestFuro(SiteChecks):
    theme = "furo"


class TestPydataSphinxTheme(SiteChecks):
    theme = "pydata_sphinx_theme"


class TestSphinxBookTheme(SiteChecks):
    theme = "sphinx_book_theme"


class TestSphinxRtdTheme(SiteChecks):
    theme = "sphinx_rtd_theme"


def test_every_theme_has_a_class() -> None:
    """A theme added to ``THEMES`` (and its baselines) gets a test class here too."""
    classes = sorted(cls.theme for cls in SiteChecks.__subclasses__())
    assert classes == sorted(THEMES)
