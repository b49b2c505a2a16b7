"""Links to another site's people, tags, events and series, for projects without reflections.

A Sphinx project that only *links* to a knowledge base with reflections loads
this instead of the whole extension (which would add an archive, a tags index
and feeds of its own)::

    extensions = ["sphinx.ext.intersphinx", "sphinx_reflections.links"]
    intersphinx_mapping = {"kb": ("https://kb.example.com/", None)}

Then ``{reflections:person}`jenny``` (or ``{external+kb:reflections:person}`jenny```),
``{reflections:tag}``, ``{reflections:event}`` and ``{reflections:series}``
link to the pages listed in that site's ``objects.inv``. The roles are the
extension's own, so a tag is found whatever its spelling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx.domains import Domain

from ._version import __version__
from .domain import OBJECT_TYPES, domain_roles

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class ReflectionsLinks(Domain):
    """The ``reflections`` domain's roles without its data: intersphinx resolves them."""

    name = "reflections"
    label = "Reflections (links to other sites)"
    object_types = OBJECT_TYPES
    roles = domain_roles()
    initial_data = {}  # noqa: RUF012 - Sphinx's own shape

    def merge_domaindata(self, docnames: Any, otherdata: dict[str, Any]) -> None:
        """Nothing is kept per document."""

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the roles; ``sphinx_reflections`` itself brings them along."""
    whole = "sphinx_reflections" in app.extensions or "sphinx_reflections" in app.config.extensions
    if not whole:
        app.add_domain(ReflectionsLinks)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
