"""Explainers written in ArchieML build as the same explainer in YAML does, convert both ways without
loss, and are refused at the line of each mistake. (The reader itself passes the specification's
shared tests: tests/unit/test_archieml_spec.py.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import REPO, SHAPES, make_project, tree

from explainer import cli
from explainer.content.kinds import SECTION_KINDS as KINDS
from explainer.content.parse import parse_content

BUNDLED = REPO / "content" / "why-trump-wants-to-meet-putin-again.yaml"


def published(site: Path) -> dict[str, bytes]:
    """What a site publishes: every file but the build's own records (which name the source file)."""
    return {path: data for path, data in tree(site).items() if not Path(path).name.startswith(".explainer-")}


def test_the_bundled_explainer_converted_to_archieml_builds_a_byte_identical_site(seed_site, tmp_path, capsys):
    from explainer.pipeline import build

    root = make_project(tmp_path / "project", {})
    # As in this repository, whose schema (which the editing page's config names) is the package's.
    shutil.copytree(REPO / "explainer" / "schema", root / "explainer" / "schema")
    assert cli.main(["convert", str(BUNDLED), "--to", "aml", "-o", str(root / "content" / "putin.aml")]) == 0
    build(root, base_url="https://example.org/repo/")
    assert published(root / "site") == published(seed_site)


@pytest.mark.parametrize("name", ["budget.yaml", "french.yaml", "arabic.yaml", BUNDLED.name])
def test_convert_goes_both_ways_without_loss(name, tmp_path, capsys):
    source = SHAPES / name if (SHAPES / name).exists() else BUNDLED
    aml, back, again = tmp_path / "x.aml", tmp_path / "x.yaml", tmp_path / "again.aml"
    assert cli.main(["convert", str(source), "--to", "aml", "-o", str(aml)]) == 0
    assert cli.main(["convert", str(aml), "--to", "yaml", "-o", str(back)]) == 0
    assert cli.main(["convert", str(back), "--to", "aml", "-o", str(again)]) == 0
    assert again.read_text("utf-8") == aml.read_text("utf-8")
    original = parse_content(str(source), source.read_bytes()).data
    returned = parse_content(str(back), back.read_bytes()).data
    # The same explainer, every section naming its kind, each text as ArchieML holds it (the line
    # break a YAML block's `|` adds at its end is not kept).
    typed = [{"type": r["type"], **s} for r, s in zip(returned["sections"], original["sections"])]
    assert [s["type"] for s in returned["sections"]] == [next(k for k in KINDS if k in s) for s in original["sections"]]
    assert returned == _trim({**original, "sections": typed})


def _trim(value):
    from explainer.content.archieml import strip

    if isinstance(value, str):
        return strip(value)
    if isinstance(value, list):
        return [_trim(v) for v in value]
    if isinstance(value, dict):
        return {k: _trim(v) for k, v in value.items()}
    return value


