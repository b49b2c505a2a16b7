"""``python -m sphinx_reflections``: the same command as ``sphinx-reflections``.

Useful where the console script is not on PATH (a venv not activated, CI).
"""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
