#!/usr/bin/env python3
"""Check the stock-theme baselines of tests/browser against a plain Sphinx project.

Usage:
  tools/check_baselines.py SOURCE [--theme furo --theme sphinx_rtd_theme ...] [--write-extra]

Builds a copy of SOURCE (a Sphinx project *without* sphinx-reflections, e.g. the
shared sitecheck fixture) with each theme of the browser suite (default: all of
them), plus content a knowledge base has and a small fixture may lack: a page of
wide tables, a page of MyST prose (links in lists and a definition list, a long
code line) and a section nested two levels deep under the root document. Then runs
the same full-page axe-core run (light and dark, desktop and phone) and the same
vnu run as the browser suite over every page, and reports whatever the baselines in
tests/browser/baselines/ do not cover. A stock site must come out clean: that
proves the baseline keys are computed the same way as when the baselines were made,
and that they hold at phone width and for that extra content.

--write-extra regenerates tests/browser/baselines/axe-THEME-extra.json (picked up
by the suite next to axe-THEME.json) from the axe keys that the shared
axe-THEME.json does not cover (removing the file when there are none); review it
before committing.

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


# Prose a knowledge base has and the fixture lacks, in MyST (a project without
# myst-parser skips the file): links to documents in bullet and numbered lists and
# in a definition list, inline code there, and a code line wider than a phone.
# Themes whose link or code colour falls short of 4.5:1 (sphinx-rtd-theme) are
# flagged for each of these; the baseline key names the list around the link.
KB_PROSE = """\
---
orphan: true
---

# Knowledge-base prose

- {doc}`check-baselines-wide-tables`
- {doc}`check-baselines-wide-tables`

1. {doc}`check-baselines-wide-tables`
2. {doc}`check-baselines-wide-tables`

Term
: A definition with `inline code` and a link to {doc}`check-baselines-wide-tables`.

```markdown
A line of Markdown in a code block, much wider than a phone screen: `reflections_url_prefix`.
```
"""

# A section whose table of contents nests two levels deep, hooked into the root
# document: themes with a collapsible sidebar (pydata-sphinx-theme and
# sphinx-book-theme) draw a <details> toggle for an entry with children there.
NESTED = {
    "index": "Nested section\n==============\n\n.. toctree::\n\n   child-one\n   child-two\n",
    "child-one": "Child one\n=========\n\n.. toctree::\n\n   grandchild\n",
    "child-two": "Child two\n=========\n\nText.\n",
    "grandchild": "Grandchild\n==========\n\nText.\n",
}
NESTED_DIR = "check-baselines-nested"
ROOT_TOCTREE = {
    ".rst": f"\n\n.. toctree::\n   :hidden:\n\n   {NESTED_DIR}/index\n",
    ".md": f"\n\n```{{toctree}}\n:hidden:\n\n{NESTED_DIR}/index\n```\n",
}


def add_extra_pages(copy: Path) -> None:
    """Wide tables, knowledge-base prose, a nested section under the root document."""
    (copy / "check-baselines-wide-tables.rst").write_text(WIDE_TABLES, encoding="utf-8")
    (copy / "check-baselines-kb-prose.md").write_text(KB_PROSE, encoding="utf-8")
    root = next(
        (copy / f"index{ext}" for ext in ROOT_TOCTREE if (copy / f"index{ext}").is_file()), None
    )
    if root is None:
        print(f"check_baselines: no index.rst or index.md in {copy.name}, no nested section")
        return
    (copy / NESTED_DIR).mkdir()
    for name, text in NESTED.items():
        (copy / NESTED_DIR / f"{name}.rst").write_text(text, encoding="utf-8")
    with root.open("a", encoding="utf-8") as out:
        out.write(ROOT_TOCTREE[root.suffix])


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
    add_extra_pages(copy)
    site = scratch / f"site-{theme}"
    seconds = build_site(copy, site, theme)
    pages = all_pages(site)
    print(f"{theme}: built {len(pages)} pages in {seconds:.1f}s")

    vnu = run_vnu(site, pages, theme)
    print(f"{theme}: vnu {len(vnu.errors)} new, {vnu.suppressed} suppressed ({vnu.seconds:.1f}s)")
    if vnu.errors:
        print(format_vnu(vnu.errors))

    if write_extra:  # regenerate the extra file: judge by the shared baseline alone
        shared = json.loads((BASELINES / f"axe-{theme}.json").read_text(encoding="utf-8"))
        baseline = {entry["key"] for entry in shared.get("violations", [])}
    else:
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
                        for hit in hits_from(page.evaluate(AXE_PAGE_JS, [options, []]), rel):
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
    out = BASELINES / f"axe-{theme}-extra.json"
    if write_extra and not new and out.is_file():
        out.unlink()
        print(f"{theme}: removed {out} (nothing beyond axe-{theme}.json)")
    if write_extra and new:
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
        note = (
            f"stock {theme} findings beyond axe-{theme}.json (e.g. only at phone "
            f"width), from a plain build of {source.name}; made by tools/check_baselines.py"
        )
        if out.is_file():  # keep the explanation a reviewer wrote
            note = json.loads(out.read_text(encoding="utf-8")).get("note", note)
        data = {"note": note, "violations": entries}
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
