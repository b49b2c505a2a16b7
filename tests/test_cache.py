"""Rebuilds redo only what changed: generated pages and feed entries (cache.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sphinx

from reflections_testutil import copy_root, edit, soup, spy, warnings_of
from sphinx_reflections import listings, registry
from sphinx_reflections.metadata import PAGE_KEY
from sphinx_reflections.site import feeds, outputs, pages

pytestmark = pytest.mark.usefixtures("build_date")


class Counter:
    """Which generated pages were rendered, which listing entries built and which
    feed bodies resolved again."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, feed_bodies: bool = False) -> None:
        self.pages: list[str] = []
        self._entries = spy(monkeypatch, pages, "entry")
        # only where a test makes sure a body is resolved at least once (the spy
        # check fails a test whose spy saw nothing): see _resolved_without_store
        self._resolved = spy(monkeypatch, feeds.Renderer, "_render") if feed_bodies else None

    @property
    def entries(self) -> list[str]:
        """The docname of every listing entry built in the last build."""
        return [reflection.docname for reflection in self._entries.arg(0)]

    @property
    def resolved(self) -> list[str]:
        """The docname of every feed body resolved in the last build."""
        assert self._resolved is not None, "Counter(..., feed_bodies=True) spies on them"
        return self._resolved.arg(1)

    def build(self, make_app: Any, src: Path, **kwargs: Any) -> Any:
        app = make_app("html", srcdir=src, **kwargs)

        def seen(_app: Any, pagename: str, _t: str, context: dict[str, Any], _d: Any) -> None:
            if PAGE_KEY in context:  # a generated page (the theme probes carry no key)
                self.pages.append(pagename)

        app.connect("html-page-context", seen)
        self.read: list[str] = []
        app.connect("env-before-read-docs", lambda _app, _env, docs: self.read.extend(docs))
        self.written: list[str] = []
        app.connect("doctree-resolved", lambda _app, _tree, docname: self.written.append(docname))
        self.pages.clear()
        self._entries.reset()
        if self._resolved is not None:
            self._resolved.reset()
        app.build()
        return app


def _copy(tmp_path: Path, related: bool = True) -> Path:
    """The basic project; without ``related``, pieces list no related reflections.

    Every piece of the basic project is related to every other, so a change to
    one writes the others again (their lists show it), and Sphinx captures their
    feed bodies while writing them: tests of the feed store turn that off.
    """
    src = copy_root("basic", tmp_path, "kb")
    if not related:
        with (src / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write("reflections_related = 0\n")
    return src


def _resolved_without_store(
    count: Counter, make_app: Any, src: Path, app: Any, tags: str
) -> list[str]:
    """The feed bodies resolved when the stored ones are gone and a tag changes.

    Checks that ``count.resolved == []`` means something: without the store, the
    feeds that list the edited reflection need the others' bodies resolved again
    (the edited one is captured while its page is written).
    """
    (store,) = Path(app.doctreedir).glob("reflections-feed-*")  # the pack, logs merged
    store.unlink()
    edit(src / "essays" / "twenty-years.md", f"tags: {tags}", "tags: [CX, Feeds]")
    count.build(make_app, src)
    return sorted(count.resolved)


def _outputs(outdir: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(outdir)): p.read_bytes()
        for p in sorted((outdir / "reflections").rglob("*"))
        if p.is_file()
    }


def _assert_as_clean(make_app: Any, src: Path, tmp_path: Path, outdir: Path) -> None:
    """The generated site in ``outdir`` is what a clean build of ``src`` writes."""
    clean = make_app("html", srcdir=src, builddir=tmp_path / "clean")
    clean.build()
    assert _outputs(outdir) == _outputs(clean.outdir)


def test_noop_rebuild_renders_no_generated_page(make_app, tmp_path, monkeypatch) -> None:
    src = _copy(tmp_path, related=False)
    count = Counter(monkeypatch, feed_bodies=True)
    atom = spy(monkeypatch, feeds, "atom")
    app = count.build(make_app, src)
    assert "reflections/index" in count.pages and "reflections/tags/cx" in count.pages
    assert atom.calls  # the first build assembled the feeds
    before = _outputs(app.outdir)
    mtimes = {p: (app.outdir / p).stat().st_mtime_ns for p in before}

    atom.reset()
    count.build(make_app, src)
    assert count.pages == []
    assert count.entries == []
    assert count.resolved == []  # feed entries come from the cache
    assert atom.calls == []  # and no feed is assembled again
    assert _outputs(app.outdir) == before
    assert {p: (app.outdir / p).stat().st_mtime_ns for p in before} == mtimes
    assert _resolved_without_store(count, make_app, src, app, "[CX, AI]") == [
        "essays/second",
        "essays/together",
    ]


