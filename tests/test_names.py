"""Names never overwrite anything, and tags are written as real blogs write them (issue 13)."""

from __future__ import annotations

import builtins
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflections_testutil import copy_root, soup, warnings_of
from sphinx_reflections.domain import get_domain
from sphinx_reflections.files import STEM_BYTES, safe_stem
from sphinx_reflections.text import collation_key, index_letter, is_colour_code, scan, tag_key

pytestmark = pytest.mark.usefixtures("build_date")


class Writes:
    """Every file opened for writing under a folder, counted per path, while a build runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.root = root.resolve()
        self.count: Counter[str] = Counter()
        real_open = builtins.open

        def recording_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, str | Path) and any(m in mode for m in "wax+"):
                path = Path(file).resolve()
                if path.is_relative_to(self.root) and not path.name.startswith(
                    ".reflections-scratch"
                ):
                    self.count[path.relative_to(self.root).as_posix()] += 1
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", recording_open)
        monkeypatch.setattr(io, "open", recording_open)

    def twice(self) -> list[str]:
        return sorted(path for path, n in self.count.items() if n > 1)


PEOPLE = """
jenny:
  name: Jenny Exempel
  handle: JennyExempel
Jenny:
  name: Jenny Andersson
atom:
  name: Atom Person
feed:
  name: Feed Person
index:
  name: Index Person
con:
  name: Con Person
bjorn:
  name: Björn Öhman
"""

EVENTS = """
index:
  name: An event called index
  start: 2023-05-24
  hashtag: Index
events:
  name: An event called events
  start: 2023-05-25
"""

LONG_TAG = "å" * 200


def _names_root(tmp_path: Path) -> Path:
    src = copy_root("basic", tmp_path)
    (src / "people.yml").write_text(PEOPLE, encoding="utf-8")
    (src / "events.yml").write_text(EVENTS, encoding="utf-8")
    conf = src / "conf.py"
    conf.write_text(conf.read_text() + 'reflections_events = "events.yml"\n', encoding="utf-8")
    (src / "names.md").write_text(
        "---\nreflection:\n  author: [atom, feed, index, con, Jenny]\n  date: 2024-01-02\n"
        "  tags: [index, atom, feed, events, con, CX]\n---\n"
        f"# Names\n\nAbout #Index and #{LONG_TAG} and #Tags.\n",
        encoding="utf-8",
    )
    (src / "reflections/tags").mkdir(parents=True)
    (src / "reflections/tags/ai.md").write_text("# A page of our own\n\nText.\n")
    index = src / "index.rst"
    index.write_text(
        index.read_text() + "\n.. toctree::\n\n   names\n   reflections/tags/ai\n",
        encoding="utf-8",
    )
    return src


@pytest.fixture
def names_root(tmp_path: Path) -> Path:
    return _names_root(tmp_path)


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_no_name_overwrites_anything(
    make_app: Any, names_root: Path, monkeypatch: pytest.MonkeyPatch, builder: str
) -> None:
    app = make_app(builder, srcdir=names_root, freshenv=True)
    writes = Writes(monkeypatch, app.outdir)
    app.build()
    assert writes.count, "the hook saw no write at all"
    assert writes.twice() == []
    out = Path(app.outdir)

    def page(name: str) -> Path:
        return out / (f"{name}.html" if builder == "html" else f"{name}/index.html")

    # the site's feeds are the site's, whatever the people are called
    feed = json.loads((out / "reflections/feed.json").read_text(encoding="utf-8"))
    assert len(feed["items"]) >= 4
    assert (out / "reflections/authors/atom.xml").is_file()
    assert "Atom Person" in soup(page("reflections/authors/atom")).get_text()
    # a tag, a person and an event named index do not replace the indexes
    assert soup(out / "reflections/tags/index.html").select("nav.reflections-hashtag-cloud")
    assert "#Index" in soup(page("reflections/tags/index-2")).get_text()
    assert "Index Person" in soup(page("reflections/authors/index-2")).get_text()
    assert "An event called index" in soup(page("reflections/events/index-2")).get_text()
    assert (out / "reflections/events/index-2.ics").is_file()
    assert soup(out / "reflections/events/index.html").select("aside.reflections-event")
    # names Windows reserves, and names that differ only by case
    assert "Con Person" in soup(page("reflections/authors/con-x")).get_text()
    assert "Jenny Exempel" in soup(page("reflections/authors/jenny")).get_text()
    assert "Jenny Andersson" in soup(page("reflections/authors/Jenny-2")).get_text()
    # a document of our own at the place of a tag page keeps it
    assert "A page of our own" in soup(page("reflections/tags/ai")).get_text()
    assert "#AI" in soup(page("reflections/tags/ai-2")).get_text()
    # a tag longer than a file name may be
    long_pages = [p for p in (out / "reflections/tags").iterdir() if p.name.startswith("ååå")]
    assert long_pages and all(len(p.name.encode()) <= 255 for p in long_pages)
    # each collision is a located duplicate warning; nothing else is wrong
    text = "\n".join(warnings_of(app))
    assert "Traceback" not in text
    duplicates = [w for w in warnings_of(app) if "[reflections.duplicate]" in w]
    assert any("names.md:" in w and "#Index would be written to" in w for w in duplicates)
    assert any("people.yml:5" in w and "Jenny Andersson" in w for w in duplicates)
    assert any("people.yml:11" in w and "'reflections/authors/index-2'" in w for w in duplicates)
    assert any("events.yml:2" in w and "'reflections/events/index-2'" in w for w in duplicates)
    assert any("second.rst:4" in w and "the document" in w for w in duplicates if "ai-2" in w)
    others = [w for w in warnings_of(app) if "[reflections.duplicate]" not in w]
    assert others == [], others


def test_the_same_names_with_html_and_dirhtml(make_app: Any, names_root: Path) -> None:
    """A page's URL does not depend on the builder: collisions count for both."""
    pages = []
    for builder in ("html", "dirhtml"):
        app = make_app(builder, srcdir=names_root, freshenv=True)
        app.build()
        pages.append(get_domain(app.env).outputs)
    assert pages[0] == pages[1]
    assert "reflections/events/events" in pages[0][0]


