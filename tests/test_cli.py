"""The ``sphinx-reflections`` command: new, check and import, and their exit codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reflections_testutil import edit, warnings_of
from sphinx_reflections.cli import main
from sphinx_reflections.cli.check import parse_warnings
from sphinx_reflections.cli.importers.common import parse_blog_date
from sphinx_reflections.domain import get_domain

FIXTURES = Path(__file__).parent / "fixtures"

PEOPLE = """\
jenny:
  name: Jenny Exempel
  handle: JennyExempel
bjorn:
  name: Björn Öhman
"""
EVENTS = """\
kontaktdagen-2023:
  name: Kontaktdagen 2023
  start: 2023-05-24
"""
CONF = """\
extensions = ["myst_parser", "sphinx_reflections"]
reflections_authors = "people.yml"
reflections_events = "events.yml"
html_baseurl = "https://kb.example.com/"
exclude_patterns = ["_build"]
"""
INDEX = "# Knowledge base\n\n```{toctree}\n:glob:\n\n**\n```\n"


def _project(root: Path, conf: str = CONF) -> Path:
    """A minimal knowledge base: conf.py, both registries and a globbing index."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(conf, encoding="utf-8")
    (root / "people.yml").write_text(PEOPLE, encoding="utf-8")
    (root / "events.yml").write_text(EVENTS, encoding="utf-8")
    (root / "index.md").write_text(INDEX, encoding="utf-8")
    return root


def _page(root: Path, name: str, date: str = "2023-05-29", author: str = "jenny") -> Path:
    path = root / name
    path.write_text(
        f"---\nreflection:\n  author: {author}\n  date: {date}\n  summary: A summary.\n---\n"
        f"# {name}\n\nText.\n",
        encoding="utf-8",
    )
    return path


