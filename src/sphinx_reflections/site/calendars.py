"""iCalendar (RFC 5545) files: one per event, one with every event, one per tag with events.

Written with the standard library. Times with a ``timezone`` are written in
that zone (``TZID``) with a ``VTIMEZONE`` made from the time zone database,
so a calendar shows 09:00 in Stockholm as 09:00 in Stockholm, across a
daylight saving change too. Nothing comes from the clock unless
``SOURCE_DATE_EPOCH`` says so, except the moment an event's data was seen
to change: that is kept next to the doctrees (``SEQUENCE`` and
``LAST-MODIFIED``), so unchanged sources give the same bytes.
"""

from __future__ import annotations

import calendar as pycalendar
import dataclasses as dc
import datetime as dt
import hashlib
import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..dates import build_time, fixed_build_time
from ..domain import ReflectionsDomain, get_domain
from ..events import attendance_text, moment_text, status_labels
from ..files import write_if_changed
from ..i18n import _, site_lang
from ..registry import STATUSES, Event
from ..text import tag_key
from . import cache

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: How often subscribed calendar apps should fetch a calendar again (RFC 7986).
REFRESH = "PT12H"


def _ics_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545, 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value, quoted (it may not contain a double quote)."""
    return '"' + value.replace('"', "'") + '"'


def _fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(when: dt.datetime) -> str:
    """A wall-clock time, for a property with ``TZID``."""
    return when.strftime("%Y%m%dT%H%M%S")


# -- time zones ------------------------------------------------------------------------------------


@dc.dataclass(frozen=True)
class Change:
    """One change of a zone's offset or name: when (UTC), and the offsets around it."""

    at: dt.datetime
    before: dt.timedelta
    after: dt.timedelta
    daylight: bool
    name: str

    @property
    def kind(self) -> str:
        """DAYLIGHT when the clocks go forward, STANDARD when they go back.

        Not the database's daylight flag: Ireland's winter time and Morocco's
        Ramadan time are "negative daylight saving" there, and calendar apps
        take the observance with the larger offset for the summer one.
        """
        if self.after != self.before:
            return "DAYLIGHT" if self.after > self.before else "STANDARD"
        return "DAYLIGHT" if self.daylight else "STANDARD"

    @property
    def local(self) -> dt.datetime:
        """The moment as the clocks showed it just before (how VTIMEZONE writes DTSTART)."""
        return (self.at + self.before).replace(tzinfo=None)


