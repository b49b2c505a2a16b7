"""Every private Sphinx or Docutils API the extension uses still works (compat.py).

Each test names the API it checks, so a Sphinx or Docutils release that changes
one fails here by name, instead of a wrong page somewhere else. Run by
``make test`` with the newest releases and by ``make test-lowest`` with the
oldest supported ones.
"""

from __future__ import annotations

import inspect
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docutils
import pytest
from docutils import nodes
from docutils.writers import manpage
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.testing.util import SphinxTestApp

from reflections_testutil import ROOTS, warnings_of
from sphinx_reflections import compat


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxTestApp]:
    src = tmp_path_factory.mktemp("compat") / "kb"
    shutil.copytree(ROOTS / "test-basic", src)
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.build()
        yield app
    finally:
        app.cleanup()


def test_get_local_toctree_still_gives_the_theme_toctree(built) -> None:
    """``StandaloneHTMLBuilder._get_local_toctree(docname, collapse=True, **kwargs)``."""
    parameters = inspect.signature(StandaloneHTMLBuilder._get_local_toctree).parameters
    assert list(parameters)[:3] == ["self", "docname", "collapse"]
    assert compat.has_local_toctree(built.builder)
    html = compat.local_toctree(built.builder, "reflections/index", titles_only=True)
    assert 'href="../article.html"' in html, html


def test_write_doc_still_sets_the_per_page_numbers_and_image_path() -> None:
    """``fignumbers``, ``secnumbers`` and ``imgpath``, which ``prepare_partial`` sets."""
    source = inspect.getsource(StandaloneHTMLBuilder.write_doc)
    for name in ("self.fignumbers", "self.secnumbers", "self.imgpath"):
        assert name in source, f"Sphinx's write_doc no longer sets {name}"


def test_prepare_partial(built) -> None:
    builder = built.builder
    compat.prepare_partial(builder, "essays/twenty-years")
    assert builder.imgpath == "../_images"
    compat.prepare_partial(builder)
    assert builder.fignumbers == {} and builder.secnumbers == {}


def test_resolved_doctree_has_no_pending_references(built) -> None:
    """``env.get_and_resolve_doctree`` (``tags=`` since Sphinx 9)."""
    tree = compat.resolved_doctree(built.env, "essays/twenty-years", built.builder)
    assert isinstance(tree, nodes.document)
    assert not list(tree.findall(addnodes.pending_xref))
    assert any(r.get("refuri", "").endswith("tags/cx.html") for r in tree.findall(nodes.reference))


def test_build_info_hashes(built) -> None:
    """``builder.build_info.config_hash`` / ``tags_hash`` (``.buildinfo``)."""
    config_hash, tags_hash = compat.build_info_hashes(built.builder)
    assert len(config_hash) == 32 and len(tags_hash) == 32
    assert config_hash in Path(built.outdir, ".buildinfo").read_text(encoding="utf-8")


def test_write_documents_is_still_the_write_step(make_app, tmp_path: Path) -> None:
    """``Builder.write_documents``: replaced for ``check`` so no doctree is resolved."""
    assert "write_documents" in inspect.getsource(Builder.write)
    src = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-basic", src)
    app = make_app("dummy", srcdir=src)
    resolved: list[str] = []
    app.connect("doctree-resolved", lambda _app, _tree, docname: resolved.append(docname))
    assert compat.skip_write_phase(app.builder)
    app.build()
    assert resolved == []
    assert app.env.found_docs  # every page was still read


def test_whether_a_build_that_reads_nothing_still_writes(make_app, tmp_path: Path) -> None:
    """``WRITES_WHEN_NOTHING_READ``: plain Sphinx (no extension) says whether it runs its
    write phase when no document is read; the handlers that make it run are connected
    only when it does not."""
    src = tmp_path / "plain"
    src.mkdir()
    (src / "conf.py").write_text("", encoding="utf-8")
    (src / "index.rst").write_text("Plain\n=====\n\nText.\n", encoding="utf-8")
    make_app("html", srcdir=src).build()
    again = make_app("html", srcdir=src)
    started: list[str] = []
    again.connect("write-started", lambda _app, builder: started.append(builder.name))
    again.build()
    assert bool(started) is compat.WRITES_WHEN_NOTHING_READ
    kb = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-basic", kb)
    app = make_app("html", srcdir=kb)
    handlers = {
        getattr(listener.handler, "__name__", "")
        for listener in app.events.listeners["env-get-outdated"]
    }
    wanted = {"rewrite_missing_pages", "recopy_changed_pictures"}
    assert (wanted <= handlers) is not compat.WRITES_WHEN_NOTHING_READ
    assert not (wanted & handlers) or not compat.WRITES_WHEN_NOTHING_READ