def _tree(root: Path) -> dict[str, str]:
    """Relative path -> content hash of every file (to prove nothing was written)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, text
    data = yaml.safe_load(match[1])
    assert isinstance(data, dict)
    return data


# -- the command as a whole -----------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["new"], ["check"], ["import"]])
def test_every_command_has_help(command: list[str], capsys) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: sphinx-reflections {' '.join(command)}".rstrip())


def test_usage_errors_exit_2(capsys) -> None:
    assert main([]) == 2
    assert main(["publish"]) == 2
    assert main(["new", "A title"]) == 2  # --author is required
    assert main(["check", "-j", "none"]) == 2
    assert "is not a number of processes" in capsys.readouterr().err


def test_python_dash_m_runs_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx_reflections", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: sphinx-reflections")
    assert "new" in result.stdout and "check" in result.stdout and "import" in result.stdout


# -- new --------------------------------------------------------------------------------------


def test_new_writes_a_reflection_and_prints_its_path(tmp_path, monkeypatch, capsys) -> None:
    _project(tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    status = main(
        [
            "new",
            "Vad Kontaktdagen lärde mig om Øresund",
            "--author",
            "jenny",
            "--date",
            "2023-05-29",
            "--tags",
            "CX,#AI, Mässa2024",
            "--event",
            "kontaktdagen-2023",
        ]
    )
    out, _ = capsys.readouterr()
    assert status == 0
    path = Path("docs/vad-kontaktdagen-larde-mig-om-oresund.md")
    assert out.strip() == str(path)
    meta = _front_matter(path)["reflection"]
    assert meta == {
        "author": "jenny",
        "date": dt.date(2023, 5, 29),
        "tags": ["CX", "AI", "Mässa2024"],
        "event": "kontaktdagen-2023",
        "summary": "One or two sentences for listings, feeds and link previews.",
        "draft": True,
    }
    text = path.read_text(encoding="utf-8")
    assert "  # category: Leadership\n" in text
    assert "  draft: true  # delete this line to publish\n" in text
    # the event's box of facts, right under the title
    assert (
        "\n# Vad Kontaktdagen lärde mig om Øresund\n\n```{event} kontaktdagen-2023\n```\n" in text
    )
    # what `new` writes builds, and `check` points at the example text still to replace
    assert main(["check", "docs", "-j", "1"]) == 1
    out, _ = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:7:3: placeholder: the summary is still the example from "
        "'sphinx-reflections new'; write one or two sentences of your own that make someone "
        "want to read on",
        f"{path}:21:1: placeholder: 'Start writing here.' is still the example from "
        "'sphinx-reflections new'; replace it with your text",
    ]
    edit(path, "One or two sentences for listings, feeds and link previews.", "What I learnt.")
    edit(path, "Start writing here.", "It began on a Tuesday.")
    assert main(["check", "docs", "-j", "1"]) == 0


def test_new_in_swedish_with_co_authors_and_a_folder(tmp_path, monkeypatch, capsys) -> None:
    _project(tmp_path, conf=CONF + 'language = "sv"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["new", "AI: hype eller hjälp?", "--author", "jenny,bjorn", "--dir", "essays"]) == 0
    path = tmp_path / "essays" / "ai-hype-eller-hjalp.md"
    assert capsys.readouterr().out.strip() == "essays/ai-hype-eller-hjalp.md"
    meta = _front_matter(path)["reflection"]
    assert isinstance(meta, dict)
    assert meta["author"] == ["jenny", "bjorn"]
    assert meta["date"] == dt.date.today()
    assert "Börja skriva här." in path.read_text(encoding="utf-8")
    # --lang wins over the project's language
    assert main(["new", "In English", "--author", "jenny", "--lang", "en"]) == 0
    assert "Start writing here." in (tmp_path / "in-english.md").read_text(encoding="utf-8")


def test_new_unknown_author_or_event_exits_1_with_a_suggestion(
    tmp_path, monkeypatch, capsys
) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["new", "A title", "--author", "jeny"]) == 1
    assert (
        "unknown author 'jeny': people.yml has no one with this id; did you mean 'jenny' "
        "(Jenny Exempel)?"
    ) in capsys.readouterr().err
    # a writer's full name or handle finds the id too
    assert main(["new", "A title", "--author", "Jenny Exempel"]) == 1
    assert "did you mean 'jenny' (Jenny Exempel)?" in capsys.readouterr().err
    assert main(["new", "A title", "--author", "jenny", "--event", "kontaktdagen-2032"]) == 1
    assert (
        "unknown event 'kontaktdagen-2032': events.yml has no event with this id; did you "
        "mean 'kontaktdagen-2023' (Kontaktdagen 2023)?"
    ) in capsys.readouterr().err
    assert not (tmp_path / "a-title.md").exists()


def test_new_without_registries_says_what_to_set(tmp_path, monkeypatch, capsys) -> None:
    _project(tmp_path, conf='extensions = ["myst_parser", "sphinx_reflections"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["new", "A title", "--author", "jenny"]) == 1
    assert (
        "unknown author 'jenny': the project has no people registry; "
        "set reflections_authors in conf.py"
    ) in capsys.readouterr().err


def test_new_names_the_registry_problem_behind_an_unknown_id(tmp_path, monkeypatch, capsys) -> None:
    _project(tmp_path)
    (tmp_path / "people.yml").write_text(PEOPLE + "sam:\n  role: CTO\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["new", "A title", "--author", "sam"]) == 1
    err = capsys.readouterr().err
    assert "its entry was skipped: people.yml:6: registry:" in err
    assert "the required field 'name' is missing" in err


def test_new_refuses_to_overwrite(tmp_path, monkeypatch, capsys) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    existing = tmp_path / "second-thoughts.md"
    existing.write_text("mine\n", encoding="utf-8")
    assert main(["new", "Second thoughts", "--author", "jenny"]) == 1
    assert "second-thoughts.md already exists" in capsys.readouterr().err
    assert existing.read_text(encoding="utf-8") == "mine\n"
    # an rST page of the same name would be the same document
    (tmp_path / "other-thoughts.rst").write_text("Other\n=====\n", encoding="utf-8")
    assert main(["new", "Other thoughts", "--author", "jenny"]) == 1
    assert not (tmp_path / "other-thoughts.md").exists()


def test_new_usage_errors_exit_2(tmp_path, monkeypatch, capsys) -> None:
    _project(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    # no conf.py in ., docs/, doc/ or source/
    assert main(["new", "A title", "--author", "jenny"]) == 2
    assert "no Sphinx project found" in capsys.readouterr().err
    assert main(["new", "A title", "--author", "jenny", "--source-dir", "nowhere"]) == 2
    assert (
        main(
            ["new", "A title", "--author", "jenny", "--source-dir", "site", "--date", "05.29.2023"]
        )
        == 2
    )
    assert (
        "argument --date: '05.29.2023' is not written year-month-day; write 2023-05-29"
        in capsys.readouterr().err
    )
    assert main(["new", "  ", "--author", "jenny", "--source-dir", "site"]) == 2
    assert main(["new", "A title", "--author", "jenny", "--source-dir", "site"]) == 0


# -- check ------------------------------------------------------------------------------------


def test_check_reports_a_bad_date_by_file_and_line(tmp_path, monkeypatch, capsys) -> None:
    docs = _project(tmp_path / "docs")
    _page(docs, "fine.md")
    _page(docs, "baddate.md", date="05.29.2023")
    before = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "docs", "-j", "1"]) == 1
    out, err = capsys.readouterr()
    assert (
        "docs/baddate.md:4: bad-date: date '05.29.2023' is not written year-month-day; "
        "write 2023-05-29" in out.splitlines()
    )
    assert all(line.startswith("docs/baddate.md:") for line in out.splitlines())
    assert re.search(r"^sphinx-reflections check: 2 problems in 1 file \(3 pages, ", err)
    assert _tree(tmp_path) == before  # nothing written into the project


def test_check_clean_project_exits_0_and_finds_docs_by_itself(
    tmp_path, monkeypatch, capsys
) -> None:
    docs = _project(tmp_path / "docs")
    _page(docs, "fine.md")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0  # docs/ found on its own, default -j auto
    out, err = capsys.readouterr()
    assert out == ""
    assert "no problems" in err


def test_check_reports_registry_and_unknown_ids(tmp_path, monkeypatch, capsys) -> None:
    docs = _project(tmp_path)
    (docs / "people.yml").write_text(PEOPLE + "sam:\n  role: CTO\n", encoding="utf-8")
    _page(docs, "who.md", author="jeny")
    monkeypatch.chdir(tmp_path)
    assert main(["check", ".", "-j", "1"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("people.yml:6: registry: ") for line in lines)
    assert (
        "who.md:3: unknown-author: unknown author 'jeny': people.yml has no one with this id; "
        "did you mean 'jenny' (Jenny Exempel)?" in lines
    )


def test_check_usage_errors_exit_2(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert main(["check", "missing"]) == 2
    plain = _project(tmp_path / "plain", conf='extensions = ["myst_parser"]\n')
    assert main(["check", str(plain), "-j", "1"]) == 2
    assert "does not load sphinx_reflections" in capsys.readouterr().err


def test_incremental_check_matches_a_fresh_one(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    docs = _project(tmp_path / "docs")
    for i in range(6):
        _page(docs, f"p{i}.md")
    bad = _page(docs, "bad.md", date="05.29.2023")
    event = docs / "event.md"
    event.write_text(
        "---\nreflection:\n  author: jenny\n  date: 2023-05-29\n  event: kontaktdagen-2032\n---\n# E\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)

    def run(*extra: str) -> tuple[int, str]:
        status = main(["check", "docs", "-j", "1", *extra])
        return status, capsys.readouterr().out

    fresh = run()
    assert fresh[0] == 1 and "bad-date" in fresh[1] and "unknown-event" in fresh[1]
    assert run("--incremental") == fresh  # cold cache
    assert run("--incremental") == fresh  # nothing read again: all from the cache
    _page(docs, "bad.md")  # fixed
    assert run("--incremental") == run() != fresh
    edit(bad, "author: jenny", "author: jeny")
    (docs / "events.yml").write_text(EVENTS.replace("2023:", "2032:"), encoding="utf-8")
    again = run("--incremental")
    assert again == run()
    assert "unknown-author" in again[1] and "unknown-event" not in again[1]
    assert not any(p.name.startswith(".") or "cache" in p.parts for p in docs.rglob("*"))


def test_parse_warnings_reads_only_reflections_warnings() -> None:
    stream = (
        "\x1b[91m/kb/a.md:4: WARNING: date 'x' is not an ISO 8601 date; write it as\n"
        "YYYY-MM-DD [reflections.bad-date]\x1b[39;49;00m\n"
        "/kb/b.md:2: WARNING: undefined label: 'x' [ref.ref]\n"
        "/kb/people.yml: WARNING: cannot read [reflections.registry]\n"
        "WARNING: no location [reflections.config]\n"
        "C:\\kb\\c.md:7: WARNING: on Windows [reflections.bad-metadata]\n"
    )
    found, others = parse_warnings(stream)
    assert others == 1
    assert [(f.path, f.line, f.subtype, f.message) for f in found] == [
        ("/kb/a.md", 4, "bad-date", "date 'x' is not an ISO 8601 date; write it as YYYY-MM-DD"),
        ("/kb/people.yml", 0, "registry", "cannot read"),
        ("", 0, "config", "no location"),
        ("C:\\kb\\c.md", 7, "bad-metadata", "on Windows"),
    ]
    assert str(found[2]) == "config: no location"


# -- import -----------------------------------------------------------------------------------


def _kb(dest: Path) -> None:
    """Turn an import's destination into a project: conf.py and a globbing index."""
    (dest / "conf.py").write_text(CONF.replace('reflections_events = "events.yml"\n', ""))
    (dest / "index.md").write_text(INDEX, encoding="utf-8")


