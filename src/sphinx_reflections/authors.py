"""People: registries, bylines, author cards, the ``{author}`` role, avatars."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import split_explicit_title
from sphinx.util.osutil import copyfile, relative_uri

from . import nodes as rnodes
from .config import get_config
from .domain import Reflection, get_domain, page_builder
from .i18n import _, long_date
from .registry import Person, load_events, load_people
from .urls import is_remote
from .warnings_ import ReflectionsWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

AVATAR_DIR = "_reflections/avatars"
IMAGE_DIR = "_reflections/images"
PAGES_ONLY = "reflections-pages-only"


# -- registries ---------------------------------------------------------------------


def load_registries(app: Sphinx) -> None:
    """Read both registries once per build, before any document is read."""
    cfg = get_config(app)
    domain = get_domain(app.env)
    people, people_src = load_people(cfg.authors, app.confdir, app.srcdir)
    events, events_src = load_events(cfg.events, app.confdir)
    domain.data["people"] = people
    domain.data["events"] = events
    domain.data["registry_files"] = [
        str(source.path)
        for source in (people_src, events_src)
        if source.path and source.path.is_file()
    ]


def note_registry_dependency(env: BuildEnvironment) -> None:
    """Re-read the current page whenever a registry file changes."""
    for path in get_domain(env).data["registry_files"]:
        env.note_dependency(path)


# -- node builders ------------------------------------------------------------------


def author_link(
    person: Person, text: str | None = None, classes: list[str] | None = None
) -> nodes.Node:
    """A link to the person's page, resolved per builder (plain text where there is none)."""
    label = text or person.name
    return rnodes.xref(
        "author", person.id, label, ["reflections-author-name"] if classes is None else classes
    )


def avatar_node(person: Person, size: int, alt: str) -> rnodes.reflections_avatar | None:
    if not person.avatar:
        return None
    return rnodes.reflections_avatar(
        uri=person.avatar, person=person.id, size=size, alt=alt, classes=["reflections-avatar"]
    )


def compact_card(person: Person, link: bool = True) -> rnodes.reflections_compact_card:
    """Avatar, name and role in one line (bylines, listings)."""
    card = rnodes.reflections_compact_card(
        classes=["reflections-author-card", "reflections-author-card-compact"], person=person.id
    )
    pic = avatar_node(person, 32, "")
    if pic is not None:
        card += pic
    text = nodes.inline(classes=["reflections-author-text"])  # one flex item: name, role
    text += (
        author_link(person)
        if link
        else nodes.inline(person.name, person.name, classes=["reflections-author-name"])
    )
    if person.role:
        text += nodes.Text(", ")
        text += nodes.inline(person.role, person.role, classes=["reflections-author-role"])
    card += text
    return card


def full_card(person: Person, link: bool = True) -> rnodes.reflections_author_card:
    """The whole card: avatar, name, role, organization, bio, links, the author's page."""
    card = rnodes.reflections_author_card(
        classes=["reflections-author-card", "sd-card", "sd-shadow-sm", "sd-mb-3"],
        person=person.id,
    )
    card["aria-label"] = _("About %s") % person.name
    body = nodes.container(classes=["sd-card-body", "reflections-author-card-body"])
    card += body
    pic = avatar_node(person, 96, person.name)
    if pic is not None:
        body += pic
    text = nodes.container(classes=["reflections-author-card-text"])
    body += text
    name = nodes.paragraph(classes=["reflections-author-name"])
    strong = nodes.strong()
    strong += author_link(person, classes=[]) if link else nodes.Text(person.name)
    name += strong
    text += name
    position = ", ".join(p for p in (person.role, person.organization) if p)
    if position:
        text += nodes.paragraph(position, position, classes=["reflections-author-role"])
    if person.bio:
        text += nodes.paragraph(person.bio, person.bio, classes=["reflections-author-bio"])
    if person.links:
        items = nodes.bullet_list(classes=["reflections-author-links"])
        for label, url in person.links:
            item = nodes.list_item()
            para = nodes.paragraph()
            para += nodes.reference(label, label, refuri=url)
            item += para
            items += item
        text += items
    if link:
        more = nodes.paragraph(classes=["reflections-author-more"])
        more[PAGES_ONLY] = True
        more += author_link(person, _("All reflections by %s") % person.name, classes=[])
        text += more
    return card


