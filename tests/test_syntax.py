"""Every directive and role gives the same doctree in MyST and in rST, and the right one.

tests/roots/test-syntax has each page twice, ``pages/<name>.md`` and
``pages/<name>.rst``, with the same content. The root is built twice, once
without the rST pages and once without the MyST ones, so both builds have the
same docnames and the trees compare as they are. Each page's resolved doctree
must (a) be the same in both syntaxes, (b) equal its snapshot in
tests/snapshots/syntax/ (``UPDATE_SNAPSHOTS=1`` rewrites them; read the diff),
and (c) hold the facts asserted below, so a snapshot written from a wrong tree
cannot make a wrong tree pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from docutils import nodes
from sphinx import addnodes
from sphinx.testing.util import SphinxTestApp

from reflections_testutil import (
    BUILD_EPOCH,
    check_snapshot,
    copy_root,
    doctree_text,
    resolved_doctree,
    warnings_of,
)
from sphinx_reflections import nodes as rnodes

PAGES = (
    "byline",  # the reflection directive
    "frontmatter",  # reflection: front matter in MyST, the directive in rST
    "author-card",
    "hashtag-cloud",
    "event-registry",
    "event-inline",
    "listing",
    "role-author",
    "role-hashtag",
    "role-mention",
    "role-event",
)
SYNTAXES = {"myst": "pages/*.rst", "rst": "pages/*.md"}  # syntax -> the files left out
UNRESOLVED = ("byline",)  # pages whose doctree is also snapshotted before resolution


@dataclass(frozen=True)
class Built:
    """One syntax's build: resolved and unresolved doctree of every page, and warnings."""

    resolved: dict[str, nodes.document]
    unresolved: dict[str, nodes.document]
    warnings: list[str]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    found: dict[str, Built] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)  # "upcoming" depends on the day
        for syntax, left_out in SYNTAXES.items():
            root = tmp_path_factory.mktemp(f"syntax-{syntax}")
            app = SphinxTestApp(
                "html",
                srcdir=copy_root("syntax", root, "src"),
                builddir=root / "_build",
                confoverrides={"exclude_patterns": ["_build", left_out]},
                freshenv=True,
                status=StringIO(),
                warning=StringIO(),
            )
            try:
                app.build()
                docnames = [f"pages/{page}" for page in PAGES]
                assert sorted(app.env.found_docs) == sorted([*docnames, "index"])
                found[syntax] = Built(
                    {d: resolved_doctree(app, d) for d in docnames},
                    {d: app.env.get_doctree(d) for d in docnames},
                    warnings_of(app),
                )
            finally:
                app.cleanup()
    yield found


def test_builds_are_clean(builds: dict[str, Built]) -> None:
    for syntax, built in builds.items():
        assert built.warnings == [], syntax


@pytest.mark.parametrize("page", PAGES)
def test_myst_and_rst_give_the_same_tree(builds: dict[str, Built], page: str) -> None:
    docname = f"pages/{page}"
    myst, rst = (doctree_text(builds[s].resolved[docname]) for s in ("myst", "rst"))
    assert myst == rst
    check_snapshot(
        f"syntax/{page}.txt",
        myst,
        f"resolved doctree of pages/{page} (html), the same in MyST and rST",
    )


@pytest.mark.parametrize("page", UNRESOLVED)
def test_unresolved_tree(builds: dict[str, Built], page: str) -> None:
    docname = f"pages/{page}"
    myst, rst = (doctree_text(builds[s].unresolved[docname]) for s in ("myst", "rst"))
    assert myst == rst
    check_snapshot(
        f"syntax/{page}.unresolved.txt",
        myst,
        f"doctree of pages/{page} as read (before resolution), the same in MyST and rST",
    )


# -- the facts, per page ---------------------------------------------------------------------


def _all(tree: nodes.Node, cls: type[nodes.Element], **attrs: Any) -> list[Any]:
    """Every ``cls`` node in ``tree`` whose attributes include ``attrs``."""
    return [n for n in tree.findall(cls) if all(n.get(k) == v for k, v in attrs.items())]


def _one(tree: nodes.Node, cls: type[nodes.Element], **attrs: Any) -> Any:
    found = _all(tree, cls, **attrs)
    assert len(found) == 1, (cls.__name__, attrs, len(found))
    return found[0]


def _with_class(tree: nodes.Node, name: str) -> list[nodes.Element]:
    return [n for n in tree.findall(nodes.Element) if name in n["classes"]]


def _has_class(name: str) -> Any:
    """A ``next_node`` condition: an element with this class."""
    return lambda n: isinstance(n, nodes.Element) and name in n["classes"]


