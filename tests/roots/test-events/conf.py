extensions = ["myst_parser", "sphinx_reflections"]
project = "Events test"
reflections_authors = {"jenny": {"name": "Jenny Exempel"}, "bjorn": {"name": "Björn Öhman"}}
reflections_events = "events.yml"
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