def test_tag_change_renders_only_the_pages_that_show_it(make_app, tmp_path, monkeypatch) -> None:
    src = _copy(tmp_path, related=False)
    count = Counter(monkeypatch, feed_bodies=True)
    app = count.build(make_app, src)
    essay = src / "essays" / "twenty-years.md"
    edit(essay, "tags: [CX, AI]", "tags: [CX, Strategy]")

    count.build(make_app, src)
    rendered = set(count.pages)
    # the new tag's page, the archive (bylines list tags), the author and the tag index
    assert {"reflections/tags/strategy", "reflections/index", "reflections/tags/index"} <= rendered
    assert "reflections/authors/jenny" in rendered
    # an author who did not write it, and a tag it never had, are left alone
    assert "reflections/authors/sam" not in rendered
    # no body resolved a second time: the edited one was captured while Sphinx wrote
    # it, the others come from the cache
    assert count.resolved == []
    # every other entry on those pages is the last build's HTML: only the edited
    # reflection's entry is built again, once for all the pages that list it
    assert count.entries == ["essays/twenty-years"]
    page = soup(app.outdir / "reflections" / "tags" / "strategy.html")
    assert "Twenty years in customer experience" in page.get_text()

    # and the result is what a clean build gives
    _assert_as_clean(make_app, src, tmp_path, app.outdir)
    assert _resolved_without_store(count, make_app, src, app, "[CX, Strategy]") == [
        "essays/second",
        "essays/together",
    ]


def test_what_parallel_writers_keep_reaches_the_next_build(make_app, tmp_path, monkeypatch) -> None:
    """With ``-j`` each forked writer logs the feed bodies it captures; the main process
    reads the logs, merges them into one file per kind and deletes them."""
    src = _copy(tmp_path, related=False)
    count = Counter(monkeypatch, feed_bodies=True)
    app = count.build(make_app, src, parallel=2)
    doctrees = Path(app.doctreedir)
    assert len(count.written) >= 4
    # every body was captured by the writer that wrote its page, none resolved here
    assert count.resolved == []
    assert list(doctrees.glob("*.log")) == []
    assert {p.name for p in doctrees.glob("reflections-*.pickle")} == {
        "reflections-entries-html.pickle",
        "reflections-feed-html.pickle",
    }
    legacy = doctrees / "reflections-feed-html"  # a file per body, as earlier builds kept them
    legacy.mkdir()
    (legacy / "old.json").write_text("{}", encoding="utf-8")

    edit(src / "essays" / "twenty-years.md", "tags: [CX, AI]", "tags: [CX, Strategy]")
    count.build(make_app, src)
    assert count.resolved == []  # the others' bodies come from the merged logs
    assert count.entries == ["essays/twenty-years"]
    assert list(doctrees.glob("*.log")) == []
    assert not legacy.exists()
    _assert_as_clean(make_app, src, tmp_path, app.outdir)
    assert _resolved_without_store(count, make_app, src, app, "[CX, Strategy]") == [
        "essays/second",
        "essays/together",
    ]


def test_kept_data_survives_what_a_process_left_unfinished(tmp_path) -> None:
    """A log cut short (a writer killed mid-record) or a damaged pack costs only what
    it held; the newest record of a name wins; names no longer in use go when the
    logs are merged, which waits until they are a quarter of the pack."""
    import pickle
    from types import SimpleNamespace

    from sphinx_reflections.site.cache import Kept

    app: Any = SimpleNamespace(doctreedir=str(tmp_path), builder=SimpleNamespace(name="html"))
    kept = Kept(app, "feed")
    assert not kept.any() and kept.get("a") == {}
    kept.put("a", {"html": "mine"})
    assert kept.get("a") == {"html": "mine"} and kept.any()

    def log(pid: int, *records: tuple[str, int, dict[str, str]], cut: bool = False) -> None:
        path = tmp_path / f"reflections-feed-html.{pid}.log"
        with path.open("ab") as out:
            for record in records:
                pickle.dump(record, out)
            if cut:
                out.write(pickle.dumps(("c", 9, {"html": "cut"}))[:-3])

    log(1, ("b", 5, {"html": "new"}), ("d", 1, {"html": "gone"}))
    log(2, ("b", 3, {"html": "old"}), cut=True)  # written later, made earlier
    other = Kept(app, "feed")  # another process of the same build sees every log
    assert other.get("b") == {"html": "new"}
    assert other.get("c") == {}
    assert other.get("a") == {"html": "mine"}
    names = {"a", "b", "c"} | {f"p{n}" for n in range(20)}
    for n in range(20):
        kept.put(f"p{n}", {"html": "p" * 100})
    kept.save(names)  # nothing packed yet: the logs are merged at once
    assert list(tmp_path.glob("*.log")) == []
    later = Kept(app, "feed")
    assert later.get("a") == {"html": "mine"} and later.get("b") == {"html": "new"}
    assert later.get("d") == {}  # not in use any more

    later.put("a", {"html": "edited"})  # a rebuild that changed one piece
    later.save(names)
    assert len(list(tmp_path.glob("*.log"))) == 1  # small beside the pack: left as it is
    assert Kept(app, "feed").get("a") == {"html": "edited"}
    for n in range(8):
        later.put("a", {"html": f"edited {n} " + "x" * 200})
    later.save(names)
    assert list(tmp_path.glob("*.log")) == []
    assert Kept(app, "feed").get("a") == {"html": "edited 7 " + "x" * 200}
    assert (tmp_path / "reflections-feed-html.pickle").stat().st_size > 0
    (tmp_path / "reflections-feed-html.pickle").write_bytes(b"not a pickle")
    assert Kept(app, "feed").get("a") == {}


