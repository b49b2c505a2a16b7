"""What the generated site consists of, and keeping the output folder and labels in step.

After reading (``env-updated``) the names of every generated page and file
are worked out and remembered in the domain: what an earlier build generated
for a tag, person or event that is gone is deleted, and ``{ref}`` labels of
generated pages are registered. ``rewrite_missing_pages`` brings back a page
deleted from the output by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes

from ..compat import (
    add_toctree_pages,
    drop_empty_search_terms,
    keep_search_index_entries,
    note_loaded_search_index,
    remove_toctree_pages,
    set_std_labels,
)
from ..config import get_config
from ..domain import ReflectionsDomain, get_domain, page_builder
from ..i18n import _
from ..text import tag_key
from . import cache
from .calendars import tag_calendars

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def plan_outputs(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: name this build's outputs, note the stale ones, register labels."""
    domain = get_domain(env)
    domain.env_token()  # before Sphinx pickles the environment
    domain.start_build()
    if domain.settled:  # the last build's outputs and labels; nothing of them is stale
        domain.set_outputs(*domain.outputs)
        return
    pages, files = output_names(app, domain)
    domain.set_outputs(pages, files)
    register_labels(env, domain, std_too=page_builder(app.builder))


def output_names(app: Sphinx, domain: ReflectionsDomain) -> tuple[set[str], set[str]]:
    """Pagenames and other files (feeds, calendars) this build generates.

    Remembered in the environment, so pages of a tag, person or event that is
    gone are deleted instead of lingering in the output.
    """
    events = domain.all_events()
    pages = {domain.index_of(""), domain.index_of("tags"), domain.index_of("events")}
    pages |= {domain.page_of("authors", i) for i in domain.people}
    pages |= {domain.page_of("events", i) for i in events}
    pages |= {domain.page_of("tags", t.slug) for t in domain.tag_table.values()}
    for info in domain.tag_table.values():
        pages |= {p for p in map(domain.alias_page, info.aliases) if p}
    series = {domain.series_page(key) for key in domain.series_table}
    pages |= series
    for pagename, _kind, _ident, listed in domain.listing_pages():
        pages |= {
            domain.later_page(pagename, n) for n in range(2, domain.page_count(len(listed)) + 1)
        }
    files = {domain.page_of("events", i) + ".ics" for i in events}
    if events:
        files.add(domain.page_of("", "events") + ".ics")
    files |= {domain.page_of("tags", slug) + ".ics" for slug in tag_calendars(domain)}
    if app.config.html_baseurl:
        files |= {domain.page_of("", "atom") + ".xml", domain.page_of("", "feed") + ".json"}
        files |= {domain.page_of("tags", t.slug) + ".xml" for t in domain.tag_table.values()}
        files |= {domain.page_of("authors", i) + ".xml" for i in domain.people}
        files |= {domain.page_of("events", i) + ".xml" for i in events}
        codes = domain.languages()
        if len(codes) > 1:
            files |= {domain.language_feed(code) + ".xml" for code in codes}
        files |= {page + ".xml" for page in series}
        if get_config(app).feed_stylesheet:
            files.add(domain.page_of("", "feed") + ".xsl")
    return pages, files


def remove_stale(app: Sphinx, domain: ReflectionsDomain) -> None:
    """Delete what an earlier build generated for tags, people or events that are gone."""
    builder = app.builder
    outdir = Path(builder.outdir).resolve()
    pages, files = domain.stale
    paths = [Path(builder.get_outfilename(p)) for p in sorted(pages)]  # type: ignore[attr-defined]
    paths += [outdir / f for f in sorted(files)]
    for path in paths:
        if path.resolve().is_relative_to(outdir) and path.is_file():
            path.unlink()


