"""Events as calendar apps and search engines need them (SPEC §9, "New event fields").

Status, time zones, online attendance, updates that reach subscribers, and
the lists of upcoming and past events. Every calendar file is checked by the
strict RFC 5545 reader in ``rfc5545.py`` and parsed by ``icalendar``; every
JSON-LD ``Event`` must carry what search engines' event results require.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml

import rfc5545
from reflections_testutil import BUILD_DATE, TESTS, copy_root, edit, soup, warnings_of
from sphinx_reflections.site.calendars import vtimezone

# every build here happens on 2025-01-01 unless a test says otherwise
pytestmark = pytest.mark.usefixtures("build_date")

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _text(node: Any) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def _event(app: Any, ident: str) -> icalendar.Event:
    raw = (app.outdir / f"reflections/events/{ident}.ics").read_bytes()
    (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return event


def _vevents(raw: bytes) -> dict[str, str]:
    """UID -> the VEVENT's unfolded text, without DTSTAMP."""
    lines, _problems = rfc5545.unfold(raw)
    found: dict[str, str] = {}
    current: list[str] = []
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            uid = next(c for c in current if c.startswith("UID:"))
            found[uid[4:]] = "\n".join(c for c in current if not c.startswith("DTSTAMP:"))
        else:
            current.append(line)
    return found


# -- status ---------------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="event-fields")
def test_status_badges_are_text(app) -> None:
    """Callouts, event pages, the index and lists say each status in words."""
    app.build()
    assert warnings_of(app) == []
    post = soup(app.outdir / "post.html")
    boxes = {
        _text(box.select_one(".reflections-event-name")): box
        for box in post.select("aside.reflections-event")
    }
    expected = {
        "Kundresan 2025": ("cancelled", "Cancelled"),
        "CX Forum 2025": ("moved-online", "Moved online"),
        "Nordic Support Days 2025": ("rescheduled", "Rescheduled"),
    }
    for name, (status, label) in expected.items():
        badge = boxes[name].select_one(".reflections-event-title .reflections-event-status")
        assert badge.get_text() == label
        assert f"reflections-event-status-{status}" in badge["class"]
        assert "sd-badge" in badge["class"]
    # a cancelled event is not "upcoming"; one that moved online still is
    assert boxes["Kundresan 2025"].select_one(".reflections-upcoming") is None
    assert boxes["CX Forum 2025"].select_one(".reflections-upcoming")
    # a rescheduled event says where it moved from, as a machine-readable time too
    moved = boxes["Nordic Support Days 2025"].select_one(".reflections-event-previous")
    assert moved.get_text() == "(moved from March 15, 2025 9:00\u202fAM)"
    assert moved.select_one("time")["datetime"] == "2025-03-15T09:00:00+01:00"
    # online: no venue, how to attend, and where to join (not for a cancelled event)
    forum = boxes["CX Forum 2025"]
    assert forum.select_one(".reflections-event-location") is None
    assert _text(forum.select_one(".reflections-event-attendance")) == "Attendance : Online"
    links = {a.get_text(): a["href"] for a in forum.select(".reflections-event-links a")}
    assert links["Join online"] == "https://meet.example.com/forum"
    days = boxes["Nordic Support Days 2025"]
    assert _text(days.select_one(".reflections-event-location")) == "Location : Malmö, Sverige"
    assert "In person and online" in _text(days.select_one(".reflections-event-attendance"))

    page = soup(app.outdir / "reflections/events/ai-day-2025.html")
    assert _text(page.select_one("aside .reflections-event-status")) == "Postponed"
    assert page.select_one("aside .reflections-upcoming") is None
    index = soup(app.outdir / "reflections/events/index.html")
    statuses = [_text(b) for b in index.select("aside .reflections-event-status")]
    assert sorted(statuses) == sorted(
        ["Moved online", "Rescheduled", "Postponed", "Cancelled", "Moved online"]
    )
    listed = soup(app.outdir / "lists.html").select("ul.all .reflections-event-status")
    assert len(listed) == 5


@pytest.mark.sphinx("text", testroot="event-fields")
def test_status_in_text_builders(app) -> None:
    app.build()
    text = (app.outdir / "post.txt").read_text()
    assert "Kundresan 2025 (Cancelled):" in text
    assert "(moved from March 15, 2025 9:00\u202fAM)" in text
    lists = (app.outdir / "lists.txt").read_text()
    assert "**Kundresan 2025** Cancelled" in lists


