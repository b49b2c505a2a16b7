"""The label catalogues: complete in six languages, with plural forms, compiled and shipped."""

from __future__ import annotations

import os
import re
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
from sphinx_reflections.i18n import Lang

PACKAGE = Path(sphinx_reflections.__file__).parent
REPO = PACKAGE.parent.parent
#: The catalogues; English is the language the labels are written in, so it has none
#: (an English catalogue would also win over another language's in a process that
#: builds both, as Sphinx adds later catalogues as fallbacks).
LANGUAGES = ("sv", "nb", "da", "fi", "de")
PO = PACKAGE / "locale/sv/LC_MESSAGES/sphinx_reflections.po"
MO = PO.with_suffix(".mo")

#: How the code marks labels: ``_`` and a ``Lang``'s call (``lang``, ``gettext``), and
#: ``n_`` and ``lang.plural`` for labels with plural forms.
KEYWORDS = {"_": None, "lang": None, "gettext": None, "ngettext": (1, 2), "plural": (1, 2)}


def _source_messages() -> dict[str, bool]:
    """Every label in the code, and whether it has plural forms."""
    found: dict[str, bool] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,  # type: ignore[arg-type]
    ):
        if isinstance(message, str):
            found.setdefault(message, False)
        else:
            found[message[0]] = True
    return found


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%(?:\([^)]*\))?[sd]", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_translated_with_its_placeholders(language: str) -> None:
    path = PACKAGE / f"locale/{language}/LC_MESSAGES/sphinx_reflections.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    source = _source_messages()
    assert len(source) >= 40
    missing = sorted(set(source) - set(messages))
    assert not missing, f"{language}: labels without a translation: {missing}"
    for msgid, plural in source.items():
        message = messages[msgid]
        strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
        assert all(strings), f"{language}: {msgid!r} is not translated"
        assert message.pluralizable == plural, f"{language}: {msgid!r} plural forms"
        for string in strings:
            assert _placeholders(string) == _placeholders(msgid), (language, msgid, string)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_po(language: str) -> None:
    po_path = PACKAGE / f"locale/{language}/LC_MESSAGES/sphinx_reflections.po"

    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    with po_path.open("rb") as handle:
        po = {plain(m.id): plain(m.string) for m in read_po(handle) if m.id}
    with po_path.with_suffix(".mo").open("rb") as handle:
        mo = {plain(m.id): plain(m.string) for m in read_mo(handle) if m.id}
    assert mo == po, "run `make locale` to recompile the .mo files"


@pytest.mark.parametrize(
    ("language", "one", "four"),
    [
        ("sv", "1 minuts läsning", "4 minuters läsning"),
        ("nb", "1 minutts lesing", "4 minutters lesing"),
        ("da", "1 minuts læsning", "4 minutters læsning"),
        ("fi", "1 minuutin lukuaika", "4 minuutin lukuaika"),
        ("de", "1 Minute Lesezeit", "4 Minuten Lesezeit"),
        ("en", "1 min read", "4 min read"),
    ],
)
def test_reading_time_has_plural_forms(language: str, one: str, four: str) -> None:
    lang = Lang(language, project=False)
    assert lang.plural("%d min read", "%d min read", 1) % 1 == one
    assert lang.plural("%d min read", "%d min read", 4) % 4 == four


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
    assert "1 minuts läsning" in html
    assert "Reflektioner" in (out / "reflections/index.html").read_text()
