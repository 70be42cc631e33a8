"""The reader's page as a news designer would judge it: nothing said twice, the article's every
sentence once and in order, contents that stay in reach, sections that read as what they are
(glossary links, a timeline with what is still to come, corrections), the language's own
punctuation, and a printout that says where it came from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import jinja2.nodes
import pytest
import yaml
from helpers import REPO, SEED_ARTICLE, SEED_SLUG, SHAPES, minimal_explainer, parse, site_model
from lxml import html as lxml_html
from webtools import static_server

from explainer.content.language import page_globals
from explainer.content.model import Source, Sources
from explainer.importer.article import read_article
from explainer.importer.sentences import article_sentences, normalise, split_sentences
from explainer.pipeline import build

THEME = REPO / "templates"
# Elements whose text is a block of its own: a sentence never runs from one into the next.
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "summary", "label", "div", "section", "figcaption"}
LONG = 8  # words: a sentence this long, read twice, is one a reader notices


def shown_blocks(element: lxml_html.HtmlElement) -> list[str]:
    """The text of each block a reader reads in an element, in order (scripts and styles aside)."""
    element = lxml_html.fromstring(lxml_html.tostring(element))  # a copy, to mark up
    for node in element.iter():
        if node.tag in ("script", "style"):
            node.drop_tree()
        elif node.tag in BLOCKS:
            node.text, node.tail = "\n" + (node.text or ""), "\n" + (node.tail or "")
    return [" ".join(block.split()) for block in element.text_content().split("\n") if block.strip()]


def long_sentences(element: lxml_html.HtmlElement) -> list[str]:
    return [normalise(s) for block in shown_blocks(element) for s in split_sentences(block) if len(s.split()) >= LONG]


def repeated_within(element: lxml_html.HtmlElement) -> list[str]:
    """Each long sentence shown twice in the element, whole or inside a longer one."""
    sentences = long_sentences(element)
    everything = [normalise(s) for block in shown_blocks(element) for s in split_sentences(block)]
    return sorted({s for i, s in enumerate(sentences) if sum(s in other for other in everything) > 1})


def page_parts(page: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """What a reader reads as one part of an explainer page: its lede, and each section."""
    return page.xpath("//main//div[@class='lede'] | //main//section")


# --- nothing twice -------------------------------------------------------------------------------


@pytest.mark.parametrize("site_name, path", [("seed", f"{SEED_SLUG}/index.html"), ("budget", "budget-vote/index.html")], ids=["bundled", "written by hand"])
def test_no_long_sentence_is_shown_twice_within_a_part_of_the_page(request, site_name, path):
    # The budget explainer was written by hand with each answer starting with its short answer,
    # as imported explainers are: the page still shows each sentence once.
    site = request.getfixturevalue(f"{site_name}_site")
    page = parse(site / path)
    parts = page_parts(page)
    assert len(parts) > 8
    for part in parts:
        assert repeated_within(part) == [], part.get("id") or part.get("class")


def test_every_sentence_of_the_article_is_on_the_page_once_and_in_order(seed_site):
    article = read_article(SEED_ARTICLE.read_text("utf-8"), "text")
    # Its prose: headings are also listed in the contents, and the photo's caption and credit are not prose.
    prose = dataclasses.replace(article, blocks=tuple(b for b in article.blocks if b.kind not in ("heading", "caption", "credit")))
    sentences = [normalise(s.text) for s in article_sentences(prose)]
    assert len(sentences) > 60
    text = normalise(" ".join(shown_blocks(parse(seed_site / SEED_SLUG / "index.html").xpath("//main")[0])))
    where = []
    for sentence in sentences:
        assert text.count(sentence) == 1 or len(sentence.split()) < LONG, sentence
        where.append(text.index(sentence, where[-1] if where else 0))
    assert where == sorted(where)


def test_an_answer_that_repeats_its_short_answer_shows_it_once_and_the_editor_is_told_where(make_site):
    data = yaml.safe_load(minimal_explainer(answer="Something happened. It happened on a Tuesday."))
    sections = data.pop("sections")
    data.update(intro="A short dek. What follows.", sections=sections)  # in reading order, as warnings are
    data["sections"].append({"id": "deck", "question": "What is on offer?", "short_answer": "Two offers are on the table today.",
                             "answer": "There are offers. Two offers are on the table today, the council says.",
                             "cards": [{"id": "one", "title": "One", "summary": "The first offer is small.", "detail": "The first offer is small. It costs little."}]})
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    root = make_site({"a.yaml": text})
    result = build(root)
    first_answer = 1 + next(n for n, line in enumerate(text.splitlines()) if line.strip().startswith("answer:"))
    assert [(w.file, w.field, w.message.split(";")[0]) for w in result.warnings] == [
        ("content/a.yaml", "intro", "starts with its dek word for word"),
        ("content/a.yaml", "sections[0].answer", "starts with its short_answer word for word"),
        ("content/a.yaml", "sections[1].answer", "repeats its short_answer word for word, so readers read it twice: rephrase the short_answer or the answer"),
        ("content/a.yaml", "sections[1].cards[0].detail", "starts with its summary word for word"),
    ]
    assert result.warnings[1].line == first_answer
    # On the page, each sentence once: the short answer leads, the answer goes on from it.
    page = parse(root / "site" / "minimal" / "index.html")
    first = " ".join(page.xpath("//section[@id='first']")[0].text_content().split())
    assert first.count("Something happened.") == 1 and "Short answer Something happened. It happened on a Tuesday." in first
    card = " ".join(page.xpath("//article[@id='one']")[0].text_content().split())
    assert card.count("The first offer is small.") == 1 and "It costs little." in card
    assert " ".join(page.xpath("string(//div[@class='intro'])").split()) == "What follows."


def test_the_bundled_explainers_page_fits_one_round_trip(seed_site):
    # 14 KB gzipped: what the first round trip of a new connection can carry (bench/embed_sizes.py).
    page = (seed_site / SEED_SLUG / "index.html").read_bytes()
    assert len(gzip.compress(page, 9)) <= 14 * 1024


def more_explainers(page: Path) -> list[str]:
    """Where the "More explainers" link at the end of an explainer's page leads, if it has one."""
    return parse(page).xpath("//nav[contains(@class, 'end')]//a[. = 'More explainers']/@href")


