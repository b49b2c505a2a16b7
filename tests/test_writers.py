"""A writer's first hour: what the site says and does when a writer slips.

The exact text of every message is proven by tests/test_messages.py; these
tests prove the rest: the rules behind the suggestions, that a page with a
broken information block still reads well, that ``new`` starts a safe draft
and says what to do next, and what readers see (the current tag, the hidden
tags counter, categories once, the generated indexes in the menu).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from reflections_testutil import copy_root, edit, soup, warnings_of
from sphinx_reflections.advice import near_miss, unreadable
from sphinx_reflections.cli import main
from sphinx_reflections.dates import not_a_date
from sphinx_reflections.registry import Person, likely_entry, unknown_id
from sphinx_reflections.text import tag_key

# -- the rules behind the suggestions ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("29 maj 2024", "write 2024-05-29"),
        ("29:e maj 2024", "write 2024-05-29"),
        ("onsdag 29 maj 2024", "write 2024-05-29"),
        ("May 29, 2024", "write 2024-05-29"),
        ("Wednesday, May 29, 2024", "write 2024-05-29"),
        ("29 May 2024", "write 2024-05-29"),
        ("29 sept. 2024", "write 2024-09-29"),
        ("05.29.2024", "write 2024-05-29"),
        ("2024/5/29", "write 2024-05-29"),
        ("05.06.2024", "write 2024-05-06 (May 6) or 2024-06-05 (June 5)"),
        ("sometime in 2023", "write it like 2023-05-29"),
    ],
)
def test_a_written_date_gets_that_very_date(typed: str, said: str) -> None:
    assert not_a_date("date", typed) == f"date {typed!r} is not written year-month-day; {said}"


@pytest.mark.parametrize("typed", ["2024-02-30", "30 feb 2024", "2024/13/01"])
def test_a_day_that_does_not_exist_is_said_to_be_one(typed: str) -> None:
    assert not_a_date("date", typed) == (
        f"date {typed!r} is not a day in the calendar; check the month and the day"
    )


PEOPLE = {
    "jenny": Person("jenny", "Jenny Exempel", handle="JennyExempel"),
    "bjorn": Person("bjorn", "Björn Exempel", handle="BjörnExempel"),
}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Jenny Exempel", "jenny"),  # the full name
        ("jenny exempel", "jenny"),
        ("@JennyExempel", "jenny"),  # the handle
        ("BjörnExempel", "bjorn"),
        ("jeny", "jenny"),  # a typo in the id
        ("Bjorn Exempel", "bjorn"),  # a typo in the name
        ("somebody", None),
    ],
)
def test_a_person_is_found_by_id_name_or_handle(typed: str, meant: str | None) -> None:
    found = likely_entry(typed, PEOPLE)
    assert (found.id if found else None) == meant


def test_the_suggestion_names_the_file_and_the_person() -> None:
    assert unknown_id("author", "Jenny Exempel", PEOPLE, "people.yml") == (
        "unknown author 'Jenny Exempel': people.yml has no one with this id; "
        "did you mean 'jenny' (Jenny Exempel)?"
    )
    assert unknown_id("author", "x", {}, "reflections_authors in conf.py") == (
        "unknown author 'x': reflections_authors in conf.py has no one with this id "
        "(it lists none yet)"
    )


TAGS = {tag_key(t): t for t in ("Kontaktdagen2024", "Ledarskap", "CX", "AI", "Mässa")}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Kontaktdagen2024s", "Kontaktdagen2024"),  # the Swedish genitive
        ("kontaktdagen2024S", "Kontaktdagen2024"),  # whatever the case
        ("Ledarskp", "Ledarskap"),  # one letter dropped
        ("Leadrskap", "Ledarskap"),  # two swapped
        ("Ledarskapp", "Ledarskap"),  # one added
        ("CXs", "CX"),
        ("Kontaktdagen2023", None),  # another year is another tag
        ("Ledarskap", None),  # the tag itself
        ("AJ", None),  # too short to tell a slip from another word
        ("Mässor", None),  # another form of the word
    ],
)
def test_a_slip_is_a_trailing_s_or_one_letter(typed: str, meant: str | None) -> None:
    assert near_miss(typed, TAGS) == meant


@pytest.mark.parametrize(
    "text",
    [
        "---\nreflection:\n  author: jenny\n  date: 2024-05-29\n---\n# T\n",
        "---\ntitle: not a reflection: at all\n---\n# T\n",  # MyST's to report
        "# T\n\n```yaml\n---\nreflection:\n  author: jenny\n---\n```\n",  # an example in code
        "# T\n\n---\n\nA ruler, then text.\n",
        "---\nreflection:\n  author: jenny\n  summary: >-\n    Lärdom: lyssna: mer\n---\n",
        "---\nreflection:\n  author:\n    - jenny\n    - bjorn\n  date: 2024-05-29\n---\n",
    ],
)
def test_what_reads_fine_or_is_no_reflection_block_is_left_alone(text: str) -> None:
    assert unreadable(text) is None


# -- the build ---------------------------------------------------------------------------------


def _basic(tmp_path: Path) -> Path:
    return copy_root("basic", tmp_path, "kb")


def _article(src: Path, text: str) -> None:
    """Make ``article.md`` (in the toctree of test-basic) a reflection with this text."""
    (src / "article.md").write_text(text, encoding="utf-8")


BROKEN = {
    "tab": "---\nreflection:\n\tauthor: jenny\n\tdate: 2023-05-29\n---\n",
    "colon": "---\nreflection:\n  author: jenny\n  date: 2023-05-29\n  summary: Lärdom: lyssna\n---\n",
    "hash": "---\nreflection:\n  author: jenny\n  date: 2023-05-29\n  tags: [#CX, #Mässa]\n---\n",
    "unclosed": "---\nreflection:\n  author: jenny\n  date: 2023-05-29\n",
    "space": " ---\nreflection:\n  author: jenny\n  date: 2023-05-29\n---\n",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_page_whose_block_cannot_be_read_is_still_a_readable_page(
    case: str, make_app: Any, tmp_path: Path
) -> None:
    src = _basic(tmp_path)
    _article(src, BROKEN[case] + "\n# The article\n\nIt began in a crowded hall.\n")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    found = warnings_of(app)
    # one located warning of ours, instead of MyST's "Malformed YAML" at line 1 or
    # Docutils' "may not begin with a transition"
    ours = [w for w in found if "article.md" in w]
    assert len(ours) == 1 and ours[0].endswith("[reflections.front-matter]"), found
    assert not [w for w in found if "myst" in w or "docutils" in w or "transition" in w]
    body = soup(app.outdir / "article.html").select_one("section")
    assert body.select_one("h1").get_text().rstrip("¶#") == "The article"
    assert "It began in a crowded hall." in body.get_text()
    assert "reflection" not in body.get_text() and "author:" not in body.get_text()


def test_the_build_keeps_its_hints_for_check(make_app: Any, tmp_path: Path) -> None:
    """Without reflections_writer_hints a build warns only about what readers would see."""
    src = _basic(tmp_path)
    block = "---\nreflection:\n  author: jenny\n  date: 2023-05-29\n{}---\n# A draft\n\n"
    _article(
        src, block.format("  draft: true\n") + "Start writing here.\n\nThanks @JennyExempels.\n"
    )
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert not [w for w in warnings_of(app) if "article.md" in w]
    # published, the example text is a warning of every build
    edit(src / "article.md", "  draft: true\n", "")
    app = make_app("html", srcdir=src)
    app.build()
    found = [w for w in warnings_of(app) if "article.md" in w]
    assert len(found) == 1 and "[reflections.placeholder]" in found[0]
    assert "(readers see it in lists and feeds)" in found[0]


# -- new -------------------------------------------------------------------------------------


def _project(root: Path, glob: bool) -> Path:
    (root / "essays").mkdir(parents=True)
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\n'
        'reflections_authors = "people.yml"\nexclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    (root / "people.yml").write_text("karin:\n  name: Karin Åström\n", encoding="utf-8")
    (root / "index.md").write_text("# KB\n\n```{toctree}\nessays/index\n```\n", encoding="utf-8")
    entries = ":glob:\n\n*" if glob else "older-piece"
    (root / "essays" / "index.md").write_text(
        f"# Essays\n\n```{{toctree}}\n{entries}\n```\n", encoding="utf-8"
    )
    return root


def test_new_says_what_to_do_next(tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    _project(tmp_path / "docs", glob=False)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Vad mässan lärde mig", "--author", "karin", "--dir", "docs/essays"]) == 0
    out, err = capsys.readouterr()
    assert out == "docs/essays/vad-massan-larde-mig.md\n"  # the path alone, for scripts
    assert err.splitlines() == [
        "It starts as a draft, with example text to replace. Next:",
        "  1. write your piece in docs/essays/vad-massan-larde-mig.md; replace the example "
        "summary and the first line",
        "  2. add the line vad-massan-larde-mig to the toctree in docs/essays/index.md, so the "
        "site's menu leads to it",
        "  3. run sphinx-reflections check docs: it lists what is left to fix, with the line",
        "  4. preview it: sphinx-build -b html docs docs/_build/html, then open "
        "docs/_build/html/essays/vad-massan-larde-mig.html",
        "  5. publish it: delete the line draft: true",
    ]


def test_new_in_a_folder_its_toctree_globs_skips_that_step(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    _project(tmp_path, glob=True)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "A piece", "--author", "karin", "--dir", "essays"]) == 0
    err = capsys.readouterr().err
    assert "toctree" not in err
    assert "  2. run sphinx-reflections check: it lists what is left to fix" in err


# -- what readers see -------------------------------------------------------------------------


def test_the_hidden_tags_counter_says_what_it_counts(make_app: Any, tmp_path: Path) -> None:
    src = _basic(tmp_path)
    edit(src / "essays/twenty-years.md", "tags: [CX, AI]", "tags: [CX, AI, A, B, C, D, E]")
    (src / "listing.md").write_text("# Latest\n\n```{reflections}\n```\n", encoding="utf-8")
    edit(src / "index.rst", "   article\n", "   article\n   listing\n")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    more = soup(app.outdir / "listing.html").select(".reflections-more-tags")
    assert [m.get_text().strip() for m in more] == ["+2 more tags"]
    edit(src / "essays/twenty-years.md", "E]", "]")
    app = make_app("html", srcdir=src, confoverrides={"language": "sv"})
    app.build()
    more = soup(app.outdir / "listing.html").select(".reflections-more-tags")
    assert [m.get_text().strip() for m in more] == ["+1 tagg till"]


def test_a_category_and_a_tag_of_one_word_are_one_category(make_app: Any, tmp_path: Path) -> None:
    src = _basic(tmp_path)
    edit(src / "essays/twenty-years.md", "category: Leadership", "category: ledarskap")
    edit(src / "essays/twenty-years.md", "tags: [CX, AI]", "tags: [CX, Ledarskap, cx]")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    atom = (app.outdir / "reflections/atom.xml").read_text(encoding="utf-8")
    entry = atom[atom.index("twenty-years") :]
    entry = entry[: entry.index("</entry>")]
    terms = re.findall(r'<category term="([^"]*)" label="([^"]*)"', entry)
    assert terms == [("cx", "CX"), ("ledarskap", "Ledarskap")]
    feed = json.loads((app.outdir / "reflections/feed.json").read_text(encoding="utf-8"))
    item = next(i for i in feed["items"] if i["url"].endswith("twenty-years.html"))
    assert item["tags"] == ["CX", "Ledarskap"]
    page = soup(app.outdir / "essays/twenty-years.html")
    ld = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert ld["keywords"] == ["CX", "Ledarskap"]
    tags = [m["content"] for m in page.select('meta[property="article:tag"]')]
    assert tags == ["CX", "Ledarskap"]


NAVIGATION = """\

