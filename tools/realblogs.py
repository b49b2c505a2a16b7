#!/usr/bin/env python3
"""Import real, public blogs into fresh knowledge bases and build them with ``-W``.

Usage (``make realblogs CORPORA=/path/to/corpora`` runs it)::

    .venv/bin/python tools/realblogs.py --corpora /work/corpora
    .venv/bin/python tools/realblogs.py --corpora /work/corpora --only choldgraf
    .venv/bin/python tools/realblogs.py --fixtures          # the excerpts in tests/fixtures

For each blog in ``BLOGS`` it:

1. makes an empty knowledge base (a ``conf.py`` with ``sphinx_reflections`` and a
   globbing index) under ``--out``;
2. runs ``sphinx-reflections import`` into its ``blog/`` folder, and adds to
   ``conf.py`` exactly the lines the import printed (so the advice itself is
   tested);
3. builds it with ``sphinx-build -W --keep-going`` (the content warnings listed in
   the blog's entry are silenced, each with the reason; nothing of the extension's
   or of a link's);
4. checks that every old address in the redirect map leads to a built page;
5. prints what was imported, what was not, and each check's result.

The corpora are not in the repository: each entry names the repository and
commit it was read from (see docs/manual/howto/migrate-from-ablog.md, "Proof on
real blogs"). Exit status 1 when any build or check failed.
"""

from __future__ import annotations

import argparse
import dataclasses as dc
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

#: Warnings that the posts' own text causes with plain MyST, whatever imported them.
CONTENT = {
    "myst.header": "headings skip a level (## after #) in the original posts",
    "docutils": "a section starts with a horizontal rule in the original text",
    "design.card_legacy": "posts use sphinx-design's old card separators",
    "mystnb.unknown_mime_type": "a stored notebook output has a VS Code error type",
    "misc.highlighting_failure": "code Pygments cannot lex as its language ({{ x }} in SQL)",
    "ref.footnote": "footnotes defined and never referenced in the original posts",
    "myst.duplicate_def": "a link reference defined twice in one original post",
}


@dc.dataclass(frozen=True)
class Blog:
    """One blog: where it is, how to import it, what its knowledge base needs."""

    name: str
    path: str  # under --corpora (or under tests/fixtures with --fixtures)
    engine: str
    source: str  # repository and commit, for the report
    licence: str
    args: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()  # besides what the import advises
    suppress: tuple[str, ...] = ()  # keys of CONTENT
    fixture: str = ""  # the excerpt of it in tests/fixtures ("" when none)
    conf: str = ""  # more conf.py lines (e.g. stubs for the blog's own directives)