def _offset(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _state(
    zone: ZoneInfo, when: int
) -> tuple[dt.timedelta | None, dt.timedelta | None, str | None]:
    local = dt.datetime.fromtimestamp(when, tz=zone)
    return local.utcoffset(), local.dst(), local.tzname()


def changes(zone: ZoneInfo, start: dt.datetime, stop: dt.datetime) -> list[Change]:
    """Every change of the zone between two moments, to the second.

    Walks day by day and bisects each day whose offset, daylight flag or name
    differs from the day before (no zone changes twice within a day).
    """
    found = []
    step = 86400
    t = int(start.timestamp())
    end = int(stop.timestamp())
    before = _state(zone, t)
    while t < end:
        nxt = min(t + step, end)
        now = _state(zone, nxt)
        if now != before:
            lo, hi = t, nxt
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _state(zone, mid) == before:
                    lo = mid
                else:
                    hi = mid
            offset, dst, name = now
            found.append(
                Change(
                    dt.datetime.fromtimestamp(hi, tz=dt.UTC),
                    before[0] or dt.timedelta(0),
                    offset or dt.timedelta(0),
                    bool(dst and dst > dt.timedelta(0)),
                    name or "",
                )
            )
        before = now
        t = nxt
    return found


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _yearly_rule(series: list[Change], years: range) -> str | None:
    """The RRULE that gives exactly these changes, one in each of these years, or None.

    Rules are "the nth (or last) weekday of a month at a time of day", the
    form every calendar app reads. Zones that follow another kind of rule
    (fixed dates, religious calendars) get one observance per change instead.
    """
    first = series[0]
    if [c.local.year for c in series] != list(years):
        return None
    rules: set[str] | None = None
    for change in series:
        local = change.local
        if (local.month, local.time()) != (first.local.month, first.local.time()) or (
            change.before,
            change.after,
            change.name,
        ) != (first.before, first.after, first.name):
            return None
        weekday = _WEEKDAYS[local.weekday()]
        here = {f"{(local.day - 1) // 7 + 1}{weekday}"}
        if local.day + 7 > pycalendar.monthrange(local.year, local.month)[1]:
            here.add(f"-1{weekday}")
        rules = here if rules is None else rules & here
    if not rules:
        return None
    by_day = min(rules, key=lambda r: (not r.startswith("-"), r))  # "last" where it fits
    return f"FREQ=YEARLY;BYMONTH={first.local.month};BYDAY={by_day}"


def vtimezone(zone: ZoneInfo, times: Iterable[dt.datetime]) -> list[str]:
    """The lines of a VTIMEZONE that gives these times the offsets the zone gives them.

    It covers the years of the times, from the year before the first to the
    year after the last. Where the zone follows a yearly rule there, it is
    written as two observances with an RRULE, as calendar apps (Outlook
    above all) expect; otherwise as one observance per change.
    """
    moments = sorted(t.astimezone(dt.UTC) for t in times)
    start = dt.datetime(moments[0].year - 1, 1, 1, tzinfo=dt.UTC)
    stop = dt.datetime(moments[-1].year + 2, 1, 1, tzinfo=dt.UTC)
    found = changes(zone, start, stop)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]

    def observance(kind: str, begin: dt.datetime, before: str, after: str, name: str) -> None:
        lines.extend(
            [
                f"BEGIN:{kind}",
                f"DTSTART:{_local(begin)}",
                f"TZOFFSETFROM:{before}",
                f"TZOFFSETTO:{after}",
                *([f"TZNAME:{_ics_text(name)}"] if name else []),
            ]
        )

    if not found:
        offset, dst, name = _state(zone, int(start.timestamp()))
        fixed = _offset(offset or dt.timedelta(0))
        observance(
            "DAYLIGHT" if dst else "STANDARD", dt.datetime(1970, 1, 1), fixed, fixed, name or ""
        )
        lines.append(f"END:{'DAYLIGHT' if dst else 'STANDARD'}")
        lines.append("END:VTIMEZONE")
        return lines
    series = {kind: [c for c in found if c.kind == kind] for kind in ("DAYLIGHT", "STANDARD")}
    years = range(start.year, stop.year)
    rules = {kind: _yearly_rule(s, years) if s else None for kind, s in series.items()}
    if all(series.values()) and all(rules.values()):
        for kind, changes_of_kind in series.items():
            first = changes_of_kind[0]
            observance(kind, first.local, _offset(first.before), _offset(first.after), first.name)
            lines += [f"RRULE:{rules[kind]}", f"END:{kind}"]
    else:
        first = found[0]
        before = _offset(first.before)
        _offset_now, _dst, name = _state(zone, int(start.timestamp()))
        kind = "STANDARD" if first.kind == "DAYLIGHT" else "DAYLIGHT"  # what the first change ends
        observance(kind, (start + first.before).replace(tzinfo=None), before, before, name or "")
        lines.append(f"END:{kind}")
        for change in found:
            observance(
                change.kind,
                change.local,
                _offset(change.before),
                _offset(change.after),
                change.name,
            )
            lines.append(f"END:{change.kind}")
    lines.append("END:VTIMEZONE")
    return lines


def _zoned(event: Event) -> ZoneInfo | None:
    """The event's time zone, when its times are written in it."""
    zone = event.start.tzinfo if isinstance(event.start, dt.datetime) else None
    return zone if isinstance(zone, ZoneInfo) else None


# -- events ------------------------------------------------------------------------------------------


