"""Checking an explainer against its source: what is missing, what is unsupported, and when it fails."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import REPO, SEED_ARTICLE, SEED_SLUG, cli, minimal_explainer

from explainer.importer.sentences import contains, normalise, split_sentences

SEED_FILE = f"content/{SEED_SLUG}.yaml"
SEED_SOURCE = f"seeds/{SEED_ARTICLE.name}"
ARTICLES = Path(__file__).parent / "articles"


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    return cli("check", "--root", str(root))


def seed_project(make_site, edit=lambda text: text) -> Path:
    """A project holding the seed explainer (edited as given) and the seed article it names."""
    root = make_site({f"{SEED_SLUG}.yaml": edit((REPO / SEED_FILE).read_text("utf-8"))})
    (root / "seeds").mkdir()
    (root / SEED_SOURCE).write_bytes(SEED_ARTICLE.read_bytes())
    return root


def test_the_seed_explainer_has_every_sentence_of_its_article():
    result = run_check(REPO)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # The article's photo credit (twice in the saved text) is in `omitted`: the explainer shows no photo.
    assert lines[:2] == [SEED_FILE, f"  {SEED_SOURCE}: 76 of 78 source sentences present, 2 left out on purpose (in `omitted`) (100%)"]
    assert lines[-1] == "checked 1 explainer(s): every source sentence is present or left out on purpose (2 in `omitted`)"


def test_what_the_seed_explainer_adds_to_its_article_is_structure_only():
    listed = [line.strip() for line in run_check(REPO).stdout.splitlines() if line.startswith(f"    {SEED_FILE}:")]
    # Questions the editor phrased, and the note on the source: nothing the article would have to support.
    assert listed == [
        f"{SEED_FILE}:46:15: sections[3].question: Does the venue matter? [not in the source: matter]",
        f"{SEED_FILE}:94:15: sections[5].question: Will the gamble pay off? [not in the source: pay]",
        f"{SEED_FILE}:142:15: sections[9].sources[0].note: The article this explainer is built from. [not in the source: article, explainer, built]",
    ]


def test_a_sentence_removed_from_the_explainer_is_named_and_the_check_fails(make_site):
    removed = "Supporters, however, see it as pragmatic realism, given Russia’s territorial gains and Ukraine’s mounting losses."
    root = seed_project(make_site, lambda text: text.replace(" " + removed, ""))
    result = run_check(root)
    assert result.returncode == 1
    assert f"  {SEED_SOURCE}: 75 of 78 source sentences present, 2 left out on purpose (in `omitted`) (98.7%)" in result.stdout
    assert f"    {SEED_SOURCE}:12: {removed}" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "1 source sentence(s) missing from their explainer"


def test_a_sentence_invented_in_the_explainer_is_named_for_an_editor(make_site):
    invented = "The summit will cost taxpayers 40 million dollars."
    root = seed_project(make_site, lambda text: text.replace("echoing his 2019 North Korea summits.\n", f"echoing his 2019 North Korea summits. {invented}\n", 1))
    lines = (root / SEED_FILE).read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if invented in text)
    column = lines[line - 1].index(invented) + 1
    result = run_check(root)
    # Every source sentence is still there, so the check passes; the invention is listed where it stands.
    assert result.returncode == 0
    assert f"    {SEED_FILE}:{line}:{column}: sections[0].answer: {invented} [not in the source: cost, taxpayers, 40, million, dollars]" in result.stdout.splitlines()


def test_a_changed_number_is_unsupported_even_when_every_word_is_in_the_article(make_site):
    root = seed_project(make_site, lambda text: text.replace("costing Russia $300 billion", "costing Russia $400 billion"))
    result = run_check(root)
    assert result.returncode == 1  # the original sentence is gone
    assert "sections[4].cards[0].summary: Topping Putin’s wishlist, Trump could propose phased easing of U.S.-led sanctions, imposed since 2022 and costing Russia $400 billion in frozen assets. [not in the source: 400]" in result.stdout


def test_a_missing_made_from_file_is_an_error_at_its_line(make_site):
    root = make_site({"a.yaml": minimal_explainer() + "made_from:\n  - seeds/missing.txt\n"})
    result = run_check(root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/a.yaml:12:5: made_from[0]: cannot read 'seeds/missing.txt': no such file in the project",
        "check failed: 1 error(s)",
    ]


def test_a_made_from_entry_that_is_a_named_pipe_is_refused_without_waiting_for_it(make_site):
    root = make_site({"a.yaml": minimal_explainer() + "made_from:\n  - seeds/article.txt\n"})
    (root / "seeds").mkdir()
    os.mkfifo(root / "seeds" / "article.txt")
    result = run_check(root)  # it would wait for ever on a pipe nothing writes to
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/a.yaml:12:5: made_from[0]: 'seeds/article.txt' is a named pipe (FIFO), not a file; put a regular file here, or remove it",
        "check failed: 1 error(s)",
    ]


NAME_TOO_LONG = "has a name longer than the file system allows (255 bytes for each part of a path); rename it"
TOO_LONG_TEXT = "the article's text is larger than a content file may hold (2,000,000 bytes): import it in parts, or split the article"


# Sources no check can use, made here: each is one error at its made_from entry, never a traceback.
@pytest.mark.parametrize(("entry", "source", "message"), [
    ("seeds/deep.html", "<div>" * 100_000 + "<p>It happened.</p>" + "</div>" * 100_000,
     "'seeds/deep.html': the page nests its elements too deep for an HTML parser to read all of its text; save the article's own part of the page, or paste its text"),
    ("seeds/" + "a" * 300 + ".txt", None, f"'seeds/{'a' * 300}.txt' {NAME_TOO_LONG}"),
    ("seeds/" + "a" * 300 + "/b.txt", None, f"'seeds/{'a' * 300}/b.txt' {NAME_TOO_LONG}"),
    ("seeds/big.html", "<p>It happened.</p>\n" * 600_000,
     "'seeds/big.html': its HTML is 12,000,000 bytes, more than the importer reads of a web page (10,000,000); save the article's own part of the page, or paste its text"),
    ("seeds/long.txt", "It happened.\n\n" * 200_000, f"'seeds/long.txt': {TOO_LONG_TEXT}"),
    ("seeds/line.txt", "It happened, " * 160_000 + "\n", f"'seeds/line.txt': {TOO_LONG_TEXT}"),
], ids=["nested-100000-deep", "name-of-304-bytes", "folder-of-300-bytes", "page-of-12-mb", "2-mb-of-text", "2-mb-line"])
def test_a_made_from_source_no_check_can_use_is_one_error_at_its_entry(make_site, entry, source, message):
    root = make_site({"a.yaml": minimal_explainer() + f"made_from:\n  - {entry}\n"})
    (root / "seeds").mkdir()
    if source is not None:
        (root / entry).write_text(source, "utf-8")
    result = run_check(root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"content/a.yaml:12:5: made_from[0]: {message}", "check failed: 1 error(s)"]


def test_an_integer_too_long_to_build_stops_the_check_in_one_line_as_it_stops_the_build(make_site):
    root = make_site({"a.yaml": minimal_explainer().replace("dek: A short dek.", "dek: !!int " + "9" * 5_000)})
    result = run_check(root)
    assert (result.returncode, result.stderr.splitlines()[0]) == (
        1, "content/a.yaml:3:6: dek: a value tagged !!int is 5,000 characters long; the most is 100, and no field is a number: write the value as text")


def test_a_paragraph_of_thousands_of_sentences_is_checked_whole(make_site):
    # Read a window at a time and looked up in an index (bench/hostile_inputs.py measures how long it takes).
    paragraph = " ".join(f"Vote {i} passed on Jan. {i % 28 + 1} in the U.S. city." for i in range(1_800))
    root = make_site({"a.yaml": minimal_explainer(answer=paragraph) + "made_from:\n  - seeds/a.txt\n"})
    (root / "seeds").mkdir()
    (root / "seeds" / "a.txt").write_text(f"What happened?\n\n{paragraph}\n", "utf-8")
    result = run_check(root)
    assert "  seeds/a.txt: 1801 of 1801 source sentences present (100%)" in result.stdout.splitlines(), result.stdout[-2000:]


def test_a_long_paragraph_is_split_a_window_at_a_time_into_the_sentences_it_has_whole():
    from explainer.importer.sentences import WINDOW, _segment

    # Ordinary prose with abbreviations, numbers and quotes, many windows long.
    prose = " ".join(f"On Jan. {i % 28 + 1}, Mr. Smith of the U.S. said the plan (No. {i}) costs $2.{i % 10} million. "
                     f"\"Is it worth it?\" asked Dr. Jones. It is, e.g. for schools!" for i in range(400))
    assert len(prose) > 50 * WINDOW
    assert split_sentences(prose) == list(_segment(prose, "en"))
    one_long = ", ".join(["U.S. policy"] * 1_000)  # a sentence longer than a window is kept whole
    assert split_sentences(one_long + ". It ended.") == [one_long + ".", "It ended."]


@pytest.mark.parametrize("entry", ["../outside.txt", "seeds/../../outside.txt", "seeds/link.txt"])
def test_a_made_from_path_outside_the_project_is_refused_even_when_the_file_exists(make_site, tmp_path, entry):
    root = make_site({"a.yaml": minimal_explainer() + f"made_from:\n  - {entry}\n"})
    (tmp_path / "outside.txt").write_text("It happened.\n", "utf-8")
    (root / "seeds").mkdir()
    (root / "seeds" / "link.txt").symlink_to(tmp_path / "outside.txt")
    result = run_check(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"content/a.yaml:12:5: made_from[0]: '{entry}' is outside the project folder; name a file under it, like seeds/article.txt"


def test_an_address_in_made_from_is_not_fetched(make_site):
    root = make_site({"a.yaml": minimal_explainer() + "made_from:\n  - https://example.org/article\n"})
    result = run_check(root)
    assert result.returncode == 0
    assert "  https://example.org/article: not checked: an address: the check reads files in the project and never fetches from the network" in result.stdout


def test_explainers_without_made_from_are_listed_as_not_checked(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    result = run_check(root)
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["not checked (no made_from): content/a.yaml", "no explainer names made_from: nothing to check"]


def test_content_errors_stop_the_check_like_the_build(make_site):
    root = make_site({"a.yaml": minimal_explainer().replace("title:", "titel:") + "made_from:\n  - seeds/a.txt\n"})
    result = run_check(root)
    assert result.returncode == 1
    assert "content/a.yaml:2:1: titel: unknown field 'titel': did you mean 'title'?" in result.stderr


@pytest.mark.parametrize("name", ["qa_pairs.txt", "numbered_with_list.txt", "markdown_headings.md", "html_export.html"])
def test_an_imported_article_checks_complete_with_its_furniture_left_out_on_purpose(make_site, name):
    root = make_site({})
    (root / "seeds").mkdir()
    (root / "seeds" / name).write_bytes((ARTICLES / name).read_bytes())
    imported = cli("import", f"seeds/{name}", cwd=root)
    assert imported.returncode == 0, imported.stderr
    result = run_check(root)
    assert result.returncode == 0, result.stdout
    assert "every sentence is supported by the source" in result.stdout
    if name == "html_export.html":
        # The photo's caption and credit are not published: the importer listed them under `omitted`, so they are
        # left out on purpose, not missing, and the check can gate publishing.
        assert "21 of 23 source sentences present, 2 left out on purpose (in `omitted`) (100%)" in result.stdout
        # Deleting it from `omitted` says it is missing after all.
        target = next((root / "content").glob("*.yaml"))
        text = target.read_text("utf-8")
        target.write_text(text[: text.index("omitted:")], "utf-8")
        again = run_check(root)
        assert again.returncode == 1 and "    seeds/html_export.html:13: Volunteers fill sandbags on Mill Road." in again.stdout.splitlines()


def test_matching_ignores_typography_case_and_spacing():
    assert normalise("Trump’s “very productive” call—welcomed") == normalise('TRUMP\'S  "very productive" call — welcomed')
    assert normalise("café") == normalise("cafe\u0301")


def test_a_match_must_be_whole_words():
    assert contains(normalise("The war ended."), normalise("war"))
    assert not contains(normalise("A warning was issued."), normalise("war"))


def test_sentences_do_not_end_at_abbreviations():
    assert split_sentences("Any offer must navigate U.S. law (e.g., CAATSA sanctions) and ally buy-in. If too generous, it fails.") == [
        "Any offer must navigate U.S. law (e.g., CAATSA sanctions) and ally buy-in.",
        "If too generous, it fails.",
    ]


REPEATING = """\
slug: ferry
title: The ferry strike
dek: Crews stopped work on Monday.
published: 2025-01-02
made_from:
  - seeds/ferry.txt