def test_theme_change_renders_every_page_again(make_app, tmp_path, monkeypatch) -> None:
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    count.build(make_app, src)
    total = len(count.pages)
    count.build(make_app, src, confoverrides={"html_theme_options": {"description": "new"}})
    assert len(count.pages) == total


def test_the_speed_options_render_nothing_again(make_app, tmp_path, monkeypatch) -> None:
    """reflections_gc_freeze and _search_memo change how a build runs, not what it writes."""
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    atom = spy(monkeypatch, feeds, "atom")
    slow = {"reflections_gc_freeze": False, "reflections_search_memo": False}
    count.build(make_app, src, confoverrides=slow)
    assert count.pages and atom.calls
    atom.reset()
    count.build(make_app, src, confoverrides={k: True for k in slow})
    assert count.pages == []
    assert atom.calls == []  # no feed is assembled again


@pytest.mark.skipif(
    sphinx.version_info < (9,), reason="Sphinx 8 runs no write phase when nothing is read"
)
def test_a_build_that_reads_nothing_looks_at_no_generated_page(
    make_app, tmp_path, monkeypatch
) -> None:
    """Nothing read, the registries, options, day and theme unchanged: the site stands.

    No generated page or feed is fingerprinted one by one; a registry entry no
    page shows (nothing is read for it) or a generated file gone from the
    output is still seen.
    """
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    listed = spy(monkeypatch, pages, "_pages")
    assembled = spy(monkeypatch, feeds, "feed_pages")
    # the tables worked out after reading: what listings show, what the site consists of
    shown = spy(monkeypatch, listings, "shown")
    planned = spy(monkeypatch, outputs, "output_names")
    app = count.build(make_app, src)
    assert listed.calls and assembled.calls and shown.calls and planned.calls
    before = _outputs(app.outdir)
    labels = app.env.domaindata["std"]["labels"].get("reflections-author-sam")
    assert labels

    for one in (listed, assembled, shown, planned):
        one.reset()
    again = count.build(make_app, src)
    assert count.read == [] and count.pages == []
    assert listed.calls == [] and assembled.calls == []
    assert shown.calls == [] and planned.calls == []
    assert _outputs(app.outdir) == before
    assert again.env.domaindata["std"]["labels"].get("reflections-author-sam") == labels

    with (src / "people.yml").open("a", encoding="utf-8") as people:
        people.write("nea:\n  name: Nea Ny\n")
    again = count.build(make_app, src)
    assert count.read == []  # no page shows her
    assert listed.calls and assembled.calls and planned.calls
    assert count.pages == ["reflections/authors/nea"]
    assert "reflections-author-nea" in again.env.domaindata["std"]["labels"]

    listed.reset()
    assembled.reset()
    feed = app.outdir / "reflections" / "authors" / "jenny.xml"
    feed.unlink()
    count.build(make_app, src)
    assert count.pages == [] and assembled.calls  # the feeds are looked at again
    assert feed.is_file()


@pytest.mark.skipif(
    sphinx.version_info < (9,), reason="Sphinx 8 runs no write phase when nothing is read"
)
def test_a_build_on_another_day_looks_at_the_events_again(make_app, tmp_path, monkeypatch) -> None:
    """Whether an event is still to come depends on the day, not on any document."""
    src = copy_root("events", tmp_path)
    count = Counter(monkeypatch)
    listed = spy(monkeypatch, pages, "_pages")
    shown = spy(monkeypatch, listings, "shown")
    count.build(make_app, src)
    listed.reset()
    shown.reset()
    count.build(make_app, src)
    assert listed.calls == [] and shown.calls == []
    later = dt.datetime(2028, 1, 1, tzinfo=dt.UTC)  # Customer Summit 2027 is over
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(later.timestamp())))
    count.build(make_app, src)
    assert count.read == [] and listed.calls and shown.calls
    assert "reflections/events/summit-2027" in count.pages
    assert "reflections/events/index" in count.pages


