"""A real blog, as ``make realblogs`` converted it, in the form the benchmark measures.

``make bench BENCH_ARGS="--corpus .realblogs/18f-eleventy"`` times plain Sphinx
and the extension on the posts of a public blog instead of generated text: the
posts are what their authors wrote (lists, links, figures, headings), which
costs plain Sphinx far more per page than the generator's paragraphs, so the
ratios on a real blog are the ones a user of the extension sees.

What :func:`load` makes of the converted tree (tools/realblogs.py writes it):

* the extension variant is every ``.md`` file as converted, with the people
  registry at the project's root; the plain variant is the same text, with
  ``{author}`handle``` written as the bare handle (plain Sphinx has no such
  role) — the only difference in the text;
* the MyST settings the conversion chose (``myst_enable_extensions`` and the
  like) go into both variants' ``conf.py``; the converted redirects do not (they
  are an import feature, and another extension);
* the edits are those of the generated shapes, made to the post in the middle of
  the dated posts with tags: a sentence at its end, the blog's most used tag it
  does not carry, a tag no post has, a role for its first author, a copy of it
  as a new post, and its deletion (the table of contents is a glob, so adding or
  deleting a post changes no other file).

Pure: reads the tree, builds nothing; only the standard library and PyYAML.
"""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import yaml
from kbgen import (
    ADDED_SENTENCE,
    NEW_ROLE,
    NEW_TAG_WORDS,
    Edit,
    FileChange,
    KnowledgeBase,
    Person,
    tag_identity,
)

#: the conf.py lines of a converted blog that both variants keep (MyST's reading of the posts)
KEPT_SETTINGS = ("myst_enable_extensions", "myst_heading_anchors", "suppress_warnings")
#: the author role, which plain Sphinx does not have
AUTHOR_ROLE = re.compile(r"\{author\}`([^`]*)`")
#: where tools/realblogs.py puts a blog's people
PEOPLE = "blog/people.yml"


def _front_matter(text: str) -> dict[str, object]:
    if not text.startswith("---\n"):
        return {}
    head = text[4 : text.find("\n---", 4)]
    found = yaml.safe_load(head) or {}
    meta = found.get("reflection") if isinstance(found, dict) else None
    return meta if isinstance(meta, dict) else {}


def _tags_line(tags: list[str]) -> str:
    # JSON strings are YAML flow scalars: any tag, quoted or not, reads back the same
    return "  tags: [" + ", ".join(json.dumps(t, ensure_ascii=False) for t in tags) + "]"


def _conf_lines(conf: str) -> str:
    return "".join(
        line.split("  #", 1)[0].rstrip() + "\n"
        for line in conf.splitlines()
        if line.split("=", 1)[0].strip() in KEPT_SETTINGS
    )


def load(tree: Path) -> KnowledgeBase:
    """The converted blog in ``tree`` (its conf.py, index.md, blog/posts/, blog/people.yml)."""
    docs: dict[str, str] = {}
    for path in sorted(tree.rglob("*.md")):
        rel = path.relative_to(tree)
        if rel.parts[0].startswith(("_", ".")):
            continue
        docs[rel.with_suffix("").as_posix()] = path.read_text(encoding="utf-8")
    plain = {name: AUTHOR_ROLE.sub(r"\1", text) for name, text in docs.items()}
    plain = {name: text for name, text in plain.items() if text != docs[name]}
    people_yml = (tree / PEOPLE).read_text(encoding="utf-8")
    registry = yaml.safe_load(people_yml) or {}
    people = [
        Person(ident, str(entry.get("name", ident)), "", str(entry.get("role", "")), "")
        for ident, entry in registry.items()
        if isinstance(entry, dict)
    ]
    metas = {name: _front_matter(text) for name, text in docs.items()}
    pieces = {name: meta for name, meta in metas.items() if meta}
    tag_counts: collections.Counter[str] = collections.Counter()
    authors_of: dict[str, list[str]] = {}
    for name, meta in pieces.items():
        tags = meta.get("tags") or []
        if isinstance(tags, list):
            tag_counts.update(str(t) for t in tags)
        authors = meta.get("author") or []
        authors_of[name] = [str(a) for a in (authors if isinstance(authors, list) else [authors])]
    kb = KnowledgeBase(
        reflections=len(pieces),
        pages=len(docs) - len(pieces),
        docs=docs,
        plain_docs=plain,
        people_yml=people_yml,
        events_yml="{}\n",
        avatars={},
        words=sum(len(re.findall(r"\w+", text)) for text in docs.values()),
        stats={
            "documents": len(docs),
            "co_written": sum(len(a) > 1 for a in authors_of.values()),
            "people_with_a_piece": len({a for names in authors_of.values() for a in names}),
            "authors": len(people),
            "tags": len(tag_counts),
            "events": 0,
        },
        people=people,
        tags=[t for t, _n in tag_counts.most_common()],
        shape=tree.name,
    )
    kb.conf_extra = _conf_lines((tree / "conf.py").read_text(encoding="utf-8"))
    # the posts' images and files, which the import keeps in _imported folders: without
    # them Sphinx reads every post that shows one again in every build, in both variants
    kb.folders = {
        folder.relative_to(tree).as_posix(): folder
        for folder in sorted(tree.rglob("_imported"))
        if folder.is_dir() and "_build" not in folder.relative_to(tree).parts
    }
    kb.edits = _edits(kb, pieces, authors_of, tag_counts)
    return kb