def register_labels(env: BuildEnvironment, domain: ReflectionsDomain, std_too: bool) -> None:
    """Labels for the generated pages, so documents can write {ref}`reflections-archive`.

    Builders without those pages get the label's text instead (see :func:`label_as_text`).
    """
    labels: dict[str, tuple[str, str]] = {
        "reflections-archive": (domain.index_of(""), _("Reflections")),
        "reflections-tags": (domain.index_of("tags"), _("Hashtags")),
        "reflections-events": (domain.index_of("events"), _("Events")),
    }
    for ident, person in domain.people.items():
        labels[f"reflections-author-{ident}"] = (domain.page_of("authors", ident), person.name)
    for ident, event in domain.all_events().items():
        labels[f"reflections-event-{ident}"] = (domain.page_of("events", ident), event.name)
    for info in domain.tag_table.values():
        labels[f"reflections-tag-{info.slug}"] = (
            domain.page_of("tags", info.slug),
            "#" + info.name,
        )
    for key, series in domain.series_table.items():
        labels[f"reflections-series-{key}"] = (domain.series_page(key), series.name)
    titles = {label: title for label, (_page, title) in labels.items()}
    registered = sorted(labels) if std_too else []
    old = domain.set_labels(registered, titles)
    set_std_labels(env, labels if std_too else {}, old)
    domain.set_inventory(inventory(domain) if std_too else [])


def inventory(domain: ReflectionsDomain) -> list[tuple[str, str, str, str, str, int]]:
    """``objects.inv`` entries: (name, shown as, type, page, anchor, priority).

    People and events by id, series by key, tags by identity (the folded tag,
    which is what ``{reflections:tag}`` looks up whatever the spelling) and
    by each alias's identity, all pointing to their generated page.
    """
    objects = [
        (ident, person.name, "person", domain.page_of("authors", ident), "", 1)
        for ident, person in domain.people.items()
    ]
    objects += [
        (ident, event.name, "event", domain.page_of("events", ident), "", 1)
        for ident, event in domain.all_events().items()
    ]
    objects += [
        (key, series.name, "series", domain.series_page(key), "", 1)
        for key, series in domain.series_table.items()
    ]
    for key, info in domain.tag_table.items():
        page = domain.page_of("tags", info.slug)
        for name in dict.fromkeys([key, *(tag_key(a) for a in info.aliases)]):
            objects.append((name, "#" + info.name, "tag", page, "", 1))
    return sorted(objects)


def navigation_pages(domain: ReflectionsDomain) -> dict[str, str]:
    """The generated pages a toctree may list, with the titles the menu shows."""
    return {
        domain.page_of("", "index"): _("Reflections"),
        domain.page_of("tags", "index"): _("Hashtags"),
        domain.page_of("events", "index"): _("Events"),
    }


def allow_in_toctrees(app: Sphinx) -> None:
    """``builder-inited``: a toctree may list the archive and the tags and events indexes.

    ``reflections/index`` in a toctree then puts the archive into the site's
    menu, as ``genindex`` does for the general index (a page builder links it;
    other builders leave it out, see :func:`keep_out_of_books`).
    """
    add_toctree_pages(navigation_pages(get_domain(app.env)))


