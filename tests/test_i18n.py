"""The Swedish catalog: complete, compiled, and shipped inside the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import sphinx_reflections

PACKAGE = Path(sphinx_reflections.__file__).parent
REPO = PACKAGE.parent.parent
PO = PACKAGE / "locale/sv/LC_MESSAGES/sphinx_reflections.po"
MO = PO.with_suffix(".mo")


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_label_is_translated() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = _source_messages() - translated
    assert not missing, f"labels without a Swedish translation: {sorted(missing)}"
    assert len(_source_messages()) >= 8


def _same_shape(value: object) -> object:
    """A message id or string; plural forms (a tuple or a list) as a tuple."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalog_matches_po() -> None:
    with PO.open("rb") as handle:
        po = {_same_shape(m.id): _same_shape(m.string) for m in read_po(handle) if m.id}
    with MO.open("rb") as handle:
        mo = {_same_shape(m.id): _same_shape(m.string) for m in read_mo(handle) if m.id}
    assert mo == po, "run `make locale` to recompile the .mo file"


@pytest.mark.skipif(not (REPO / "pyproject.toml").is_file(), reason="needs the source tree")
def test_wheel_ships_catalog_and_builds_a_swedish_site(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
    )
    wheel = next(dist.glob("sphinx_reflections-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "sphinx_reflections/locale/sv/LC_MESSAGES/sphinx_reflections.mo" in names
    assert "sphinx_reflections/static/reflections.css" in names

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin/python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    # dependencies come from the test environment, appended after the fresh site-packages
    fresh_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(fresh_site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    src = tmp_path / "site"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\nlanguage = "sv"\n'
        'reflections_authors = {"jenny": {"name": "Jenny Exempel"}}\n'
        'html_baseurl = "https://kb.example.com/"\n'
    )
    (src / "index.md").write_text(
        "---\nreflection:\n  author: jenny\n  date: 2023-05-29\n---\n# Tjugo år\n\nText.\n"
    )
    where = subprocess.run(
        [python, "-c", "import sphinx_reflections; print(sphinx_reflections.__file__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(env_dir)), where
    out = tmp_path / "out"
    subprocess.run(
        [python, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(out)],
        check=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    html = (out / "index.html").read_text()
    assert "29 maj 2023" in html
    assert "1 min läsning" in html
    assert "Reflektioner" in (out / "reflections/index.html").read_text()