def test_the_page_leads_to_more_explainers_only_when_the_site_has_others(seed_site, changed_site, make_site):
    # A site of one explainer has no index worth leading to: it would list this page alone.
    assert more_explainers(seed_site / SEED_SLUG / "index.html") == []
    assert more_explainers(changed_site / "changed" / "index.html") == more_explainers(changed_site / "plain" / "index.html") == ["/repo/"]
    # Nor does one explainer and its translation (the language switch leads to the other).
    french = minimal_explainer("minimale", "Une fiche minimale").replace("sections:", "language: fr\ntranslation_of: minimal\nsections:")
    root = make_site({"a.yaml": minimal_explainer(), "b.yaml": french})
    build(root)
    assert more_explainers(root / "site" / "minimal" / "index.html") == []
    assert parse(root / "site" / "minimal" / "index.html").xpath("//link[@hreflang='fr']")


# --- sections that read as what they are --------------------------------------------------------


def test_a_glossary_term_links_from_its_first_use_to_its_definition(seed_site):
    page = parse(seed_site / SEED_SLUG / "index.html")
    links = page.xpath("//a[@class='term']")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        ("Minsk 3.0", "#glossary-minsk-3-0"), ("neutrality plus", "#glossary-neutrality-plus"),
        ("frozen conflict", "#glossary-frozen-conflict"), ("CAATSA", "#glossary-caatsa")]
    for a in links:
        [term] = page.xpath(f"//section[@id='glossary']//dt[@id='{a.get('href')[1:]}']")
        assert term.text_content().casefold() == a.text_content().casefold()
    # Only the first use: "Minsk accords" is no use of "Minsk 3.0", and a second CAATSA would stay text.
    assert len(page.xpath("//a[@class='term'][. = 'CAATSA']")) == 1
    # Elsewhere the link leads to the explainer's glossary: a card's page, its embed, its fragment.
    card = parse(seed_site / SEED_SLUG / "ukraine-concessions" / "index.html")
    assert card.xpath("//a[@class='term']/@href") == [f"/repo/{SEED_SLUG}/#glossary-frozen-conflict"]
    embed = (seed_site / SEED_SLUG / "embed" / "ukraine-concessions" / "fragment.html").read_text("utf-8")
    assert f'<a class="explainer-term" href="https://example.org/repo/{SEED_SLUG}/#glossary-frozen-conflict">frozen conflict</a>' in embed


