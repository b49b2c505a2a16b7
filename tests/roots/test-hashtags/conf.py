extensions = ["myst_parser", "sphinx_reflections"]
myst_enable_extensions = ["colon_fence"]
reflections_authors = {
    "jenny": {"name": "Jenny Exempel", "handle": "JennyExempel"},
    "bjorn": {"name": "Björn Öhman", "handle": "BjörnÖhman"},
}
reflections_tag_aliases = {"kd23": "Kontaktdagen2023"}
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