def test_a_registry_file_is_parsed_again_only_when_its_text_changes(
    make_app, tmp_path, monkeypatch
) -> None:
    """The parsed registry is kept in the environment; a changed or broken file is read anew."""
    parsed: list[str] = []

    class Counting(registry.YAML_LOADER):  # type: ignore[misc,valid-type]
        def __init__(self, stream: str) -> None:
            if stream.startswith("jenny:"):  # people.yml or broken.yml, not front matter
                parsed.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(registry, "YAML_LOADER", Counting)
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    count.build(make_app, src)
    assert len(parsed) == 1
    count.build(make_app, src)
    assert len(parsed) == 1  # the same text: taken from the environment
    edit(src / "people.yml", "  role: CEO\n", "  role: Chief Executive\n")
    app = count.build(make_app, src)
    assert len(parsed) == 2
    page = soup(app.outdir / "reflections" / "authors" / "bjorn.html")
    assert "Chief Executive" in page.get_text()
    # a broken file is parsed, and warned about, in every build
    broken = {"reflections_authors": "broken.yml"}
    for _ in range(2):
        app = count.build(make_app, src, confoverrides=broken)
        assert "broken.yml:" in warnings_of(app)[0]
    assert len(parsed) == 4


def test_cache_survives_no_outdir_file(make_app, tmp_path, monkeypatch) -> None:
    """A generated page deleted by hand is written again, even with unchanged inputs."""
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    page = app.outdir / "reflections" / "authors" / "jenny.html"
    page.unlink()
    # nothing else changed: Sphinx 8.1 would skip the write phase, had the root
    # document not been marked outdated for the missing page
    count.build(make_app, src)
    assert count.pages == ["reflections/authors/jenny"]
    assert page.is_file()


def test_a_page_added_to_the_menu_renders_no_generated_page(
    make_app, tmp_path, monkeypatch
) -> None:
    """As Sphinx writes no other document for it: the menu alone is no reason to render."""
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    theme = {"html_theme": "alabaster"}  # its sidebar has the whole table of contents
    app = count.build(make_app, src, confoverrides=theme)
    assert "reflections/authors/sam" in count.pages
    (src / "later.md").write_text("# Later\n\nAn ordinary page.\n", encoding="utf-8")
    index = src / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace("   article\n", "   article\n   later\n"),
        encoding="utf-8",
    )
    count.build(make_app, src, confoverrides=theme)
    assert count.pages == []
    assert "Later" in (app.outdir / "later.html").read_text(encoding="utf-8")
    # a clean build has the new menu everywhere
    clean = count.build(make_app, src, confoverrides=theme, freshenv=True)
    page = clean.outdir / "reflections" / "authors" / "sam.html"
    assert "later.html" in page.read_text(encoding="utf-8")