TIMELINE = """\
slug: dated
title: Dated
dek: A dek.
published: 2025-03-01
updated: 2025-03-10
sections:
  - timeline:
      - date: "2024"
        event: Last year.
      - date: 2025-03
        event: This month.
      - date: 2025-03-10
        event: The day it was updated.
      - date: 2025-03-11
        event: The day after.
      - date: 2025-04
        event: Next month.
      - date: "2026"
        event: Next year.
"""


def test_a_timeline_groups_its_events_by_year_and_marks_what_was_still_to_come_when_it_was_written(make_site):
    root = make_site({"dated.yaml": TIMELINE})
    build(root)
    page = parse(root / "site" / "dated" / "index.html")
    years = page.xpath("//section[@id='timeline']/ol[@class='timeline']/li")
    assert [y.xpath("string(h3)") for y in years] == ["2024", "2025", "2026"]
    moments = page.xpath("//li[contains(@class, 'moment')]")
    upcoming = [" ".join(li.xpath("string(p[last()])").split()) for li in moments if "upcoming" in li.get("class")]
    # Measured against the explainer's own latest date, not the day it is built: a page built next
    # year reads the same. A month or a year is upcoming only when all of it is after that date.
    assert upcoming == ["The day after.", "Next month.", "Next year."]
    assert [" ".join(li.text_content().split()) for li in page.xpath("//li[@class='now']")] == ["As of March 10, 2025"]
    now = page.xpath("//li[@class='now']")[0]
    assert now.getnext().xpath("string(p[@class='when'])").split() == ["March", "11", "Upcoming"]


def test_corrections_are_one_line_at_the_top_and_the_log_is_at_the_foot(changed_site):
    page = parse(changed_site / "changed" / "index.html")
    [notice] = page.xpath("//div[@class='lede']//p[@class='notice']")
    # The newest correction and the newest update, and a link down to every change.
    assert " ".join(notice.text_content().split()) == "Updated January 20, 2025 Correction: January 5, 2025 See what changed"
    assert notice.xpath("a/@href") == ["#changes"]
    body = page.xpath("//div[@class='body']")[0]
    # Last of the explainer's own sections; only other explainers (the related ones) come after it.
    assert [c.get("id") for c in body if c.tag == "section" and c.get("class") != "related"][-1] == "changes"
    assert not page.xpath("//div[@class='lede']//section[@id='changes']")


def test_what_we_know_and_what_we_dont_is_two_lists_under_their_own_words(budget_site):
    page = parse(budget_site / "budget-vote" / "index.html")
    [known] = page.xpath("//section[@id='what-we-know']")
    assert known.xpath("string(h2)") == "Where things stand"
    assert [(h.text_content(), len(h.getnext().xpath("li"))) for h in known.xpath(".//h3")] == [("What we know", 1), ("What we don’t know", 2)]


# --- the language's own punctuation ---------------------------------------------------------------


def theme_words() -> dict[str, dict[str, str]]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted((THEME / "words").glob("*.yaml"))}


