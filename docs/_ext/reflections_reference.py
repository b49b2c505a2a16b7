"""Reference tables for the sphinx-reflections manual, generated from the code.

Nothing in the reference is typed by hand: every row comes from the object
that defines it, so the manual cannot drift from the extension.

``reflections-config-table``
    One row per field of :class:`sphinx_reflections.config.ReflectionsConfig`
    (name, accepted types, default, what a change rebuilds, help text). Each
    value is also registered as a ``confval``, so ``{confval}`reflections_authors```
    links to its row.
``reflections-warnings-table``
    One row per member of :class:`sphinx_reflections.warnings_.ReflectionsWarning`.
``reflections-css-hooks``
    One row per entry of :data:`sphinx_reflections.nodes.CSS_HOOKS`.
``reflections-pipeline``
    Every event connection of ``setup()``, by build phase, read from its source.
``reflections-layers``
    The layers of the package, from ``tools/check_layers.py``.
``reflections-event-fields``
    Every field of an event, from ``sphinx_reflections.registry.EVENT_FIELDS``;
    with ``:statuses:``, every status and what search engines and calendar
    apps are told (``STATUSES``).
``reflections-messages``
    Every message a writer can meet, by warning subtype: the subtype's
    description, then each example of :data:`sphinx_reflections.messages.EXAMPLES`
    with what ``check`` prints and the file before and after the fix.
``reflections-directives``
    Every directive of ``sphinx_reflections.DIRECTIVES`` with its arguments,
    options and docstring, and every role of ``sphinx_reflections.ROLES`` with
    its docstring (``:only: directives`` or ``:only: roles`` picks one half).
    They are registered in the ``rst`` domain, so ``{rst:dir}`author-card```
    and ``{rst:role}`author``` link to them.

Help texts and docstrings are reStructuredText. They are parsed as rST even
when the directive sits in a MyST page, so ````code```` and roles render the
same in both.
"""

from __future__ import annotations

import dataclasses as dc
import importlib
import inspect
import re
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives, states
from docutils.statemachine import string2lines
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.rst import ReSTDomain
from sphinx.domains.std import StandardDomain
from sphinx.util.docutils import SphinxDirective, new_document
from sphinx.util.typing import ExtensionMetadata

Cell = str | nodes.Node | Sequence[nodes.Node]

#: What changing a config value makes Sphinx redo (the ``rebuild`` argument of
#: ``add_config_value``), in words for the legend under the config table.
REBUILD_MEANING: dict[str, str] = {
    "env": "every page is read again on the next build",
    "html": "the HTML pages are written again; sources are not re-read",
    "": "nothing is rebuilt; takes effect on the next full build",
}

#: How a docutils option converter reads its value, in words for readers.
OPTION_KINDS: dict[Callable[..., Any], str] = {
    directives.flag: "flag, takes no value",
    directives.unchanged: "text",
    directives.unchanged_required: "text, required",
    directives.class_option: "space-separated CSS class names",
    directives.positive_int: "a whole number of 1 or more",
    directives.nonnegative_int: "a whole number of 0 or more",
    directives.uri: "a URL or path",
}


# -- helpers ---------------------------------------------------------------------------


def _module(name: str) -> ModuleType | None:
    """Import ``name``, or None when the extension does not have it (yet)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _para(*children: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for child in children:
        para += nodes.Text(child) if isinstance(child, str) else child
    return para


def _cell(content: Cell) -> nodes.entry:
    entry = nodes.entry()
    if isinstance(content, str):
        entry += _para(content)
    elif isinstance(content, nodes.Node):
        entry += content if isinstance(content, nodes.Body) else _para(content)
    else:
        for child in content:
            entry += child if isinstance(child, nodes.Body) else _para(child)
    return entry


def build_table(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], widths: Sequence[int]
) -> nodes.table:
    """A docutils table with a header row; ``widths`` are relative column widths."""
    table = nodes.table(classes=["reflections-reference-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for header in headers:
        row += _cell(header)
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for content in cells:
            row += _cell(content)
        body += row
    return table


def _python_value(value: Any) -> str:
    """A default as it would be written in ``conf.py``."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


