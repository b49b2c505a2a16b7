# Every directive and role of sphinx-reflections, once in MyST (pages/*.md) and once in
# reStructuredText (pages/*.rst), with the same content. test_syntax.py builds the root
# twice, each time without one of the two (exclude_patterns), so both builds have the
# same docnames and their doctrees can be compared as they are.
extensions = ["myst_parser", "sphinx_reflections"]
project = "Syntax test"
reflections_authors = {
    "jenny": {
        "name": "Jenny Exempel",
        "role": "Marknadsdirektör",
        "organization": "Exempelbolaget Nordic",
        "avatar": "_static/people/jenny.svg",
        "bio": "Twenty years in customer experience.",
        "handle": "JennyExempel",
        "links": {"LinkedIn": "https://www.linkedin.com/in/example"},
    },
    "bjorn": {"name": "Björn Öhman", "role": "CEO", "handle": "BjörnÖhman"},
}
reflections_events = {
    "kontaktdagen-2023": {
        "name": "Kontaktdagen 2023",
        "start": "2023-05-24",
        "end": "2023-05-25",
        "location": "Stockholm",
        "url": "https://example.org/kontaktdagen",
        "hashtag": "Kontaktdagen2023",
    },
}
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
# the snapshots are about each page's own markup, not about which pages are related
reflections_related = 0