def forget_toctree_pages(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the names are Sphinx-wide; the next project has its own."""
    remove_toctree_pages(list(navigation_pages(get_domain(app.env))))


def write_parents_of_read_pages(app: Sphinx, builder: Any) -> None:
    """``write-started``: a page written again but not read again leaves its parents be.

    Sphinx writes, beside every document it writes, the documents whose
    toctree lists it (``env.files_to_rebuild``), in case its title or
    sections changed. Those come only from reading it; the pages this
    extension writes again because a listing or the hashtag cloud changed
    were not read, and their parents would come out byte for byte the same.
    For this one write Sphinx sees the parents of the pages read; the full
    map is put back when the build ends (:func:`restore_parents`). A tag
    added to one piece then writes the piece, its parent and the pages that
    show the tag, not every index above them.
    """
    env = app.env
    domain = get_domain(env)
    read = domain.read_now
    parents = env.files_to_rebuild
    kept = {docname: above for docname, above in parents.items() if docname in read}
    if len(kept) < len(parents):
        domain.hide_parents(parents, kept)


def restore_parents(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: Sphinx's own map of toctree parents again, for the next read."""
    get_domain(app.env).restore_parents()


def keep_out_of_books(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: a generated page in a toctree is a link, never a chapter.

    Sphinx counts a toctree's entries among the documents it includes, and
    builders that make one book of them (LaTeX, single HTML, man, Texinfo)
    would look for a document that does not exist. Only page builders keep
    the entry at all (an EPUB has no such page).
    """
    toctrees = list(doctree.findall(addnodes.toctree))
    if not toctrees:  # most pages: no need to work out the names
        return
    names = set(navigation_pages(get_domain(app.env))).difference(app.env.found_docs)
    keep = page_builder(app.builder)
    for toctree in toctrees:
        toctree["includefiles"] = [f for f in toctree["includefiles"] if f not in names]
        if not keep:
            toctree["entries"] = [(t, r) for t, r in toctree["entries"] if r not in names]


def label_as_text(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Node | None:
    """``missing-reference``: a {ref} to a generated page, in a builder without it, is text."""
    titles = get_domain(env).label_titles
    target = node.get("reftarget", "")
    if node.get("refdomain") != "std" or node.get("reftype") != "ref" or target not in titles:
        return None
    if node.get("refexplicit"):
        return contnode
    return nodes.inline(titles[target], titles[target])


def own_as_text(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Node | None:
    """``missing-reference``: a link to a person, tag, event or series of this site stays text.

    The domain leaves it unresolved where there is no page to link to (a PDF,
    the page itself); intersphinx must not then send it to another site's
    person or tag of the same name.
    """
    if node.get("refdomain") != "reflections":
        return None
    if get_domain(env).target(node.get("reftype", ""), node.get("reftarget", "")) is None:
        return None  # not ours: another site's, through intersphinx, or a dangling link
    return contnode


def rewrite_missing_pages(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: bring back a generated page deleted from the output.

    Sphinx before 9.0 skips the whole write phase, ``html-collect-pages``
    included, when no document is out of date, so :func:`collect_pages` would
    never see the missing file. Reading the root document again makes the write
    phase run; this happens only when a page of the last build is gone.
    Connected only where Sphinx needs it (:data:`.compat.WRITES_WHEN_NOTHING_READ`).
    """
    builder = app.builder
    if added or changed or removed or not page_builder(builder):
        return []
    state = cache.load(app, get_domain(env))
    outfile = builder.get_outfilename  # type: ignore[attr-defined]
    if all(Path(outfile(pagename)).is_file() for pagename in state.pages):
        return []
    return [env.config.root_doc]


def _written(app: Sphinx) -> set[str]:
    """The documents written in this build, so far."""
    found: set[str] = get_domain(app.env).remember("written", set)
    return found


def note_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: this document is written in this build (and fed to search).

    Read by :func:`keep_index_entries` before the feeds resolve any document
    of their own.
    """
    _written(app).add(docname)


def watch_search_index(app: Sphinx) -> None:
    """``builder-inited``: the index entries of the search index Sphinx loads are kept.

    :func:`keep_index_entries` then need not read ``searchindex.js`` again.
    """
    note_loaded_search_index(app.builder)


def keep_index_entries(app: Sphinx) -> list[Any]:
    """``html-collect-pages``: pages not written keep their hashtags and people in search.

    Sphinx writes the search index's index entries from the environment it
    saved before writing, so a page it did not write again would lose the
    hashtag and person entries it fed last time (see
    :func:`.compat.keep_search_index_entries`); and words no page has any more
    leave the index, as after a clean build (an edit undone leaves it as it
    was). Generates no page.
    """
    keep_search_index_entries(app.builder, _written(app))
    drop_empty_search_terms(app.builder)
    return []
