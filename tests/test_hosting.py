"""Hosted like real docs: Read the Docs' canonical URL, versioned addresses, .readthedocs.yaml."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from reflections_testutil import copy_root, edit, soup, warnings_of

ROOT = Path(__file__).resolve().parent.parent


def _build(make_app, tmp_path: Path, baseurl: str | None) -> Path:
    src = copy_root("basic", tmp_path)
    line = 'html_baseurl = "https://kb.example.com/"\n'
    edit(src / "conf.py", line, "" if baseurl is None else f'html_baseurl = "{baseurl}"\n')
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    return Path(app.outdir)


def _links(out: Path) -> dict[str, object]:
    atom = (out / "reflections" / "atom.xml").read_text(encoding="utf-8")
    page = soup(out / "essays" / "twenty-years.html")
    ld = json.loads(page.find("script", type="application/ld+json").string)
    return {
        "feed": re.search(r'rel="self" type="application/atom\+xml" href="([^"]+)"', atom)[1],  # type: ignore[index]
        "entry": re.findall(r'<link rel="alternate" type="text/html" href="([^"]+)"', atom),
        "ld": ld["url"],
        "canonical": page.find("link", rel="canonical")["href"],
    }


@pytest.mark.sphinx
@pytest.mark.parametrize("version", ["latest", "v1.0"])
def test_read_the_docs_canonical_url_when_html_baseurl_is_unset(
    make_app, tmp_path, monkeypatch, version: str
) -> None:
    base = f"https://sphinx-reflections.readthedocs.io/en/{version}/"
    monkeypatch.setenv("READTHEDOCS", "True")
    monkeypatch.setenv("READTHEDOCS_CANONICAL_URL", base)
    links = _links(_build(make_app, tmp_path, None))
    assert links["feed"] == base + "reflections/atom.xml"
    assert base + "essays/twenty-years.html" in links["entry"]  # type: ignore[operator]
    assert links["ld"] == base + "essays/twenty-years.html"
    assert links["canonical"] == base + "essays/twenty-years.html"  # Sphinx's own, the same


@pytest.mark.sphinx
def test_html_baseurl_in_conf_py_wins_and_may_lack_its_slash(
    make_app, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("READTHEDOCS_CANONICAL_URL", "https://elsewhere.example.org/en/latest/")
    links = _links(_build(make_app, tmp_path, "https://kb.example.com/en/v1.0"))
    assert links["feed"] == "https://kb.example.com/en/v1.0/reflections/atom.xml"
    assert links["ld"] == "https://kb.example.com/en/v1.0/essays/twenty-years.html"


def test_readthedocs_config_builds_the_docs_as_make_docs_does() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["sphinx"] == {
        "configuration": "docs/conf.py",
        "builder": "html",
        "fail_on_warning": True,
    }
    assert config["python"]["install"] == [
        {"method": "pip", "path": ".", "extra_requirements": ["docs"]}
    ]
    python = tuple(int(p) for p in config["build"]["tools"]["python"].split("."))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floor = tuple(int(p) for p in re.findall(r"\d+", project["requires-python"]))
    assert python >= floor
    # what docs/conf.py loads beyond Sphinx is in the docs extra (furo, the theme)
    assert "furo" in project["optional-dependencies"]["docs"]


def test_the_manual_shows_the_readthedocs_config_as_it_is() -> None:
    page = (ROOT / "docs" / "manual" / "howto" / "read-the-docs.md").read_text(encoding="utf-8")
    shown = re.search(r"^```yaml\n(.*?)^```$", page, re.M | re.S)
    assert shown is not None
    assert shown[1] == (ROOT / ".readthedocs.yaml").read_text(encoding="utf-8")
