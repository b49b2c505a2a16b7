"""Every use of a private Sphinx or Docutils API, in one place.

Each function says why no public API serves. ``tests/test_compat.py`` checks
each of them against the installed Sphinx and Docutils, so a release that
changes one fails that test by name instead of producing a wrong page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx
from docutils import nodes
from docutils.writers import manpage
from sphinx.util.osutil import relative_uri

if TYPE_CHECKING:
    from collections.abc import Callable, Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment


def local_toctree(builder: StandaloneHTMLBuilder, pagename: str, **kwargs: Any) -> str:
    """The theme's ``toctree()`` for a page.

    Private: ``StandaloneHTMLBuilder._get_local_toctree`` is what the
    ``toctree`` template function calls; Sphinx exposes it only as that
    closure in a page's context, which generated pages share (see
    ``site.pages.shared_toctree``).
    """
    result: str = builder._get_local_toctree(pagename, **kwargs)
    return result


def has_local_toctree(builder: Builder) -> bool:
    """Whether the builder can give a generated page the theme's ``toctree()``."""
    return callable(getattr(builder, "_get_local_toctree", None))


def resolved_doctree(env: BuildEnvironment, docname: str, builder: Builder) -> nodes.document:
    """A document's doctree, resolved for this builder.

    Sphinx 9 wants the builder's ``tags``; 8.1 does not know the argument.
    """
    try:
        return env.get_and_resolve_doctree(docname, builder, tags=builder.tags)  # type: ignore[call-arg,unused-ignore]
    except TypeError:
        return env.get_and_resolve_doctree(docname, builder)


def prepare_partial(builder: StandaloneHTMLBuilder, docname: str | None = None) -> None:
    """Set what the HTML translator reads per page before ``render_partial``.

    ``fignumbers``, ``secnumbers`` and ``imgpath`` are set by Sphinx's
    ``write_doc`` for each document; a build that wrote no document never set
    them, and a page rendered outside ``write_doc`` (a feed entry, a generated
    page) must set them itself. No public API does.
    """
    env = builder.env
    if docname is None:
        builder.fignumbers = {}
        builder.secnumbers = {}
        return
    builder.imgpath = relative_uri(builder.get_target_uri(docname), builder.imagedir)
    builder.fignumbers = env.toc_fignumbers.get(docname, {})
    builder.secnumbers = env.toc_secnumbers.get(docname, {})


def build_info_hashes(builder: Builder) -> tuple[str, str]:
    """The configuration and tags hashes Sphinx writes to ``.buildinfo``.

    Private: ``build_info`` (``sphinx.builders.html._build_info.BuildInfo``)
    is how Sphinx decides that every page must be written again; generated
    pages follow the same decision.
    """
    info = getattr(builder, "build_info", None)
    return str(getattr(info, "config_hash", "")), str(getattr(info, "tags_hash", ""))


#: Whether Sphinx runs its write phase (``write-started``, ``html-collect-pages``) in a
#: build that reads no document. Sphinx 9.0 does; before it, such a build stops after
#: reading, so a generated page or a picture missing from the output is only put back
#: when a document is marked out of date (see ``setup``). Not a private API, but
#: behaviour a release can change; ``tests/test_compat.py`` checks it.
WRITES_WHEN_NOTHING_READ = sphinx.version_info >= (9,)


def skip_write_phase(builder: Builder) -> bool:
    """Make a builder's write phase do nothing (``sphinx-reflections check``).

    Private: ``Builder.write_documents`` is the step that resolves every
    doctree; the dummy builder writes nothing, yet Sphinx would still resolve
    every page. Returns False when this Sphinx has no such step.
    """
    if not callable(getattr(builder, "write_documents", None)):
        return False
    setattr(builder, "write_documents", _write_nothing)  # noqa: B010
    return True


def _write_nothing(docnames: object) -> None:
    """Stands in for the builder's write phase."""


def set_std_labels(
    env: BuildEnvironment, labels: dict[str, tuple[str, str]], forget: list[str]
) -> None:
    """Make ``{ref}`` targets of generated pages (label -> (pagename, title)).

    Private shape: the standard domain's ``labels``/``anonlabels`` mappings.
    ``StandardDomain.note_hyperlink_target`` adds one but cannot remove one
    whose page went away, and generated pages are not documents that
    ``clear_doc`` would visit.
    """
    std: Any = env.get_domain("std")
    for label in forget:
        std.labels.pop(label, None)
        std.anonlabels.pop(label, None)
    for label, (pagename, title) in labels.items():
        std.labels[label] = (pagename, "", title)
        std.anonlabels[label] = (pagename, "")


