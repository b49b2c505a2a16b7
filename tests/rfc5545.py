"""A strict RFC 5545 check of calendar files, stricter than parsers are.

``icalendar`` (and every calendar app) accepts much that the standard does not:
bare line feeds, long lines, a comma left unescaped. :func:`problems` reads
the file the way the standard defines it and says what is wrong, one line
per problem, so a test can show them all.
"""

from __future__ import annotations

import re
from collections import Counter

#: Properties whose value is one TEXT (RFC 5545 3.3.11: ``\\``, ``;``, ``,`` and newlines escaped).
TEXT = frozenset(
    {"SUMMARY", "DESCRIPTION", "LOCATION", "TZNAME", "COMMENT", "X-WR-CALNAME", "NAME"}
)
#: Properties whose value is a URI.
URI = frozenset({"URL", "SOURCE", "CONFERENCE"})

_NAME = r"[A-Za-z0-9-]+"
_PARAM_VALUE = r'(?:"[^"\x00-\x08\x0a-\x1f\x7f]*"|[^";:,\x00-\x08\x0a-\x1f\x7f]*)'
_PARAM = rf"{_NAME}={_PARAM_VALUE}(?:,{_PARAM_VALUE})*"
CONTENT_LINE = re.compile(rf"^(?P<name>{_NAME})(?P<params>(?:;{_PARAM})*):(?P<value>.*)$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_UTC = re.compile(r"^\d{8}T\d{6}Z$")
_LOCAL = re.compile(r"^\d{8}T\d{6}$")
_DATE = re.compile(r"^\d{8}$")
_OFFSET = re.compile(r"^[+-]\d{4}(\d{2})?$")
_ESCAPES = re.compile(r"\\[\\;,nN]")


def unfold(raw: bytes) -> tuple[list[str], list[str]]:
    """(content lines, problems of the physical form: line ends, length, folding)."""
    found: list[str] = []
    if not raw.endswith(b"\r\n"):
        found.append("the file does not end with CRLF")
    if b"\n" in raw.replace(b"\r\n", b"") or b"\r" in raw.replace(b"\r\n", b""):
        found.append("a line ends with a bare LF or CR, not CRLF")
    lines: list[str] = []
    for number, physical in enumerate(raw.split(b"\r\n")[:-1], start=1):
        if len(physical) > 75:
            found.append(f"line {number} is {len(physical)} octets long (at most 75)")
        try:
            text = physical.decode("utf-8")
        except UnicodeDecodeError:
            found.append(f"line {number} is not UTF-8 on its own (a character split by folding)")
            text = physical.decode("utf-8", "replace")
        if text[:1] in (" ", "\t"):
            if not lines:
                found.append(f"line {number} continues nothing")
                continue
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines, found


def _params(text: str) -> dict[str, str]:
    out = {}
    for match in re.finditer(rf";({_NAME})=({_PARAM_VALUE}(?:,{_PARAM_VALUE})*)", text):
        out[match.group(1).upper()] = match.group(2).strip('"')
    return out


def _text_problem(value: str) -> str | None:
    rest = _ESCAPES.sub("", value)
    if "\\" in rest:
        return "a backslash that escapes nothing"
    if ";" in rest or "," in rest:
        return "an unescaped ';' or ','"
    return None


def problems(raw: bytes) -> list[str]:
    """Everything in this calendar file that RFC 5545 (and RFC 7986) do not allow."""
    lines, found = unfold(raw)
    stack: list[str] = []
    components: list[tuple[str, list[tuple[str, dict[str, str], str]]]] = []
    current: list[list[tuple[str, dict[str, str], str]]] = []
    for line in lines:
        match = CONTENT_LINE.match(line)
        if not match:
            found.append(f"not a content line: {line!r}")
            continue
        name = match["name"].upper()
        params = _params(match["params"])
        value = match["value"]
        if _CONTROL.search(value):
            found.append(f"{name}: a control character in the value")
        if name == "BEGIN":
            stack.append(value)
            current.append([])
            continue
        if name == "END":
            if not stack or stack[-1] != value:
                found.append(f"END:{value} does not close {stack[-1] if stack else 'anything'}")
                continue
            stack.pop()
            components.append((value, current.pop()))
            continue
        if not stack:
            found.append(f"{name} outside every component")
            continue
        current[-1].append((name, params, value))
        if name in TEXT and (problem := _text_problem(value)):
            found.append(f"{name}: {problem} in {value!r}")
        if name in URI and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
            found.append(f"{name}: {value!r} is not a URI")
    if stack:
        found.append(f"components left open: {stack}")
    if not lines or lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR":
        found.append("the file is not one VCALENDAR")
    allowed_parent = {
        "VEVENT": "VCALENDAR",
        "VTIMEZONE": "VCALENDAR",
        "STANDARD": "VTIMEZONE",
        "DAYLIGHT": "VTIMEZONE",
    }
    _nesting(lines, allowed_parent, found)
    zones_defined: list[str] = []
    zones_used: set[str] = set()
    uids: list[str] = []
    for kind, props in components:
        count = Counter(name for name, _p, _v in props)
        values = {name: (params, value) for name, params, value in props}
        if kind == "VCALENDAR":
            for required in ("PRODID", "VERSION"):
                if count[required] != 1:
                    found.append(f"VCALENDAR has {count[required]} {required} (exactly 1)")
            if values.get("VERSION", ({}, ""))[1] != "2.0":
                found.append("VERSION is not 2.0")
        elif kind == "VEVENT":
            for required in ("UID", "DTSTAMP", "DTSTART"):
                if count[required] != 1:
                    found.append(f"VEVENT has {count[required]} {required} (exactly 1)")
            for once in ("DTEND", "SUMMARY", "STATUS", "SEQUENCE", "LAST-MODIFIED", "URL"):
                if count[once] > 1:
                    found.append(f"VEVENT has {once} {count[once]} times")
            if "DTEND" in values and "DURATION" in values:
                found.append("VEVENT has both DTEND and DURATION")
            uids.append(values.get("UID", ({}, ""))[1])
            for stamp in ("DTSTAMP", "LAST-MODIFIED"):
                if stamp in values and not _UTC.match(values[stamp][1]):
                    found.append(f"{stamp} {values[stamp][1]!r} is not a UTC date-time")
            kinds = set()
            for key in ("DTSTART", "DTEND"):
                if key not in values:
                    continue
                params, value = values[key]
                if params.get("VALUE") == "DATE":
                    ok, kinds_ = _DATE.match(value), "date"
                elif "TZID" in params:
                    ok, kinds_ = _LOCAL.match(value), "local"
                    zones_used.add(params["TZID"])
                else:
                    ok, kinds_ = _UTC.match(value) or _LOCAL.match(value), "utc"
                kinds.add(kinds_ if kinds_ == "date" else "time")
                if not ok:
                    found.append(f"{key} {value!r} does not match its value type")
            if len(kinds) > 1:
                found.append("DTSTART and DTEND are not both dates or both date-times")
            dates = "DTEND" in values and "DTSTART" in values and kinds == {"date"}
            if dates and values["DTEND"][1] <= values["DTSTART"][1]:
                found.append("an all-day DTEND is not after DTSTART")
            status = values.get("STATUS", ({}, "CONFIRMED"))[1]
            if status not in ("TENTATIVE", "CONFIRMED", "CANCELLED"):
                found.append(f"STATUS {status!r} is not one a VEVENT may have")
            sequence = values.get("SEQUENCE", ({}, "0"))[1]
            if not sequence.isdigit():
                found.append(f"SEQUENCE {sequence!r} is not a non-negative integer")
        elif kind == "VTIMEZONE":
            if count["TZID"] != 1:
                found.append("VTIMEZONE without exactly one TZID")
            zones_defined.append(values.get("TZID", ({}, ""))[1])
        elif kind in ("STANDARD", "DAYLIGHT"):
            for required in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                if count[required] != 1:
                    found.append(f"{kind} has {count[required]} {required} (exactly 1)")
            if "DTSTART" in values and not _LOCAL.match(values["DTSTART"][1]):
                found.append(f"{kind} DTSTART {values['DTSTART'][1]!r} is not a local date-time")
            for key in ("TZOFFSETFROM", "TZOFFSETTO"):
                if key in values and not _OFFSET.match(values[key][1]):
                    found.append(f"{kind} {key} {values[key][1]!r} is not a UTC offset")
    if not any(kind == "VTIMEZONE" for kind, _ in components) and zones_used:
        found.append(f"TZID {sorted(zones_used)} used without a VTIMEZONE")
    for zone in sorted(zones_used - set(zones_defined)):
        found.append(f"TZID {zone!r} has no VTIMEZONE")
    for zone in sorted(set(zones_defined) - zones_used):
        found.append(f"VTIMEZONE {zone!r} is not used")
    if len(zones_defined) != len(set(zones_defined)):
        found.append("a VTIMEZONE is defined twice")
    if len(uids) != len(set(uids)):
        found.append("two VEVENTs share a UID")
    return found


def _nesting(lines: list[str], parents: dict[str, str], found: list[str]) -> None:
    stack: list[str] = []
    for line in lines:
        if line.startswith("BEGIN:"):
            name = line[6:]
            expected = parents.get(name)
            if expected and (not stack or stack[-1] != expected):
                found.append(f"{name} inside {stack[-1] if stack else 'nothing'}, not {expected}")
            stack.append(name)
        elif line.startswith("END:") and stack:
            stack.pop()
