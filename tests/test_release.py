"""Released like a real package: the wheel and sdist, their contents, an install from the wheel.

Everything here works offline: the wheel is built without build isolation
(flit_core is a test dependency), and the fresh virtualenv finds the
dependencies already installed for the tests through a ``.pth`` file, so pip
resolves them with ``--no-index`` and installs only the wheel itself.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from sphinx_reflections._version import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "sphinx_reflections"


def _run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist, built as ``make dist`` does but without the network."""
    for module in ("build", "flit_core", "twine"):
        pytest.importorskip(module)
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("checkout") / "src"
    # a clean copy: what a fresh clone holds, no caches or build output of this checkout
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv*",
            "node_modules",
            "_build",
            "dist",
            "build",
            "__pycache__",
            ".*_cache",
            ".hypothesis",
            "test-artifacts",
            ".bench",
            ".realblogs",
        ),
    )
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source)
    wheel = next(out.glob("*.whl"))
    sdist = next(out.glob("*.tar.gz"))
    return {"wheel": wheel, "sdist": sdist}


def test_twine_accepts_both(dists: dict[str, Path]) -> None:
    output = _run(
        sys.executable, "-m", "twine", "check", "--strict", dists["wheel"], dists["sdist"]
    )
    assert output.count("PASSED") == 2


def test_the_wheel_holds_the_package_and_nothing_else(dists: dict[str, Path]) -> None:
    wheel = dists["wheel"]
    assert wheel.name == f"sphinx_reflections-{__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    must = {
        "sphinx_reflections/py.typed",
        "sphinx_reflections/_version.py",
        "sphinx_reflections/static/reflections.css",
        "sphinx_reflections/locale/sv/LC_MESSAGES/sphinx_reflections.mo",
        "sphinx_reflections/cli/importers/links.py",
    }
    assert must <= set(names), sorted(must - set(names))
    # every file of the package that is meant to ship (no caches)
    shipped = {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert shipped <= set(names), sorted(shipped - set(names))
    leftovers = [
        n
        for n in names
        if n.startswith(("tests/", "docs/", "tools/", "build/"))
        or "__pycache__" in n
        or n.endswith((".pyc", ".orig", ".rej", "~", ".DS_Store"))
    ]
    assert leftovers == []
    assert {n.split("/")[0] for n in names} == {
        "sphinx_reflections",
        f"sphinx_reflections-{__version__}.dist-info",
    }


def test_the_metadata_has_one_version_and_says_what_it_is(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        info = f"sphinx_reflections-{__version__}.dist-info"
        metadata = email.message_from_bytes(wheel.read(f"{info}/METADATA"))
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert metadata["Version"] == __version__  # _version.py, the one source
    assert "Framework :: Sphinx :: Extension" in metadata.get_all("Classifier")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" in project["dynamic"] and "version" not in project
    requires = [r for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert sorted(r.replace(" ", "") for r in requires) == sorted(
        d.replace(" ", "") for d in project["dependencies"]
    )
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "sphinx-reflections=sphinx_reflections.cli:main" in entry_points.replace(" ", "")
    # the changelog's latest section is the version being released, or Unreleased
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    first = re.search(r"^## \[?([^\]\s]+)", changelog, re.M)
    assert first is not None and first[1] in ("Unreleased", __version__)


def test_the_sdist_can_rebuild_everything(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert {
        "pyproject.toml",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "src/sphinx_reflections/locale/sv/LC_MESSAGES/sphinx_reflections.po",
        "tests/test_release.py",
        "tests/fixtures/18f-eleventy/NOTICE.md",
        "tests/fixtures/choldgraf/LICENSE",
        "docs/conf.py",
        "tools/realblogs.py",
    } <= names
    assert not any("__pycache__" in n or n.startswith("docs/_build") for n in names)


# -- installed into a fresh virtualenv, offline, then used --------------------------------


def _code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.M | re.S)


def test_installed_wheel_builds_the_tutorial_project(dists: dict[str, Path], tmp_path) -> None:
    venv = tmp_path / "fresh"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    # the tests' own dependencies, visible to the new venv (not the package under test)
    deps = tmp_path / "deps"
    deps.mkdir()
    purelib = Path(sysconfig.get_paths()["purelib"])
    for entry in purelib.iterdir():
        if entry.name.startswith(("sphinx_reflections", "__editable__", "_sphinx_reflections")):
            continue
        if entry.suffix == ".pth" or entry.name == "__pycache__":
            continue
        (deps / entry.name).symlink_to(entry)
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    )
    (site / "_test_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL")}
    env["PIP_NO_INDEX"] = "1"
    _run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-index",
        "--disable-pip-version-check",
        dists["wheel"],
        env=env,
    )
    where = _run(
        python, "-c", "import sphinx_reflections as s; print(s.__file__, s.__version__)", env=env
    )
    assert where.split() == [str(site / "sphinx_reflections" / "__init__.py"), __version__]
    assert _run(venv / "bin" / "sphinx-reflections", "--version", env=env).split() == [
        "sphinx-reflections",
        __version__,
    ]

    # the project the tutorial has its reader make, from the tutorial's own code blocks
    tutorial = (ROOT / "docs" / "manual" / "tutorial.md").read_text(encoding="utf-8")
    project = tmp_path / "docs"
    (project / "essays").mkdir(parents=True)
    (project / "_static" / "people").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "_static" / "people" / "karin.svg", project / "_static" / "people")
    (project / "conf.py").write_text(_code_blocks(tutorial, "python")[0], encoding="utf-8")
    (project / "people.yml").write_text(_code_blocks(tutorial, "yaml")[0], encoding="utf-8")
    (project / "essays" / "what-the-fair-taught-me.md").write_text(
        _code_blocks(tutorial, "markdown")[0], encoding="utf-8"
    )
    (project / "index.md").write_text(
        "# Knowledge base\n\n```{toctree}\n:maxdepth: 1\n\nessays/what-the-fair-taught-me\n```\n",
        encoding="utf-8",
    )
    out = tmp_path / "html"
    _run(python, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", project, out, env=env)
    page = (out / "essays" / "what-the-fair-taught-me.html").read_text(encoding="utf-8")
    assert "reflections-byline" in page and "Karin Åström" in page
    assert "What the fair taught me" in (out / "reflections" / "index.html").read_text(
        encoding="utf-8"
    )
    assert (out / "reflections" / "authors" / "karin.html").is_file()
    assert (out / "_static" / "reflections.css").is_file()  # the wheel's static file, served


def test_the_changelog_follows_keep_a_changelog() -> None:
    """Versions newest first, each with the six kinds of change and nothing else."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n") and "keepachangelog.com" in text
    versions = re.findall(r"^## (.+)$", text, re.M)
    assert versions and re.fullmatch(r"\[?Unreleased\]?", versions[0])
    for version in versions[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", version), version
    kinds = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
    for section in re.split(r"^## .+$", text, flags=re.M)[1:]:
        found = re.findall(r"^### (.+)$", section, re.M)
        assert found and set(found) <= kinds and len(found) == len(set(found)), found
        for part in re.split(r"^### .+$", section, flags=re.M)[1:]:
            entries = [line for line in part.splitlines() if line.strip()]
            assert entries and entries[0].startswith("- "), part[:80]
