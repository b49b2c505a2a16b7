"""Hashtags and mentions: what is linked, tag identity, slugs, pages, clouds."""

from __future__ import annotations

from pathlib import Path

import pytest

from reflections_testutil import copy_root, edit, soup, warnings_of
from sphinx_reflections.domain import get_domain
from sphinx_reflections.text import scan, slugify, tag_key

HANDLES = {"jennyexempel": "jenny", "björnöhman": "bjorn"}


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in scan(text, lambda h: HANDLES.get(tag_key(h)))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#Kontaktdagen2023", [("tag", "#Kontaktdagen2023")]),
        ("at #tag.", [("tag", "#tag")]),
        ("(#tag)", [("tag", "#tag")]),
        ("«#tag»", [("tag", "#tag")]),
        ('"#tag"', [("tag", "#tag")]),
        ("#tag, #other!", [("tag", "#tag"), ("tag", "#other")]),
        ("#snake_case_2", [("tag", "#snake_case_2")]),
        ("#Mässa2024", [("tag", "#Mässa2024")]),
        ("#שלום עולם", [("tag", "#שלום")]),
        ("#日本語", [("tag", "#日本語")]),
        ("#हिन्दी", [("tag", "#हिन्दी")]),  # combining vowel signs stay in the tag
        ("https://example.org/#frag", []),
        ("page.html#anchor", []),
        ("C# and F#", []),
        ("#1 and #2023", []),
        ("##", []),
        ("## heading-ish", []),
        ("#🙂 #_x", []),
        ("a#b", []),
        ("@JennyExempel", [("mention", "@JennyExempel")]),
        ("@jennyexempel!", [("mention", "@jennyexempel")]),
        ("@BjörnÖhman spoke", [("mention", "@BjörnÖhman")]),
        ("jenny@example.com", []),
        ("@user@example.com", []),
        ("@JennyExempel@example.com", []),
        ("@JennyExempel.example", []),
        ("@JennyExempel. Then", [("mention", "@JennyExempel")]),
        ("@Stranger", []),
        ("(@JennyExempel)", [("mention", "@JennyExempel")]),
    ],
)
def test_scan_tricky_strings(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


def test_tag_identity_and_slugs() -> None:
    assert tag_key("#Kontaktdagen2023") == tag_key("kontaktdagen2023")
    assert tag_key("Mässa") != tag_key("Massa")
    assert tag_key("Ma\u0308ssa") == tag_key("Mässa")  # NFC
    assert slugify("Mässa2024") == "mässa2024"
    assert slugify("Mässa2024", ascii_only=True) == "massa2024"
    assert slugify("Bageri_Öst") == "bageri-öst"
    assert slugify("שלום") == "שלום"
    assert slugify("שלום", ascii_only=True).startswith("tag-")


def test_scan_is_linear() -> None:
    """Ten times the text, about ten times the work: counted in calls, not timed."""
    import sys

    def calls(n: int) -> int:
        text = "word #tag @JennyExempel mail@example.com (#x) #å " * n
        count = 0

        def profiler(_frame: object, event: str, _arg: object) -> None:
            nonlocal count
            if event in ("call", "c_call"):
                count += 1

        sys.setprofile(profiler)
        try:
            scan(text, lambda h: HANDLES.get(tag_key(h)))
        finally:
            sys.setprofile(None)
        return count

    small, large = calls(200), calls(2000)
    assert small > 200  # the profiler saw the scanner work
    assert large <= small * 11  # linear, not quadratic (which would be ~100x)


@pytest.mark.sphinx("html", testroot="hashtags")
def test_autolink_where_prose_is(app) -> None:
    app.build()
    assert warnings_of(app) == []
    page = soup(app.outdir / "conference.html")
    body = page.select_one("section")
    linked = [a.get_text() for a in body.select("a > .reflections-hashtag")]
    # the byline first, then the text in order
    text_tags = [t for t in linked if t not in ("#CX",)]
    assert text_tags.count("#Kontaktdagen2023") >= 2 and "#kontaktdagen2023" in text_tags
    for tag in ("#BageriÖst", "#ListTag", "#TableTag", "#NoteTag", "#Paren", "#Dot", "#שלום"):
        assert tag in linked, tag
    html = str(body)
    for never in ("#NotCode", "#NotInCodeBlock", "#NotLinked", "#NotRaw", "#frag", "#bare"):
        assert f'class="reflections-hashtag">{never}' not in html, never
        assert never in html
    assert page.select_one("h1").get_text().startswith("What #Kontaktdagen2023")
    assert not page.select("h1 .reflections-hashtag")
    mentions = body.select("a > .reflections-mention")
    assert [m.get_text() for m in mentions] == ["@BjörnÖhman"]
    assert mentions[0].parent["href"] == "reflections/authors/bjorn.html"
    assert "@user@example.com" in body.get_text() and "@Stranger" in body.get_text()
    assert "jenny@example.com" in body.get_text()


@pytest.mark.sphinx("html", testroot="hashtags")
def test_rst_and_roles(app) -> None:
    app.build()
    later = soup(app.outdir / "later.html").select_one("section")
    linked = [a.get_text() for a in later.select("a > .reflections-hashtag")]
    for tag in ("#kontaktdagen2023", "#kd23", "#Mässa2024", "#massa2024", "#ListTag", "#NoteTag"):
        assert tag in linked
    assert "#NotLiteral" not in linked and "#NotLinked" not in linked
    assert later.select_one(".admonition a > .reflections-mention").get_text() == "@JennyExempel"
    # an alias links to the canonical tag page
    kd23 = next(a for a in later.select("a") if a.get_text() == "#kd23")
    assert kd23["href"] == "reflections/tags/kontaktdagen2023.html"
    kb = soup(app.outdir / "kb.html").select_one("section")
    role = next(a for a in kb.select("a") if a.get_text() == "#Kontaktdagen2023")
    assert role["href"] == "reflections/tags/kontaktdagen2023.html"
    mentions = [
        (a.get_text(), a["href"]) for a in kb.select("a") if a.select_one(".reflections-mention")
    ]
    assert mentions == [
        ("Jenny Exempel", "reflections/authors/jenny.html"),
        ("the boss", "reflections/authors/bjorn.html"),
    ]


@pytest.mark.sphinx("html", testroot="hashtags")
def test_tag_pages(app) -> None:
    app.build()
    table = get_domain(app.env).tag_table
    info = table[tag_key("kontaktdagen2023")]
    # the alias spelling wins over the most used one
    assert info.name == "Kontaktdagen2023"
    page = soup(app.outdir / "reflections/tags/kontaktdagen2023.html")
    assert page.select_one("h1").get_text().rstrip("¶") == "#Kontaktdagen2023"
    titles = [a.get_text() for a in page.select(".reflections-entry-title a")]
    assert titles == ["Later thoughts", "What #Kontaktdagen2023 taught me"]
    others = [a.get_text() for a in page.select(".reflections-pages a")]
    assert others == ["An ordinary article"]
    assert "#kd23" in page.select_one(".reflections-aliases").get_text()
    # front matter tags and text tags are one tag: cx
    cx = soup(app.outdir / "reflections/tags/cx.html")
    assert cx.select_one("h1").get_text().rstrip("¶") in ("#CX", "#cx")
    assert len(cx.select(".reflections-entry")) == 2
    # letters kept; mässa and massa are different tags
    assert (app.outdir / "reflections/tags/mässa2024.html").is_file()
    assert (app.outdir / "reflections/tags/massa2024.html").is_file()
    # drafts stay out of tag pages
    assert tag_key("SecretTag") not in table
    assert not (app.outdir / "reflections/tags/secrettag.html").exists()
    # on its own page the tag is marked as the current one (not a plain black word),
    # in bylines and summaries alike; every other tag is an ordinary link
    own = [
        a
        for a in page.select(".reflections-list a")
        if a.get_text().casefold() in ("#kontaktdagen2023", "#kd23")  # kd23: its alias
    ]
    assert own and all(
        a["aria-current"] == "page" and "reflections-current" in a["class"] for a in own
    )
    others = [a for a in page.select(".reflections-list a") if a not in own]
    assert others and not any(a.get("aria-current") for a in others)
    archive = soup(app.outdir / "reflections/index.html")
    summary = archive.select(".reflections-summary")[-1]
    assert summary.select_one("a > .reflections-hashtag").get_text() == "#Kontaktdagen2023"
    assert summary.select_one("a > .reflections-mention").get_text() == "@BjörnÖhman"


@pytest.mark.sphinx("html", testroot="hashtags", confoverrides={"html_baseurl": ""})
def test_alias_page_points_to_the_canonical_tag(app) -> None:
    app.build()
    alias = soup(app.outdir / "reflections/tags/kd23.html")
    refresh = alias.select_one('meta[http-equiv="refresh"]')
    assert refresh["content"] == "0; url=kontaktdagen2023.html"
    assert alias.select_one('link[rel="canonical"]')["href"] == "kontaktdagen2023.html"
    assert alias.select_one(".reflections-alias-note a")["href"] == "kontaktdagen2023.html"


@pytest.mark.sphinx(
    "html", testroot="hashtags", confoverrides={"html_baseurl": "https://kb.example.com/"}
)
def test_alias_canonical_is_absolute_with_baseurl(app) -> None:
    app.build()
    alias = soup(app.outdir / "reflections/tags/kd23.html")
    canonical = alias.select('link[rel="canonical"]')
    assert [c["href"] for c in canonical] == [
        "https://kb.example.com/reflections/tags/kontaktdagen2023.html"
    ]


@pytest.mark.sphinx("html", testroot="hashtags")
def test_tags_index_and_cloud(app) -> None:
    app.build()
    index = soup(app.outdir / "reflections/tags/index.html")
    items = {
        li.select_one(".reflections-hashtag").get_text(): li.select_one(
            ".reflections-count"
        ).get_text()
        for li in index.select(".reflections-hashtag-cloud li")
    }
    assert items["#Kontaktdagen2023"] == " (3)"
    assert items["#CX"] == " (3)" or items.get("#cx") == " (3)"
    assert "#SecretTag" not in items
    cloud = soup(app.outdir / "index.html").select_one("nav.reflections-hashtag-cloud")
    assert cloud["aria-label"] == "Hashtags"
    weights = {
        li.select_one(".reflections-hashtag").get_text(): next(
            c for c in li["class"] if "weight" in c
        )
        for li in cloud.select("li")
    }
    assert weights["#Kontaktdagen2023"] == "reflections-weight-5"
    assert weights["#BageriÖst"] == "reflections-weight-1"
    link = cloud.select_one("a")
    assert link["href"].startswith("reflections/tags/")


@pytest.mark.sphinx("html", testroot="hashtags")
def test_mentioned_in_on_person_page(app) -> None:
    app.build()
    bjorn = soup(app.outdir / "reflections/authors/bjorn.html")
    mentioned = [a.get_text() for a in bjorn.select(".reflections-mentioned a")]
    assert mentioned == ["What #Kontaktdagen2023 taught me", "An ordinary article"]
    jenny = soup(app.outdir / "reflections/authors/jenny.html")
    assert [a.get_text() for a in jenny.select(".reflections-mentioned a")] == [
        "An ordinary article",
        "Later thoughts",
    ]


@pytest.mark.sphinx(
    "html",
    testroot="hashtags",
    confoverrides={"reflections_hashtag_autolink": False, "reflections_mention_autolink": False},
)
def test_autolink_off(app) -> None:
    app.build()
    body = soup(app.outdir / "conference.html").select_one("section")
    assert not body.select("section > p > a > .reflections-hashtag")
    assert not body.select(".reflections-mention")
    # roles still work
    kb = soup(app.outdir / "kb.html")
    assert kb.select("a > .reflections-hashtag")


@pytest.mark.sphinx(
    "html", testroot="hashtags", freshenv=True, confoverrides={"reflections_slug_ascii": True}
)
def test_ascii_slugs_collide_with_a_warning(app) -> None:
    app.build()
    duplicates = [w for w in warnings_of(app) if w.endswith("[reflections.duplicate]")]
    assert len(duplicates) == 1
    assert (
        "would be written to 'reflections/tags/massa2024', which #massa2024 already has; "
        "it gets 'reflections/tags/massa2024-2' instead" in duplicates[0]
    )
    assert (app.outdir / "reflections/tags/massa2024.html").is_file()
    assert (app.outdir / "reflections/tags/massa2024-2.html").is_file()
    titles = {
        soup(app.outdir / f"reflections/tags/{slug}.html").select_one("h1").get_text().rstrip("¶")
        for slug in ("massa2024", "massa2024-2")
    }
    assert titles == {"#massa2024", "#Mässa2024"}


def test_unknown_mention_and_bad_hashtag_role_warn(make_app, tmp_path) -> None:
    src = _copy(tmp_path, "roles")
    (src / "kb.md").write_text(
        "# KB\n\n{mention}`nobody` and {hashtag}`2023` here.\n", encoding="utf-8"
    )
    app = make_app("html", srcdir=src)
    app.build()
    found = warnings_of(app)
    assert any("kb.md:3" in w and w.endswith("[reflections.unknown-author]") for w in found)
    assert any("kb.md:3" in w and w.endswith("[reflections.bad-metadata]") for w in found)


@pytest.mark.sphinx("text", testroot="hashtags")
def test_text_builder_plain(app) -> None:
    app.build()
    assert warnings_of(app) == []
    text = (app.outdir / "conference.txt").read_text()
    assert "We met at #Kontaktdagen2023 and talked" in text
    assert "@BjörnÖhman spoke" in text


@pytest.mark.sphinx("latex", testroot="hashtags")
def test_latex_index_of_hashtags(app) -> None:
    app.build()
    assert warnings_of(app) == []
    tex = next(app.outdir.glob("*.tex")).read_text()
    # filed under K and B, not under symbols
    assert r"\index{Kontaktdagen2023@\spxentry{\#Kontaktdagen2023}}" in tex
    assert r"\index{Björn Öhman@\spxentry{Björn Öhman}}" in tex


def _copy(tmp_path: Path, name: str) -> Path:
    return copy_root("hashtags", tmp_path, name)


def test_incremental_tag_change(make_app, tmp_path) -> None:
    src = _copy(tmp_path, "incr")
    app = make_app("html", srcdir=src)
    app.build()
    kb_html = app.outdir / "kb.html"
    kb_mtime = kb_html.stat().st_mtime_ns
    assert not (app.outdir / "reflections/tags/fresh.html").exists()
    later = src / "later.rst"
    edit(later, "#massa2024", "#Fresh")
    app2 = make_app("html", srcdir=src)
    app2.build()
    assert (app2.outdir / "reflections/tags/fresh.html").is_file()
    index = soup(app2.outdir / "reflections/tags/index.html").get_text()
    assert "#Fresh" in index and "#massa2024" not in index
    cloud = soup(app2.outdir / "index.html").select_one("nav.reflections-hashtag-cloud").get_text()
    assert "#Fresh" in cloud and "#massa2024" not in cloud
    assert kb_html.stat().st_mtime_ns == kb_mtime  # unrelated page untouched


def test_parallel_equals_serial(make_app, tmp_path) -> None:
    outputs = []
    for jobs in (1, 2):
        src = _copy(tmp_path, f"j{jobs}")
        for i in range(8):
            (src / f"extra{i}.md").write_text(
                f"# Extra {i}\n\n#Kontaktdagen2023 #kontaktdagen2023 #Tag{i % 3} @JennyExempel\n",
                encoding="utf-8",
            )
        with (src / "index.rst").open("a") as index:
            index.write("\n.. toctree::\n   :glob:\n\n   extra*\n")
        app = make_app("html", srcdir=src, parallel=jobs)
        app.build()
        outputs.append(
            {p.relative_to(app.outdir): p.read_bytes() for p in app.outdir.rglob("*.html")}
        )
    assert outputs[0].keys() == outputs[1].keys()
    assert [k for k in outputs[0] if outputs[0][k] != outputs[1][k]] == []


def test_alias_to_an_unused_tag_suggests_the_closest(make_app, tmp_path) -> None:
    src = _copy(tmp_path, "aliases")
    app = make_app(
        "html", srcdir=src, confoverrides={"reflections_tag_aliases": {"kd": "Kontaktdagen2032"}}
    )
    app.build()
    found = [w for w in warnings_of(app) if w.endswith("[reflections.config]")]
    assert len(found) == 1
    assert (
        "#kd points to #Kontaktdagen2032, which no page uses (did you mean #Kontaktdagen2023?)"
        in found[0]
    )


@pytest.mark.sphinx("html", testroot="hashtags")
def test_general_index_points_to_pages_once(app) -> None:
    """A tag typed three times on a page gives one index link to that page, not three."""
    app.build()
    index = soup(app.outdir / "genindex.html")
    links = [
        a["href"]
        for a in index.select("a[href^='conference.html#']")
        if "kontaktdagen2023" in (a.find_parent("li").get_text().casefold())
    ]
    assert len(links) == 1, links