def test_std_labels_are_still_plain_mappings(built) -> None:
    """``StandardDomain.labels`` / ``anonlabels``: generated pages are registered there."""
    std = built.env.get_domain("std")
    assert std.labels["reflections-archive"][0] == "reflections/index"
    assert std.anonlabels["reflections-archive"] == ("reflections/index", "")


def test_man_reference_handler_is_the_writers_own() -> None:
    """Docutils 0.22 picks ``_visit_reference_no_macro``; older ones use the method."""

    class Settings:
        text_references = True

    class Translator(manpage.Translator):
        def __init__(self) -> None:  # only the settings are read
            self.settings = Settings()

    handler = compat.man_reference_handler(Translator(), "visit")
    if docutils.__version_info__ >= (0, 22):
        assert handler is manpage.Translator._visit_reference_no_macro
    else:
        assert handler is Translator.visit_reference


def test_sphinx_design_static_folder_is_known_and_served_once(built) -> None:
    """sphinx-design adds its own static folder on builder-inited (0.8)."""
    folder = compat.sphinx_design_static_dir()
    assert folder is not None
    paths = [str(p) for p in built.config.html_static_path]
    assert paths.count(folder) == 1, paths
    assert Path(built.outdir, "_static", "sphinx-design.min.css").is_file() or any(
        p.name.startswith("sphinx-design.") for p in Path(built.outdir, "_static").iterdir()
    )


def test_virtual_doc_names_still_let_a_toctree_list_a_page_that_is_no_document() -> None:
    """``StandardDomain._virtual_doc_names`` (name -> (docname, title)), as for ``genindex``.

    The toctree directive, the collector and the resolver read it from the
    class; the names are added per build and taken out again.
    """
    from sphinx.domains.std import StandardDomain
    from sphinx.environment.adapters import toctree

    names = StandardDomain._virtual_doc_names
    assert names["genindex"][0] == "genindex"
    assert "_virtual_doc_names" in inspect.getsource(toctree)
    compat.add_toctree_pages({"kb/archive": "Archive"})
    try:
        assert names["kb/archive"] == ("kb/archive", "Archive")
    finally:
        compat.remove_toctree_pages(["kb/archive", "genindex"])
    assert "kb/archive" not in names
    assert "genindex" in names  # Sphinx's own are never taken out


def test_a_serial_read_still_keeps_doctrees_for_the_write_phase(make_app, tmp_path: Path) -> None:
    """BuildEnvironment._write_doc_doctree_cache: filled by a serial read, emptied by writing.

    Seen in plain Sphinx: the extension has it keep nothing, whatever its options.
    """
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "conf.py").write_text("", encoding="utf-8")
    for name in ("index", "other"):
        (tmp_path / "src" / f"{name}.rst").write_text(f"{name}\n=====\n\nText.\n", "utf-8")
    app = make_app("html", srcdir=tmp_path / "src")
    kept: list[int] = []
    app.connect("env-updated", lambda _app, env: kept.append(len(env._write_doc_doctree_cache)))
    app.build()
    assert kept and kept[0] > 0
    assert app.env._write_doc_doctree_cache == {}
    assert compat.keep_no_read_doctrees(app.env)  # the cache is there to replace
    app.env._write_doc_doctree_cache["index"] = object()  # type: ignore[assignment]
    assert app.env._write_doc_doctree_cache == {}
    compat.keep_read_doctrees(app.env)
    assert type(app.env._write_doc_doctree_cache) is dict


def test_doctrees_loaded_from_disk_are_kept_as_pickled_bytes(built) -> None:
    """BuildEnvironment._pickled_doctree_cache: docname -> the pickle's bytes, from get_doctree."""
    env = built.env
    env._pickled_doctree_cache.clear()
    env.get_doctree("index")
    assert isinstance(env._pickled_doctree_cache.get("index"), bytes)
    compat.forget_pickled_doctree(env, "index")
    assert "index" not in env._pickled_doctree_cache


def test_the_search_index_still_keeps_index_entries_per_document(built) -> None:
    """IndexBuilder._index_entries: docname -> (entry, target id, main) from index nodes."""
    indexer = built.builder.indexer
    assert isinstance(indexer._index_entries, dict)
    source = inspect.getsource(type(indexer).feed)
    assert "self._index_entries[docname]" in source
    assert "self._index_entries.items()" in inspect.getsource(type(indexer).freeze)


_DESIGN_PAGE = """\
# Components

:::{dropdown} More
Hidden text.
:::

::::{tab-set}
:::{tab-item} One
First.
:::
:::{tab-item} Two
Second.
:::
::::

:::{aside} Margin
A note.
:::

:::{card} A card
:link: https://example.org/
:link-new-tab:

Body.
:::
"""