class ReferenceDirective(SphinxDirective):
    """Shared machinery: parse rST text, and re-read the page when the code changes."""

    def parse_rst(self, text: str) -> list[nodes.Node]:
        """Parse reStructuredText into body nodes, whatever the host page's parser.

        ``self.parse_text_to_nodes`` would use MyST in a Markdown page, where
        ````code```` and ``:role:`text``` mean something else, so the text goes
        through docutils' own rST state machine, inside the page's settings.
        """
        text = inspect.cleandoc(text or "")
        if not text:
            return []
        source = self.get_source_info()[0] or self.env.docname
        document = new_document(source, self.state.document.settings)
        machine = states.RSTStateMachine(state_classes=states.state_classes, initial_state="Body")
        lines = string2lines(text, tab_width=8, convert_whitespace=True)
        machine.run(lines, document)
        children = [child.deepcopy() for child in document.children]
        machine.unlink()
        return children

    def depend_on(self, *modules: ModuleType | None) -> None:
        """Re-read this page when one of these modules changes."""
        for module in modules:
            if module is None:
                continue
            path = inspect.getsourcefile(module)
            if path:
                self.env.note_dependency(path)

    def missing(self, what: str) -> list[nodes.Node]:
        """What to show when the installed extension does not provide ``what``."""
        return [
            _para(
                "The installed version of sphinx-reflections does not expose ",
                _literal(what),
                "; this table appears once it does.",
            )
        ]

    def anchor(self, prefix: str, name: str) -> str:
        """A stable HTML id for ``name`` on this page."""
        return nodes.make_id(f"{prefix}-{name}")


# -- the four directives ------------------------------------------------------------------


class ConfigTableDirective(ReferenceDirective):
    """A table of every ``reflections_*`` value, from the ``ReflectionsConfig`` dataclass."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        module = _module("sphinx_reflections.config")
        config_class: Any = getattr(module, "ReflectionsConfig", None)
        if module is None or not (isinstance(config_class, type) and dc.is_dataclass(config_class)):
            return self.missing("sphinx_reflections.config.ReflectionsConfig")
        self.depend_on(module)
        prefix: str = getattr(module, "PREFIX", "reflections_")
        defaults = config_class()
        std = cast(StandardDomain, self.env.get_domain("std"))
        rows: list[list[Cell]] = []
        rebuilds: dict[str, None] = {}
        for field in dc.fields(config_class):
            name = prefix + field.name
            node_id = self.anchor("confval", name)
            meta = field.metadata
            types = " or ".join(t.__name__ for t in meta.get("types", ()))
            rebuild = str(meta.get("rebuild", ""))
            rebuilds[rebuild] = None
            label = _para(_literal(name))
            label["ids"].append(node_id)
            index = addnodes.index(
                entries=[("single", f"{name} (configuration value)", node_id, "", None)]
            )
            std.note_object("confval", name, node_id, location=(self.env.docname, self.lineno))
            rows.append(
                [
                    [index, label],
                    types or "any",
                    _literal(_python_value(getattr(defaults, field.name))),
                    _literal(rebuild) if rebuild else "none",
                    self.parse_rst(str(meta.get("help", ""))),
                ]
            )
        table = build_table(
            ["Option", "Type", "Default", "Rebuild", "What it does"], rows, [22, 12, 14, 8, 44]
        )
        legend = nodes.bullet_list(classes=["reflections-reference-legend"])
        for rebuild in rebuilds:
            item = nodes.list_item()
            item += _para(
                "Rebuild ",
                _literal(rebuild) if rebuild else "none",
                ": " + REBUILD_MEANING.get(rebuild, "see the Sphinx documentation") + ".",
            )
            legend += item
        return [table, legend]


class WarningsTableDirective(ReferenceDirective):
    """A table of every warning subtype, from the ``ReflectionsWarning`` Enum."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        module = _module("sphinx_reflections.warnings_")
        enum_class = getattr(module, "ReflectionsWarning", None)
        if module is None or not (isinstance(enum_class, type) and issubclass(enum_class, Enum)):
            return self.missing("sphinx_reflections.warnings_.ReflectionsWarning")
        self.depend_on(module)
        kind: str = getattr(module, "WARNING_TYPE", "reflections")
        rows: list[list[Cell]] = []
        for member in enum_class:
            name = f"{kind}.{member.value}"
            label = _para(_literal(name))
            label["ids"].append(self.anchor("warning", str(member.value)))
            rows.append([label, self.parse_rst(str(getattr(member, "description", "")))])
        return [build_table(["suppress_warnings entry", "When you see it"], rows, [30, 70])]


