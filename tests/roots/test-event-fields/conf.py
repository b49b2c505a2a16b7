extensions = ["myst_parser", "sphinx_reflections"]
project = "Event fields"
reflections_authors = {"jenny": {"name": "Jenny Exempel"}}
reflections_events = "events.yml"
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
