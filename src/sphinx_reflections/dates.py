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


#: Month names and their common short forms, in English and Swedish (case-insensitive).
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "january januari jan",
            "february februari feb",
            "march mars mar",
            "april apr",
            "may maj",
            "june juni jun",
            "july juli jul",
            "august augusti aug",
            "september sept sep",
            "october oktober oct okt",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for name in names.split()
}
_WEEKDAY_NAMES = (
    "monday tuesday wednesday thursday friday saturday sunday",
    "mon tue tues wed thu thur thurs fri sat sun",
    "måndag tisdag onsdag torsdag fredag lördag söndag mån tis ons tors fre lör sön",
)
_WEEKDAYS = frozenset(word for names in _WEEKDAY_NAMES for word in names.split())
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|:e|:a|\.)?"
_MONTH = r"(?P<month>[^\W\d_]+)\.?"
_WRITTEN = (
    re.compile(rf"^(?:den\s+)?{_DAY}\s+{_MONTH},?\s+(?P<year>\d{{4}})$"),  # 29 maj 2024
    re.compile(rf"^{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})$"),  # May 29, 2024
)
_YEAR_FIRST = re.compile(r"^(\d{4})[./-](\d{1,2})[./-](\d{1,2})$")  # 2024/05/29, 2024-5-29
#: The English name of each month (the first of its names above), for "May 6".
_MONTH_NAMES = {number: name.capitalize() for name, number in reversed(MONTHS.items())}


def _written(text: str) -> dt.date | bool:
    """A date written out with its month's name, in English or Swedish.

    False when the text is not written that way, True when it is but names no
    day of the calendar (``31 feb 2024``).
    """
    words = text.strip().replace(",", ", ").split()
    while words and words[0].rstrip(",.").casefold() in _WEEKDAYS:
        words = words[1:]  # "onsdag 29 maj 2024", "Wednesday, May 29, 2024"
    plain = " ".join(words).replace(" ,", ",")
    for pattern in _WRITTEN:
        match = pattern.match(plain)
        if match and match["month"].casefold() in MONTHS:
            try:
                return dt.date(
                    int(match["year"]), MONTHS[match["month"].casefold()], int(match["day"])
                )
            except ValueError:
                return True
    return False


def _spoken(day_: dt.date) -> str:
    """``May 6``: which day an ISO date is, in words, to tell two readings apart."""
    return f"{_MONTH_NAMES[day_.month]} {day_.day}"


def date_hint(text: str) -> str:
    """How to write a date the author typed another way: the ISO date when it is certain."""
    text = text.strip()
    if _ISO_DAY.fullmatch(text):
        return "there is no such day in the calendar"
    written = _written(text)
    if isinstance(written, dt.date):
        return f"write {written.isoformat()}"
    if written:
        return "there is no such day in the calendar"
    match = _YEAR_FIRST.match(text)
    if match:
        try:
            return f"write {dt.date(*(int(g) for g in match.groups())).isoformat()}"
        except ValueError:
            return "there is no such day in the calendar"
    match = _DOTTED.match(text)
    if match:
        a, b, year = (int(g) for g in match.groups())
        guesses = []
        for month, day_ in ((a, b), (b, a)):
            try:
                guesses.append(dt.date(year, month, day_))
            except ValueError:
                continue
        unique = list(dict.fromkeys(guesses))
        if len(unique) == 1:
            return f"write {unique[0].isoformat()}"
        if unique:
            return "write " + " or ".join(f"{g.isoformat()} ({_spoken(g)})" for g in unique)
    found = re.search(r"\b(\d{4})\b", text)
    return f"write it like {found[1] if found else '2024'}-05-29"


def not_a_date(what: str, text: str) -> str:
    """The whole message for a date that cannot be read, in a writer's words.

    ``what`` names the value (``date``, ``updated``); empty, the message
    starts with the value itself.
    """
    value = f"{what} {text!r}" if what else repr(text)
    if date_hint(text) == "there is no such day in the calendar":
        return f"{value} is not a day in the calendar; check the month and the day"
    return f"{value} is not written year-month-day; {date_hint(text)}"


def shown(value: Any) -> Any:
    """A date as the author wrote it (YAML made it a date object), anything else as is."""
    return value.isoformat() if isinstance(value, dt.date) else value
