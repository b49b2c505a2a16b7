"""A generated knowledge base (tools/kbgen.py, as `make bench` builds it) gives the right pages.

The generator knows what it wrote: each reflection's authors, tags, event and
draft flag (``kb.plans``). The built site must agree with it, page by page, for
a small knowledge base written the way the ``mixed`` and ``kb`` shapes are and
for one written the way the ``blog`` shape is (co-authors, tags as words in
front matter and as ``#CamelCase`` in prose). One build per style serves every
test here.

The benchmark's shapes themselves are too big to build in the test suite; their
text is checked without building it: its sizes, that it is the same on every
run, that the default shape's text is the one earlier benchmarks built, and that
every edit the benchmark makes fits the tree it is made to, and that the
benchmark's checks of an edit fail on a site that does not show it.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

# tools/bench.py: tools/ is on the path once conftest imported reflections_testutil
import bench
import phases
import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from reflections_testutil import BUILD_EPOCH, kbgen, soup, warnings_of, write_kb
from sphinx_reflections.text import tag_key

SIZES = {"reflections": 25, "pages": 15, "authors": 6, "tags": 12, "events": 3}
#: a small knowledge base written the way the blog shape is
BLOG_SIZES = {
    "reflections": 30,
    "pages": 4,
    "authors": 24,  # more than kbgen.FIRST_NAMES: names from the longer lists too
    "tags": 30,
    "events": 2,
    "coauthors": (0.5, 0.3, 0.2),
    "multiword_tags": True,
}
STYLES = {"kb": SIZES, "blog": BLOG_SIZES}
#: smaller still for the test that rebuilds after every edit (thirteen builds)
EDITED_SIZES = {"reflections": 12, "pages": 2, "authors": 8, "tags": 16, "events": 1}
PREFIX = "reflections"  # where the generated pages go (the default url_prefix)


@dataclass(frozen=True)
class Site:
    """The generated sources, what they were made from, and the built HTML."""

    kb: kbgen.KnowledgeBase
    outdir: Path
    warnings: list[str]
    status: int

    def page(self, pagename: str) -> BeautifulSoup:
        return soup(self.outdir / f"{pagename}.html")

    def listed(self, pagename: str, within: str = "") -> list[str]:
        """The docnames of the reflection entries on a page, in page order."""
        root = self.page(pagename).select_one(within or "div.body")
        assert root is not None, (pagename, within)
        links = root.select("article.reflections-entry .reflections-entry-title a")
        return [_docname(pagename, a["href"]) for a in links]


def _docname(pagename: str, href: str) -> str:
    """The document an ``href`` on ``pagename`` points to."""
    target = unquote(href.split("#")[0])  # `#Mässa2024` links m%C3%A4ssa2024.html
    path = posixpath.normpath(posixpath.join(posixpath.dirname(pagename), target))
    assert path.endswith(".html"), href
    return path.removesuffix(".html")


def _build(srcdir: Path, builddir: Path, fresh: bool = True) -> tuple[Path, list[str], int]:
    """One html build in this process: (output folder, warnings, status)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        app = SphinxTestApp(
            "html",
            srcdir=srcdir,
            builddir=builddir,
            freshenv=fresh,
            status=StringIO(),
            warning=StringIO(),
        )
        try:
            app.build()
        finally:
            app.cleanup()
    return Path(app.outdir), warnings_of(app), app.statuscode


@pytest.fixture(scope="module", params=sorted(STYLES))
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp(f"generated-{request.param}")
    kb = write_kb(root / "src", **STYLES[request.param])
    outdir, warnings, status = _build(root / "src", root / "_build")
    return Site(kb, outdir, warnings, status)


def _published(kb: kbgen.KnowledgeBase) -> list[kbgen.Plan]:
    return [plan for plan in kb.plans if not plan.draft]


def test_the_build_is_clean(site: Site) -> None:
    assert site.warnings == []
    assert site.status == 0
    assert len(site.kb.plans) == site.kb.reflections


def test_the_archive_lists_every_published_reflection_once_under_its_year(site: Site) -> None:
    archive = f"{PREFIX}/index"
    expected = {plan.docname: plan for plan in _published(site.kb)}
    listed = site.listed(archive)
    # each once, none missing; and no draft (at this size the generator makes none: its
    # first is the 45th reflection; test_reflection_pages checks drafts)
    assert sorted(listed) == sorted(expected)
    page = site.page(archive)
    for year in {plan.date.year for plan in expected.values()}:
        in_year = site.listed(archive, f"section#year-{year}")
        assert sorted(in_year) == sorted(d for d, p in expected.items() if p.date.year == year)
    titles = {
        _docname(archive, a["href"]): a.get_text()
        for a in page.select("article.reflections-entry .reflections-entry-title a")
    }
    assert titles == {d: plan.title for d, plan in expected.items()}