# Marks each language writes its own way: a French colon takes a no-break space, an Arabic comma
# is "،", a Chinese full stop "。". (A "·" between items, or "…" for a gap in page numbers, is no language's.)
LANGUAGES_MARKS = r"[:;,.!?،؛؟。，：；！？]"


def printed_constants(expr: jinja2.nodes.Node) -> Iterator[str]:
    """The strings a template prints as they are written in an expression: `{{ x ~ ": " ~ y }}`."""
    if isinstance(expr, jinja2.nodes.Const) and isinstance(expr.value, str):
        yield expr.value
    elif isinstance(expr, jinja2.nodes.Concat):
        for node in expr.nodes:
            yield from printed_constants(node)
    elif isinstance(expr, (jinja2.nodes.Add, jinja2.nodes.CondExpr)):
        for node in (expr.left, expr.right) if isinstance(expr, jinja2.nodes.Add) else (expr.expr1, expr.expr2):
            if node is not None:
                yield from printed_constants(node)
    elif isinstance(expr, jinja2.nodes.Filter) and expr.node is not None and expr.name not in ("url", "absolute"):  # an address is no words
        yield from printed_constants(expr.node)


def template_punctuation(source: str) -> list[str]:
    """Punctuation a template writes itself rather than through a phrase of the words files: in its
    text (outside tags, scripts, styles and comments) and in the strings its expressions print."""
    from explainer.render.templates import make_env

    text = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<[^>]+>", "\0", source, flags=re.S)
    found = [t.strip() for t in text.split("\0") if re.search(LANGUAGES_MARKS, t)]
    for output in make_env([THEME]).parse(source).find_all(jinja2.nodes.Output):
        found += [c.strip() for node in output.nodes for c in printed_constants(node) if re.search(LANGUAGES_MARKS, c)]
    return found


def test_the_themes_words_use_typographic_quotes_and_each_languages_punctuation():
    from test_languages import marked_phrases

    # The templates write no punctuation of their own: "Link to this card: <title>" is a phrase
    # ("%(label)s: %(title)s"), which French writes with a no-break space before the colon.
    for path in sorted(THEME.rglob("*.html")):
        assert template_punctuation(path.read_text("utf-8")) == [], path.relative_to(THEME)
    assert template_punctuation('<a>{{ word }}<span>: {{ title }}</span></a>') == [":"]
    assert template_punctuation('{{ word ~ ": " ~ title }} {{ _("%(a)s: %(b)s", a=1, b=2) }}') == [":"]
    for phrase in marked_phrases():
        assert not re.search(r"['\"]", phrase), f"a straight quote in the theme's phrase {phrase!r}"
    for language, words in theme_words().items():
        for phrase, translation in words.items():
            assert not re.search(r"['\"]", translation), (language, phrase)
            if language == "fr":
                # French sets a no-break space before a colon, and a narrow one before ; ? !
                assert not re.search(r" [:;?!]", translation), (language, phrase)
            if language == "ar":
                # Arabic's own comma and question mark, never the Latin ones.
                assert not re.search(r"[,?]", translation), (language, phrase)


def test_a_controls_name_joins_its_item_with_the_languages_own_colon(languages_site):
    # What a screen reader reads of a share control and an "Embed this" panel: French sets a
    # no-break space before the colon.
    page = parse(languages_site / "budget-de-la-ville" / "index.html")
    names = {read(a) for a in page.xpath("//div[@class='share']/a")}
    assert "Lien vers cette fiche\u00a0: Des économies" in names and "Intégrer\u00a0: Des économies" in names
    partners = parse(languages_site / "budget-de-la-ville" / "embed" / "index.html")
    assert "Intégrer\u00a0: Des économies" in {read(s) for s in partners.xpath("//summary")}
    assert not [name for name in names if re.search(r"[^\u00a0]:", name)]


