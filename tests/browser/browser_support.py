"""Plain helpers of the browser suite: tools, site builds, page discovery, baseline keys.

Nothing here imports pytest or playwright, so the helpers can be reused by scripts
in ``tools/``. The fixtures that drive them live in ``conftest.py`` next to this file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BASELINES = HERE / "baselines"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(os.environ.get("AXE_JS", REPO / "node_modules" / "axe-core" / "axe.min.js"))
VNU_JAR = Path(
    os.environ.get("VNU_JAR", REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # only the local http.server resolves: CDN assets fail at once instead of hanging
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


@dataclass(frozen=True)
class Theme:
    """A theme the suite checks the site in, and how that theme does dark mode.

    ``dark_mode`` says what ``prefers-color-scheme: dark`` does to the theme:

    * ``"none"``: nothing, the theme has no dark mode (the dark run checks that
      nothing of ours breaks or turns dark on its own);
    * ``"media"``: the theme's CSS switches by media query (furo's default "auto");
    * ``"data-theme"``: the theme's script follows the media query in its default
      "auto" mode and sets ``<html data-theme="dark">`` (pydata-sphinx-theme and
      themes built on it).
    """

    name: str  # html_theme, and the module that must be importable
    dist: str  # the distribution on PyPI
    dark_mode: str


THEME_SPECS: dict[str, Theme] = {
    spec.name: spec
    for spec in (
        Theme("alabaster", "alabaster", "none"),
        Theme("furo", "furo", "media"),
        Theme("pydata_sphinx_theme", "pydata-sphinx-theme", "data-theme"),
        Theme("sphinx_book_theme", "sphinx-book-theme", "data-theme"),
        Theme("sphinx_rtd_theme", "sphinx-rtd-theme", "none"),
    )
}
THEMES = tuple(THEME_SPECS)
SCHEMES = ("light", "dark")
VIEWPORTS: dict[str, tuple[int, int]] = {"desktop": (1280, 900), "phone": (390, 844)}
KINDS = ("reflection", "archive", "author", "tag", "event", "series", "paginated")

# The stable HTML hooks of SPEC section 6: what the extension itself renders.
COMPONENTS = (
    ".reflections-byline",
    ".reflections-author-card",
    ".reflections-list",
    ".reflections-event",
    ".reflections-event-list",
    ".reflections-hashtag",
    ".reflections-mention",
    ".reflections-hashtag-cloud",
    ".reflections-pages",  # a tag page's "Other pages" (a tag only ordinary pages use)
    ".reflections-related",
    ".reflections-series",
    ".reflections-pagination",
)

URL_PREFIX = "reflections"


def in_ci() -> bool:
    """True on the CI runner, where a missing tool is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def java() -> str | None:
    return shutil.which(os.environ.get("JAVA", "java"))


# --------------------------------------------------------------------------- sources


DEMO_CONF = '''\
"""Stand-in knowledge base, used while docs/conf.py does not exist yet."""

project = "Reflections browser check"
author = "The sphinx-reflections developers"
extensions = ["myst_parser", "sphinx_reflections"]
exclude_patterns = ["_build"]
reflections_authors = {
    "jenny": {"name": "Jenny Exempel", "role": "Marknadsdirektör"},
}
reflections_events = {
    "kundresan-2023": {
        "name": "Kundresan 2023",
        "start": "2023-05-24",
        "location": "Stockholm",
        "hashtag": "Kundresan2023",
    },
}
'''

DEMO_INDEX = """\
# Knowledge base

Stand-in pages for the browser checks.

```{toctree}
:maxdepth: 1

twenty-years
second-thoughts
```
"""

DEMO_REFLECTION = """\
---
reflection:
  author: jenny
  date: 2023-05-29
  category: Leadership
  tags: [CX]
  event: kundresan-2023
---
# Twenty years of customer experience

What I learned about listening to customers, and what I would tell my
younger self. #CX starts with the people who answer the phone.

## Listening

Most complaints are gifts; few companies open them.
"""