class MessagesDirective(ReferenceDirective):
    """Every message a writer can meet, with before and after, from ``messages.EXAMPLES``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        module = _module("sphinx_reflections.messages")
        warnings = _module("sphinx_reflections.warnings_")
        examples = getattr(module, "EXAMPLES", None)
        enum_class = getattr(warnings, "ReflectionsWarning", None)
        if module is None or warnings is None or not examples or enum_class is None:
            return self.missing("sphinx_reflections.messages.EXAMPLES")
        self.depend_on(module, warnings)
        kind: str = getattr(warnings, "WARNING_TYPE", "reflections")
        members = {str(m.value): m for m in enum_class}
        order = list(dict.fromkeys(e.subtype for e in examples))
        order += [s for s in members if s not in order]  # those only whoever runs the site sees
        result: list[nodes.Node] = []
        std = cast(StandardDomain, self.env.get_domain("std"))
        for subtype in order:
            member = members[subtype]
            node_id = self.anchor("message", subtype)
            section = nodes.section(ids=[node_id])
            title = f"{subtype}"
            section += nodes.title(title, "", _literal(title))
            # {ref}`message-front-matter` links here, from any page
            std.note_hyperlink_target(node_id, self.env.docname, node_id, title)
            section += self.parse_rst(str(getattr(member, "description", "")))
            shown = [e for e in examples if e.subtype == subtype]
            if not shown:
                section += _para(
                    "A writer does not meet this one: it is about the site's configuration. "
                    "Whoever runs the site can look it up in ",
                    self.reference_to_warnings(kind, subtype),
                    ".",
                )
            for example in shown:
                section += self.example(example)
            result.append(section)
        return result

    def reference_to_warnings(self, kind: str, subtype: str) -> nodes.Node:
        """A link to the subtype's row in the warnings reference."""
        xref = addnodes.pending_xref(
            "",
            refdomain="std",
            reftype="doc",
            reftarget="/manual/reference/warnings",
            refexplicit=True,
        )
        xref += nodes.inline(f"{kind}.{subtype}", f"{kind}.{subtype}")
        return xref

    def example(self, example: Any) -> list[nodes.Node]:
        """One mistake: its title, what check prints, the file before and after."""
        # a Markdown highlighter reads the information block's indented lines as code
        language = "yaml" if example.file.endswith((".yml", ".yaml")) else "text"
        node_id = self.anchor("message", f"{example.subtype}-{example.title}")
        title = nodes.rubric(example.title, example.title, ids=[node_id])
        found = nodes.container(classes=["reflections-message"])
        found += _para(
            nodes.strong("sphinx-reflections check says:", "sphinx-reflections check says:")
        )
        for line in example.shows:
            # code, as the terminal shows it (and so no #hashtag in it becomes a tag of the site)
            found += _para(_literal(f"{example.file}:{line}"))
        parts: list[nodes.Node] = [title, found]
        if example.why:
            parts.append(_para(example.why))
        if getattr(example, "conf", ""):
            parts.append(_para("On a site whose ", _literal("conf.py"), " says:"))
            parts.append(nodes.literal_block(example.conf, example.conf, language="python"))
        for label, text in (("Before", example.before), ("After", example.after)):
            parts.append(_para(nodes.strong(label, label), f" ({example.file}):"))
            # a Tab is what is wrong in some files; no highlighter reads those
            block = nodes.literal_block(text, text, language="text" if "\t" in text else language)
            block["highlight_args"] = {}
            parts.append(block)
        return parts