# -- times and zones ----------------------------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="event-fields")
def test_times_shown_in_the_events_zone(app) -> None:
    app.build()
    post = soup(app.outdir / "post.html")
    times = {
        _text(box.select_one(".reflections-event-name")): box.select_one(
            ".reflections-event-when time"
        )
        for box in post.select("aside.reflections-event")
    }
    forum = times["CX Forum 2025"]
    assert forum["datetime"] == "2025-02-10T09:00:00+01:00"
    assert forum.get_text() == (
        "February 10, 2025 9:00\u202fAM–12:00\u202fPM (Central European Standard Time, UTC+01:00)"
    )
    # across the change to summer time: each end in its own offset
    days = times["Nordic Support Days 2025"]
    assert days.get_text() == (
        "March 29, 2025 9:00\u202fAM (Central European Standard Time, UTC+01:00) – "
        "March 31, 2025 3:00\u202fPM (Central European Summer Time, UTC+02:00)"
    )
    webinar = soup(app.outdir / "reflections/events/webinar-2024.html").select_one("aside time")
    assert webinar.get_text() == (
        "November 5, 2024 4:00\u202fPM–5:00\u202fPM (Eastern Standard Time, UTC-05:00)"
    )
    # an all-day event stays a date, whatever its zone
    ai = soup(app.outdir / "reflections/events/ai-day-2025.html").select_one("aside time")
    assert (ai["datetime"], ai.get_text()) == ("2025-04-15", "Apr 15\u2009–\u200916, 2025")


@pytest.mark.sphinx("html", testroot="event-fields", confoverrides={"language": "sv"})
def test_zone_named_in_the_sites_language(app) -> None:
    app.build()
    box = soup(app.outdir / "reflections/events/forum-2025.html").select_one("aside")
    assert box.select_one("time").get_text() == (
        "10 februari 2025 09:00–12:00 (centraleuropeisk normaltid, UTC+01:00)"
    )
    assert _text(box.select_one(".reflections-event-status")) == "Flyttat online"


@pytest.mark.sphinx("html", testroot="event-fields")
def test_calendar_times_zones_and_daylight_saving(app) -> None:
    """TZID and a matching VTIMEZONE; a timed event across the DST change lasts 54 hours."""
    app.build()
    raw = (app.outdir / "reflections/events/support-days-2025.ics").read_bytes()
    assert b"DTSTART;TZID=Europe/Stockholm:20250329T090000\r\n" in raw
    assert b"DTEND;TZID=Europe/Stockholm:20250331T150000\r\n" in raw
    cal = icalendar.Calendar.from_ical(raw)
    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"
    own = zone.to_tz(lookup_tzid=False)  # the file's own definition, not the system's
    start = dt.datetime(2025, 3, 29, 9, tzinfo=own)
    end = dt.datetime(2025, 3, 31, 15, tzinfo=own)
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 3, 29, 8, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) == dt.datetime(2025, 3, 31, 13, tzinfo=dt.UTC)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=53)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2025, 3, 29, 9, tzinfo=STOCKHOLM)
    # an all-day event keeps VALUE=DATE and no zone
    ai = (app.outdir / "reflections/events/ai-day-2025.ics").read_bytes()
    assert b"DTSTART;VALUE=DATE:20250415\r\n" in ai and b"DTEND;VALUE=DATE:20250417\r\n" in ai
    assert b"VTIMEZONE" not in ai
    # every zone of a calendar once, each matching the times it serves
    every = icalendar.Calendar.from_ical((app.outdir / "reflections/events.ics").read_bytes())
    zones = {str(z["TZID"]): z.to_tz(lookup_tzid=False) for z in every.walk("VTIMEZONE")}
    assert sorted(zones) == ["America/New_York", "Asia/Kolkata", "Europe/Stockholm"]
    for vevent in every.walk("VEVENT"):
        for key in ("DTSTART", "DTEND"):
            prop = vevent.get(key)
            if prop is None or "TZID" not in prop.params:
                continue
            wall = prop.dt.replace(tzinfo=None)
            ours = wall.replace(tzinfo=zones[prop.params["TZID"]]).utcoffset()
            theirs = wall.replace(tzinfo=ZoneInfo(prop.params["TZID"])).utcoffset()
            assert ours == theirs, (vevent["UID"], key)


