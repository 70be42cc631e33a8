"""Importing real-shaped pages and explainers: the article without the page around it, its byline
and date, the structures outlets use for options and takeaways, and odd input handled honestly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from helpers import cli

from explainer.content.markdown import plain_blocks
from explainer.content.slugs import slugify
from explainer.importer.article import read_article
from explainer.importer.sentences import contains, normalise, text_fields
from explainer.importer.structure import import_article, read_source
from explainer.pipeline import build

ARTICLES = Path(__file__).parent / "articles"
TODAY = dt.date(2026, 1, 15)


def imported(name: str, **kwargs) -> tuple[str, dict, object]:  # type: ignore[no-untyped-def]
    scaffold = import_article(read_source(ARTICLES / name, None), today=TODAY, origin=name, **kwargs)
    return scaffold.yaml, yaml.safe_load(scaffold.yaml), scaffold.report


def published_text(data: dict) -> str:
    """Everything the explainer would publish, as a reader reads it."""
    return "\n".join(normalise(b) for _, blocks in text_fields(data) for b in blocks)


def section(data: dict, heading: str) -> dict:
    return next(s for s in data["sections"] if heading in (s.get("question"), s.get("heading"), s.get("label")))


# --- a news page -------------------------------------------------------------------------------

NEWS_ARTICLE = [
    "The town council voted on Monday night to widen the culvert under Mill Road, ending months of argument over how to stop the river from flooding the street again.",
    "Councillors approved the plan by nine votes to two after a three-hour meeting that ran past midnight.",
    "The plan puts together three pieces of work that engineers proposed after the flood:",
    "The engineers said the wider culvert alone would have stopped last year's flood.",
    "The work is expected to cost 4.2 million pounds.",
    "Residents will see the cost in their council tax from next April, by about 12 pounds a year for a typical home.",
    "The first contractors are due on site in March.",
]
NEWS_CHROME = [
    "We use cookies", "Accept all", "Skip to content", "Subscribe", "Information and Resources", "Where to get flood help",
    "Advertisement", "Supported by", "Get the morning briefing", "Sign up", "Share", "Tweet", "Related", "How the river flooded Mill Road",
    "covers the town council", "Most read", "Bus timetable", "All rights reserved", "Privacy policy", "Local news", "November 4, 2025",
    "A script inside a div", "document.write",
]


def test_a_news_page_gives_the_articles_headline_byline_date_and_standfirst():
    text, data, report = imported("news_page.html")
    # The article's own <h1>, not the sidebar's, the page's <title> or its og:title.
    assert data["title"] == "Council Approves Flood Plan After Months of Debate"
    assert data["attribution"] == "Maria Okafor"
    assert data["published"] == "2025-11-04"
    assert data["dek"] == "The council backed a plan to widen the culvert under Mill Road, a year after the river flooded 40 homes."
    assert "The article's picture is credited to Tom Reyes/The Riverside Gazette." in " ".join(text.split())
    assert report.found == ("byline (Maria Okafor)", "date (2025-11-04)")


def test_a_news_page_publishes_its_article_and_none_of_the_page_around_it():
    text, data, report = imported("news_page.html")
    published = published_text(data)
    for paragraph in NEWS_ARTICLE:
        assert normalise(paragraph) in published, paragraph
    leaked = [c for c in NEWS_CHROME if contains(published, normalise(c))]
    assert leaked == []
    # The caption, and the kicker and "Supported by" that the extractor took for the article's, are
    # its furniture, and so is the photo credit: set aside on purpose, listed and never published.
    assert data["omitted"] == ["Sandbags line Mill Road after last week's storm.", "Local news", "Supported by", "Tom Reyes/The Riverside Gazette"] and "unplaced" not in data
    assert report.sentences_kept + report.sentences_omitted == report.sentences_read


def test_what_a_news_page_sets_aside_is_counted_by_kind_in_the_summary():
    _, _, report = imported("news_page.html")
    kinds = dict(report.set_aside)
    for kind in ("cookie and consent notices", "menus and navigation", "advertising and sponsors", "sidebars and related links",
                 "newsletter and subscription offers", "author bios", "share buttons", "footers"):
        assert kinds.get(kind, 0) >= 1, (kind, kinds)
    lines = report.lines()
    assert "  article: trafilatura" in lines
    assert any(line.startswith("  set aside as page chrome: ") for line in lines)


def test_a_news_pages_key_takeaways_are_its_key_points_and_its_labelled_list_a_deck_in_its_section():
    _, data, _ = imported("news_page.html")
    points = section(data, "Key takeaways")
    assert points["key_points"] == ["The council voted 9 to 2 for the flood plan on Monday night.", "Work on the culvert starts in the spring and takes two years."]
    plan = section(data, "What is in the plan?")
    assert [c["title"] for c in plan["cards"]] == ["Wider culvert", "Debris screen", "Flood wall"]
    assert plan["after_cards"].startswith("The engineers said")
    assert [s.get("question") or s.get("heading") for s in data["sections"]] == ["Key takeaways", "What is in the plan?", "Who pays for it?"]


def test_the_date_on_the_command_line_wins_over_the_pages():
    _, data, _ = imported("news_page.html", published=dt.date(2025, 12, 1))
    assert data["published"] == "2025-12-01"
    _, plain, _ = imported("markdown_headings.md")
    assert plain["published"] == TODAY.isoformat()  # no date in the article: today's


def test_check_compares_an_explainer_with_the_pages_article_not_the_whole_page(make_site):
    root = make_site({})
    (root / "seeds").mkdir()
    (root / "seeds" / "news.html").write_bytes((ARTICLES / "news_page.html").read_bytes())
    assert cli("import", "seeds/news.html", cwd=root).returncode == 0
    complete = cli("check", "--root", str(root)).stdout.splitlines()
    # Every sentence of the article; its photo caption and credit, kicker and "Supported by" are left out on purpose, in `omitted`; none of the chrome.
    assert complete[1] == "  seeds/news.html: 22 of 26 source sentences present, 4 left out on purpose (in `omitted`) (100%)", complete
    assert "missing from the explainer" not in "\n".join(complete)
    assert "  every sentence is supported by the source" in complete  # the byline and date come from the page too
    # A sentence of the article taken out is missed.
    target = next((root / "content").glob("*.yaml"))
    target.write_text(target.read_text("utf-8").replace(" The two who voted against it said the cost should have been shared with the county.", ""), "utf-8")
    missing = cli("check", "--root", str(root))
    assert missing.returncode == 1
    assert "21 of 26 source sentences present, 4 left out on purpose" in missing.stdout


# --- the structures explainers use ------------------------------------------------------------

DECKS = {
    # article, the section holding the deck, its cards, the text after them
    "options_under_headings.md": ("What are the options?", ["More buses", "A tram line", "Cycle lanes"], None),
    "options_under_headings.html": ("What are the options?", ["More buses", "A tram line", "Cycle lanes"], None),
    "label_only_bullets.md": ("What are the choices?", ["Reopen it as it was", "Share it with the museum", "Sell it"], "The council meets on 2 May to choose.\n"),
    "label_only_bullets.txt": ("What are the choices?", ["Reopen it as it was", "Share it with the museum", "Sell it"], "The council meets on 2 May to choose.\n"),
    "label_only_bullets.html": ("What are the choices?", ["Reopen it as it was", "Share it with the museum", "Sell it"], "The council meets on 2 May to choose.\n"),
    "numbered_points.txt": ("What did the sides agree?", ["A pause first", "Prisoners next", "Finally, a truce"], "Both sides have broken pauses before.\n"),
    "bold_labels.html": ("What could change?", ["Fewer spaces", "Higher charges", "Later hours"], None),
    "news_page.html": ("What is in the plan?", ["Wider culvert", "Debris screen", "Flood wall"], "The engineers said the wider culvert alone would have stopped last year's flood.\n"),
}


@pytest.mark.parametrize("name", sorted(DECKS))
def test_options_written_as_outlets_write_them_are_a_deck_in_their_own_section(name):
    _, data, report = imported(name)
    heading, titles, after = DECKS[name]
    holder = section(data, heading)
    assert [c["title"] for c in holder["cards"]] == titles
    assert holder.get("after_cards") == after
    # No other section took a deck, and every card has its text.
    assert [s.get("question") for s in data["sections"] if "cards" in s and s is not holder] in ([], ["What do traders say?"])
    assert all(c["summary"] and c.get("detail", "x").strip() for c in holder["cards"])
    assert report.sentences_kept + report.sentences_omitted == report.sentences_read


def test_bold_label_paragraphs_are_a_deck_too():
    _, data, _ = imported("bold_labels.html")
    traders = section(data, "What do traders say?")
    assert [c["title"] for c in traders["cards"]] == ["Deliveries", "Customers", "Staff"]
    # A point of one sentence is its card's summary, shown once: the card has no detail to repeat it.
    assert traders["cards"][0]["summary"] == "Lorries need to unload before 10 a.m., and the plan keeps that."
    assert "detail" not in traders["cards"][0]
    _, markdown, _ = imported("label_only_bullets.md")
    assert "unplaced" not in markdown


def test_a_listicle_makes_each_point_a_section_in_its_order():
    _, data, _ = imported("listicle.md")
    assert [s["heading"] for s in data["sections"]] == [
        "It closes for six months", "Buses take a detour", "People on foot can still cross", "Parking near the bridge is suspended", "The cost is shared"]
    assert data["sections"][1]["text"] == "Routes 4 and 9 cross at the New Bridge instead. Each trip takes about eight minutes longer.\n"


def test_a_what_we_know_box_is_key_points_where_the_article_has_it():
    _, data, _ = imported("takeaways.md")
    assert data["sections"][0] == {"id": "key-points", "heading": "What we know", "key_points": [
        "The day ends at 3.30 p.m. instead of 3 p.m.", "The extra time goes to reading and maths.", "Buses leave half an hour later."]}
    assert [s.get("question") for s in data["sections"][1:]] == ["Why the change?", "What do parents say?"]


def test_text_pasted_with_single_newlines_keeps_its_paragraphs():
    _, data, report = imported("single_newlines.txt")
    paragraphs = plain_blocks(data["dek"]) + [p for s in data["sections"] for p in plain_blocks(s.get("answer") or s["text"])]
    assert len(paragraphs) == 11
    assert report.paragraphs == 11


@pytest.mark.parametrize("name", sorted({*DECKS, "listicle.md", "takeaways.md", "single_newlines.txt"}))
def test_each_imported_shape_builds_as_it_is(make_site, name):
    text, data, _ = imported(name)
    root = make_site({"imported.yaml": text})
    build(root)
    assert (root / "site" / data["slug"] / "index.html").is_file()


# --- odd input, handled honestly ---------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [("Путин и Трамп", "putin-i-tramp"), ("习近平", "xi-jin-ping"), ("Straße", "strasse"), ("Trump’s “deal”", "trumps-deal")])
def test_slugs_are_readable_ascii_from_any_script(title, slug):
    assert slugify(title) == slug
    article = read_article(f"{title}\n\nThe first paragraph of the story, long enough to be one.\n", "text")
    assert yaml.safe_load(import_article(article, today=TODAY, origin="a.txt").yaml)["slug"] == slug


def test_control_characters_are_left_out_said_so_and_the_result_builds(make_site):
    article = read_article("A title\n\nThe council\x00 met on\x1b Monday. It voted for the plan.\x07\n", "text")
    scaffold = import_article(article, today=TODAY, origin="a.txt")
    assert "\x00" not in scaffold.yaml and "\x1b" not in scaffold.yaml
    assert "  control characters left out: 3" in scaffold.report.lines()
    root = make_site({"a.yaml": scaffold.yaml})
    build(root)


def nested(depth: int, text: str) -> str:
    return "<html><body><article><h1>Deep</h1><p>A first paragraph of the story.</p>" + "<div>" * depth + f"<p>{text}</p>" + "</div>" * depth + "</article></body></html>"


def test_text_nested_deep_in_a_page_is_kept_and_a_page_too_deep_to_read_is_refused(tmp_path):
    deep = "This sentence sits three hundred levels down."
    page = tmp_path / "deep.html"
    page.write_text(nested(300, deep), "utf-8")
    scaffold = import_article(read_source(page, None), today=TODAY, origin="deep.html")
    assert deep in scaffold.yaml
    assert scaffold.report.sentences_kept == scaffold.report.sentences_read
    page.write_text(nested(5000, "Lost below the parser's reach."), "utf-8")
    result = cli("import", str(page), "-o", "-", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"import failed: {page}: the page nests its elements too deep for an HTML parser to read all of its text")


@pytest.mark.slow
def test_an_article_too_large_to_build_is_refused_with_a_message(tmp_path):
    pairs = "".join(f"Q: Is this question number {n}?\nA: It is question {n}, and its answer says so in one sentence.\n\n" for n in range(12_000))
    page = tmp_path / "huge.txt"
    page.write_text("A very long explainer\n\n" + pairs, "utf-8")
    result = cli("import", str(page), "-o", "-", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the article makes an explainer" in result.stderr and "import it in parts, or split the article" in result.stderr


def test_an_empty_result_of_the_extractor_still_reads_the_page():
    # A page with no <article> whose text is too short for an extractor to call an article.
    article = read_article("<html><body><div><h1>A short note</h1><div>Only one line of text here.</div></div></body></html>", "html")
    assert [b.text for b in article.blocks] == ["A short note", "Only one line of text here."]


STORY = "".join(f"<p>Paragraph {i} of the story says something about the council vote and the flood plan in plain words.</p>" for i in range(8))


def test_a_wrapper_named_like_an_ad_slot_around_the_whole_page_is_not_set_aside():
    # Some sites wrap everything in a container whose id names an ad slot.
    page = f'<html><body><div id="ad-portal"><nav><a href="/">Home</a></nav><article><h1>The headline</h1>{STORY}</article></div></body></html>'
    article = read_article(page, "html")
    assert [b.text for b in article.blocks if b.kind == "paragraph"] == [f"Paragraph {i} of the story says something about the council vote and the flood plan in plain words." for i in range(8)]
    assert dict(article.set_aside) == {"menus and navigation": 1}


def test_prose_the_extractor_leaves_out_waits_for_an_editor_rather_than_being_lost():
    odd = "A lonely list item that is really a sentence of the story, with words enough to be one."
    page = f'<html><body><nav><a href="/">Home</a></nav><div><h1>The headline</h1>{STORY}<ul><li>{odd}</li></ul></div><footer>Footer</footer></body></html>'
    scaffold = import_article(read_article(page, "html"), today=TODAY, origin="page.html")
    data = yaml.safe_load(scaffold.yaml)
    assert contains(published_text(data), normalise(odd)) or odd in data.get("unplaced", [])
    assert scaffold.report.sentences_kept == scaffold.report.sentences_read


# --- a page in another language ----------------------------------------------------------------


def test_a_page_in_another_language_than_the_sites_gives_the_explainer_its_language(make_site):
    text, data, _ = imported("page_fr.html", site_language="en")
    assert data["language"] == "fr-FR"
    assert "The language the article says it is in" in text
    # Imported into the project as a user does, it builds in French.
    root = make_site({})
    result = cli("import", str(ARTICLES / "page_fr.html"), "--root", str(root))
    assert result.returncode == 0, result.stderr
    assert cli("--root", str(root)).returncode == 0
    page = root / "site" / data["slug"] / "index.html"
    html = page.read_text("utf-8")
    assert '<html lang="fr-FR" dir="ltr">' in html and "<h2>Sommaire</h2>" in html


@pytest.mark.parametrize("site_language", ["fr", "fr-CA"])
def test_a_page_in_the_sites_language_adds_no_language(site_language):
    _, data, _ = imported("page_fr.html", site_language=site_language)
    assert "language" not in data


def test_a_page_that_names_no_language_babel_knows_adds_none():
    from explainer.importer.webpage import page_language, parse_page

    assert page_language(parse_page('<html lang="klingon-x"><body><p>Text.</p></body></html>')) is None
    assert page_language(parse_page('<html><head><meta property="og:locale" content="pt_BR"></head><body><p>Texto.</p></body></html>')) == "pt-BR"
    assert page_language(parse_page("<html><body><p>Text.</p></body></html>")) is None