def _reflections(make_app, srcdir: Path) -> dict[str, object]:
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert warnings_of(app) == []
    return dict(get_domain(app.env).reflections)


@pytest.mark.sphinx
def test_import_ablog_round_trip(tmp_path, monkeypatch, capsys, make_app) -> None:
    source = FIXTURES / "ablog"
    before = _tree(source)
    dest = tmp_path / "kb"
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(source), "--from", "ablog", "--dest", "kb"]) == 0
    out, err = capsys.readouterr()
    assert _tree(source) == before  # the source is only read
    assert "imported 4 posts (2 MyST, 2 rST)" in err
    assert "created kb/posts/kontaktdagen.rst" in out.splitlines()
    assert (dest / "_static" / "stage.png").read_bytes() == (
        source / "_static/stage.png"
    ).read_bytes()
    assert not (dest / "index.rst").exists()  # not a post
    people = yaml.safe_load((dest / "people.yml").read_text(encoding="utf-8"))
    assert people == {
        "bjorn-ohman": {"name": "Björn Öhman"},
        "jenny-exempel": {
            "name": "Jenny Exempel",
            "links": {"Website": "https://example.org/jenny"},
        },
        "sam-lind": {"name": "Sam Lind"},
    }
    rst = (dest / "posts" / "kontaktdagen.rst").read_text(encoding="utf-8")
    assert ".. post::" not in rst and ".. reflection::" in rst
    assert ".. Imported, no reflection field for it: location: Stockholm; language: Swedish" in rst
    assert ".. admonition:: Updated 2023-11-30" in rst

    _kb(dest)
    found = _reflections(make_app, dest)
    assert {name: (r.authors, r.date, r.tags, r.category) for name, r in found.items()} == {
        "posts/kontaktdagen": (
            ("jenny-exempel",),
            dt.date(2023, 11, 26),
            ("CX", "Kontaktdagen2023"),
            "Leadership",
        ),
        "posts/dashboards": (
            ("bjorn-ohman",),
            dt.date(2023, 11, 20),
            ("Data", "Ledarskap", "Strategy"),
            "Tech",
        ),
        "posts/ethics": (
            ("jenny-exempel", "sam-lind"),
            dt.date(2023, 12, 1),
            ("AI", "Etik"),
            "Leadership",
        ),
        "posts/fair": (("sam-lind",), dt.date(2023, 12, 5), ("Mässa2024",), "Events"),
    }
    kontaktdagen = found["posts/kontaktdagen"]
    assert kontaktdagen.updated == dt.date(2023, 11, 30)  # type: ignore[attr-defined]
    assert kontaktdagen.summary.startswith("A day of customer stories")  # type: ignore[attr-defined]
    assert found["posts/fair"].summary == "Three days, two hundred conversations, one stand."  # type: ignore[attr-defined]