#: Zones with every kind of rule: none, yearly weekday rules north and south,
#: half-hour and 45-minute offsets, "negative" daylight saving (Dublin, Windhoek,
#: Casablanca's Ramadan), rules on fixed dates (Tehran), changes of rules (Moscow,
#: Santiago, Sao Paulo), a 30-minute shift (Lord Howe).
ZONES = [
    "Europe/Stockholm",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Europe/Dublin",
    "Africa/Windhoek",
    "Africa/Casablanca",
    "Asia/Tehran",
    "Europe/Moscow",
    "America/Santiago",
    "America/Sao_Paulo",
    "Asia/Gaza",
    "Antarctica/Troll",
    "UTC",
]


def _offsets(component: icalendar.Timezone) -> Any:
    """The UTC offset a VTIMEZONE gives a moment, read by icalendar's own expansion.

    ``get_transitions`` applies RFC 5545 to the letter: each observance starts
    at its DTSTART (and RRULE dates) in the offset before it. (``to_tz`` hands
    the zone to dateutil, which guesses wrong around irregular changes.)
    """
    times, info = component.get_transitions()
    changes = sorted(
        (t.replace(tzinfo=dt.UTC), offset)
        for t, (offset, _dst, _n) in zip(times, info, strict=True)
    )

    def offset(moment: dt.datetime) -> dt.timedelta | None:
        found = None
        for when, to in changes:
            if when > moment:
                break
            found = to
        return found

    return offset


@pytest.mark.parametrize("zone_name", ZONES)
@pytest.mark.parametrize("years", [(2011, 2012), (2019, 2021), (2026, 2027)])
def test_vtimezone_agrees_with_the_time_zone_database(zone_name: str, years: Any) -> None:
    """Our VTIMEZONE gives every moment of the years it covers the offset zoneinfo gives.

    Checked around every change (found hour by hour in zoneinfo alone) and
    every week in between.
    """
    zone = ZoneInfo(zone_name)
    first, last = years
    times = [dt.datetime(first, 6, 1, 9, tzinfo=zone), dt.datetime(last, 12, 1, 9, tzinfo=zone)]
    lines = vtimezone(zone, times)
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", *lines])
    raw = (text + "\r\nEND:VCALENDAR\r\n").encode()
    (component,) = icalendar.Calendar.from_ical(raw).walk("VTIMEZONE")
    theirs = _offsets(component)
    hour = dt.timedelta(hours=1)
    moment = dt.datetime(first, 1, 1, tzinfo=dt.UTC)
    stop = dt.datetime(last + 1, 1, 1, tzinfo=dt.UTC)
    samples = []
    before = moment.astimezone(zone).utcoffset()
    while moment < stop:
        now = moment.astimezone(zone).utcoffset()
        if now != before:
            samples += [moment - 2 * hour, moment - hour, moment, moment + hour]
        elif moment.hour == 12 and moment.weekday() == 2:
            samples.append(moment)
        before = now
        moment += hour
    wrong = [
        (t.isoformat(), t.astimezone(zone).utcoffset(), theirs(t))
        for t in samples
        if t.astimezone(zone).utcoffset() != theirs(t)
    ]
    assert wrong == []


def test_yearly_rules_are_written_as_rrules() -> None:
    """Where a zone follows "the last Sunday of March" rules, two observances with RRULEs."""
    lines = vtimezone(STOCKHOLM, [dt.datetime(2027, 3, 10, 9, tzinfo=STOCKHOLM)])
    assert lines.count("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU") == 1
    assert lines.count("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU") == 1
    york = ZoneInfo("America/New_York")
    lines = vtimezone(york, [dt.datetime(2027, 3, 10, 9, tzinfo=york)])
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU" in lines
    tehran = ZoneInfo("Asia/Tehran")  # fixed dates until 2022: one observance per change
    lines = vtimezone(tehran, [dt.datetime(2020, 6, 1, 9, tzinfo=tehran)])
    assert not any(line.startswith("RRULE") for line in lines)
    assert lines.count("BEGIN:DAYLIGHT") == 3


# -- iCalendar: status, online, updates -----------------------------------------------------------


