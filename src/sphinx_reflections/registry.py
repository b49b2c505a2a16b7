"""People and events registries: YAML/JSON files or dicts, checked entry by entry.

A bad entry is dropped with a ``reflections.registry`` warning that names the
file, line and id; the build goes on with the rest.
"""

from __future__ import annotations

import dataclasses as dc
import datetime as dt
import hashlib
import json
import pickle
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

import yaml

from .advice import explain_yaml
from .dates import WhenError, event_when, shown, time_zone
from .text import closest, suggest, tag_key
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
    """One entry of the events registry (dates are ``date`` or aware ``datetime``).

    With a ``timezone``, date-times carry that ``ZoneInfo``; without one, a
    fixed offset.
    """

    id: str
    name: str
    start: dt.date
    end: dt.date | None = None
    location: str = ""
    url: str = ""
    hashtag: str = ""
    organizer: str = ""
    description: str = ""
    status: str = "scheduled"
    timezone: str = ""
    attendance: str = "offline"
    online_url: str = ""
    previous_start: dt.date | None = None

    @property
    def timed(self) -> bool:
        """Whether the event has times of day (else it lasts whole days)."""
        return isinstance(self.start, dt.datetime)

    def record(self) -> dict[str, str]:
        """The event's data as plain text, the same in every Python: what subscribers see."""
        out = {}
        for field in dc.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            out[field.name] = "" if value is None else str(value)
        return out


#: Each ``status``: (schema.org ``eventStatus``, iCalendar ``STATUS``).
STATUSES: dict[str, tuple[str, str]] = {
    "scheduled": ("https://schema.org/EventScheduled", "CONFIRMED"),
    "cancelled": ("https://schema.org/EventCancelled", "CANCELLED"),
    "postponed": ("https://schema.org/EventPostponed", "TENTATIVE"),
    "rescheduled": ("https://schema.org/EventRescheduled", "CONFIRMED"),
    "moved-online": ("https://schema.org/EventMovedOnline", "CONFIRMED"),
}

#: Each ``attendance``: schema.org ``eventAttendanceMode``.
ATTENDANCE: dict[str, str] = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "mixed": "https://schema.org/MixedEventAttendanceMode",
}


@dc.dataclass(frozen=True)
class Tag:
    """One entry of the tag registry: the tag's spelling, page name and description."""

    id: str  # the page name (tags/<id>.html)
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()


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


#: Registry files parsed by earlier builds: path -> (digest of the text, the mapping
#: pickled, the line of each id). Kept in the environment by the caller.
Parsed = dict[str, tuple[str, bytes, dict[str, int]]]


def _read(
    value: str | dict[str, Any], confdir: Path, option: str, parsed: Parsed | None = None
) -> tuple[dict[str, Any], Source]:
    """Load the raw mapping and remember the line of each top-level id.

    A file whose text is the one ``parsed`` has is not parsed again (YAML
    costs most of a rebuild that changes nothing); the mapping is kept
    pickled, so no build can change the next one's copy.
    """
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
    stamp = hashlib.sha256(text.encode("utf-8")).hexdigest()
    known = parsed.get(str(path)) if parsed is not None else None
    if known is not None and known[0] == stamp:
        source.lines.update(known[2])
        return pickle.loads(known[1]), source
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
    if parsed is not None:
        parsed[str(path)] = (stamp, pickle.dumps(data), dict(source.lines))
    return data, source


class _EntryError(Exception):
    """An entry cannot be used; the message says why."""


def _text(entry: Mapping[str, Any], key: str, required: bool = False) -> str:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            raise _EntryError(f"the required field {key!r} is missing")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _EntryError(f"{key!r} must be text, not {type(value).__name__}")
    return str(value).strip()


def _check_keys(entry: dict[str, Any], allowed: Collection[str]) -> None:
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
    value: str | dict[str, Any], confdir: Path, srcdir: Path, parsed: Parsed | None = None
) -> tuple[dict[str, Person], Source]:
    """Read ``reflections_authors``; bad entries are warned about and skipped."""
    option = "reflections_authors"
    data, source = _read(value, confdir, option, parsed)
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