def sphinx_design_static_dir() -> str | None:
    """The folder sphinx-design adds to ``html_static_path`` on ``builder-inited``.

    Private: sphinx-design (0.8) appends ``sphinx_design.extension.STATIC_DIR``
    after Sphinx compared the configuration with the last build's, so every
    rebuild would report ``html_static_path`` as changed; knowing it lets
    :func:`sphinx_reflections._add_static` put it there first.
    """
    from sphinx_design import extension

    folder = getattr(extension, "STATIC_DIR", None)
    return str(folder) if folder is not None else None


#: sphinx-design's steps that look for one kind of component on every page written, by
#: the condition each looks for: ``(module, name, attribute, value)``; ``value`` None means
#: any true value.
DESIGN_STEPS = (
    ("sphinx_design.dropdown", "DropdownHtmlTransform", "design_component", "dropdown"),
    ("sphinx_design.tabs", "TabSetHtmlTransform", "design_component", "tab-set"),
    ("sphinx_design.aside", "AsideHtmlTransform", "design_component", "aside"),
    ("sphinx_design.extension", "_resolve_new_tab_refs", "sd_new_tab", None),
)


def _has(tree: nodes.Node, attribute: str, value: Any) -> bool:
    for node in tree.findall(nodes.Element):  # a class, not a function: Docutils' fast walk
        found = node.get(attribute)
        if found if value is None else found == value:
            return True
    return False


def quicken_sphinx_design(app: Sphinx) -> list[str]:
    """Let sphinx-design's per-page steps skip a page with none of their components.

    Private: sphinx-design (0.8) registers three post-transforms and a
    ``doctree-resolved`` listener that each walk every page written with a
    function as condition, which Docutils (0.22) serves with its slow,
    recursive walk: about four times the cost of a walk by node class, four
    times per page, on the thousands of pages of a knowledge base that use no
    component at all (about 1 % of a clean build of the *kb* benchmark). Each step is
    given a walk by class first and runs as before where it finds what it
    looks for. Returns the steps quickened; one that is not found (a release
    that renamed it) is left as it is.
    """
    import importlib

    registry: Any = app.registry
    listeners: Any = app.events.listeners
    done = []
    for module_name, name, attribute, value in DESIGN_STEPS:
        try:
            original = getattr(importlib.import_module(module_name), name)
        except (ImportError, AttributeError):
            continue
        if isinstance(original, type):
            if original not in registry.post_transforms:
                continue
            registry.post_transforms[registry.post_transforms.index(original)] = _guarded_transform(
                original, attribute, value
            )
            done.append(name)
            continue
        for event in listeners.values():
            for i, listener in enumerate(event):
                if listener.handler is original:
                    event[i] = listener._replace(
                        handler=_guarded_listener(original, attribute, value)
                    )
                    done.append(name)
    return done


def _guarded_transform(original: Any, attribute: str, value: Any) -> type:
    def run(self: Any, **kwargs: Any) -> None:
        if _has(self.document, attribute, value):
            original.run(self, **kwargs)

    return type(original.__name__, (original,), {"run": run, "__module__": __name__})