class CssHooksDirective(ReferenceDirective):
    """A table of the stable CSS classes, from ``CSS_HOOKS``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        module = _module("sphinx_reflections.nodes")
        hooks = getattr(module, "CSS_HOOKS", None)
        if module is None or not isinstance(hooks, dict):
            return self.missing("sphinx_reflections.nodes.CSS_HOOKS")
        self.depend_on(module)
        rows: list[list[Cell]] = []
        for css_class, description in hooks.items():
            label = _para(_literal("." + css_class))
            label["ids"].append(self.anchor("css", css_class))
            rows.append([label, self.parse_rst(str(description))])
        return [build_table(["Class", "Where it appears"], rows, [32, 68])]


class EventFieldsDirective(ReferenceDirective):
    """The fields of an event, from ``EVENT_FIELDS``; with ``:statuses:``, the statuses.

    The status table says what each status becomes for search engines
    (``STATUSES``: schema.org ``eventStatus``) and calendar apps (iCalendar
    ``STATUS``).
    """

    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"statuses": directives.flag}

    def run(self) -> list[nodes.Node]:
        module = _module("sphinx_reflections.registry")
        fields = getattr(module, "EVENT_FIELDS", None)
        statuses = getattr(module, "STATUSES", None)
        if module is None or not isinstance(fields, dict) or not isinstance(statuses, dict):
            return self.missing("sphinx_reflections.registry.EVENT_FIELDS")
        self.depend_on(module)
        rows: list[list[Cell]] = []
        if "statuses" in self.options:
            for status, (schema, ical) in statuses.items():
                label = _para(_literal(status))
                label["ids"].append(self.anchor("event-status", status))
                rows.append([label, _literal(schema.rsplit("/", 1)[-1]), _literal(ical)])
            headers = ["status", "schema.org eventStatus", "iCalendar STATUS"]
            return [build_table(headers, rows, [24, 40, 36])]
        for name, help_text in fields.items():
            label = _para(_literal(name))
            label["ids"].append(self.anchor("event-field", name))
            rows.append([label, self.parse_rst(str(help_text))])
        return [build_table(["Field", "What it holds"], rows, [22, 78])]


def _arguments(directive_class: type) -> str:
    required = int(getattr(directive_class, "required_arguments", 0))
    optional = int(getattr(directive_class, "optional_arguments", 0))
    if not required and not optional:
        return "none"
    parts = []
    if required:
        parts.append(f"{required} required")
    if optional:
        parts.append(f"{optional} optional")
    text = " and ".join(parts)
    return text + (" argument" if required + optional == 1 else " arguments")


def _option_kind(converter: Any) -> str:
    return OPTION_KINDS.get(converter, getattr(converter, "__name__", "a value").replace("_", " "))


def _only(value: str) -> str:
    """The ``:only:`` option: ``directives`` or ``roles``."""
    return str(directives.choice(value, ("directives", "roles")))


class DirectivesDirective(ReferenceDirective):
    """Every directive and role of ``sphinx_reflections``, with options and docstrings."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {"only": _only}

    def run(self) -> list[nodes.Node]:
        package = _module("sphinx_reflections")
        if package is None:
            return self.missing("sphinx_reflections")
        only = self.options.get("only", "")
        result: list[nodes.Node] = []
        if only in ("", "directives"):
            found: dict[str, type] = getattr(package, "DIRECTIVES", {}) or {}
            result += self.directive_list(found) if found else self.missing("DIRECTIVES")
        if only in ("", "roles"):
            roles: dict[str, object] = getattr(package, "ROLES", {}) or {}
            result += self.role_list(roles) if roles else self.missing("ROLES")
        return result

    def describe(
        self, objtype: str, name: str, shown: str, node_id: str, kind: str
    ) -> tuple[addnodes.desc, addnodes.desc_content]:
        """An object description like ``.. rst:directive::`` makes, registered in the rst domain."""
        rst = cast(ReSTDomain, self.env.get_domain("rst"))
        rst.note_object(objtype, name, node_id, location=(self.env.docname, self.lineno))
        desc = addnodes.desc(
            domain="rst",
            objtype=objtype,
            desctype=objtype,
            no_index=False,
            classes=["rst", objtype],
        )
        signature = addnodes.desc_signature("", "", ids=[node_id])
        if kind:
            annotation = addnodes.desc_annotation(kind, "")
            annotation += nodes.Text(kind)
            annotation += addnodes.desc_sig_space()
            signature += annotation
        signature += addnodes.desc_name(shown, shown)
        desc += signature
        content = addnodes.desc_content()
        desc += content
        return desc, content

    def directive_list(self, found: dict[str, type]) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for name, directive_class in found.items():
            self.depend_on(inspect.getmodule(directive_class))
            node_id = self.anchor("directive", name)
            result.append(
                addnodes.index(entries=[("single", f"{name} (directive)", node_id, "", None)])
            )
            desc, content = self.describe("directive", name, name, node_id, "directive")
            content += self.parse_rst(inspect.getdoc(directive_class) or "")
            facts = nodes.field_list()
            facts += self.field("Arguments", [_para(_arguments(directive_class))])
            facts += self.field(
                "Content",
                [_para("yes" if getattr(directive_class, "has_content", False) else "none")],
            )
            content += facts
            spec: dict[str, Any] = dict(getattr(directive_class, "option_spec", None) or {})
            for option, converter in spec.items():
                option_id = self.anchor("directive-option", f"{name}-{option}")
                option_desc, option_content = self.describe(
                    "directive:option", f"{name}:{option}", f":{option}:", option_id, ""
                )
                kind = _option_kind(converter)
                option_content += _para(kind[:1].upper() + kind[1:] + ".")
                content += option_desc
            result.append(desc)
        return result

    def role_list(self, roles: dict[str, object]) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for name, role in roles.items():
            self.depend_on(inspect.getmodule(role))
            node_id = self.anchor("role", name)
            result.append(addnodes.index(entries=[("single", f"{name} (role)", node_id, "", None)]))
            desc, content = self.describe("role", name, name, node_id, "role")
            content += self.parse_rst(inspect.getdoc(role) or "")
            result.append(desc)
        return result

    def field(self, name: str, body: list[nodes.Node]) -> nodes.field:
        field = nodes.field()
        field += nodes.field_name(name, name)
        content = nodes.field_body()
        content += body
        field += content
        return field