def test_convert_refuses_an_explainer_with_mistakes_naming_each(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BUNDLED.read_text("utf-8").replace("short_answer: Trump’s push", "short_anwser: Trump’s push"), "utf-8")
    assert cli.main(["convert", str(bad), "--to", "aml"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"bad\.yaml:\d+:5: sections\[0\]\.short_anwser: unknown field 'short_anwser': did you mean 'short_answer'\?", err)
    assert not (tmp_path / "bad.aml").exists()


def test_convert_beside_the_original_says_to_keep_one(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.yaml").write_bytes(BUNDLED.read_bytes())
    assert cli.main(["convert", "content/a.yaml", "--to", "aml"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "converted content/a.yaml into content/a.aml",
        "both files name the slug 'why-trump-wants-to-meet-putin-again', and two files with one slug do not build: keep one "
        "(delete content/a.yaml once you have checked content/a.aml)",
    ]
    assert cli.main(["convert", "content/a.yaml", "--to", "aml"]) == 1
    assert "content/a.aml already exists; pass --force to replace it" in capsys.readouterr().err


def test_an_archieml_error_names_the_line_in_the_archieml(tmp_path):
    text = (tmp_path / "x.aml")
    assert cli.main(["convert", str(BUNDLED), "--to", "aml", "-o", str(text)]) == 0
    lines = text.read_text("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("date: 2025-08"))
    lines[at] = "date: 2025-13"
    doc = parse_content("content/x.aml", "\n".join(lines).encode())
    from explainer.content.validate import validate_explainer

    errors = validate_explainer(doc)
    assert [str(e) for e in errors] == [f"content/x.aml:{at + 1}:7: sections[6].timeline[2].date: month 13 does not exist; expected a year, month or day: YYYY, YYYY-MM or "
                                        "YYYY-MM-DD, found '2025-13'"]


def test_the_readme_template_for_a_google_doc_builds(tmp_path, capsys):
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("### A template to copy into a Doc", 1)[1]
    template = section.split("```\n", 2)[1]
    root = make_project(tmp_path / "project", {"budget-vote.aml": template})
    assert cli.main(["--root", str(root), "--strict"]) == 0, capsys.readouterr().err
    page = (root / "site" / "budget-vote" / "index.html").read_text("utf-8")
    assert "How big is the gap?" in page and "Service cuts" in page and "Reserves" in page
    assert "Which of the three ways the council will choose." in page  # a {.known} block's [.unknown] list
    # `under_dek: true` is read as true: the key points stand under the dek, before the first section.
    assert page.index("The gap is 9 million.") < page.index("How big is the gap?")


# What the reader's page and the importer added to an explainer, written in ArchieML: an answer
# that starts with its short answer, a section of what we know and don't (under the dek), and
# text left out of the article on purpose.
REPEATING = """\
slug: flood-plan
title: The Flood Plan
dek: What the river plan changes.
published: 2026-02-20

[+sections]

{.question}
id: what-changes
question: What changes?
short_answer: The river gets a wider bed.
answer: The river gets a wider bed. Homes on the bank get new walls.
{}

{.known}
under_dek: true
[.known]
* The plan's cost.
[]
[.unknown]
* When work starts.
[]
{}

[]

[omitted]
* Photo: the river in March.
[]
"""


def test_repetition_warnings_the_known_section_and_omitted_text_work_in_archieml(make_site, capsys):
    root = make_site({"flood-plan.aml": REPEATING})
    assert cli.main(["--root", str(root)]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == ["content/flood-plan.aml:12:9: sections[0].answer: warning: starts with its short_answer word for word; the page shows "
                        "that sentence once, as the short_answer above the answer, so delete it from the answer",
                        "1 warning(s): the site was built; see above"]
    page = (root / "site" / "flood-plan" / "index.html").read_text("utf-8")
    assert page.count("The river gets a wider bed.") == 1 and "Homes on the bank get new walls." in page
    assert page.index("When work starts.") < page.index('id="what-changes"')  # under the dek: `under_dek: true` is read as true
    assert "Photo: the river in March." not in page
    assert cli.main(["--root", str(root), "--strict"]) == 1  # the warning is given again, and is an error


PEOPLE_AND_PICTURES = """slug: flood-plan
title: The Flood Plan
dek: What the council decided.
published: 2026-02-20 09:30 Europe/Paris

{image}
src: images/river.png
decorative: true
caption: The river in March.
credit: Ana Ruiz
{}

[authors]
* jane-doe
[]

[sections]
type: question
id: what-changes
question: What changes?
short_answer: The river gets a wider bed.
answer: Work starts in May.
[]
"""


def test_a_picture_authors_and_a_time_work_in_archieml(make_site):
    """ArchieML writes only text: `decorative: true` is read as true, an author by id, a time with its zone."""
    from PIL import Image

    from explainer.pipeline import build

    root = make_site({"flood-plan.aml": PEOPLE_AND_PICTURES})
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8") + "authors:\n  jane-doe: {name: Jane Doe, url: 'https://example.org/jane'}\n", "utf-8")
    (root / "images").mkdir()
    Image.new("RGB", (800, 400), (30, 90, 160)).save(root / "images" / "river.png")
    build(root)
    page = (root / "site" / "flood-plan" / "index.html").read_text("utf-8")
    assert '<a href="/authors/jane-doe/" rel="author">Jane Doe</a>' in page
    assert 'alt=""' in page and "Credit: Ana Ruiz" in page
    assert '<time datetime="2026-02-20T09:30:00+01:00">' in page


def test_an_archieml_explainer_may_be_a_draft_scheduled_in_topics_and_a_translation(tmp_path, capsys):
    """ArchieML has only text: `draft: true` is read as yes where the schema says, a date and time
    as the schedule, `[topics]` as the list of names; held back until --drafts and --future."""
    from explainer.pipeline import build

    aml = """slug: le-vote
title: Le vote du budget
dek: Ce que le conseil vote.
language: fr
published: 2999-01-01 09:00 Europe/Paris
draft: true
translation_of: budget-vote
[topics]
* Budget de la ville
[]
[+sections]
{.question}
id: qui
question: Qui vote ?
short_answer: Le conseil.
answer: Les élus, en séance.
{}
[]
"""
    root = make_project(tmp_path / "project", {"budget.yaml": (SHAPES / "budget.yaml").read_text("utf-8"), "vote.aml": aml})
    held = build(root)
    assert (held.held.drafts, held.held.scheduled) == (1, 0) and not (root / "site" / "le-vote").exists()
    build(root, drafts=True, future=True)
    page = (root / "site" / "le-vote" / "index.html").read_text("utf-8")
    assert "<strong>Non publié</strong>" in page and 'href="/topics/budget-de-la-ville/"' in page and 'hreflang="en"' in page
    assert 'hreflang="fr"' in (root / "site" / "budget-vote" / "index.html").read_text("utf-8")