def _tag_links(site: Site) -> dict[str, str]:
    """Tag identity -> the tag page's name, from the cloud on the tags index."""
    index = f"{PREFIX}/tags/index"
    cloud = site.page(index).select_one("nav.reflections-hashtag-cloud")
    assert cloud is not None
    links: dict[str, str] = {}
    for a in cloud.select("a"):
        text = a.get_text()
        assert text.startswith("#"), text
        key = tag_key(text)
        assert key not in links, f"#{key} twice in the cloud"
        links[key] = _docname(index, a["href"])
    return links


def test_every_tag_page_lists_exactly_the_reflections_carrying_the_tag(site: Site) -> None:
    carrying: dict[str, list[str]] = defaultdict(list)
    for plan in _published(site.kb):
        # `culture change` in front matter and #CultureChange in prose are one tag
        for key in {tag_key(tag) for tag in (*plan.fm_tags, *plan.text_tags)}:
            carrying[key].append(plan.docname)
    links = _tag_links(site)
    # no tag out of nowhere (`issue #1`, `C#`, code): every one is a generated tag
    assert set(links) <= {tag_key(tag) for tag in site.kb.tags}
    assert set(carrying) <= set(links)
    reflections = {plan.docname for plan in site.kb.plans}
    for key, pagename in links.items():
        assert sorted(site.listed(pagename)) == sorted(carrying.get(key, [])), f"#{key}"
        others = site.page(pagename).select("section#other-pages a.reference.internal")
        assert all(
            _docname(pagename, a["href"]).startswith("kb/")
            and _docname(pagename, a["href"]) not in reflections
            for a in others
        ), f"#{key}: a reflection under Other pages"


def test_every_author_page_lists_exactly_their_pieces(site: Site) -> None:
    assert site.kb.people, "the generator made no people"
    for person in site.kb.people:
        pagename = f"{PREFIX}/authors/{person.ident}"
        page = site.page(pagename)
        assert page.select_one("h1").get_text().rstrip("¶") == person.name
        expected = [p.docname for p in _published(site.kb) if person.ident in p.authors]
        assert sorted(site.listed(pagename, "section#reflections")) == sorted(expected), (
            person.ident
        )


def test_every_event_page_lists_the_reflections_about_it(site: Site) -> None:
    about = [plan for plan in _published(site.kb) if plan.event is not None]
    assert about, "no generated reflection is about an event"
    for event in site.kb.events:
        pagename = f"{PREFIX}/events/{event.ident}"
        expected = [p.docname for p in about if p.event == event]
        assert sorted(site.listed(pagename)) == sorted(expected), event.ident


# -- the benchmark's checks of an edit -------------------------------------------------------


def _project(site: Site) -> bench.Project:
    """The built site as the benchmark sees an extension project."""
    return bench.Project("extension", Path("unused"), site.outdir.parent, site.kb)


def test_every_edit_check_fails_on_a_site_that_does_not_show_the_edit(site: Site) -> None:
    """A rebuild that missed an edit must fail the benchmark: the site as built is one."""
    project = _project(site)
    assert [edit.kind for edit in site.kb.edits] == list(kbgen.EDIT_KINDS)
    for edit in site.kb.edits:
        with pytest.raises(bench.BenchError, match="did not pick up the change"):
            bench.check_edit(project, edit, bench._before_edit(project, edit))


def _apply(src: Path, changes: tuple[kbgen.FileChange, ...] | list[kbgen.FileChange]) -> None:
    for change in changes:
        path = src / change.path
        old = path.stat().st_mtime_ns if path.exists() else 0
        if change.after is None:
            path.unlink()
            continue
        path.write_text(change.after, encoding="utf-8")
        now = max(old + 1_000_000_000, path.stat().st_mtime_ns)
        os.utime(path, ns=(now, now))


def test_every_edit_check_passes_once_the_site_is_rebuilt(tmp_path: Path) -> None:
    """Each edit, made and rebuilt the way `make bench` does, passes its check; undone
    and rebuilt, the checks of the edits after it start from the same site."""
    root = tmp_path
    kb = write_kb(root / "src", **{**BLOG_SIZES, **EDITED_SIZES})
    _outdir, warnings, _status = _build(root / "src", root / "_build")
    assert warnings == []
    project = bench.Project("extension", root / "src", root / "_build", kb)
    for edit in kb.edits:
        before = bench._before_edit(project, edit)
        _apply(project.src, edit.changes)
        _outdir, warnings, _status = _build(root / "src", root / "_build", fresh=False)
        assert warnings == [], edit.kind
        bench.check_edit(project, edit, before)
        if edit is not kb.edits[-1]:
            _apply(project.src, bench._undo(list(edit.changes)))
            _build(root / "src", root / "_build", fresh=False)


