"""Importing: an article in, a content file out that builds, keeps every sentence and says what it derived."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pysbd
import pytest
import yaml
from helpers import REPO, SEED_ARTICLE, SEED_SLUG, make_project
from helpers import cli as run
from lxml import html as lxml_html

from explainer.content.markdown import plain_blocks
from explainer.content.parse import parse_yaml
from explainer.content.validate import load_schema, validate_doc
from explainer.importer.article import escape_markdown, read_article, split_credit
from explainer.importer.sentences import normalise, split_sentences
from explainer.importer.structure import import_article, read_source
from explainer.pipeline import build

ARTICLES = Path(__file__).parent / "articles"
PUBLISHED = dt.date(2025, 5, 1)

# For each article shape: the sections, questions and cards it must give, and how many entries are
# left unplaced. (A heading that is not a question gives a section of text, not a question.)
SHAPES = {
    "qa_pairs.txt": (4, 4, 3, 0),
    "numbered_with_list.txt": (5, 5, 3, 0),
    "markdown_headings.md": (4, 3, 2, 0),
    "html_export.html": (4, 3, 3, 0),
    SEED_ARTICLE.name: (6, 3, 5, 0),
}
SEED_CARDS = ["Sanctions Rollback", "Ukraine Concessions", "Energy and Trade Pacts", "Global Security Deals", "Personal Diplomacy Perks"]


def article_path(name: str) -> Path:
    return SEED_ARTICLE if name == SEED_ARTICLE.name else ARTICLES / name


def imported(name: str) -> tuple[str, dict]:
    """The YAML the importer writes for a fixture article, and that YAML read back."""
    path = article_path(name)
    scaffold = import_article(read_source(path, None), today=PUBLISHED, origin=path.name)
    return scaffold.yaml, yaml.safe_load(scaffold.yaml)


def strings(value) -> list[str]:
    """Every string in parsed YAML, Markdown fields reduced to what a reader sees."""
    if isinstance(value, str):
        return plain_blocks(value) + [" ".join(value.split())]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    return []


# An oracle for "every sentence is kept" that does not use the importer's reader: the article's
# own lines or elements, split by pysbd, with only the markers a reader would not call text removed.
_MARKER = re.compile(r"^\s*(?:Q:|A:|[-*•]\s|\d+[.)]\s)\s*")
_CREDIT_MARKER = re.compile(r"^(?:Photo)[-:]\s*", re.IGNORECASE)


def input_sentences(path: Path) -> list[str]:
    text = path.read_text("utf-8")
    if path.suffix == ".md":
        blocks = plain_blocks(text)
    elif path.suffix == ".html":
        article = lxml_html.document_fromstring(text).find(".//article")
        blocks = [el.text_content() for el in article.iter("h1", "h2", "h3", "p", "li", "figcaption")]
    else:
        blocks = text.splitlines()
    segmenter = pysbd.Segmenter(language="en", clean=False)
    out = []
    for block in blocks:
        block = _MARKER.sub("", " ".join(block.split()))
        out.extend(s.strip() for s in segmenter.segment(block) if s.strip()) if block else None
    return out


def found(sentence: str, haystack: str) -> bool:
    """Whole; or a credit without its "Photo" marker (hyphens read as spaces); or each side of a "Label: text"."""
    if normalise(sentence) in haystack:
        return True
    credit = _CREDIT_MARKER.sub("", sentence)
    if credit != sentence:
        return normalise(credit) in haystack or normalise(credit.replace("-", " ")) in haystack
    if ": " in sentence:
        label, rest = sentence.split(": ", 1)
        return normalise(label) in haystack and found(rest, haystack)
    return False


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_article_shape_gives_its_questions_and_cards(name):
    sections, questions, cards, unplaced = SHAPES[name]
    _, data = imported(name)
    assert len(data["sections"]) == sections
    assert sum("question" in s for s in data["sections"]) == questions
    assert sum(len(q.get("cards", [])) for q in data["sections"]) == cards
    assert len(data.get("unplaced", [])) == unplaced


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_sentence_of_the_article_is_somewhere_in_the_yaml(name):
    text, data = imported(name)
    # The YAML as written (keys included: a "Challenges:" lead becomes the challenges field) and its values.
    haystack = normalise(text) + "\n" + "\n".join(normalise(s) for s in strings(data))
    sentences = input_sentences(article_path(name))
    assert len(sentences) >= 15
    assert [s for s in sentences if not found(s, haystack)] == []


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_report_counts_every_sentence_as_kept(name):
    path = article_path(name)
    report = import_article(read_source(path, None), today=PUBLISHED, origin=path.name).report
    assert report.sentences_read >= 15
    # Kept, or set aside on purpose as furniture (a caption here), and listed under `omitted`.
    assert report.sentences_kept + report.sentences_omitted == report.sentences_read
    assert report.questions == SHAPES[name][1] and report.cards == SHAPES[name][2]


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_imported_file_validates_and_builds_without_edits(make_site, name):
    text, data = imported(name)
    doc = parse_yaml("content/imported.yaml", text.encode("utf-8"))
    assert not isinstance(doc, list), doc
    assert validate_doc(doc, "explainer") == []
    root = make_site({"imported.yaml": text})
    result = build(root)
    assert (root / "site" / data["slug"] / "index.html").is_file()
    for question in [s for s in data["sections"] if "question" in s]:
        assert (root / "site" / data["slug"] / question["id"] / "index.html").is_file()
    # Only text left unplaced is warned about, one warning per entry, and a text that starts with
    # the line shown above it (the page shows that sentence once; the editor may take it out).
    unplaced = [w.field for w in result.warnings if "word for word" not in w.message]
    assert unplaced == [f"unplaced[{i}]" for i in range(len(data.get("unplaced", [])))]


# Each fixture's section headings, in its order, and the one holding its labelled list.
HEADINGS = {
    "qa_pairs.txt": (["Where exactly will the lanes run?", "Will I still be able to park on Harbour Street?",
                      "How much will the project cost, and who pays for it?", "What happens at bus stops?"], 1),
    "numbered_with_list.txt": (["Why is the library closing?", "What will the renovated library have?", "Where can I borrow books in the meantime?",
                                "Will the library cost more to run afterwards?", "How can residents have a say?"], 2),
    "markdown_headings.md": (["Background", "What is in the budget?", "What are the choices on the ballot?", "When and where do I vote?"], 2),
    "html_export.html": (["How much rain fell?", "The blocked culvert", "What can be done to stop it happening again?", "Where can residents get help?"], 2),
}


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_an_imported_article_keeps_its_section_order_and_its_list_inside_its_section_on_the_built_page(make_site, name):
    text, data = imported(name)
    root = make_site({"imported.yaml": text})
    build(root)
    page = lxml_html.fromstring((root / "site" / data["slug"] / "index.html").read_bytes())
    sections = page.xpath("//main//section[h2][not(@id='changes')]")
    headings, deck_at = HEADINGS[name]
    assert [" ".join(s.xpath("string(h2)").split()) for s in sections] == headings
    # The labelled list is that section's deck of cards, shown inside it; the others have none.
    assert [len(s.xpath(".//article[@class='card']")) for s in sections] == [len(data["sections"][deck_at]["cards"]) if i == deck_at else 0 for i in range(len(headings))]
    # Text the article has after the list follows the cards, in the same section.
    after = data["sections"][deck_at].get("after_cards")
    if after:
        body = " ".join(sections[deck_at].text_content().split())
        last_card = data["sections"][deck_at]["cards"][-1]["title"]
        assert body.index(last_card) < body.index(plain_blocks(after)[0])


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_yaml_is_written_for_an_editor_to_read(name):
    text, data = imported(name)
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/explainer.schema.json"
    assert lines[1].startswith("# Imported from ") and "an editor must check every field" in " ".join(lines[1:5])
    order = list(load_schema("explainer")["properties"])
    assert list(data) == sorted(data, key=order.index)
    # Answers of more than one paragraph are literal blocks, one paragraph to a line, not quoted
    # strings full of escapes.
    if any("\n\n" in s.get("answer", "").strip() for s in data["sections"]):
        assert re.search(r"^    answer: \|$", text, re.MULTILINE)
    assert '\\n' not in text


def heading_of(section: dict) -> str:
    return normalise(section.get("label") or section.get("question") or section["heading"])


def test_the_seed_article_gives_the_seed_explainers_sections_in_order_and_its_five_offers_in_their_question():
    _, data = imported(SEED_ARTICLE.name)
    seed = yaml.safe_load((REPO / "content" / f"{SEED_SLUG}.yaml").read_text("utf-8"))
    # Each of the seed's sections from the article is one of its headings, in the article's order.
    written = [heading_of(s) for s in seed["sections"] if "question" in s or "items" in s]
    assert [heading_of(s) for s in data["sections"]] == written
    [deck] = [s for s in data["sections"] if "cards" in s]
    [seed_deck] = [s for s in seed["sections"] if "cards" in s]
    assert [c["title"] for c in deck["cards"]] == SEED_CARDS
    assert [c["id"] for c in deck["cards"]] == [c["id"] for c in seed_deck["cards"]]
    assert normalise(deck["question"]) == normalise(seed_deck["question"])


def test_the_seed_article_gives_every_paragraph_of_the_seed_explainer():
    _, data = imported(SEED_ARTICLE.name)
    seed = yaml.safe_load((REPO / "content" / f"{SEED_SLUG}.yaml").read_text("utf-8"))
    paragraphs = plain_blocks(seed["intro"])
    for section in seed["sections"]:
        paragraphs += plain_blocks(section.get("answer", "")) + plain_blocks(section.get("after_cards", ""))
        paragraphs += [p for c in section.get("cards", []) for p in plain_blocks(c.get("detail", ""))]
        paragraphs += [p for item in section.get("items", []) for p in plain_blocks(item["text"])]
    assert len(paragraphs) == 17  # one card's summary is all of it
    imported_text = [normalise(s) for s in strings(data)]
    # Sentence by sentence: the short answer and the dek lead the text they came from.
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            assert any(normalise(sentence) in block for block in imported_text), sentence


def test_the_seed_articles_first_line_is_the_title_and_its_photo_line_a_note_on_the_credit():
    text, data = imported(SEED_ARTICLE.name)
    assert data["title"] == SEED_ARTICLE.read_text("utf-8").splitlines()[0]
    # The picture is not imported, and a credit is shown only with its picture: it is a note for the editor.
    assert "image" not in data and "image_credit" not in data
    assert "# The article's picture is credited to Official White House Photo by Daniel Torok." in text
    assert "unplaced" not in data


def test_a_heading_that_is_not_a_question_heads_a_section_of_text_with_a_note_for_the_editor():
    text, data = imported("markdown_headings.md")
    background = data["sections"][0]
    assert background["heading"] == "Background" and "question" not in background
    assert background["text"].startswith("The district serves 5,200 pupils")
    note = text[: text.index("  - id: background")].splitlines()[-3:]
    assert all(line.startswith("  # ") for line in note) and "not a question" in note[0]
    # A heading phrased as a question is the question, with no label.
    assert data["sections"][1]["question"] == "What is in the budget?" and "label" not in data["sections"][1]


def test_fields_the_article_lacks_are_derived_from_its_own_text_and_marked():
    text, data = imported(SEED_ARTICLE.name)
    first = next(s for s in data["sections"] if "question" in s)
    assert first["id"] == "is-trump-cooking-up-something-new"
    # The short answer is the answer's first sentence, and the answer goes on from there: the page
    # shows each sentence once, in the article's order.
    article = normalise(SEED_ARTICLE.read_text("utf-8"))
    assert normalise(first["short_answer"] + " " + first["answer"].split("\n")[0]) in article
    assert not first["answer"].startswith(first["short_answer"])
    # The seed has no dek: its first sentence stands in, a comment says so, and the intro goes on from it.
    assert normalise(data["dek"] + " " + data["intro"].split("\n")[0]) in article
    assert not data["intro"].startswith(data["dek"])
    assert "# The article has no dek" in text
    assert data["published"] == "2025-05-01"


def test_a_short_answer_skips_a_first_sentence_that_is_a_question():
    article = read_article("A title\n\nWhy does it matter?\n\nGood question? It matters because the river rises.\n", "text")
    data = yaml.safe_load(import_article(article, today=PUBLISHED, origin="a.txt").yaml)
    assert data["sections"][0]["short_answer"] == "It matters because the river rises."


def test_markdown_links_and_emphasis_survive_the_import():
    _, data = imported("markdown_headings.md")
    answer = data["sections"][1]["answer"]
    assert "*special education*" in answer
    assert "[district website](https://example.org/budget)" in answer


def test_text_after_the_cards_follows_the_deck_in_its_question():
    text, data = imported("html_export.html")
    [deck] = [s for s in data["sections"] if "cards" in s]
    assert deck["answer"] == "Engineers have put forward three ideas:\n"
    assert deck["after_cards"] == "The council will decide which ideas to fund at its meeting in December.\n"
    # The caption under the photo and its credit are furniture: set aside on purpose, never published.
    assert data["omitted"] == ["Volunteers fill sandbags on Mill Road.", "Ana Ruiz / River Courier"] and "unplaced" not in data
    # The credit is shown only with its picture, which is not imported: the editor is told how to add one.
    assert "image_credit" not in data
    assert "The article's picture is credited to Ana Ruiz / River Courier." in " ".join(text.split())


@pytest.mark.parametrize("text", [
    "Prices rose 3*4 times in_between [brackets] and <tags> & more &amp; a \\ backslash.",
    "1990. That year the bridge opened.",
    "# not a heading",
    "- not a list",
    "> not a quote",
    "`not code` and **not bold**",
])
def test_plain_text_is_escaped_so_markdown_shows_it_exactly(text):
    assert plain_blocks(escape_markdown(text)) == [text]


def test_an_empty_heading_becomes_the_label_of_the_question_after_it():
    article = read_article("# Title\n\nA dek line here.\n\nSome intro text.\n\n## Money\n\n### Who pays?\n\nThe council pays.\n", "markdown")
    data = yaml.safe_load(import_article(article, today=PUBLISHED, origin="a.md").yaml)
    assert data["sections"] == [{"id": "who-pays", "label": "Money", "question": "Who pays?", "short_answer": "The council pays.", "answer": "The council pays.\n"}]


def test_an_article_with_no_sections_becomes_one_section_to_split_under_its_title_never_a_question_that_is_not_one():
    lede = "Fees rise by 10 percent in June. The council says the money pays for repairs. Parking stays free on Sundays."
    article = read_article(f"Council raises parking fees\n\n{lede}\n\nResidents object.\n", "text")
    scaffold = import_article(article, today=PUBLISHED, origin="a.txt")
    data = yaml.safe_load(scaffold.yaml)
    assert data["sections"][0]["heading"] == "Council raises parking fees" and "question" not in data["sections"][0]
    assert data["sections"][0]["text"] == f"{lede}\n\nResidents object.\n"
    assert "intro" not in data
    assert data["dek"] == "Fees rise by 10 percent in June."
    assert "no sections" in scaffold.yaml
    assert scaffold.report.sentences_kept == scaffold.report.sentences_read == 5


def test_a_short_paragraph_after_the_title_is_the_dek():
    article = read_article("Council raises parking fees\n\nFees rise by 10 percent in June.\n\nResidents object.\n", "text")
    data = yaml.safe_load(import_article(article, today=PUBLISHED, origin="a.txt").yaml)
    assert data["dek"] == "Fees rise by 10 percent in June."
    assert data["sections"][0]["text"] == "Residents object.\n"


# --- the command ------------------------------------------------------------------------------

def project(make_site) -> Path:
    root = make_site({})
    (root / "seeds").mkdir()
    (root / "seeds" / SEED_ARTICLE.name).write_bytes(SEED_ARTICLE.read_bytes())
    return root


def test_import_writes_content_and_reports_what_it_found(make_site):
    root = project(make_site)
    result = run("import", f"seeds/{SEED_ARTICLE.name}", "--published", "2025-10-16", cwd=root)
    assert result.returncode == 0, result.stderr
    target = root / "content" / "why-does-trump-want-to-meet-putin-again.yaml"
    assert result.stdout.splitlines()[:7] == [
        f"imported seeds/{SEED_ARTICLE.name} (text) into content/why-does-trump-want-to-meet-putin-again.yaml",
        "  sections: 6",
        "  questions: 3; 3 section(s) under headings that are not questions: write their questions to give them pages",
        "  cards: 5",
        "  paragraphs: 13",
        "  sentences kept: 76 of 78 read; 2 set aside on purpose, listed under `omitted:`",  # the photo credit, twice
        "  sentences split as: en",
    ]
    data = yaml.safe_load(target.read_text("utf-8"))
    assert data["made_from"] == [f"seeds/{SEED_ARTICLE.name}"]
    assert data["published"] == "2025-10-16"
    assert run(cwd=root).returncode == 0


def test_import_never_overwrites_without_force(make_site):
    root = project(make_site)
    target = root / "content" / "why-does-trump-want-to-meet-putin-again.yaml"
    target.write_text("an editor's work\n", "utf-8")
    refused = run("import", f"seeds/{SEED_ARTICLE.name}", cwd=root)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "import failed: content/why-does-trump-want-to-meet-putin-again.yaml already exists; pass --force to replace it"
    assert target.read_text("utf-8") == "an editor's work\n"
    forced = run("import", f"seeds/{SEED_ARTICLE.name}", "--force", cwd=root)
    assert forced.returncode == 0, forced.stderr
    assert target.read_text("utf-8").startswith("# yaml-language-server:")


def test_import_to_standard_output_writes_no_file(make_site):
    root = project(make_site)
    result = run("import", f"seeds/{SEED_ARTICLE.name}", "-o", "-", cwd=root)
    assert result.returncode == 0
    assert yaml.safe_load(result.stdout)["title"] == "Why Does Trump Want to Meet Putin Again?"
    # The report goes to standard error so the YAML can be piped.
    assert "sentences kept: 76 of 78 read" in result.stderr
    assert sorted(p.name for p in (root / "content").iterdir()) == []


def test_import_to_a_named_file_also_refuses_to_overwrite_it(make_site, tmp_path):
    root = project(make_site)
    target = tmp_path / "draft.yaml"
    assert run("import", f"seeds/{SEED_ARTICLE.name}", "-o", str(target), cwd=root).returncode == 0
    assert target.read_text("utf-8").startswith("# yaml-language-server:")
    again = run("import", f"seeds/{SEED_ARTICLE.name}", "-o", str(target), cwd=root)
    assert again.returncode == 1 and "already exists; pass --force" in again.stderr


def test_published_defaults_to_the_date_of_the_import(make_site):
    root = project(make_site)
    before = dt.date.today().isoformat()
    result = run("import", f"seeds/{SEED_ARTICLE.name}", "-o", "-", cwd=root)
    after = dt.date.today().isoformat()
    assert yaml.safe_load(result.stdout)["published"] in {before, after}


def test_format_overrides_the_extension(make_site):
    root = project(make_site)
    (root / "article.txt").write_text("# A Markdown title\n\nA dek sentence.\n\nIntro text here.\n\n## Why now?\n\nBecause of the vote.\n", "utf-8")
    as_text = yaml.safe_load(run("import", "article.txt", "-o", "-", cwd=root).stdout)
    as_markdown = yaml.safe_load(run("import", "article.txt", "-o", "-", "--format", "markdown", cwd=root).stdout)
    assert as_markdown["title"] == "A Markdown title"
    assert [q["question"] for q in as_markdown["sections"]] == ["Why now?"]
    assert as_text["title"] != "A Markdown title"


def test_import_offers_every_format_the_article_reader_reads():
    # The command line names them itself, so that a build need not load the article reader.
    from explainer.cli import IMPORT_FORMATS
    from explainer.importer.article import FORMATS
    from explainer.importer.sources import SOURCE_FORMATS

    assert IMPORT_FORMATS == SOURCE_FORMATS
    assert set(FORMATS) <= set(SOURCE_FORMATS)


def test_an_article_of_unknown_format_is_refused_with_a_hint(make_site):
    root = project(make_site)
    (root / "article.pdf").write_bytes(b"%PDF-1.4")
    result = run("import", "article.pdf", cwd=root)
    assert result.returncode == 1
    assert result.stderr.strip() == "import failed: cannot tell the format of article.pdf from its extension; pass --format text, markdown, html, docx or archieml"


def test_an_article_outside_the_project_is_imported_without_made_from(make_site, tmp_path):
    root = project(make_site)
    outside = tmp_path / "elsewhere.md"
    outside.write_text((ARTICLES / "markdown_headings.md").read_text("utf-8"), "utf-8")
    result = run("import", str(outside), "-o", "-", cwd=root)
    assert result.returncode == 0
    assert "made_from" not in yaml.safe_load(result.stdout)
    assert "# made_from is not set because the article is outside the project" in result.stdout
    # The article's own folder on this machine is not written into the content.
    assert str(tmp_path) not in result.stdout


@pytest.mark.parametrize("line, expected", [
    ("Photo-Official-White-House-Photo-by-Daniel-Torok", ("", "Official White House Photo by Daniel Torok")),
    ("Volunteers fill sandbags. Photo: Ana Ruiz / River Courier", ("Volunteers fill sandbags.", "Ana Ruiz / River Courier")),
    ("Image credit: Reuters", ("", "Reuters")),
    ("Photo by Jane Doe", ("", "Jane Doe")),
    ("A picture-perfect day at the beach", None),
    ("The photo: a man on a bridge", None),
    ("Photo: the mayor opened the new bridge on Monday after two years of delays.", None),
])
def test_a_photo_credit_is_told_apart_from_text_that_mentions_a_photo(line, expected):
    assert split_credit(line) == expected


def test_html_text_is_not_run_together_across_line_breaks_and_nested_blocks():
    article = read_article("<article><h1>T</h1><p>Line one<br>line two.</p><ul><li><p>First.</p><p>Second.</p></li><li>Third.</li></ul></article>", "html")
    assert [b.text for b in article.blocks] == ["T", "Line one line two.", "First. Second. Third."]


def test_html_outside_the_article_and_its_menus_is_not_read_but_loose_text_inside_is():
    page = "<body><nav>Home News</nav><h1>The title</h1><article>Loose text first.<p>A paragraph.</p><div>A <b>div</b> of text.</div></article><footer>Site footer.</footer></body>"
    article = read_article(page, "html")
    assert [(b.kind, b.text) for b in article.blocks] == [("heading", "The title"), ("paragraph", "Loose text first."), ("paragraph", "A paragraph."), ("paragraph", "A div of text.")]


@pytest.mark.subprocess
def test_an_article_is_imported_from_a_pipe_and_one_past_the_limit_is_refused_without_reading_it_all(tmp_path):
    root = make_project(tmp_path / "project", {})
    build = f"{sys.executable} {REPO / 'build.py'} import --root {root} --format text"
    piped = subprocess.run(["bash", "-c", f"{build} <(printf 'A title for it\\n\\nA paragraph that says something.\\n')"], capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert (root / "content" / "a-title-for-it.yaml").is_file()
    endless = subprocess.run(["bash", "-c", f"{build} <(yes 'A paragraph that never ends.')"], capture_output=True, text=True, timeout=60)
    assert endless.returncode == 1
    assert endless.stderr.strip().endswith("is larger than 50,000,000 bytes; save only the article's page, or paste its text")