def _sep() -> nodes.inline:
    return nodes.inline(" · ", " · ", classes=["reflections-sep"])


def byline_authors(people: list[Person], link: bool = True) -> rnodes.reflections_byline_authors:
    block = rnodes.reflections_byline_authors(classes=["reflections-byline-authors"])
    para = nodes.paragraph()
    for i, person in enumerate(people):
        if i:
            para += _sep()
        para += compact_card(person, link=link)
    block += para
    return block


def date_node(
    when: Any, env: BuildEnvironment, classes: list[str] | None = None
) -> rnodes.reflections_time:
    text = long_date(when, env.config)
    return rnodes.reflections_time(text, text, datetime=when.isoformat(), classes=classes or [])


LISTED_TAGS = 5  # tags a listing entry shows; the page itself shows them all


def meta_line(
    reflection: Reflection, env: BuildEnvironment, reading_time: bool = True, max_tags: int = 0
) -> nodes.paragraph:
    """``29 May 2023 · 4 min read · Leadership · Updated 2 June 2023``."""
    para = nodes.paragraph(classes=["reflections-byline-meta"])
    para += date_node(reflection.date, env, ["reflections-date"])
    if reading_time:
        para += _sep()
        label = _("%d min read") % reflection.minutes
        para += nodes.inline(label, label, classes=["reflections-reading-time"])
    if reflection.category:
        para += _sep()
        para += nodes.inline(
            reflection.category, reflection.category, classes=["reflections-category"]
        )
    if reflection.updated:
        para += _sep()
        updated = nodes.inline(classes=["reflections-updated"])
        updated += nodes.Text(_("Updated") + " ")
        updated += date_node(reflection.updated, env)
        para += updated
    if reflection.tags:
        para += _sep()
        from .hashtags import hashtag_xref

        shown = reflection.tags[:max_tags] if max_tags else reflection.tags
        for i, tag in enumerate(shown):
            if i:
                para += nodes.Text(" ")
            para += hashtag_xref(tag)
        if len(shown) < len(reflection.tags):
            more = f" +{len(reflection.tags) - len(shown)}"
            para += nodes.inline(more, more, classes=["reflections-more-tags"])
    if reflection.draft:
        para += _sep()
        label = _("Draft")
        para += nodes.inline(
            label,
            label,
            classes=["reflections-draft", "sd-badge", "sd-outline-danger", "sd-text-danger"],
        )
    return para


def build_byline(
    reflection: Reflection, env: BuildEnvironment, link: bool = True, max_tags: int = 0
) -> rnodes.reflections_byline:
    people = get_domain(env).people
    line = rnodes.reflections_byline(classes=["reflections-byline"])
    authors = [people[a] for a in reflection.authors if a in people]
    if authors:
        line += byline_authors(authors, link=link)
    line += meta_line(reflection, env, max_tags=max_tags)
    return line


# -- directive and role -------------------------------------------------------------------


def known_person(env: BuildEnvironment, ident: str, where: str, location: Any) -> Person | None:
    """The person with this id (or handle), or None after an ``unknown-author`` warning."""
    from .frontmatter import suggest
    from .hashtags import tag_key

    domain = get_domain(env)
    note_registry_dependency(env)
    person = domain.people.get(ident) or domain.people.get(domain.handles().get(tag_key(ident), ""))
    if person is None:
        warn(
            ReflectionsWarning.UNKNOWN_AUTHOR,
            f"{where}: unknown person {ident!r}; add it to reflections_authors"
            f"{suggest(ident, domain.people)}",
            location,
        )
    return person


