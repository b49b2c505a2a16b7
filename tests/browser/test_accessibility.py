"""axe-core, focus and overflow checks of the extension's HTML in real Chromium.

For each theme, page kind (reflection pages, the archive, author pages), colour
scheme and viewport, every page is loaded once (see ``audit`` in conftest.py).
"""

from __future__ import annotations

import pytest
from browser_support import (
    KINDS,
    SCHEMES,
    THEMES,
    VIEWPORTS,
    Audit,
    AuditFn,
    AxeHit,
    format_hits,
)

pytestmark = pytest.mark.browser

COMBOS = [
    pytest.param(theme, kind, scheme, viewport, id=f"{theme}-{kind}-{scheme}-{viewport}")
    for theme in THEMES
    for kind in KINDS
    for scheme in SCHEMES
    for viewport in VIEWPORTS
]
PHONE = [p for p in COMBOS if p.values[3] == "phone"]
ARGS = ("theme", "kind", "scheme", "viewport")


def loaded(result: Audit) -> None:
    """Fail on pages that did not load; the other checks would be vacuous."""
    broken = [f"{p.page}: {p.load_error}" for p in result.pages if p.load_error]
    if broken:
        pytest.fail("pages did not load:\n" + "\n".join(broken), pytrace=False)


def where(result: Audit) -> str:
    return f"{result.theme}, {result.kind} pages, {result.scheme} scheme, {result.viewport}"


@pytest.mark.parametrize(ARGS, COMBOS)
def test_components_pass_axe(
    audit: AuditFn, theme: str, kind: str, scheme: str, viewport: str
) -> None:
    """axe-core, restricted to the extension's components, finds nothing."""
    result = audit(theme, kind, scheme, viewport)
    loaded(result)
    bare = [p.page for p in result.pages if not p.components]
    assert not bare, f"no reflections-* component on {bare} ({where(result)})"
    hits: list[AxeHit] = [h for p in result.pages for h in p.component_hits]
    if hits:
        pytest.fail(
            f"{len(hits)} axe violations inside reflections-* components ({where(result)}):\n"
            + format_hits(hits),
            pytrace=False,
        )


@pytest.mark.parametrize(ARGS, COMBOS)
def test_page_adds_no_axe_violations(
    audit: AuditFn, theme: str, kind: str, scheme: str, viewport: str
) -> None:
    """A full-page axe run finds nothing beyond the stock theme's baseline."""
    result = audit(theme, kind, scheme, viewport)
    loaded(result)
    hits = [h for p in result.pages for h in p.page_hits]
    if hits:
        pytest.fail(
            f"{len(hits)} axe violations not in the stock {theme} baseline ({where(result)}):\n"
            + format_hits(hits),
            pytrace=False,
        )


@pytest.mark.parametrize(ARGS, COMBOS)
def test_focus_is_visible_on_component_links(
    audit: AuditFn, theme: str, kind: str, scheme: str, viewport: str
) -> None:
    """Every link inside a component looks different (outline/box-shadow) when focused."""
    result = audit(theme, kind, scheme, viewport)
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
    if problems:
        pytest.fail(
            f"{len(problems)} component links without a visible focus ({where(result)}):\n"
            + "\n".join(problems),
            pytrace=False,
        )


@pytest.mark.parametrize(ARGS, PHONE)
def test_no_horizontal_overflow_on_phone(
    audit: AuditFn, theme: str, kind: str, scheme: str, viewport: str
) -> None:
    """At 390 px nothing of ours is wider than the viewport, and the page does not scroll sideways."""
    result = audit(theme, kind, scheme, viewport)
    loaded(result)
    problems = []
    for page in result.pages:
        if page.scroll_width > page.inner_width + 1:
            problems.append(
                f"{page.page}: page scrolls sideways "
                f"(scrollWidth {page.scroll_width} > innerWidth {page.inner_width})"
            )
        for box in page.overflow:
            problems.append(
                f"{page.page}: {box['element']} in {box['in']} reaches x={box['right']} "
                f"(width {box['width']}): {box['html']}"
            )
    if problems:
        pytest.fail(
            f"horizontal overflow ({where(result)}):\n" + "\n".join(problems), pytrace=False
        )