def _links(tree: nodes.Node) -> list[tuple[str, str]]:
    """``(text, refuri)`` of every reference."""
    return [(r.astext(), r["refuri"]) for r in tree.findall(nodes.reference)]


def _hashtags(tree: nodes.Node) -> list[tuple[str, str | None]]:
    """``(#Tag, refuri or None)`` of every hashtag: a link, or text without a tag page."""
    found = []
    for tag in _with_class(tree, "reflections-hashtag"):
        parent = tag.parent
        found.append(
            (tag.astext(), parent["refuri"] if isinstance(parent, nodes.reference) else None)
        )
    return found


@pytest.fixture(params=list(SYNTAXES))
def tree_of(request: pytest.FixtureRequest, builds: dict[str, Built]) -> Any:
    """The resolved doctree of a page, in each syntax in turn."""
    built = builds[request.param]
    return lambda page: built.resolved[f"pages/{page}"]


def _check_nothing_left_unresolved(tree: nodes.Node) -> None:
    assert not list(tree.findall(addnodes.pending_xref))
    assert not list(tree.findall(rnodes.reflection_meta))
    assert not list(tree.findall(rnodes.reflections_cloud))
    assert not list(tree.findall(rnodes.reflections_listing))
    assert not list(tree.findall(nodes.system_message))


def test_every_page_is_resolved(tree_of: Any) -> None:
    for page in PAGES:
        _check_nothing_left_unresolved(tree_of(page))


NAMES = {"jenny": "Jenny Exempel", "bjorn": "Björn Öhman"}


def _check_byline(byline: Any, people: list[str], date: str, category: str) -> None:
    authors = byline.next_node(rnodes.reflections_byline_authors)
    cards = _all(authors, rnodes.reflections_compact_card)
    assert [c["person"] for c in cards] == people
    assert _links(authors) == [(NAMES[p], f"../reflections/authors/{p}.html") for p in people]
    dates = _all(byline, rnodes.reflections_time)
    assert dates[0]["datetime"] == date and "reflections-date" in dates[0]["classes"]
    (section,) = _with_class(byline, "reflections-category")
    assert section.astext() == category


def test_reflection_directive(tree_of: Any) -> None:
    tree = tree_of("byline")
    section = tree.next_node(nodes.section)
    assert isinstance(section[0], nodes.title) and section[0].astext() == "The piece"
    byline = section[1]
    assert isinstance(byline, rnodes.reflections_byline)  # right under the title
    assert byline["classes"] == ["reflections-byline"]
    assert len(_all(tree, rnodes.reflections_byline)) == 1
    _check_byline(byline, ["jenny", "bjorn"], "2023-05-29", "Leadership")
    (avatar,) = _all(byline, rnodes.reflections_avatar)  # Björn has none
    assert (avatar["person"], avatar["src"], avatar["alt"]) == (
        "jenny",
        "../_reflections/avatars/jenny.svg",
        "",  # decorative: the name is right next to it
    )
    (updated,) = _with_class(byline, "reflections-updated")
    assert updated.next_node(rnodes.reflections_time)["datetime"] == "2023-06-02"
    assert _hashtags(byline) == [
        ("#CX", "../reflections/tags/cx.html"),
        ("#AI", "../reflections/tags/ai.html"),
    ]
    assert [r.astext() for r in _with_class(byline, "reflections-reading-time")] == ["1 min read"]
    assert section[2].astext() == "Five words of prose here."
    assert len(section) == 3  # the directive itself left nothing behind


def test_reflection_directive_unresolved(builds: dict[str, Built]) -> None:
    """The stored doctree keeps a byline's place and its piece; the names, dates and
    hashtags are made when the page is written, from the domain."""
    for built in builds.values():
        tree = built.unresolved["pages/byline"]
        (stored,) = _all(tree, rnodes.reflections_byline)
        assert stored["piece"] == "pages/byline" and not stored.children
        assert not list(tree.findall(addnodes.pending_xref))
        assert not list(tree.findall(rnodes.reflection_meta))  # read, then dropped
        (line,) = _all(built.resolved["pages/byline"], rnodes.reflections_byline)
        assert "piece" not in line
        people = [c["person"] for c in line.findall(rnodes.reflections_compact_card)]
        assert people == ["jenny", "bjorn"]
        (avatar,) = _all(line, rnodes.reflections_avatar)
        assert avatar["uri"].endswith("_static/people/jenny.svg")
        assert [r.astext() for r in line.findall(nodes.reference)][-2:] == ["#CX", "#AI"]


