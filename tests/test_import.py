"""``sphinx-reflections import`` on excerpts of real blogs: every link, every post, every author.

The fixtures are a handful of posts each from four public, openly licensed blogs
(see each fixture's NOTICE.md): 18F in its Eleventy and Jekyll states, Chris
Holdgraf's ABlog site (MyST and notebooks), rOpenSci's Hugo blog. ``make
realblogs`` runs the same on the whole blogs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
import yaml
from sphinx.testing.util import SphinxTestApp

from sphinx_reflections.cli import import_ as import_command
from sphinx_reflections.cli import main
from sphinx_reflections.cli.importers.markup import heading_anchor, html_pictures
from sphinx_reflections.cli.importers.permalinks import (
    JEKYLL_STYLES,
    expand,
    hugo_urlize,
    jekyll_slug,
    placeholders,
    redirect_source,
)

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(Path(__file__).parent.parent / "tools"))
import realblogs  # noqa: E402 - tools/ is not a package


def _import(source: Path, dest: Path, *args: str) -> tuple[int, list[str], str]:
    """Run the command in-process; (exit status, stdout lines, summary)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["import", str(source), "--dest", str(dest), *args])
    return status, out.getvalue().splitlines(), err.getvalue()


def _front(path: Path) -> dict[str, object]:
    match = re.match(r"---\n(.*?)\n---\n", path.read_text(encoding="utf-8"), re.S)
    assert match, path
    data = yaml.safe_load(match[1])
    assert isinstance(data, dict)
    return data


def _notes(lines: list[str], text: str) -> list[str]:
    return [line for line in lines if text in line]


def _redirects(path: Path) -> dict[str, str]:
    pairs = [re.findall(r'"([^"]*)"', line) for line in path.read_text().splitlines()]
    return {p[0]: p[1] for p in pairs if len(p) == 2}


def _built(tmp_path: Path, name: str) -> dict[str, object]:
    """Import a fixture and build it the way ``make realblogs`` does (subprocess, -W)."""
    blog = next(b for b in realblogs.BLOGS if b.name == name)
    result = realblogs.run_blog(blog, FIXTURES / blog.fixture, tmp_path, "1")
    log = (tmp_path / f"{name}.build.txt").read_text(encoding="utf-8")
    warnings = [w for w in log.splitlines() if "WARNING" in w or "ERROR" in w]
    assert warnings == [], log  # multi-word tags ("how we work") included: ordinary metadata
    assert result["redirects"] and result["broken_count"] == 0, result["broken_redirects"]
    return result


# -- Eleventy: the issue's own example -------------------------------------------------------


