"""Writing output files: only when their bytes change.

An unchanged file keeps its modification time, so rsync, CDNs and
incremental deploys see only real changes.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds it; True when it was written."""
    if not _clear_for(path, data):
        return False
    path.write_bytes(data)
    return True


def move_if_changed(scratch: Path, path: Path) -> bool:
    """Put ``scratch`` in the place of ``path`` unless ``path`` holds the same bytes.

    True when moved; otherwise ``scratch`` is left where it is (for the caller
    to use again or delete).
    """
    if not _clear_for(path, scratch.read_bytes()):
        return False
    scratch.rename(path)
    return True


def _clear_for(path: Path, data: bytes) -> bool:
    """Make way for new bytes at ``path``; False when it already holds them.

    A changed file is removed and written anew, not truncated: on ext4
    (Linux's usual file system) truncating a file and writing it again makes
    the kernel flush it at once, about 0.3 ms a file.
    """
    if path.is_file():
        if path.read_bytes() == data:
            return False
        path.unlink()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    return True


def is_copy(source: Path, dest: Path) -> bool:
    """Whether ``dest`` holds ``source``'s bytes (see :func:`copy_if_changed`)."""
    try:
        there = dest.stat()
    except FileNotFoundError:
        return False
    here = source.stat()
    return here.st_size == there.st_size and (
        here.st_mtime_ns == there.st_mtime_ns or source.read_bytes() == dest.read_bytes()
    )


def copy_if_changed(source: Path, dest: Path) -> bool:
    """Copy ``source`` over ``dest`` unless it holds the same bytes; True when copied.

    A copy keeps its source's modification time, so a copy of the same size and
    time is taken as the same file without reading either (as ``make`` would);
    any other is compared byte by byte. Sphinx's own ``copyfile`` refuses to
    replace a file whose bytes changed (and warns), which would keep an author's
    old avatar on the site after a new one was saved under the same name.
    """
    if is_copy(source, dest):
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    shutil.copystat(source, dest)
    return True


#: Names Windows reserves for devices, with any extension (``con.html`` too).
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in "123456789¹²³"}
    | {f"lpt{n}" for n in "123456789¹²³"}
)

#: Bytes a generated name may take, leaving room for the longest suffix the
#: extension adds (``.html``, ``.json``, a ``-2`` for a collision) within the
#: 255 bytes file systems allow for one path component.
STEM_BYTES = 200


def safe_stem(name: str) -> str:
    """``name`` as a file name every common file system takes, stable across builds.

    Names over :data:`STEM_BYTES` bytes are cut on a character boundary and
    get a hash of the whole name (two long names that share a beginning stay
    apart); names Windows reserves (``con``, ``nul``, ``com1``…) get ``-x``;
    a trailing dot or space, which Windows drops, becomes part of a safe name.
    """
    stem = name.rstrip(". ") or "x"
    if stem != name:
        stem = f"{stem}-{_digest(name)}"
    if stem.split(".")[0].casefold() in WINDOWS_RESERVED:
        stem = f"{stem}-x"
    if len(stem.encode("utf-8")) > STEM_BYTES:
        suffix = "-" + _digest(name)
        room = STEM_BYTES - len(suffix)
        cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip("-. ")
        stem = cut + suffix
    return stem


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
