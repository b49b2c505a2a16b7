"""The addresses a post had on the old site, worked out the way each engine does.

Links between posts and the redirect map both need them: a link written as
``/2020/02/18/forms/`` or ``https://18f.gsa.gov/2020/02/18/forms/`` names a
post only through its old address, and every old address needs a redirect
to the new page. Each engine builds addresses from a pattern with
placeholders (``/:year/:month/:day/:title/``); the values come from the post
and its file name, spelled the way that engine spells them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

# Jekyll's named permalink styles (https://jekyllrb.com/docs/permalinks/).
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def jekyll_slug(text: str, pretty: bool = False, cased: bool = False) -> str:
    """Jekyll's ``slugify``: ``default`` mode (``:slug``) or ``pretty`` mode (``:title``)."""
    keep = r"[^\w._~!$&'()+,;=@]+" if pretty else r"[^\w]+|_+"
    slug = re.sub(keep, "-", text)
    slug = re.sub(r"-{2,}", "-", slug).strip("-")
    return slug if cased else slug.lower()


def hugo_urlize(text: str) -> str:
    """Hugo's ``urlize``: spaces become hyphens, path-unsafe characters go, lower case."""
    text = unicodedata.normalize("NFC", text.strip()).replace(" ", "-")
    return "".join(c for c in text if c.isalnum() or c in "._-/#+~").lower()


def placeholders(date: dt.date | None, **values: str) -> dict[str, str]:
    """Every date placeholder of the three engines, plus the given values."""
    found: dict[str, str] = {"output_ext": ".html"}
    if date is not None:
        iso = date.isocalendar()
        found |= {
            "year": f"{date.year:04d}",
            "short_year": f"{date.year % 100:02d}",
            "month": f"{date.month:02d}",
            "i_month": str(date.month),
            "monthname": _MONTH_NAMES[date.month - 1],
            "short_month": _MONTH_NAMES[date.month - 1][:3],
            "day": f"{date.day:02d}",
            "i_day": str(date.day),
            "y_day": f"{date.timetuple().tm_yday:03d}",
            "week": f"{iso.week:02d}",
            "short_day": _DAY_NAMES[date.weekday()][:3],
            "weekday": str(iso.weekday % 7),
            "weekdayname": _DAY_NAMES[date.weekday()],
            "yearday": str(date.timetuple().tm_yday),
        }
    return found | values


_PLACEHOLDER = re.compile(r":([a-z_]+)")


def expand(pattern: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """The address a pattern gives, and the placeholders it could not fill.

    Names are matched longest first (``:short_year`` before ``:year``), and
    empty values leave no double slash behind (``/:categories/`` without
    categories), as every engine does.
    """
    unknown: list[str] = []
    names = sorted(values, key=len, reverse=True)

    def fill(match: re.Match[str]) -> str:
        word = match[1]
        for name in names:
            if word.startswith(name):
                return values[name] + word[len(name) :]
        unknown.append(word)
        return match[0]

    url = _PLACEHOLDER.sub(fill, pattern)
    url = re.sub(r"/{2,}", "/", "/" + url.lstrip("/"))
    return url, unknown


def url_path(url: str, base_path: str = "") -> str | None:
    """The path of an address on the old site, relative to the site's own folder.

    ``None`` when the address is outside the site's folder. Percent escapes
    are decoded, so ``/a%20b/`` and ``/a b/`` are one address.
    """
    path = unquote(urlsplit(url).path) or "/"
    base = base_path.rstrip("/")
    if base:
        if path == base:
            return "/"
        if not path.startswith(base + "/"):
            return None
        path = path[len(base) :]
    return path if path.startswith("/") else "/" + path


def key(path: str) -> str:
    """One spelling for the ways a server serves a page: ``/a/``, ``/a``, ``/a/index.html``, ``/a.html``."""
    path = re.sub(r"/index\.html?$", "/", path)
    path = re.sub(r"\.html?$", "", path)
    return path.rstrip("/") or "/"


def redirect_source(path: str) -> str:
    """The page a redirect extension writes for an old address (a docname, no suffix).

    ``/2020/02/18/forms/`` is served from ``2020/02/18/forms/index.html``;
    ``/posts/x.html`` and ``/rust-governance`` from ``posts/x.html`` and
    ``rust-governance.html`` (static hosts serve the second without its
    suffix).
    """
    path = path.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index"
    return re.sub(r"\.html?$", "", path)