BLOGS = [
    Blog(
        "18f-eleventy",
        "18f.gsa.gov-11ty-20250202",
        "eleventy",
        "github.com/18F/18f.gsa.gov @ 1db0bca28286752d030bded378741d7bc8e74a76",
        "public domain (US) + CC0 1.0",
        ("--permalink", "/:year/:month/:day/:slug/", "--site-url", "https://18f.gsa.gov/"),
        suppress=("myst.header", "docutils", "misc.highlighting_failure"),
        fixture="18f-eleventy",
    ),
    Blog(
        "18f-jekyll",
        "18f.gsa.gov-jekyll",
        "jekyll",
        "github.com/18F/18f.gsa.gov @ 7f9e0b40acd35cf0dee0f555ad14f664005eb2ec",
        "public domain (US) + CC0 1.0",
        suppress=("myst.header", "docutils", "misc.highlighting_failure"),
        fixture="18f-jekyll",
    ),
    Blog(
        "choldgraf",
        "choldgraf.github.io-ablog",
        "ablog",
        "github.com/choldgraf/choldgraf.github.io @ ae8ee9792c74aac72f46c645d19352abc439d572",
        "CC0 1.0",
        ("--author", "Chris Holdgraf"),
        extensions=("sphinx_design",),
        suppress=("design.card_legacy", "mystnb.unknown_mime_type"),
        fixture="choldgraf",
        # the blog's own directives (conf.py's setup() and sphinx-examples), as plain
        # containers: the import reports every post that uses them
        conf=(
            "from docutils.parsers.rst import Directive as _D, directives as _d\n"
            "class _Stub(_D):  # the blog's own directive, shown as its text\n"
            "    has_content, optional_arguments, final_argument_whitespace = True, 1, True\n"
            "    class option_spec(dict):  # any option\n"
            "        def __contains__(self, key): return True\n"
            "        def __getitem__(self, key): return _d.unchanged\n"
            "    option_spec = option_spec()\n"
            "    def run(self):\n"
            "        from docutils import nodes\n"
            "        box = nodes.container()\n"
            "        self.state.nested_parse(self.content, self.content_offset, box)\n"
            "        return [box]\n"
            "def setup(app):\n"
            '    app.add_directive("socialpost", _Stub)\n'
            '    app.add_directive("example", _Stub)\n'
        ),
    ),
    Blog(
        "ncar-esds",
        "ncar-esds",
        "ablog",
        "github.com/NCAR/esds @ 6aa9ea9e39d8f4604f955ce8127ac4e9f9a2c699",
        "Apache-2.0",
        extensions=("sphinx_design",),
        suppress=("myst.header", "docutils", "misc.highlighting_failure"),
    ),
    Blog(
        "ropensci",
        "roweb3",
        "hugo",
        "github.com/ropensci/roweb3 @ d84b7eb675f82b6282411055374bd1a7c16b4b5a",
        "CC BY 4.0",
        suppress=(
            "myst.header",
            "docutils",
            "misc.highlighting_failure",
            "ref.footnote",
            "myst.duplicate_def",
        ),
        fixture="ropensci",
    ),
]


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - started


def _advice(stdout: str) -> list[str]:
    """The conf.py lines the import printed (after "Add to ... conf.py")."""
    lines = stdout.splitlines()
    for at, line in enumerate(lines):
        if line.startswith("Add to ") and "conf.py" in line:
            return [x.strip() for x in lines[at + 1 :] if x.startswith("    ")]
    return []


def _redirect_target(page: Path) -> Path | None:
    """Where a redirect page sends the reader (the file), if it says."""
    text = page.read_text(encoding="utf-8", errors="replace")
    match = re.search(r'url=([^"\'>]+)', text) or re.search(r'href="([^"]+)"', text)
    if not match:
        return None
    return (page.parent / unquote(match[1].split("#", 1)[0])).resolve()


def check_redirects(kb: Path, outdir: Path, map_file: Path) -> tuple[int, list[str]]:
    """Every old address in the map: its page exists and leads to a built page."""
    broken = []
    count = 0
    for line in map_file.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        old, _new = re.findall(r'"([^"]*)"', line)[:2]
        count += 1
        page = outdir / f"{old}.html"
        target = _redirect_target(page) if page.is_file() else None
        if target is None or not target.is_file():
            broken.append(f"/{old.removesuffix('index')} -> {target or 'no redirect page'}")
    return count, broken