def _guarded_listener(original: Any, attribute: str, value: Any) -> Any:
    def handler(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        if _has(doctree, attribute, value):
            original(app, doctree, docname)

    handler.__name__ = original.__name__
    handler.__wrapped__ = original  # type: ignore[attr-defined]
    return handler


def man_reference_handler(translator: Any, step: str) -> Any:
    """The ``visit``/``depart`` handler of ``reference`` the man writer would use.

    Private: Docutils 0.22 picks ``_visit_reference_no_macro`` or
    ``_with_macro`` on the translator instance (hiding Sphinx's method);
    before 0.22 the translator's own method (Sphinx's) is the one.
    """
    form = "no_macro" if getattr(translator.settings, "text_references", True) else "with_macro"
    chosen = getattr(manpage.Translator, f"_{step}_reference_{form}", None)
    return chosen or getattr(type(translator), f"{step}_reference")


def add_toctree_pages(pages: dict[str, str]) -> None:
    """Let a toctree list generated pages (pagename -> title), as it lists ``genindex``.

    Private: ``StandardDomain._virtual_doc_names`` is what the toctree
    directive, the toctree collector and the toctree resolver accept beside
    documents; no public API adds to it. It belongs to the class, so the
    names are taken out again when the build ends (:func:`remove_toctree_pages`).
    """
    # defers a heavy import: the standard domain loads every directive (0.1 s for the CLI)
    from sphinx.domains.std import StandardDomain

    names: Any = StandardDomain._virtual_doc_names
    for pagename, title in pages.items():
        names.setdefault(pagename, (pagename, title))


def remove_toctree_pages(pages: list[str]) -> None:
    """Take out what :func:`add_toctree_pages` added (never Sphinx's own names)."""
    # defers a heavy import, as add_toctree_pages does
    from sphinx.domains.std import StandardDomain

    names: Any = StandardDomain._virtual_doc_names
    for pagename in pages:
        if pagename not in ("genindex", "modindex", "search"):
            names.pop(pagename, None)


class _Unkept(dict):  # type: ignore[type-arg]
    """A write-phase doctree cache that keeps nothing (see :func:`keep_no_read_doctrees`)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


def keep_no_read_doctrees(env: BuildEnvironment) -> bool:
    """Have a serial read keep no doctree for the write phase; whether Sphinx has that cache.

    Private: ``BuildEnvironment._write_doc_doctree_cache`` holds every doctree
    read in this build until its page is written (a parallel read keeps none,
    and the write phase then loads each one from its pickle). Kept, every
    doctree of the project is in memory at once when writing starts, and the
    collector walks all of them on each full collection; not kept, each page
    loads its pickle when it is written, as with ``-j``.
    """
    cache = getattr(env, "_write_doc_doctree_cache", None)
    if not isinstance(cache, dict):
        return False
    cache.clear()
    if not isinstance(cache, _Unkept):
        env._write_doc_doctree_cache = _Unkept()  # type: ignore[assignment]
    return True


def keep_read_doctrees(env: BuildEnvironment) -> None:
    """Sphinx's own cache again (a later build in the same process may want it)."""
    if isinstance(getattr(env, "_write_doc_doctree_cache", None), _Unkept):
        env._write_doc_doctree_cache = {}


def forget_pickled_doctree(env: BuildEnvironment, docname: str) -> None:
    """Drop the pickled bytes Sphinx keeps of a doctree once its page is written.

    Private: ``BuildEnvironment._pickled_doctree_cache`` keeps the bytes of
    every doctree loaded from disk until the build ends; whoever asks for one
    again reads its file.
    """
    cache = getattr(env, "_pickled_doctree_cache", None)
    if isinstance(cache, dict):
        cache.pop(docname, None)


#: Distinct words a build remembers the stems of; past it, the memo starts again
#: (a large knowledge base has a few hundred thousand distinct words).
STEM_MEMO_SIZE = 500_000


class _StemMemo:
    """A search language's ``stem``, remembered for the whole build."""

    def __init__(self, stem: Callable[[str], str]) -> None:
        self.stem = stem
        self.known: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        known = self.known
        try:
            return known[word]
        except KeyError:
            if len(known) >= STEM_MEMO_SIZE:
                known.clear()
            found = known[word] = self.stem(word)
            return found


#: Sphinx's search languages whose stem of a word depends on more than the word: the
#: Chinese one leaves a short-stemmed Latin word whole once a page indexed before had
#: it in its text (``SearchChinese.latin_terms``).
_STATEFUL_STEMMERS = frozenset({"sphinx.search.zh"})


def remember_stems(builder: Builder) -> bool:
    """Have the search index stem each distinct word once per build, not once per page.

    Private: ``IndexBuilder.lang`` is the search language whose ``stem``
    Sphinx (8.1 to 9) memoises for one page at a time, in ``feed``; every
    page stems its words again (a pure-Python Snowball stemmer unless
    PyStemmer is installed). Only Sphinx's own languages whose stem depends
    on the word alone get the memo, so the index is the same; a language of
    the project's own, or Chinese, is left as it is. Returns whether the
    memo is in place.
    """
    lang = getattr(getattr(builder, "indexer", None), "lang", None)
    stem = getattr(lang, "stem", None)
    if lang is None or stem is None:
        return False
    if isinstance(stem, _StemMemo):
        return True
    defined_in = getattr(getattr(type(lang), "stem", None), "__module__", "") or ""
    sphinx_own = defined_in == "sphinx.search" or defined_in.startswith("sphinx.search.")
    if not sphinx_own or defined_in in _STATEFUL_STEMMERS:
        return False
    lang.stem = _StemMemo(stem)
    return True


class _LoadedIndex:
    """A search-index format that keeps what the last ``searchindex.js`` said of index entries.

    Everything but ``load`` is the format's own (see :func:`note_loaded_search_index`).
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seen: tuple[Any, Any] | None = None  # (docnames, indexentries) as loaded

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def load(self, stream: Any) -> Any:
        frozen = self.inner.load(stream)
        if isinstance(frozen, dict):
            self.seen = (frozen.get("docnames"), frozen.get("indexentries", {}))
        return frozen


def note_loaded_search_index(builder: Builder) -> bool:
    """Keep the index entries of the ``searchindex.js`` Sphinx loads (for the function below).

    Private: ``StandaloneHTMLBuilder.indexer_format`` is what the builder
    loads the last ``searchindex.js`` with (in ``load_indexer``) and dumps the
    new one with. Wrapped, the index entries Sphinx parsed are kept, and the
    file need not be parsed a second time (10 ms of a rebuild with nothing
    changed on the *blog* benchmark, whose index is 590 kB). Returns whether
    it is wrapped.
    """
    fmt = getattr(builder, "indexer_format", None)
    if isinstance(fmt, _LoadedIndex):
        fmt.seen = None
        return True
    if not callable(getattr(fmt, "load", None)):
        return False
    builder.indexer_format = _LoadedIndex(fmt)  # type: ignore[attr-defined]
    return True


def _last_index_entries(builder: Builder, filename: str) -> tuple[Any, Any]:
    """The last ``searchindex.js``'s document names and index entries: as loaded, or read."""
    fmt = getattr(builder, "indexer_format", None)
    if isinstance(fmt, _LoadedIndex) and fmt.seen is not None:
        seen, fmt.seen = fmt.seen, None
        return seen
    text = (Path(builder.outdir) / filename).read_text(encoding="utf-8")
    frozen = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return frozen["docnames"], frozen.get("indexentries", {})


def keep_search_index_entries(builder: Builder, written: Set[str]) -> int:
    """Give pages not written in this build back their index entries in the search index.

    Private: ``IndexBuilder._index_entries`` (docname -> entries) starts from
    the environment, which Sphinx saves *before* it writes, so the entries
    each page fed while it was written are lost for every page the next
    build does not write again: after a rebuild with nothing changed, every
    hashtag and person is gone from ``searchindex.js``. The last build's
    ``searchindex.js`` has them; they are taken from there. Returns how many
    pages got theirs back.
    """
    indexer = getattr(builder, "indexer", None)
    entries = getattr(indexer, "_index_entries", None)
    filename = getattr(builder, "searchindex_filename", "")
    if not isinstance(entries, dict) or not filename:
        return 0
    try:
        docnames, old = _last_index_entries(builder, filename)
    except (OSError, ValueError, KeyError, TypeError):
        return 0
    if not isinstance(docnames, list) or not isinstance(old, dict):
        return 0
    restored: dict[str, set[tuple[str, str, str]]] = {}
    for entry, places in old.items():
        for place in places:
            if not (isinstance(place, list) and len(place) == 3):
                continue
            number, target, main = place
            if not isinstance(number, int) or not 0 <= number < len(docnames):
                continue
            docname = docnames[number]
            if docname in written or docname not in builder.env.all_docs:
                continue
            restored.setdefault(docname, set()).add((entry, target, "main" if main else ""))
    for docname, found in restored.items():
        entries[docname] = sorted(found)
    # in the order a clean build feeds them (documents are written sorted by name)
    ordered = sorted(entries.items())
    entries.clear()
    entries.update(ordered)
    return len(restored)


def drop_empty_search_terms(builder: Builder) -> int:
    """Take out of the search index the words no page has any more; how many went.

    Private: ``IndexBuilder._mapping`` and ``_title_mapping`` (word -> the
    pages that have it) start from the last ``searchindex.js``, and a page
    written again leaves the words it no longer has with an empty set, which
    Sphinx writes as ``"word": []``: a tag added and taken out again stays in
    the index until a clean build. A clean build has no such words.
    """
    indexer = getattr(builder, "indexer", None)
    dropped = 0
    for name in ("_mapping", "_title_mapping"):
        mapping = getattr(indexer, name, None)
        if not isinstance(mapping, dict):
            continue
        empty = [word for word, pages in mapping.items() if not pages]
        for word in empty:
            del mapping[word]
        dropped += len(empty)
    return dropped
