"""The build process of ``make bench``: Sphinx builds in this process, measured from inside.

tools/bench.py starts ``python tools/benchrun.py JOB.json`` once per measured build
(or once for ``--rebuilds``, which builds many times in one process the way
sphinx-autobuild 2024.02-2024.04 did). Only the standard library is imported
before Sphinx, so the process is what ``sphinx-build`` would be, plus:

* **GC at the read/write boundary** (``"freeze": true``): ``gc.freeze()`` once
  reading is done (a late ``env-updated`` handler, after every extension's own),
  ``gc.unfreeze()`` on ``build-finished`` (and with ``"collect": true`` a full
  ``gc.collect()`` right after it, timed as part of the build). The same for
  plain Sphinx and the extension, so the two can be compared at equal collector
  settings. Like the extension's own option, it also has a serial read keep no
  doctree for the write phase (each page loads its pickle, as with ``-j``, and
  the pickle's bytes go once the page is written): frozen, a kept doctree could
  not be freed until the build ends.
* **No doctree kept, stock collector** (``"unkept": true``): only that last part,
  for plain Sphinx, which the extension does whatever its options.
* **The extension's own options** (``"extension_gc": 0 or 1``): passed as
  ``-D reflections_gc_freeze=...`` and ``-D reflections_search_memo=...``,
  each only when the imported sphinx_reflections declares it, so older
  versions build as they are.
* **Stems remembered for the whole build** (``"memo": true``): what
  ``reflections_search_memo`` does, for plain Sphinx, so the two can be
  compared with the search index built alike.
* **Render counting** (``"count": true``): every ``html-page-context`` call, and
  those for the extension's generated pages (their context carries
  ``sphinx_reflections.metadata.PAGE_KEY``). Forked ``-j`` workers append one
  line per page to a file, since their counters die with them.
* **Measurements**: CPU time (user + system, workers included), peak RSS of the
  process and of its workers, RSS after each build, and the garbage collector's
  work in this process (not in ``-j`` workers): collections per generation and
  the CPU seconds they took (a ``gc.callbacks`` entry: two reads of the process
  clock per collection, so other work on the machine does not count).

The result is one JSON file with a record per build. Nothing here decides
anything: tools/bench.py reads the records, checks the output and reports.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

#: the context key the extension sets on its generated pages (read from the extension
#: once it is loaded; this is only the fallback for versions without the constant)
PAGE_KEY = "reflections_page"
#: the ReflectionsConfig fields of the extension's speed options (reflections_gc_freeze,
#: reflections_search_memo): each changes how a build runs, never what it writes
SPEED_OPTIONS = ("gc_freeze", "search_memo")
LATE = 900  # event priority: after every handler at the default 500


def _rss_mib() -> float:
    """The resident set size now (Linux: /proc; elsewhere the peak, the best we have)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return _maxrss_mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _maxrss_mib(maxrss: int) -> float:
    """ru_maxrss is KiB on Linux and bytes on macOS."""
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Collections:
    """Collections per generation and their time, through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._start = 0.0
        self.pid = os.getpid()
        gc.callbacks.append(self.callback)

    def callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.process_time()
        elif os.getpid() == self.pid:  # a forked worker's collections are its own
            generation = info["generation"]
            self.count[generation] += 1
            self.seconds[generation] += time.process_time() - self._start

    def take(self) -> dict[str, Any]:
        """What was collected since the last call."""
        found = {"gc_collections": list(self.count), "gc_seconds": list(self.seconds)}
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        return found


class _Unkept(dict):  # type: ignore[type-arg]
    """Sphinx's write-phase doctree cache, keeping nothing (the extension does the same)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


class _Memo:
    """A search language's stem, remembered by word (``known``, as the extension's memo)."""

    def __init__(self, stem: Any) -> None:
        self.stem = stem
        self.known: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        try:
            return self.known[word]
        except KeyError:
            found = self.known[word] = self.stem(word)
            return found  # type: ignore[no-any-return]


