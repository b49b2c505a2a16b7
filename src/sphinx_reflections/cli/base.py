"""What every command shares: its name, the exit codes, how it fails, how it shows paths.

These sit below the command modules so that each command and the package's
``main`` use the same two exceptions without importing one another.
"""

from __future__ import annotations

import os
from pathlib import Path

PROG = "sphinx-reflections"
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line asks for something impossible (exit 2)."""


class Problem(Exception):
    """The project or its content is not right (exit 1)."""


def relative(path: str | Path) -> str:
    """A path as the user would type it from where they are."""
    if not path:
        return ""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def plural(count: int, word: str) -> str:
    """``1 problem``, ``2 problems``: counts in messages read as English."""
    return f"{count} {word}{'' if count == 1 else 's'}"
