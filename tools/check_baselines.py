#!/usr/bin/env python3
"""Check the stock-theme baselines of tests/browser against a plain Sphinx project.

Usage:
  tools/check_baselines.py SOURCE [--theme alabaster --theme furo] [--write-extra]

Builds a copy of SOURCE (a Sphinx project *without* sphinx-reflections, e.g. the
shared sitecheck fixture), plus one page of wide tables, with each theme, then runs the same full-page axe-core run
(light and dark, desktop and phone) and the same vnu run as the browser suite over
every page, and reports whatever the baselines in tests/browser/baselines/ do not
cover. A stock site must come out clean: that proves the baseline keys are computed
the same way as when the baselines were made, and that they hold at phone width.

--write-extra writes the uncovered axe keys of each theme to
tests/browser/baselines/axe-THEME-extra.json (picked up by the suite next to
axe-THEME.json); review it before committing.

Exit: 0 clean, 1 findings, 2 tool missing. Run it with the project's venv python.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from browser_support import (
    AXE_JS,
    AXE_PAGE_JS,
    BASELINES,
    CHROMIUM,
    CHROMIUM_ARGS,
    SCHEMES,
    SETTLE_JS,
    THEMES,
    VIEWPORTS,
    VNU_JAR,
    axe_key,
    build_site,
    format_hits,
    format_vnu,
    hits_from,
    java,
    load_axe_baseline,
    run_vnu,
    serve,
)

# Content a knowledge base has and a small fixture may lack: tables wider than a
# phone (furo wraps them in a scroll box, alabaster lets the page scroll).
WIDE_TABLES = """\
:orphan:

Wide tables
===========

.. list-table:: Escalation lines
   :header-rows: 1
   :widths: auto

   * - Line
     - Who
     - Solves
     - Reply to customer within
   * - First line
     - Agents_on_phone_chat_and_email
     - Questions_answered_by_this_knowledge_base
     - During_the_contact

=====================  =========================  =======================
Simple table           With several columns       That are wide
=====================  =========================  =======================
Averyveryverylongword  Anotherveryverylongword    Yetanotherverylongword
=====================  =========================  =======================
"""


def all_pages(site: Path) -> list[str]:
    skip = {"_sources", "_static", "_images"}
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] not in skip
    )


def check_theme(source: Path, theme: str, scratch: Path, write_extra: bool) -> int:
    from playwright.sync_api import sync_playwright

    copy = scratch / f"src-{theme}"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("_build"))
    (copy / "check-baselines-wide-tables.rst").write_text(WIDE_TABLES, encoding="utf-8")
    site = scratch / f"site-{theme}"
    seconds = build_site(copy, site, theme)
    pages = all_pages(site)
    print(f"{theme}: built {len(pages)} pages in {seconds:.1f}s")

    vnu = run_vnu(site, pages, theme)
    print(f"{theme}: vnu {len(vnu.errors)} new, {vnu.suppressed} suppressed ({vnu.seconds:.1f}s)")
    if vnu.errors:
        print(format_vnu(vnu.errors))

    baseline = load_axe_baseline(theme)
    axe = AXE_JS.read_text(encoding="utf-8")
    options = {"resultTypes": ["violations"]}
    new: dict[str, list[object]] = {}
    start = time.monotonic()
    with serve(site) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for viewport, (width, height) in VIEWPORTS.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                for rel in pages:
                    page.emulate_media(color_scheme="light")
                    page.goto(url + rel, wait_until="load")
                    page.evaluate(axe)
                    for scheme in SCHEMES:
                        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
                        page.evaluate(SETTLE_JS)
                        for hit in hits_from(page.evaluate(AXE_PAGE_JS, options), rel):
                            hit.key = axe_key(scheme, hit.rule, hit.key, rel)
                            if hit.key not in baseline:
                                hit.page = f"{rel} ({viewport}, {scheme})"
                                new.setdefault(hit.key, []).append(hit)
                context.close()
        finally:
            browser.close()
    hits = [h for group in new.values() for h in group]
    print(
        f"{theme}: axe {len(hits)} new nodes under {len(new)} keys "
        f"({time.monotonic() - start:.1f}s)"
    )
    if hits:
        print(format_hits(hits))  # type: ignore[arg-type]
    if write_extra and new:
        out = BASELINES / f"axe-{theme}-extra.json"
        entries = [
            {
                "key": key,
                "rule": group[0].rule,  # type: ignore[attr-defined]
                "example": group[0].page,  # type: ignore[attr-defined]
                "html": group[0].html,  # type: ignore[attr-defined]
                "summary": group[0].summary.splitlines()[-1:],  # type: ignore[attr-defined]
                "count": len(group),
            }
            for key, group in sorted(new.items())
        ]
        data = {
            "note": f"stock {theme} findings beyond axe-{theme}.json (e.g. only at phone "
            f"width), from a plain build of {source.name}; made by tools/check_baselines.py",
            "violations": entries,
        }
        out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{theme}: wrote {out}")
    return len(vnu.errors) + len(hits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a Sphinx source dir (has conf.py)")
    parser.add_argument("--theme", action="append", choices=THEMES)
    parser.add_argument("--write-extra", action="store_true")
    args = parser.parse_args()
    missing = [str(p) for p in (CHROMIUM, AXE_JS, VNU_JAR) if not p.is_file()] + (
        [] if java() else ["java"]
    )
    if missing:
        print("check_baselines: missing " + ", ".join(missing), file=sys.stderr)
        return 2
    findings = 0
    with tempfile.TemporaryDirectory(prefix="reflections-baselines-") as scratch:
        for theme in args.theme or THEMES:
            findings += check_theme(args.source.resolve(), theme, Path(scratch), args.write_extra)
    print(f"check_baselines: {'OK' if not findings else 'FAIL'} {findings} uncovered findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
