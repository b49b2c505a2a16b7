"""Garbage collection between reading and writing: the collector stops walking the doctrees.

Once every document is read, Sphinx holds the whole environment and, until
pages are written, every doctree: millions of objects that live to the end
of the build. Python's cyclic garbage collector would walk all of them again
on every full collection while pages are written, and find nothing to free.
``gc.freeze()`` moves everything alive at that point out of its reach (and,
with ``-j``, keeps the forked writers from touching those pages of memory);
``gc.unfreeze()`` and one collection at the end of the build give them back,
so a process that builds again and again does not keep old builds alive.
Output is the same either way; ``reflections_gc_freeze = False`` turns it off.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from .config import get_config

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def freeze(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated`` (last): everything read so far lives until the build ends."""
    if get_config(app).gc_freeze and not gc.get_freeze_count():
        gc.freeze()


def unfreeze(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: this build's objects are ordinary garbage again, and collected.

    Unfrozen objects join the oldest generation, which the collector visits
    only now and then; a process that builds again and again (sphinx-autobuild
    in-process, a test suite) would grow by a build's garbage each time, so it
    is collected here, once.
    """
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