@pytest.mark.sphinx
def test_import_jekyll_round_trip(tmp_path, monkeypatch, capsys, make_app) -> None:
    source = FIXTURES / "jekyll"
    before = _tree(source)
    dest = tmp_path / "kb"
    monkeypatch.chdir(source)
    # template tags were stripped: reported, so the exit status says "look"
    assert main(["import", ".", "--from", "jekyll", "--dest", str(dest)]) == 1
    out, err = capsys.readouterr()
    assert _tree(source) == before
    post = "_posts/2023-05-29-what-kontaktdagen-taught-me.md"
    lines = out.splitlines()
    assert f"{post}:12: stripped Liquid tag {{% include toc.html %}}" in lines
    assert f"{post}:15: stripped kramdown attribute list {{: .lead}}" in lines
    assert "_posts/2023-06-10-ai-in-cx.md:16: stripped Liquid output {{ site.title }}" in lines
    # {{ site.baseurl }} is the blog's folder: the picture's address, not a stripped tag
    assert sum("stripped" in line for line in lines) == 3
    assert "imported 4 posts (4 MyST)" in err and "3 template tags stripped" in err
    assert "Not carried over: layout (2)." in err  # permalink: the old address, redirected
    assert not (dest / "about.md").exists()

    text = (dest / "what-kontaktdagen-taught-me.md").read_text(encoding="utf-8")
    assert "[the follow-up](ai-in-cx.md)" in text  # post_url became a link
    assert '```python\nprint("{:.2f}".format(0.5))\n```' in text  # highlight; code kept
    assert "Templates look like {{ this }}." in text  # raw kept verbatim
    assert "![The stage](_imported/assets/stage.png)" in text
    assert (dest / "_imported/assets/stage.png").is_file()
    assert "% Remember to add the survey numbers." in (dest / "ai-in-cx.md").read_text()
    people = yaml.safe_load((dest / "people.yml").read_text(encoding="utf-8"))
    assert people["jenny-exempel"] == {
        "name": "Jenny Exempel",
        "bio": "Twenty years in customer experience.",
        "links": {"Website": "https://example.org/jenny"},
    }

    _kb(dest)
    found = _reflections(make_app, dest)
    draft = found.pop("half-done")
    assert (draft.authors, draft.tags, draft.draft) == (("bjorn-ohman",), ("Data",), True)  # type: ignore[attr-defined]
    assert {name: (r.authors, r.date, r.tags, r.category) for name, r in found.items()} == {
        "what-kontaktdagen-taught-me": (
            ("jenny-exempel",),
            dt.date(2023, 5, 29),
            ("CX", "Kontaktdagen2023", "events"),
            "leadership",
        ),
        "ai-in-cx": (("jenny-exempel", "bjorn-ohman"), dt.date(2023, 6, 10), ("AI", "CX"), ""),
        "summer-notes": (("jenny-exempel",), dt.date(2023, 7, 1), (), ""),
    }
    assert found["ai-in-cx"].summary == "Where an assistant helps, and where it must stay quiet."  # type: ignore[attr-defined]


