"""Which pages to read again when a registry changes, and only those.

Pages do not depend on the registry files as a whole: when one person's role
changes, that person's pieces and the pages that show or mention them are
read again, not the whole site. The registries' entries are fingerprinted at
the end of every read, and compared at the start of the next build.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from .config import output_settings
from .dates import build_date
from .domain import ReflectionsDomain, get_domain
from .text import tag_key

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def _print(value: Any) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()


def registry_prints(domain: ReflectionsDomain) -> dict[str, str]:
    """A fingerprint per registry entry, and one of all handles together.

    Asked when a build starts reading and twice after it; made once per
    loaded registry (the domain gets new tables each build, see
    ``load_registries``).
    """
    tables = (domain.people, domain.events, domain.tag_registry)
    memo = domain.__dict__.get("_registry_prints")
    if memo is None or any(a is not b for a, b in zip(memo[0], tables, strict=True)):
        memo = (tables, _registry_prints(domain))
        domain.__dict__["_registry_prints"] = memo
    return dict(memo[1])


def _registry_prints(domain: ReflectionsDomain) -> dict[str, str]:
    prints = {f"authors:{i}": _print(p) for i, p in domain.people.items()}
    # all a mention shows of its person: the name (its index entry) and that the person exists
    prints |= {f"named:{i}": _print(p.name) for i, p in domain.people.items()}
    prints |= {f"events:{i}": _print(e) for i, e in domain.events.items()}
    prints |= {f"tags:{i}": _print(t) for i, t in domain.tag_registry.items()}
    prints["handles"] = _print(sorted(domain.handles().items()))
    return prints


def _tag_keys(domain: ReflectionsDomain) -> dict[str, list[str]]:
    return {
        i: sorted({tag_key(t.name), *(tag_key(a) for a in t.aliases)})
        for i, t in domain.tag_registry.items()
    }


def begin_read(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated`` (first): a build starts; note whether it removes a page."""
    get_domain(env).begin_read(removed)
    return []


def note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: note whether this build reads any page (see ``quiet``)."""
    get_domain(env).note_reading(docnames)


def registries_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: the pages to read again because a registry entry they name changed.

    Pages do not depend on the registry files as a whole: a new role for one
    person re-reads the pages that show a card of them, not the whole site,
    nor the pages that only mention them (a mention shows the name, so a new
    name re-reads those too), nor their own pieces, whose bylines are made
    when they are written (they are written again, see ``listings.shown``). A
    changed handle may turn text anywhere into a mention, so it re-reads
    every page.
    """
    domain = get_domain(env)
    before: dict[str, str] = domain.data["registry_prints"]
    if not before:
        return []
    now = registry_prints(domain)
    differ = {k for k in before.keys() | now.keys() if before.get(k) != now.get(k)}
    if not differ:
        return []
    if "handles" in differ:
        return sorted(env.found_docs)
    people = {k.partition(":")[2] for k in differ if k.startswith("authors:")}
    # a piece's byline is made when its page is written, and what it shows of its authors
    # is among what its page shows (listings.shown): a changed entry writes it again; an
    # author added to or gone from the registry is read again (the piece warns of them)
    come_or_gone = {i for i in people if f"authors:{i}" not in before or f"authors:{i}" not in now}
    named = {k.partition(":")[2] for k in differ if k.startswith("named:")}
    events = {k.partition(":")[2] for k in differ if k.startswith("events:")}
    old_keys: dict[str, list[str]] = domain.data["registry_tag_keys"]
    new_keys = _tag_keys(domain)
    tags: set[str] = set()
    for name in differ:
        if name.startswith("tags:"):
            ident = name.partition(":")[2]
            tags |= {*old_keys.get(ident, ()), *new_keys.get(ident, ())}
    found = set()
    for docname in env.found_docs:
        reflection = domain.reflections.get(docname)
        if (
            domain.people_shown(docname, mentions=False, authors=False) & people
            or (reflection is not None and set(reflection.authors) & come_or_gone)
            or set(domain.mentions.get(docname, ())) & named
            or domain.events_shown(docname) & events
            or tags & set(domain.tags.get(docname, {}))
        ):
            found.add(docname)
    return sorted(found)


def settle(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated`` (first): do the tables worked out after reading need working out?

    Not when this build read and removed nothing and the registries, the
    options, the builder and the day are the last build's (the day decides
    which events a listing shows as still to come).
    """
    domain = get_domain(env)
    key = _print(
        (
            app.builder.name,
            output_settings(app),
            sorted(registry_prints(domain).items()),
            build_date().isoformat(),
        )
    )
    domain.settle(key)


def remember_registries(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: what the registries held in this build, to compare with the next."""
    domain = get_domain(env)
    domain.data["registry_prints"] = registry_prints(domain)
    domain.data["registry_tag_keys"] = _tag_keys(domain)