def test_eleventy_template_links_become_links_and_old_addresses_redirect(tmp_path) -> None:
    source = FIXTURES / "18f-eleventy"
    status, out, summary = _import(
        source, tmp_path / "kb", "--from", "eleventy", "--permalink", "/:year/:month/:day/:slug/"
    )
    assert status == 1  # pictures that are not in the excerpt are reported
    kb = tmp_path / "kb"
    pt1 = (kb / "posts" / "senior-executives-pt1.md").read_text(encoding="utf-8")
    # {{ "/2022/08/02/senior-executives-pt2/" | url }}: an imported post
    assert (
        "1. [Work outside the traditional hierarchy to set up an initiative for success](senior-executives-pt2.md)"
        in pt1
    )
    # a post that was not imported: its address on the old site (site.yaml's host)
    assert (
        "[Use stories as leading indicators](https://18f.gsa.gov/2022/08/25/senior-executives-pt5/)"
        in pt1
    )
    assert "{{" not in pt1 and "](/" not in pt1
    award = (kb / "posts" / "andrew-hyder-award.md").read_text(encoding="utf-8")
    assert "[Forms Resource for Federalist Users](forms-resource-federalist.md)" in award
    # {% image "assets/..." "alt" %} is a picture; not in the excerpt, so shown from the old site
    assert (
        "![Andrew Hyder speaking at Code for America](https://18f.gsa.gov/assets/blog/"
        "andrew-hyder-award-2023/andrew-hyder-photo.png)" in award
    )
    assert _notes(
        out, "andrew-hyder-photo.png is not in the source; shown from https://18f.gsa.gov/"
    )
    # {{ "jeremy" | team_link }}: the person's page
    art = (kb / "posts" / "intersection-of-art-and-technology.md").read_text(encoding="utf-8")
    assert (
        "*{author}`jeremy-canfield` and {author}`melody-kramer` contributed to this post.*" in art
    )
    people = yaml.safe_load((kb / "people.yml").read_text(encoding="utf-8"))
    assert people["jeremy-canfield"] == {"name": "Jeremy Canfield"}  # first and last name
    assert people["jeffrey-durland"] == {"name": "Jeffrey Durland"}  # full_name
    # every old address: the permalink (front matter date), permalink: and redirect_from
    redirects = _redirects(kb / "redirects.txt")
    assert redirects["2022/07/20/senior-executives-pt1/index"] == "posts/senior-executives-pt1.md"
    assert redirects["2015/05/21/tockingtime/index"] == "posts/TockingTime.md"
    assert redirects["2015/05/21/TockingTime/index"] == "posts/TockingTime.md"
    assert len(redirects) == 8
    assert "7 posts" in summary and "6 links to imported pages" in summary
    assert "from the site's data file" in summary
    # the advice names paths relative to conf.py, which is not there yet: kb/conf.py
    assert out[-4:] == [
        f"Add to {os.path.relpath(kb / 'conf.py')} (paths are relative to it):",
        '    extensions = ["myst_parser", "sphinx_reflections", "sphinxext.rediraffe"]',
        '    reflections_authors = "people.yml"',
        '    rediraffe_redirects = "redirects.txt"',
    ]


def test_links_to_pages_not_imported_are_reported_without_a_site_url(tmp_path) -> None:
    source = tmp_path / "blog"
    shutil.copytree(FIXTURES / "18f-eleventy", source)
    (source / "data" / "site.yaml").unlink()  # no address of the old site anywhere
    status, out, _ = _import(
        source, tmp_path / "kb", "--from", "eleventy", "--permalink", "/:year/:month/:day/:slug/"
    )
    assert status == 1
    pt1 = (tmp_path / "kb" / "posts" / "senior-executives-pt1.md").read_text(encoding="utf-8")
    assert "(/2022/08/25/senior-executives-pt5/)" in pt1  # kept as written...
    line = next(
        i
        for i, t in enumerate(
            (source / "content/posts/2022-07-20-senior-executives-pt1.md").read_text().splitlines(),
            1,
        )
        if "pt5" in t
    )
    assert (  # ...and reported where it is
        f"blog/content/posts/2022-07-20-senior-executives-pt1.md:{line}: link to "
        "/2022/08/25/senior-executives-pt5/ on the old site: it was not imported, so the "
        "link leads nowhere; give --site-url to link to the old site, or fix it"
    ) in [o.split("tmp_path", 1)[-1] for o in _strip_prefix(out, tmp_path)]
    assert "(senior-executives-pt2.md)" in pt1  # imported posts are linked all the same


def _strip_prefix(lines: list[str], tmp_path: Path) -> list[str]:
    """Report lines with the paths shown from tmp_path (the command prints them relative)."""
    found = []
    for line in lines:
        path, sep, rest = line.partition(":")
        if sep and Path(path).is_absolute() is False:
            with contextlib.suppress(ValueError):
                path = Path(os.path.relpath(Path(path).resolve(), tmp_path)).as_posix()
        found.append(f"{path}{sep}{rest}")
    return found


@pytest.mark.sphinx
def test_eleventy_fixture_builds_and_every_old_address_resolves(tmp_path) -> None:
    result = _built(tmp_path, "18f-eleventy")
    assert result["redirects"] == 8
    html = tmp_path / "18f-eleventy" / "_build" / "html"
    # a redirect page in place of the old address, leading to the new page
    old = html / "2022" / "08" / "02" / "senior-executives-pt2" / "index.html"
    assert (
        realblogs._redirect_target(old)
        == (html / "blog/posts/senior-executives-pt2.html").resolve()
    )
    page = (html / "blog/posts/senior-executives-pt1.html").read_text(encoding="utf-8")
    assert 'href="senior-executives-pt2.html"' in page


