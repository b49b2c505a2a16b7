"""Every warning subtype: typed, located, and never a traceback."""

from __future__ import annotations

import re

import pytest

from reflections_testutil import warnings_of
from sphinx_reflections.warnings_ import ReflectionsWarning


def _located(app, subtype: str) -> list[tuple[str, str, str]]:
    """(file, line, message) of each warning of one subtype."""
    found = []
    for line in warnings_of(app):
        if line.endswith(f"[reflections.{subtype}]"):
            match = re.match(r"^(.*?):(\d*):? WARNING: (.*) \[reflections\.", line)
            assert match, f"warning without a location: {line}"
            path, lineno, message = match.groups()
            found.append((path.replace(str(app.srcdir) + "/", ""), lineno, message))
    return found


@pytest.mark.sphinx("html", testroot="warnings", freshenv=True)
def test_every_subtype_is_typed_and_located(app) -> None:
    app.build()
    got = {kind.value: _located(app, kind.value) for kind in ReflectionsWarning}
    assert (
        "unknown.md",
        "3",
        "unknown author 'jeny': people.yml has no one with this id; did you mean 'jenny' "
        "(Jenny Exempel)?",
    ) in got["unknown-author"]
    assert (
        "cards.md",
        "3",
        "author-card: unknown person 'nobody': people.yml has no one with this id; check the "
        "spelling, or add it there",
    ) in got["unknown-author"]
    assert any(f == "cards.md" and line == "6" for f, line, _ in got["unknown-author"])
    assert (
        "unknown.md",
        "5",
        "unknown event 'kontaktdagen-2032': events.yml has no event with this id; did you mean "
        "'kontaktdagen-2023' (Kontaktdagen 2023)?",
    ) in got["unknown-event"]
    assert (
        "baddate.md",
        "4",
        "date '05.29.2023' is not written year-month-day; write 2023-05-29",
    ) in got["bad-date"]
    bad_meta = {(f, line) for f, line, _ in got["bad-metadata"]}
    assert {
        ("badkeys.md", "5"),
        ("badkeys.md", "6"),
        ("badkeys.md", "7"),
        ("badkeys.md", "9"),
    } <= bad_meta
    swallowed = next(m for f, line, m in got["bad-metadata"] if line == "9")
    assert "YAML reads '#Konferens2024 today' as a note" in swallowed
    assert 'summary: "Met at #Konferens2024 today"' in swallowed
    # front matter that cannot be read: said where, and how to fix it
    assert (
        "tabbed.md",
        "3",
        "lines 3 and 4 start with a Tab, which YAML does not accept; indent with spaces "
        "instead (two spaces under 'reflection:', four for the lines of a long summary)",
    ) in got["front-matter"]
    assert ("untitled.md", "6") in {(f, line) for f, line, _ in got["no-title"]}
    assert {(f, line) for f, line, _ in got["placeholder"]} == {
        ("writer.md", "5"),
        ("writer.md", "11"),
    }
    # the hints a writer gets from `check` (reflections_writer_hints in this root's conf.py)
    assert [(f, line) for f, line, _ in got["no-summary"]] == [("untitled.md", "2")]
    assert {(f, line) for f, line, _ in got["near-miss"]} == {("writer.md", "9")}
    assert len(got["near-miss"]) == 2  # @JennyExempels and #Kontaktdagen2023s
    assert [(f, line) for f, line, _ in got["not-in-toctree"]] == [("lost.md", "1")]
    registry = {(f, line) for f, line, _ in got["registry"]}
    assert {
        ("people.yml", "4"),
        ("people.yml", "6"),
        ("people.yml", "8"),
        ("people.yml", "21"),
    } <= registry
    assert {("events.yml", "4"), ("events.yml", "6")} <= registry
    duplicates = {(f, line) for f, line, _ in got["duplicate"]}
    assert ("people.yml", "18") in duplicates
    assert ("twice.rst", "8") in duplicates
    assert any(f.startswith("reflections/index") for f, _, _ in got["duplicate"])
    assert ("tags.yml", "9") in duplicates  # kund-resa is kundresa with a space
    assert ("tags.yml", "11") in registry
    # #CustomerJourney is an alias in the registry; #Kundresan is not there
    assert ("unknown.md", "11") in [(f, line) for f, line, _ in got["unknown-tag"]]
    assert (
        "#Kundresan is not in the tag registry (tags.yml) (did you mean #Kundresa?)"
        in (got["unknown-tag"][0][2])
    )
    unsafe = {(f, line) for f, line, _ in got["unsafe-url"]}
    assert {("people.yml", "11"), ("people.yml", "15"), ("badkeys.md", "8")} <= unsafe
    # every subtype but config is triggered by this root
    assert {k for k, v in got.items() if not v} == {"config"}
    assert "Traceback" not in app._warning.getvalue()