def test_safe_stem() -> None:
    assert safe_stem("cx") == "cx"
    assert safe_stem("con") == "con-x" and safe_stem("NUL") == "NUL-x"
    assert safe_stem("com1") == "com1-x" and safe_stem("lpt9.txt") == "lpt9.txt-x"
    long = safe_stem(LONG_TAG)
    assert len(long.encode()) <= STEM_BYTES and long == safe_stem(LONG_TAG)
    assert safe_stem(LONG_TAG) != safe_stem(LONG_TAG + "x")
    assert safe_stem("jenny.") != "jenny." and not safe_stem("jenny.").endswith(".")


# -- names drawn at random, reserved ones among them -------------------------------------------

RESERVED = ["index", "atom", "feed", "events", "tags", "authors", "con", "nul", "Index", "ATOM"]
NAMES = st.sampled_from([*RESERVED, "cx", "CX", "jenny", "Jenny", "a" * 250, "a" * 251])


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(NAMES, min_size=1, max_size=4, unique=True),
    tags=st.lists(NAMES, min_size=1, max_size=4),
    events=st.lists(NAMES, max_size=2, unique=True),
)
def test_any_names_build_and_never_share_a_file(
    make_app: Any,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    people: list[str],
    tags: list[str],
    events: list[str],
) -> None:
    src = tmp_path_factory.mktemp("names")
    registry = "".join(f"{p}:\n  name: Person {i}\n" for i, p in enumerate(people))
    (src / "people.yml").write_text(registry, encoding="utf-8")
    calendar = "".join(
        f"{e}:\n  name: Event {i}\n  start: 2023-05-0{i + 1}\n" for i, e in enumerate(events)
    )
    (src / "events.yml").write_text(calendar or "{}\n", encoding="utf-8")
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\n'
        'reflections_authors = "people.yml"\nreflections_events = "events.yml"\n'
        'html_baseurl = "https://kb.example.com/"\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\nnames\n```\n", encoding="utf-8")
    (src / "names.md").write_text(
        f"---\nreflection:\n  author: [{', '.join(people)}]\n  date: 2024-01-02\n"
        f"  tags: [{', '.join(tags)}]\n---\n# Names\n\nText.\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src, freshenv=True)
    writes = Writes(monkeypatch, app.outdir)
    app.build()
    assert writes.twice() == []
    problems = [w for w in warnings_of(app) if "[reflections.duplicate]" not in w]
    assert problems == [], problems
    out = Path(app.outdir, "reflections")
    for person in people:
        pages = [
            p
            for p in (out / "authors").glob("*.html")
            if f"Person {people.index(person)}<" in p.read_text()
        ]
        assert pages, person


# -- tags as real blogs write them -----------------------------------------------------------------


def test_tag_identity_folds_case_form_and_separators() -> None:
    assert {
        tag_key(t)
        for t in (
            "culture change",
            "culture-change",
            "#CultureChange",
            "#culture_change",
            "Culture\u00a0Change",
        )
    } == {"culturechange"}
    assert tag_key("Mässa2024") != tag_key("Massa2024")
    assert tag_key("ﬁka") == tag_key("fika")  # compatibility forms fold (NFKC)


def test_colour_codes_are_not_hashtags_in_prose() -> None:
    text = "Brand colours #fff, #C0FFEE and #1e90ffcc; the tag #Kundresa and #Cafeteria."
    assert [f.value for f in scan(text, None)] == ["Kundresa", "Cafeteria"]
    assert is_colour_code("abc") and is_colour_code("abcd") and is_colour_code("c0ffee")
    assert not is_colour_code("abcde") and not is_colour_code("cafeteria")


def test_multi_word_tags_are_one_tag_with_one_page(make_app: Any, tmp_path: Path) -> None:
    src = copy_root("basic", tmp_path)
    (src / "culture.md").write_text(
        "---\nreflection:\n  author: jenny\n  date: 2024-03-01\n"
        "  tags: [culture change, best practices]\n---\n"
        "# Culture\n\nOn #CultureChange, #culture_change and #BestPractices.\n",
        encoding="utf-8",
    )
    (src / "more.md").write_text(
        "---\nreflection:\n  author: jenny\n  date: 2024-03-02\n  tags: [culture-change]\n---\n"
        "# More\n\nText.\n",
        encoding="utf-8",
    )
    index = src / "index.rst"
    index.write_text(index.read_text() + "\n.. toctree::\n\n   culture\n   more\n")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    out = Path(app.outdir, "reflections/tags")
    page = soup(out / "culturechange.html")
    # one spelling: each is used once here, so code point order decides
    assert page.select_one("h1").get_text(strip=True).startswith("#CultureChange")
    listed = {a.get_text(strip=True) for a in page.select(".reflections-entry-title a")}
    assert listed == {"Culture", "More"}
    assert not (out / "culture-change.html").exists()
    assert (out / "bestpractices.html").is_file()
    cloud = soup(out / "index.html").select("nav.reflections-hashtag-cloud li")
    assert len([li for li in cloud if "culture" in li.get_text().casefold()]) == 1


def test_the_tag_registry_names_describes_and_aliases(make_app: Any, tmp_path: Path) -> None:
    src = copy_root("basic", tmp_path)
    (src / "tags.yml").write_text(
        "customer-experience:\n  name: CX\n"
        "  description: How customers feel about what we do.\n"
        "  aliases: [Kundupplevelse, customer experience]\n",
        encoding="utf-8",
    )
    conf = src / "conf.py"
    conf.write_text(conf.read_text() + 'reflections_tags = "tags.yml"\n', encoding="utf-8")
    (src / "alias.md").write_text("# Alias\n\nAbout #Kundupplevelse.\n", encoding="utf-8")
    index = src / "index.rst"
    index.write_text(index.read_text() + "\n.. toctree::\n\n   alias\n")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    out = Path(app.outdir, "reflections/tags")
    page = soup(out / "customer-experience.html")
    assert page.select_one("h1").get_text(strip=True).startswith("#CX")
    assert page.select_one("p.reflections-tag-description").get_text() == (
        "How customers feel about what we do."
    )
    assert "Alias" in page.get_text()  # #Kundupplevelse is the same tag
    assert not (out / "cx.html").exists()
    redirect = (out / "kundupplevelse.html").read_text(encoding="utf-8")
    assert 'content="0; url=customer-experience.html"' in redirect
    tags_index = soup(out / "index.html")
    about = tags_index.select_one("dl.reflections-tag-descriptions")
    assert about is not None and "How customers feel" in about.get_text()


# -- the general index -----------------------------------------------------------------------------


def test_index_letters_and_order() -> None:
    assert index_letter("#baldersbröd", "en") == "B"
    assert index_letter("Öhman", "en") == "O" and index_letter("Öhman", "sv") == "Ö"
    words = ["Öhman", "Zorn", "Åsa", "Ärlig", "#baldersbröd", "Bank"]
    assert sorted(words, key=lambda w: collation_key(w, "sv")) == [
        "#baldersbröd",
        "Bank",
        "Zorn",
        "Åsa",
        "Ärlig",
        "Öhman",
    ]
    assert sorted(words, key=lambda w: collation_key(w, "en"))[-2:] == ["Öhman", "Zorn"]


def _index_root(tmp_path: Path) -> Path:
    src = copy_root("basic", tmp_path)
    (src / "idx.md").write_text(
        "# Index words\n\nWe baked #baldersbröd, #Ölbryggning, #Zebra, #Äpple and #Åska "
        "with @JennyExempel.\n\n```{index} Oslo\n```\n",
        encoding="utf-8",
    )
    index = src / "index.rst"
    index.write_text(index.read_text() + "\n.. toctree::\n\n   idx\n")
    return src


def _groups(path: Path) -> Iterator[tuple[str, list[str]]]:
    page = soup(path)
    for heading in page.select("h2"):
        table = heading.find_next("table")
        if table is not None:
            yield (
                heading.get_text(strip=True),
                [a.get_text(strip=True) for a in table.select("li > a")],
            )


@pytest.mark.parametrize(
    ("language", "letters"),
    [("en", ["B", "J", "O", "Z"]), ("sv", ["B", "J", "O", "Z", "Å", "Ä", "Ö"])],
)
def test_hashtags_are_filed_under_their_letter(
    make_app: Any, tmp_path: Path, language: str, letters: list[str]
) -> None:
    app = make_app("html", srcdir=_index_root(tmp_path), confoverrides={"language": language})
    app.build()
    groups = dict(_groups(Path(app.outdir, "genindex.html")))
    assert "Symbols" not in groups and "Symboler" not in groups
    assert [g for g in groups if g in letters] == letters
    assert "#baldersbröd" in groups["B"]
    if language == "sv":
        assert groups["Ö"] == ["#Ölbryggning"] and groups["Ä"] == ["#Äpple"]


def test_the_pdf_index_files_hashtags_under_their_letter(make_app: Any, tmp_path: Path) -> None:
    app = make_app("latex", srcdir=_index_root(tmp_path))
    app.build()
    tex = "".join(p.read_text(encoding="utf-8") for p in Path(app.outdir).glob("*.tex"))
    assert r"\index{baldersbröd@\spxentry{\#baldersbröd}}" in tex
    assert r"\index{Jenny Exempel@\spxentry{Jenny Exempel}}" in tex
    assert r"\index{\#" not in tex