class Hooks:
    """Connected to every Sphinx application this process builds."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.freeze = bool(job.get("freeze"))
        self.unkept = self.freeze or bool(job.get("unkept"))
        self.collect = bool(job.get("collect"))
        self.memo = bool(job.get("memo"))
        self.count = bool(job.get("count", True))
        self.main_pid = os.getpid()
        self.child_log = Path(job["child_log"])
        self.app: Any = None
        self.key = PAGE_KEY
        self.reset()

    def reset(self) -> None:
        self.pages = 0
        self.generated = 0
        self.frozen = 0
        self.freeze_s = 0.0
        self.collect_s = 0.0
        self.child_log.unlink(missing_ok=True)

    def connect(self, app: Any) -> None:
        self.app = app
        ext = sys.modules.get("sphinx_reflections.metadata")
        self.key = getattr(ext, "PAGE_KEY", PAGE_KEY)
        if self.unkept:
            app.connect("env-before-read-docs", self.before_read, priority=LATE)
            app.connect("doctree-resolved", self.written, priority=LATE)
            app.connect("build-finished", self.build_finished, priority=LATE)
        if self.freeze:
            app.connect("env-updated", self.env_updated, priority=LATE)
        if self.count:
            app.connect("html-page-context", self.page_context, priority=LATE)
        if self.memo:
            app.connect("doctree-resolved", self.remember_stems)

    def before_read(self, app: Any, env: Any, docnames: Any) -> None:
        if isinstance(getattr(env, "_write_doc_doctree_cache", None), dict):
            env._write_doc_doctree_cache = _Unkept()

    def written(self, app: Any, doctree: Any, docname: str) -> None:
        cache = getattr(app.env, "_pickled_doctree_cache", None)
        if isinstance(cache, dict):
            cache.pop(docname, None)

    def remember_stems(self, app: Any, doctree: Any, docname: str) -> None:
        """Each distinct word stemmed once per build (the index builder is new each build)."""
        lang = getattr(getattr(app.builder, "indexer", None), "lang", None)
        stem = getattr(lang, "stem", None)
        if stem is None or hasattr(stem, "known"):  # remembered already (or by the extension)
            return
        lang.stem = _Memo(stem)

    def env_updated(self, app: Any, env: Any) -> None:
        start = time.perf_counter()
        gc.freeze()
        self.frozen = gc.get_freeze_count()
        self.freeze_s += time.perf_counter() - start

    def build_finished(self, app: Any, error: BaseException | None) -> None:
        if isinstance(getattr(app.env, "_write_doc_doctree_cache", None), _Unkept):
            app.env._write_doc_doctree_cache = {}
        if not self.freeze:
            return
        gc.unfreeze()
        if self.collect:  # what was frozen goes back to the oldest generation: sweep it now
            start = time.perf_counter()
            gc.collect()
            self.collect_s += time.perf_counter() - start

    def page_context(
        self, app: Any, pagename: str, template: str, context: dict[str, Any], doctree: Any
    ) -> None:
        generated = self.key in context
        if os.getpid() == self.main_pid:
            self.pages += 1
            self.generated += generated
        else:  # a forked -j worker: its counters die with it
            with self.child_log.open("a", encoding="ascii") as log:
                log.write("g\n" if generated else "p\n")

    def counts(self) -> dict[str, int]:
        pages, generated = self.pages, self.generated
        if self.child_log.is_file():
            lines = self.child_log.read_text(encoding="ascii").split()
            pages += len(lines)
            generated += lines.count("g")
        return {
            "pages_rendered": pages,
            "generated_rendered": generated,
            "stems_remembered": self.stems_remembered(),
        }

    def stems_remembered(self) -> int:
        """Words the search index's stem memo holds (the extension's or the wrapper's): 0
        when the index stems page by page, as stock Sphinx does."""
        lang = getattr(getattr(getattr(self.app, "builder", None), "indexer", None), "lang", None)
        known = getattr(getattr(lang, "stem", None), "known", None)
        return len(known) if isinstance(known, dict) else 0


def _extension_gc_args(job: dict[str, Any]) -> list[str]:
    """``-D reflections_gc_freeze=N -D reflections_search_memo=N`` when asked for, each
    when the extension has the option."""
    value = job.get("extension_gc")
    if value is None or not job.get("extension"):
        return []
    try:
        import dataclasses

        from sphinx_reflections.config import PREFIX, ReflectionsConfig
    except ImportError:
        return []
    declared = {f.name for f in dataclasses.fields(ReflectionsConfig)}
    args: list[str] = []
    for option in SPEED_OPTIONS:
        if option in declared:
            args += ["-D", f"{PREFIX}{option}={int(value)}"]
    return args


def _apply(changes: list[list[Any]]) -> None:
    """Write (or delete) files, moving each mtime forward so Sphinx sees the change."""
    for name, text in changes:
        path = Path(name)
        old = path.stat().st_mtime_ns if path.exists() else 0
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        now = max(time.time_ns(), old + 1_000_000_000)
        os.utime(path, ns=(now, now))


def main(job_file: str) -> int:
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    hooks = Hooks(job)
    collections = Collections()
    gc_args = _extension_gc_args(job)

    import sphinx.application
    from sphinx.cmd.build import build_main

    original_build = sphinx.application.Sphinx.build

    def build(self: Any, *args: Any, **kwargs: Any) -> None:
        hooks.connect(self)
        original_build(self, *args, **kwargs)

    sphinx.application.Sphinx.build = build  # type: ignore[method-assign]

    profile = job.get("profile")
    records: list[dict[str, Any]] = []
    rc = 0
    for step in job["builds"]:
        _apply(step.get("before", []))
        hooks.reset()
        collections.take()
        cpu, start, began_at = _cpu(), time.perf_counter(), time.time()
        if profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
            try:
                rc = build_main([*step["args"], *gc_args])
            finally:
                prof.disable()
                prof.dump_stats(profile)
        else:
            rc = build_main([*step["args"], *gc_args])
        wall = time.perf_counter() - start
        collected = collections.take()
        record: dict[str, Any] = {
            "rc": rc,
            "wall_in_process": wall,
            "cpu": _cpu() - cpu,
            "cpu_total": _cpu(),  # with interpreter start-up and imports, as sphinx-build
            "rss_mib": _rss_mib(),
            "peak_self_mib": _maxrss_mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
            "peak_children_mib": _maxrss_mib(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            ),
            "frozen_objects": hooks.frozen,
            "freeze_s": hooks.freeze_s,
            "collect_s": hooks.collect_s,
            "gc_args": gc_args,
            # where it could run (make bench --paired pins each build to a CPU of its own)
            "cpus": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [],
            "began_at": began_at,  # when it ran (a test checks that a --paired pair overlaps)
            "ended_at": time.time(),
            **hooks.counts(),
            **collected,
        }
        if job.get("objects"):
            record["gc_objects"] = len(gc.get_objects())
        records.append(record)
        if rc:
            break
    Path(job["result"]).write_text(json.dumps(records), encoding="utf-8")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