def test_import_hugo_converts_shortcodes_and_reports_the_rest(
    tmp_path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    bundle = site / "content" / "posts" / "bundle"
    bundle.mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "Blog"\n[params]\nauthor = "Sam Lind"\n')
    (site / "content" / "_index.md").write_text("+++\ntitle = 'Home'\n+++\n")
    (bundle / "index.md").write_text(
        "+++\n"
        "title = 'Bundled'\n"
        "date = 2024-03-01T09:00:00+01:00\n"
        "tags = ['Hugo']\n"
        "+++\n"
        "\n"
        'See {{< ref "posts/other.md" >}}, {{< youtube abc123 >}} and {{< tweet 1 >}}.\n'
        "\n"
        "{{< highlight go >}}\n"
        "fmt.Println({{ .Title }})\n"
        "{{< /highlight >}}\n"
        "\n"
        "Write {{</* youtube id */>}} to embed.\n",
        encoding="utf-8",
    )
    (site / "content" / "posts" / "other.md").write_text(
        "---\ntitle: Other\ndate: 2024-02-01\nauthors: [Jenny Exempel]\ndraft: true\n---\nText.\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["import", "site", "--from", "jekyll", "--dest", "kb"]) == 1
    out, _ = capsys.readouterr()
    assert (
        "site/content/posts/bundle/index.md:7: stripped Hugo shortcode {{< tweet 1 >}}"
        in out.splitlines()
    )
    text = (tmp_path / "kb/posts/bundle.md").read_text(encoding="utf-8")
    meta = _front_matter(tmp_path / "kb/posts/bundle.md")["reflection"]
    assert meta == {"author": "sam-lind", "date": dt.date(2024, 3, 1), "tags": ["Hugo"]}
    # the address a ref showed is a link now; a video its address
    assert "See [Other](other.md), <https://www.youtube.com/watch?v=abc123> and ." in text
    assert "```go\nfmt.Println({{ .Title }})\n```" in text  # Go templates are not Hugo content
    assert "Write {{< youtube id >}} to embed." in text
    other = _front_matter(tmp_path / "kb/posts/other.md")["reflection"]
    assert other == {"author": "jenny-exempel", "date": dt.date(2024, 2, 1), "draft": True}
    assert not (tmp_path / "kb/_index.md").exists()


def test_import_merges_into_an_existing_registry(tmp_path, monkeypatch, capsys) -> None:
    dest = tmp_path / "kb"
    _project(dest)
    registry = dest / "people.yml"
    before = registry.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(FIXTURES / "ablog"), "--from", "ablog", "--dest", "kb"]) == 0
    err = capsys.readouterr().err
    assert "kb/people.yml: existing entries kept, 1 person appended (2 people already there)" in err
    after = registry.read_text(encoding="utf-8")
    assert after.startswith(before)  # appended: nothing before it was rewritten
    assert yaml.safe_load(after) == {**yaml.safe_load(before), "sam-lind": {"name": "Sam Lind"}}
    # the blog's names are matched to the registered people
    ethics = _front_matter(dest / "posts" / "ethics.md")["reflection"]
    assert isinstance(ethics, dict) and ethics["author"] == ["jenny", "sam-lind"]
    dashboards = (dest / "posts" / "dashboards.rst").read_text(encoding="utf-8")
    assert ":author: bjorn\n" in dashboards


