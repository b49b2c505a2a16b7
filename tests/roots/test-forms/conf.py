extensions = ["myst_parser", "sphinx_reflections"]
reflections_authors = {
    "jenny": {"name": "Jenny Exempel", "role": "Marknadsdirektör"},
    "bjorn": {"name": "Björn Öhman"},
}
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