# -- the benchmark's shapes, without building them ----------------------------------------------


@pytest.fixture(scope="module")
def blog() -> kbgen.KnowledgeBase:
    return kbgen.generate_shape("blog")


def test_the_blog_shape_is_a_blog_of_many_people(blog: kbgen.KnowledgeBase) -> None:
    assert blog.shape == "blog"
    assert len(blog.plans) >= 500
    assert 2 <= len(blog.events) <= 10
    # at least 250 people, each with a name of their own, and every one of them writes
    assert len(blog.people) >= 250
    for attribute in ("ident", "name", "handle"):
        assert len({getattr(p, attribute) for p in blog.people}) == len(blog.people), attribute
    assert {a for plan in blog.plans for a in plan.authors} == {p.ident for p in blog.people}
    # one to three authors a piece, never the same person twice; all three counts occur
    per_piece = Counter(len(plan.authors) for plan in blog.plans)
    assert set(per_piece) == {1, 2, 3}
    assert per_piece[1] > per_piece[2] > per_piece[3]
    assert all(len(set(plan.authors)) == len(plan.authors) for plan in blog.plans)
    # the front matter writes co-authors as a list
    three = next(plan for plan in blog.plans if len(plan.authors) == 3)
    assert f"  author: [{', '.join(three.authors)}]\n" in blog.docs[three.docname]


def test_the_blog_shape_writes_tags_as_words_and_as_hashtags(blog: kbgen.KnowledgeBase) -> None:
    assert len(blog.tags) >= 140
    assert len({tag_key(t) for t in blog.tags}) == len(blog.tags)  # distinct identities
    used = {tag_key(t) for plan in blog.plans for t in (*plan.fm_tags, *plan.text_tags)}
    assert len(used) >= 140
    in_words = {t for plan in blog.plans for t in plan.fm_tags if " " in t}
    assert len(in_words) >= 20
    # `culture change` in one piece's front matter, #CultureChange in its prose
    both = [
        plan
        for plan in blog.plans
        if "culture change" in plan.fm_tags and "#CultureChange" in blog.docs[plan.docname]
    ]
    assert both
    assert "  tags: [" in blog.docs[both[0].docname]
    assert "culture change" in blog.docs[both[0].docname].split("---")[1]


def test_the_other_shapes_have_the_sizes_of_the_issue() -> None:
    kb, mixed = kbgen.SHAPES["kb"], kbgen.SHAPES["mixed"]
    assert (kb.pages, kb.reflections) == (2000, 50)
    assert (mixed.reflections, mixed.pages, mixed.authors, mixed.tags, mixed.events) == (
        300, 300, 10, 60, 10,
    )  # fmt: skip
    assert not mixed.coauthors and not mixed.multiword_tags


def _digest(kb: kbgen.KnowledgeBase) -> str:
    digest = hashlib.sha256()
    for files in (kb.docs, kb.plain_docs, kb.avatars):
        for name in sorted(files):
            digest.update(name.encode())
            digest.update(files[name].encode())
    digest.update(kb.people_yml.encode())
    digest.update(kb.events_yml.encode())
    return digest.hexdigest()


def test_the_default_text_is_the_one_earlier_benchmarks_built() -> None:
    """300 reflections + 300 pages with the defaults (the mixed shape): the same bytes as
    before there were shapes, so figures of earlier runs and tools/same_output.py stay
    comparable. Change the digest only when the text is meant to change."""
    assert _digest(kbgen.generate(300, 300)) == (
        "bc86d744af15955118e79eca64d87efd827364afaa4123f46e4bc46c7ef26288"
    )
    assert _digest(kbgen.generate_shape("mixed")) == _digest(kbgen.generate(300, 300))


def test_the_blog_shape_is_the_same_on_every_run(blog: kbgen.KnowledgeBase) -> None:
    again = kbgen.generate_shape("blog")
    assert _digest(again) == _digest(blog)
    assert again.edits == blog.edits
    assert again.plans == blog.plans


