"""Listings of reflections: the ``reflections`` directive and the entries it shows.

An entry (linked title, byline, summary) is the same on every page that
lists a reflection: in a document's listing, the archive, and the tag,
author and event pages. Listings are filled in once every document is read
(see :mod:`.resolve`); a page whose listing would change is read again.
"""

from __future__ import annotations

import dataclasses as dc
import hashlib
import heapq
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from . import nodes as rnodes
from .authors import LISTED_TAGS, build_byline
from .config import get_config
from .dates import build_date
from .domain import ReflectionsDomain, get_domain
from .events import select_events
from .hashtags import linkify
from .i18n import Lang, _, html_code, lang_of
from .records import Reflection, series_key
from .registry import Person, registry_name, unknown_id
from .text import tag_key
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Makes (or reuses) the entry of one reflection on one page.
EntryMaker = Callable[[Reflection], nodes.Element]


def shown_title(domain: ReflectionsDomain, reflection: Reflection) -> str:
    """A reflection's title as navigation shows it."""
    title_node = domain.env.titles.get(reflection.docname)
    return title_node.astext() if title_node else reflection.title


def entry(
    reflection: Reflection, domain: ReflectionsDomain, summaries: bool = True
) -> rnodes.reflections_entry:
    """One listed reflection: linked title, byline, summary.

    Built afresh for every page that lists it: copying a built entry costs
    more than building it (docutils copies node by node).
    """
    item = rnodes.reflections_entry(classes=["reflections-entry"])
    lang = lang_of(domain.env.config, reflection.language)
    if not lang.project:  # the byline below speaks the piece's language
        item["lang"] = lang.code
    heading = nodes.paragraph(classes=["reflections-entry-title"])
    title_node = domain.env.titles.get(reflection.docname)
    title = title_node.astext() if title_node else reflection.title  # as navigation shows it
    xref = rnodes.xref("doc", "/" + reflection.docname, title, [], domain="std")
    strong = nodes.strong()
    strong += xref
    heading += strong
    item += heading
    item += build_byline(reflection, domain.env, max_tags=LISTED_TAGS)
    if reflection.summary and summaries:
        cfg = get_config(domain.env)
        # an excerpt (the paragraphs before "more") keeps its paragraphs
        for text in reflection.excerpt or (reflection.summary,):
            summary = nodes.paragraph("", "", nodes.Text(text), classes=["reflections-summary"])
            linkify(summary, domain.env, None, cfg.hashtag_autolink, cfg.mention_autolink)
            item += summary
    return item


def entry_inputs(domain: ReflectionsDomain, reflection: Reflection) -> Any:
    """What an entry shows: the reflection, its title, its authors, where its tags link."""
    people = domain.people
    tags = []
    for tag in reflection.tags:
        info = domain.tag_info(tag_key(tag))
        tags.append((tag, info.slug if info else None))
    title = domain.env.titles.get(reflection.docname)
    return (
        # no listing shows the word count (its reading time, rounded, is in the record):
        # without it, a sentence added to a piece renders no page that lists it again
        dc.replace(reflection, words=0),
        title.astext() if title else reflection.title,
        # as a byline's compact card shows each author: a new bio or link renders no listing
        [_card_inputs(domain, people.get(a)) for a in reflection.authors],
        tags,
    )


def _card_inputs(domain: ReflectionsDomain, person: Person | None) -> Any:
    """What a compact card shows: the name linking to the person's page, the role, the avatar."""
    if person is None:
        return None
    return (
        person.id,
        person.name,
        person.role,
        person.avatar,
        domain.page_of("authors", person.id),
    )


def reflection_list(
    reflections: list[Reflection],
    domain: ReflectionsDomain,
    summaries: bool = True,
    empty: str = "",
    make_entry: EntryMaker | None = None,
) -> nodes.Element:
    """A list of entries, or a short sentence when there are none.

    ``make_entry`` (generated pages) may return an entry kept from the last build.
    """
    if not reflections:
        text = empty or _("No reflections yet.")
        return nodes.paragraph(text, text, classes=["reflections-empty"])
    listing = nodes.bullet_list(classes=["reflections-list"])
    for reflection in reflections:
        item = nodes.list_item()
        item += make_entry(reflection) if make_entry else entry(reflection, domain, summaries)
        listing += item
    return listing