def test_generated_pages_of_a_folder_share_one_navigation(make_app, tmp_path, monkeypatch) -> None:
    """The sidebar's table of contents is resolved once per output folder, not per page."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    toctrees = spy(monkeypatch, StandaloneHTMLBuilder, "_get_local_toctree")
    count = Counter(monkeypatch)
    # alabaster's sidebar has the whole table of contents (the test default, basic, does not)
    app = count.build(make_app, _copy(tmp_path), confoverrides={"html_theme": "alabaster"})
    # the archive and the tags and events indexes may be in a toctree: each is the
    # current page of its own menu, so it has a menu of its own
    menus = {"reflections/index", "reflections/tags/index", "reflections/events/index"}
    calls = [
        (
            docname.rpartition("/")[0],
            docname if docname in menus else "",
            repr(sorted(call.kwargs.items())),
        )
        for call in toctrees.calls
        if (docname := call.args[1]).startswith("reflections/")
    ]
    assert calls, "the theme's sidebar never asked for the table of contents"
    assert len(calls) == len(set(calls))  # each folder (or index) and set of options once
    tags = [p for p in count.pages if p.startswith("reflections/tags/")]
    assert len(tags) > 2 and len({c for c in calls if c[0] == "reflections/tags"}) < len(tags)
    # and every page still has the navigation
    for page in tags:
        html = (app.outdir / f"{page}.html").read_text(encoding="utf-8")
        assert 'class="toctree-l1"' in html


def test_a_new_tag_renders_its_page_and_the_pages_of_the_piece_only(
    make_app, tmp_path, monkeypatch
) -> None:
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    edit(src / "essays" / "twenty-years.md", "tags: [CX, AI]", "tags: [CX, AI, Brandnew]")
    count.build(make_app, src)
    # the new tag's page and the tags index, and the pages whose entry of the piece
    # changed (its byline lists tags): the archive, its author, its other tags
    assert sorted(count.pages) == [
        "reflections/authors/jenny",
        "reflections/index",
        "reflections/tags/ai",
        "reflections/tags/brandnew",
        "reflections/tags/cx",
        "reflections/tags/index",
    ]
    assert count.entries == ["essays/twenty-years"]
    _assert_as_clean(make_app, src, tmp_path, app.outdir)


def test_a_text_edit_renders_no_generated_page(make_app, tmp_path, monkeypatch) -> None:
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    count.build(make_app, src)
    edit(
        src / "essays" / "twenty-years.md",
        "Second paragraph with more words in it.",
        "Second paragraph with other words in it.",
    )
    count.build(make_app, src)
    assert count.read == ["essays/twenty-years"]
    assert count.pages == []
    assert count.entries == []


def test_a_sentence_added_renders_only_the_piece(make_app, tmp_path, monkeypatch) -> None:
    """The most common edit changes the word count, which no listing shows (the reading
    time, rounded, stays): no entry, generated page or related list is rendered again."""
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    from sphinx_reflections.domain import get_domain

    before = get_domain(app.env).reflections["essays/twenty-years"]
    page = src / "essays" / "twenty-years.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    app = count.build(make_app, src)
    after = get_domain(app.env).reflections["essays/twenty-years"]
    assert after.words > before.words and after.minutes == before.minutes
    assert count.read == ["essays/twenty-years"]
    # Sphinx writes the page whose toctree holds the piece; not the pieces whose lists show it
    assert sorted(count.written) == ["essays/twenty-years", "index"]
    assert count.pages == []
    assert count.entries == []


def test_a_new_role_rereads_and_renders_only_what_shows_the_person(
    make_app, tmp_path, monkeypatch
) -> None:
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    count.build(make_app, src)
    edit(src / "people.yml", "  role: CEO\n", "  role: Chief Executive\n")
    again = count.build(make_app, src)
    # the page with his card is read again; his pieces, whose bylines are made when they
    # are written, are written again without being read
    assert count.read == ["index"]
    # (and the piece whose related list shows one of his, with his role in its byline)
    assert sorted(count.written) == [
        "essays/second",
        "essays/together",
        "essays/twenty-years",
        "index",
    ]
    byline = soup(again.outdir / "essays" / "second.html").select_one(".reflections-byline")
    assert byline is not None and "Chief Executive" in byline.get_text()
    # his page, and the generated pages that list one of his pieces
    assert sorted(count.pages) == [
        "reflections/authors/bjorn",
        "reflections/authors/jenny",  # lists the piece they wrote together
        "reflections/index",
        "reflections/tags/ai",
        "reflections/tags/strategy",
    ]
    assert sorted(count.entries) == ["essays/second", "essays/together"]
    page = soup(again.outdir / "reflections" / "authors" / "bjorn.html")
    assert "Chief Executive" in page.get_text()
    _assert_as_clean(make_app, src, tmp_path, again.outdir)


def test_an_author_gone_from_the_registry_and_back_reads_the_piece_again(
    make_app, tmp_path, monkeypatch
) -> None:
    """A piece warns of an author the registry lacks, when it is read: an entry removed
    or added reads the pieces by that person again, not only writes them."""
    src = _copy(tmp_path)
    people = src / "people.yml"
    entry = "bjorn:\n  name: Björn Öhman\n  role: CEO\n  avatar: https://example.org/bjorn.png\n"
    assert entry in people.read_text(encoding="utf-8")
    count = Counter(monkeypatch)
    count.build(make_app, src)
    edit(people, entry, "")
    app = count.build(make_app, src)
    assert {"essays/second", "essays/together"} <= set(count.read)
    assert any("unknown-author" in w and "bjorn" in w for w in warnings_of(app))
    edit(people, "sam:\n", entry + "sam:\n")
    app = count.build(make_app, src)
    assert {"essays/second", "essays/together"} <= set(count.read)
    assert not warnings_of(app)
    byline = soup(app.outdir / "essays" / "second.html").select_one(".reflections-byline")
    assert byline is not None and "Björn Öhman" in byline.get_text()
    _assert_as_clean(make_app, src, tmp_path, app.outdir)


def test_a_new_bio_renders_only_the_pages_with_the_full_card(
    make_app, tmp_path, monkeypatch
) -> None:
    """A listing's byline shows each author's avatar, name and role: a bio is on her page."""
    src = _copy(tmp_path)
    count = Counter(monkeypatch)
    count.build(make_app, src)
    edit(
        src / "people.yml",
        "  bio: Twenty years in customer experience, telecom and media.\n",
        "  bio: Twenty-one years in customer experience.\n",
    )
    again = count.build(make_app, src)
    assert count.pages == ["reflections/authors/jenny"]
    assert count.entries == []
    assert "Twenty-one years" in soup(again.outdir / "reflections/authors/jenny.html").get_text()
    _assert_as_clean(make_app, src, tmp_path, again.outdir)


def test_a_page_that_only_mentions_a_person_is_read_again_for_the_name_only(
    make_app, tmp_path, monkeypatch
) -> None:
    """A mention is a link and the person's name in the index: a new role changes neither."""
    src = _copy(tmp_path)
    article = src / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nAsk @JennyExempel about it.\n", encoding="utf-8"
    )
    count = Counter(monkeypatch)
    count.build(make_app, src)
    edit(src / "people.yml", "  role: Marknadsdirektör\n", "  role: Vd\n")
    again = count.build(make_app, src)
    assert count.read and "article" not in count.read
    _assert_as_clean(make_app, src, tmp_path, again.outdir)
    edit(src / "people.yml", "  name: Jenny Exempel\n", "  name: Jenny Exempelsdotter\n")
    count.build(make_app, src)
    assert "article" in count.read  # her index entry is filed under her name
    assert "Jenny Exempelsdotter" in (again.outdir / "genindex.html").read_text(encoding="utf-8")