def test_import_never_overwrites_and_dry_run_writes_nothing(tmp_path, monkeypatch, capsys) -> None:
    source = FIXTURES / "jekyll"
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(source), "--from", "jekyll", "--dest", "kb", "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert "would create kb/ai-in-cx.md" in out and "would import 4 posts" in err
    assert not (tmp_path / "kb").exists()

    mine = tmp_path / "kb" / "ai-in-cx.md"
    mine.parent.mkdir()
    mine.write_text("mine\n", encoding="utf-8")
    assert main(["import", str(source), "--from", "jekyll", "--dest", "kb"]) == 1
    out, err = capsys.readouterr()
    assert "kb/ai-in-cx.md already exists; not overwritten, post skipped" in out
    assert "imported 3 of 4 posts" in err
    assert mine.read_text(encoding="utf-8") == "mine\n"


def test_import_usage_errors_and_empty_sources(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blog").mkdir()
    assert main(["import", "blog", "--from", "wordpress"]) == 2
    assert main(["import", "missing", "--from", "ablog", "--dest", "kb"]) == 2
    assert main(["import", "blog", "--from", "ablog", "--dest", "blog/kb"]) == 2
    assert "inside the source" in capsys.readouterr().err
    assert main(["import", "blog", "--from", "ablog", "--dest", "kb"]) == 1
    assert "no posts found in blog" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nov 26, 2023", dt.date(2023, 11, 26)),
        ("26 November 2023", dt.date(2023, 11, 26)),
        ("15 Apr, 2013", dt.date(2013, 4, 15)),
        ("Sunday, November 26th, 2023 10:30 am", dt.date(2023, 11, 26)),
        ("2023-11-26", dt.date(2023, 11, 26)),
        ("2023-05-29 10:00:00 +0200", dt.date(2023, 5, 29)),
        ("2023/05/29", dt.date(2023, 5, 29)),
        ("29/05/2023", dt.date(2023, 5, 29)),
        ("someday", None),
        ("Nov 31, 2023", None),
    ],
)
def test_blog_dates(text: str, expected: dt.date | None) -> None:
    assert parse_blog_date(text)[0] == expected


