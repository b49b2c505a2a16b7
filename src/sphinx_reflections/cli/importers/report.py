"""What an import did and found, for the author to read.

Nothing the importers cannot carry over may disappear silently: every such
thing becomes a ``Note`` with its file and line, and the summary counts them.
"""

from __future__ import annotations

import dataclasses as dc
from collections import Counter
from pathlib import Path

from ..base import PROG, plural, relative

# -- the report ----------------------------------------------------------------------------


@dc.dataclass(frozen=True)
class Note:
    """One problem the author should look at, where it is in the source."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{relative(self.path)}:{self.line}" if self.line else relative(self.path)
        return f"{where}: {self.message}"


@dc.dataclass
class Report:
    """Everything an import did and found; the CLI prints it."""

    source: Path
    dest: Path
    dry_run: bool = False
    notes: list[Note] = dc.field(default_factory=list)
    created: list[tuple[Path, Path]] = dc.field(default_factory=list)  # (written, from)
    formats: Counter[str] = dc.field(default_factory=Counter)
    stripped: int = 0
    dropped: Counter[str] = dc.field(default_factory=Counter)
    people_added: list[str] = dc.field(default_factory=list)
    people_known: list[str] = dc.field(default_factory=list)
    registry: Path | None = None
    registry_how: str = ""  # how conf.py names the registry: "file", "dict" or "unset"
    registry_message: str = ""
    found: int = 0  # posts found, written or not
    not_imported: int = 0  # posts found and reported, never written (notebooks without myst-nb)
    links_rewritten: int = 0  # links between posts (and to old author pages) now internal
    to_old_site: int = 0  # links to pages that were not imported, now absolute
    unresolved: int = 0  # links to the old site that lead nowhere (no address known)
    anchors: int = 0  # links to headings (they need myst_heading_anchors)
    site: str = ""  # the old site's address, and where it came from
    redirects: Path | None = None
    redirect_count: int = 0
    redirect_message: str = ""
    excluded: list[str] = dc.field(default_factory=list)  # copied files that are no pages
    conf_lines: list[str] = dc.field(default_factory=list)
    conf_file: str = ""  # where those lines go, as shown

    def problem(self, path: Path, line: int, message: str) -> None:
        self.notes.append(Note(path, line, message))

    @property
    def has_problems(self) -> bool:
        return bool(self.notes) or not self.found

    def lines(self) -> list[str]:
        verb = "would create" if self.dry_run else "created"
        created = [f"{verb} {relative(path)}" for path, _ in self.created]
        notes = sorted(self.notes, key=lambda n: (str(n.path), n.line, n.message))
        advice = []
        if self.conf_lines:
            advice = ["", f"Add to {self.conf_file} (paths are relative to it):"]
            advice += [f"    {line}" for line in self.conf_lines]
        return created + [str(n) for n in notes] + advice

    def summary(self) -> str:
        posts = sum(self.formats.values())
        verb = "would import" if self.dry_run else "imported"
        if not self.found:
            return f"{PROG} import: no posts found in {relative(self.source)}" + (
                f"; {plural(len(self.notes), 'problem')} above" if self.notes else ""
            )
        kinds = ", ".join(
            plural(n, k) if k == "notebook" else f"{n} {k}" for k, n in sorted(self.formats.items())
        )
        count = f"{posts} of {self.found}" if posts != self.found else str(posts)
        parts = [
            f"{PROG} import: {verb} {count} post{'s' * (self.found != 1)}"
            + (f" ({kinds})" if kinds else "")
            + f" from {relative(self.source)} into {relative(self.dest)}"
        ]
        if self.registry_message:
            parts.append(self.registry_message)
        if self.redirect_message:
            parts.append(self.redirect_message)
        if self.links_rewritten:
            parts.append(f"{plural(self.links_rewritten, 'link')} to imported pages")
        if self.to_old_site:
            parts.append(f"{plural(self.to_old_site, 'link')} to the old site ({self.site})")
        others = len(self.notes) - self.stripped
        if self.stripped:
            parts.append(f"{self.stripped} template tag{'s' * (self.stripped != 1)} stripped")
        if others:
            parts.append(f"{others} other problem{'s' * (others != 1)}")
        if self.notes:
            parts.append("each is listed above")
        text = "; ".join(parts) + "."
        if self.dropped:
            text += " Not carried over: " + ", ".join(
                f"{key} ({count})" for key, count in sorted(self.dropped.items())
            )
            text += "."
        return text
