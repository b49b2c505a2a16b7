"""Event callouts, pages and calendar files."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from reflections_testutil import soup, warnings_of

# every build here happens on 2025-01-01: which events are "upcoming" depends on it
pytestmark = pytest.mark.usefixtures("build_date")


@pytest.mark.sphinx("html", testroot="events")
def test_callout_facts(app) -> None:
    app.build()
    page = soup(app.outdir / "kb.html")
    box = page.select_one("aside.reflections-event")
    assert (
        box["aria-label"] == "Event: Kick-off, defined twice"
        or box["aria-label"] == "Event: Internal kick-off"
    )
    registry = soup(app.outdir / "reflections/tags/kontaktdagen2023.html").select_one(
        "aside.reflections-event"
    )
    title = registry.select_one(".reflections-event-title a")
    assert (title.get_text(), title["href"]) == (
        "Kontaktdagen 2023",
        "../events/kontaktdagen-2023.html",
    )
    when = registry.select_one(".reflections-event-when time")
    assert (when["datetime"], when.get_text()) == ("2023-05-24", "May 24\u2009–\u200925, 2023")
    assert registry.select_one(".reflections-upcoming") is None
    assert (
        registry.select_one(".reflections-event-location").get_text()
        == "Location: Stockholm, Sverige"
    )
    assert (
        "Exempelföreningen; för alla"
        in registry.select_one(".reflections-event-organizer").get_text()
    )
    assert (
        registry.select_one(".reflections-event-hashtag .reflections-hashtag").get_text()
        == "#Kontaktdagen2023"
    )
    links = {a.get_text(): a["href"] for a in registry.select(".reflections-event-links a")}
    assert links == {
        "Event website": "https://example.org/kontaktdagen",
        "Add to calendar": "../events/kontaktdagen-2023.ics",
        "All reflections about this event": "../events/kontaktdagen-2023.html",
    }


@pytest.mark.sphinx("html", testroot="events")
def test_upcoming_and_times(app) -> None:
    app.build()
    box = soup(app.outdir / "by-callout.html").select_one("aside.reflections-event")
    time = box.select_one("time")
    assert time["datetime"] == "2027-03-10T09:00:00+01:00"
    assert time.get_text() == "March 10, 2027 9:00\u202fAM–5:00\u202fPM (UTC+01:00)"
    assert box.select_one(".reflections-upcoming").get_text() == "Upcoming"


@pytest.mark.sphinx("html", testroot="events", confoverrides={"language": "sv"})
def test_swedish_dates(app) -> None:
    app.build()
    box = soup(app.outdir / "reflections/events/kontaktdagen-2023.html").select_one("aside")
    assert box.select_one("time").get_text() == "24–25 maj 2023"
    assert box.select_one(".reflections-event-location").get_text() == "Plats: Stockholm, Sverige"
    summit = soup(app.outdir / "by-callout.html").select_one("aside")
    assert summit.select_one("time").get_text() == "10 mars 2027 09:00–17:00 (UTC+01:00)"
    assert summit.select_one(".reflections-upcoming").get_text() == "Kommande"


@pytest.mark.sphinx("html", testroot="events")
def test_event_pages(app) -> None:
    app.build()
    page = soup(app.outdir / "reflections/events/kontaktdagen-2023.html")
    assert page.select_one("h1").get_text().rstrip("¶") == "Kontaktdagen 2023"
    # the callout on its own page does not link to itself
    assert page.select_one(".reflections-event-title a") is None
    titles = [a.get_text() for a in page.select(".reflections-entry-title a")]
    assert titles == ["By hashtag", "By metadata"]
    summit = soup(app.outdir / "reflections/events/summit-2027.html")
    assert [a.get_text() for a in summit.select(".reflections-entry-title a")] == ["By callout"]
    index = soup(app.outdir / "reflections/events/index.html")
    names = [s.get_text() for s in index.select(".reflections-event-title")]
    # upcoming first (soonest first), then past
    assert names[0].startswith("Kick-off") and names[1:] == [
        "Customer Summit 2027",
        "Kontaktdagen 2023",
    ]
    tag = soup(app.outdir / "reflections/tags/kontaktdagen2023.html")
    first = tag.select_one("h1").find_next_sibling()
    assert "reflections-subscribe" in first["class"]  # the tag's feed, then the callout
    callout = first.find_next_sibling()
    assert callout.name == "aside" and "reflections-event" in callout["class"]


@pytest.mark.sphinx("html", testroot="events", freshenv=True)
def test_roles_and_warnings(app) -> None:
    app.build()
    kb = soup(app.outdir / "kb.html")
    refs = {
        a.get_text(): a["href"]
        for a in kb.select("p > a")
        if a.select_one(".reflections-event-name")
    }
    assert refs == {
        "Kontaktdagen 2023": "reflections/events/kontaktdagen-2023.html",
        "Customer Summit 2027": "reflections/events/summit-2027.html",
    }
    found = warnings_of(app)
    assert any(
        w.endswith("[reflections.duplicate]") and "kickoff-2026" in w and "kb.md:3" in w
        for w in found
    )
    assert any(w.endswith("[reflections.unknown-event]") and "again.md:8" in w for w in found)
    assert len(found) == 2


@pytest.mark.sphinx("html", testroot="events")
def test_calendar_files(app) -> None:
    app.build()
    raw = (app.outdir / "reflections/events/kontaktdagen-2023.ics").read_bytes()
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    (event,) = cal.walk("VEVENT")
    assert event["UID"] == "kontaktdagen-2023@kb.example.com"
    assert event.decoded("DTSTART") == dt.date(2023, 5, 24)
    assert event.decoded("DTEND") == dt.date(2023, 5, 26)  # exclusive
    assert b"DTSTART;VALUE=DATE:20230524" in raw
    assert event.decoded("DTSTAMP") == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert str(event["SUMMARY"]) == "Kontaktdagen 2023"
    assert str(event["LOCATION"]) == "Stockholm, Sverige"
    assert b"LOCATION:Stockholm\\, Sverige" in raw
    description = str(event["DESCRIPTION"])
    assert "Exempelföreningen; för alla" in description
    assert "https://kb.example.com/reflections/events/kontaktdagen-2023.html" in description
    summit = icalendar.Calendar.from_ical(
        (app.outdir / "reflections/events/summit-2027.ics").read_bytes()
    )
    (event,) = summit.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2027, 3, 10, 8, 0, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2027, 3, 10, 16, 0, tzinfo=dt.UTC)
    every = icalendar.Calendar.from_ical((app.outdir / "reflections/events.ics").read_bytes())
    assert sorted(str(e["UID"]).split("@")[0] for e in every.walk("VEVENT")) == [
        "kickoff-2026",
        "kontaktdagen-2023",
        "summit-2027",
    ]


@pytest.mark.sphinx("text", testroot="events")
def test_text_callout(app) -> None:
    app.build()
    text = (app.outdir / "by-callout.txt").read_text()
    assert "Customer Summit 2027:" in text
    assert "March 10, 2027 9:00\u202fAM–5:00\u202fPM (UTC+01:00) Upcoming" in text
    assert "Location**: Göteborg" in text
    assert "Add to calendar" not in text
    kb = (app.outdir / "kb.txt").read_text()
    assert "Event website: https://example.org/kickoff" in kb


@pytest.mark.sphinx("latex", testroot="events")
def test_latex_callout(app) -> None:
    app.build()
    assert [w for w in warnings_of(app) if "duplicate" not in w and "unknown-event" not in w] == []
    tex = next(app.outdir.glob("*.tex")).read_text()
    assert (
        r"\begin{sphinxadmonition}{note}{Customer Summit 2027:}" in tex
        or "Customer Summit 2027" in tex
    )
    assert "Göteborg" in tex