@pytest.mark.sphinx("html", testroot="event-fields")
def test_calendar_status_and_online(app) -> None:
    app.build()
    assert str(_event(app, "kundresan-2025")["STATUS"]) == "CANCELLED"
    assert str(_event(app, "kundresan-2025")["SUMMARY"]) == "Cancelled: Kundresan 2025"
    assert str(_event(app, "ai-day-2025")["STATUS"]) == "TENTATIVE"
    assert str(_event(app, "support-days-2025")["STATUS"]) == "CONFIRMED"
    assert str(_event(app, "webinar-2024")["STATUS"]) == "CONFIRMED"
    assert str(_event(app, "webinar-2024")["SUMMARY"]) == "Support webinar"
    forum = _event(app, "forum-2025")
    assert str(forum["LOCATION"]) == "https://meet.example.com/forum"  # apps make it a link
    assert str(forum["URL"]) == "https://meet.example.com/forum"
    assert "Join online: https://meet.example.com/forum" in str(forum["DESCRIPTION"])
    days = _event(app, "support-days-2025")
    assert str(days["LOCATION"]) == "Malmö, Sverige · https://meet.example.com/days"
    assert "Rescheduled (moved from March 15, 2025 9:00\u202fAM)" in str(days["DESCRIPTION"])
    # a cancelled event stays in every calendar it was in
    every = icalendar.Calendar.from_ical((app.outdir / "reflections/events.ics").read_bytes())
    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in every.walk("VEVENT")}
    assert statuses["kundresan-2025"] == "CANCELLED"
    assert len(statuses) == 6
    raw = (app.outdir / "reflections/events.ics").read_bytes()
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in raw
    assert b"SOURCE;VALUE=URI:https://kb.example.com/reflections/events.ics\r\n" in raw


@pytest.mark.sphinx("html", testroot="event-fields")
def test_tag_calendar(app) -> None:
    """A tag whose events declare it gets a calendar next to its page, to subscribe to."""
    app.build()
    path = app.outdir / "reflections/tags/cxforum.ics"
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert sorted(str(e["UID"]) for e in cal.walk("VEVENT")) == [
        "forum-2025@kb.example.com",
        "support-days-2025@kb.example.com",
    ]
    assert str(cal["X-WR-CALNAME"]) == "Events #CXForum – Event fields"
    line = soup(app.outdir / "reflections/tags/cxforum.html").select_one(".reflections-subscribe")
    links = {a.get_text(): a["href"] for a in line.select("a")}
    assert links["Events in your calendar"] == "cxforum.ics"
    assert (
        links["Open in your calendar app"] == "webcal://kb.example.com/reflections/tags/cxforum.ics"
    )
    index = soup(app.outdir / "reflections/events/index.html").select_one(".reflections-subscribe")
    links = {a.get_text(): a["href"] for a in index.select("a")}
    assert links["All events in your calendar"] == "../events.ics"
    assert links["Open in your calendar app"] == "webcal://kb.example.com/reflections/events.ics"
    # a tag without events has no calendar
    assert [p.name for p in (app.outdir / "reflections/tags").glob("*.ics")] == ["cxforum.ics"]


def _build(make_app: Any, src: Path, epoch: dt.datetime, monkeypatch: Any) -> Any:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(epoch.timestamp())))
    app = make_app("html", srcdir=src)
    app.build()
    return app


def _calendars(app: Any) -> dict[str, bytes]:
    return {
        p.relative_to(app.outdir).as_posix(): p.read_bytes()
        for p in sorted(Path(app.outdir).rglob("*.ics"))
    }


def test_sequence_changes_when_and_only_when_the_event_changes(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = copy_root("event-fields", tmp_path)
    first = _calendars(_build(make_app, src, BUILD_DATE, monkeypatch))
    forum = _vevents(first["reflections/events.ics"])["forum-2025@kb.example.com"]
    assert "SEQUENCE:0" in forum.splitlines() and "LAST-MODIFIED" not in forum
    # nothing changed: byte for byte the same, even on another day
    later = BUILD_DATE + dt.timedelta(days=3)
    again = _build(make_app, src, BUILD_DATE, monkeypatch)
    assert _calendars(again) == first
    # the output folder is gone (a deploy from scratch): the history is next to the doctrees
    shutil.rmtree(again.outdir)
    assert _calendars(_build(make_app, src, BUILD_DATE, monkeypatch)) == first
    # one event changes: it alone gets SEQUENCE 1 and the time of this build
    edit(
        src / "events.yml", "  location: Stockholm\n  online_url", "  location: Solna\n  online_url"
    )
    changed = _calendars(_build(make_app, src, later, monkeypatch))
    before = _vevents(first["reflections/events.ics"])
    after = _vevents(changed["reflections/events.ics"])
    assert after.keys() == before.keys()
    lines = after["forum-2025@kb.example.com"].splitlines()
    assert "SEQUENCE:1" in lines
    assert "LAST-MODIFIED:20250104T000000Z" in lines
    for uid in before.keys() - {"forum-2025@kb.example.com"}:
        assert after[uid] == before[uid], uid
    own = _vevents(changed["reflections/events/forum-2025.ics"])["forum-2025@kb.example.com"]
    assert own == after["forum-2025@kb.example.com"]
    # and stays there while nothing else changes, with a fresh environment (-E) too
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(later.timestamp())))
    fresh = make_app("html", srcdir=src, freshenv=True)
    fresh.build()
    assert _calendars(fresh) == changed
    # changed back is a change too: sequences only go up
    edit(src / "events.yml", "  location: Solna\n", "  location: Stockholm\n")
    back = _calendars(_build(make_app, src, later + dt.timedelta(days=1), monkeypatch))
    lines = _vevents(back["reflections/events.ics"])["forum-2025@kb.example.com"].splitlines()
    assert "SEQUENCE:2" in lines and "LAST-MODIFIED:20250105T000000Z" in lines


