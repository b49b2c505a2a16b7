"""The Nu Html Checker (vnu.jar) finds no errors beyond the stock theme's."""

from __future__ import annotations

import pytest
from browser_support import KINDS, THEMES, VnuFn, format_vnu

pytestmark = pytest.mark.vnu


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("theme", THEMES)
def test_vnu_finds_no_new_errors(vnu: VnuFn, theme: str, kind: str) -> None:
    site, report = vnu(theme)
    pages = set(site.pages[kind])
    if not pages:
        pytest.fail(f"the {theme} build has no {kind} pages", pytrace=False)
    errors = [e for e in report.errors if e.page in pages]
    if errors:
        pytest.fail(
            f"vnu: {len(errors)} errors on {theme} {kind} pages "
            f"({report.suppressed} stock-theme errors suppressed):\n" + format_vnu(errors),
            pytrace=False,
        )
