"""The people registry an import builds: one entry per author, existing entries untouched.

Authors become registry ids; a registry the author already has is appended
to only when that provably keeps every entry as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ...text import file_slug
from ..base import relative
from .common import PersonInfo
from .kb import Destination
from .report import Report

# -- the people registry -------------------------------------------------------------------


class People:
    """Registry ids for author names: existing entries first, new ones slugified."""

    def __init__(self, existing: dict[str, Any], known: dict[str, PersonInfo]) -> None:
        self.existing = existing
        self.known = known
        self.by_name = {
            str(entry.get("name", "")).casefold(): ident
            for ident, entry in existing.items()
            if isinstance(entry, dict)
        }
        self.new: dict[str, PersonInfo] = {}
        self.reused: set[str] = set()

    def id_for(self, name: str) -> str:
        key = name.casefold()
        if name in self.existing:
            self.reused.add(name)
            return name
        if key in self.by_name:
            self.reused.add(self.by_name[key])
            return self.by_name[key]
        for ident, info in self.new.items():
            if info.name.casefold() == key:
                return ident
        base = file_slug(name) or "person"
        ident, number = base, 2
        while ident in self.existing or ident in self.new:
            ident = f"{base}-{number}"
            number += 1
        blog_says = next((i for i in self.known.values() if i.name.casefold() == key), None)
        self.new[ident] = blog_says or PersonInfo(name)
        return ident

    def entries(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for ident, info in self.new.items():
            entry: dict[str, Any] = {"name": info.name}
            if info.bio:
                entry["bio"] = " ".join(info.bio.split())
            if info.links:
                entry["links"] = dict(info.links)
            found[ident] = entry
        return found


_PEOPLE_HEAD = (
    "# People found by `sphinx-reflections import`. Add what the blog did not know:\n"
    "# role, organization, bio, avatar, handle (for @mentions) and links.\n"
)


def registry_location(kb: Destination) -> tuple[Path, str]:
    """Where the people registry is, and how conf.py names it ("file", "dict" or "unset").

    conf.py's path is relative to conf.py; a new registry goes beside the posts.
    """
    value = kb.conf.get("reflections_authors")
    if isinstance(value, str) and value.strip():
        return kb.root / value, "file"
    return kb.dest / "people.yml", "dict" if isinstance(value, dict) else "unset"


def _people_count(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def write_people(people: People, kb: Destination, report: Report) -> None:
    """Create the registry, or append the new people to it; never change an entry."""
    new = people.entries()
    path, how = registry_location(kb)
    report.registry_how = how
    report.people_added = sorted(new)
    report.people_known = sorted(people.reused)
    known = f" ({_people_count(len(people.reused))} already there)" if people.reused else ""
    if not new:
        report.registry_message = f"{relative(path)} unchanged: every author is already in it"
        return
    dumped = yaml.safe_dump(new, sort_keys=False, allow_unicode=True, width=1000)
    if how != "dict" and not path.exists():
        if not report.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_PEOPLE_HEAD + dumped, encoding="utf-8")
        report.created.append((path, report.source))
        report.registry = path
        report.registry_message = f"{relative(path)}: {_people_count(len(new))} added{known}"
        return
    if how != "dict" and path.suffix.lower() in (".yml", ".yaml"):
        text = path.read_text(encoding="utf-8")
        addition = ("\n" if text and not text.endswith("\n") else "") + (
            "\n# Added by `sphinx-reflections import`.\n" + dumped
        )
        try:
            before, after = yaml.safe_load(text) or {}, yaml.safe_load(text + addition)
        except (yaml.YAMLError, ValueError):
            before = after = None
        if isinstance(before, dict) and after == {**before, **new}:
            if not report.dry_run:
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(addition)
            report.registry = path
            report.registry_message = f"{relative(path)}: existing entries kept, {_people_count(len(new))} appended{known}"
            return
    side = path.with_name(path.stem + ".imported.yml")
    if side.exists():
        report.problem(side, 0, "exists; the new people were not written (nothing is overwritten)")
        return
    if not report.dry_run:
        side.write_text(_PEOPLE_HEAD + dumped, encoding="utf-8")
    report.created.append((side, report.source))
    report.registry = side
    where = "conf.py's reflections_authors dict" if how == "dict" else relative(path)
    report.registry_message = (
        f"{where} left untouched (it cannot be appended to safely); "
        f"{_people_count(len(new))} written to {relative(side)}: merge them by hand"
    )