# -- validation: RFC 5545 and search engines --------------------------------------------------------


def _all_calendars(app: Any) -> dict[str, bytes]:
    found = _calendars(app)
    assert found, "no calendar files were written"
    return found


@pytest.mark.parametrize("root", ["event-fields", "events"])
def test_every_calendar_passes_the_strict_check(make_app: Any, tmp_path: Path, root: str) -> None:
    app = make_app("html", srcdir=copy_root(root, tmp_path))
    app.build()
    for name, raw in _all_calendars(app).items():
        assert rfc5545.problems(raw) == [], name
        icalendar.Calendar.from_ical(raw)  # and a real parser reads it


def test_the_strict_check_finds_what_it_checks() -> None:
    """Each rule of the check fails on a file that breaks it (else passing proves nothing)."""
    base = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//t//t//EN",
        "BEGIN:VEVENT",
        "UID:a@b",
        "DTSTAMP:20250101T000000Z",
        "DTSTART;TZID=Europe/Stockholm:20250101T090000",
        "SUMMARY:Fine\\, really",
        "END:VEVENT",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Stockholm",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "END:VTIMEZONE",
        "END:VCALENDAR",
    ]

    def raw(lines: list[str], end: str = "\r\n") -> bytes:
        return (end.join(lines) + end).encode("utf-8")

    assert rfc5545.problems(raw(base)) == []
    broken = {
        "LF line ends": raw(base, "\n"),
        "a long line": raw([*base[:7], "SUMMARY:" + "x" * 80, *base[8:]]),
        # "å" is two octets; folding between them leaves neither line valid UTF-8
        "a split character": raw(base[:7])
        + "SUMMARY:ååå".encode()[:-1]
        + b"\r\n \xa5\r\n"
        + raw(base[8:]),
        "an unescaped comma": raw([*base[:7], "SUMMARY:a, b", *base[8:]]),
        "an unescaped semicolon": raw([*base[:7], "LOCATION:a; b", *base[8:]]),
        "a lone backslash": raw([*base[:7], "DESCRIPTION:a \\ b", *base[8:]]),
        "no UID": raw([line for line in base if not line.startswith("UID")]),
        "no DTSTAMP": raw([line for line in base if not line.startswith("DTSTAMP")]),
        "no PRODID": raw([line for line in base if not line.startswith("PRODID")]),
        "a zone without VTIMEZONE": raw([*base[:9], "END:VCALENDAR"]),
        "a local DTSTAMP": raw([*base[:5], "DTSTAMP:20250101T000000", *base[6:]]),
        "a bad status": raw([*base[:7], "STATUS:DONE", *base[7:]]),
        "an open component": raw(base[:-1]),
    }
    for what, data in broken.items():
        assert rfc5545.problems(data), what


def _json_ld_events(path: Path) -> list[dict[str, Any]]:
    found = []
    for script in soup(path).select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        if data.get("@type") == "Event":
            found.append(data)
        if isinstance(data.get("about"), dict):
            found.append(data["about"])
    return found


