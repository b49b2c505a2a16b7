"""Dates as authors write them and as builds need them: parsing, hints, the build day.

One answer per question: what day a build is made on (``SOURCE_DATE_EPOCH``
for reproducible builds), what an ISO 8601 value means, and how to say that a
date was written another way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DOTTED = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


def build_time() -> dt.datetime:
    """Now for this build: ``SOURCE_DATE_EPOCH`` when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC)


def build_date() -> dt.date:
    """Today for this build (see :func:`build_time`)."""
    return build_time().date()


def fixed_build_time() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as a time, or None when the build is not pinned to one."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC) if epoch.isdigit() else None


def day(when: dt.date) -> dt.date:
    """The calendar day of a date or date-time."""
    return when.date() if isinstance(when, dt.datetime) else when


def parse_date(value: Any) -> dt.date | None:
    """An ISO 8601 date (a date-time counts as its date); None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DAY.fullmatch(text):
                return dt.date.fromisoformat(text)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text):
                return dt.datetime.fromisoformat(text).date()
        except ValueError:
            return None
    return None


def parse_when(value: Any) -> dt.date | None:
    """An ISO 8601 date, or date-time with offset; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else None


# -- event times -----------------------------------------------------------------------------


class WhenError(ValueError):
    """Why an event's date or time cannot be used (the message completes a sentence)."""


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/Stockholm``); :class:`WhenError` if there is none."""
    key = name.strip()
    try:
        if key and "\\" not in key and not key.startswith(("/", ".")):
            return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    # only on a mistake: listing every zone reads the time zone database
    known = available_timezones()
    wanted = key.casefold()
    same = [z for z in known if z.casefold() == wanted]
    hint = f" (did you mean {same[0]!r}?)" if same else ""
    if not known:  # Windows, some containers: no system database and no tzdata package
        hint = " (this Python finds no time zone database: install the tzdata package)"
    raise WhenError(
        f"{name!r} is not an IANA time zone name like Europe/Stockholm or America/New_York{hint}"
    )


def _offset_text(when: dt.datetime) -> str:
    offset = when.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def event_when(value: Any, zone: ZoneInfo | None) -> dt.date:
    """An event's ``start`` or ``end``: a date, or a date-time placed in its time zone.

    A date-time needs a zone (the event's ``timezone``) or an offset. With a
    zone, a time without an offset is the wall-clock time there; a time with an
    offset must be that zone's offset at that moment, and a time the clocks skip
    (the hour lost in spring) does not exist. Raises :class:`WhenError`.
    """
    when: dt.date | None = None
    if isinstance(value, dt.date):
        when = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            when = (
                dt.date.fromisoformat(text)
                if _ISO_DAY.fullmatch(text)
                else dt.datetime.fromisoformat(text)
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].+", text)
                else None
            )
        except ValueError:
            when = None
    if when is None:
        raise WhenError("is not an ISO 8601 date (2023-05-24) or date-time (2023-05-24T09:00)")
    if not isinstance(when, dt.datetime):
        return when
    if zone is None:
        if when.tzinfo is None:
            raise WhenError(
                "has a time but no time zone: give the event a 'timezone' (an IANA name "
                "like Europe/Stockholm) or write the offset (2023-05-24T09:00+02:00)"
            )
        return when
    if when.tzinfo is None:
        local = when.replace(tzinfo=zone)
        if local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != when:
            raise WhenError(
                f"does not exist in {zone.key}: the clocks are put forward past it "
                "(daylight saving time)"
            )
        return local
    local = when.astimezone(zone)
    if local.replace(tzinfo=None) != when.replace(tzinfo=None):
        raise WhenError(
            f"has the offset {_offset_text(when)}, but {zone.key} is at {_offset_text(local)} "
            "then; leave the offset out, the time zone is enough"
        )
    return local


def date_hint(text: str) -> str:
    """How to write a date the author typed another way."""
    if _ISO_DAY.fullmatch(text.strip()):
        return "there is no such day in the calendar"
    match = _DOTTED.match(text.strip())
    if match:
        a, b, year = (int(g) for g in match.groups())
        guesses = []
        for month, day_ in ((a, b), (b, a)):
            try:
                guesses.append(dt.date(year, month, day_).isoformat())
            except ValueError:
                continue
        if len(set(guesses)) == 1:
            return f"write {guesses[0]}"
        if guesses:
            return f"write {' or '.join(dict.fromkeys(guesses))} (year-month-day)"
    return "write it as YYYY-MM-DD, e.g. 2023-05-29"


def shown(value: Any) -> Any:
    """A date as the author wrote it (YAML made it a date object), anything else as is."""
    return value.isoformat() if isinstance(value, dt.date) else value