def test_front_matter_and_directive(tree_of: Any) -> None:
    tree = tree_of("frontmatter")
    byline = _one(tree, rnodes.reflections_byline)
    _check_byline(byline, ["jenny"], "2023-04-01", "Strategy")
    assert _hashtags(byline) == [("#AI", "../reflections/tags/ai.html")]
    # the front matter is not shown on the page
    assert "reflection" not in tree.astext().lower()
    assert not list(tree.findall(nodes.field_list)) and not list(tree.findall(nodes.docinfo))


def test_author_card(tree_of: Any) -> None:
    tree = tree_of("author-card")
    card = _one(tree, rnodes.reflections_author_card, person="jenny")
    assert card["aria-label"] == "About Jenny Exempel"
    assert "reflections-author-card" in card["classes"] and "sd-card" in card["classes"]
    avatar = _one(card, rnodes.reflections_avatar)
    assert (avatar["src"], avatar["alt"], avatar["size"]) == (
        "../_reflections/avatars/jenny.svg",
        "Jenny Exempel",
        96,
    )
    texts = {
        c: [n.astext() for n in _with_class(card, c)]
        for c in ("reflections-author-role", "reflections-author-bio")
    }
    assert texts == {
        "reflections-author-role": ["Marknadsdirektör, Exempelbolaget Nordic"],
        "reflections-author-bio": ["Twenty years in customer experience."],
    }
    assert _links(card) == [
        ("Jenny Exempel", "../reflections/authors/jenny.html"),
        ("LinkedIn", "https://www.linkedin.com/in/example"),
        ("All reflections by Jenny Exempel", "../reflections/authors/jenny.html"),
    ]
    # :compact: gives the byline's one-line card, in a paragraph that takes :class:
    compact = _one(tree, rnodes.reflections_compact_card, person="bjorn")
    assert isinstance(compact.parent, nodes.paragraph) and compact.parent["classes"] == ["team"]
    assert "reflections-author-card-compact" in compact["classes"]
    assert _links(compact) == [("Björn Öhman", "../reflections/authors/bjorn.html")]
    assert [n.astext() for n in _with_class(compact, "reflections-author-role")] == ["CEO"]
    assert not list(compact.findall(rnodes.reflections_avatar))


def test_hashtag_cloud(tree_of: Any) -> None:
    full, short = _all(tree_of("hashtag-cloud"), rnodes.reflections_nav)
    for cloud in (full, short):
        assert cloud["aria-label"] == "Hashtags"
        assert "reflections-hashtag-cloud" in cloud["classes"]
    assert "short" in short["classes"]

    def items(cloud: Any) -> list[tuple[str, str | None, str, list[str]]]:
        return [
            (
                tag,
                uri,
                item.next_node(_has_class("reflections-count")).astext(),
                item["classes"],
            )
            for item in cloud.findall(nodes.list_item)
            for tag, uri in _hashtags(item)
        ]

    # counted over the site: #AI in both reflections' tags, #CX in one byline and the
    # hashtag role page, #Kontaktdagen2023 on the role page only
    assert items(full) == [
        ("#AI", "../reflections/tags/ai.html", " (2)", ["reflections-weight-5"]),
        ("#CX", "../reflections/tags/cx.html", " (2)", ["reflections-weight-5"]),
        (
            "#Kontaktdagen2023",
            "../reflections/tags/kontaktdagen2023.html",
            " (1)",
            ["reflections-weight-1"],
        ),
    ]
    assert items(short) == items(full)[:2]  # :limit: 2 keeps the most used


def test_event_from_the_registry(tree_of: Any) -> None:
    event = _one(tree_of("event-registry"), rnodes.reflections_event, event="kontaktdagen-2023")
    assert event["aria-label"] == "Event: Kontaktdagen 2023"
    when = _one(event, rnodes.reflections_time)
    assert when["datetime"] == "2023-05-24"
    assert when.astext() == "May 24\u2009–\u200925, 2023"
    assert not _with_class(event, "reflections-upcoming")  # over before the build date
    assert _hashtags(event) == [("#Kontaktdagen2023", "../reflections/tags/kontaktdagen2023.html")]
    assert _links(event) == [
        ("Kontaktdagen 2023", "../reflections/events/kontaktdagen-2023.html"),
        ("#Kontaktdagen2023", "../reflections/tags/kontaktdagen2023.html"),
        ("Event website", "https://example.org/kontaktdagen"),
        ("Add to calendar", "../reflections/events/kontaktdagen-2023.ics"),
        ("All reflections about this event", "../reflections/events/kontaktdagen-2023.html"),
    ]
    assert [n.astext() for n in _with_class(event, "reflections-event-location")] == [
        "Location: Stockholm"
    ]