def reflection_grid(
    reflections: list[Reflection], domain: ReflectionsDomain, summaries: bool = True
) -> nodes.Element:
    """Entries as sphinx-design cards in a responsive grid (one column on phones)."""
    if not reflections:
        return reflection_list([], domain)
    grid = nodes.container(
        classes=[
            "sd-container-fluid",
            "sd-sphinx-override",
            "sd-mb-4",
            "reflections-list",
            "reflections-grid",
        ]
    )
    row = nodes.container(
        classes=[
            "sd-row",
            "sd-row-cols-1",
            "sd-row-cols-xs-1",
            "sd-row-cols-sm-2",
            "sd-row-cols-md-2",
            "sd-row-cols-lg-3",
            "sd-g-3",
        ]
    )
    grid += row
    for reflection in reflections:
        col = nodes.container(classes=["sd-col", "sd-d-flex-row"])
        item = entry(reflection, domain, summaries)
        item["classes"] += ["sd-card", "sd-sphinx-override", "sd-w-100", "sd-shadow-sm"]
        body = nodes.container(classes=["sd-card-body"])
        body += item.children
        item.children = []
        item += body
        col += item
        row += col
    return grid


def _names(value: str) -> list[str]:
    return [v.strip().lstrip("#") for v in value.split(",") if v.strip().lstrip("#")]