def test_paginated_listings_render_only_the_pages_that_show_a_change(
    make_app, tmp_path, monkeypatch
) -> None:
    """test-reader lists three pieces per page; a4 is on page 1 of the archive, of #Billing
    and of Lena's page. Its new title renders those three pages and no other."""
    src = copy_root("reader", tmp_path, "reader")
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    assert {
        "reflections/page-2",
        "reflections/page-3",
        "reflections/tags/billing/page-2",
        "reflections/series/complaints",
    } <= set(count.pages)
    count.build(make_app, src)
    assert count.pages == []  # a rebuild with no change renders none, later pages included

    edit(src / "essays" / "a4.md", "# A note on billing", "# A second note on billing")
    count.build(make_app, src)
    assert sorted(count.pages) == [
        "reflections/authors/lena",
        "reflections/index",
        "reflections/tags/billing",
    ]
    assert count.entries == ["essays/a4"]
    _assert_as_clean(make_app, src, tmp_path, app.outdir)


def test_a_new_series_part_renders_the_series_page(make_app, tmp_path, monkeypatch) -> None:
    src = copy_root("reader", tmp_path, "reader")
    count = Counter(monkeypatch)
    count.build(make_app, src)
    edit(src / "essays" / "draft.md", "draft: true", "draft: false")
    count.build(make_app, src)
    assert "reflections/series/complaints" in count.pages
    # the pages that did not list the draft and do not list it now are left alone
    assert "reflections/authors/omar" not in count.pages
    assert "reflections/tags/rare" not in count.pages


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_a_rebased_entry_is_the_entry_rendered_on_its_page(
    make_app, tmp_path, monkeypatch, builder
) -> None:
    """Entries are rendered once and moved to each page: byte for byte as if rendered there."""
    from sphinx_reflections.domain import get_domain
    from sphinx_reflections.listings import entry
    from sphinx_reflections.resolve import resolve_generated
    from sphinx_reflections.site import cache

    app = make_app(builder, srcdir=copy_root("hashtags", tmp_path))
    app.build()
    domain = get_domain(app.env)
    entries = pages.Entries(app, cache.site_key(app, domain), domain)
    checked = 0
    for page in pages._pages(app):
        make = entries.maker(page.pagename)
        for reflection in page.listed:
            moved = make(reflection)["html"]
            node = entry(reflection, domain)
            resolve_generated(node, app.builder, page.pagename)
            assert moved == app.builder.render_partial(node)["fragment"], page.pagename
            checked += 1
    assert checked >= 10
    # the pages each entry links to were kept with it by the build, and are the entry's own
    assert entries.html
    for docname, html in entries.html.items():
        kept = cache.Kept(app, entries.KIND).get(docname)
        assert kept["html"] == html
        assert kept["targets"] == sorted(pages.link_targets(html, entries.base_uri)), docname
    # entries rendered together, in one pass of the translator, are each the entry alone
    listed = domain.visible()
    together = entries._render_all([entry(r, domain) for r in listed])
    assert len(together) == len(listed) >= 2
    for reflection, html in zip(listed, together, strict=True):
        node = entry(reflection, domain)
        resolve_generated(node, app.builder, entries.base)
        assert html == app.builder.render_partial(node)["fragment"], reflection.docname
    # a translator that drops the markers between them: each entry is rendered alone
    real = app.builder.render_partial

    def no_markers(node: Any) -> dict[str, str]:
        parts = dict(real(node))
        parts["fragment"] = parts["fragment"].replace(pages._CUT, "")
        return parts

    monkeypatch.setattr(app.builder, "render_partial", no_markers)
    assert entries._render_all([entry(r, domain) for r in listed]) == together


def test_a_first_build_renders_the_entries_in_one_pass(make_app, tmp_path, monkeypatch) -> None:
    """The translator is made once for all entries of a first build, not once per entry."""
    calls: list[int] = []
    real = pages.Entries._render_all

    def counted(self: pages.Entries, made: list[Any]) -> list[str]:
        calls.append(len(made))
        return real(self, made)

    monkeypatch.setattr(pages.Entries, "_render_all", counted)
    src = copy_root("reader", tmp_path, "reader")
    app = make_app("html", srcdir=src)
    app.build()
    from sphinx_reflections.domain import get_domain

    assert calls and calls[0] == len(get_domain(app.env).visible()) >= 5, calls
    assert not any(calls[1:]), calls  # nothing left to render after the first pass
    calls.clear()
    page = src / "essays" / "a1.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    make_app("html", srcdir=src).build()
    assert not any(calls), calls  # a sentence added changes nothing an entry shows: all kept


def _index_entries(outdir: Path) -> dict[str, Any]:
    text = (outdir / "searchindex.js").read_text(encoding="utf-8")
    frozen = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return {
        entry: sorted(frozen["docnames"][place[0]] for place in places)
        for entry, places in frozen["indexentries"].items()
    }


