"""Check the layers of sphinx_reflections: every import points down, and nothing cycles.

Reads every module's imports with ``ast`` (inside functions and under
``TYPE_CHECKING`` too) and checks them against ``LAYERS``: a module may
import modules of lower layers only, and modules of one layer never import
each other, unless the layer is a package with an order of its own (the CLI).
Run by ``make lint`` and by ``tests/test_layers.py``; exits 1 with one line
per offending import.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "sphinx_reflections"
ROOT = Path(__file__).resolve().parent.parent / "src" / PACKAGE

#: Top to bottom. Each entry: (name, modules). A module name ending in ``.*``
#: stands for a package; its modules may import each other (their own order is
#: checked for cycles only).
LAYERS: list[tuple[str, list[str]]] = [
    (
        "entry points",
        ["sphinx_reflections", "sphinx_reflections.__main__", "sphinx_reflections.links"],
    ),
    ("command line", ["sphinx_reflections.cli.*"]),
    ("generated site", ["sphinx_reflections.site.*"]),
    ("resolution stage", ["sphinx_reflections.resolve"]),
    ("writers' hints", ["sphinx_reflections.writing"]),
    (
        "page features",
        [
            "sphinx_reflections.frontmatter",
            "sphinx_reflections.listings",
            "sphinx_reflections.metadata",
            "sphinx_reflections.naming",
        ],
    ),
    ("metadata fields", ["sphinx_reflections.fields"]),
    ("cards and callouts", ["sphinx_reflections.authors", "sphinx_reflections.events"]),
    (
        "reading: hashtags, mentions, what to read again",
        ["sphinx_reflections.hashtags", "sphinx_reflections.outdated"],
    ),
    ("domain", ["sphinx_reflections.domain"]),
    ("what the domain stores", ["sphinx_reflections.store"]),
    ("nodes", ["sphinx_reflections.nodes"]),
    (
        "registries, records, memory",
        ["sphinx_reflections.memory", "sphinx_reflections.records", "sphinx_reflections.registry"],
    ),
    (
        "options and labels",
        ["sphinx_reflections.config", "sphinx_reflections.i18n", "sphinx_reflections.neighbours"],
    ),
    ("advice for writers", ["sphinx_reflections.advice", "sphinx_reflections.messages"]),
    (
        "helpers",
        [
            "sphinx_reflections._version",
            "sphinx_reflections.compat",
            "sphinx_reflections.dates",
            "sphinx_reflections.files",
            "sphinx_reflections.text",
            "sphinx_reflections.urls",
            "sphinx_reflections.warnings_",
        ],
    ),
]


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module of this package, line) for every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            # ``from . import nodes`` imports the submodule ``nodes``
            for alias in node.names:
                yield (
                    f"{target}.{alias.name}" if f"{target}.{alias.name}" in _KNOWN else target,
                    node.lineno,
                )


_KNOWN: set[str] = set()


def layer_of(module: str) -> int:
    for index, (_name, members) in enumerate(LAYERS):
        for member in members:
            if member.endswith(".*"):
                package = member[:-2]
                if module == package or module.startswith(package + "."):
                    return index
            elif module == member:
                return index
    raise KeyError(module)


def _package(module: str) -> str | None:
    """The package a ``.*`` layer member stands for, when the module is in one."""
    for _name, members in LAYERS:
        for member in members:
            package = member[:-2]
            if member.endswith(".*") and (module == package or module.startswith(package + ".")):
                return package
    return None


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def problems(root: Path = ROOT) -> list[str]:
    """One line per import that breaks the layers, and one per cycle."""
    found: list[str] = []
    mods = modules(root)
    _KNOWN.clear()
    _KNOWN.update(mods)
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        try:
            own = layer_of(name)
        except KeyError:
            found.append(f"{path}: module {name} is in no layer of tools/check_layers.py")
            continue
        for target, line in imports(name, path):
            if target not in mods:
                found.append(f"{path}:{line}: imports {target}, which does not exist")
                continue
            if target == name:
                continue
            edges.setdefault(name, set()).add(target)
            other = layer_of(target)
            same_package = _package(name) is not None and _package(name) == _package(target)
            if other < own:
                found.append(
                    f"{path}:{line}: {name} ({LAYERS[own][0]}) imports {target} "
                    f"({LAYERS[other][0]}), a layer above it"
                )
            elif other == own and not same_package:
                found.append(
                    f"{path}:{line}: {name} imports {target}, in the same layer "
                    f"({LAYERS[own][0]}); modules of one layer are independent"
                )
    for group in cycles(edges):
        found.append("import cycle among: " + ", ".join(group))
    return list(dict.fromkeys(found))


def main() -> int:
    found = problems()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} layer problem(s); the layers are listed in tools/check_layers.py")
        return 1
    print(f"layers: {len(modules())} modules in {len(LAYERS)} layers, no upward import, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