#: Every field of an event, with what it means (the reference docs are generated from this).
EVENT_FIELDS: dict[str, str] = {
    "name": "Required. The event's name, as callouts, pages and calendars show it.",
    "start": "Required. A date (``2027-03-16``) for an event of whole days, or a date "
    "and time (``2027-03-16T09:00``) with ``timezone``. A time with an offset "
    "(``2027-03-16T09:00+01:00``) works without ``timezone``.",
    "end": "The last day (a date), or the end time (a date-time), like ``start``.",
    "timezone": "The IANA name of the event's time zone (``Europe/Stockholm``): times "
    "are that zone's wall-clock times and are shown there, with the zone named.",
    "location": "Where the event takes place.",
    "url": "The event's own website (``https``, ``http`` or ``mailto``).",
    "hashtag": "The event's hashtag, without ``#``; ties every piece using it to the event.",
    "organizer": "Who organizes the event.",
    "description": "A sentence or two about the event.",
    "status": "``scheduled`` (the default), ``cancelled``, ``postponed`` (the new date "
    "is not known yet), ``rescheduled`` (the dates changed) or ``moved-online``.",
    "previous_start": "For a ``rescheduled`` event: when it was going to start, shown "
    "as *moved from ...*.",
    "attendance": "``offline`` (the default: in person), ``online`` or ``mixed`` (both). "
    "``moved-online`` events are ``online`` unless this says ``mixed``.",
    "online_url": "Where to join an ``online`` or ``mixed`` event (``https``).",
}


class EventProblem(Exception):
    """An event cannot be used; ``kind`` is the warning an inline event gets for it."""

    def __init__(self, message: str, kind: ReflectionsWarning) -> None:
        super().__init__(message)
        self.kind = kind


#: Reports something left out of an event that is still used: (kind, message).
Note = Callable[[ReflectionsWarning, str], None]


def build_event(
    ident: str, fields: Mapping[str, Any], note: Note, field: Callable[[str], str] = repr
) -> Event:
    """An :class:`Event` from registry fields or ``event`` directive options.

    One set of rules for both: raises :class:`EventProblem` when the event
    cannot be used and reports what it leaves out through ``note``. ``field``
    names a field in messages (``'start'`` in a registry, ``:start:`` in a page).
    """
    bad_date = ReflectionsWarning.BAD_DATE
    bad_value = ReflectionsWarning.BAD_METADATA
    try:
        name = _text(fields, "name", required=True)
    except _EntryError:
        raise EventProblem(f"the required field {field('name')} is missing", bad_value) from None
    zone = None
    zone_name = _plain(fields, "timezone")
    if zone_name:
        try:
            zone = time_zone(zone_name)
        except WhenError as exc:
            raise EventProblem(f"{field('timezone')} {exc}", bad_value) from None
        zone_name = zone.key

    def when(key: str) -> dt.date | None:
        value = fields.get(key)
        if value in (None, ""):
            return None
        try:
            return event_when(value, zone)
        except WhenError as exc:
            raise EventProblem(f"{field(key)} {shown(value)!r} {exc}", bad_date) from None

    start = when("start")
    if start is None:
        raise EventProblem(f"the required field {field('start')} is missing", bad_value)
    end = when("end")
    if end is not None:
        if type(end) is not type(start):
            raise EventProblem(
                f"{field('start')} and {field('end')} must both be dates or both be date-times",
                bad_date,
            )
        if end < start:  # type: ignore[operator]
            raise EventProblem(f"{field('end')} is before {field('start')}", bad_date)
    status = _plain(fields, "status").lower().replace("_", "-").replace(" ", "-") or "scheduled"
    status = {"canceled": "cancelled"}.get(status, status)  # the US spelling
    if status not in STATUSES:
        raise EventProblem(
            f"{field('status')} {fields.get('status')!r} is not one of "
            f"{', '.join(STATUSES)}{suggest(status, STATUSES)}",
            bad_value,
        )
    attendance = _plain(fields, "attendance").lower()
    if attendance and attendance not in ATTENDANCE:
        raise EventProblem(
            f"{field('attendance')} {fields.get('attendance')!r} is not one of "
            f"{', '.join(ATTENDANCE)}{suggest(attendance, ATTENDANCE)}",
            bad_value,
        )
    if status == "moved-online" and attendance == "offline":
        note(
            bad_value,
            f"{field('attendance')} is 'offline', but the event moved online; "
            "it is shown as online",
        )
    if status == "moved-online" and attendance != "mixed":
        attendance = "online"
    previous = when("previous_start")
    if previous is not None and status != "rescheduled":
        note(
            bad_value,
            f"{field('previous_start')} only goes with status 'rescheduled'; it is left out",
        )
        previous = None
    links = {}
    for key in ("url", "online_url"):
        link = _text(fields, key)
        problem = safe_url(link, None) if link else None
        if problem:
            note(ReflectionsWarning.UNSAFE_URL, f"{field(key)}: {problem}; the link is left out")
            link = ""
        links[key] = link
    return Event(
        id=ident,
        name=name,
        start=start,
        end=end,
        location=_text(fields, "location"),
        url=links["url"],
        hashtag=_text(fields, "hashtag").lstrip("#"),
        organizer=_text(fields, "organizer"),
        description=_text(fields, "description"),
        status=status,
        timezone=zone_name,
        attendance=attendance or "offline",
        online_url=links["online_url"],
        previous_start=previous,
    )