def _google_problems(event: dict[str, Any]) -> list[str]:
    """What Google's event rich results require, that this Event lacks."""
    problems = [
        k for k in ("name", "startDate", "eventStatus", "eventAttendanceMode") if k not in event
    ]
    places = event.get("location")
    places = places if isinstance(places, list) else [places] if places else []
    if not places:
        problems.append("location")
    for place in places:
        if place.get("@type") == "Place" and not place.get("address"):
            problems.append("location.address")
        elif place.get("@type") == "VirtualLocation" and not place.get("url"):
            problems.append("VirtualLocation.url")
        elif place.get("@type") not in ("Place", "VirtualLocation"):
            problems.append(f"location of type {place.get('@type')}")
    for key in ("eventStatus", "eventAttendanceMode"):
        if not str(event.get(key, "")).startswith("https://schema.org/"):
            problems.append(f"{key} is not a schema.org value")
    mode = event.get("eventAttendanceMode", "")
    kinds = {p.get("@type") for p in places}
    wanted = {
        "https://schema.org/OfflineEventAttendanceMode": {"Place"},
        "https://schema.org/OnlineEventAttendanceMode": {"VirtualLocation"},
        "https://schema.org/MixedEventAttendanceMode": {"Place", "VirtualLocation"},
    }.get(mode)
    if wanted is not None and kinds != wanted:
        problems.append(f"{mode} with {sorted(kinds)}")
    return problems


@pytest.mark.sphinx("html", testroot="event-fields")
def test_json_ld_events_have_what_search_engines_require(app) -> None:
    app.build()
    events: dict[str, dict[str, Any]] = {}
    for path in sorted(app.outdir.rglob("*.html")):
        for event in _json_ld_events(path):
            assert _google_problems(event) == [], (path.name, event)
            events[event["name"]] = event
    assert len(events) == 6  # every event page
    forum = events["CX Forum 2025"]
    assert forum["eventStatus"] == "https://schema.org/EventMovedOnline"
    assert forum["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert forum["location"] == {
        "@type": "VirtualLocation",
        "url": "https://meet.example.com/forum",
    }
    days = events["Nordic Support Days 2025"]
    assert days["eventStatus"] == "https://schema.org/EventRescheduled"
    assert days["previousStartDate"] == "2025-03-15T09:00:00+01:00"
    assert days["startDate"] == "2025-03-29T09:00:00+01:00"
    assert days["endDate"] == "2025-03-31T15:00:00+02:00"
    assert [p["@type"] for p in days["location"]] == ["Place", "VirtualLocation"]
    assert events["Kundresan 2025"]["eventStatus"] == "https://schema.org/EventCancelled"
    assert events["AI i kundservice"]["eventStatus"] == "https://schema.org/EventPostponed"
    assert events["Support webinar"]["eventStatus"] == "https://schema.org/EventScheduled"


@pytest.mark.sphinx("html", testroot="events")
def test_json_ld_of_dated_events_with_a_place(app) -> None:
    """Events without the new fields are scheduled, in person; the one without a place has none."""
    app.build()
    for path in sorted(app.outdir.rglob("*.html")):
        for event in _json_ld_events(path):
            if "location" in event:
                assert _google_problems(event) == [], (path.name, event)
            else:  # the kick-off (defined twice) has no place: none is made up
                assert "ick-off" in event["name"], path.name
            assert event["eventStatus"] == "https://schema.org/EventScheduled"


# -- upcoming and past ------------------------------------------------------------------------------


def _names(page: Any, css: str) -> list[str]:
    return [_text(n) for n in page.select(f"{css} .reflections-event-name")]


@pytest.mark.sphinx("html", testroot="event-fields")
def test_upcoming_and_past(app) -> None:
    app.build()
    index = soup(app.outdir / "reflections/events/index.html")
    upcoming = [
        "CX Forum 2025",
        "Nordic Support Days 2025",
        "AI i kundservice",
        "Kundresan 2025",
        "Town hall",
    ]
    headings = [h.get_text() for h in index.select("section > section > h2")]
    assert headings == ["Upcoming¶", "Past¶"]
    assert _names(index, "section#upcoming aside") == upcoming
    assert _names(index, "section#past aside") == ["Support webinar"]
    lists = soup(app.outdir / "lists.html")
    assert _names(lists, "ul.upcoming") == upcoming
    assert _names(lists, "ul.past") == ["Support webinar"]
    assert _names(lists, "ul.all") == [*upcoming, "Support webinar"]
    assert _names(lists, "ul.tagged") == ["CX Forum 2025", "Nordic Support Days 2025"]
    assert _names(lists, "ul.off") == ["AI i kundservice", "Kundresan 2025"]
    assert _names(lists, "ul.next") == ["CX Forum 2025"]
    entry = lists.select_one("ul.all li")
    assert "reflections-event-entry" in entry["class"]
    assert _text(entry.select_one(".reflections-event-entry-when")).endswith("· Online")
    assert entry.select_one("a")["href"] == "reflections/events/forum-2025.html"