def _design_site(make_app: Any, root: Path) -> dict[str, str]:
    (root / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
    )
    (root / "index.md").write_text("# Home\n\n```{toctree}\ncomponents\nplain\n```\n")
    (root / "components.md").write_text(_DESIGN_PAGE)
    (root / "plain.md").write_text("# Plain\n\nNo component here.\n")
    app = make_app("html", srcdir=root)
    app.build()
    assert not warnings_of(app)
    out = Path(app.outdir)
    return {name: (out / f"{name}.html").read_text() for name in ("components", "plain")}


def test_sphinx_design_steps_are_quickened_and_write_the_same_pages(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sphinx-design's per-page steps are found by name (a release that renames one
    fails here) and, given a quick walk first, still do their work on a page with
    components: the pages are the same bytes as without the quick walk."""
    (tmp_path / "quick").mkdir()
    (tmp_path / "stock").mkdir()
    quick = _design_site(make_app, tmp_path / "quick")
    app = make_app("html", srcdir=tmp_path / "quick")
    names = [t.__name__ for t in app.registry.get_post_transforms()]
    guarded = [t for t in app.registry.get_post_transforms() if t.__module__ == compat.__name__]
    assert sorted(t.__name__ for t in guarded) == sorted(
        ["DropdownHtmlTransform", "TabSetHtmlTransform", "AsideHtmlTransform"]
    ), names
    handlers = [lst.handler for lst in app.events.listeners["doctree-resolved"]]
    assert any(getattr(h, "__wrapped__", None) is not None for h in handlers)

    monkeypatch.setattr(compat, "quicken_sphinx_design", lambda app: [])
    stock = _design_site(make_app, tmp_path / "stock")
    assert quick == stock
    page = quick["components"]
    assert "sd-dropdown" in page and "<details" in page  # the dropdown transform ran
    assert 'class="sd-tab-set' in page and 'type="radio"' in page  # the tabs transform
    assert "<aside" in page  # the aside transform
    assert 'target="_blank"' in page  # the new-tab listener


def test_only_stemmers_that_depend_on_the_word_alone_are_remembered() -> None:
    """Sphinx's Chinese stem reads the pages indexed before; a project's own may do anything."""
    from types import SimpleNamespace

    from sphinx.search.en import SearchEnglish
    from sphinx.search.ja import SearchJapanese
    from sphinx.search.sv import SearchSwedish
    from sphinx.search.zh import SearchChinese

    class OwnEnglish(SearchEnglish):
        def stem(self, word: str) -> str:
            return word

    class QuieterEnglish(SearchEnglish):  # its own stopwords, Sphinx's stem
        stopwords = frozenset({"quiet"})

    def remembered(lang_class: type) -> bool:
        lang = lang_class({})
        builder = SimpleNamespace(indexer=SimpleNamespace(lang=lang))
        done = compat.remember_stems(builder)  # type: ignore[arg-type]
        assert done is isinstance(lang.stem, compat._StemMemo)
        return done

    assert remembered(SearchEnglish)
    assert remembered(SearchSwedish)
    assert remembered(SearchJapanese)
    assert remembered(QuieterEnglish)
    assert not remembered(SearchChinese)
    assert not remembered(OwnEnglish)
    assert not compat.remember_stems(SimpleNamespace(indexer=None))  # type: ignore[arg-type]


def test_the_search_index_format_keeps_what_it_loaded_and_dumps_as_sphinx() -> None:
    """Wrapped, the builder's index format still writes Sphinx's bytes, and keeps only the
    document names and index entries of the index it loaded, once."""
    import io
    from types import SimpleNamespace

    from sphinx.search import js_index

    builder = SimpleNamespace(indexer_format=js_index)
    assert compat.note_loaded_search_index(builder)  # type: ignore[arg-type]
    assert compat.note_loaded_search_index(builder)  # type: ignore[arg-type]  # not twice
    wrapped = builder.indexer_format
    assert isinstance(wrapped, compat._LoadedIndex) and wrapped.inner is js_index
    frozen = {"docnames": ["a", "b"], "indexentries": {"#CX": [[1, "cx", 0]]}, "terms": {}}
    out = io.StringIO()
    wrapped.dump(frozen, out)
    assert out.getvalue() == js_index.dumps(frozen)
    assert wrapped.load(io.StringIO(out.getvalue())) == frozen
    assert wrapped.seen == (["a", "b"], {"#CX": [[1, "cx", 0]]})
    assert not compat.note_loaded_search_index(SimpleNamespace())  # type: ignore[arg-type]
