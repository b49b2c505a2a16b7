"""One answer to "is this URL remote", and a local file that merely looks like one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reflections_testutil import ROOTS, soup
from sphinx_reflections.urls import avatar_target, forget_folders, is_remote, safe_url


@pytest.mark.parametrize(
    ("value", "remote"),
    [
        ("https://example.org/a.png", True),
        ("HTTP://EXAMPLE.ORG/a.png", True),
        ("  https://example.org/a.png", True),
        ("httpd.png", False),
        ("http-logo.svg", False),
        ("_static/people/https.svg", False),
        ("mailto:jenny@example.org", False),
        ("//example.org/a.png", False),
    ],
)
def test_is_remote(value: str, remote: bool) -> None:
    assert is_remote(value) is remote


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("https://example.org/a\x00b", True),
        ("https://example.org/a\nb", True),
        ("https://example.org/a\tb", True),
        ("https://example.org/a\x1fb", True),
        ("https://example.org/a\x7fb", False),  # DEL is for urlsplit and the browser
        ("https://example.org/å b", False),
    ],
)
def test_a_control_character_inside_a_url_refuses_it(value: str, refused: bool) -> None:
    problem = safe_url(value, None)
    assert (problem == "it contains control characters") is refused, problem


def test_a_local_avatar_named_like_a_url_is_copied_and_linked_as_a_file(
    make_app, tmp_path: Path
) -> None:
    src = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-basic", src)
    (src / "httpd.png").write_bytes((src / "_static/people/jenny.svg").read_bytes())
    people = src / "people.yml"
    text = people.read_text(encoding="utf-8")
    assert "avatar: _static/people/jenny.svg" in text
    people.write_text(text.replace("avatar: _static/people/jenny.svg", "avatar: httpd.png"))
    app = make_app("html", srcdir=src)
    app.build()
    copied = Path(app.outdir, avatar_target("jenny", "httpd.png"))
    assert copied.read_bytes() == (src / "httpd.png").read_bytes()
    page = soup(Path(app.outdir, "reflections/authors/jenny.html"))
    img = page.select_one("article.reflections-author-card img.reflections-avatar")
    assert img is not None and img["src"] == "../../_reflections/avatars/jenny.png"
    person = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert person["image"] == "https://kb.example.com/_reflections/avatars/jenny.png"


def test_a_local_path_is_checked_through_links_in_its_folder_and_itself(tmp_path: Path) -> None:
    """Folders are resolved once per build; a link still cannot lead out of the sources."""
    src, outside = tmp_path / "src", tmp_path / "outside"
    (src / "_static" / "people").mkdir(parents=True)
    outside.mkdir()
    (src / "_static" / "people" / "jenny.svg").write_text("<svg/>")
    (outside / "secret.svg").write_text("<svg/>")
    (src / "_static" / "people" / "link.svg").symlink_to(outside / "secret.svg")
    forget_folders()
    assert safe_url("_static/people/jenny.svg", src) is None
    assert "leaves the source directory" in (safe_url("_static/people/link.svg", src) or "")
    assert "leaves the source directory" in (
        safe_url("_static/../../outside/secret.svg", src) or ""
    )
    assert "does not exist" in (safe_url("_static/people/nobody.svg", src) or "")

    # between two builds the folder becomes a link to somewhere outside
    shutil.rmtree(src / "_static" / "people")
    (outside / "jenny.svg").write_text("<svg/>")
    (src / "_static" / "people").symlink_to(outside)
    assert safe_url("_static/people/jenny.svg", src) is None  # still the last build's folders
    forget_folders()  # what every build does first
    assert "leaves the source directory" in (safe_url("_static/people/jenny.svg", src) or "")


def test_a_changed_avatar_is_copied_again(make_app, tmp_path: Path) -> None:
    """A new picture under the same name replaces the copy in the output, silently;
    an unchanged one keeps its copy's modification time."""
    src = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-basic", src)
    app = make_app("html", srcdir=src)
    app.build()
    copied = Path(app.outdir, avatar_target("jenny", "_static/people/jenny.svg"))
    assert copied.read_bytes() == (src / "_static/people/jenny.svg").read_bytes()
    before = copied.stat().st_mtime_ns
    app = make_app("html", srcdir=src)
    app.build()
    assert copied.stat().st_mtime_ns == before
    new = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>'
    (src / "_static/people/jenny.svg").write_bytes(new)
    app = make_app("html", srcdir=src)
    app.build()
    assert copied.read_bytes() == new
    assert "copy" not in app.warning.getvalue().casefold(), app.warning.getvalue()