def test_every_edit_fits_the_tree_it_is_made_to(blog: kbgen.KnowledgeBase, tmp_path: Path) -> None:
    """The bytes an edit expects are on disk in both variants; it changes something;
    undone, every file is as it was; the new tag, role and sentence are nowhere yet."""
    for variant in bench.VARIANTS:
        kbgen.write_project(blog, tmp_path / variant, variant, "alabaster")
    tree = {
        variant: {
            p.relative_to(tmp_path / variant).as_posix(): p.read_bytes()
            for p in (tmp_path / variant).rglob("*")
            if p.is_file()
        }
        for variant in bench.VARIANTS
    }
    text = b"\n".join(tree["extension"].values()).decode("utf-8").casefold()
    assert [e.kind for e in blog.edits] == list(kbgen.EDIT_KINDS)
    for edit in blog.edits:
        for variant, changes in (("extension", edit.changes), ("plain", edit.plain_changes)):
            for change in changes:
                on_disk = tree[variant].get(change.path)
                expected = None if change.before is None else change.before.encode("utf-8")
                assert on_disk == expected, (edit.kind, variant, change.path)
                assert change.after != change.before
            src = tmp_path / variant
            _apply(src, list(changes))
            _apply(src, bench._undo(list(changes)))
            files = {
                p.relative_to(src).as_posix(): p.read_bytes() for p in src.rglob("*") if p.is_file()
            }
            assert files == tree[variant], (edit.kind, variant)
        assert edit.plain_changes == (edit.changes if edit.kind != "person" else ())
        if edit.kind == "new-tag":
            assert edit.tag == "fika friday"  # the blog writes tags as words
            assert kbgen.tag_identity(edit.tag) not in re.sub(r"[\s_-]", "", text)
        if edit.kind in ("text", "person"):
            assert edit.text.casefold() not in text
        if edit.kind == "existing-tag":
            assert edit.tag in {kbgen.FRONT_MATTER_WORDS.get(t, t) for t in blog.tags}
    assert len({e.docname for e in blog.edits if e.kind != "add"}) == 1  # one piece
    added = blog.edit("add")
    assert added.docname not in blog.docs


def test_the_person_edit_changes_only_that_persons_role(blog: kbgen.KnowledgeBase) -> None:
    edit = blog.edit("person")
    (change,) = edit.changes
    before, after = change.before or "", change.after or ""
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    who = next(p for p in blog.people if p.ident == edit.person)
    assert removed == [f'  role: "{who.role}"'] or before.count(f'  role: "{who.role}"') > 1
    assert added == [f'  role: "{edit.text}"']
    assert after == kbgen.people_yaml([replace(p, role=edit.text) if p is who else p
                                       for p in blog.people])  # fmt: skip


def test_a_real_blog_keeps_its_imported_files_in_both_variants(tmp_path: Path) -> None:
    """Images the import kept beside the posts reach both trees the benchmark builds.

    Without them Sphinx reads every post that shows one again in every build,
    and a rebuild measures that instead of the edit.
    """
    import realcorpus

    tree = tmp_path / "blog-tree"
    (tree / "blog" / "posts").mkdir(parents=True)
    (tree / "blog" / "_imported" / "assets").mkdir(parents=True)
    (tree / "conf.py").write_text('myst_enable_extensions = ["colon_fence"]\n', encoding="utf-8")
    (tree / "index.md").write_text("# Blog\n", encoding="utf-8")
    (tree / "blog" / "people.yml").write_text("{}\n", encoding="utf-8")
    (tree / "blog" / "posts" / "one.md").write_text("# One\n\n![a](../_imported/assets/a.png)\n")
    (tree / "blog" / "_imported" / "assets" / "a.png").write_bytes(b"\x89PNG")
    (tree / "_build" / "_imported").mkdir(parents=True)  # a build of the tree is not copied
    kb = realcorpus.load(tree)
    assert kb.folders == {"blog/_imported": tree / "blog" / "_imported"}
    for variant in ("plain", "extension"):
        dest = tmp_path / variant
        kbgen.write_project(kb, dest, variant, "alabaster")
        assert (dest / "blog" / "_imported" / "assets" / "a.png").read_bytes() == b"\x89PNG"
        assert not (dest / "_build").exists()


