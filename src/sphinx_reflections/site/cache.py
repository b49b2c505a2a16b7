"""What earlier builds wrote, so unchanged generated pages and feed entries are not redone.

Sphinx pickles the environment before the write phase, so what is learned
while writing (the inputs each generated page was rendered from, the HTML of
each feed entry) cannot live in the domain. It goes to files of our own next
to the doctrees, per builder: the fingerprints in one JSON file, trusted
only for the same output folder and the same environment (``-E`` or a new
doctree folder start from nothing); each feed entry's HTML, keyed by its
doctree (see :mod:`.feeds`), and each listing entry, keyed by what it shows
(see ``pages.Entries``), in one file per kind (:class:`Kept`); and the long
dates Babel formatted, for every builder (see :func:`load_dates`).
"""

from __future__ import annotations

import dataclasses as dc
import hashlib
import json
import os
import pickle
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import babel

from .._version import __version__
from ..config import output_settings
from ..dates import build_date
from ..i18n import known_dates, learn_dates

if TYPE_CHECKING:
    from collections.abc import Container

    from sphinx.application import Sphinx

    from ..domain import ReflectionsDomain

FORMAT = 1


def digest(*parts: Any) -> str:
    """A fingerprint of reprs: every input here is plain data with a stable repr."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@dc.dataclass
class WriteState:
    """Fingerprints of the generated pages and feeds of the last build."""

    pages: dict[str, str] = dc.field(default_factory=dict)  # pagename -> fingerprint
    feeds: dict[str, str] = dc.field(default_factory=dict)  # feed pagename -> fingerprint
    # what a build that reads nothing can still see change (see quiet_key)
    quiet: str = ""
    # folder -> the page its theme probe borrowed
    probes: dict[str, str] = dc.field(default_factory=dict)


def _path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"reflections-written-{app.builder.name}.json"


def _identity(app: Sphinx, domain: ReflectionsDomain) -> list[str]:
    return [str(FORMAT), __version__, str(Path(app.outdir).resolve()), domain.env_token()]


def load(app: Sphinx, domain: ReflectionsDomain) -> WriteState:
    """The last build's state, or an empty one when it does not apply to this build."""
    try:
        data = json.loads(_path(app).read_text(encoding="utf-8"))
        if data["identity"] != _identity(app, domain):
            return WriteState()
        return WriteState(
            pages=dict(data["pages"]),
            feeds=dict(data["feeds"]),
            quiet=str(data.get("quiet", "")),
            probes=dict(data.get("probes", {})),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return WriteState()


def save(app: Sphinx, domain: ReflectionsDomain, state: WriteState) -> None:
    data = {
        "identity": _identity(app, domain),
        "pages": state.pages,
        "feeds": state.feeds,
        "quiet": state.quiet,
        "probes": state.probes,
    }
    path = _path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _dates_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / "reflections-dates.json"


def load_dates(app: Sphinx) -> None:
    """``builder-inited``: the long dates earlier builds had Babel format.

    Babel loads a language's data the first time it formats a date in a
    process; with the dates a rebuild shows already known, it does not. Kept
    for the Babel version that formatted them only.
    """
    path = _dates_path(app)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["babel"] != babel.__version__:
            return
        learn_dates({(str(day), str(lang)): str(text) for day, lang, text in data["dates"]})
    except (OSError, ValueError, KeyError, TypeError):
        return
    _DATES_SEEN[str(path)] = len(known_dates())


#: path of a dates file -> how many dates it held when loaded (written again only when more)
_DATES_SEEN: dict[str, int] = {}


def save_dates(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: keep the dates this build formatted for the next one."""
    if exception is not None:
        return
    path = _dates_path(app)
    known = known_dates()
    if not known or _DATES_SEEN.get(str(path)) == len(known):
        return
    rows = sorted([day, lang, text] for (day, lang), text in known.items())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"babel": babel.__version__, "dates": rows}, ensure_ascii=False),
            encoding="utf-8",
        )
    except OSError:
        return
    _DATES_SEEN[str(path)] = len(known)


def _store_folder(app: Sphinx, kind: str) -> Path:
    return Path(app.doctreedir) / f"reflections-{kind}-{app.builder.name}"


def _stored(app: Sphinx, kind: str, name: str) -> Path:
    return _store_folder(app, kind) / f"{name}.json"


def read_stored(app: Sphinx, kind: str, name: str) -> dict[str, Any]:
    """What :func:`write_stored` kept for ``name``, or ``{}``."""
    try:
        data = json.loads(_stored(app, kind, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_stored(app: Sphinx, kind: str, name: str, data: dict[str, Any]) -> None:
    """Keep one small record for later builds (the calendars' revisions).

    Data kept per reflection goes to a :class:`Kept` pack instead: one file per kind.
    """
    path = _stored(app, kind, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    # written whole or not at all: a build killed halfway leaves the last one
    scratch = path.with_name(f"{path.name}.{os.getpid()}")
    scratch.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    scratch.replace(path)


class Kept:
    """Data kept per name for later builds (feed HTML, listing entries), one file per kind.

    A file per name cost a clean build one new file per reflection and kind,
    about 0.6 s of CPU on the benchmark's 510-piece blog (creating a file is
    the dear part); a pack is one file, read once. What a process learns is
    appended to a log of its own, named by its process id: with ``-j`` that is
    a forked writer, which cannot hand anything back to the main process.
    Every record carries the time it was made, and the newest one for a name
    wins, whichever file it is in. :meth:`save` (in the main process, once
    the writers are done) merges the logs into the pack when they have grown
    to a quarter of it; until then a rebuild that changed one piece appends
    one record instead of writing the whole pack again. Everything kept
    carries the key it is valid for, so a stale record is only a miss.
    """

    def __init__(self, app: Sphinx, kind: str) -> None:
        self.folder = Path(app.doctreedir)
        self.stem = f"reflections-{kind}-{app.builder.name}"
        self.path = self.folder / f"{self.stem}.pickle"
        self._kept: dict[str, tuple[int, Any]] | None = None  # name -> (made, data)
        self._seen: dict[Path, int] = {}  # log -> its size when read

    def _logs(self) -> list[Path]:
        return list(self.folder.glob(f"{self.stem}.*.log"))

    def _read_logs(self, kept: dict[str, tuple[int, Any]]) -> None:
        """Merge the logs not read yet, or grown since, into ``kept``."""
        for log in self._logs():
            try:
                size = log.stat().st_size
            except OSError:
                continue
            if self._seen.get(log) != size:
                _newest(kept, _read_log(log))
                self._seen[log] = size

    def _load(self) -> dict[str, tuple[int, Any]]:
        if self._kept is None:
            self._kept = _read_pack(self.path)
            self._read_logs(self._kept)
        return self._kept

    def get(self, name: str) -> dict[str, Any]:
        """What was kept for ``name`` (by this build or an earlier one), or ``{}``."""
        found = self._load().get(name)
        return found[1] if found is not None and isinstance(found[1], dict) else {}

    def put(self, name: str, data: dict[str, Any]) -> None:
        """Keep ``data`` for ``name``, for this process and, through its log, for later builds."""
        made = time.time_ns()
        if self._kept is not None:
            _newest(self._kept, {name: (made, data)})
        log = self.folder / f"{self.stem}.{os.getpid()}.log"
        try:
            with log.open("ab") as out:
                pickle.dump((name, made, data), out, protocol=pickle.HIGHEST_PROTOCOL)
                size = out.tell()
        except OSError:
            return
        if self._kept is not None:  # what this process appended is in _kept already
            self._seen[log] = size

    def any(self) -> bool:
        """Whether anything was kept: nothing on a first build."""
        return self.path.is_file() or bool(self._logs())

    def save(self, names: Container[str]) -> None:
        """Merge the logs into the pack once they are large, dropping names no longer in use.

        Only in the main process, after the writers that append to logs are done.
        """
        legacy = self.folder / self.stem  # a file per name, as earlier builds kept them
        if legacy.is_dir():
            shutil.rmtree(legacy, ignore_errors=True)
        logs = self._logs()
        try:
            grown = sum(log.stat().st_size for log in logs)
            packed = self.path.stat().st_size if self.path.is_file() else 0
        except OSError:
            grown = packed = 0
        if not logs or grown * 4 < packed:
            self._kept, self._seen = None, {}  # on disk still; not held between builds
            return
        kept = self._load()
        self._read_logs(kept)
        current = {name: record for name, record in kept.items() if name in names}
        scratch = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        try:
            with scratch.open("wb") as out:  # in frames: no second copy of it all in memory
                pickle.dump(current, out, protocol=pickle.HIGHEST_PROTOCOL)
            scratch.replace(self.path)
        except OSError:
            return
        for log in logs:
            log.unlink(missing_ok=True)
        self._kept = None  # read again if asked (nobody does after the writers)
        self._seen = {}


def _newest(kept: dict[str, tuple[int, Any]], more: dict[str, tuple[int, Any]]) -> None:
    for name, record in more.items():
        old = kept.get(name)
        if old is None or old[0] <= record[0]:
            kept[name] = record


def _read_pack(path: Path) -> dict[str, tuple[int, Any]]:
    try:
        data = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: record
        for name, record in data.items()
        if isinstance(record, tuple) and len(record) == 2 and isinstance(record[0], int)
    }


def _read_log(path: Path) -> dict[str, tuple[int, Any]]:
    """A log's records; one a process did not finish writing ends it."""
    found: dict[str, tuple[int, Any]] = {}
    try:
        with path.open("rb") as log:
            while True:
                name, made, data = pickle.load(log)
                if isinstance(made, int):
                    _newest(found, {name: (made, data)})
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        pass
    return found


def site_inputs(app: Sphinx, domain: ReflectionsDomain) -> str:
    """What every generated page and feed entry depends on besides its own data.

    The options and Sphinx's own configuration hash, the one it uses to decide
    that every document must be written again (all but
    ``reflections_gc_freeze`` and ``reflections_search_memo``, which change no
    output). Everything else (people, events, tags and where their pages are,
    the day of the build for event badges) is part of the inputs of the pages
    and entries that show it, so a new tag renders its own page, the tags
    index and the pages that list the piece that has it, not the whole site.
    """
    options, config_hash, tags_hash = output_settings(app)
    return digest(
        options,
        app.config.language,
        app.config.html_baseurl,
        app.config.project,
        config_hash,
        tags_hash,
    )


def quiet_key(domain: ReflectionsDomain, site: str, chrome: dict[str, str]) -> str:
    """What can change a generated page or feed in a build that read no document.

    Everything else they show comes from documents and is the last build's
    when none was read or removed (:attr:`.ReflectionsDomain.quiet`): the
    site's options (``site``), the registries (the prints taken after
    reading), the day when there are events (whether one is still to come),
    and the theme around the pages (``chrome``: each folder's probe).
    """
    events = bool(domain.all_events())
    return digest(
        site,
        sorted(domain.data["registry_prints"].items()),
        build_date().isoformat() if events else "",
        sorted(chrome.items()),
    )


def site_key(app: Sphinx, domain: ReflectionsDomain) -> str:
    """This build's :func:`site_inputs`, computed once."""
    return domain.remember("site_inputs", lambda: site_inputs(app, domain))
