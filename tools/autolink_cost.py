"""What the #hashtag/@mention autolink transform costs: builds with it on and off.

Builds the showcase (docs/) and a generated 500-page knowledge base (from
tools/kbgen.py) once each with ``reflections_hashtag_autolink`` and
``reflections_mention_autolink`` on and off, in fresh subprocesses, and prints
the wall times and their ratio. One run each, as the issue asks; use
``make bench`` for repeated, memory-aware figures.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import kbgen  # noqa: E402 - the generator lives there


def build(src: Path, out: Path, autolink: bool) -> float:
    flag = "1" if autolink else "0"
    command = [
        sys.executable, "-m", "sphinx", "-q", "-b", "html", "-E",
        "-D", f"reflections_hashtag_autolink={flag}", "-D", f"reflections_mention_autolink={flag}",
        str(src), str(out),
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="autolink-") as tmp:
        root = Path(tmp)
        kb = kbgen.generate(reflections=250, pages=250)
        kbgen.write_project(kb, root / "kb500", "extension", "alabaster")
        sites = {"docs/ (showcase)": HERE.parent / "docs", "generated, 500 pages": root / "kb500"}
        print(f"{'site':24} {'autolink on':>12} {'off':>8} {'on/off':>7}")
        for name, src in sites.items():
            on = build(src, root / "on", True)
            off = build(src, root / "off", False)
            print(f"{name:24} {on:11.2f}s {off:7.2f}s {on / off:7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