class CliDirective(ReferenceDirective):
    """The ``--help`` of the ``sphinx-reflections`` command and each subcommand, from argparse."""

    def run(self) -> list[nodes.Node]:
        cli = _module("sphinx_reflections.cli")
        if cli is None or not hasattr(cli, "build_parser"):
            return self.missing("sphinx_reflections.cli.build_parser")
        # the parser is built in cli/__init__.py; the choices of `new --lang` come from cli/new.py
        self.depend_on(cli, _module("sphinx_reflections.cli.new"))
        parser = cli.build_parser()
        result: list[nodes.Node] = []
        texts = [("sphinx-reflections", parser.format_help())]
        for action in parser._actions:  # argparse keeps subcommands only here
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                texts += [
                    (f"sphinx-reflections {name}", sub.format_help())
                    for name, sub in choices.items()
                ]
        for title, text in texts:
            section = nodes.section(ids=[self.anchor("cli", title.replace(" ", "-"))])
            section += nodes.title(title, title)
            block = nodes.literal_block(text, text, language="text")
            section += block
            result.append(section)
        return result


# -- how it works: the pipeline and the layers, from the code ------------------------------


def connections(source: str) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """``setup()``'s event connections: (phase, [(event, handler, priority, comment)]).

    Read from the source with ``ast`` (not by running ``setup``), with the
    ``# -- phase ---`` headings and the comment lines just above each call.
    """
    import ast

    lines = source.splitlines()
    tree = ast.parse(source)
    setup_def = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "setup")
    phases: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    for statement in setup_def.body:
        call = getattr(statement, "value", None)
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "connect"
        ):
            continue
        comment: list[str] = []
        heading = ""
        number = statement.lineno - 2
        while number >= 0 and lines[number].strip().startswith("#"):
            text = lines[number].strip().lstrip("#").strip()
            if text.startswith("--"):
                heading = text.strip("- ")
                break
            comment.insert(0, text)
            number -= 1
        if not heading:  # the heading of the phase this call is in
            for back in range(statement.lineno - 1, setup_def.lineno, -1):
                text = lines[back - 1].strip()
                if text.startswith("# --"):
                    heading = text.lstrip("#").strip().strip("- ")
                    break
        event = ast.literal_eval(call.args[0])
        handler = ast.unparse(call.args[1])
        priority = next((ast.unparse(k.value) for k in call.keywords if k.arg == "priority"), "500")
        if not phases or phases[-1][0] != heading:
            phases.append((heading, []))
        phases[-1][1].append((event, handler, priority, " ".join(comment)))
    return phases