def rendered(template: str, tag: str, **values: object) -> lxml_html.HtmlElement:
    """A partial of the theme as a page in the language `tag` renders it."""
    from explainer.content.language import language
    from explainer.content.words import load_words
    from explainer.render.templates import make_env, set_site

    env = make_env([THEME])
    set_site(env, site_model())
    spoken = language(tag, load_words(REPO, [THEME], []))
    return lxml_html.fromstring(env.get_template(template).render(**values, **page_globals(spoken), language=spoken))


def read(element: lxml_html.HtmlElement) -> str:
    """An element's text as read, white space folded (a no-break space kept)."""
    return re.sub(r"[ \n]+", " ", element.text_content()).strip()


def test_a_source_that_ends_as_a_sentence_does_is_followed_by_its_note_without_a_second_stop(seed_site):
    page = parse(seed_site / SEED_SLUG / "index.html")
    assert [" ".join(li.text_content().split()) for li in page.xpath("//section[@id='sources']//li")] == [
        "Why Does Trump Want to Meet Putin Again? The article this explainer is built from."]
    note = "The note."
    cases = {
        "en": [("A report", None, "A report. The note."), ("Why now?", None, "Why now? The note."), ("Stop!", None, "Stop! The note."),
               ("Wait…", None, "Wait… The note."), ("“Who pays?”", None, "“Who pays?” The note."), ("A report", "Acme Inc.", "A report, Acme Inc. The note."),
               ("Why now?", "Acme", "Why now?, Acme. The note.")],
        "fr": [("Un rapport", None, "Un rapport. The note."), ("Pourquoi maintenant\u202f?", None, "Pourquoi maintenant\u202f? The note.")],
        "ar": [("تقرير", None, "تقرير. The note."), ("لماذا الآن؟", None, "لماذا الآن؟ The note."), ("لماذا الآن؟", "المجلس", "لماذا الآن؟، المجلس. The note.")],
        "ja": [("なぜ今？", None, "なぜ今？ The note.")],
    }
    for tag, rows in cases.items():
        sources = Sources("sources", None, tuple(Source(title, None, publisher, note) for title, publisher, _ in rows))
        shown = [read(li) for li in rendered("_partials/sections/sources.html", tag, section=sources).xpath("//li")]
        assert shown == [expected for _, _, expected in rows], tag
        # Never a stop after a mark that already ends a sentence, in any script.
        assert not [line for line in shown if re.search(r"[.!?…？！。؟]\.", line)], tag
    # The same for a byline written as one line.
    for attribution, expected in (("Jane Reporter", "Jane Reporter. Published"), ("Reporting by Acme Inc.", "Reporting by Acme Inc. Published")):
        byline = SimpleNamespace(authors=(), attribution=attribution, published=dt.date(2025, 1, 2), updated=None)
        assert read(rendered("_partials/byline.html", "en", explainer=byline)).startswith(expected)


# --- in the browser -------------------------------------------------------------------------------


def halfway(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2)")
    page.wait_for_timeout(200)


def on_screen(page, selector: str) -> int:  # type: ignore[no-untyped-def]
    """How many elements matching selector are visible inside the viewport."""
    return page.evaluate("""s => [...document.querySelectorAll(s)].filter(e => {
        const r = e.getBoundingClientRect(), style = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && style.visibility != 'hidden';
    }).length""", selector)


def follow_contents_link(page, target: str) -> dict[str, float | bool]:  # type: ignore[no-untyped-def]
    """Follow the contents' link to a section; where the section then sits: its top (the rule over
    "Question 3 of 5"), its heading's top and bottom, and whether anything (a floating control, the
    contents rail) lies over the heading at its start, middle or end."""
    page.locator(f"#contents a[href='#{target}']").click()
    page.wait_for_function("id => location.hash == '#' + id", arg=target)
    page.wait_for_timeout(100)
    return page.evaluate("""id => {
        const section = document.getElementById(id), heading = section.querySelector('h2'), r = heading.getBoundingClientRect();
        const y = r.top + Math.min(r.height / 2, 12), xs = [r.left + 2, (r.left + r.right) / 2, r.right - 2];
        return {top: section.getBoundingClientRect().top, heading_top: r.top, heading_bottom: r.bottom,
                covered: xs.some(x => !heading.contains(document.elementFromPoint(x, y)))};
    }""", target)