class ReflectionsDirective(SphinxDirective):
    """List reflections, newest first, with title, byline and summary.

    Filters combine with AND; several values in one filter match any of them.
    """

    option_spec: ClassVar[dict[str, Any]] = {
        "author": directives.unchanged_required,
        "tag": directives.unchanged_required,
        "event": directives.unchanged_required,
        "category": directives.unchanged_required,
        "limit": directives.nonnegative_int,
        "layout": lambda v: directives.choice(v, ("list", "grid")),
        "show-summary": lambda v: directives.choice(v or "yes", ("yes", "no")),
        "language": directives.unchanged_required,
        "translations": lambda v: directives.choice(v, ("one", "all")),
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        domain = get_domain(self.env)
        spec: dict[str, Any] = {
            "author": _names(self.options.get("author", "")),
            "tag": [tag_key(t) for t in _names(self.options.get("tag", ""))],
            "event": _names(self.options.get("event", "")),
            "category": _names(self.options.get("category", "")),
            "limit": self.options.get("limit", 0),
            "layout": self.options.get("layout", "list"),
            "summary": self.options.get("show-summary", "yes") == "yes",
            "language": [html_code(c) for c in _names(self.options.get("language", ""))],
            "translations": self.options.get("translations", ""),
        }
        for person in spec["author"]:
            domain.note_use("authors", person)
            if person not in domain.people:
                warn(
                    ReflectionsWarning.UNKNOWN_AUTHOR,
                    "reflections: "
                    + unknown_id(
                        "author",
                        person,
                        domain.people,
                        registry_name(get_config(self.env).authors, "reflections_authors"),
                    ),
                    self.get_location(),
                )
        for ident in spec["event"]:
            domain.add_event_ref(self.env.docname, ident, self.lineno)
        domain.add_dynamic(self.env.docname, spec)
        node = rnodes.reflections_listing(spec=spec, classes=self.options.get("class", []))
        self.set_source_info(node)
        return [node]


def shown(domain: ReflectionsDomain, docname: str, entries: dict[str, str] | None = None) -> str:
    """A fingerprint of everything the clouds and listings of one page show.

    For a reflection also its authors' registry entries: its byline is made
    when the page is written, so a new role writes the piece again instead of
    reading it.

    ``entries`` keeps what each reflection's entry shows across pages (a piece
    is in several related lists).
    """
    parts = []
    memo: dict[str, str] = {} if entries is None else entries

    def inputs(reflection: Reflection) -> str:
        if reflection.docname not in memo:
            memo[reflection.docname] = repr(entry_inputs(domain, reflection))
        return memo[reflection.docname]

    own = domain.reflections.get(docname)
    if own is not None:  # its byline (and metadata) show its authors' entries
        parts.append(repr([domain.people.get(a) for a in own.authors]))
    for spec in domain.dynamic.get(docname, []):
        if "related" in spec:
            parts.append(repr([inputs(r) for r in related_to(domain, docname)]))
        elif "series" in spec:
            parts.append(repr(series_inputs(domain, docname)))
        elif "cloud" in spec:
            parts.append(repr(sorted(domain.tag_table.items())))
        elif "versions" in spec:  # a piece's other languages
            versions = domain.translations(spec["versions"])
            parts.append(repr([(r.docname, r.language, r.draft) for r in versions]))
        elif "events" in spec:  # which events are upcoming depends on the day
            shown_events = select_events(domain, spec, build_date())
            parts.append(repr([e.record() for e in shown_events]))
        else:
            listed = [r for r in domain.select(spec) if r.docname != docname]
            parts.append(repr([entry_inputs(domain, r) for r in listed]))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def outdated_listings(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages whose clouds or listings would now show something else.

    Sphinx writes them again although their sources did not change.
    """
    domain = get_domain(env)
    if domain.settled:  # nothing read, nothing they show changed: they show the same
        return []
    entries: dict[str, str] = {}
    pages = sorted(domain.dynamic.keys() | domain.reflections.keys())
    return domain.update_shown({d: shown(domain, d, entries) for d in pages})


# -- related reflections ---------------------------------------------------------------

#: What one shared trait adds to the score of two reflections. A shared tag adds
#: 1 / log2(n + 1), n being how many reflections have it: 1 for a tag on one
#: piece (a draft's), 0.5 on three, 0.25 on fifteen, 0.1 on a thousand.
SAME_SERIES = 2.0
SAME_EVENT = 1.0
SAME_AUTHOR = 0.25


def tag_weight(pieces: int) -> float:
    """Rarer tags weigh more: a tag on many pieces says little about any two of them."""
    return 1 / math.log2(pieces + 1)


def _traits(domain: ReflectionsDomain, reflection: Reflection) -> tuple[str, ...]:
    """What makes two reflections related: tags (by identity), events, series, authors."""
    tags = set()
    for tag in reflection.tags:
        info = domain.tag_info(tag_key(tag))
        tags.add("tag:" + (info.key if info else tag_key(tag)))
    events = {reflection.event, *domain.callouts.get(reflection.docname, ())} - {""}
    series = series_key(reflection.series)
    return tuple(
        sorted(
            [
                *tags,
                *(f"event:{e}" for e in events),
                *([f"series:{series}"] if series else []),
                *(f"author:{a}" for a in reflection.authors),
            ]
        )
    )


def related_lists(
    domain: ReflectionsDomain,
    limit: int,
    traits: dict[str, tuple[str, ...]],
    prune: bool = True,
) -> dict[str, tuple[str, ...]]:
    """Every reflection's ``limit`` most related published reflections, best first.

    Scores add up per shared trait (see :data:`SAME_SERIES` and
    :func:`tag_weight`); equal scores go newest first, then by docname, and
    a reflection with nothing in common is never listed.

    Scores are gathered from an inverted index (each trait to the pieces that
    have it), heaviest trait first. Once the ``limit``-th best score so far is
    more than all the remaining traits could add up to, no piece not yet seen
    can enter the list, so the long lists of common tags and prolific authors
    are not walked: only the pieces already seen are checked for the rest
    (``prune=False`` walks everything, for the tests). The result is the same.
    """
    published = sorted(
        (r for r in domain.reflections.values() if not r.draft), key=lambda r: r.sort_key
    )
    rank = {r.docname: i for i, r in enumerate(published)}  # newest first
    having: dict[str, list[str]] = {}
    for reflection in published:
        for trait in traits[reflection.docname]:
            having.setdefault(trait, []).append(reflection.docname)
    fixed = {"series": SAME_SERIES, "event": SAME_EVENT, "author": SAME_AUTHOR}
    weights = {
        trait: tag_weight(len(docs)) if trait.startswith("tag:") else fixed[trait.split(":")[0]]
        for trait, docs in having.items()
    }
    members = {trait: frozenset(docs) for trait, docs in having.items()}
    found: dict[str, tuple[str, ...]] = {}
    for docname in sorted(domain.reflections):
        order = sorted((t for t in traits[docname] if t in weights), key=lambda t: (-weights[t], t))
        left = [0.0] * (len(order) + 1)  # what traits i, i+1, … can still add
        for i in range(len(order) - 1, -1, -1):
            left[i] = left[i + 1] + weights[order[i]]
        scores: dict[str, float] = {}
        for i, trait in enumerate(order):
            if prune and len(scores) >= limit:
                kth = heapq.nlargest(limit, scores.values())[-1]
                if kth > left[i] + 1e-9:  # nobody unseen can catch up
                    # nor can anyone seen who is further behind than the rest adds up to
                    seen = {d for d, score in scores.items() if score + left[i] + 1e-9 >= kth}
                    for rest in order[i:]:  # in the same order as above: the same sums
                        weight = weights[rest]
                        for other in seen & members[rest]:
                            scores[other] += weight
                    scores = {d: scores[d] for d in seen}
                    break
            weight = weights[trait]
            for other in having[trait]:
                if other != docname:
                    scores[other] = scores.get(other, 0.0) + weight
        found[docname] = _best(scores, limit, rank)
    return found


def _best(scores: dict[str, float], limit: int, rank: dict[str, int]) -> tuple[str, ...]:
    """The ``limit`` best-scored docnames; equal scores (to nine decimals) newest first."""
    if len(scores) > limit:  # only those that can be among the best are sorted
        kth = heapq.nlargest(limit, scores.values())[-1]
        scores = {d: score for d, score in scores.items() if score >= kth - 1e-6}
    ranked = sorted(scores, key=lambda d: (-round(scores[d], 9), rank[d]))
    return tuple(ranked[:limit])


def update_related(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: work out every reflection's related reflections, when their inputs changed.

    Kept in the domain; the pages whose list changed are then written again by
    :func:`outdated_listings`, like any listing.
    """
    domain = get_domain(env)
    limit = get_config(env).related
    traits = {d: _traits(domain, r) for d, r in sorted(domain.reflections.items())}
    drafts = sorted(d for d, r in domain.reflections.items() if r.draft)
    dates = [(d, r.date.toordinal()) for d, r in sorted(domain.reflections.items())]
    print_ = hashlib.sha256(repr((limit, traits, drafts, dates)).encode("utf-8")).hexdigest()
    if print_ == domain.related_print:
        return
    lists = related_lists(domain, limit, traits) if limit else {}
    domain.set_related(lists, print_)


def related_to(domain: ReflectionsDomain, docname: str) -> list[Reflection]:
    """The reflections listed under a piece, best first."""
    return [domain.reflections[d] for d in domain.related(docname) if d in domain.reflections]


def related_block(
    domain: ReflectionsDomain,
    listed: list[Reflection],
    lang: Lang,
    make_entry: EntryMaker | None = None,
) -> nodes.Element:
    """``nav.reflections-related``: a heading (in the piece's language) and the entries.

    ``make_entry`` (pages a site is made of) gives each entry as the HTML
    rendered once per build for every page that lists it.
    """
    block = rnodes.reflections_element(
        tag="nav",
        attrs={"aria-labelledby": "reflections-related-title"},
        # other pieces' titles and summaries: a search finds the piece that says it
        classes=["reflections-related", "no-search"],
    )
    title = lang("Related reflections")
    block += rnodes.reflections_inline(
        title,
        title,
        tag="h2",
        attrs={},
        ids=["reflections-related-title"],
        classes=["reflections-related-title"],
    )
    listing = reflection_list(listed, domain, make_entry=make_entry)
    listing["classes"].append("reflections-related-list")
    block += listing
    return block


# -- series ---------------------------------------------------------------------------------


def series_inputs(domain: ReflectionsDomain, docname: str) -> Any:
    """What a piece's series line shows: the series, its page, and every part's title."""
    found = domain.series_parts(docname)
    if found is None:
        return None
    info, parts = found
    titles = [(d, shown_title(domain, domain.reflections[d])) for d in parts]
    return (info.name, domain.series_page(info.key), titles)


def series_line(
    domain: ReflectionsDomain, docname: str, links: Callable[[str], str] | None
) -> nodes.Element | None:
    """*Part 2 of 3 in the series …* and the previous and next parts.

    ``links`` gives the URI of another part from this page; without it (PDF,
    text) only the sentence is kept.
    """
    found = domain.series_parts(docname)
    if found is None:
        return None
    info, parts = found
    number = parts.index(docname) + 1
    lang = lang_of(domain.env.config, domain.reflections[docname].language)  # the piece's
    block = rnodes.reflections_element(
        tag="nav",
        attrs={"aria-label": lang("Series: %s") % info.name},
        classes=["reflections-series"],
    )
    where = nodes.paragraph(classes=["reflections-series-position"])
    where += nodes.Text(
        lang("Part %(part)d of %(parts)d in the series") % {"part": number, "parts": len(parts)}
        + " "
    )
    where += rnodes.xref("series", info.key, info.name, ["reflections-series-name"])
    block += where
    if links is None:
        return block
    steps = nodes.paragraph(classes=["reflections-series-steps"])
    neighbours = [
        (number - 2, "prev", lang("Previous: %s"), "←\u00a0", ""),
        (number, "next", lang("Next: %s"), "", "\u00a0→"),
    ]
    for index, rel, label, before, after in neighbours:
        if not 0 <= index < len(parts):
            continue
        other = domain.reflections[parts[index]]
        text = label % shown_title(domain, other)
        link = rnodes.reflections_inline(
            "",
            "",
            tag="a",
            attrs={"href": links(other.docname), "rel": rel},
            classes=[f"reflections-series-{rel}"],
        )
        if before:
            link += rnodes.reflections_inline(
                before, before, tag="span", attrs={"aria-hidden": "true"}
            )
        link += nodes.Text(text)
        if after:
            link += rnodes.reflections_inline(
                after, after, tag="span", attrs={"aria-hidden": "true"}
            )
        if steps.children:
            steps += nodes.inline(" · ", " · ", classes=["reflections-sep"])
        steps += link
    if steps.children:
        block += steps
    return block


def register(app: Sphinx) -> None:
    """The ``reflections`` directive."""
    app.add_directive("reflections", ReflectionsDirective)