def test_pages_not_written_again_keep_their_index_entries_in_search(make_app, tmp_path) -> None:
    """Sphinx alone feeds the search index's index entries from the environment it saved
    before writing: a rebuild would drop every hashtag and person of pages it did not write."""
    src = copy_root("hashtags", tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    clean = (app.outdir / "searchindex.js").read_bytes()
    entries = _index_entries(app.outdir)
    assert any(entry.startswith("#") for entry in entries), entries
    make_app("html", srcdir=src).build()  # nothing changed
    assert (app.outdir / "searchindex.js").read_bytes() == clean
    page = src / "kb.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    make_app("html", srcdir=src).build()  # one page changed: the others keep theirs
    assert _index_entries(app.outdir) == entries


def test_the_index_entries_kept_are_those_sphinx_loaded(make_app, tmp_path) -> None:
    """The last ``searchindex.js`` is parsed once, by Sphinx before writing; the entries of
    pages not written again come from there, not from reading the file a second time."""
    src = copy_root("hashtags", tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    entries = _index_entries(app.outdir)
    app = make_app("html", srcdir=src)

    def spoil(app_: Any) -> list[Any]:  # after Sphinx loaded the file, before we look
        (app_.outdir / "searchindex.js").write_text("Search.setIndex(spoilt)", encoding="utf-8")
        return []

    app.connect("html-collect-pages", spoil, priority=100)
    app.build()  # nothing changed: no page written, every page keeps its entries
    assert _index_entries(app.outdir) == entries


def test_an_edit_undone_leaves_the_search_index_as_it_was(make_app, tmp_path) -> None:
    """Sphinx alone keeps a word a page no longer has, with no page (``"word": []``)."""
    src = copy_root("hashtags", tmp_path)
    app = make_app("html", srcdir=src)
    app.build()
    clean = (app.outdir / "searchindex.js").read_bytes()
    page = src / "kb.md"
    before = page.read_text(encoding="utf-8")
    page.write_text(before + "\nQuetzalcoatlus fikafriday.\n", encoding="utf-8")
    make_app("html", srcdir=src).build()
    assert b"quetzalcoatlu" in (app.outdir / "searchindex.js").read_bytes()
    page.write_text(before, encoding="utf-8")
    make_app("html", srcdir=src).build()
    assert (app.outdir / "searchindex.js").read_bytes() == clean


def test_a_rebuild_shows_dates_without_babel_formatting_them(
    make_app, tmp_path, monkeypatch
) -> None:
    """Babel loads its data for the first date it formats in a process: a rebuild that
    writes a byline takes the dates earlier builds formatted, kept next to the doctrees."""
    from sphinx_reflections import i18n

    src = _copy(tmp_path)
    monkeypatch.setattr(i18n, "_LONG", {})  # as in a new process
    app = make_app("html", srcdir=src)
    app.build()
    kept = json.loads((Path(app.doctreedir) / "reflections-dates.json").read_text("utf-8"))
    assert ["2023-05-29", "en", "May 29, 2023"] in kept["dates"], kept
    monkeypatch.setattr(i18n, "_LONG", {})  # the next build, in another process
    formatted: list[Any] = []
    real = i18n.format_date

    def counted(*args: Any, **kwargs: Any) -> str:
        formatted.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(i18n, "format_date", counted)
    edit(
        src / "essays" / "twenty-years.md",
        "Second paragraph with more words in it.",
        "Second paragraph with other words in it.",
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert formatted == []
    assert (
        "May 29, 2023" in soup(app.outdir / "essays" / "twenty-years.html").select_one("time").text
    )

    # dates kept by another Babel are not trusted
    path = Path(app.doctreedir) / "reflections-dates.json"
    kept["babel"] = "0.0"
    kept["dates"] = [[d, lang, "wrong"] for d, lang, _text in kept["dates"]]
    path.write_text(json.dumps(kept), encoding="utf-8")
    monkeypatch.setattr(i18n, "_LONG", {})
    edit(
        src / "essays" / "twenty-years.md",
        "Second paragraph with other words in it.",
        "Second paragraph with more words in it.",
    )
    app = make_app("html", srcdir=src)
    app.build()
    assert formatted and b"wrong" not in (app.outdir / "essays" / "twenty-years.html").read_bytes()


def test_a_page_with_nothing_of_ours_is_finished_in_one_walk(
    make_app, tmp_path, monkeypatch
) -> None:
    """The write-time stage looks for a dozen kinds of node; an ordinary page has none."""
    from sphinx_reflections import resolve

    src = _copy(tmp_path)
    page = src / "article.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee #CX.\n", encoding="utf-8")
    filled = spy(monkeypatch, resolve, "fill_dynamic")
    app = make_app("html", srcdir=src)
    app.build()
    finished = filled.arg(2)
    assert "index" in finished and "essays/twenty-years" in finished  # a card; a reflection
    assert "article" not in finished  # its hashtag is a link Sphinx resolved
    assert soup(app.outdir / "article.html").select_one("a .reflections-hashtag")
    # in LaTeX the same page is finished: its hashtag's index entry is sorted under C
    book = make_app("latex", srcdir=src, builddir=tmp_path / "latex")
    book.build()
    tex = next(Path(book.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert r"\index{CX@\spxentry{\#CX}}" in tex


def _two_folders(tmp_path: Path) -> Path:
    """Two pieces sharing a tag, each in its own folder's toctree under the root's."""
    src = tmp_path / "folders"
    files = {
        "conf.py": 'extensions = ["myst_parser", "sphinx_reflections"]\n'
        'reflections_authors = "people.yml"\nhtml_baseurl = "https://kb.example.com/"\n',
        "people.yml": "jenny:\n  name: Jenny Svensson\n",
        "index.md": "# Home\n\n```{toctree}\na/index\nb/index\n```\n",
        "a/index.md": "# Folder A\n\n```{toctree}\none\n```\n",
        "b/index.md": "# Folder B\n\n```{toctree}\ntwo\n```\n",
        "a/one.md": "---\nreflection:\n  author: jenny\n  date: 2024-03-01\n"
        "  tags: [CX]\n---\n# One\n\nFirst piece.\n",
        "b/two.md": "---\nreflection:\n  author: jenny\n  date: 2024-04-01\n"
        "  tags: [CX]\n---\n# Two\n\nSecond piece.\n",
    }
    for name, text in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    return src


def _pages(outdir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("*.html"))}


def test_a_page_written_again_but_not_read_leaves_its_parents_be(
    make_app, tmp_path, monkeypatch
) -> None:
    """A new tag on one piece writes the other piece (its related list shows the tags),
    not that piece's toctree parent, whose toctree cannot have changed: Sphinx's own
    rule (write the parents of every written page) holds for the pages read again."""
    src = _two_folders(tmp_path)
    count = Counter(monkeypatch)
    app = count.build(make_app, src)
    assert sorted(count.written) == ["a/index", "a/one", "b/index", "b/two", "index"]
    parents = {k: set(v) for k, v in app.env.files_to_rebuild.items()}
    edit(src / "a" / "one.md", "tags: [CX]", "tags: [CX, Brandnew]")
    app = count.build(make_app, src)
    assert count.read == ["a/one"]
    # the piece read and its parent (Sphinx's rule); b/two shows the new tag; not b/index.
    # Sphinx 8 writes the root document on every build that writes anything.
    always = ["index"] if sphinx.version_info < (9,) else []
    assert sorted(count.written) == sorted(["a/index", "a/one", "b/two", *always])
    # the full map of parents is back for the next build
    assert {k: set(v) for k, v in app.env.files_to_rebuild.items()} == parents
    clean = make_app("html", srcdir=src, builddir=tmp_path / "clean")
    clean.build()
    assert _pages(app.outdir) == _pages(clean.outdir)
    # a title edit still writes the parent of the piece read
    edit(src / "b" / "two.md", "# Two", "# Two, renamed")
    count.build(make_app, src)
    assert "b/index" in count.written
    assert "Two, renamed" in (Path(app.outdir) / "b" / "index.html").read_text(encoding="utf-8")


def test_files_are_written_anew_and_only_when_their_bytes_change(tmp_path: Path) -> None:
    """write_if_changed and move_if_changed keep an unchanged file (its inode and
    time) and put a changed one in place as a new file, never a truncated one."""
    from sphinx_reflections.files import move_if_changed, write_if_changed

    path = tmp_path / "out" / "page.html"
    assert write_if_changed(path, b"one")  # its folder is made
    first = path.stat()
    assert not write_if_changed(path, b"one")
    assert path.stat().st_mtime_ns == first.st_mtime_ns
    old = tmp_path / "old.html"
    old.hardlink_to(path)  # a second name for the file as it was
    assert write_if_changed(path, b"two")
    assert path.read_bytes() == b"two"
    assert old.read_bytes() == b"one"  # a new file: the old one was not truncated

    scratch = tmp_path / "scratch.html"
    scratch.write_bytes(b"two")
    kept = path.stat()
    assert not move_if_changed(scratch, path)
    assert scratch.is_file()  # left to the caller
    assert path.stat().st_ino == kept.st_ino and path.stat().st_mtime_ns == kept.st_mtime_ns
    scratch.write_bytes(b"three")
    assert move_if_changed(scratch, path)
    assert path.read_bytes() == b"three" and not scratch.exists()
    assert move_if_changed(_scratch(tmp_path, b"four"), tmp_path / "new" / "page.html")
    assert (tmp_path / "new" / "page.html").read_bytes() == b"four"


def _scratch(folder: Path, data: bytes) -> Path:
    scratch = folder / "another-scratch.html"
    scratch.write_bytes(data)
    return scratch