@dc.dataclass(frozen=True)
class Revision:
    """What subscribers are told about an event's history: how often it changed, and when."""

    sequence: int = 0
    modified: dt.datetime | None = None


def _when(key: str, when: dt.datetime, zone: ZoneInfo | None) -> str:
    if zone is not None:
        return f"{key};TZID={zone.key}:{_local(when.astimezone(zone))}"
    return f"{key}:{_stamp(when)}"


def vevent(
    event: Event, uid_host: str, page_url: str, config: Config, revision: Revision | None = None
) -> list[str]:
    """The lines of one VEVENT."""
    revision = revision or Revision()
    fixed = fixed_build_time()
    if fixed is not None:
        stamp = fixed
    elif revision.modified is not None:
        stamp = revision.modified
    elif isinstance(event.start, dt.datetime):
        stamp = event.start
    else:
        stamp = dt.datetime.combine(event.start, dt.time(), tzinfo=dt.UTC)
    lines = ["BEGIN:VEVENT", f"UID:{event.id}@{uid_host}", f"DTSTAMP:{_stamp(stamp)}"]
    zone = _zoned(event)
    if isinstance(event.start, dt.datetime):
        lines.append(_when("DTSTART", event.start, zone))
        if isinstance(event.end, dt.datetime):
            lines.append(_when("DTEND", event.end, zone))
    else:
        last = event.end or event.start
        lines.append(f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}")
    lang = site_lang(config)
    label = status_labels(lang).get(event.status, ("", ""))[0]
    # calendar apps that ignore STATUS (Outlook, Google for subscriptions) still show this
    summary = f"{label}: {event.name}" if label else event.name
    lines.append(f"SUMMARY:{_ics_text(summary)}")
    lines.append(f"STATUS:{STATUSES[event.status][1]}")
    online = event.online_url if event.attendance != "offline" else ""
    place = [event.location] if event.location and event.attendance != "online" else []
    if event.attendance != "offline":
        place.append(online or attendance_text(event, lang))
    if place:
        lines.append("LOCATION:" + _ics_text(" · ".join(place)))
    details = []
    if event.previous_start is not None:
        moved = _("moved from %s") % moment_text(event.previous_start, lang)
        details.append(f"{label} ({moved})")
    if event.description:
        details.append(event.description)
    if online and event.status != "cancelled":
        details.append(_("Join online") + ": " + online)
    if event.organizer:
        details.append(_("Organizer") + ": " + event.organizer)
    if event.hashtag:
        details.append("#" + event.hashtag)
    if page_url:
        details.append(page_url)
    if details:
        lines.append("DESCRIPTION:" + _ics_text("\n\n".join(details)))
    if event.url or online:
        lines.append(f"URL:{event.url or online}")
    if online and event.status != "cancelled":
        lines.append(
            f"CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL={_param(_('Join online'))}:{online}"
        )
    lines.append(f"SEQUENCE:{revision.sequence}")
    if revision.modified is not None:
        lines.append(f"LAST-MODIFIED:{_stamp(revision.modified)}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    events: list[Event],
    uid_host: str,
    urls: dict[str, str],
    name: str,
    config: Config,
    revisions: dict[str, Revision] | None = None,
    source: str | None = None,
) -> bytes:
    """A whole calendar file. With ``source`` (its own address) it is one to subscribe to."""
    revisions = revisions or {}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//sphinx-reflections//NONSGML sphinx-reflections//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(name)}",
    ]
    if source is not None:
        lines += [f"NAME:{_ics_text(name)}", f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}"]
        lines.append(f"X-PUBLISHED-TTL:{REFRESH}")
        if source:
            lines.append(f"SOURCE;VALUE=URI:{source}")
    zones: dict[str, tuple[ZoneInfo, list[dt.datetime]]] = {}
    for event in events:
        zone = _zoned(event)
        if zone is not None:
            times = [t for t in (event.start, event.end) if isinstance(t, dt.datetime)]
            zones.setdefault(zone.key, (zone, []))[1].extend(times)
    for key in sorted(zones):
        lines += vtimezone(*zones[key])
    for event in events:
        lines += vevent(event, uid_host, urls.get(event.id, ""), config, revisions.get(event.id))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def uid_host(config: Config) -> str:
    host = urlsplit(config.html_baseurl or "").hostname
    return (
        host
        or hashlib.sha1((config.project or "sphinx").encode("utf-8")).hexdigest()[:12]
        + ".sphinx-reflections"
    )