# -- Jekyll ----------------------------------------------------------------------------------


def test_jekyll_links_figures_and_authors(tmp_path) -> None:
    _status, _out, summary = _import(FIXTURES / "18f-jekyll", tmp_path / "kb", "--from", "jekyll")
    kb = tmp_path / "kb"
    midas = (kb / "open-source-hack-series-midas.md").read_text(encoding="utf-8")
    # {{site.baseurl}}/2014/07/16/.../: an imported post
    assert "](midas-a-marketplace-for-innovation-in-government.md)" in midas
    turnout = (kb / "great-community-turnout-for-open-source-hack-night.md").read_text()
    # the old site's full address, with and without the final slash
    assert "[October open source hack night](open-source-hack-series-midas.md)" in turnout
    assert "](midas-a-marketplace-for-innovation-in-government.md)" in turnout
    talent = (kb / "ask-18f-talent.md").read_text(encoding="utf-8")
    # <figure><img src="{{site.baseurl}}/assets/..."></figure>: a MyST figure, picture copied
    assert (
        "```{figure} _imported/assets/blog/tts-talent/tts-talent-referral-form.jpg\n:alt: Screenshot of the TTS Referral Submission Form"
        in talent
    )
    assert (kb / "_imported/assets/blog/tts-talent/tts-talent-referral-form.jpg").read_bytes() == (
        FIXTURES / "18f-jekyll/assets/blog/tts-talent/tts-talent-referral-form.jpg"
    ).read_bytes()
    people = yaml.safe_load((kb / "people.yml").read_text(encoding="utf-8"))
    # names from the _authors collection (`name` there repeats the id: first and last name win)
    assert people["sean-herron"] == {"name": "Sean Herron"}
    assert people["joe-polastre"] == {"name": "Joe Polastre"}
    redirects = _redirects(kb / "redirects.txt")
    # permalink: pretty, and the post's own permalink and redirect_from
    assert (
        redirects["2014/10/01/open-source-hack-series-midas/index"]
        == "open-source-hack-series-midas.md"
    )
    assert redirects["2015/05/21/TockingTime/index"] == "TockingTime.md"
    assert "url and baseurl in _config.yml" in summary
    # a cover picture that is not in the excerpt: the old site's copy, as the image
    tock = _front(kb / "TockingTime.md")["reflection"]
    assert tock["image"] == "https://18f.gsa.gov/assets/blog/tockingtime/tock03.jpg"  # type: ignore[index]


@pytest.mark.sphinx
def test_jekyll_fixture_builds_and_every_old_address_resolves(tmp_path) -> None:
    _built(tmp_path, "18f-jekyll")


# -- ABlog: MyST, notebooks, one author ----------------------------------------------------


