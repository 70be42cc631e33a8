"""The importer's rules, one made-up article per rule shape, each written in every format it takes:
what a reader sees as structure becomes structure, and what a page prints around its article is
set aside, whatever the format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from helpers import cli

from explainer.content.markdown import plain_blocks
from explainer.importer.article import read_article
from explainer.importer.furniture import split_credit
from explainer.importer.sentences import normalise, split_sentences, text_fields
from explainer.importer.structure import _sections, import_article, known_unknown, read_source
from explainer.pipeline import build

RULES = Path(__file__).parent / "articles" / "rules"
TODAY = dt.date(2026, 1, 15)


def imported(name: str, **kwargs):  # type: ignore[no-untyped-def]
    scaffold = import_article(read_source(RULES / name, None), today=TODAY, origin=name, **kwargs)
    return yaml.safe_load(scaffold.yaml), scaffold


def published(data: dict) -> str:
    return "\n".join(normalise(b) for _, blocks in text_fields(data) for b in blocks)


def never_a_question_that_is_not_one(data: dict) -> None:
    for section in data["sections"]:
        if "question" in section:
            assert section["question"].rstrip().endswith("?"), section["question"]
            assert normalise(section["short_answer"]) != normalise(section["question"])


@pytest.mark.parametrize("name", ["points_top_level.txt", "points_top_level.md", "points_top_level.html"])
def test_label_only_bullets_before_any_heading_are_the_articles_sections_not_one_question_named_for_the_title(name):
    data, scaffold = imported(name)
    assert [s["heading"] for s in data["sections"]] == ["Pay", "Hours", "Safety"]
    assert plain_blocks(data["sections"][0]["text"]) == ["Wages rise by 4 percent this year and by 3 percent in each of the next two years.",
                                                         "Night shifts are paid at one and a half times the day rate, up from one and a quarter."]
    assert data["intro"] == "The agreement has three parts.\n"
    assert not any(s.get("question") == data["title"] for s in data["sections"])
    assert scaffold.report.sentences_kept == scaffold.report.sentences_read


@pytest.mark.parametrize("name", ["options_same_rank.md", "options_same_rank.txt", "options_same_rank.html"])
def test_headings_over_bullets_after_a_question_that_leads_in_are_its_deck_not_pseudo_questions(name):
    data, _ = imported(name)
    assert [s.get("question") for s in data["sections"]] == ["What could be built there?", "When is the vote?"]
    deck = data["sections"][0]
    assert [c["title"] for c in deck["cards"]] == ["Homes", "A school", "Offices"]
    assert deck["cards"][1]["detail"] == "- A secondary school for 900 pupils.\n- Playing fields open to the public at weekends.\n"
    never_a_question_that_is_not_one(data)


@pytest.mark.parametrize("name", ["numbered_points.md", "numbered_points.html", "../numbered_points.txt"])
def test_numbered_label_points_are_a_deck_in_their_own_section(name):
    data, _ = imported(name)
    deck = next(s for s in data["sections"] if "cards" in s)
    assert deck["question"] in ("What is on the table?", "What did the sides agree?")
    assert len(deck["cards"]) == 3 and deck["cards"][2]["title"] in ("Finally, a review", "Finally, a truce")
    assert [s for s in data["sections"] if "cards" in s] == [deck]
    never_a_question_that_is_not_one(data)


@pytest.mark.parametrize("name", ["bare_numbers.txt", "bare_numbers.md", "bare_numbers.html"])
def test_bare_number_points_are_cards_keeping_their_numbers_never_questions_titled_with_a_number(name):
    data, _ = imported(name)
    decks = [[c["title"] for c in s["cards"]] for s in data["sections"] if "cards" in s]
    assert decks == [["1", "2"], ["3", "4", "5"]]
    assert all(not s.get("question", "?").strip().isdigit() for s in data["sections"])
    never_a_question_that_is_not_one(data)


@pytest.mark.parametrize("name", ["bare_numbers.txt", "bare_numbers.md", "bare_numbers.html", "headings.txt", "headings.md", "headings.html"])
def test_an_ordered_list_keeps_the_articles_numbers(name):
    data, _ = imported(name)
    answer = next(s["answer"] for s in data["sections"] if "3. " in s.get("answer", ""))
    assert "3. " in answer and "4. " in answer and "1. " not in answer


@pytest.mark.parametrize("name", ["headings.txt", "headings.md", "headings.html"])
def test_a_heading_that_is_not_a_question_is_text_or_titled_items_and_a_list_answers_its_question(name):
    data, _ = imported(name)
    background, routes, same, _ = data["sections"]
    assert background["heading"] == "Background" and "question" not in background
    assert routes["heading"] == "The new routes" and [i["title"] for i in routes["items"]] == ["Route 1", "Route 2"]
    assert routes["items"][-1]["text"].endswith("The old routes 14 and 15 stop running.\n")  # after the last point, as a reader sees it
    assert same["short_answer"] == "Fares; The night buses; The timetable on Sundays"
    never_a_question_that_is_not_one(data)


@pytest.mark.parametrize("name", ["furniture.txt", "furniture.md", "furniture.html", "furniture.gdoc.txt", "furniture.docx.html"])
def test_furniture_is_set_aside_counted_and_never_published_in_every_format(name):
    data, scaffold = imported(name)
    assert data["title"] == "Why the Canal Is Being Drained"
    assert data["dek"] == "The canal between the lock and the mill is drained this week so that engineers can repair its walls."
    assert data["attribution"] == "Priya Natarajan and Tom Ashby"  # taken from the byline line
    assert data["published"] == "2025-03-12"  # and from the date line
    # A photo's credit is set aside with the page's furniture: a credit is shown with its picture
    # (`image`), which an import does not bring, and the schema has no field for a credit alone.
    assert "image_credit" not in data and "Ravi Menon/Northern Courier" in data["omitted"]
    assert [s["question"] for s in data["sections"]] == ["What is wrong with the walls?", "How long will it take?"]
    text = published(data)
    for furniture in ["EXPLAINER", "By Priya", "Published 12 March", "Workers lower the water", "in your inbox", "Video:", "Advertisement", "drained canal between stone walls"]:
        assert normalise(furniture) not in text, furniture
    assert {"EXPLAINER", "By Priya Natarajan and Tom Ashby", "Workers lower the water at the lock gates."} <= set(data["omitted"])
    report = "\n".join(scaffold.report.lines())
    assert "set aside as furniture" in report and "kickers: 1" in report and "bylines: 1" in report and "promotions: 1" in report
    assert scaffold.report.sentences_kept + scaffold.report.sentences_omitted == scaffold.report.sentences_read


@pytest.mark.parametrize("description", [None, "Three weekends of roadworks in April, and how to get around them."])
def test_the_headline_the_page_names_wins_over_a_sidebars_h1_and_the_sidebar_gives_neither_the_dek_nor_a_section(description):
    page = (RULES / "sidebar_headline.html").read_text("utf-8")
    if description:
        page = page.replace("</head>", f'<meta property="og:description" content="{description}"></head>')
    scaffold = import_article(read_article(page, "html"), today=TODAY, origin="sidebar_headline.html")
    data = yaml.safe_load(scaffold.yaml)
    assert data["title"] == "Why the Ring Road Is Closing"
    # The dek is the article's: the page's description, else its first paragraph; never the sidebar's text.
    assert data["dek"] == (description or "The ring road closes for three weekends in April while the council resurfaces it.")
    assert [s.get("question") or s.get("heading") for s in data["sections"]] == ["Which weekends?"]
    assert "Lost dog" not in published(data) and "Around the Valley" not in published(data)
    assert data["omitted"] == ["Around the Valley"]  # the sidebar's heading, listed as a heading outside the article
    assert "other text of the page, before its headline: 1" in "\n".join(scaffold.report.lines())


@pytest.mark.parametrize("head_cut_short", [False, True])
def test_a_heading_under_the_headline_that_is_the_pages_description_is_the_dek_not_a_section(head_cut_short):
    # An <iframe> in the <head> ends it for the parser: the description's meta tag lands in the <body>.
    description = "The ferry to the islands stops for a month while its pier is rebuilt."
    page = ("<html><head><title>Island ferry stops for a month | Gazette</title>" + ("<iframe src='/x'></iframe>" if head_cut_short else "")
            + f"<meta name='description' content='{description}'></head><body><h1>Island ferry stops for a month</h1>"
            + f"<h2>{description}</h2><p>The pier was built in 1911 and its timbers have rotted, the harbour board said.</p>"
            + "<h2>How do islanders reach the mainland?</h2><p>A smaller boat runs twice a day from the fishing harbour.</p></body></html>")
    data = yaml.safe_load(import_article(read_article(page, "html"), today=TODAY, origin="p.html").yaml)
    assert data["dek"] == description
    assert [s.get("question") or s.get("heading") for s in data["sections"]] == ["How do islanders reach the mainland?"]
    assert data["intro"] == "The pier was built in 1911 and its timbers have rotted, the harbour board said.\n"


def test_headings_of_a_page_outside_its_article_are_counted_and_listed():
    page = ("<html><head><title>Bridge repairs start | Gazette</title></head><body><nav><a href='/'>Home</a></nav>"
            "<article><h1>Bridge repairs start</h1><p>" + "The bridge closes for repairs on Monday, the council said. " * 6 + "</p>"
            "<p>" + "Buses take the ring road while the work goes on, for six weeks. " * 5 + "</p></article>"
            "<div><h2>A heading nobody placed</h2><p>Short.</p></div></body></html>")
    scaffold = import_article(read_article(page, "html"), today=TODAY, origin="p.html")
    data = yaml.safe_load(scaffold.yaml)
    assert "A heading nobody placed" in data["omitted"]
    assert "headings of the page outside its article: 1" in "\n".join(scaffold.report.lines())


@pytest.mark.parametrize("name", ["known_unknown.md", "known_unknown.txt", "known_unknown_fr.html"])
def test_what_we_know_and_what_we_dont_know_make_one_section_of_two_lists(name):
    article = read_source(RULES / name, None)
    sections = _sections([b for b in article.blocks if not (b.kind == "heading" and b.level == 1)])
    found = next(known_unknown(sections, i, set()) for i in range(len(sections)) if known_unknown(sections, i, set()))
    shape, _ = found
    if name.endswith(".html"):
        assert shape == {"id": "lenquete", "heading": "L'enquête",
                         "known": ["Le feu a pris dans la salle de séchage vers 23 heures.", "Quarante pompiers l'ont éteint avant 4 heures."],
                         "unknown": ["La cause de l'incendie.", "La date de réouverture de l'usine."]}
    elif name.endswith(".md"):
        assert shape == {"id": "what-we-know", "known": ["The fire started in the drying hall at about 11 p.m.", "Forty firefighters put it out by 4 a.m."],
                         "unknown": ["What started the fire.", "When the mill can reopen."]}
    else:
        assert shape["known"] == ["The fire started in the drying hall at about 11 p.m. Forty firefighters put it out by 4 a.m."]
        assert shape["unknown"] == ["What started the fire, and when the mill can reopen."]
    # The file holds that one section, with every sentence kept, and it builds.
    data, scaffold = imported(name)
    assert scaffold.report.sentences_kept == scaffold.report.sentences_read
    assert [s for s in data["sections"] if "known" in s] == [shape]
    # The pair's own headings are what the theme labels that section: nothing is left to place.
    assert "unplaced" not in data


def test_check_passes_an_imported_known_and_unknown_section_whose_headings_the_theme_labels(make_site):
    source = (RULES / "known_unknown.md").read_text("utf-8")
    _, scaffold = imported("known_unknown.md")
    root = make_site({"fire.yaml": scaffold.yaml.replace("\nslug:", "\nmade_from:\n  - seeds/fire.md\nslug:", 1)})
    (root / "seeds").mkdir()
    (root / "seeds" / "fire.md").write_text(source, "utf-8")
    result = cli("check", cwd=root)
    assert "seeds/fire.md: 11 of 11 source sentences present (100%)" in result.stdout, result.stdout
    assert "What we know" not in result.stdout


def test_sentences_are_split_in_the_articles_language_with_english_rules_where_pysbd_has_none():
    # French rules know "M." is not the end of a sentence.
    assert split_sentences("M. Durand inaugure le pont. Il est neuf.", "fr") == ["M. Durand inaugure le pont.", "Il est neuf."]
    data, scaffold = imported("language_fr.md", site_language="fr")
    assert scaffold.report.language == ("fr", False)
    # Two sentences by French rules, so the paragraph is short enough to be the dek (English rules make it three).
    assert data["dek"] == "La ville ouvre un nouveau pont sur la rivière en juin. M. Durand, le maire, l'inaugure le 3 juin."
    _, portuguese = imported("language_pt.txt", site_language="pt-BR")
    assert portuguese.report.language == ("pt-BR", True)
    assert "no rules of its own: split by the English rules" in "\n".join(portuguese.report.lines())


GERMAN = {"dek": "Die Stadt baut u. a. neue Haltestellen am Markt. Die Linie 7 fährt deshalb ab 1. April seltener.",
          "short_answers": ["Sie fährt z. B. am Sonntag nur noch alle 30 Minuten.", "Er kostet ca. 2 Mio. Euro."]}


def german_rules_read(data: dict) -> bool:
    """Whether an explainer of language_de.md was split by German rules: "u. a.", "1. April",
    "z. B.", "Nr. 7", "ca." and "Mio." end no sentence, so the dek is the first paragraph and each short
    answer a whole sentence (by English rules the dek is "Die Stadt baut u." and a short answer "Sie fährt z.")."""
    return data["dek"] == GERMAN["dek"] and [s["short_answer"] for s in data["sections"]] == GERMAN["short_answers"]


def test_import_language_splits_a_markdown_articles_sentences_by_that_languages_abbreviations(make_site):
    root = make_site({})  # a site in English
    out = root / "content" / "linie-7.yaml"
    result = cli("import", str(RULES / "language_de.md"), "--language", "de", "-o", str(out), "--root", str(root))
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(out.read_text("utf-8"))
    assert german_rules_read(data)
    assert data["language"] == "de"  # not the site's: its pages take German words and dates
    assert "  sentences kept: 9 of 9 read" in result.stdout.splitlines() and "  sentences split as: de" in result.stdout.splitlines()
    assert "The language given to the importer (--language)" in out.read_text("utf-8")
    # Without it, a Markdown file says no language: the site's (English) rules split it.
    english, _ = imported("language_de.md", site_language="en")
    assert not german_rules_read(english) and english["dek"] == "Die Stadt baut u."


def test_import_language_wins_over_the_language_a_page_says_it_is_in():
    page = (RULES / "language_de.md").read_text("utf-8").splitlines()
    html = (f"<html lang='en'><head><title>{page[0][2:]}</title></head><body><h1>{page[0][2:]}</h1><p>{page[2]}</p>"
            f"<h2>{page[4][3:]}</h2><p>{page[6]}</p><h2>{page[8][3:]}</h2><p>{page[10]}</p></body></html>")
    assert not german_rules_read(yaml.safe_load(import_article(read_article(html, "html"), today=TODAY, origin="p.html").yaml))
    scaffold = import_article(read_article(html, "html"), today=TODAY, origin="p.html", language="de", site_language="en")
    data = yaml.safe_load(scaffold.yaml)
    assert german_rules_read(data) and data["language"] == "de" and scaffold.report.language == ("de", False)


def test_import_language_without_rules_of_its_own_is_split_by_the_english_rules_and_says_so(make_site):
    result = cli("import", str(RULES / "language_pt.txt"), "--language", "pt-BR", "-o", "-", "--root", str(make_site({})))
    assert result.returncode == 0, result.stderr
    assert "  sentences split as: pt-BR (no rules of its own: split by the English rules)" in result.stderr.splitlines()
    assert yaml.safe_load(result.stdout)["language"] == "pt-BR"


@pytest.mark.parametrize("code", ["german", "xx-yy", "de DE", ""])
def test_import_language_that_is_no_language_tag_is_refused_naming_the_option(make_site, code):
    result = cli("import", str(RULES / "language_de.md"), "--language", code, "-o", "-", "--root", str(make_site({})))
    assert result.returncode == 2 and result.stdout == ""
    assert f"argument --language: expected a language tag, like de, fr or pt-BR, found {code!r}" in result.stderr


@pytest.mark.parametrize("name", ["furniture.md", "options_same_rank.md", "bare_numbers.html", "headings.md", "known_unknown_fr.html"])
def test_each_rules_article_builds_and_its_omitted_text_is_never_published(make_site, name):
    data, scaffold = imported(name)
    root = make_site({"imported.yaml": scaffold.yaml})
    build(root)
    site = "\n".join(p.read_text("utf-8", errors="replace") for p in (root / "site").rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml", ".txt", ".js"))
    for text in data.get("omitted", []):
        assert text not in site, text


# --- a saved page: the rules that read the article out of the page around it ------------------

PAGE_ARTICLE = [
    "PORT ELLEN — Engineers found cracks in two of the bridge's steel cables during an inspection in March, the council said on Tuesday.",
    "The cables carry the weight of the deck to the two towers. Both will be replaced, as Reuters first reported last week.",
    "Crews lift the deck with hydraulic jacks, unhook the old cables and thread new ones down from the towers.",
    "The towers were last repaired in 1987, when one of the original cables snapped in a storm.",
    "The program that drives the jacks, lift_deck, was tried on a scale model of the bridge first.",
    "Drivers will have to take the coast road, which adds about twenty minutes to the trip into town at rush hour.",
    "The council says the repairs cost 18 million pounds, most of it paid by a national grant for ageing bridges.",
]
PAGE_CHROME = ["Ferry fares rise in June", "fuel costs more", "New cycle lane", "harbour master", "The bridge at dusk", "An inspector climbs",
               "Previous", "covers transport and the harbour", "Home", "All rights reserved", "Read more"]


def test_a_saved_page_gives_its_whole_article_and_none_of_the_page_around_it():
    data, scaffold = imported("page_rules.html")
    assert data["title"] == "Why the Harbour Bridge Is Closing"
    assert data["attribution"] == "Sam Reid"  # the byline, not a name in the author's bio
    # The standfirst the extractor left out is the dek, not text waiting in `unplaced`.
    assert data["dek"] == "The harbour bridge closes for six months from May. Ferries run every ten minutes while it is shut."
    assert "image_credit" not in data and "Lena Park/AFP/Getty Images" in data["omitted"]  # an agency's credit under the photo, set aside
    blocks = [normalise(b) for _, bs in text_fields(data) for b in bs]
    # Each paragraph whole, in one block: with its dateline, with a link named like furniture
    # ("Reuters") inside its sentence, with its inline code; under a class that says it has no
    # caption; and inside a "read more" box that holds the rest of the story.
    for paragraph in PAGE_ARTICLE:
        assert normalise(paragraph) in blocks, paragraph
    assert [s.get("question") for s in data["sections"]] == ["What does the work involve?"]
    text = published(data)
    # Neither the other stories' teasers, nor the slideshow, nor the author's bio, menus or footer.
    assert [c for c in PAGE_CHROME if normalise(c) in text] == []
    assert "unplaced" not in data
    # The lead photo's credit, then the second photo's caption and its credit, split where
    # "Photograph:" comes after "Main image:".
    assert data["omitted"] == ["Main image: A jack under the deck in March.", "Lena Park/AFP/Getty Images", "Tom Ashby/Bay Courier"]
    kinds = dict(scaffold.report.set_aside)
    assert kinds["sidebars and related links"] >= 3 and kinds["galleries and slideshows"] >= 2 and kinds["author bios"] == 1


def test_a_credit_after_another_marker_word_is_still_split_from_its_caption():
    assert split_credit("Main image: A whale on the beach. Photograph: Ann Lee/The Courier") == ("Main image: A whale on the beach.", "Ann Lee/The Courier")
    assert split_credit("Sandbags line Mill Road. Credit…Tom Reyes/The Gazette") == ("Sandbags line Mill Road.", "Tom Reyes/The Gazette")
    assert split_credit("The photo: a man walks home.") is None  # a sentence, not a caption and its credit
