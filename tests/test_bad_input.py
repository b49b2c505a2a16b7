"""A corpus of broken input: every case warns (typed, located) and nothing crashes or leaks.

Each case is one page (or registry entry) in a single project, so the whole
corpus costs one build. Then every HTML file is parsed: no author string may
have become markup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflections_testutil import soup, warnings_of

XSS = '<script>alert("x")</script>'
QUOTES = "\" ' \u201c </script> <!-- & &amp;"

# (file name, front-matter mapping or raw text, subtypes expected for that file)
PAGES: list[tuple[str, object, set[str]]] = [
    ("no-author", {"date": "2023-05-29"}, {"bad-metadata"}),
    ("no-date", {"author": "jenny"}, {"bad-metadata"}),
    ("us-date", {"author": "jenny", "date": "05.29.2023"}, {"bad-date"}),
    ("eu-date", {"author": "jenny", "date": "29/05/2023"}, {"bad-date"}),
    ("text-date", {"author": "jenny", "date": "last Tuesday"}, {"bad-date"}),
    ("feb-30", {"author": "jenny", "date": "2023-02-30"}, {"bad-date"}),
    ("number-date", {"author": "jenny", "date": 20230529}, {"bad-date"}),
    ("bad-updated", {"author": "jenny", "date": "2023-05-29", "updated": "soon"}, {"bad-date"}),
    ("unknown-author", {"author": "nobody", "date": "2023-05-29"}, {"unknown-author"}),
    ("unknown-coauthor", {"author": ["jenny", "jeny"], "date": "2023-05-29"}, {"unknown-author"}),
    ("author-number", {"author": 42, "date": "2023-05-29"}, {"bad-metadata"}),
    ("author-mapping", {"author": {"id": "jenny"}, "date": "2023-05-29"}, {"bad-metadata"}),
    ("author-empty-list", {"author": [], "date": "2023-05-29"}, {"bad-metadata"}),
    ("author-nested", {"author": [["jenny"]], "date": "2023-05-29"}, {"bad-metadata"}),
    (
        "unknown-event",
        {"author": "jenny", "date": "2023-05-29", "event": "no-such-event"},
        {"unknown-event"},
    ),
    (
        "event-list",
        {"author": "jenny", "date": "2023-05-29", "event": ["a", "b"]},
        {"bad-metadata"},
    ),
    ("tags-mapping", {"author": "jenny", "date": "2023-05-29", "tags": {"a": 1}}, {"bad-metadata"}),
    ("tags-number", {"author": "jenny", "date": "2023-05-29", "tags": 7}, {"bad-metadata"}),
    ("tags-nested", {"author": "jenny", "date": "2023-05-29", "tags": [["x"]]}, {"bad-metadata"}),
    (
        "category-list",
        {"author": "jenny", "date": "2023-05-29", "category": ["a"]},
        {"bad-metadata"},
    ),
    (
        "summary-mapping",
        {"author": "jenny", "date": "2023-05-29", "summary": {"x": 1}},
        {"bad-metadata"},
    ),
    ("draft-maybe", {"author": "jenny", "date": "2023-05-29", "draft": "maybe"}, {"bad-metadata"}),
    ("draft-number", {"author": "jenny", "date": "2023-05-29", "draft": 2}, {"bad-metadata"}),
    ("unknown-key", {"author": "jenny", "date": "2023-05-29", "colour": "blue"}, {"bad-metadata"}),
    (
        "many-unknown-keys",
        {"author": "jenny", "date": "2023-05-29", "a": 1, "b": 2},
        {"bad-metadata"},
    ),
    (
        "image-js",
        {"author": "jenny", "date": "2023-05-29", "image": "javascript:alert(1)"},
        {"unsafe-url"},
    ),
    (
        "image-data",
        {"author": "jenny", "date": "2023-05-29", "image": "data:image/png;base64,AAAA"},
        {"unsafe-url"},
    ),
    (
        "image-parent",
        {"author": "jenny", "date": "2023-05-29", "image": "../../etc/passwd"},
        {"unsafe-url"},
    ),
    (
        "image-absolute",
        {"author": "jenny", "date": "2023-05-29", "image": "//evil.example/x.png"},
        {"unsafe-url"},
    ),
    (
        "image-missing",
        {"author": "jenny", "date": "2023-05-29", "image": "nope.png"},
        {"unsafe-url"},
    ),
    (
        "image-http",
        {"author": "jenny", "date": "2023-05-29", "image": "http://example.org/x.png"},
        {"unsafe-url"},
    ),
    ("reflection-list", ["jenny"], {"bad-metadata"}),
    ("reflection-text", "just text", {"bad-metadata"}),
    ("xss-summary", {"author": "jenny", "date": "2023-05-29", "summary": XSS}, set()),
    ("xss-category", {"author": "jenny", "date": "2023-05-29", "category": XSS}, set()),
    ("xss-tags", {"author": "jenny", "date": "2023-05-29", "tags": [XSS, QUOTES]}, set()),
    ("huge-summary", {"author": "jenny", "date": "2023-05-29", "summary": "word " * 20000}, set()),
    (
        "huge-tags",
        {"author": "jenny", "date": "2023-05-29", "tags": [f"t{i}" for i in range(150)]},
        set(),
    ),
    (
        "emoji-tags",
        {"author": "jenny", "date": "2023-05-29", "tags": ["🙂", "#🎉party", "Ma\u0308ssa"]},
        set(),
    ),
    (
        "mixed-script",
        {"author": "jenny", "date": "2023-05-29", "tags": ["Kαφέ", "Мир", "שלום"]},
        set(),
    ),
    (
        "empty-values",
        {"author": "jenny", "date": "2023-05-29", "category": "", "tags": "", "summary": ""},
        set(),
    ),
    ("yaml-comment", None, {"bad-metadata"}),  # written below as raw text
    # names that would collide with the extension's own pages, or be bad file names
    (
        "reserved-tags",
        {
            "author": "jenny",
            "date": "2023-05-29",
            "tags": ["index", "atom", "feed", "events", "tags", "CON", "nul", "Tags"],
        },
        {"duplicate"},  # #index gets tags/index-2
    ),
    ("long-tag", {"author": "jenny", "date": "2023-05-29", "tags": ["å" * 200, "x" * 300]}, set()),
    ("case-tags", {"author": "jenny", "date": "2023-05-29", "tags": ["Mässa", "MÄSSA"]}, set()),
    (
        "multi-word-tags",
        {"author": "jenny", "date": "2023-05-29", "tags": ["culture change", "best-practices"]},
        set(),
    ),
    (
        "punctuation-tag",
        {"author": "jenny", "date": "2023-05-29", "tags": ["!!!", "–"]},
        {"bad-metadata"},
    ),
]

RAW = {
    "yaml-comment": "---\nreflection:\n  author: jenny\n  date: 2023-05-29\n  summary: At #Konferens2024 today\n---\n# Case\n\nText.\n",
    "malformed-yaml": "---\nreflection: [unclosed\n---\n# Case\n\nText.\n",
    "unknown-yaml-tag": "---\nreflection:\n  author: jenny\n  date: !when 2023-05-29\n---\n# Case\n\nText.\n",
    "directive-bad-option": "Case\n====\n\n.. reflection::\n   :author: jenny\n   :date: 2023-05-29\n   :mood: happy\n\nText.\n",
    "directive-twice": "Case\n====\n\n.. reflection::\n   :author: jenny\n   :date: 2023-05-29\n\n.. reflection::\n   :author: jenny\n   :date: 2023-05-30\n\nText.\n",
    "author-card-unknown": "# Case\n\n```{author-card} ghost\n```\n",
    "author-role-unknown": "# Case\n\n{author}`ghost` and {mention}`ghost`.\n",
    "hashtag-role-bad": "# Case\n\n{hashtag}`2024` and {hashtag}`#` here.\n",
    "event-directive-unknown": "# Case\n\n```{event} ghost-2023\n```\n",
    "event-inline-no-name": "# Case\n\n```{event} x\n:start: 2023-01-01\n```\n",
    "event-inline-bad-start": "# Case\n\n```{event} y\n:name: Y\n:start: tomorrow\n```\n",
    "event-inline-bad-url": "# Case\n\n```{event} z\n:name: Z\n:start: 2023-01-01\n:url: javascript:alert(1)\n```\n",
    "event-role-unknown": "# Case\n\n{event}`ghost-2023`.\n",
    "listing-unknown-author": "# Case\n\n```{reflections}\n:author: ghost\n```\n",
    "listing-unknown-event": "# Case\n\n```{reflections}\n:event: ghost-2023\n```\n",
}
RAW_EXPECT = {
    "malformed-yaml": set(),  # MyST reports it (myst.topmatter); the build goes on
    "unknown-yaml-tag": {"bad-metadata"},  # no constructor for the tag
    "directive-bad-option": {"bad-metadata"},
    "directive-twice": {"duplicate"},
    "author-card-unknown": {"unknown-author"},
    "author-role-unknown": {"unknown-author"},
    "hashtag-role-bad": {"bad-metadata"},
    "event-directive-unknown": {"unknown-event"},
    "event-inline-no-name": {"bad-metadata"},
    "event-inline-bad-start": {"bad-date"},
    "event-inline-bad-url": {"unsafe-url"},
    "event-role-unknown": {"unknown-event"},
    "listing-unknown-author": {"unknown-author"},
    "listing-unknown-event": {"unknown-event"},
}

PEOPLE = {
    "jenny": {"name": "Jenny Exempel", "handle": "JennyExempel"},
    "xss": {
        "name": XSS,
        "role": QUOTES,
        "organization": XSS,
        "bio": XSS,
        "links": {XSS: "https://example.org/?q=<b>"},
    },
    "noname": {"role": "x"},
    "badlinks": {"name": "L", "links": ["https://example.org"]},
    "jslink": {"name": "J", "links": {"Home": "javascript:alert(1)"}},
    "datalink": {"name": "D", "links": {"Home": "data:text/html,<script>alert(1)</script>"}},
    "avatar-escape": {"name": "A", "avatar": "../../../../etc/passwd"},
    "avatar-abs": {"name": "B", "avatar": "/etc/passwd"},
    "avatar-http": {"name": "C", "avatar": "http://example.org/a.png"},
    "avatar-js": {"name": "E", "avatar": "javascript:alert(1)"},
    "name-bool": {"name": True},
    "name-list": {"name": ["a"]},
    "unknown-field": {"name": "U", "shoe": 42},
    "twin": {"name": "Twin", "handle": "jennyexempel"},
    "bad id!": {"name": "Bad Id"},
    "not-a-mapping": "just a string",
    "empty": {},
    "huge": {"name": "H" * 10000, "bio": "b" * 100000},
    # ids that are the extension's own names, reserved on Windows, or too long for a file
    "atom": {"name": "Atom"},
    "index": {"name": "Index"},
    "CON": {"name": "Con"},
    "Jenny": {"name": "Jenny with a capital"},
    "x" * 300: {"name": "Long"},
}
EVENTS = {
    "ok-2023": {
        "name": XSS,
        "start": "2023-05-24",
        "location": XSS,
        "organizer": QUOTES,
        "description": XSS,
        "hashtag": "Ok2023",
    },
    "no-start": {"name": "N"},
    "bad-start": {"name": "B", "start": "24/05/2023"},
    "naive-time": {"name": "T", "start": "2023-05-24T09:00"},
    "end-before": {"name": "E", "start": "2023-05-24", "end": "2023-05-20"},
    "mixed-kinds": {"name": "M", "start": "2023-05-24", "end": "2023-05-25T10:00+02:00"},
    "js-url": {"name": "J", "start": "2023-05-24", "url": "javascript:alert(1)"},
    "unknown-field": {"name": "U", "start": "2023-05-24", "venue": "x"},
    "index": {"name": "Index event", "start": "2023-05-24"},
    "nul": {"name": "Nul event", "start": "2023-05-24"},
}


def _write_project(root: Path) -> None:
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\n'
        'reflections_authors = "people.json"\nreflections_events = "events.yml"\n'
        'html_baseurl = "https://kb.example.com/"\nexclude_patterns = ["_build"]\n'
        "suppress_warnings = ['myst.topmatter']\n",
        encoding="utf-8",
    )
    (root / "people.json").write_text(json.dumps(PEOPLE, indent=1), encoding="utf-8")
    (root / "events.yml").write_text(yaml.safe_dump(EVENTS, allow_unicode=True), encoding="utf-8")
    names = []
    for name, meta, _expected in PAGES:
        if name in RAW:
            text = RAW[name]
        else:
            front = yaml.safe_dump({"reflection": meta}, allow_unicode=True, width=10**9)
            text = f"---\n{front}---\n# Case {name}\n\nBody with #Tag as text.\n"
        (root / f"{name}.md").write_text(text, encoding="utf-8")
        names.append(name)
    for name, text in RAW.items():
        if name not in names:
            suffix = ".rst" if text.startswith("Case\n") else ".md"
            (root / f"{name}{suffix}").write_text(text, encoding="utf-8")
            names.append(name)
    toc = "\n".join(f"   {n}" for n in names)
    (root / "index.rst").write_text(
        f"Corpus\n======\n\n.. toctree::\n\n{toc}\n\n.. author-card:: xss\n\n.. hashtag-cloud::\n\n"
        ".. reflections::\n\n.. event:: ok-2023\n",
        encoding="utf-8",
    )


def test_corpus_size() -> None:
    assert len(PAGES) + len(RAW) - 1 + len(PEOPLE) + len(EVENTS) >= 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, make_app_module):
    root = tmp_path_factory.mktemp("corpus")
    _write_project(root)
    app = make_app_module("html", srcdir=root)
    app.build()
    return app


@pytest.fixture(scope="module")
def make_app_module():
    from sphinx.testing.util import SphinxTestApp

    apps = []

    def make(*args, **kwargs):
        from io import StringIO

        kwargs.setdefault("status", StringIO())
        kwargs.setdefault("warning", StringIO())
        app = SphinxTestApp(*args, **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.cleanup()


def _by_file(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in warnings_of(app):
        match = re.match(r"^(.*?):(\d+): WARNING: .* \[reflections\.([\w-]+)\]$", line)
        if match:
            found.setdefault(Path(match.group(1)).stem, set()).add(match.group(3))
    return found


def test_every_case_warns_typed_and_located(corpus) -> None:
    text = corpus._warning.getvalue()
    assert "Traceback" not in text and "Exception" not in text
    unlocated = [
        w
        for w in warnings_of(corpus)
        if "[reflections." in w and not re.match(r"^.+:\d+: WARNING", w)
    ]
    assert unlocated == []
    by_file = _by_file(corpus)
    expected = {name: subtypes for name, _m, subtypes in PAGES} | RAW_EXPECT
    for name, subtypes in expected.items():
        assert subtypes <= by_file.get(name, set()), (name, by_file.get(name))


def test_every_registry_problem_is_reported(corpus) -> None:
    registry_lines = [
        w for w in warnings_of(corpus) if re.match(r"^.+(people\.json|events\.yml):\d+: WARNING", w)
    ]
    text = "\n".join(registry_lines)
    for ident in (
        "noname",
        "badlinks",
        "jslink",
        "datalink",
        "avatar-escape",
        "avatar-abs",
        "avatar-http",
        "avatar-js",
        "name-bool",
        "name-list",
        "unknown-field",
        "twin",
        "bad id!",
        "not-a-mapping",
        "empty",
    ):
        assert f"'{ident}'" in text, ident
    for ident in (
        "no-start",
        "bad-start",
        "naive-time",
        "end-before",
        "mixed-kinds",
        "js-url",
        "unknown-field",
    ):
        assert f"event '{ident}'" in text or f"of '{ident}'" in text, ident
    renamed = [w for w in registry_lines if "would be written to" in w]
    assert any("(index) would be written to 'reflections/authors/index'" in w for w in renamed)
    assert any("(Jenny) would be written to 'reflections/authors/Jenny'" in w for w in renamed)
    assert any("(index) would be written to 'reflections/events/index'" in w for w in renamed)
    assert all(w.endswith("[reflections.duplicate]") for w in renamed)
    assert all(
        w.startswith(("reflections_authors", "reflections_events"), w.index("WARNING: ") + 9)
        for w in registry_lines
        if w not in renamed
    )


def test_no_author_string_becomes_markup(corpus) -> None:
    outdir = Path(corpus.outdir)
    pages = sorted(outdir.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        tree = soup(page)
        for script in tree.find_all("script"):
            if script.get("type") == "application/ld+json":
                json.loads(script.string)  # still valid JSON
                assert "</script" not in script.string
            else:
                assert script.get("src") or "alert" not in (script.string or ""), page
        for element in tree.find_all(True):
            for attr, value in element.attrs.items():
                assert not attr.lower().startswith("on"), (page, element)
                if attr in ("href", "src"):
                    assert not str(value).strip().lower().startswith(("javascript:", "data:")), (
                        page,
                        value,
                    )
    xss_page = soup(outdir / "reflections/authors/xss.html")
    assert XSS in xss_page.select_one(".reflections-author-bio").get_text()
    for feed in ("reflections/atom.xml", "reflections/feed.json"):
        data = (outdir / feed).read_text(encoding="utf-8")
        assert "<script>alert" not in data.replace("&lt;script&gt;", "")


metadata_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=30),
    st.dates().map(str),
    st.lists(st.text(max_size=10), max_size=4),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    meta=st.dictionaries(
        st.sampled_from(
            [
                "author",
                "date",
                "category",
                "tags",
                "event",
                "summary",
                "image",
                "updated",
                "draft",
                "x",
            ]
        ),
        metadata_values,
        max_size=9,
    )
)
def test_random_metadata_never_crashes(tmp_path_factory, make_app_module, meta) -> None:
    root = tmp_path_factory.mktemp("random")
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\n'
        'reflections_authors = {"jenny": {"name": "Jenny"}}\nhtml_baseurl = "https://x.example/"\n',
        encoding="utf-8",
    )
    front = yaml.safe_dump({"reflection": meta}, allow_unicode=True)
    (root / "index.md").write_text(f"---\n{front}---\n# Random\n\nText #Tag.\n", encoding="utf-8")
    app = make_app_module("html", srcdir=root)
    app.build()
    assert "Traceback" not in app._warning.getvalue()
    assert (Path(app.outdir) / "index.html").is_file()