def test_ambiguous_blog_dates_are_read_month_first_and_flagged() -> None:
    assert parse_blog_date("05/06/2023") == (
        dt.date(2023, 5, 6),
        "read '05/06/2023' month first, as ABlog and dateutil do",
    )
    assert parse_blog_date("26.11.2023", "%d.%m.%Y") == (dt.date(2023, 11, 26), "")


def test_import_ablog_reports_what_it_cannot_carry_over(tmp_path, monkeypatch, capsys) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "twice.rst").write_text(
        "Two posts\n"
        "=========\n"
        "\n"
        ".. post:: 05/06/2023\n"
        "   :author: Jenny Exempel\n"
        "   :exclude:\n"
        "\n"
        "   Only an excerpt.\n"
        "\n"
        ".. post:: 2023-06-07\n"
        "\n"
        "   Kept as text.\n"
        "\n"
        ".. postlist:: 5\n"
        "   :tags: CX\n"
        "\n"
        ".. image:: missing.png\n",
        encoding="utf-8",
    )
    (blog / "undated.md").write_text(
        "---\nblogpost: true\nauthor: Sam Lind\ndate: someday\n---\n# Undated\n", encoding="utf-8"
    )
    (blog / "latin1.rst").write_bytes(".. post:: 2023-01-01\n\nK\xf6ttbullar\n".encode("latin-1"))
    monkeypatch.chdir(tmp_path)
    assert main(["import", "blog", "--from", "ablog", "--dest", "kb"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "blog/latin1.rst: not UTF-8 text (byte 23); skipped, convert it first" in lines
    assert (
        "blog/twice.rst:4: read '05/06/2023' month first, as ABlog and dateutil do: 2023-05-06; check it"
        in lines
    )
    assert any(line.startswith("blog/twice.rst:10: a second post directive") for line in lines)
    assert any(
        line.startswith("blog/twice.rst:14: ABlog directive 'postlist' removed") for line in lines
    )
    assert "blog/twice.rst:17: file 'missing.png' is not in the source; copy it by hand" in lines
    assert (
        "blog/undated.md:4: date 'someday' could not be read; it is kept as written, write it as YYYY-MM-DD"
        in lines
    )
    text = (tmp_path / "kb" / "twice.rst").read_text(encoding="utf-8")
    assert ".. post::" not in text and ".. postlist::" not in text
    assert "\nOnly an excerpt.\n" not in text  # :exclude: keeps it out of the page
    assert ":summary: Only an excerpt.\n" in text and "\nKept as text.\n" in text
    # an unreadable date is kept, so building (or `check`) flags it too
    assert _front_matter(tmp_path / "kb" / "undated.md")["reflection"] == {
        "author": "sam-lind",
        "date": "someday",
    }
