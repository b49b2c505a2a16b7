"""Sphinx configuration for the Exempelbolaget knowledge base and the sphinx-reflections manual.

The site is both the showcase (a small, fictional company knowledge base with
reflection pieces) and the extension's manual. It builds with
``sphinx-build -W --keep-going``: every warning is an error.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _installed_version
from pathlib import Path

HERE = Path(__file__).parent.resolve()
sys.path.insert(0, str(HERE / "_ext"))

# -- project ------------------------------------------------------------------------

project = "Exempelbolaget Knowledge Base"
author = "Exempelbolaget Nordic (a fictional company)"
copyright = "2026, the sphinx-reflections developers. Example content is fictional"
language = "en"

try:
    release = _installed_version("sphinx-reflections")
except PackageNotFoundError:  # building from a checkout without installing
    release = "0+unknown"
version = ".".join(release.split(".")[:2])

# -- extensions -------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx_reflections",  # loads sphinx_design for you
    "reflections_reference",  # docs/_ext: reference tables generated from the code
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# -- sphinx-reflections --------------------------------------------------------------

reflections_authors = "people.yml"
reflections_events = "events.yml"
reflections_series = {
    "complaints": {
        "name": "A month of complaints",
        "description": (
            "In January 2025 the evening desk in Umeå read every written complaint it "
            "received. Three pieces on what that was like, what the complaints had in "
            "common, and what changed because of them."
        ),
    },
}
# small, so that the showcase's archive and #CX page show their page links;
# a real knowledge base would list twenty or so per page
reflections_page_size = 4

# -- HTML ---------------------------------------------------------------------------

# The showcase's fictional address; on Read the Docs none is set, so the extension uses
# the version's canonical URL (READTHEDOCS_CANONICAL_URL) for feeds and metadata.
html_baseurl = "" if os.environ.get("READTHEDOCS") else "https://kb.example.com/"
html_title = "Exempelbolaget Knowledge Base"
html_static_path = ["_static"]
html_css_files = ["kb.css"]
html_theme = "furo" if importlib.util.find_spec("furo") else "alabaster"
html_theme_options: dict[str, object] = {}
if html_theme == "furo":
    html_theme_options = {"navigation_with_keys": True}