.. toctree::
   :caption: Reflections

   reflections/index
   Hashtags <reflections/tags/index>
   reflections/events/index
"""


@pytest.mark.parametrize("builder", ["html", "dirhtml", "singlehtml", "latex", "text", "epub"])
def test_the_generated_indexes_can_be_in_the_menu(
    builder: str, make_app: Any, tmp_path: Path
) -> None:
    src = _basic(tmp_path)
    with (src / "index.rst").open("a", encoding="utf-8") as handle:
        handle.write(NAVIGATION)
    # (EPUB wants a copyright and a version)
    app = make_app(
        builder, srcdir=src, freshenv=True, confoverrides={"copyright": "2026", "version": "1"}
    )
    app.build()
    assert warnings_of(app) == []  # no "nonexisting document" in any builder
    if builder == "epub":  # an EPUB has no such pages: its table of contents leaves them out
        assert "reflections/" not in (app.outdir / "nav.xhtml").read_text(encoding="utf-8")
    if builder not in ("html", "dirhtml"):
        return
    page = soup(app.outdir / "index.html")
    links = {
        a.get_text(): a["href"]
        for a in page.select(".toctree-wrapper a")
        if "reflections/" in a["href"]
    }
    suffix = "index.html" if builder == "html" else ""
    assert links == {
        "Reflections": f"reflections/{suffix}",
        "Hashtags": f"reflections/tags/{suffix}",
        "Events": f"reflections/events/{suffix}",
    }