def test_upcoming_is_decided_on_the_day_of_the_build(
    make_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build a year later moves everything to the past, without a change to any source."""
    src = copy_root("event-fields", tmp_path)
    _build(make_app, src, BUILD_DATE, monkeypatch)
    app = _build(make_app, src, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), monkeypatch)
    lists = soup(app.outdir / "lists.html")
    assert _text(lists.select_one("p.upcoming")) == "No upcoming events."
    assert _names(lists, "ul.past")[:2] == ["Town hall", "Kundresan 2025"]
    index = soup(app.outdir / "reflections/events/index.html")
    assert _text(index.select_one("section#upcoming p.reflections-empty")) == "No upcoming events."
    assert index.select("section#upcoming aside") == []


# -- validation of the fields -------------------------------------------------------------------------

BAD_EVENTS = {
    "typo-status": {"name": "A", "start": "2025-05-01", "status": "canceld"},
    "us-spelling": {"name": "B", "start": "2025-05-01", "status": "canceled"},
    "bad-zone": {"name": "C", "start": "2025-05-01T09:00", "timezone": "europe/stockholm"},
    "offset-zone": {"name": "D", "start": "2025-05-01T09:00", "timezone": "UTC+1"},
    "naive": {"name": "E", "start": "2025-05-01T09:00"},
    "skipped-hour": {"name": "F", "start": "2025-03-30T02:30", "timezone": "Europe/Stockholm"},
    "wrong-offset": {
        "name": "G",
        "start": "2025-07-01T09:00+01:00",
        "timezone": "Europe/Stockholm",
    },
    "bad-attendance": {"name": "H", "start": "2025-05-01", "attendance": "hybrid"},
    "moved-offline": {
        "name": "I",
        "start": "2025-05-01",
        "status": "moved-online",
        "attendance": "offline",
    },
    "stray-previous": {"name": "J", "start": "2025-05-01", "previous_start": "2025-04-01"},
    "js-online": {
        "name": "K",
        "start": "2025-05-01",
        "attendance": "online",
        "online_url": "javascript:alert(1)",
    },
}


def test_bad_fields_are_located_warnings(make_app: Any, tmp_path: Path) -> None:
    src = tmp_path / "bad"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\n'
        'reflections_events = "events.yml"\nhtml_baseurl = "https://kb.example.com/"\n'
    )
    (src / "events.yml").write_text(yaml.safe_dump(BAD_EVENTS), encoding="utf-8")
    (src / "index.md").write_text(
        "# Inline\n\n```{event} x\n:name: X\n:start: 2025-05-01\n:status: postponed-ish\n```\n\n"
        "```{event} y\n:name: Y\n:start: 2025-05-01T10:00\n```\n\n"
        "```{event} z\n:name: Z\n:start: 2025-05-01T10:00\n:timezone: Mars/Olympus\n```\n\n"
        "```{events}\n:status: gone\n```\n"
    )
    app = make_app("html", srcdir=src)
    app.build()
    found = warnings_of(app)

    def one(ident: str) -> str:
        (line,) = [w for w in found if f"event {ident!r}" in w]
        assert "events.yml:" in line
        return line

    assert "'canceld' is not one of scheduled, cancelled" in one("typo-status")
    assert "did you mean 'cancelled'?" in one("typo-status")
    assert "did you mean 'Europe/Stockholm'?" in one("bad-zone")
    assert "is not an IANA time zone name" in one("offset-zone")
    assert "has a time but no time zone" in one("naive")
    assert "does not exist in Europe/Stockholm" in one("skipped-hour")
    assert "has the offset +01:00, but Europe/Stockholm is at +02:00" in one("wrong-offset")
    assert "'hybrid' is not one of offline, online, mixed" in one("bad-attendance")
    assert "it is shown as online" in one("moved-offline")
    assert "only goes with status 'rescheduled'" in one("stray-previous")
    assert one("js-online").endswith("[reflections.unsafe-url]")
    for skipped in ("typo-status", "bad-zone", "naive", "skipped-hour", "bad-attendance"):
        assert one(skipped).endswith("the entry is skipped [reflections.registry]")
    out = app.outdir / "reflections/events"
    # warned about but kept: the spelling, the contradiction, the stray field, the link
    assert {p.stem for p in out.glob("*.ics")} == {
        "us-spelling",
        "moved-offline",
        "stray-previous",
        "js-online",
    }
    assert "STATUS:CANCELLED" in (out / "us-spelling.ics").read_text()
    inline = [w for w in found if "index.md" in w]
    assert any(
        ":status: 'postponed-ish'" in w and "[reflections.bad-metadata]" in w for w in inline
    )
    assert any(":start: '2025-05-01T10:00' has a time but no time zone" in w for w in inline)
    assert any("[reflections.bad-date]" in w for w in inline)
    assert any("'Mars/Olympus' is not an IANA time zone" in w for w in inline)
    assert any("events: :status: 'gone'" in w for w in inline)
    assert len(found) == len(BAD_EVENTS) - 1 + 4


# -- real time zones: five conferences from pythondeadlin.es ---------------------------------------------

DEADLINES = TESTS / "fixtures" / "python-deadlines" / "conferences.yml"


def test_real_conferences_and_deadlines(make_app: Any, tmp_path: Path) -> None:
    """Conferences as whole days, their call-for-papers deadlines as times in their zones."""
    conferences = yaml.safe_load(DEADLINES.read_text(encoding="utf-8"))
    events: dict[str, dict[str, Any]] = {}
    for conf in conferences:
        ident = f"{conf['conference'].lower().replace(' ', '-')}-{conf['year']}"
        online = conf["place"] == "Online"
        events[ident] = {
            "name": f"{conf['conference']} {conf['year']}",
            "start": conf["start"],
            "end": conf["end"],
            "url": conf["link"],
            **({"attendance": "online"} if online else {"location": conf["place"]}),
        }
        events[f"{ident}-cfp"] = {
            "name": f"{conf['conference']} {conf['year']}: call for papers closes",
            "start": conf["cfp"],
            "timezone": conf["timezone"],
            "attendance": "online",
            "online_url": conf["link"],
        }
    src = tmp_path / "deadlines"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx_reflections"]\nproject = "Deadlines"\n'
        'reflections_events = "events.yml"\nhtml_baseurl = "https://kb.example.com/"\n'
    )
    (src / "events.yml").write_text(yaml.safe_dump(events, allow_unicode=True), encoding="utf-8")
    (src / "index.md").write_text("# Deadlines\n\n```{events}\n```\n")
    app = make_app("html", srcdir=src)
    app.build()
    assert warnings_of(app) == []
    raw = (app.outdir / "reflections/events.ics").read_bytes()
    assert rfc5545.problems(raw) == []
    cal = icalendar.Calendar.from_ical(raw)
    zones = sorted(str(z["TZID"]) for z in cal.walk("VTIMEZONE"))
    assert zones == ["Africa/Windhoek", "America/Los_Angeles", "Asia/Tokyo", "Europe/Warsaw", "UTC"]
    by_uid = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert len(by_uid) == 10
    # 23:59 in Wrocław on 30 September is 21:59 UTC (summer time)
    wroclaw = by_uid["pycon-wroclaw-2026-cfp"]
    assert wroclaw.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2026, 9, 30, 21, 59, tzinfo=dt.UTC
    )
    assert by_uid["pybay-2026"].decoded("DTSTART") == dt.date(2026, 10, 3)
    assert by_uid["wagtail-space-2026"]["LOCATION"] == "Online"
    for vtz in cal.walk("VTIMEZONE"):
        ours = vtz.to_tz(lookup_tzid=False)
        zone = ZoneInfo(str(vtz["TZID"]))
        for conf in conferences:
            if conf["timezone"] == str(vtz["TZID"]):
                wall = dt.datetime.fromisoformat(conf["cfp"])
                assert (
                    wall.replace(tzinfo=ours).utcoffset() == wall.replace(tzinfo=zone).utcoffset()
                )
    page = soup(app.outdir / "reflections/events/pybay-2026-cfp.html").select_one("aside time")
    assert page.get_text() == "July 31, 2026 11:59\u202fPM (Pacific Daylight Time, UTC-07:00)"
    utc = soup(app.outdir / "reflections/events/wagtail-space-2026-cfp.html").select_one(
        "aside time"
    )
    assert utc.get_text() == "September 11, 2026 11:59\u202fPM (UTC)"
