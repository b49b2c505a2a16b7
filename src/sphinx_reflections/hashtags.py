"""#Hashtags and @mentions as authors type them, the tag table and the hashtag cloud.

Scanning and tag identity are pure (:mod:`.text`); this module turns what
they find into links and index entries, records it in the domain, and after
reading decides each tag's one spelling and page name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.locale import _ as sphinx_label
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import split_explicit_title

from . import nodes as rnodes
from .config import get_config
from .domain import get_domain
from .i18n import _
from .records import TagInfo
from .text import closest, collation_key, index_letter, is_tag, scan, slugify, tag_key
from .warnings_ import ReflectionsWarning, config_location, error, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .registry import Person


# -- nodes ---------------------------------------------------------------------------------


def hashtag_xref(typed: str, classes: list[str] | None = None) -> addnodes.pending_xref:
    """A link to the tag's page; the text keeps the author's spelling."""
    tag = typed.lstrip("#")
    return rnodes.xref("tag", tag_key(tag), "#" + tag, ["reflections-hashtag", *(classes or [])])


def mention_xref(typed: str, person: Person) -> addnodes.pending_xref:
    return rnodes.xref("author", person.id, typed, ["reflections-mention"])


_INDEXED = "reflections_indexed"  # env.temp_data: what this document has indexed


#: A node attribute marking the general-index entries of hashtags and people.
INDEX_MARK = "reflections-index"


def _indexed(env: BuildEnvironment, document: nodes.document, label: str) -> list[nodes.Node]:
    """A target and a general-index entry (a PDF gets an index of hashtags and people).

    Only the first mention of a tag or person in a document is indexed: the
    index points to pages, and every node here stays in memory until the
    document is written. The entry is filed under its first letter
    (``#baldersbröd`` under B), not under "Symbols".
    """
    seen = cast("set[str]", env.temp_data.setdefault(_INDEXED, set()))
    identity = ("#" + tag_key(label)) if label.startswith("#") else label.casefold()
    if identity in seen:
        return []
    seen.add(identity)
    target = nodes.target("", "")
    document.set_id(target)
    letter = index_letter(label, env.config.language)
    entry = addnodes.index(entries=[("single", label, target["ids"][0], "", letter)], inline=True)
    entry[INDEX_MARK] = True
    return [entry, target]


# -- roles ---------------------------------------------------------------------------------


class HashtagRole(SphinxRole):
    """A hashtag link: ``{hashtag}`Kontaktdagen2023```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        tag = self.text.strip().lstrip("#")
        if not is_tag(tag):
            warn(
                ReflectionsWarning.BAD_METADATA,
                f"{{hashtag}} {self.text!r} is not a hashtag; it starts with a letter and "
                "has only letters, digits and '_'",
                self.get_location(),
            )
            return [nodes.inline(self.rawtext, "#" + tag)], []
        record_tag(self.env, tag, self.lineno)
        return [*_indexed(self.env, self.inliner.document, "#" + tag), hashtag_xref(tag)], []


class MentionRole(SphinxRole):
    """Mention a person by id or handle: ``{mention}`jenny``` or ``{mention}`Jenny <jenny>```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        has_title, title, ident = split_explicit_title(self.text)
        domain = get_domain(self.env)
        person = domain.known_person(ident.strip().lstrip("@"), "{mention}", self.get_location())
        if person is None:
            return [nodes.inline(self.rawtext, title)], []
        domain.add_mentions(self.env.docname, [person.id])
        text = title if has_title else person.name
        return [
            *_indexed(self.env, self.inliner.document, person.name),
            mention_xref(text, person),
        ], []


# -- autolink --------------------------------------------------------------------------------

_SKIP: tuple[type, ...] = (
    nodes.FixedTextElement,
    nodes.literal,
    nodes.raw,
    nodes.reference,
    nodes.target,
    addnodes.pending_xref,
    nodes.Titular,
    nodes.comment,
    nodes.math,
    nodes.math_block,
    nodes.substitution_definition,
    nodes.system_message,
    nodes.docinfo,
    nodes.field_name,
    nodes.option_list,
    nodes.Invisible,
    addnodes.desc_signature,
    addnodes.toctree,
    rnodes.reflections_byline,
    rnodes.reflections_author_card,
    rnodes.reflections_compact_card,
)


def text_nodes(tree: nodes.Node) -> Iterator[nodes.Text]:
    """Text a reader sees as prose: not code, links, titles or raw markup."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.Text):
            yield node
        elif not isinstance(node, _SKIP):
            stack.extend(reversed(node.children))


def linkify(
    tree: nodes.Node,
    env: BuildEnvironment,
    document: nodes.document | None,
    tags: bool,
    mentions: bool,
) -> tuple[list[tuple[str, int | None]], list[str]]:
    """Turn hashtags and registered mentions in ``tree`` into links.

    Returns the tags (as typed, with the line they are on when known) and
    the person ids found, in document order.
    """
    domain = get_domain(env)
    handles = domain.handles()
    lookup = (lambda h: handles.get(tag_key(h))) if mentions and handles else None
    found_tags: list[tuple[str, int | None]] = []
    found_people: list[str] = []
    for text in list(text_nodes(tree)):
        source = str(text)
        if "#" not in source and "@" not in source:
            continue
        hits = [f for f in scan(source, lookup) if tags or f.kind == "mention"]
        if not hits:
            continue
        parts: list[nodes.Node] = []
        last = 0
        for hit in hits:
            if hit.start > last:
                parts.append(nodes.Text(source[last : hit.start]))
            typed = source[hit.start : hit.end]
            if hit.kind == "tag":
                found_tags.append((hit.value, _line(text)))
                if document is not None:
                    parts.extend(_indexed(env, document, typed))
                parts.append(hashtag_xref(hit.value))
            else:
                person = domain.people[hit.value]
                found_people.append(person.id)
                if document is not None:
                    parts.extend(_indexed(env, document, person.name))
                parts.append(mention_xref(typed, person))
            last = hit.end
        if last < len(source):
            parts.append(nodes.Text(source[last:]))
        parent = text.parent
        index = parent.index(text)
        parent[index : index + 1] = parts
    return found_tags, found_people


def _line(node: nodes.Node) -> int | None:
    """The source line of the nearest element that knows it."""
    while node is not None:
        if getattr(node, "line", None):
            return node.line  # type: ignore[no-any-return]
        node = node.parent
    return None


def record_tag(env: BuildEnvironment, tag: str, line: int | None = None) -> None:
    get_domain(env).add_tag(env.docname, tag, line=line)


class AutolinkTransform(SphinxTransform):
    """Link ``#Tag`` and ``@Handle`` in prose, and record them for tag and person pages."""

    default_priority = 600  # before the reflection transform builds the byline

    def apply(self, **kwargs: Any) -> None:
        cfg = get_config(self.env)
        if not (cfg.hashtag_autolink or cfg.mention_autolink):
            return
        tags, people = linkify(
            self.document, self.env, self.document, cfg.hashtag_autolink, cfg.mention_autolink
        )
        for tag, line in tags:
            record_tag(self.env, tag, line)
        if people:
            get_domain(self.env).add_mentions(self.env.docname, people)


# -- the tag table ------------------------------------------------------------------------------


def build_tag_table(env: BuildEnvironment) -> dict[str, TagInfo]:
    """One spelling and a page name per tag, once every page is read (``env-updated``).

    The spelling is the tag registry's ``name``, else the target of an alias,
    else an event's hashtag as its registry writes it, else the most used
    spelling (ties: code point order). The page name is the registry id, else
    the slug of the tag; :mod:`.naming` then makes every name distinct and safe.
    """
    cfg = get_config(env)
    domain = get_domain(env)
    aliases = domain.tag_aliases()
    canonical_of = {tag_key(alias): tag_key(target) for alias, target in aliases.items()}
    registered = {tag_key(tag.name): tag for tag in domain.tag_registry.values()}
    spellings: dict[str, Counter[str]] = {}
    users: dict[str, set[str]] = {}
    hidden = {d for d, r in domain.reflections.items() if r.draft and not cfg.show_drafts}
    for docname, used in sorted(domain.tags.items()):
        if docname in hidden:
            continue
        for key, counts in used.items():
            key = canonical_of.get(key, key)
            spellings.setdefault(key, Counter()).update(counts)
            users.setdefault(key, set()).add(docname)
    # each tag's pieces in the order of the archive: one pass over it, not one per tag
    order = {r.docname: number for number, r in enumerate(domain.visible())}
    table: dict[str, TagInfo] = {}
    for key in sorted(spellings):
        entry = registered.get(key)
        configured = [entry.name] if entry else []
        configured += [c for c in aliases.values() if tag_key(c) == key]
        configured += [e.hashtag for e in domain.events_with_tag(key)]
        ranked = sorted(spellings[key].items(), key=lambda item: (-item[1], item[0]))
        name = configured[0] if configured else ranked[0][0]
        slug = entry.id if entry else slugify(key, cfg.slug_ascii)
        docs = users[key]
        reflections = tuple(sorted((d for d in docs if d in order), key=order.__getitem__))
        pages = tuple(sorted(d for d in docs if d not in order))
        alias_names = tuple(
            sorted(a for a, c in aliases.items() if tag_key(c) == key and tag_key(a) != key)
        )
        description = entry.description if entry else ""
        table[key] = TagInfo(key, name, slug, reflections, pages, alias_names, description)
    return table


def check_aliases(app: Sphinx, table: dict[str, TagInfo]) -> None:
    """A configured alias must point to a tag some page uses; suggest the closest one."""
    names = {info.name: key for key, info in table.items()}
    for alias, target in sorted(get_config(app).tag_aliases.items()):
        if tag_key(target) in table:
            continue
        close = closest(target, names)
        hint = f" (did you mean #{close}?)" if close else ""
        warn(
            ReflectionsWarning.CONFIG,
            f"reflections_tag_aliases: #{alias} points to #{target}, which no page uses{hint}; "
            "the alias gets no page",
            config_location(app.confdir, "reflections_tag_aliases"),
        )


def update_tag_table(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: one spelling and page per tag, now that every page is read."""
    table = build_tag_table(env)
    get_domain(env).set_tag_table(table)
    check_aliases(app, table)


def check_unknown_tags(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: tags missing from the registry, by ``reflections_unknown_tags``."""
    cfg = get_config(app)
    domain = get_domain(env)
    if cfg.unknown_tags == "allow" or not cfg.tags:
        return
    registry = domain.tag_registry
    aliases = domain.tag_aliases()
    canonical_of = {tag_key(alias): tag_key(target) for alias, target in aliases.items()}
    known = {tag_key(tag.name) for tag in registry.values()}
    names = sorted(tag.name for tag in registry.values())
    where = cfg.tags if isinstance(cfg.tags, str) else "reflections_tags in conf.py"
    report = error if cfg.unknown_tags == "error" else warn
    unknown = 0
    for docname in sorted(domain.tags):
        for key, spellings in sorted(domain.tags[docname].items()):
            if canonical_of.get(key, key) in known:
                continue
            spelling = sorted(spellings.items(), key=lambda item: (-item[1], item[0]))[0][0]
            close = closest(spelling, names)
            hint = f" (did you mean #{close}?)" if close else ""
            report(
                ReflectionsWarning.UNKNOWN_TAG,
                f"#{spelling} is not in the tag registry ({where}){hint}; add it there, "
                "or use a tag it has",
                (docname, domain.tag_line(docname, key)),
            )
            unknown += 1
    if unknown and cfg.unknown_tags == "error":
        domain.fail(f"{unknown} tag(s) are not in the tag registry")


def fail_build(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: a build with errors the project asked for ends with status 1."""
    if exception is None and get_domain(app.env).failures:
        app.statuscode = 1


def sort_general_index(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: the general index in the order a reader of the language expects.

    Sphinx sorts by code point and files accented letters under their base
    letter; a Swedish reader looks for Å, Ä and Ö after Z, a Danish one for
    Æ, Ø and Å. Entries are sorted by :func:`.text.collation_key` (a leading
    ``#`` ignored) and, on the one-page index, filed under the language's
    letters. Groups a project named itself (index keys longer than a letter)
    are left as they are.
    """
    if not pagename.startswith("genindex") or "genindexentries" not in context:
        return
    language = app.config.language
    groups: list[tuple[str, list[Any]]] = context["genindexentries"]
    symbols = sphinx_label("Symbols")  # Sphinx's own heading, in Sphinx's catalogue
    if not app.config.html_split_index:
        regrouped: dict[str, list[Any]] = {}
        for letter, entries in groups:
            for entry in entries:
                category = entry[1][2]
                own = category is None or len(category) == 1
                name = (index_letter(entry[0], language) or symbols) if own else letter
                regrouped.setdefault(name, []).append(entry)
        groups = list(regrouped.items())

    def group_order(group: tuple[str, list[Any]]) -> tuple[int, str]:
        return (0, "") if group[0] == symbols else (1, collation_key(group[0], language))

    groups = sorted(
        (
            (letter, sorted(entries, key=lambda e: (collation_key(e[0], language), e[0])))
            for letter, entries in groups
        ),
        key=group_order,
    )
    context["genindexentries"][:] = groups
    if "genindexcounts" in context:
        context["genindexcounts"][:] = [
            sum(1 + len(entry[1][1]) for entry in entries) for _letter, entries in groups
        ]


# -- the cloud -----------------------------------------------------------------------------------


class HashtagCloudDirective(SphinxDirective):
    """Every hashtag, sized by how many pages use it, each linked to its page.

    ``:limit:`` shows only the most used tags.
    """

    option_spec: ClassVar[dict[str, Any]] = {
        "limit": directives.positive_int,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        node = rnodes.reflections_cloud(
            limit=self.options.get("limit", 0), classes=self.options.get("class", [])
        )
        self.set_source_info(node)
        get_domain(self.env).add_dynamic(self.env.docname, {"cloud": self.options.get("limit", 0)})
        return [node]


def cloud(table: dict[str, TagInfo], limit: int = 0) -> nodes.Element:
    """The weighted list of tags (also the body of the tags index page)."""
    tags = sorted(table.values(), key=lambda t: (-t.count, t.key))
    if limit:
        tags = tags[:limit]
    tags.sort(key=lambda t: (tag_key(t.name), t.key))
    most = max((t.count for t in tags), default=1)
    nav = rnodes.reflections_nav(classes=["reflections-hashtag-cloud"])
    nav["aria-label"] = _("Hashtags")
    listing = nodes.bullet_list()
    nav += listing
    for tag in tags:
        weight = 1 + round(4 * (tag.count - 1) / max(most - 1, 1))
        item = nodes.list_item(classes=[f"reflections-weight-{weight}"])
        para = nodes.paragraph()
        xref = hashtag_xref(tag.name)
        para += xref
        para += nodes.inline(f" ({tag.count})", f" ({tag.count})", classes=["reflections-count"])
        item += para
        listing += item
    return nav


def register(app: Sphinx) -> None:
    """The hashtag and mention roles, the cloud directive and the autolink transform."""
    app.add_role("hashtag", HashtagRole())
    app.add_role("mention", MentionRole())
    app.add_directive("hashtag-cloud", HashtagCloudDirective)
    app.add_transform(AutolinkTransform)