class AuthorCardDirective(SphinxDirective):
    """Show a person's card: avatar, name, role, organization, bio, links.

    ``:compact:`` gives the one-line form used in bylines.
    """

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "compact": directives.flag,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        ident = self.arguments[0].strip()
        person = known_person(self.env, ident, "author-card", self.get_location())
        if person is None:
            return []
        if "compact" in self.options:
            para = nodes.paragraph(classes=self.options.get("class", []))
            para += compact_card(person)
            return [para]
        card = full_card(person)
        card["classes"] += self.options.get("class", [])
        return [card]


class AuthorRole(SphinxRole):
    """Link to a person's page: ``{author}`jenny``` or ``{author}`Jenny <jenny>```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        has_title, title, ident = split_explicit_title(self.text)
        person = known_person(self.env, ident.strip(), "{author}", self.get_location())
        if person is None:
            return [nodes.inline(self.rawtext, title)], []
        return [
            author_link(person, title if has_title else person.name, ["reflections-author"])
        ], []


# -- per-builder resolution -----------------------------------------------------------------------


#: Output formats whose links cannot be followed: a card's links print their address.
UNLINKED_FORMATS = frozenset({"text", "man"})


def spell_out_links(tree: nodes.Element) -> None:
    """``LinkedIn`` becomes ``LinkedIn: https://...``: on paper the label alone is no use."""
    for ref in list(tree.findall(nodes.reference)):
        url = ref.get("refuri", "")
        if is_remote(url):
            ref.replace_self(nodes.Text(f"{ref.astext()}: {url}"))


def resolve_for_builder(tree: nodes.Node, builder: Builder, pagename: str) -> None:
    """Fill avatar URLs for this page, drop what the builder cannot show."""
    pages = page_builder(builder)
    for node in list(tree.findall(nodes.Element)):
        if node.get(PAGES_ONLY) and not pages:
            node.parent.remove(node)
    from sphinx.builders.singlehtml import SingleFileHTMLBuilder

    from .events import resolve_event_nodes

    resolve_event_nodes(tree, builder, pagename)
    if builder.format in UNLINKED_FORMATS:
        for card in list(tree.findall(rnodes.reflections_author_card)):
            spell_out_links(card)
    for pic in list(tree.findall(rnodes.reflections_avatar)):
        uri = pic["uri"]
        if builder.format != "html" or (is_remote(uri) and not pages):
            pic.parent.remove(pic)
            continue
        if is_remote(uri):
            pic["src"] = uri
            continue
        target = f"{AVATAR_DIR}/{pic['person']}{Path(uri).suffix.lower()}"
        if isinstance(builder, SingleFileHTMLBuilder):
            pic["src"] = target
        else:
            pic["src"] = relative_uri(builder.get_target_uri(pagename), target)


def resolve_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: per-builder avatars for documents (generated pages call
    :func:`resolve_for_builder` themselves)."""
    resolve_for_builder(doctree, app.builder, docname)


def copy_avatars(app: Sphinx, builder: Builder) -> None:
    """Copy local avatars and reflection images next to the HTML output (``write-started``)."""
    if builder.format != "html":
        return
    images = {
        r.image
        for r in get_domain(app.env).reflections.values()
        if r.image and not is_remote(r.image)
    }
    for image in sorted(images):
        dest = Path(builder.outdir, IMAGE_DIR, image)
        dest.parent.mkdir(parents=True, exist_ok=True)
        copyfile(app.srcdir / image, dest)
    for person in sorted(get_domain(app.env).people.values(), key=lambda p: p.id):
        if person.avatar and not is_remote(person.avatar):
            dest = Path(
                builder.outdir, AVATAR_DIR, f"{person.id}{Path(person.avatar).suffix.lower()}"
            )
            dest.parent.mkdir(parents=True, exist_ok=True)
            copyfile(app.srcdir / person.avatar, dest)