@pytest.mark.sphinx("html", testroot="warnings", freshenv=True)
def test_the_source_document_is_not_overwritten(app) -> None:
    app.build()
    page = (app.outdir / "reflections/index.html").read_text()
    assert "A page where the archive should go" in page


@pytest.mark.sphinx(
    "html",
    testroot="warnings",
    freshenv=True,
    confoverrides={"suppress_warnings": ["reflections.unknown-author", "reflections.registry"]},
)
def test_suppress_warnings_by_subtype(app) -> None:
    app.build()
    text = "\n".join(warnings_of(app))
    assert "[reflections.unknown-author]" not in text
    assert "[reflections.registry]" not in text
    assert "[reflections.bad-date]" in text


@pytest.mark.sphinx(
    "html",
    testroot="basic",
    confoverrides={"reflections_url_prefix": "../up", "reflections_feed_length": 0},
)
def test_invalid_config_values_fall_back_to_defaults(app) -> None:
    app.build()
    config_warnings = [w for w in warnings_of(app) if w.endswith("[reflections.config]")]
    assert len(config_warnings) == 2
    assert all("conf.py" in w for w in config_warnings)
    assert app.config.reflections_url_prefix == "reflections"
    assert (app.outdir / "reflections/index.html").is_file()


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"reflections_authors": "missing.yml"})
def test_missing_registry_file(app) -> None:
    app.build()
    registry = [w for w in warnings_of(app) if w.endswith("[reflections.registry]")]
    assert len(registry) == 1
    assert "cannot read 'missing.yml'" in registry[0]
    # the pages still build, with unknown-author warnings for their authors
    assert (app.outdir / "essays/twenty-years.html").is_file()
    assert any("[reflections.unknown-author]" in w for w in warnings_of(app))


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"reflections_authors": "broken.yml"})
def test_malformed_yaml_registry(app) -> None:
    app.build()
    registry = [w for w in warnings_of(app) if w.endswith("[reflections.registry]")]
    assert len(registry) == 1
    assert "broken.yml:" in registry[0]
    assert "is not valid YAML" in registry[0]


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"reflections_authors": "people.json"})
def test_json_registry(app) -> None:
    app.build()
    registry = [w for w in warnings_of(app) if w.endswith("[reflections.registry]")]
    assert len(registry) == 1 and "'sam'" in registry[0]
    assert "people.json:4:" in registry[0]
    assert "Jenny J" in (app.outdir / "reflections/authors/jenny.html").read_text()


@pytest.mark.sphinx(
    "html",
    testroot="warnings",
    freshenv=True,
    confoverrides={"reflections_unknown_tags": "error"},
)
def test_unknown_tags_as_errors_fail_the_build(app) -> None:
    app.build()
    text = app._warning.getvalue()
    assert "ERROR: #Kundresan is not in the tag registry" in text
    assert app.statuscode == 1


@pytest.mark.sphinx(
    "html",
    testroot="warnings",
    freshenv=True,
    confoverrides={"reflections_unknown_tags": "allow"},
)
def test_unknown_tags_are_allowed_by_default(app) -> None:
    app.build()
    assert "[reflections.unknown-tag]" not in app._warning.getvalue()
    assert app.statuscode == 0
