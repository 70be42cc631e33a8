"""Every content mistake stops the build with file:line:column, the field and what was expected."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import cli, minimal_explainer, override, tree

# Each bad content file (YAML or ArchieML) beside the lines its build must print, in <case>.txt.
CASES = sorted(p.name for p in (Path(__file__).parent / "invalid").iterdir() if p.suffix in (".yaml", ".yml", ".aml"))


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli("--root", str(root), *args)


@pytest.mark.parametrize("case", CASES)
def test_bad_content_prints_its_error_and_leaves_the_site_alone(make_site, case):
    here = Path(__file__).parent / "invalid"
    root = make_site({"good.yaml": minimal_explainer("good")})
    assert run_build(root).returncode == 0
    before = tree(root / "site")
    (root / "content" / case).write_bytes((here / case).read_bytes())

    result = run_build(root)

    expected = (here / f"{Path(case).stem}.txt").read_text("utf-8").splitlines()
    printed = [line for line in result.stderr.splitlines() if not line.startswith("build failed")]
    assert printed == expected
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert tree(root / "site") == before


def test_a_slug_used_twice_names_both_files(make_site):
    root = make_site({"a.yaml": minimal_explainer("same"), "b.yaml": minimal_explainer("same")})
    result = run_build(root)
    assert result.returncode == 1
    assert "content/b.yaml:1:7: slug: duplicate slug 'same', also used by content/a.yaml" in result.stderr


def test_a_missing_site_file_is_reported(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    (root / "site.yaml").unlink()
    result = run_build(root)
    assert result.returncode == 1
    assert result.stderr.startswith("site.yaml:1:1: (file): missing")


def test_a_bad_site_file_names_the_field(make_site):
    root = make_site({"a.yaml": minimal_explainer()}, base_url="example.org")
    result = run_build(root)
    assert result.returncode == 1
    assert "site.yaml:5:11: base_url: expected an absolute address ending in '/'" in result.stderr


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize("template, mistake, fixed", [
    # A name that does not exist, found while a page is rendered: in a page template, and in a partial it includes.
    ("question.html", "{{ question.questoin }}", "{{ question.question }}"),
    ("_partials/deck.html", "{{ card.titel }}", "<li>"),
    # A tag that does not parse, found when the template is compiled.
    ("_partials/pager.html", "{% if previous %}{% endfi %}", "{% if previous %}"),
])
def test_a_template_mistake_names_the_template_and_its_line(make_site, template, mistake, fixed):
    root = make_site({"a.yaml": minimal_explainer().replace("    answer: |", "    cards:\n      - {id: c, title: C, summary: S, detail: D}\n    answer: |")})
    path = override(root, template)
    text = path.read_text("utf-8")
    assert fixed in text
    path.write_text(text.replace(fixed, mistake + fixed, 1), "utf-8")
    result = run_build(root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = line_of(path, mistake)
    assert line > 1
    assert result.stderr.startswith(f"templates/{template}:{line}:1: (template): "), result.stderr


def test_a_bad_base_url_on_the_command_line_is_refused(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    result = run_build(root, "--base-url", "/repo")
    assert result.returncode == 2
    assert "expected an absolute address" in result.stderr


def test_every_error_in_a_file_is_printed_in_order(make_site):
    text = minimal_explainer().replace("dek: A short dek.", "dek: [7]").replace("title:", "titel:").replace("published: 2025-01-02", "published: 2025")
    root = make_site({"a.yaml": text})
    lines = run_build(root).stderr.splitlines()
    assert lines[:3] == [
        "content/a.yaml:2:1: titel: unknown field 'titel': did you mean 'title'?",
        "content/a.yaml:3:6: dek: expected text, found ['7'] (if the brackets are part of the text, put the whole value in quotes)",
        "content/a.yaml:4:12: published: expected a date as YYYY-MM-DD, or a date and time with its time zone as YYYY-MM-DD HH:MM +02:00, found '2025'",
    ]


def test_an_override_that_includes_a_missing_template_says_which_and_where(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    path = override(root, "_partials/footer.html")
    path.write_text('<footer class="colophon">\n{% include "_partials/our-footer.html" %}\n</footer>\n', "utf-8")
    result = run_build(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "templates/_partials/footer.html:2:1: (template): no template '_partials/our-footer.html', in the project's templates/ "
        "or the default theme (while rendering minimal/index.html)")