def test_ablog_notebooks_default_author_and_redirects(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(import_command, "notebooks_supported", lambda: True)
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "conf.py").write_text('extensions = ["myst_parser", "sphinx_reflections"]\n')
    _status, out, summary = _import(
        FIXTURES / "choldgraf", kb, "--from", "ablog", "--author", "Chris Holdgraf"
    )
    assert out[
        out.index(f"Add to {os.path.relpath(kb / 'conf.py')} (paths are relative to it):") + 1 :
    ] == [
        '    extensions.remove("myst_parser")  # myst_nb reads MyST too',
        '    extensions += ["myst_nb", "sphinxext.rediraffe"]',
        '    reflections_authors = "people.yml"',
        '    rediraffe_redirects = "redirects.txt"',
        '    nb_execution_mode = "off"  # imported notebooks keep their outputs',
        '    # the old blog also loaded "sphinx_copybutton", "sphinx_examples", '
        '"sphinxext.opengraph": add those its posts need',
    ]
    assert "imported 7 posts (6 MyST, 1 notebook)" in summary
    # --author: every post names its author (43 of the blog's 53 posts named nobody)
    assert not _notes(out, "no author")
    assert (
        _front(kb / "blog/2022/sphinx-update-config.md")["reflection"]["author"] == "chris-holdgraf"
    )  # type: ignore[index]
    notebook = json.loads((kb / "blog/2016/2016-11-01-5_things_scipy_2016.ipynb").read_text())
    first = "".join(notebook["cells"][0]["source"])
    assert first.startswith(
        "# 5 things I learned at SciPy\n\n```{reflection}\n:author: chris-holdgraf\n:date: 2016-11-01\n:category: til\n"
    )
    assert "redirect" not in notebook["metadata"] and "tags" not in notebook["metadata"]
    # a link to the old address of a post (its ABlog redirect and rediraffe entry)
    governance = (kb / "blog/2019/2019-10-13-rust-jupyter-governance.md").read_text()
    assert "[like Rust's governance structure](../2018/rust_governance.md)" in governance
    # a page that is not a post: on the old site
    orcid = (kb / "blog/2022/orcid-auto-update.md").read_text(encoding="utf-8")
    assert "[my `publications/` page](https://chrisholdgraf.com/publications.html)" in orcid
    assert (kb / "scripts/orcid-publications.py").is_file()  # literalinclude'd: copied
    assert (kb / "images/2018/2018-10-19-rust_logo.png").is_file()
    assert _notes(
        out, "rust_teams.png is not in the source; shown from https://chrisholdgraf.com/_images/"
    )
    assert _notes(out, "uses 'socialpost', which the old blog's conf.py defined itself")
    assert _notes(out, "MyST-NB ran this notebook on every build (execution_mode: cache)")
    redirects = _redirects(kb / "redirects.txt")
    assert redirects["rust-jupyter-governance"] == "blog/2019/2019-10-13-rust-jupyter-governance.md"
    assert redirects["rust-governance"] == "blog/2018/rust_governance.md"  # conf.py's rediraffe
    assert (
        redirects["five-things-I-learned-scipy"] == "blog/2016/2016-11-01-5_things_scipy_2016.ipynb"
    )
    assert "blog/2018/rust_governance" not in redirects  # the same page, imported in place


