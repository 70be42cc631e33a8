"""Explainers of any shape: sections in the order written, decks of cards inside any question,
labelled facts an editor names, and old addresses that keep working."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from helpers import SHAPES, make_project, minimal_explainer, parse
from lxml import etree
from lxml import html as lxml_html
from webtools import static_server

from explainer.content.kinds import SECTION_KINDS
from explainer.content.validate import load_schema
from explainer.errors import BuildError
from explainer.pipeline import build
from explainer.preview.session import Session

BUDGET = (SHAPES / "budget.yaml").read_text("utf-8")
SLUG = "budget-vote"
BASE = "https://example.org/repo/"
# The budget explainer's sections, as written (its key points, written near the end, are placed
# under the dek).
ORDER = ["how-we-got-here", "how-big-is-the-gap", "what-the-two-plans-say", "what-we-know", "what-do-residents-say",
         "three-things-to-watch", "what-happens-next", "glossary", "sources"]
ORDER[0] = "timeline"  # a timeline's anchor is "timeline" unless it names its own
CARDS = {"how-big-is-the-gap": ["service-cuts", "tax-rise", "reserves"], "what-do-residents-say": ["library-friends", "business-forum"]}


def folded(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_the_sections_show_in_the_order_written_on_the_page_and_in_its_contents(budget_site):
    page = parse(budget_site / SLUG / "index.html")
    sections = [s.get("id") for s in page.xpath("//main/article/div[@class='body']/section") if s.get("id") != "changes"]
    assert sections == ORDER
    assert page.xpath("//nav[@id='contents']//a/@href") == ["#" + s for s in ORDER]
    # A timeline written first is shown first, under its own heading.
    assert page.xpath("string(//section[@id='timeline']/h2)") == "How we got here"


def test_key_points_placed_under_the_dek_come_before_the_intro_and_the_contents(budget_site):
    page = parse(budget_site / SLUG / "index.html")
    lede = page.xpath("//main/article/div[@class='lede']")[0]
    assert [e.get("class") or e.tag for e in lede] == ["header", "box key-points", "intro"]
    assert lede.xpath("string(section/h2)") == "In short"
    assert "#key-points" not in page.xpath("//nav[@id='contents']//a/@href")


def test_each_deck_shows_inside_its_own_question_with_the_text_after_it(budget_site):
    page = parse(budget_site / SLUG / "index.html")
    for question, cards in CARDS.items():
        [section] = page.xpath(f"//section[@id='{question}']")
        assert [c.get("id") for c in section.xpath(".//article[@class='card']")] == cards
    gap = folded(page.xpath("//section[@id='how-big-is-the-gap']")[0])
    assert gap.index("It has three ways to close the gap.") < gap.index("Spending reserves") < gap.index("will need more than one of the three")
    # No card shows anywhere but in its question's section.
    assert len(page.xpath("//article[@class='card']")) == 5


def four_questions(decks: dict[int, list[str]]) -> str:
    """An explainer of four questions; decks maps a question's number (from 1) to its cards' ids."""
    lines = ["slug: four", "title: Four questions", "dek: A dek.", "published: 2025-01-02", "sections:"]
    for n in range(1, 5):
        lines += [f"  - id: q{n}", f"    question: Question {n}?", f"    short_answer: Answer {n}.", f"    answer: Answer {n} in full."]
        if n in decks:
            lines.append("    cards:")
            for card in decks[n]:
                lines += [f"      - id: {card}", f"        title: Card {card}", f"        summary: About {card}.", f"        detail: All of {card}."]
            lines.append(f"    after_cards: After the deck of question {n}.")
    return "\n".join(lines) + "\n"


def test_decks_in_the_second_and_fourth_questions_each_show_inside_their_own_question(make_site):
    root = make_site({"four.yaml": four_questions({2: ["a", "b"], 4: ["c", "d", "e"]})})
    build(root)
    page = parse(root / "site" / "four" / "index.html")
    sections = page.xpath("//main/article//section")
    assert [s.get("id") for s in sections] == ["q1", "q2", "q3", "q4"]
    assert [[c.get("id") for c in s.xpath(".//article[@class='card']")] for s in sections] == [[], ["a", "b"], [], ["c", "d", "e"]]
    for n in (2, 4):
        text = folded(sections[n - 1])
        assert text.index(f"Answer {n} in full.") < text.index("Card ") < text.index(f"After the deck of question {n}.")
    for card in "abcde":
        assert (root / "site" / "four" / card / "index.html").is_file()


def test_a_cards_facts_show_under_the_labels_its_editor_gave(budget_site):
    card = parse(budget_site / SLUG / "service-cuts" / "index.html")
    facts = card.xpath("//main//dl[@class='facts']/div")
    assert [(f.xpath("string(dt)"), folded(f.xpath("dd")[0])) for f in facts] == [("Cost", "Saves 4 million a year."), ("Who is affected", "Everyone who uses a library, a pool or a bin.")]
    embed = parse(budget_site / SLUG / "embed" / "tax-rise" / "index.html")
    assert [dt.text_content() for dt in embed.xpath("//dl[@class='explainer-facts']/div/dt")] == ["Cost"]


def test_every_card_of_every_deck_has_its_page_embed_fragment_oembed_and_social_image(budget_site):
    for card in [c for cards in CARDS.values() for c in cards]:
        assert (budget_site / SLUG / card / "index.html").is_file()
        assert (budget_site / SLUG / card / "social.png").is_file()
        for name in ("index.html", "fragment.html", "oembed.json"):
            assert (budget_site / SLUG / "embed" / card / name).is_file(), (card, name)
    # Questions, cards and the timeline each have an embed; the other kinds of section have none.
    embeds = sorted(p.name for p in (budget_site / SLUG / "embed").iterdir() if (p / "index.html").is_file() and not is_redirect(p / "index.html"))
    assert embeds == sorted(["timeline", *CARDS, "what-happens-next", *[c for cards in CARDS.values() for c in cards]])


def test_a_card_page_names_its_question_and_leads_through_its_own_deck(budget_site):
    page = parse(budget_site / SLUG / "tax-rise" / "index.html")
    kicker = page.xpath("//p[@class='kicker']/a")[0]
    assert (kicker.text_content(), kicker.get("href")) == ("How big is the gap?", f"/repo/{SLUG}/how-big-is-the-gap/")
    # The next card first, then the one before it, then back to the question.
    links = [(a.get("rel"), a.get("href")) for a in page.xpath("//nav[@class='pager']/a")]
    assert links == [("next", f"/repo/{SLUG}/reserves/"), ("prev", f"/repo/{SLUG}/service-cuts/"), (None, f"/repo/{SLUG}/how-big-is-the-gap/")]
    last = parse(budget_site / SLUG / "reserves" / "index.html")
    assert last.xpath("//nav[@class='pager']/a/@rel") == ["prev"]


def test_question_pages_lead_through_the_questions_in_the_order_written(budget_site):
    pages = [("how-big-is-the-gap", None, "what-do-residents-say"), ("what-do-residents-say", "how-big-is-the-gap", "what-happens-next"),
             ("what-happens-next", "what-do-residents-say", None)]
    for question, previous, following in pages:
        links = {a.get("rel"): a.get("href") for a in parse(budget_site / SLUG / question / "index.html").xpath("//nav[@class='pager']/a")}
        assert links.get("prev") == (f"/repo/{SLUG}/{previous}/" if previous else None)
        assert links.get("next") == (f"/repo/{SLUG}/{following}/" if following else None)
    # A question's own page shows its deck too.
    assert len(parse(budget_site / SLUG / "what-do-residents-say" / "index.html").xpath("//article[@class='card']")) == 2


def test_a_question_embed_lists_its_deck_linking_to_each_card(budget_site):
    embed = parse(budget_site / SLUG / "embed" / "how-big-is-the-gap" / "index.html")
    links = embed.xpath("//ul[@class='explainer-deck']/li/a")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        ("Service cuts", f"{BASE}{SLUG}/service-cuts/"), ("A tax rise", f"{BASE}{SLUG}/tax-rise/"), ("Spending reserves", f"{BASE}{SLUG}/reserves/")]


def test_the_sitemap_lists_every_question_and_card_page_and_no_old_address(budget_site):
    sitemap = etree.parse(str(budget_site / "sitemap.xml"))
    listed = sitemap.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    expected = [BASE, f"{BASE}topics/", f"{BASE}topics/city-budget/", f"{BASE}topics/libraries/", f"{BASE}{SLUG}/"] + [f"{BASE}{SLUG}/{q}/" for q in ("how-big-is-the-gap", "service-cuts", "tax-rise", "reserves",
                                                                        "what-do-residents-say", "library-friends", "business-forum", "what-happens-next")]
    assert listed == expected


# --- old addresses -----------------------------------------------------------------------------


def is_redirect(path: Path) -> bool:
    return bool(parse(path).xpath("//meta[@http-equiv='refresh']"))


def redirect_target(path: Path) -> str:
    """Where a redirect page leads, checked to say the same in its canonical link, refresh, script and link."""
    doc = parse(path)
    [canonical] = doc.xpath("//link[@rel='canonical']/@href")
    [refresh] = doc.xpath("//meta[@http-equiv='refresh']/@content")
    assert refresh == f"0; url={canonical}"
    assert doc.xpath("//main//a/@href") == [canonical]
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
    [script] = doc.xpath("//script/text()")
    assert script == f"location.replace({json.dumps(canonical)} + location.search + location.hash);"
    return canonical


def test_an_old_id_leads_to_its_page_and_its_embed(budget_site):
    assert redirect_target(budget_site / SLUG / "cuts" / "index.html") == f"{BASE}{SLUG}/service-cuts/"
    assert redirect_target(budget_site / SLUG / "embed" / "cuts" / "index.html") == f"{BASE}{SLUG}/embed/service-cuts/"
    assert redirect_target(budget_site / SLUG / "residents" / "index.html") == f"{BASE}{SLUG}/what-do-residents-say/"
    # A consumer given the old page's address still finds the item's oEmbed response.
    old = parse(budget_site / SLUG / "cuts" / "index.html")
    assert old.xpath("//link[@type='application/json+oembed']/@href") == [f"{BASE}{SLUG}/embed/service-cuts/oembed.json"]


def test_an_old_slug_leads_to_the_explainer_and_to_every_page_and_embed_below_it(budget_site):
    old = budget_site / "council-budget"
    assert redirect_target(old / "index.html") == f"{BASE}{SLUG}/"
    redirects = sorted(p.relative_to(old).as_posix() for p in old.rglob("index.html"))
    # Every page and embed below the new slug, at its id and at each old id.
    pages = sorted(p.relative_to(budget_site / SLUG).as_posix() for p in (budget_site / SLUG).rglob("index.html"))
    assert redirects == pages
    for name in redirects:
        target = redirect_target(old / name)
        new = budget_site / SLUG / name
        assert target == (redirect_target(new) if is_redirect(new) else f"{BASE}{SLUG}/{name.removesuffix('index.html')}")
        # Every target resolves to a real page of the site, not to another redirect.
        resolved = budget_site / target.removeprefix(BASE) / "index.html"
        assert resolved.is_file() and not is_redirect(resolved), target


def test_an_embed_at_an_old_address_still_sizes_itself_with_the_loader(tmp_path, browser):
    root = make_project(tmp_path / "project", {"budget.yaml": BUDGET})
    host = tmp_path / "host"
    host.mkdir()
    with static_server(root / "site", "/repo/") as base, static_server(host) as host_base:
        build(root, base_url=base)
        old = f"{base}council-budget/embed/cuts/"
        (host / "story.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story</title></head><body><h1>Story</h1>'
            f'<div data-explainer-embed="{old}"><a href="{base}council-budget/cuts/">Service cuts</a></div>'
            f'<script async src="{base}embed.js"></script></body></html>', "utf-8")
        context = browser.new_context()
        page = context.new_page()
        page.goto(host_base + "story.html")
        page.bring_to_front()
        frame = page.frame_locator("iframe")
        heading = frame.get_by_role("heading", name="Service cuts", level=1)
        heading.wait_for()  # led through the redirect pages first, which takes a moment on a busy machine
        assert heading.is_visible()
        # Led through both old addresses to the card's embed, which sized its frame to its content.
        page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height > 200")
        src = page.locator("iframe").element_handle().content_frame().url
        assert src.startswith(f"{base}{SLUG}/embed/service-cuts/")
        context.close()


def test_an_alias_another_explainer_uses_as_its_slug_is_refused(make_site):
    text = minimal_explainer("new-name").replace("title:", "aliases: [other]\ntitle:", 1)
    root = make_site({"a.yaml": text, "b.yaml": minimal_explainer("other")})
    with pytest.raises(BuildError) as caught:
        build(root)
    assert [str(e) for e in caught.value.errors] == ["content/a.yaml:2:11: aliases[0]: 'other' is also used by content/b.yaml; an old address can lead to one explainer only"]


def test_renaming_a_slug_with_an_alias_replaces_the_old_folder_by_redirects(make_site):
    root = make_site({"a.yaml": minimal_explainer("old-name")})
    session = Session(root, root / "site", None)
    for build_once in (session.build, lambda: build(root)):
        (root / "content" / "a.yaml").write_text(minimal_explainer("old-name"), "utf-8")
        build_once()
        (root / "content" / "a.yaml").write_text(minimal_explainer("new-name").replace("title:", "aliases: [old-name]\ntitle:", 1), "utf-8")
        build_once()
        assert not is_redirect(root / "site" / "new-name" / "index.html")
        assert redirect_target(root / "site" / "old-name" / "index.html").endswith("/new-name/")
        assert redirect_target(root / "site" / "old-name" / "first" / "index.html").endswith("/new-name/first/")
        assert not (root / "site" / "old-name" / "social.png").exists()


# --- one contract --------------------------------------------------------------------------------


def test_the_schemas_section_kinds_are_the_models():
    schema = load_schema("explainer")
    titles = [schema["$defs"][b["$ref"].rsplit("/", 1)[-1]]["title"] for b in schema["$defs"]["section"]["oneOf"]]
    assert tuple(titles) == SECTION_KINDS
    # Each kind's field is required in its own branch and appears in no other branch.
    for title in titles:
        branch = next(schema["$defs"][b["$ref"].rsplit("/", 1)[-1]] for b in schema["$defs"]["section"]["oneOf"]
                      if schema["$defs"][b["$ref"].rsplit("/", 1)[-1]]["title"] == title)
        assert title in branch["required"]
        others = [schema["$defs"][b["$ref"].rsplit("/", 1)[-1]] for b in schema["$defs"]["section"]["oneOf"]]
        assert sum(title in o["properties"] for o in others) == 1, title


class _EditorsYaml(yaml.SafeLoader):
    """YAML as an editor's tools read it (yaml-language-server, YAML 1.2): true and false are
    booleans, numbers are numbers, and there are no dates. (The build reads every value as text
    but for the booleans the schema names.)"""


_EditorsYaml.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_the_budget_explainer_is_valid_against_the_schema_as_an_editors_tools_read_it():
    import jsonschema

    schema = load_schema("explainer")
    data = yaml.load(BUDGET, Loader=_EditorsYaml)  # noqa: S506 - a safe loader
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(data)) == []
