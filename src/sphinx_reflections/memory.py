"""Garbage collection during a build: the collector stops walking what lives to the end.

A Sphinx build holds an ever larger environment and, until pages are
written, every doctree: millions of objects that live to the end of the
build. Python's cyclic garbage collector walks all of them again on every
full collection, and finds nothing to free among them; on a large project
that is a third or more of the build's time. Two things keep it from that:

* while documents are read (by this process: not with ``-j``, where it
  merges whole environments from its workers), whatever survives a full
  collection is frozen (``gc.freeze()``) right after it, so the next full
  collection walks only what was made since (the collector still runs as
  often as before, and still frees the cycles a parsed document leaves
  behind);
* once every document is read, one collection and a freeze take the whole
  environment out of its reach while pages are written (and, with ``-j``,
  keep the forked writers from touching those pages of memory).

Sphinx keeps every doctree a serial read made until its page is written: the
whole project in memory at once, walked by every full collection (and, once
frozen, never freed). The extension has it keep none, whether the collector is
frozen or not: each page loads its pickle when it is written, as with ``-j``
and in every incremental build, and the pickle's bytes are let go once the
page is written. This is about memory, not the collector, so it is not part of
the option: a clean build then needs about as much memory as plain Sphinx on the
benchmark's 510-piece blog (1.01x, with the stock collector in both) and half of
it on its 2,000-page knowledge base, and is no slower (loading a pickle costs
about what the collector spent walking the kept doctree).

An object that was alive when it was frozen and dies later is freed only at
the end of the build: ``gc.unfreeze()`` and one collection give everything
back, so a process that builds again and again (sphinx-autobuild in-process,
a test suite) does not keep old builds alive. Output is the same either way;
``reflections_gc_freeze = False`` turns the freezing off.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from .compat import (
    forget_pickled_doctree,
    keep_no_read_doctrees,
    keep_read_doctrees,
    remember_stems,
)
from .config import get_config

if TYPE_CHECKING:
    from collections.abc import Iterable

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


#: Documents each build (by its application) reads; a full collection over the whole
#: environment costs about a second on 2,000 pages, and finds nothing when none was read.
_documents_read: dict[int, int] = {}


def _after_full_collection(phase: str, info: dict[str, Any]) -> None:
    """A ``gc.callbacks`` entry: what a full collection kept is frozen at once."""
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def _stop_freezing() -> None:
    while _after_full_collection in gc.callbacks:
        gc.callbacks.remove(_after_full_collection)


def start(app: Sphinx, env: BuildEnvironment, docnames: Iterable[str]) -> None:
    """``env-before-read-docs``: no doctree is kept for writing; survivors of full
    collections are frozen from now on.

    Freezing only when documents are read in this process: with ``-j``, the main
    process merges each worker's whole environment and drops it, and a copy
    frozen in passing could not be freed until the build ends.
    """
    _documents_read[id(app)] = len(list(docnames))
    keep_no_read_doctrees(env)  # -j reads fewer than six documents in this process too
    if not get_config(app).gc_freeze:
        return
    if app.parallel <= 1 and _after_full_collection not in gc.callbacks:
        gc.callbacks.append(_after_full_collection)


def freeze(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated`` (last): everything read so far lives until the build ends.

    One collection first, so the garbage reading left behind (parsed
    documents, whose nodes point at each other) is freed, not frozen.
    """
    _stop_freezing()
    if get_config(app).gc_freeze:
        if _documents_read.get(id(app), 1):  # nothing read, nothing to free: skip the walk
            gc.collect()
        gc.freeze()


def written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved`` (last): the page has its doctree; the pickle's bytes can go."""
    forget_pickled_doctree(app.env, docname)


def stems(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the search index stems each distinct word once per build.

    Here because Sphinx makes its index builder after ``write-started``; it
    feeds a page to it right after this event (with ``-j`` too, in this
    process). A new index builder, and so a new memo, comes with each build.
    """
    if get_config(app).search_memo:
        remember_stems(app.builder)


def unfreeze(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: this build's objects are ordinary garbage again, and collected.

    Unfrozen objects join the oldest generation, which the collector visits
    only now and then; a process that builds again and again would grow by a
    build's garbage each time, so it is collected here, once.
    """
    _stop_freezing()
    keep_read_doctrees(app.env)
    read = _documents_read.pop(id(app), 1)
    if gc.get_freeze_count():
        gc.unfreeze()
        if read:  # a rebuild that read nothing left next to no garbage
            gc.collect()