def test_ablog_notebooks_are_reported_without_myst_nb(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(import_command, "notebooks_supported", lambda: False)
    status, out, summary = _import(FIXTURES / "choldgraf", tmp_path / "kb", "--from", "ablog")
    assert status == 1
    assert "imported 5 of 7 posts (5 MyST)" in summary  # a notebook, and a MyST-NB text notebook
    assert _notes(
        out, "2016-11-01-5_things_scipy_2016.ipynb: a notebook post, not imported: install myst-nb"
    )
    assert not (tmp_path / "kb/blog/2016/2016-11-01-5_things_scipy_2016.ipynb").exists()
    assert _notes(out, "no author; add one to the reflection, or give --author ID")


@pytest.mark.sphinx
def test_ablog_fixture_builds_with_myst_nb_and_every_old_address_resolves(tmp_path) -> None:
    pytest.importorskip("myst_nb")
    pytest.importorskip("sphinxext.rediraffe")
    _built(tmp_path, "choldgraf")
    html = tmp_path / "choldgraf" / "_build" / "html"
    notebook = (html / "blog/blog/2016/2016-11-01-5_things_scipy_2016.html").read_text()
    assert "reflections-byline" in notebook  # a notebook post is a reflection
    atom = (html / "reflections/atom.xml").read_text(encoding="utf-8")
    assert "See also" in atom  # a {seealso} in a feed entry (it crashed the build)


# -- Hugo ------------------------------------------------------------------------------------


def test_hugo_ref_relref_bundles_translations_and_author_pages(tmp_path) -> None:
    _status, _out, _summary = _import(FIXTURES / "ropensci", tmp_path / "kb", "--from", "hugo")
    kb = tmp_path / "kb" / "blog"
    posts = {p.name: p.read_text(encoding="utf-8") for p in kb.glob("*.md")}
    annual = next(t for t in posts.values() if "Code of Conduct Annual Review" in t)
    # relref "2019-01-14-conduct.md"
    assert re.search(r"\[new Code of Conduct\]\(conduct(-2)?\.md\)", annual)
    # /author/stefanie-butland/: the person's page
    assert "{author}`Stefanie Butland <stefanie-butland>`" in annual
    hello = posts["hello-from-our-new-executive-director.md"]
    # ref "<bundle folder>" names the bundle, not the first "index" of the site
    assert "](from-the-founding-director-my-farewell-to-ropensci.md)" in hello
    assert "hello-from-our-new-executive-director.es.md" in posts  # a translation
    farewell = posts["from-the-founding-director-my-farewell-to-ropensci.md"]
    assert "](hello-from-our-new-executive-director.md)" in farewell  # root-relative link
    redirects = _redirects(tmp_path / "kb" / "blog" / ".." / "redirects.txt")
    assert (
        redirects["blog/2024/03/29/hello-from-our-new-executive-director/index"]
        == "blog/hello-from-our-new-executive-director.md"
    )
    assert (
        redirects["es/blog/2024/03/29/hello-from-our-new-executive-director/index"]
        == "blog/hello-from-our-new-executive-director.es.md"
    )


@pytest.mark.sphinx
def test_hugo_fixture_builds_and_every_old_address_resolves(tmp_path) -> None:
    _built(tmp_path, "ropensci")


def test_hugo_ref_names_bundles_by_folder_never_index(tmp_path) -> None:
    content = tmp_path / "site" / "content" / "posts"
    for name in ("first", "second"):
        (content / name).mkdir(parents=True)
        (content / name / "index.md").write_text(
            f"---\ntitle: {name.title()}\ndate: 2024-01-0{1 if name == 'first' else 2}\n"
            "author: Sam Lind\n---\n"
            'See {{< ref "second" >}}, [third]({{< relref "second/index.md" >}}) '
            'and {{< ref "index" >}}.\n\n'
            '{{< imgtxt src="/img/a.png" alt="A" >}}Text{{</ imgtxt >}}\n{{< vimeo id="123" >}}\n',
            encoding="utf-8",
        )
    _status, out, _ = _import(tmp_path / "site", tmp_path / "kb", "--from", "hugo")
    first = (tmp_path / "kb/posts/first.md").read_text(encoding="utf-8")
    assert "See [Second](second.md), [third](second.md) and ." in first
    assert "![A](/img/a.png)Text\n" in first  # a theme's picture shortcode; its end goes too
    assert "<https://vimeo.com/123>" in first
    assert _notes(out, 'stripped Hugo shortcode (no imported post matches it) {{< ref "index" >}}')


# -- what the import prints for conf.py ----------------------------------------------------


def test_advice_is_relative_to_conf_py_and_appends_to_existing_files(tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser"]\nrediraffe_redirects = "moved.txt"\n', encoding="utf-8"
    )
    (docs / "moved.txt").write_text('"old/page" "new/page.md"\n', encoding="utf-8")
    _status, out, summary = _import(FIXTURES / "jekyll", docs / "essays", "--from", "jekyll")
    assert out[-3:] == [
        f"Add to {os.path.relpath(docs / 'conf.py')} (paths are relative to it):",
        '    extensions += ["sphinx_reflections"]',
        '    reflections_authors = "essays/people.yml"',
    ]
    assert (docs / "essays" / "people.yml").is_file()
    moved = (docs / "moved.txt").read_text(encoding="utf-8")
    assert moved.startswith('"old/page" "new/page.md"\n')
    assert '"2023/kontaktdagen/index" "essays/what-kontaktdagen-taught-me.md"\n' in moved
    assert "moved.txt: 3 redirects appended" in summary


def test_fragments_anchors_and_odd_links(tmp_path) -> None:
    posts = tmp_path / "blog" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2024-01-01-one.md").write_text(
        "---\ntitle: One\nauthor: Sam Lind\n---\n## Why it matters\n\nText.\n", encoding="utf-8"
    )
    (posts / "2024-01-02-two.md").write_text(
        "---\ntitle: Two\nauthor: Sam Lind\n---\n"
        "[a]({% post_url 2024-01-01-one %}#why-it-matters), "
        "[b]({% post_url 2024-01-01-one %}#gone), [c](#here:~:text=x), [d](#nowhere), "
        "[e](about:timeline), `[f](/not/a/link)`.\n\n## Here\n",
        encoding="utf-8",
    )
    _status, out, _ = _import(tmp_path / "blog", tmp_path / "kb", "--from", "jekyll")
    two = (tmp_path / "kb/two.md").read_text(encoding="utf-8")
    assert "[a](one.md#why-it-matters), [b](one.md), [c](#here), d, e, `[f](/not/a/link)`." in two
    assert _notes(out, "#gone is no heading of one.md; the link goes to the page instead")
    assert _notes(out, "#nowhere is no heading of this post; the link is removed, its text kept")
    assert _notes(out, "about:timeline is no address MyST can follow")
    assert "    myst_heading_anchors = 6  # links to headings of imported posts" in out


