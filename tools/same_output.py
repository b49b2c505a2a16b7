"""Build the showcase and the benchmark knowledge base with html and dirhtml, for diffing.

A behaviour-preserving change must leave every output byte alone. Run this
once with the code before the change and once after, then compare the two
folders::

    git worktree add /tmp/before <commit>
    python tools/same_output.py --src /tmp/before/src /tmp/out-before
    python tools/same_output.py --src src /tmp/out-after
    diff -r /tmp/out-before /tmp/out-after

Every build runs in a fresh process with ``SOURCE_DATE_EPOCH`` and
``PYTHONHASHSEED`` fixed, ``-j 1`` and a fresh environment (``-E``). The
showcase and the knowledge base are built from copies outside the source tree,
so the only difference between two runs is the extension's code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILDERS = ("html", "dirhtml")


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [env.get("PYTHONPATH")])])
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    env["PYTHONHASHSEED"] = "0"
    return env


def build(src: Path, project: Path, out: Path, builder: str) -> None:
    """One fresh ``sphinx-build``; warnings are printed, a failure stops the run."""
    cmd = [
        sys.executable, "-m", "sphinx", "-E", "-q", "-j", "1", "-b", builder,
        "-d", str(out.parent / f".doctrees-{out.name}"), str(project), str(out),
    ]  # fmt: skip
    proc = subprocess.run(cmd, env=_env(src), capture_output=True, text=True, check=False)
    if proc.stderr.strip():
        print(proc.stderr.strip(), file=sys.stderr)
    if proc.returncode:
        raise SystemExit(f"{builder} build of {project} failed ({proc.returncode})")
    shutil.rmtree(out.parent / f".doctrees-{out.name}", ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the outputs (replaced)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="sphinx_reflections source")
    parser.add_argument("--reflections", type=int, default=300)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--no-kb", action="store_true", help="only the showcase")
    parser.add_argument(
        "--docs-root",
        type=Path,
        default=ROOT,
        help="checkout whose docs/ and CHANGELOG.md are built (use one for both runs)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    sources = out / ".sources"
    docs_root: Path = args.docs_root.resolve()
    ignore = shutil.ignore_patterns("_build")
    shutil.copytree(docs_root / "docs", sources / "showcase" / "docs", ignore=ignore)
    shutil.copy2(docs_root / "CHANGELOG.md", sources / "showcase" / "CHANGELOG.md")
    projects = {"showcase": sources / "showcase" / "docs"}
    if not args.no_kb:
        sys.path.insert(0, str(HERE))
        import kbgen

        kb = kbgen.generate(args.reflections, args.pages)
        kbgen.write_project(kb, sources / "kb", "extension", "alabaster")
        projects["kb"] = sources / "kb"
    for name, project in projects.items():
        for builder in BUILDERS:
            print(f"building {name} with {builder}", file=sys.stderr)
            build(args.src.resolve(), project, out / f"{name}-{builder}", builder)
    shutil.rmtree(sources)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