def _plain(fields: Mapping[str, Any], key: str) -> str:
    """A short keyword field (``status``, ``timezone``); a wrong type raises EventProblem."""
    try:
        return _text(fields, key)
    except _EntryError as exc:
        raise EventProblem(str(exc), ReflectionsWarning.BAD_METADATA) from None


def load_events(
    value: str | dict[str, Any], confdir: Path, parsed: Parsed | None = None
) -> tuple[dict[str, Event], Source]:
    """Read ``reflections_events``; bad entries are warned about and skipped."""
    option = "reflections_events"
    data, source = _read(value, confdir, option, parsed)
    events: dict[str, Event] = {}
    for ident, entry in _entries(data, source, "event", option):
        where = source.location(ident)
        try:
            _check_keys(entry, EVENT_FIELDS)
            events[ident] = build_event(ident, entry, _registry_note(option, ident, where))
        except (_EntryError, EventProblem) as exc:
            warn(
                ReflectionsWarning.REGISTRY,
                f"{option}: event {ident!r}: {exc}; the entry is skipped",
                where,
            )
    return events, source


def _registry_note(option: str, ident: str, where: str) -> Note:
    """Problems of a registry event that is still used: ``registry`` warnings (or unsafe-url)."""

    def note(kind: ReflectionsWarning, message: str) -> None:
        if kind is not ReflectionsWarning.UNSAFE_URL:
            kind = ReflectionsWarning.REGISTRY
        warn(kind, f"{option}: event {ident!r}: {message}", where)

    return note


TAG_FIELDS = {"name", "description", "aliases"}


def load_tags(
    value: str | dict[str, Any], confdir: Path, parsed: Parsed | None = None
) -> tuple[dict[str, Tag], Source]:
    """Read ``reflections_tags``; bad entries are warned about and skipped.

    Two entries whose names or aliases are one tag (case, Unicode form and word
    separators folded) are a ``reflections.duplicate`` warning; the first wins.
    """
    option = "reflections_tags"
    data, source = _read(value, confdir, option, parsed)
    tags: dict[str, Tag] = {}
    owner: dict[str, str] = {}  # tag key -> id of the entry that has it
    for ident, entry in _entries(data, source, "tag", option):
        where = source.location(ident)
        try:
            _check_keys(entry, TAG_FIELDS)
            name = _text(entry, "name") or ident
            raw_aliases = entry.get("aliases") or []
            if isinstance(raw_aliases, str):
                raw_aliases = [raw_aliases]
            if not isinstance(raw_aliases, list) or not all(
                isinstance(a, str | int) and not isinstance(a, bool) for a in raw_aliases
            ):
                raise _EntryError("'aliases' must be a list of tags")
            aliases = tuple(str(a).strip().lstrip("#") for a in raw_aliases if str(a).strip())
            tag = Tag(ident, name.lstrip("#"), _text(entry, "description"), aliases)
        except _EntryError as exc:
            warn(
                ReflectionsWarning.REGISTRY,
                f"{option}: tag {ident!r}: {exc}; the entry is skipped",
                where,
            )
            continue
        keys = [tag_key(tag.name), *(tag_key(a) for a in tag.aliases)]
        clash = next((owner[k] for k in keys if k in owner), None)
        if clash is not None or not keys[0]:
            warn(
                ReflectionsWarning.DUPLICATE if clash else ReflectionsWarning.REGISTRY,
                f"{option}: tag {ident!r} is the same tag as {clash!r} (names and aliases "
                "match whatever their case, accents form and word separators); it is skipped"
                if clash
                else f"{option}: tag {ident!r} has no letters or digits in its name; it is skipped",
                where,
            )
            continue
        owner.update({k: ident for k in keys if k})
        tags[ident] = tag
    return tags, source


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
