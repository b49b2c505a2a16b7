"""Writing output files: only when their bytes change.

An unchanged file keeps its modification time, so rsync, CDNs and
incremental deploys see only real changes.
"""

from __future__ import annotations

from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds it; True when it was written."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True
