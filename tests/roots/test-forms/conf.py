extensions = ["myst_parser", "sphinx_reflections"]
reflections_authors = {
    "jenny": {"name": "Jenny Exempel", "role": "Marknadsdirektör"},
    "bjorn": {"name": "Björn Öhman"},
}
exclude_patterns = ["_build"]