def _phases(tmp_path: Path, *options: str) -> list[str]:
    """tools/phases.py run on a copy of the ``test-basic`` project: its output lines."""
    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-basic", src)
    run = subprocess.run(
        [sys.executable, phases.__file__, str(src), str(tmp_path / "out"), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def test_the_phase_timer_finds_every_step_it_names(tmp_path: Path) -> None:
    """tools/phases.py (the figures under "Where the time goes") times each phase it lists:
    a step renamed in Sphinx or here would drop out of the table without a word."""
    lines = _phases(tmp_path, "--unkept")
    assert lines[0].endswith("s of CPU in all")
    timed = {line[2:46].strip() for line in lines[1:] if line.endswith("calls")}
    assert timed == {label.strip() for _module, _name, label in phases.WATCHED}
    assert "garbage collector" in lines[-1]
    assert float(lines[-1].split()[-2]) > 0  # a build makes the collector run


def test_the_phase_timer_can_leave_the_collector_out(tmp_path: Path) -> None:
    """``--no-collector``: the work alone, not one collection timed."""
    last = _phases(tmp_path, "--no-collector", "-D", "reflections_gc_freeze=0")[-1]
    assert "garbage collector" in last
    assert float(last.split()[-2]) == 0.0


def test_the_phase_timer_takes_the_collectors_pauses_out_of_a_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--work``: what the collector spent during a call leaves that call's time."""
    import types

    module = types.ModuleType("phases_probe")

    def step() -> None:
        sum(range(200_000))  # some CPU time of its own

    module.step = step  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "phases_probe", module)
    monkeypatch.setattr(phases, "WATCHED", [("phases_probe", "step", "probe")])
    clock = iter([0.0, 5.0])  # the collector's total before and after the call
    spent: dict[str, list[float]] = {}
    phases.watch(spent, lambda: next(clock))
    module.step()
    seconds, calls = spent["probe"]
    assert calls == 1
    assert -5.0 < seconds < -4.0  # the call's own CPU time less the 5 s paused in it

    plain: dict[str, list[float]] = {}
    monkeypatch.setattr(module, "step", step)
    phases.watch(plain)
    module.step()
    assert 0 < plain["probe"][0] < 1.0


def test_the_benchmark_builds_both_variants_side_by_side_each_on_a_cpu_of_its_own(
    tmp_path: Path,
) -> None:
    """``make bench --paired``: both clean builds at once, each pinned to its own CPU, each
    into a folder of its own (the rebuilds start from the sequential build's tree)."""
    cpus = bench._cpus()
    if len(cpus) < 2:
        pytest.skip(f"needs two CPUs to pin the builds to; this process may use {sorted(cpus)}")
    if not _myst_reads_nested_dates():
        pytest.skip(
            "this MyST-Parser cannot read a date nested in front matter without the extension "
            "(it passes it to json.dumps), so plain Sphinx cannot build the benchmark's plain "
            "variant; the benchmark runs with the newest dependencies"
        )
    kb = kbgen.generate(**EDITED_SIZES)
    projects = bench.prepare(kb, tmp_path, "basic")
    samples = bench.paired_clean(projects, "default")
    assert set(samples) == set(bench.VARIANTS)
    pinned = [samples[variant].cpus for variant in bench.VARIANTS]
    assert all(len(cpu) == 1 for cpu in pinned), pinned
    assert pinned[0] != pinned[1]
    spans = [(samples[variant].began, samples[variant].ended) for variant in bench.VARIANTS]
    assert max(began for began, _ended in spans) < min(ended for _began, ended in spans), spans
    assert samples["extension"].generated > 0
    assert samples["plain"].generated == 0
    for variant, project in projects.items():
        assert samples[variant].pages > 0
        assert samples[variant].cpu > 0
        assert (tmp_path / f"paired-{variant}" / "html" / "index.html").is_file()
        assert not project.html.exists()


def test_the_benchmark_builds_the_search_index_alike_in_both_variants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At equal settings neither variant remembers stems across pages; in the ``builtin``
    mode both do (the extension by reflections_search_memo, plain Sphinx by the wrapper)."""
    if not _myst_reads_nested_dates():
        pytest.skip("this MyST-Parser cannot build the benchmark's plain variant (see above)")
    kb = kbgen.generate(**EDITED_SIZES)
    projects = bench.prepare(kb, tmp_path, "basic")
    assert bench.extension_source().get("memo_option") == "1"
    monkeypatch.setattr(bench, "_EXTENSION_MEMO", [True])
    for mode, remembered in (("default", False), ("builtin", True)):
        for variant, project in projects.items():
            sample = bench.sphinx_build(project, 1, mode, count=False)
            assert (sample.stems > 0) is remembered, (mode, variant, sample.stems)
            shutil.rmtree(project.out)


def _myst_reads_nested_dates() -> bool:
    """Whether MyST-Parser alone reads ``reflection: {date: ...}`` front matter (4.0 did not)."""
    from docutils.core import publish_doctree
    from myst_parser.parsers.docutils_ import Parser

    text = "---\nreflection:\n  date: 2020-01-01\n---\n# T\n"
    try:
        publish_doctree(text, parser=Parser(), settings_overrides={"report_level": 5})
    except TypeError:
        return False
    return True
