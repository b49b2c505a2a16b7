"""Converted posts as text: a MyST front matter block or an rST ``reflection`` directive.

Only rendering; whether a file may be written is decided by ``import_blog``.
"""

from __future__ import annotations

import copy
import json

import yaml

from ...text import yaml_list, yaml_scalar
from .common import MARKER, Post

# -- writing -------------------------------------------------------------------------------


def _reflection_values(post: Post, ids: list[str]) -> list[tuple[str, str]]:
    """The reflection's keys and values as text, in the order the spec lists them."""
    values: list[tuple[str, str]] = []
    if ids:
        values.append(("author", ", ".join(ids)))
    if post.date:
        values.append(("date", post.date.isoformat()))
    elif post.date_raw:
        values.append(("date", post.date_raw))
    for key in ("category",):
        if post.category:
            values.append((key, post.category))
    if post.tags:
        values.append(("tags", ", ".join(post.tags)))
    if post.summary:
        values.append(("summary", post.summary))
    if post.image:
        values.append(("image", post.image))
    if post.updated:
        values.append(("updated", post.updated.isoformat()))
    if post.draft:
        values.append(("draft", "true"))
    return values


def render_myst(post: Post, ids: list[str]) -> str:
    """A MyST reflection: other front matter kept, ``reflection:`` added, title heading."""
    lines = ["---"]
    if post.front:
        lines += yaml.safe_dump(
            post.front, sort_keys=False, allow_unicode=True, width=1000
        ).splitlines()
    lines.append("reflection:")
    for key, value in _reflection_values(post, ids):
        if key == "author":
            shown = yaml_scalar(ids[0]) if len(ids) == 1 else yaml_list(ids)
        elif key == "tags":
            shown = yaml_list(post.tags)
        elif key in ("date", "updated", "draft") and not (key == "date" and post.date_raw):
            shown = value
        else:
            shown = yaml_scalar(value)
        lines.append(f"  {key}: {shown}")
    lines += [f"  # imported, no reflection field for it: {c}" for c in post.comments]
    lines += ["---", ""]
    if post.needs_title:
        lines += [f"# {post.title}", ""]
    return "\n".join(lines) + "\n" + post.body.lstrip("\n")


def render_rst(post: Post, ids: list[str]) -> str:
    """The rST post with the ``reflection`` directive where ABlog's ``post`` was."""
    out = []
    for line in post.body.splitlines():
        if line.strip() != MARKER:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.append(f"{indent}.. reflection::")
        out += [f"{indent}   :{k}: {' '.join(v.split())}" for k, v in _reflection_values(post, ids)]
        if post.comments:
            out += [
                "",
                f"{indent}.. Imported, no reflection field for it: " + "; ".join(post.comments),
            ]
    return "\n".join(out).rstrip("\n") + "\n"


def render_notebook(post: Post, ids: list[str]) -> str:
    """The notebook with a Markdown cell holding the ``reflection`` directive after its title.

    MyST-NB reads Markdown cells as MyST, so the directive works there as in
    any page; a notebook without a heading gets one from its title.
    """
    notebook = copy.deepcopy(post.notebook or {})
    cells = notebook.setdefault("cells", [])
    options = [f":{key}: {' '.join(value.split())}" for key, value in _reflection_values(post, ids)]
    lines = ["```{reflection}", *options, "```"]
    lines += [f"% imported, no reflection field for it: {c}" for c in post.comments]
    at = 0
    if not post.needs_title:  # the first Markdown cell starts with the title
        at = 1 + next(
            i
            for i, cell in enumerate(cells)
            if isinstance(cell, dict)
            and cell.get("cell_type") == "markdown"
            and _text(cell).strip()
        )
    else:
        lines = [f"# {post.title}", "", *lines]
    cell: dict[str, object] = {"cell_type": "markdown", "metadata": {}, "source": _source(lines)}
    version = (int(notebook.get("nbformat") or 0), int(notebook.get("nbformat_minor") or 0))
    if version >= (4, 5):
        taken = {str(c.get("id")) for c in cells if isinstance(c, dict)}
        cell["id"] = next(
            f"reflection{n or ''}"
            for n in range(len(taken) + 1)
            if f"reflection{n or ''}" not in taken
        )
    cells.insert(at, cell)
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _text(cell: dict[str, object]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _source(lines: list[str]) -> list[str]:
    """Lines as a notebook stores them: each but the last with its newline."""
    return [line + "\n" for line in lines[:-1]] + lines[-1:]