# -- smaller fixes ---------------------------------------------------------------------------


def test_unreadable_updated_dates_and_draft_dates_are_reported(tmp_path, monkeypatch) -> None:
    posts = tmp_path / "blog" / "_posts"
    drafts = tmp_path / "blog" / "_drafts"
    posts.mkdir(parents=True)
    drafts.mkdir()
    (posts / "2024-01-01-one.md").write_text(
        "---\ntitle: One\nauthor: Sam Lind\nlast_modified_at: next week\n---\nText.\n"
    )
    draft = drafts / "two.md"
    draft.write_text("---\ntitle: Two\nauthor: Sam Lind\n---\nText.\n")
    stamp = dt.datetime(2023, 5, 29, 12, 0, tzinfo=dt.UTC).timestamp()  # 30 May in Kiribati
    os.utime(draft, (stamp, stamp))
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        _status, out, _ = _import(tmp_path / "blog", tmp_path / "kb", "--from", "jekyll")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert _notes(out, "updated date 'next week' could not be read and is left out")
    assert _notes(
        out, "a draft without a date: dated 2023-05-29 from the file's modification time (UTC)"
    )
    assert _front(tmp_path / "kb/two.md")["reflection"]["date"] == dt.date(2023, 5, 29)  # type: ignore[index]


def test_one_problem_is_one_problem(tmp_path, monkeypatch) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "bad.rst").write_bytes(".. post:: 2023-01-01\n\nK\xf6ttbullar\n".encode("latin-1"))
    monkeypatch.chdir(tmp_path)
    _status, _, summary = _import(blog, tmp_path / "kb", "--from", "ablog")
    assert "no posts found in" in summary and "; 1 problem above" in summary


# -- the parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "values", "expected"),
    [
        ("date", {"title": "ai-in-cx", "categories": ""}, "/2023/06/10/ai-in-cx.html"),
        (
            "pretty",
            {"title": "ai-in-cx", "categories": "cx/events"},
            "/cx/events/2023/06/10/ai-in-cx/",
        ),
        ("none", {"title": "ai-in-cx", "categories": ""}, "/ai-in-cx.html"),
        ("/blog/:year/:month/:day/:slug/", {"slug": "x"}, "/blog/2023/06/10/x/"),
        ("/:short_year/:i_month/:i_day/:y_day/:title", {"title": "t"}, "/23/6/10/161/t"),
    ],
)
def test_permalink_patterns(style: str, values: dict[str, str], expected: str) -> None:
    url, unknown = expand(
        JEKYLL_STYLES.get(style, style), placeholders(dt.date(2023, 6, 10), **values)
    )
    assert (url, unknown) == (expected, [])


def test_slugs_and_redirect_sources() -> None:
    assert (
        jekyll_slug("three-ways-to manage_research projects")
        == "three-ways-to-manage-research-projects"
    )
    assert jekyll_slug("TockingTime", pretty=True, cased=True) == "TockingTime"
    assert jekyll_slug("a_b.c", pretty=True) == "a_b.c"
    assert hugo_urlize("Hello, World! Gábor") == "hello-world-gábor"
    assert expand("/:nonsense/", {})[1] == ["nonsense"]
    assert redirect_source("/2020/02/18/forms/") == "2020/02/18/forms/index"
    assert redirect_source("/posts/x.html") == "posts/x"
    assert redirect_source("/rust-governance") == "rust-governance"
    assert heading_anchor("Why *it* `matters`, really?") == "why-it-matters-really"


