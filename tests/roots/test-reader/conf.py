# Reader features: related reflections, series, excerpts, pagination, feed stylesheet.
# tests/test_reader.py works out by hand which pieces are related (see its docstring).
extensions = ["myst_parser", "sphinx_reflections"]
project = "Reader test"
reflections_authors = {
    "anna": {"name": "Anna Berg", "role": "Support lead"},
    "omar": {"name": "Omar Nilsson", "role": "CTO"},
    "lena": {"name": "Lena Ek"},
    "kim": {"name": "Kim Lund"},
}
reflections_events = {
    "forum-2024": {"name": "CX Forum 2024", "start": "2024-03-01", "location": "Malmö"},
}
reflections_series = {
    "complaints": {
        "name": "A month of complaints",
        "description": "Reading every complaint for a month, and what came of it.",
    },
}
reflections_page_size = 3
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
