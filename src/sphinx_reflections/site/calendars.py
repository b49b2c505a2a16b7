"""iCalendar (RFC 5545) files: one per event and one with every event.

Written with the standard library. Nothing comes from the clock unless
``SOURCE_DATE_EPOCH`` says so, so two builds of the same sources give the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..dates import fixed_build_time
from ..domain import get_domain
from ..files import write_if_changed
from ..i18n import _
from ..registry import Event

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def _ics_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


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


def vevent(event: Event, uid_host: str, page_url: str) -> list[str]:
    """The lines of one VEVENT."""
    fixed = fixed_build_time()
    if fixed is not None:
        stamp = fixed
    elif isinstance(event.start, dt.datetime):
        stamp = event.start
    else:
        stamp = dt.datetime.combine(event.start, dt.time(), tzinfo=dt.UTC)
    lines = ["BEGIN:VEVENT", f"UID:{event.id}@{uid_host}", f"DTSTAMP:{_stamp(stamp)}"]
    if isinstance(event.start, dt.datetime):
        lines.append(f"DTSTART:{_stamp(event.start)}")
        if isinstance(event.end, dt.datetime):
            lines.append(f"DTEND:{_stamp(event.end)}")
    else:
        last = event.end or event.start
        lines.append(f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{last + dt.timedelta(days=1):%Y%m%d}")
    lines.append(f"SUMMARY:{_ics_text(event.name)}")
    if event.location:
        lines.append(f"LOCATION:{_ics_text(event.location)}")
    details = [event.description] if event.description else []
    if event.organizer:
        details.append(_("Organizer") + ": " + event.organizer)
    if event.hashtag:
        details.append("#" + event.hashtag)
    if page_url:
        details.append(page_url)
    if details:
        lines.append("DESCRIPTION:" + _ics_text("\n\n".join(details)))
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[Event], uid_host: str, urls: dict[str, str], name: str) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//sphinx-reflections//NONSGML sphinx-reflections//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(name)}",
    ]
    for event in events:
        lines += vevent(event, uid_host, urls.get(event.id, ""))
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def uid_host(config: Config) -> str:
    host = urlsplit(config.html_baseurl or "").hostname
    return (
        host
        or hashlib.sha1((config.project or "sphinx").encode("utf-8")).hexdigest()[:12]
        + ".sphinx-reflections"
    )


def write_calendars(app: Sphinx) -> None:
    """One ``.ics`` per event and ``events.ics`` with all of them."""
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
    for event in events:
        data = calendar([event], host, urls, event.name)
        write_if_changed(outdir / (domain.page_of("events", event.id) + ".ics"), data)
    if events:
        name = _("Events") + (f" – {app.config.project}" if app.config.project else "")
        write_if_changed(
            outdir / (domain.page_of("", "events") + ".ics"), calendar(events, host, urls, name)
        )