def assert_lands_clear(page, target: str) -> None:  # type: ignore[no-untyped-def]
    # scroll-margin-top: the section lands at least 2rem below the top edge, its heading wholly on
    # screen and under nothing.
    landed = follow_contents_link(page, target)
    assert landed["top"] >= 32 and landed["heading_top"] >= 0 and landed["heading_bottom"] <= page.viewport_size["height"], landed
    assert not landed["covered"], landed


# The type scale the README gives: headline, question, card title (in a deck) and body text, in px.
TYPE_SCALE = {390: [34, 26, 19, 17], 1280: [48, 32, 19, 18]}


def type_scale(page) -> list[float]:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => ['h1', '#what-can-trump-offer h2', '#what-can-trump-offer .card-title', '#what-can-trump-offer .short ~ p']
        .map(s => Math.round(parseFloat(getComputedStyle(document.querySelector(s)).fontSize) * 10) / 10)""")


def test_on_a_wide_screen_the_contents_stay_beside_the_text_with_the_section_in_view_marked(seed_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    with static_server(seed_site, "/repo/") as base:
        page.goto(f"{base}{SEED_SLUG}/")
        assert type_scale(page) == TYPE_SCALE[1280]
        halfway(page)
        assert on_screen(page, "#contents a") >= 4
        [current] = page.locator("#contents a[aria-current]").all()
        # The one marked is the section the reader is in: its top is above the middle of the screen.
        section = current.get_attribute("href")[1:]
        assert page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", section) < 400
        # A link lands with the heading clear of the top edge, beside the rail, not under it.
        assert_lands_clear(page, "what-can-trump-offer")
        assert_lands_clear(page, "why-another-summit")
        # The end leads back to the contents (a site of one explainer has no others to lead to).
        assert page.locator("nav.end a:visible").all_inner_texts() == ["Back to contents"]
        # On paper: the site's name and the page's address, no contents or buttons.
        page.emulate_media(media="print")
        assert page.locator(".masthead").inner_text().split("\n")[0] == "Explainers"
        assert page.locator(".masthead .print-only").is_visible()
        assert page.locator(".masthead .print-only").inner_text() == f"https://example.org/repo/{SEED_SLUG}/"
        assert not page.locator("#contents").is_visible() and not page.locator(".share").first.is_visible()
        assert page.evaluate("getComputedStyle(document.querySelector('h2'), null).breakAfter") == "avoid"
    context.close()


def test_on_paper_a_link_to_another_site_is_followed_by_its_address(budget_site, browser):
    context = browser.new_context()
    page = context.new_page()
    with static_server(budget_site, "/repo/") as base:
        page.goto(f"{base}budget-vote/")
        page.emulate_media(media="print")
        printed = page.evaluate("""() => [...document.querySelectorAll('main a')].filter(a => a.offsetParent !== null)
            .map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])""")
    context.close()
    assert ["https://example.org/budget", '" (https://example.org/budget)"'] in printed
    # Only there: a link within the page ("#glossary-reserves") or the site has no address to write.
    assert [href for href, after in printed if after != "none"] == ["https://example.org/budget"]
    assert any(href.startswith("#") for href, _ in printed)


def decks_explainer(sizes: range) -> str:
    """An explainer with one question per deck size, each deck of that many cards."""
    sections = [{"id": f"deck-{n}", "question": f"What are the {n} cards?", "short_answer": f"There are {n}.",
                 "cards": [{"id": f"card-{n}-{i}", "title": f"Card {i} of the {n}", "summary": "A card with a line of text in it, and a little more."}
                           for i in range(1, n + 1)]} for n in sizes]
    return yaml.safe_dump({"slug": "decks", "title": "Decks", "dek": "Decks of every size.", "published": "2025-01-02", "sections": sections}, sort_keys=False)


def test_a_deck_of_any_size_fills_its_rows_with_no_card_alone_beside_a_hole(make_site, browser):
    # What README says of decks: a grid of one, two or three columns as the room allows (two at
    # 768 px, three beside the contents rail at 1280), each row filled edge to edge; with three
    # columns no card is alone on a row, with two only an odd deck's last card, across the row.
    sizes = range(1, 9)
    root = make_site({"decks.yaml": decks_explainer(sizes)})
    build(root)
    context = browser.new_context()
    page = context.new_page()
    with static_server(root / "site", "/") as base:
        for width, columns in ((768, 2), (1280, 3)):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}decks/")
            for n in sizes:
                deck, cards = page.evaluate("""id => {
                    const box = e => { const r = e.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right), Math.round(r.top)]; };
                    const deck = document.querySelector('#' + id + ' .cards');
                    return [box(deck), [...deck.children].map(box)];
                }""", f"deck-{n}")
                rows: dict[int, list[list[int]]] = {}
                for card in cards:
                    rows.setdefault(card[2], []).append(card)
                counts = [len(row) for _, row in sorted(rows.items())]
                assert len(counts) == -(-n // columns) and max(counts) <= columns, (width, n, counts)
                for row in rows.values():
                    assert abs(min(c[0] for c in row) - deck[0]) <= 1 and abs(max(c[1] for c in row) - deck[1]) <= 1, (width, n, "a hole in a row")
                alone = [i for i, count in enumerate(counts) if count == 1]
                if columns == 3:
                    assert alone == ([0] if n == 1 else []), (width, n, counts)
                else:
                    assert alone == ([len(counts) - 1] if n % 2 else []), (width, n, counts)
    context.close()


def test_on_a_phone_a_control_that_reaches_the_contents_is_always_in_reach_and_targets_are_large(seed_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, reduced_motion="reduce")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    with static_server(seed_site, "/repo/") as base:
        page.goto(f"{base}{SEED_SLUG}/")
        assert type_scale(page) == TYPE_SCALE[390]
        halfway(page)
        jump = page.locator("a.jump")
        assert on_screen(page, "a.jump") == 1 and jump.get_attribute("href") == "#contents"
        # Navigation is at least 44 px tall, every other control at least 24 (links inside sentences aside).
        sizes = page.evaluate("""() => [...document.querySelectorAll('main a, main button, main summary')]
            .filter(e => e.offsetParent !== null && !e.closest('p:not(.share), li:not(#contents li), dd, .short'))
            .map(e => [e.closest('nav') ? 44 : 24, e.getBoundingClientRect().height, e.textContent.trim().slice(0, 40)])""")
        small = [(text, height) for least, height, text in sizes if height < least - 0.5]
        assert sizes and small == [], small
        jump.click()
        page.wait_for_function("(() => { const r = document.querySelector('#contents h2').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()")
        # From the contents to a question: it lands clear of the top edge and of the floating control.
        assert_lands_clear(page, "what-can-trump-offer")
        assert on_screen(page, "a.jump") == 1
        # The floating control leads back to the contents, so the end, with no other explainer to
        # lead to, shows nothing (rather than an empty box).
        assert not page.locator("nav.end").is_visible()
        # Share: copy a question's address (the system's share sheet too, where the browser has one).
        share = page.locator("#why-another-summit .share")
        # Its buttons are named for the item, as the link they replace was.
        share.get_by_role("button", name=re.compile(r"^Copy link\s*: Why does Trump want a second summit\?$")).click(timeout=5000)
        page.wait_for_function("document.querySelector('#why-another-summit .share [role=status]').textContent == 'Link copied'")
        assert page.evaluate("navigator.clipboard.readText()") == f"{base}{SEED_SLUG}/why-another-summit/"
    context.close()