def tag_calendars(domain: ReflectionsDomain) -> dict[str, list[Event]]:
    """Tag page slug -> the events that declare that tag as their hashtag (by id).

    Those tags get a calendar next to their page (``<slug>.ics``).
    """

    def make() -> dict[str, list[Event]]:
        found: dict[str, list[Event]] = {}
        for _ident, event in sorted(domain.all_events().items()):
            info = domain.tag_info(tag_key(event.hashtag)) if event.hashtag else None
            if info is not None:
                found.setdefault(info.slug, []).append(event)
        return found

    return domain.remember("tag_calendars", make)


# -- revisions: what changed since the last build ---------------------------------------------------

REVISIONS = ("calendar", "revisions")  # kept by cache.write_stored next to the doctrees


def revisions(app: Sphinx, events: list[Event]) -> dict[str, Revision]:
    """Each event's SEQUENCE and LAST-MODIFIED, advanced when, and only when, its data changed.

    The data an earlier build saw is kept next to the doctrees. A changed
    event gets the next sequence number and this build's time (``SOURCE_DATE_EPOCH``
    when set); an event seen for the first time starts at 0 with no
    LAST-MODIFIED. Events that are gone are remembered, so one that comes
    back continues its sequence.
    """
    old = cache.read_stored(app, *REVISIONS)
    new = dict(old)
    now = _stamp(build_time())
    for event in events:
        data = cache.digest(event.record())
        seen = old.get(event.id)
        if not isinstance(seen, dict) or not isinstance(seen.get("sequence"), int):
            new[event.id] = {"data": data, "sequence": 0, "modified": ""}
        elif seen.get("data") != data:
            new[event.id] = {"data": data, "sequence": seen["sequence"] + 1, "modified": now}
    if new != old:
        cache.write_stored(app, *REVISIONS, new)
    found = {}
    for event in events:
        seen = new[event.id]
        modified = seen.get("modified") or ""
        when = (
            dt.datetime.strptime(modified, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            if modified
            else None
        )
        found[event.id] = Revision(seen["sequence"], when)
    return found


def write_calendars(app: Sphinx) -> None:
    """One ``.ics`` per event, ``events.ics`` with all of them, one per tag with events."""
    domain = get_domain(app.env)
    builder = app.builder
    events = [e for _i, e in sorted(domain.all_events().items())]
    base = app.config.html_baseurl
    urls = (
        {
            e.id: posixpath.join(base, builder.get_target_uri(domain.page_of("events", e.id)))
            for e in events
        }
        if base
        else {}
    )
    host = uid_host(app.config)
    outdir = Path(builder.outdir)
    seen = revisions(app, events) if events else {}

    def write(path: str, listed: list[Event], name: str, subscribe: bool = False) -> None:
        source = (posixpath.join(base, path) if base else "") if subscribe else None
        data = calendar(listed, host, urls, name, app.config, seen, source)
        write_if_changed(outdir / path, data)

    project = f" – {app.config.project}" if app.config.project else ""
    for event in events:
        write(domain.page_of("events", event.id) + ".ics", [event], event.name)
    if events:
        write(domain.page_of("", "events") + ".ics", events, _("Events") + project, True)
    for slug, listed in sorted(tag_calendars(domain).items()):
        info = next(t for t in domain.tag_table.values() if t.slug == slug)
        name = _("Events") + f" #{info.name}" + project
        write(domain.page_of("tags", slug) + ".ics", listed, name, True)
