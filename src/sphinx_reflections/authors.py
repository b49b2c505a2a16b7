"""People: author cards, bylines, the ``author-card`` directive and ``{author}`` role.

The node builders here are shared: documents, listings and generated pages
all show people and bylines through them, so a card looks the same everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import split_explicit_title

from . import nodes as rnodes
from .domain import get_domain
from .files import copy_if_changed, is_copy
from .hashtags import hashtag_xref
from .i18n import Lang, _, lang_of
from .nodes import PAGES_ONLY
from .records import Reflection
from .registry import Person
from .urls import avatar_target, image_target, is_remote

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


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


def full_card(
    person: Person, link: bool = True, lang: Lang | None = None
) -> rnodes.reflections_author_card:
    """The whole card: avatar, name, role, organization, bio, links, the author's page.

    Its labels in ``lang`` (a reflection's own language), else the project's.
    """
    gettext = lang or _
    card = rnodes.reflections_author_card(
        classes=["reflections-author-card", "sd-card", "sd-shadow-sm", "sd-mb-3"],
        person=person.id,
    )
    card["aria-label"] = gettext("About %s") % person.name
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
        more += author_link(person, gettext("All reflections by %s") % person.name, classes=[])
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


def date_node(when: Any, lang: Lang, classes: list[str] | None = None) -> rnodes.reflections_time:
    text = lang.long_date(when)
    return rnodes.reflections_time(text, text, datetime=when.isoformat(), classes=classes or [])


LISTED_TAGS = 5  # tags a listing entry shows; the page itself shows them all


def meta_line(
    reflection: Reflection, env: BuildEnvironment, reading_time: bool = True, max_tags: int = 0
) -> nodes.paragraph:
    """``29 May 2023 · 4 min read · Leadership · Updated 2 June 2023``.

    In the reflection's own language (its ``language`` key), else the project's.
    """
    lang = lang_of(env.config, reflection.language)
    para = nodes.paragraph(classes=["reflections-byline-meta"])
    para += date_node(reflection.date, lang, ["reflections-date"])
    if reading_time:
        para += _sep()
        label = lang.plural("%d min read", "%d min read", reflection.minutes) % reflection.minutes
        para += nodes.inline(label, label, classes=["reflections-reading-time"])
    if reflection.category:
        para += _sep()
        para += nodes.inline(
            reflection.category, reflection.category, classes=["reflections-category"]
        )
    if reflection.updated:
        para += _sep()
        updated = nodes.inline(classes=["reflections-updated"])
        updated += nodes.Text(lang("Updated") + " ")
        updated += date_node(reflection.updated, lang)
        para += updated
    if reflection.tags:
        para += _sep()
        shown = reflection.tags[:max_tags] if max_tags else reflection.tags
        for i, tag in enumerate(shown):
            if i:
                para += nodes.Text(" ")
            para += hashtag_xref(tag)
        if len(shown) < len(reflection.tags):
            hidden = len(reflection.tags) - len(shown)
            more = " " + lang.plural("+%d more tag", "+%d more tags", hidden) % hidden
            para += nodes.inline(more, more, classes=["reflections-more-tags"])
    if reflection.draft:
        para += _sep()
        label = lang("Draft")
        para += nodes.inline(
            label,
            label,
            classes=["reflections-draft", "sd-badge", "sd-outline-danger", "sd-text-danger"],
        )
    return para


def build_byline(
    reflection: Reflection, env: BuildEnvironment, link: bool = True, max_tags: int = 0
) -> rnodes.reflections_byline:
    line = rnodes.reflections_byline(classes=["reflections-byline"])
    fill_byline(line, reflection, env, link, max_tags)
    return line


def fill_byline(
    line: rnodes.reflections_byline,
    reflection: Reflection,
    env: BuildEnvironment,
    link: bool = True,
    max_tags: int = 0,
) -> None:
    """Put the authors and the meta line at the start of a byline (before what it holds)."""
    people = get_domain(env).people
    authors = [people[a] for a in reflection.authors if a in people]
    made: list[nodes.Node] = [byline_authors(authors, link=link)] if authors else []
    made.append(meta_line(reflection, env, max_tags=max_tags))
    for i, node in enumerate(made):
        line.insert(i, node)


# -- directive and role -------------------------------------------------------------------


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
        person = get_domain(self.env).known_person(ident, "author-card", self.get_location())
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
        person = get_domain(self.env).known_person(ident.strip(), "{author}", self.get_location())
        if person is None:
            return [nodes.inline(self.rawtext, title)], []
        return [
            author_link(person, title if has_title else person.name, ["reflections-author"])
        ], []


# -- output files ---------------------------------------------------------------------------


def _copies(app: Sphinx, builder: Builder) -> list[tuple[Path, Path]]:
    """(source, copy in the output) of every local avatar and reflection image."""
    domain = get_domain(app.env)
    images = {r.image for r in domain.reflections.values() if r.image and not is_remote(r.image)}
    src = Path(app.srcdir)
    found = [(src / image, Path(builder.outdir, image_target(image))) for image in sorted(images)]
    for person in sorted(domain.people.values(), key=lambda p: p.id):
        if person.avatar and not is_remote(person.avatar):
            target = Path(builder.outdir, avatar_target(person.id, person.avatar))
            found.append((src / person.avatar, target))
    return found


def copy_avatars(app: Sphinx, builder: Builder) -> None:
    """Copy local avatars and reflection images next to the HTML output."""
    if builder.format != "html":
        return
    for source, dest in _copies(app, builder):
        copy_if_changed(source, dest)


def recopy_changed_pictures(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: a picture replaced under its name when no page changed.

    Sphinx before 9.0 skips the write phase, where :func:`copy_avatars` runs,
    when no document is out of date; reading the root document again makes it
    run. This happens only when a copy in the output is not its source's.
    Connected only where Sphinx needs it (:data:`.compat.WRITES_WHEN_NOTHING_READ`).
    """
    if added or changed or removed or app.builder.format != "html":
        return []
    for source, dest in _copies(app, app.builder):
        if source.is_file() and not is_copy(source, dest):
            return [env.config.root_doc]
    return []


def register(app: Sphinx) -> None:
    """The ``author-card`` directive and the ``{author}`` role."""
    app.add_directive("author-card", AuthorCardDirective)
    app.add_role("author", AuthorRole())
