"""The mistakes editors make that are not a broken file (those are in tests/invalid/): each answered
with what to do, the right exit status, and the previous site untouched."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import REPO, minimal_explainer, tree

from explainer import cli


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line, in this process: (exit status, standard output, standard error)."""
    try:
        status = cli.main(list(args))
    except SystemExit as exc:  # argparse's --version and --help
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


TIMELINE_WITH_YEARS = minimal_explainer("years") + """\
  - timeline:
      - date: 1994
        event: A treaty is signed.
      - date: 2019-06
        event: A summit.
"""


def test_a_bare_year_in_a_timeline_is_a_year(make_site, capsys):
    root = make_site({"years.yaml": TIMELINE_WITH_YEARS})
    status, _, err = run(capsys, "--root", str(root))
    assert status == 0, err
    page = (root / "site" / "years" / "index.html").read_text("utf-8")
    assert '<time datetime="1994">1994</time>' in page


def test_yml_files_and_files_in_folders_of_content_are_built(make_site, capsys):
    root = make_site({"a.yml": minimal_explainer("from-yml")})
    (root / "content" / "2025" / "politics").mkdir(parents=True)
    (root / "content" / "2025" / "politics" / "b.yaml").write_text(minimal_explainer("from-a-folder"), "utf-8")
    (root / "content" / ".drafts").mkdir()
    (root / "content" / ".drafts" / "c.yaml").write_text("not: [valid", "utf-8")  # hidden folders are passed over
    status, _, err = run(capsys, "--root", str(root))
    assert status == 0, err
    assert (root / "site" / "from-yml" / "index.html").is_file()
    assert (root / "site" / "from-a-folder" / "index.html").is_file()
    # A mistake in a file in a folder is reported with its path below the project.
    (root / "content" / "2025" / "politics" / "b.yaml").write_text(minimal_explainer("from-a-folder").replace("title:", "titel:"), "utf-8")
    status, _, err = run(capsys, "--root", str(root))
    assert status == 1
    assert err.startswith("content/2025/politics/b.yaml:2:1: titel: unknown field 'titel': did you mean 'title'?")