def test_html_pictures_become_figures_and_images() -> None:
    body = (
        '<figure>\n  <img src="/a.jpg" alt="An &quot;A&quot;">\n'
        '  <figcaption>See <a href="/b/">B</a>, <em>now</em>.</figcaption>\n</figure>\n\n'
        '<img src="/c d.png" alt="C" style="width: 5px">\n\n'
        '<figure><img src="/e.png"><p>More than a picture</p></figure>\n\n'
        '```html\n<img src="/code.png">\n```\n'
    )
    assert html_pictures(body) == (
        '```{figure} /a.jpg\n:alt: An "A"\n\nSee [B](/b/), *now*.\n```\n\n'
        "![C](</c d.png>)\n\n"
        '<figure><img src="/e.png"><p>More than a picture</p></figure>\n\n'
        '```html\n<img src="/code.png">\n```\n'
    )


def test_ablog_doc_links_locations_languages_and_default_authors(tmp_path) -> None:
    blog = tmp_path / "blog"
    (blog / "posts").mkdir(parents=True)
    (blog / "conf.py").write_text(
        'blog_baseurl = "example.github.io/blog/"\n'
        'blog_default_author = ["ann", "bo"]\n'
        'blog_authors = {"ann": ("Ann Ek", None), "bo": ("Bo Lind", "https://bo.example.org")}\n'
        'blog_locations = {"sthlm": ("Stockholm", None)}\n'
        'blog_languages = {"sv": ("Svenska", None)}\n',
        encoding="utf-8",
    )
    (blog / "about.md").write_text("# About\n", encoding="utf-8")
    (blog / "posts" / "one.md").write_text(
        "---\nblogpost: true\ndate: 2024-01-01\nlocation: sthlm\nlanguage: sv\n---\n# One\n\n"
        "{doc}`two`, {doc}`The second </posts/two>`, {doc}`/about` and "
        "{download}`the data <data.csv>` and {download}`a notebook <nb.ipynb>`.\n",
        encoding="utf-8",
    )
    (blog / "posts" / "data.csv").write_text("a,b\n", encoding="utf-8")
    (blog / "posts" / "nb.ipynb").write_text('{"cells": [], "metadata": {}}\n', encoding="utf-8")
    (blog / "posts" / "two.rst").write_text(
        "Two\n===\n\n.. post:: 2024-01-02\n\nSee :doc:`one` and :doc:`/about`.\n", encoding="utf-8"
    )
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "conf.py").write_text('extensions = ["myst_parser", "sphinx_reflections"]\n')
    _, out, summary = _import(blog, kb / "imported", "--from", "ablog")
    # a notebook offered for download is a file, not a page of the knowledge base
    assert '    exclude_patterns = ["imported/posts/nb.ipynb"]  # copied files, not pages' in out
    assert '    extensions += ["sphinxext.rediraffe"]' in out  # conf.py sets extensions: +=
    one = (kb / "imported/posts/one.md").read_text(encoding="utf-8")
    assert "{doc}`two`, {doc}`The second <two>`," in one  # absolute docnames made relative
    assert "[about](https://example.github.io/blog/about.html)" in one  # not a post
    assert "{download}`the data <data.csv>`" in one
    assert (kb / "imported/posts/data.csv").is_file()
    meta = _front(kb / "imported/posts/one.md")["reflection"]
    assert meta["author"] == ["ann-ek", "bo-lind"]  # type: ignore[index]
    assert "# imported, no reflection field for it: location: Stockholm" in one
    assert "# imported, no reflection field for it: language: Svenska" in one
    two = (kb / "imported/posts/two.rst").read_text(encoding="utf-8")
    assert "See :doc:`one` and `about <https://example.github.io/blog/about.html>`__." in two
    # imported into a folder of the knowledge base: the old addresses redirect there
    redirects = _redirects(kb / "imported" / "redirects.txt")
    assert redirects["posts/one"] == "imported/posts/one.md"
    assert redirects["posts/one/index"] == "imported/posts/one.md"
    assert "blog_baseurl in conf.py" in summary