class PipelineDirective(ReferenceDirective):
    """Every event the extension connects to, by build phase, from ``setup()``'s source."""

    def run(self) -> list[nodes.Node]:
        package = _module("sphinx_reflections")
        if package is None or package.__file__ is None:
            return self.missing("sphinx_reflections.setup")
        self.depend_on(package)
        source = Path(package.__file__).read_text(encoding="utf-8")
        result: list[nodes.Node] = []
        for phase, calls in connections(source):
            rows = []
            for event, handler, priority, comment in calls:
                text = comment or self.summary(handler)
                rows.append(
                    [
                        _literal(event),
                        _literal(handler),
                        priority if priority != "500" else "500 (default)",
                        self.parse_rst(text[0].upper() + text[1:] if text else ""),
                    ]
                )
            result.append(_para(nodes.strong(phase.capitalize(), phase.capitalize())))
            result.append(
                build_table(
                    ["Event", "Handler", "Priority", "What and why"], rows, [22, 34, 10, 44]
                )
            )
        return result

    def summary(self, handler: str) -> str:
        """The first line of the handler's docstring."""
        module_name, _dot, name = handler.rpartition(".")
        module = (
            _module(f"sphinx_reflections.{module_name}")
            or _module(f"sphinx_reflections.site.{module_name}")
            if module_name
            else _module("sphinx_reflections")
        )
        function = getattr(module, name, None) if module else None
        doc = inspect.getdoc(function) or ""
        first = doc.split("\n\n")[0].replace("\n", " ") if doc else ""
        return re.sub(r"^``[\w-]+``(?: \(\w+\))?: ", "", first)  # the event has a column


class LayersDirective(ReferenceDirective):
    """The layers of the package, top to bottom, from ``tools/check_layers.py``."""

    def run(self) -> list[nodes.Node]:
        import sys

        tools = Path(self.env.srcdir).parent / "tools"
        if str(tools) not in sys.path:
            sys.path.insert(0, str(tools))
        checker = _module("check_layers")
        if checker is None:
            return self.missing("tools/check_layers.py")
        self.depend_on(checker)
        rows = []
        for number, (name, members) in enumerate(checker.LAYERS, start=1):
            shown = []
            for member in members:
                short = (
                    member.removeprefix("sphinx_reflections").lstrip(".") or "sphinx_reflections"
                )
                shown.append(short.replace(".*", "/") if member.endswith(".*") else short)
            rows.append([str(number), name, ", ".join(shown)])
        return [build_table(["Level", "Layer", "Modules"], rows, [6, 30, 64])]


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the reference directives (a local extension of these docs)."""
    app.add_directive("reflections-config-table", ConfigTableDirective)
    app.add_directive("reflections-warnings-table", WarningsTableDirective)
    app.add_directive("reflections-css-hooks", CssHooksDirective)
    app.add_directive("reflections-messages", MessagesDirective)
    app.add_directive("reflections-directives", DirectivesDirective)
    app.add_directive("reflections-cli", CliDirective)
    app.add_directive("reflections-pipeline", PipelineDirective)
    app.add_directive("reflections-layers", LayersDirective)
    app.add_directive("reflections-event-fields", EventFieldsDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