def test_event_defined_inline(tree_of: Any) -> None:
    event = _one(tree_of("event-inline"), rnodes.reflections_event, event="kickoff-2026")
    assert event["aria-label"] == "Event: Internal kick-off"
    assert _one(event, rnodes.reflections_time)["datetime"] == "2026-01-15T09:00:00+01:00"
    assert [n.astext() for n in _with_class(event, "reflections-upcoming")] == ["Upcoming"]
    # no page uses #Kickoff26, so there is no tag page to link to
    assert _hashtags(event) == [("#Kickoff26", None)]
    assert [n.astext() for n in _with_class(event, "reflections-event-description")] == [
        "A day for the evening shift."
    ]
    assert _links(event)[0] == ("Internal kick-off", "../reflections/events/kickoff-2026.html")
    assert ("Event website", "https://example.org/kickoff") in _links(event)


def _entries(block: nodes.Node) -> list[tuple[str, str]]:
    return [
        _links(entry.next_node(_has_class("reflections-entry-title")))[0]
        for entry in block.findall(rnodes.reflections_entry)
    ]


def test_reflections_listing(tree_of: Any) -> None:
    section = tree_of("listing").next_node(nodes.section)
    listing, grid, empty = section[1:]
    assert isinstance(listing, nodes.bullet_list) and listing["classes"] == ["reflections-list"]
    assert _entries(listing) == [("The piece", "byline.html"), ("Front matter", "frontmatter.html")]
    assert not _with_class(listing, "reflections-summary")  # :show-summary: no
    assert len(_all(listing, rnodes.reflections_byline)) == 2
    assert {"reflections-list", "reflections-grid", "newest"} <= set(grid["classes"])
    assert _entries(grid) == [("The piece", "byline.html")]  # :limit: 1, the newest
    assert [n.astext() for n in _with_class(grid, "reflections-summary")] == [
        "The same piece, in two syntaxes."
    ]
    assert isinstance(empty, nodes.paragraph) and empty["classes"] == ["reflections-empty"]
    assert empty.astext() == "No reflections match."


def _paragraph(tree: nodes.Node) -> nodes.paragraph:
    return tree.next_node(nodes.section).next_node(nodes.paragraph)


def test_author_role(tree_of: Any) -> None:
    para = _paragraph(tree_of("role-author"))
    assert _links(para) == [
        ("Jenny Exempel", "../reflections/authors/jenny.html"),
        ("the CEO", "../reflections/authors/bjorn.html"),
    ]
    assert [n.astext() for n in _with_class(para, "reflections-author")] == [
        "Jenny Exempel",
        "the CEO",
    ]
    assert para.astext() == "Written by Jenny Exempel; ask the CEO."


def _indexed(para: nodes.Node) -> list[tuple[str, str]]:
    """``(entry text, target id)`` of each index entry, checked to point at the next target."""
    found = []
    for index in para.findall(addnodes.index):
        ((kind, text, target, _main, _key),) = index["entries"]
        following = index.next_node(nodes.target, siblings=True, descend=False)
        assert kind == "single" and following is not None and target in following["ids"]
        found.append((text, target))
    return found


def test_hashtag_role(tree_of: Any) -> None:
    para = _paragraph(tree_of("role-hashtag"))
    assert _hashtags(para) == [
        ("#Kontaktdagen2023", "../reflections/tags/kontaktdagen2023.html"),
        ("#CX", "../reflections/tags/cx.html"),
    ]
    assert [text for text, _id in _indexed(para)] == ["#Kontaktdagen2023", "#CX"]
    assert para.astext() == "Everything is under #Kontaktdagen2023 and#CX."


def test_mention_role(tree_of: Any) -> None:
    para = _paragraph(tree_of("role-mention"))
    assert _links(para) == [
        ("Jenny Exempel", "../reflections/authors/jenny.html"),
        ("Björn", "../reflections/authors/bjorn.html"),
    ]
    assert [n.astext() for n in _with_class(para, "reflections-mention")] == [
        "Jenny Exempel",
        "Björn",
    ]
    # the index has the person's name, whatever the text says
    assert [text for text, _id in _indexed(para)] == ["Jenny Exempel", "Björn Öhman"]


def test_event_role(tree_of: Any) -> None:
    para = _paragraph(tree_of("role-event"))
    page = "../reflections/events/kontaktdagen-2023.html"
    assert _links(para) == [("Kontaktdagen 2023", page), ("the day", page)]
    assert [n.astext() for n in _with_class(para, "reflections-event-name")] == [
        "Kontaktdagen 2023",
        "the day",
    ]


def test_snapshots_are_all_in_use() -> None:
    """A snapshot for a page that is gone would only mislead the next reader."""
    folder = Path(__file__).parent / "snapshots" / "syntax"
    expected = {f"{p}.txt" for p in PAGES} | {f"{p}.unresolved.txt" for p in UNRESOLVED}
    assert {p.name for p in folder.iterdir()} == expected
