"""The package stays a stack: every import points down (tools/check_layers.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import check_layers  # noqa: E402


def test_the_package_keeps_its_layers() -> None:
    assert check_layers.problems() == []


def test_every_module_is_in_a_layer() -> None:
    for name in check_layers.modules():
        check_layers.layer_of(name)  # raises KeyError for a module in no layer


def test_an_upward_import_inside_a_function_and_the_cycle_it_makes_are_found(
    tmp_path: Path,
) -> None:
    package = tmp_path / "sphinx_reflections"
    shutil.copytree(check_layers.ROOT, package, ignore=shutil.ignore_patterns("__pycache__"))
    domain = package / "domain.py"
    domain.write_text(
        domain.read_text(encoding="utf-8")
        + "\n\ndef _late() -> None:\n    from .site import pages  # noqa\n",
        encoding="utf-8",
    )
    text = package / "text.py"
    text.write_text(
        text.read_text(encoding="utf-8") + "\nfrom . import dates  # noqa\n", encoding="utf-8"
    )
    found = check_layers.problems(package)
    assert any(
        "sphinx_reflections.domain (domain) imports sphinx_reflections.site.pages" in f
        for f in found
    )
    assert any(f.startswith("import cycle among:") and "domain" in f for f in found)
    assert any(
        "sphinx_reflections.text imports sphinx_reflections.dates, in the same layer" in f
        for f in found
    )


def test_the_command_says_so() -> None:
    ok = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_layers.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout
    assert "no upward import, no cycle" in ok.stdout
