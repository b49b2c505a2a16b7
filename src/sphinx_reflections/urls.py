"""URLs and paths: what is remote, what is safe, where copied files go in the output.

Only http(s), mailto and paths inside the source directory are accepted;
one function answers "is this remote" for every caller (a local avatar named
``httpd.png`` is a file, not a URL).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

#: Output folders of files the extension copies (HTML builders only).
AVATAR_DIR = "_reflections/avatars"
IMAGE_DIR = "_reflections/images"

#: Control characters (a registry checks hundreds of URLs: one search, not a loop per letter)
_CONTROL = re.compile(r"[\x00-\x1f]")


def is_remote(url: str) -> bool:
    """True for http(s) URLs, which are linked, never copied."""
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def avatar_target(person_id: str, avatar: str) -> str:
    """Where a local avatar is copied to: one file per person, whatever it was called."""
    return f"{AVATAR_DIR}/{person_id}{Path(avatar).suffix.lower()}"


def image_target(image: str) -> str:
    """Where a reflection's local cover image is copied to (its source path kept)."""
    return f"{IMAGE_DIR}/{image}"


@functools.lru_cache(maxsize=64)
def _resolved(folder: str) -> str:
    """A folder resolved once per build (see :func:`forget_folders`): a registry checks
    hundreds of avatars in one."""
    return os.path.realpath(folder)


def _resolve_file(root: str, relative: str) -> str:
    """``(root / relative).resolve()``, its folder resolved once for all the files in it.

    A registry names hundreds of avatars in one folder; resolving each path in
    full looks at every folder above it again. A file that is itself a link, or
    a path through ``..``, is resolved in full. Strings, not :class:`~pathlib.Path`:
    a registry of 275 avatars took 16 ms with paths, most of a rebuild's
    registry loading.
    """
    full = os.path.join(root, relative)  # noqa: PTH118 (strings: see above)
    folder, name = os.path.split(full)
    if name in ("", ".", "..") or ".." in Path(relative).parts:
        return os.path.realpath(full)
    found = os.path.join(_resolved(folder), name)  # noqa: PTH118
    return os.path.realpath(found) if os.path.islink(found) else found  # noqa: PTH114


def forget_folders() -> None:
    """Resolve folders afresh: a folder may have become a link since the last build."""
    _resolved.cache_clear()


def safe_url(url: str, srcdir: Path | None, https_only: bool = False) -> str | None:
    """Why ``url`` is refused, or None when it is safe.

    With ``srcdir`` given the value may also be a path, which must exist and
    stay inside the source directory (avatars and images are copied).
    """
    text = url.strip()
    if not text:
        return "it is empty"
    if _CONTROL.search(text):
        return "it contains control characters"
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.netloc:
            return f"{text!r} has no host"
        if https_only and scheme != "https":
            return f"{text!r} is not https (use https:// or a file in the source directory)"
        return None
    if scheme == "mailto" and srcdir is None:
        return None
    if scheme or text.startswith("//"):
        accepted = (
            "https:// or a path in the source directory"
            if srcdir
            else "http(s)://, mailto: or a relative path"
        )
        return f"the URL scheme of {text!r} is not allowed; use {accepted}"
    if srcdir is None:
        if text.startswith("/") or ".." in Path(parts.path).parts:
            return f"{text!r} must be relative and stay inside the site"
        return None
    if Path(text).is_absolute() or text.startswith("\\"):
        return f"{text!r} is an absolute path; give a path relative to the source directory"
    root = _resolved(os.fspath(srcdir))
    target = _resolve_file(root, text)
    if target != root and not target.startswith(root.rstrip(os.sep) + os.sep):
        return f"{text!r} leaves the source directory"
    if not os.path.isfile(target):  # noqa: PTH113 (a string, as _resolve_file gives)
        return f"{text!r} does not exist in the source directory"
    return None