def test_code_languages_and_quoted_titles(tmp_path) -> None:
    posts = tmp_path / "blog" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2024-01-01-one.md").write_text(
        "---\ntitle: One\nauthor: Sam Lind\n---\n"
        '![T]({{ site.baseurl }}/i.png "The \\"best\\" one")\n\n```plaintext\nx = 1\n```\n',
        encoding="utf-8",
    )
    (tmp_path / "blog" / "i.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _import(tmp_path / "blog", tmp_path / "kb", "--from", "jekyll")
    one = (tmp_path / "kb/one.md").read_text(encoding="utf-8")
    assert '![T](_imported/i.png "The \\"best\\" one")' in one
    assert "```text\nx = 1\n```" in one  # the name Pygments knows


def test_links_in_text_are_found_around_every_kind_of_code(tmp_path) -> None:
    from sphinx_reflections.cli.importers.common import Post
    from sphinx_reflections.cli.importers.links import Links, OldSite
    from sphinx_reflections.cli.importers.markup import protect_code
    from sphinx_reflections.cli.importers.report import Report

    body = (
        "```r\nx <- 1\n```\n```{figure} /a.png\n:alt: A\n```\n\n"  # a block, then a figure
        "<pre><code>\n```\n[not](/a/)\n</code></pre>\n\n"  # fences inside raw HTML <pre>
        "{doc}`one` and `[code](/a/)` and {doc}`two`; [text](/a/)\n\n"  # roles and code
        "    ```r\n    indented\n    ```\n"
    )
    hidden, restore = protect_code(body)
    assert restore(hidden) == body
    assert "```{figure} /a.png" in hidden and "[not]" not in hidden and "[code]" not in hidden
    assert "{doc}`one`" in hidden and "{doc}`two`" in hidden and "[text](/a/)" in hidden
    site = OldSite(tmp_path, url="https://old.example.org")
    post = Post(tmp_path / "p.md", Path("p.md"), "MyST", "", [], None, urls=["/p/"])
    done = Links(site, Report(tmp_path, tmp_path), lambda name: None).markdown(post, body)
    assert "```{figure} https://old.example.org/a.png" in done
    assert "[text](https://old.example.org/a/)" in done and "[not](/a/)" in done
    assert "`[code](/a/)`" in done


def test_a_tag_named_like_the_tags_index_gets_a_page_of_its_own(tmp_path) -> None:
    """A blog tag 'index' would want tags/index, the tags index's page: the advice avoids it."""
    posts = tmp_path / "blog" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2024-01-01-one.md").write_text(
        "---\ntitle: Indexing grids\nauthor: Sam Lind\ntags: [xarray, Index]\n---\nText.\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(
        'extensions = ["myst_parser"]\nhtml_baseurl = "https://kb.example.com/"\n', encoding="utf-8"
    )
    (docs / "index.md").write_text("# KB\n\n```{toctree}\n:glob:\nessays/*\n```\n")
    _status, out, _ = _import(tmp_path / "blog", docs / "essays", "--from", "jekyll")
    advice = "    reflections_tags = {'index-tag': {'name': 'Index'}}  # a page of its own, not the tags index's"
    assert advice in out
    with (docs / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(
            "\n".join(
                line.strip() for line in out[out.index(advice) - 3 :] if line.startswith("    ")
            )
        )
    app = SphinxTestApp("html", srcdir=docs, builddir=tmp_path / "_build", warning=io.StringIO())
    try:
        app.build()
        warnings = app._warning.getvalue()  # type: ignore[attr-defined]
    finally:
        app.cleanup()
    assert "WARNING" not in warnings, warnings
    html = tmp_path / "_build/html/reflections/tags"
    assert "Indexing grids" in (html / "index-tag.html").read_text(encoding="utf-8")
    assert "#Index" in (html / "index.html").read_text(encoding="utf-8")  # still the tags index