sections:
  - id: why
    question: Why did the crews stop work?
    short_answer: Why did the crews stop work?
    answer: |
      The crews want a pay rise.
  - id: how-long
    question: How long will it last?
    short_answer: Until Friday, the union says.
    answer: |
      Until Friday, the union says.
"""


def test_a_short_answer_that_repeats_its_question_or_its_whole_answer_is_listed_for_an_editor(make_site):
    root = make_site({"ferry.yaml": REPEATING})
    (root / "seeds").mkdir()
    (root / "seeds" / "ferry.txt").write_text("The ferry strike\n\nCrews stopped work on Monday.\n\nWhy did the crews stop work?\n\nThe crews want a pay rise.\n\n"
                                              "How long will it last?\n\nUntil Friday, the union says.\n", "utf-8")
    result = run_check(root)
    assert result.returncode == 0, result.stdout  # a note for the editor, not a failure
    lines = result.stdout.splitlines()
    assert "  short answers that repeat, for an editor to rewrite (2):" in lines
    assert "    content/ferry.yaml:10:19: sections[0].short_answer: the short answer repeats its question; write one sentence that answers the question" in lines
    assert "    content/ferry.yaml:15:19: sections[1].short_answer: the short answer repeats its answer; write one sentence that answers the question" in lines


def test_an_import_an_editor_has_finished_checks_clean_so_the_check_can_gate_publishing(make_site):
    root = make_site({})
    (root / "seeds").mkdir()
    (root / "seeds" / "bridge.md").write_text("# The bridge repairs\n\nThe bridge closes in May for repairs.\n\n## How long will it close?\n\n"
                                              "Six months, the council says.\n\n## Further reading\n", "utf-8")
    assert cli("import", "seeds/bridge.md", cwd=root).returncode == 0
    target = root / "content" / "the-bridge-repairs.yaml"
    # A heading with nothing under it waits in `unplaced`: not published, so not yet in the explainer.
    result = run_check(root)
    assert result.returncode == 1
    assert "    seeds/bridge.md:9: Further reading" in result.stdout.splitlines()
    assert "list it under `omitted:` to leave it out on purpose" in result.stdout
    # The editor leaves it out on purpose: the build has nothing to warn about and the check passes.
    text = target.read_text("utf-8")
    target.write_text(text.replace("unplaced:\n  - Further reading\n", "omitted:\n  - Further reading\n"), "utf-8")
    built = cli("build", "--root", str(root))
    assert built.returncode == 0 and "warning" not in built.stderr.lower(), built.stderr
    again = run_check(root)
    assert again.returncode == 0, again.stdout
    assert again.stdout.splitlines()[-1] == "checked 1 explainer(s): every source sentence is present or left out on purpose (1 in `omitted`)"


def test_check_refuses_a_site_file_a_build_refuses_with_the_builds_own_messages(make_site):
    # Valid for the schema, refused by the site's rules: a language Babel does not know, and a
    # brand colour that links cannot be read in.
    root = make_site({"a.yaml": minimal_explainer()})
    site = root / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("language: en", "language: xx-yy") + 'brand:\n  accent: "#e0a030"\n', "utf-8")
    built, checked = cli("--root", str(root)), run_check(root)
    assert built.returncode == checked.returncode == 1
    errors = [line for line in built.stderr.splitlines() if not line.startswith("build failed")]
    assert len(errors) == 2 and errors[0].startswith("site.yaml:") and ": language: " in errors[0]
    assert [line for line in checked.stderr.splitlines() if not line.startswith("check failed")] == errors
