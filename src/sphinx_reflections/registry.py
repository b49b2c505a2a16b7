"""People and events registries: YAML/JSON files or dicts, checked entry by entry.

A bad entry is dropped with a ``reflections.registry`` warning that names the
file, line and id; the build goes on with the rest.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .advice import explain_yaml
from .dates import parse_when, shown
from .text import closest
from .urls import safe_url
from .warnings_ import ReflectionsWarning, config_location, warn

#: libyaml's loader where PyYAML was built with it (about ten times faster), else PyYAML's own
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ID = re.compile(r"^\w[\w.-]*$")


@dc.dataclass(frozen=True)
class Person:
    """One entry of the people registry."""

    id: str
    name: str
    role: str = ""
    organization: str = ""
    avatar: str = ""
    bio: str = ""
    handle: str = ""
    links: tuple[tuple[str, str], ...] = ()


@dc.dataclass(frozen=True)
class Event:
    """One entry of the events registry (dates are ``date`` or aware ``datetime``)."""

    id: str
    name: str
    start: dt.date
    end: dt.date | None = None
    location: str = ""
    url: str = ""
    hashtag: str = ""
    organizer: str = ""
    description: str = ""


@dc.dataclass
class Source:
    """Where registry entries came from, for located warnings and dependencies."""

    path: Path | None  # None for a dict in conf.py
    fallback: str  # ``file:line`` for problems of the whole registry
    lines: dict[str, int] = dc.field(default_factory=dict)

    def location(self, key: str | None = None) -> str:
        """``file:line`` of an entry (Sphinx's logger accepts this string form)."""
        line = self.lines.get(key, 0) if key else 0
        return f"{self.path}:{line}" if line and self.path else self.fallback


def _read(value: str | dict[str, Any], confdir: Path, option: str) -> tuple[dict[str, Any], Source]:
    """Load the raw mapping and remember the line of each top-level id."""
    conf = config_location(confdir, option)
    if isinstance(value, dict) or not value.strip():
        return (value if isinstance(value, dict) else {}), Source(None, conf)
    path = (confdir / value).resolve()
    source = Source(path, f"{path}:0")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        warn(
            ReflectionsWarning.REGISTRY,
            f"{option}: cannot read {value!r}: {exc.strerror}",
            conf,
        )
        return {}, source
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            if isinstance(data, dict):
                for key in data:  # the first occurrence is the entry's line, near enough
                    at = text.find(json.dumps(str(key)))
                    source.lines[str(key)] = text.count("\n", 0, max(at, 0)) + 1
        else:
            loader = YAML_LOADER(text)  # one parse: the node tree for lines, then the data
            try:
                root = loader.get_single_node()
                if isinstance(root, yaml.MappingNode):
                    for key_node, _ in root.value:
                        source.lines[str(key_node.value)] = key_node.start_mark.line + 1
                data = loader.construct_document(root) if root is not None else None
            finally:
                loader.dispose()
    except yaml.YAMLError as exc:  # said in a writer's words, at the line that shows why
        advice = explain_yaml(text, exc, path.name)
        warn(
            ReflectionsWarning.REGISTRY,
            f"{option}: {path.name} is not valid YAML: {advice.message}",
            f"{path}:{advice.line}",
            advice.column,
        )
        return {}, source
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        reason = str(exc).splitlines()[0]
        warn(
            ReflectionsWarning.REGISTRY,
            f"{option}: {path.name} is not valid JSON: {reason}",
            f"{path}:{line}",
        )
        return {}, source
    if data is None:
        return {}, source
    if not isinstance(data, dict):
        warn(
            ReflectionsWarning.REGISTRY,
            f"{option}: {path.name} must be a mapping of id to entry, not a {type(data).__name__}",
            f"{path}:1",
        )
        return {}, source
    return data, source


class _EntryError(Exception):
    """An entry cannot be used; the message says why."""


def _text(entry: dict[str, Any], key: str, required: bool = False) -> str:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            raise _EntryError(f"the required field {key!r} is missing")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _EntryError(f"{key!r} must be text, not {type(value).__name__}")
    return str(value).strip()


def _check_keys(entry: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise _EntryError(
            f"unknown field(s) {', '.join(unknown)}; accepted: {', '.join(sorted(allowed))}"
        )


def _entries(
    data: dict[str, Any], source: Source, kind: str, option: str
) -> list[tuple[str, dict[str, Any]]]:
    good = []
    for raw_id, entry in data.items():
        ident = str(raw_id)
        if not _ID.match(ident):
            warn(
                ReflectionsWarning.REGISTRY,
                f"{option}: {kind} id {ident!r} must be letters, digits, '_', '.' or '-' (it becomes part of a URL)",
                source.location(ident),
            )
            continue
        if not isinstance(entry, dict):
            warn(
                ReflectionsWarning.REGISTRY,
                f"{option}: {kind} {ident!r} must be a mapping of fields, not {type(entry).__name__}",
                source.location(ident),
            )
            continue
        good.append((ident, entry))
    return good


PERSON_FIELDS = {"name", "role", "organization", "avatar", "bio", "handle", "links"}


def load_people(
    value: str | dict[str, Any], confdir: Path, srcdir: Path
) -> tuple[dict[str, Person], Source]:
    """Read ``reflections_authors``; bad entries are warned about and skipped."""
    option = "reflections_authors"
    data, source = _read(value, confdir, option)
    people: dict[str, Person] = {}
    handles: dict[str, str] = {}
    for ident, entry in _entries(data, source, "person", option):
        where = source.location(ident)
        try:
            _check_keys(entry, PERSON_FIELDS)
            avatar = _text(entry, "avatar")
            if avatar:
                problem = safe_url(avatar, srcdir, https_only=True)
                if problem:
                    warn(
                        ReflectionsWarning.UNSAFE_URL,
                        f"{option}: avatar of {ident!r}: {problem}; the avatar is left out",
                        where,
                    )
                    avatar = ""
            links_raw = entry.get("links") or {}
            if not isinstance(links_raw, dict):
                raise _EntryError("'links' must be a mapping of label to URL")
            links = []
            for label, url in links_raw.items():
                if not isinstance(url, str) or not isinstance(label, str | int):
                    raise _EntryError(f"link {label!r} must be a text URL")
                problem = safe_url(url, None)
                if problem:
                    warn(
                        ReflectionsWarning.UNSAFE_URL,
                        f"{option}: link {label!r} of {ident!r}: {problem}; the link is left out",
                        where,
                    )
                    continue
                links.append((str(label), url.strip()))
            handle = _text(entry, "handle").lstrip("@")
            person = Person(
                id=ident,
                name=_text(entry, "name", required=True),
                role=_text(entry, "role"),
                organization=_text(entry, "organization"),
                avatar=avatar,
                bio=_text(entry, "bio"),
                handle=handle,
                links=tuple(links),
            )
        except _EntryError as exc:
            warn(
                ReflectionsWarning.REGISTRY,
                f"{option}: person {ident!r}: {exc}; the entry is skipped",
                where,
            )
            continue
        if handle:
            key = handle.casefold()
            if key in handles:
                warn(
                    ReflectionsWarning.DUPLICATE,
                    f"{option}: handle @{handle} of {ident!r} is already the handle of {handles[key]!r}; it is ignored for {ident!r}",
                    where,
                )
                person = dc.replace(person, handle="")
            else:
                handles[key] = ident
        people[ident] = person
    return people, source


EVENT_FIELDS = {"name", "start", "end", "location", "url", "hashtag", "organizer", "description"}


def load_events(value: str | dict[str, Any], confdir: Path) -> tuple[dict[str, Event], Source]:
    """Read ``reflections_events``; bad entries are warned about and skipped."""
    option = "reflections_events"
    data, source = _read(value, confdir, option)
    events: dict[str, Event] = {}
    for ident, entry in _entries(data, source, "event", option):
        where = source.location(ident)
        try:
            _check_keys(entry, EVENT_FIELDS)
            if entry.get("start") in (None, ""):
                raise _EntryError("the required field 'start' is missing")
            start = parse_when(entry["start"])
            if start is None:
                raise _EntryError(
                    f"'start' {shown(entry['start'])!r} is not an ISO 8601 date (2023-05-24) or date-time with offset (2023-05-24T09:00+02:00)"
                )
            end = None
            if entry.get("end") not in (None, ""):
                end = parse_when(entry["end"])
                if end is None:
                    raise _EntryError(
                        f"'end' {shown(entry['end'])!r} is not an ISO 8601 date or date-time with offset"
                    )
                if type(end) is not type(start):
                    raise _EntryError("'start' and 'end' must both be dates or both be date-times")
                if end < start:  # type: ignore[operator]
                    raise _EntryError("'end' is before 'start'")
            url = _text(entry, "url")
            problem = safe_url(url, None) if url else None
            if problem:
                warn(
                    ReflectionsWarning.UNSAFE_URL,
                    f"{option}: url of {ident!r}: {problem}; the link is left out",
                    where,
                )
                url = ""
            events[ident] = Event(
                id=ident,
                name=_text(entry, "name", required=True),
                start=start,
                end=end,
                location=_text(entry, "location"),
                url=url,
                hashtag=_text(entry, "hashtag").lstrip("#"),
                organizer=_text(entry, "organizer"),
                description=_text(entry, "description"),
            )
        except _EntryError as exc:
            warn(
                ReflectionsWarning.REGISTRY,
                f"{option}: event {ident!r}: {exc}; the entry is skipped",
                where,
            )
    return events, source


# -- what writers are told about ids -------------------------------------------------------


def registry_name(value: str | dict[str, Any], option: str) -> str:
    """What a writer edits: the registry's file as configured (``people.yml``), or the option."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return f"{option} in conf.py"


def plain(text: str) -> str:
    """Letters and digits only, case-folded: ``Jenny Exempel``, ``@JennyExempel`` and
    ``jenny-exempel`` all become ``jennyexempel``."""
    return "".join(c for c in unicodedata.normalize("NFC", text).casefold() if c.isalnum())


def likely_entry(typed: str, entries: Mapping[str, Person | Event]) -> Person | Event | None:
    """The entry a writer most likely meant by ``typed``: by id, name or handle.

    Exact matches (ignoring case, spaces and punctuation) win; then the
    closest id; then the closest name or handle.
    """
    wanted = plain(typed)
    if not wanted:
        return None
    names: dict[str, str] = {}
    for ident, entry in entries.items():
        for spelling in (ident, entry.name, getattr(entry, "handle", "")):
            if spelling:
                names.setdefault(plain(spelling), ident)
    if wanted in names:
        return entries[names[wanted]]
    close = closest(typed, entries) or names.get(closest(wanted, names) or "")
    return entries[close] if close else None


def unknown_id(what: str, typed: str, entries: Mapping[str, Person | Event], registry: str) -> str:
    """Why ``typed`` names nobody, in a writer's words, with the id they most likely meant.

    ``unknown author 'Jenny Exempel': people.yml has no one with this id; did you
    mean 'jenny' (Jenny Exempel)?``
    """
    nobody = "no event" if what == "event" else "no one"
    message = f"unknown {what} {typed!r}: {registry} has {nobody} with this id"
    if not entries:
        return f"{message} (it lists none yet)"
    found = likely_entry(typed, entries)
    if found is None:
        return f"{message}; check the spelling, or add it there"
    return f"{message}; did you mean {found.id!r} ({found.name})?"
