extensions = ["myst_parser", "sphinx_reflections"]
reflections_authors = "people.yml"
reflections_events = "events.yml"
reflections_tags = "tags.yml"
reflections_unknown_tags = "warn"
exclude_patterns = ["_build"]
reflections_writer_hints = True  # hints for writers, as `sphinx-reflections check` gives them
