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