def _edits(
    kb: KnowledgeBase,
    pieces: dict[str, dict[str, object]],
    authors_of: dict[str, list[str]],
    tag_counts: collections.Counter[str],
) -> list[Edit]:
    """One edit of each kind, all about one post (the middle of those with tags and authors)."""
    candidates = [
        name
        for name, meta in sorted(pieces.items(), key=lambda item: str(item[1].get("date")))
        if isinstance(meta.get("tags"), list) and meta["tags"] and authors_of[name]
        and not meta.get("draft") and _tags_found(kb.docs[name])
    ]  # fmt: skip
    if not candidates:
        return []
    docname = candidates[len(candidates) // 2]
    path = f"{docname}.md"
    text = kb.docs[docname]
    old_line = _tags_found(text)
    carried = [str(t) for t in pieces[docname]["tags"]]  # type: ignore[union-attr]
    everything = "\n".join([*kb.docs.values(), kb.people_yml]).casefold()

    def same(change: FileChange) -> tuple[FileChange, ...]:
        return (change,)

    def plain(change: FileChange) -> tuple[FileChange, ...]:
        """The same change to the plain variant's copy of the post (no author role there)."""
        before, after = (
            None if text is None else AUTHOR_ROLE.sub(r"\1", text)
            for text in (change.before, change.after)
        )
        return (FileChange(change.path, before, after),)

    def unused(phrase: str) -> str:
        if phrase.casefold() in everything or tag_identity(phrase) in everything:
            raise AssertionError(f"{phrase!r} is already in the blog's text")
        return phrase

    def with_tags(tags: list[str]) -> str:
        return text.replace(old_line, _tags_line(tags), 1)

    edits: list[Edit] = []
    sentence = unused(ADDED_SENTENCE)
    change = FileChange(path, text, text.rstrip("\n") + "\n\n" + sentence + "\n")
    edits.append(Edit("text", "one piece's text", docname, same(change), plain(change),
                      text=sentence))  # fmt: skip
    identities = {tag_identity(t) for t in carried}
    existing = next(t for t, _n in tag_counts.most_common() if tag_identity(t) not in identities)
    change = FileChange(path, text, with_tags([*carried, existing]))
    edits.append(Edit("existing-tag", f"one piece gets an existing tag ({existing})", docname,
                      same(change), plain(change), tag=existing))  # fmt: skip
    new = unused(NEW_TAG_WORDS)
    change = FileChange(path, text, with_tags([*carried, new]))
    edits.append(Edit("new-tag", f"one piece gets a new tag ({new})", docname,
                      same(change), plain(change), tag=new))  # fmt: skip
    who = authors_of[docname][0]
    role = unused(NEW_ROLE)
    entry = re.compile(rf"^{re.escape(who)}:\n(?:  .*\n)*", re.MULTILINE)
    found = entry.search(kb.people_yml)
    if found:
        after = kb.people_yml[: found.end()] + f"  role: {role}\n" + kb.people_yml[found.end() :]
        change = FileChange("people.yml", kb.people_yml, after)
        edits.append(Edit("person", f"a person's role changes ({who})", docname,
                          (change,), (), person=who, text=role))  # fmt: skip
    added = f"{docname}-bench-copy"
    change = FileChange(f"{added}.md", None, text)
    edits.append(Edit("add", "one piece added", added, same(change), plain(change),
                      tags=tuple(carried)))  # fmt: skip
    change = FileChange(path, text, None)
    edits.append(Edit("delete", "one piece deleted", docname, same(change), plain(change),
                      tags=tuple(carried)))  # fmt: skip
    return edits


def _tags_found(text: str) -> str:
    """The front matter's one-line ``tags: [...]`` (as the conversion writes it), or ``''``."""
    end = text.find("\n---", 4) if text.startswith("---\n") else -1
    lines = [line for line in text[:end].splitlines() if line.startswith("  tags: [")]
    return lines[0] if len(lines) == 1 and text.count(lines[0]) == 1 else ""