def test_a_file_in_content_the_build_does_not_read_is_named_in_a_warning_on_every_build(make_site, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    content = root / "content"
    (content / "2025").mkdir()
    (content / "media").mkdir()
    # Saved in a format the build does not read: each named, with the formats it reads.
    for name in ("budget-vote.md", "2025/flood-plan.json", "notes.txt"):
        (content / name).write_text(minimal_explainer("unread"), "utf-8")
    # There on purpose: passed over without a word.
    for name in (".notes.md", "README.md", "a.yaml~", ".a.yaml.swp", "lead.jpg", "media/report.pdf", "Thumbs.db"):
        (content / name).write_bytes(b"x")
    said = [f"content/{name}:1:1: (file): warning: not read: the build reads explainers only from .yaml, .yml and .aml files; "
            "rename it if it is one, or move it out of content/" for name in ("2025/flood-plan.json", "budget-vote.md", "notes.txt")]
    status, out, err = run(capsys, "--root", str(root))
    assert (status, err.splitlines()) == (0, [*said, "3 warning(s): the site was built; see above"])
    assert sorted(p.name for p in (root / "site").iterdir() if p.is_dir()) == ["a", "admin", "pagefind", "schema"]
    status, out, err = run(capsys, "--root", str(root))  # nothing changed: the same warnings
    assert "nothing changed" in out and (status, err.splitlines()[:3]) == (0, said)
    status, out, err = run(capsys, "--root", str(root), "--strict")
    assert status == 1 and err.splitlines()[0] == said[0].replace("warning: ", "")


BROKEN_LINKS = """\
slug: links
title: Links
dek: A dek.
published: 2025-01-02
sections:
  - id: first
    question: What happened?
    short_answer: Something happened.
    answer: |
      The [council's report](https://example.org/report says so.

      See [the budget](www.example.org/budget) and [the plan](htps://example.org/plan).
"""

LINK_WARNINGS = [
    "content/links.yaml:10:1: sections[0].answer: warning: this link is never closed: add ')' after its address: [council's report](https://example.org/report",
    "content/links.yaml:12:1: sections[0].answer: warning: 'htps:' is not a scheme a link may use: did you mean 'https:'? It is published as plain text",
    "content/links.yaml:12:1: sections[0].answer: warning: the address 'www.example.org/budget' has no https:// in front, so it leads to a page "
    "of this site that does not exist: write https://www.example.org/budget",
]


def test_broken_links_are_warnings_naming_file_line_and_field(make_site, capsys):
    root = make_site({"links.yaml": BROKEN_LINKS})
    status, _, err = run(capsys, "--root", str(root))
    assert status == 0
    assert err.splitlines()[:-1] == LINK_WARNINGS
    assert err.splitlines()[-1] == "3 warning(s): the site was built; see above"
    # Warned about on every build, not only the one that read the file first.
    status, _, again = run(capsys, "--root", str(root))
    assert again == err


def test_strict_makes_every_warning_an_error_and_leaves_the_site_alone(make_site, capsys):
    root = make_site({"links.yaml": minimal_explainer("links")})
    assert run(capsys, "--root", str(root), "--strict")[0] == 0
    before = tree(root / "site")
    (root / "content" / "links.yaml").write_text(BROKEN_LINKS, "utf-8")
    status, _, err = run(capsys, "--root", str(root), "--strict")
    assert status == 1
    assert err.splitlines() == [line.replace(" warning:", "") for line in LINK_WARNINGS] + [
        "build failed: 3 error(s) (warnings count as errors with --strict); site/ was left as it was"]
    assert tree(root / "site") == before


ARCHIEML_WITH_A_FORGOTTEN_END = """\
slug: aml
title: Written in a Google Doc
dek: A dek.
published: 2025-01-02

[+sections]
{.question}
id: first
question: What happened?
short_answer: Something happened.
answer: It happened.
And this paragraph was meant to go with it.
{}
[]
"""


def test_archieml_text_that_belongs_to_no_field_is_a_warning_naming_its_line(make_site, capsys):
    root = make_site({"aml.aml": ARCHIEML_WITH_A_FORGOTTEN_END})
    status, _, err = run(capsys, "--root", str(root))
    assert status == 0
    assert err.splitlines()[0] == ("content/aml.aml:12:1: (archieml): warning: the text on line 12 belongs to no field, so it is not "
                                   "published: if it goes on the value above, end that value with :end on a line after it; if it is "
                                   "a note, put it between :skip and :endskip")
    status, _, err = run(capsys, "--root", str(root), "--strict")
    assert status == 1


def test_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert re.fullmatch(r"\S+ \d+\.\d+\.\d+\n", out)


def test_an_empty_folder_says_how_to_start_a_project(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["explainer"])
    status, out, err = run(capsys)
    assert status == 1
    assert err == ("no explainer project here (site.yaml is missing): start one with `explainer new FOLDER`, "
                   "or build one elsewhere with `explainer --root FOLDER`\n")
    assert not (tmp_path / "site").exists()


def test_a_build_that_fails_before_any_site_was_built_says_none_was_written(make_site, capsys):
    root = make_site({"a.yaml": minimal_explainer().replace("title:", "titel:")})
    status, _, err = run(capsys, "--root", str(root))
    assert status == 1
    assert err.splitlines()[-1] == "build failed: 1 error(s); site/ was not written"


# --- the preview ------------------------------------------------------------------------------


@pytest.mark.subprocess
def test_serve_removes_its_folder_on_sigterm_and_prints_only_what_an_editor_needs(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        first = process.stdout.readline() + process.stdout.readline()
        match = re.search(r"Serving (http://\S+) from (.+) \(Ctrl-C to stop\)", first)
        assert match, first
        url, folder = match.group(1), Path(match.group(2))
        assert folder.is_dir()
        # Broken content: the browser gets the error page (status 500), which the server must not log as a crash.
        (root / "content" / "a.yaml").write_text(minimal_explainer("a").replace("title:", "titel:"), "utf-8")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "a/", timeout=5)
            except urllib.error.HTTPError as exc:
                if exc.code == 500:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the preview never showed the error page")
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert not folder.parent.exists()
    output = (first + rest).splitlines()
    assert not [line for line in output if line.startswith("[")], output  # no livereload or server log lines: "[I ...", "[E ...] 500"
    assert "content/a.yaml:2:1: titel: unknown field 'titel': did you mean 'title'?" in output
    assert "Traceback" not in rest


def test_an_explainer_whose_links_are_all_well_formed_is_not_read_again_when_nothing_changed(make_site):
    """Only a file that may warn is read on every build (to print its warnings again): well-formed
    links, the usual case, keep the build that changes nothing at one line of the record."""
    from explainer.pipeline import build

    text = minimal_explainer("links", answer="See [the report](https://example.org/report), [the plan](../plan/) and [us](mailto:desk@example.org).")
    root = make_site({"links.yaml": text})
    assert build(root).warnings == ()
    assert build(root).unchanged
    (root / "content" / "links.yaml").write_text(text.replace("(https://example.org/report)", "(www.example.org/report)"), "utf-8")
    assert len(build(root).warnings) == 1
    assert len(build(root).warnings) == 1 and not build(root).unchanged
