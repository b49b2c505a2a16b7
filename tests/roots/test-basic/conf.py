extensions = ["myst_parser", "sphinx_reflections"]
reflections_authors = "people.yml"
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