DEMO_SECOND = """\
---
reflection:
  author: jenny
  date: 2024-02-12
  category: Leadership
  tags: [CX, Service]
---
# Second thoughts on self-service

A short follow-up with one more #Service hashtag in the prose.
"""


def write_demo_project(root: Path) -> Path:
    """Write the small MyST project the suite falls back to; returns its source dir."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(DEMO_CONF, encoding="utf-8")
    (root / "index.md").write_text(DEMO_INDEX, encoding="utf-8")
    (root / "twenty-years.md").write_text(DEMO_REFLECTION, encoding="utf-8")
    (root / "second-thoughts.md").write_text(DEMO_SECOND, encoding="utf-8")
    return root


def site_source(scratch: Path) -> Path:
    """The project to check: $REFLECTIONS_SITE_SOURCE, else docs/, else the demo project.

    ``REFLECTIONS_SITE_SOURCE=demo`` forces the small built-in demo project.
    """
    explicit = os.environ.get("REFLECTIONS_SITE_SOURCE", "")
    if explicit and explicit != "demo":
        return Path(explicit).resolve()
    docs = REPO / "docs"
    if not explicit and (docs / "conf.py").is_file():
        return docs
    return write_demo_project(scratch / "demo-src")


# --------------------------------------------------------------------------- builds


class BuildError(RuntimeError):
    """sphinx-build did not produce a site."""


def build_site(source: Path, outdir: Path, theme: str) -> float:
    """Build *source* as HTML with *theme* into *outdir*; returns seconds taken."""
    doctrees = outdir.parent / (outdir.name + ".doctrees")
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-E",
        "-D",
        f"html_theme={theme}",
        "-d",
        str(doctrees),
        str(source),
        str(outdir),
    ]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0 or not (outdir / "index.html").is_file():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-40:])
        raise BuildError(
            f"sphinx-build of {source} with html_theme={theme} failed "
            f"(exit {proc.returncode}):\n{tail}"
        )
    return time.monotonic() - start


def _has_class(path: Path, cls: str) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    if cls not in text:  # cheap pre-filter before parsing
        return False
    return BeautifulSoup(text, "html.parser").select_one("." + cls) is not None


_HOOK_CLASS = re.compile(r"\breflections-[a-z0-9-]+")


def _generated(site: Path, folder: str, *, one_per_makeup: bool = False) -> list[str]:
    """The generated pages in ``reflections/FOLDER/`` (index included), sorted.

    Alias pages (a meta refresh to the tag's page) are left out: the browser would
    leave them before anything could be checked. With *one_per_makeup*, of pages
    that use exactly the same set of ``reflections-*`` classes (the same template
    with other text: a tag page with a plain list, one with "Other pages", one with
    an event callout, ...) only the first is kept.
    """
    pages = []
    makeups: set[frozenset[str]] = set()
    for path in sorted((site / URL_PREFIX / folder).glob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if 'http-equiv="refresh"' in text:
            continue
        if one_per_makeup:
            makeup = frozenset(_HOOK_CLASS.findall(text))
            if makeup in makeups:
                continue
            makeups.add(makeup)
        pages.append(path.relative_to(site).as_posix())
    return pages


def _later_pages(site: Path) -> list[str]:
    """Pages 2, 3, … of paginated listings (the archive's, and tag, author and event pages'),
    one per listing kind and makeup, like tag pages."""
    root = site / URL_PREFIX
    pages = []
    makeups: set[tuple[str, frozenset[str]]] = set()
    for path in sorted([*root.glob("page-*.html"), *root.glob("*/*/page-*.html")]):
        kind = path.relative_to(root).parts[0] if path.parent != root else ""
        text = path.read_text(encoding="utf-8", errors="replace")
        makeup = (kind, frozenset(_HOOK_CLASS.findall(text)))
        if makeup in makeups:
            continue
        makeups.add(makeup)
        pages.append(path.relative_to(site).as_posix())
    return pages


def discover_pages(site: Path) -> dict[str, list[str]]:
    """Pages to check by kind (``KINDS``), as site-relative POSIX paths (sorted)."""
    archive = f"{URL_PREFIX}/index.html"
    reflections = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        # generated listings (archive, tag, author, event pages) carry bylines too
        if rel.split("/", 1)[0] in {"_sources", "_static", "_images", URL_PREFIX}:
            continue
        if _has_class(path, "reflections-byline"):
            reflections.append(rel)
    return {
        "reflection": reflections,
        "archive": [archive] if (site / archive).is_file() else [],
        "author": _generated(site, "authors"),
        # a knowledge base has far more tags than people or events: one of each makeup
        "tag": _generated(site, "tags", one_per_makeup=True),
        "event": _generated(site, "events"),
        "series": _generated(site, "series"),
        "paginated": _later_pages(site),
    }


# --------------------------------------------------------------------------- serving


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """``python -m http.server`` on 127.0.0.1 for *directory*; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"http.server for {directory} did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- baseline keys


def normalise(text: str | None) -> str:
    """Collapse whitespace and turn every run of digits into ``N`` (auto ids differ)."""
    squeezed = " ".join((text or "").split())
    return re.sub(r"[0-9]+", "N", squeezed)


def axe_key(scheme: str, rule: str, signature: str, page: str) -> str:
    """Baseline key of one axe node: scheme, rule and the node's structural signature.

    Document-level findings (no element signature) are keyed on the page path.
    """
    where = signature or f"page:{page}"
    return f"{scheme} | {rule} | {normalise(where)}"


_BARE_TAG = re.compile(r"\s*</?[A-Za-z][A-Za-z0-9]*>\s*")


def vnu_key(message: dict[str, Any]) -> str:
    """Baseline key of one vnu message: its text plus the markup vnu highlights.

    A highlight that is only a bare tag (``<h3>``) says too little, so the eight
    characters after it are part of the key as well.
    """
    extract: str = message.get("extract") or ""
    start, length = message.get("hiliteStart"), message.get("hiliteLength")
    marked = ""
    if isinstance(start, int) and isinstance(length, int):
        marked = extract[start : start + length]
        if _BARE_TAG.fullmatch(marked):
            marked += extract[start + length : start + length + 8]
    return f"{normalise(message.get('message'))} || {normalise(marked)}"


def load_axe_baseline(theme: str) -> set[str]:
    keys: set[str] = set()
    for path in sorted(BASELINES.glob(f"axe-{theme}*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        keys.update(entry["key"] for entry in data.get("violations", []))
    return keys


def load_vnu_baseline(theme: str) -> set[str]:
    keys: set[str] = set()
    for path in sorted(BASELINES.glob(f"vnu-{theme}*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        keys.update(entry["key"] for entry in data.get("errors", []))
    return keys


# --------------------------------------------------------------------------- vnu


@dataclass
class VnuError:
    page: str
    line: int | None
    column: int | None
    message: str
    extract: str
    key: str


@dataclass
class VnuReport:
    seconds: float
    errors: list[VnuError] = field(default_factory=list)
    suppressed: int = 0


def run_vnu(site: Path, pages: Iterable[str], theme: str) -> VnuReport:
    """Validate *pages* of *site* in one vnu run, minus the theme's stock errors."""
    rels = sorted(set(pages))
    exe = java()
    if exe is None:
        raise RuntimeError("java not found")
    cmd = [
        exe,
        "-Xss8m",
        "-jar",
        str(VNU_JAR),
        "--format",
        "json",
        "--stdout",
        "--exit-zero-always",
        "--errors-only",
        *(str(site / rel) for rel in rels),
    ]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    seconds = time.monotonic() - start
    try:
        messages = json.loads(proc.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise RuntimeError(
            f"unreadable vnu output (exit {proc.returncode}): {proc.stdout[-1000:]}"
            f"{proc.stderr[-1000:]}"
        ) from exc
    baseline = load_vnu_baseline(theme)
    report = VnuReport(seconds=seconds)
    for msg in messages:
        if msg.get("type") not in {"error", "non-document-error"}:
            continue
        key = vnu_key(msg)
        if key in baseline:
            report.suppressed += 1
            continue
        url = msg.get("url") or ""
        page = url
        if url.startswith("file:"):
            page = Path(unquote(urlparse(url).path)).relative_to(site.resolve()).as_posix()
        report.errors.append(
            VnuError(
                page=page,
                line=msg.get("lastLine"),
                column=msg.get("firstColumn"),
                message=msg.get("message") or "",
                extract=msg.get("extract") or "",
                key=key,
            )
        )
    return report


def format_vnu(errors: list[VnuError]) -> str:
    lines: list[str] = []
    for page in sorted({e.page for e in errors}):
        lines.append(f"{page}:")
        for err in (e for e in errors if e.page == page):
            lines.append(f"  line {err.line}, col {err.column}: {err.message}")
            if err.extract:
                lines.append(f"      {' '.join(err.extract.split())[:160]}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- browser side

# Page-level helpers handed to page.evaluate(). Each is one arrow function.

PRESENT_JS = """
(selectors) => selectors.filter((sel) => document.querySelector(sel) !== null)
"""

AXE_PAGE_JS = """
async ([options, components]) => {
  // One axe run over the whole document. Each flagged node says whether it lies in
  // one of the extension's components (a CSS selector of `components`, the node
  // itself or an ancestor), so the component check needs no second run: axe judges
  // a node the same whether the run's context is the document or the component
  // (checked on the showcase: 1,580 component findings, identical both ways).
  // Structural signature of a flagged node, the key of the stock-theme baselines:
  // the node as tag.class[role] plus up to two nearest ancestors that carry a class
  // or a role, or are landmark/table elements. No ids, no text.
  const landmarks = new Set(['NAV', 'ASIDE', 'HEADER', 'FOOTER', 'MAIN', 'FORM', 'TABLE', 'DIALOG']);
  const describe = (el) => {
    const classes = Array.from(el.classList).filter((c) => c.length > 0).sort();
    const role = el.getAttribute('role');
    return el.tagName.toLowerCase() + classes.map((c) => '.' + c).join('')
      + (role ? '[role=' + role + ']' : '');
  };
  const isRoot = (el) => el === document.body || el === document.documentElement;
  const signature = (target) => {
    if (target.length !== 1 || typeof target[0] !== 'string') return '';
    let el = null;
    try { el = document.querySelector(target[0]); } catch (err) { return ''; }
    if (el === null || isRoot(el)) return '';
    const chain = [describe(el)];
    for (let up = el.parentElement; up !== null && !isRoot(up) && chain.length < 3; up = up.parentElement) {
      if (up.classList.length > 0 || up.getAttribute('role') || landmarks.has(up.tagName)) {
        chain.unshift(describe(up));
      }
    }
    return chain.join(' .. ');
  };
  const inComponent = (target) => {
    if (components.length === 0 || target.length !== 1 || typeof target[0] !== 'string') return false;
    let el = null;
    try { el = document.querySelector(target[0]); } catch (err) { return false; }
    return el !== null && el.closest(components.join(',')) !== null;
  };
  // axe scrolls while it measures colours (and scrolls back). Themes that react to
  // scrolling (furo's and pydata-sphinx-theme's "back to top" button) must not see
  // that, or axe meets buttons no reader would see at this scroll position.
  const mute = (event) => event.stopImmediatePropagation();
  window.addEventListener('scroll', mute, true);
  let result = null;
  try {
    result = await axe.run(document, options);
  } finally {
    window.removeEventListener('scroll', mute, true);
  }
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => Array.isArray(t) ? t.join(' >>> ') : t).join(' , '),
      signature: signature(n.target),
      component: inComponent(n.target),
      html: n.html.slice(0, 300),
      summary: (n.failureSummary || '').slice(0, 500),
    })),
  }));
}
"""

SETTLE_JS = """
async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
  // The focus check of the previous scheme scrolled, smoothly where the theme
  // says `scroll-behavior: smooth` (furo), and such a scroll may still be running:
  // back to the top until the page has stayed there for two frames (at most ~1 s).
  // Scroll handlers (furo's and pydata's "back to top" button) and media-query
  // listeners (the "auto" mode of pydata-sphinx-theme sets <html data-theme>) run
  // in those frames, and a scheme switch may start colour transitions only then.
  const top = () => window.scrollTo({top: 0, left: 0, behavior: 'instant'});
  top();
  for (let still = 0, n = 0; still < 2 && n < 60; n++) {
    await frame();
    if (window.scrollX === 0 && window.scrollY === 0) {
      still++;
    } else {
      still = 0;
      top();
    }
  }
  getComputedStyle(document.body).color;  // flush styles, so transitions have started
  // Themes (furo) transition colours: wait until every finite animation has
  // finished, so axe measures the final colours.
  const finite = document.getAnimations().filter((a) => {
    const timing = a.effect ? a.effect.getComputedTiming() : null;
    return timing !== null && Number.isFinite(timing.endTime);
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, 3000));
  await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => null))), timeout]);
  await frame();
  return finite.length;
}
"""

SCHEME_JS = """
(selectors) => {
  // Which scheme the theme shows: <html data-theme> (pydata-sphinx-theme and
  // themes built on it) and the backdrop of the first component, i.e. the first
  // opaque background colour at or above it, as relative luminance (0 black, 1 white).
  const first = document.querySelector(selectors.join(','));
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = (colour) => {  // any CSS colour syntax, as sRGB bytes
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 1, 1);
    return Array.from(ctx.getImageData(0, 0, 1, 1).data);
  };
  let backdrop = 'rgb(255, 255, 255)';  // the canvas when nothing is painted
  let bytes = [255, 255, 255, 255];
  for (let el = first || document.body; el !== null; el = el.parentElement) {
    const colour = getComputedStyle(el).backgroundColor;
    const value = rgba(colour);
    if (value[3] > 127) { backdrop = colour; bytes = value; break; }
  }
  const [r, g, b] = bytes.slice(0, 3).map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return {dataTheme: document.documentElement.dataset.theme || '', backdrop,
          luminance: Math.round((0.2126 * r + 0.7152 * g + 0.0722 * b) * 1000) / 1000};
}
"""

OVERFLOW_JS = """
(selectors) => {
  // rectangles below are relative to an unscrolled page
  window.scrollTo({top: 0, left: 0, behavior: 'instant'});
  const width = window.innerWidth;
  const scroller = document.scrollingElement || document.documentElement;
  const scrolls = (el) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const name = (el) => el.tagName.toLowerCase()
    + Array.from(el.classList).map((c) => '.' + c).join('');
  const offenders = [];
  const reported = [];
  const seen = new Set();
  for (const root of document.querySelectorAll(selectors.join(','))) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (seen.has(el)) continue;
      seen.add(el);
      if (reported.some((outer) => outer.contains(el))) continue;  // outermost only
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      // a scroll box inside the component may hold wide content on purpose
      let contained = false;
      for (let up = el.parentElement; up !== null && up !== root.parentElement; up = up.parentElement) {
        if (scrolls(up)) { contained = true; break; }
      }
      if (contained) continue;
      if (box.right > width + 1 || box.width > width + 1) {
        reported.push(el);
        offenders.push({element: name(el), in: name(root), right: Math.round(box.right),
                        width: Math.round(box.width), html: el.outerHTML.slice(0, 160)});
      }
    }
  }
  // Does the page scroll sideways, and would it without our components?
  const scrollWidth = scroller.scrollWidth;
  let withoutOurs = scrollWidth;
  const culprits = [];
  if (scrollWidth > width + 1) {
    const hide = document.createElement('style');
    hide.textContent = selectors.join(',') + ' { display: none !important; }';
    document.head.appendChild(hide);
    withoutOurs = scroller.scrollWidth;
    hide.remove();
    // where the overflow starts: elements past the edge whose parent is not
    for (const el of document.body.querySelectorAll('*')) {
      const parent = el.parentElement;
      if (el.getBoundingClientRect().right > width + 1
          && parent !== null && parent.getBoundingClientRect().right <= width + 1) {
        culprits.push(name(el));
        if (culprits.length === 5) break;
      }
    }
  }
  return {scrollWidth, withoutOurs, innerWidth: width, offenders, culprits};
}
"""

FOCUS_JS = """
(selectors) => {
  // The focus ring as drawn: an outline counts only with a style and a width.
  const ring = (el) => {
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth) || 0;
    const outline = style.outlineStyle === 'none' || width === 0 ? 'none'
      : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} offset ${style.outlineOffset}`;
    return `outline: ${outline}; box-shadow: ${style.boxShadow}`;
  };
  const links = new Set();
  for (const root of document.querySelectorAll(selectors.join(','))) {
    if (root.matches('a[href]')) links.add(root);
    for (const a of root.querySelectorAll('a[href]')) links.add(a);
  }
  const results = [];
  for (const a of links) {
    if (a.getClientRects().length === 0) continue;  // not rendered at this width
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    const before = ring(a);
    a.focus();
    const focused = document.activeElement === a;
    const after = ring(a);
    a.blur();
    results.push({link: a.outerHTML.slice(0, 160), text: (a.textContent || '').trim().slice(0, 60),
                  focused, visible: focused && after !== before, before, after});
  }
  return results;
}
"""


@dataclass
class AxeHit:
    page: str
    rule: str
    impact: str
    help: str
    target: str
    html: str
    summary: str
    key: str = ""
    component: bool = False  # the node lies in one of the COMPONENTS


@dataclass
class PageAudit:
    """What one page showed at one scheme and viewport."""

    page: str
    load_error: str = ""
    components: list[str] = field(default_factory=list)
    component_hits: list[AxeHit] = field(default_factory=list)
    page_hits: list[AxeHit] = field(default_factory=list)
    suppressed: int = 0
    scroll_width: int = 0
    scroll_width_without_ours: int = 0
    inner_width: int = 0
    overflow_culprits: list[str] = field(default_factory=list)
    overflow: list[dict[str, Any]] = field(default_factory=list)
    focus: list[dict[str, Any]] = field(default_factory=list)
    data_theme: str = ""  # <html data-theme>, as the theme's script left it
    backdrop: str = ""  # the background colour behind the first component
    luminance: float = 1.0  # of that backdrop


@dataclass
class Audit:
    theme: str
    kind: str
    scheme: str
    viewport: str
    pages: list[PageAudit] = field(default_factory=list)
    screenshot: Path | None = None
    seconds: float = 0.0


@dataclass
class Site:
    """One built and served site."""

    theme: str
    root: Path
    url: str
    pages: dict[str, list[str]]
    build_seconds: float


AuditFn = Callable[[str, str, str, str], Audit]
VnuFn = Callable[[str], tuple[Site, VnuReport]]


def hits_from(raw: list[dict[str, Any]], page: str) -> list[AxeHit]:
    """Flatten axe's violations (rule -> nodes) into one hit per node."""
    hits = []
    for violation in raw:
        for node in violation["nodes"]:
            target = node["target"]
            if isinstance(node["target"], list):  # raw axe node: list of selectors
                target = " , ".join(
                    " >>> ".join(t) if isinstance(t, list) else t for t in node["target"]
                )
            hits.append(
                AxeHit(
                    page=page,
                    rule=violation["id"],
                    impact=violation.get("impact") or "minor",
                    help=violation.get("help", ""),
                    target=target,
                    html=node.get("html", "")[:300],
                    summary=node.get("summary", node.get("failureSummary", "")) or "",
                    key=node.get("signature", ""),
                    component=bool(node.get("component", False)),
                )
            )
    return hits


def format_hits(hits: list[AxeHit]) -> str:
    lines = []
    for hit in sorted(hits, key=lambda h: (h.page, h.rule, h.target)):
        lines.append(f"{hit.page}: [{hit.impact}] {hit.rule} — {hit.help}")
        lines.append(f"    at   {hit.target}")
        lines.append(f"    html {' '.join(hit.html.split())[:200]}")
        if hit.key:
            lines.append(f"    key  {hit.key}")
        for row in hit.summary.splitlines()[:6]:
            lines.append(f"    | {row}")
    return "\n".join(lines)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "page"