def run_blog(blog: Blog, source: Path, out: Path, jobs: str) -> dict[str, object]:
    """Import, build and check one blog; the figures for the report."""
    kb = out / blog.name
    if kb.exists():
        shutil.rmtree(kb)
    kb.mkdir(parents=True)
    extensions = ["myst_parser", "sphinx_reflections", *blog.extensions]
    (kb / "conf.py").write_text(
        f"project = {blog.name!r}\n"
        f"extensions = {extensions!r}\n"
        'html_baseurl = "https://kb.example.com/"\n'
        'exclude_patterns = ["_build"]\n'
        'myst_enable_extensions = ["colon_fence", "deflist", "html_image"]\n'
        f"suppress_warnings = {list(blog.suppress)!r}  # the posts' own text, see tools/realblogs.py\n"
        + blog.conf,
        encoding="utf-8",
    )
    (kb / "index.md").write_text(
        f"# {blog.name}\n\n```{{toctree}}\n:glob:\n:maxdepth: 1\n\nblog/**\n```\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SOURCE_DATE_EPOCH": "1767225600"}
    command = [sys.executable, "-m", "sphinx_reflections", "import", str(source)]
    command += ["--from", blog.engine, "--dest", "blog", *blog.args]
    code, stdout, stderr, import_time = _run(command, kb, env)
    (out / f"{blog.name}.import.txt").write_text(stdout + stderr, encoding="utf-8")
    advice = _advice(stdout)
    with (kb / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("# printed by sphinx-reflections import:\n" + "".join(f"{a}\n" for a in advice))
    build = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-j", jobs]
    build += ["-b", "html", ".", "_build/html"]
    status, _out, errors, build_time = _run(build, kb, env)
    warnings = [line for line in errors.splitlines() if "WARNING" in line or "ERROR" in line]
    (out / f"{blog.name}.build.txt").write_text(errors, encoding="utf-8")
    types: dict[str, int] = {}
    for line in warnings:
        kind = re.search(r"\[([\w.-]+)\]$", line)
        types[kind[1] if kind else "untyped"] = types.get(kind[1] if kind else "untyped", 0) + 1
    map_file = kb / "blog" / "redirects.txt"
    redirects, broken = (
        check_redirects(kb, kb / "_build" / "html", map_file) if map_file.is_file() else (0, [])
    )
    return {
        "blog": blog.name,
        "source": blog.source,
        "licence": blog.licence,
        "summary": stderr.strip().splitlines()[-1] if stderr.strip() else "",
        "import_status": code,
        "report_lines": sum(
            1
            for line in stdout.splitlines()
            if ": " in line and not line.startswith(("created", "    "))
        ),
        "conf_lines": advice,
        "import_seconds": round(import_time, 1),
        "build_status": status,
        "build_seconds": round(build_time, 1),
        "warnings": types,
        "redirects": redirects,
        "broken_redirects": broken[:20],
        "broken_count": len(broken),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--corpora", type=Path, help="folder holding the fetched blogs")
    where.add_argument("--fixtures", action="store_true", help="use the excerpts in tests/fixtures")
    parser.add_argument("--only", action="append", help="only these blogs (repeatable)")
    parser.add_argument("--out", type=Path, default=Path(".realblogs"), help="work folder")
    parser.add_argument("-j", "--jobs", default="auto", help="sphinx-build -j (default auto)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    if args.corpora is not None and not args.corpora.is_dir():
        print(
            f"realblogs: no corpora folder {args.corpora}; fetch the blogs listed in "
            "tools/realblogs.py (BLOGS) and give their folder: make realblogs CORPORA=/path",
            file=sys.stderr,
        )
        return 2
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    results = []
    failed = False
    for blog in BLOGS:
        if args.only and blog.name not in args.only:
            continue
        if args.fixtures:
            if not blog.fixture:
                continue
            source = FIXTURES / blog.fixture
        else:
            source = args.corpora / blog.path
        if not source.is_dir():
            print(f"realblogs: {blog.name}: {source} is missing; skipped", file=sys.stderr)
            failed = True
            continue
        print(f"realblogs: {blog.name} ({source})", file=sys.stderr, flush=True)
        result = run_blog(blog, source, out, args.jobs)
        results.append(result)
        ok = result["build_status"] == 0 and not result["broken_count"]
        failed |= not ok
        print(
            f"  {'ok  ' if ok else 'FAIL'} {result['summary']}\n"
            f"       import {result['import_seconds']} s, build {result['build_seconds']} s "
            f"(exit {result['build_status']}), warnings {result['warnings'] or 'none'}, "
            f"{result['redirects']} redirects, {result['broken_count']} broken",
            flush=True,
        )
        for line in result["broken_redirects"]:  # type: ignore[attr-defined]
            print(f"       broken: {line}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
