"""Embeds: a card, a question or the timeline on another site, as a self-sizing iframe (with pym.js
or our loader), as a paste-ready fragment, or through oEmbed.

The browser tests serve the built site on one 127.0.0.1 port and the newsroom's page on another,
so the embed is cross-origin exactly as it is in production.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from helpers import REPO, SEED_SLUG, minimal_explainer, snapshot
from lxml import html as lxml_html
from PIL import Image
from playwright.sync_api import Frame, Page
from test_build import theme_script
from webtools import record_requests, static_server, vnu_errors

from explainer.pipeline import build

CARD = "sanctions-rollback"
QUESTION = "why-another-summit"
CARDS = ["sanctions-rollback", "ukraine-concessions", "energy-and-trade-pacts", "global-security-deals", "personal-diplomacy-perks"]
QUESTIONS = ["why-another-summit", "something-new", "europe-game-changer", "what-can-trump-offer", "high-stakes"]
EMBEDS = QUESTIONS + CARDS + ["timeline"]
SANDBOX = {"allow-scripts", "allow-top-navigation-by-user-activation", "allow-popups", "allow-popups-to-escape-sandbox"}
# The loader follows its frames' links itself, so they need no top navigation at all.
LOADER_SANDBOX = SANDBOX - {"allow-top-navigation-by-user-activation"}
PREFIX = "explainer-"


# --- helpers -----------------------------------------------------------------------------------


def wait_for(check: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    """Poll check() until it returns something true; fail with what was last seen."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; last saw {value!r}")
        time.sleep(0.05)


def partners(site: Path, slug: str = SEED_SLUG) -> Path:
    """The explainer's page for partners, which holds every item's codes."""
    return site / slug / "embed" / "index.html"


def field(site: Path, item: str, kind: str, slug: str = SEED_SLUG) -> str:
    """The text an editor copies from one field of an item's "Embed this" panel, on the page for partners."""
    doc = lxml_html.fromstring(partners(site, slug).read_bytes())
    [area] = doc.xpath(f"//section[@id='{item}']//textarea[@id='embed-{item}-{kind}']")
    return area.text or ""


def item_page(site: Path, item: str) -> Path:
    return site / SEED_SLUG / item / "index.html"


def host_page(body: str, head: str = "") -> str:
    """A newsroom's story page around the embed code."""
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>A newsroom story</title>\n<link rel="icon" href="data:,">\n{head}</head>\n'
            f"<body>\n<h1>A newsroom story</h1>\n<p>The story so far.</p>\n{body}\n<p>The story goes on.</p>\n</body>\n</html>\n")


def embed_frame(page: Page, item: str) -> Frame:
    # The loader's iframes load lazily, as a reader's browser loads them when they near the screen:
    # the page is put in front, as a reader's tab would be, so the browser does not hold them back.
    page.bring_to_front()

    def find() -> Frame | None:
        # Each iframe element's own frame: page.frames can lag behind a sandboxed frame's navigation.
        for handle in page.query_selector_all("iframe"):
            frame = handle.content_frame()
            if frame is not None and f"/embed/{item}/" in frame.url:
                return frame
        return None

    return wait_for(find, f"the {item} frame")


def frame_height(page: Page, selector: str) -> float:
    return page.evaluate("s => document.querySelector(s).getBoundingClientRect().height", selector)


def content_height(frame: Frame) -> float:
    """The embedded item's own height: the embed page's wrapper, not the frame's viewport."""
    return frame.evaluate("document.querySelector('main').getBoundingClientRect().height")


def assert_fits(page: Page, selector: str, item: str) -> float:
    """Wait until the iframe is as tall as its content (within 2 px); return that height."""
    # As a reader would: a lazy frame loads, and Chromium renders a cross-origin frame, only near
    # the viewport, so one far below it can keep its old size until scrolled to.
    page.locator(selector).scroll_into_view_if_needed()
    frame = embed_frame(page, item)

    def fits() -> float | None:
        outer, inner = frame_height(page, selector), content_height(frame)
        return inner if inner > 0 and abs(outer - inner) <= 2 else None

    try:
        inner = wait_for(fits, f"{item}'s frame to fit its content", timeout=20.0)
    except pytest.fail.Exception:
        raise AssertionError(f"{item}: frame {frame_height(page, selector)} px, content {content_height(frame)} px") from None
    # Nothing is cut off or scrolls inside the frame.
    assert frame.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
    return inner


# --- fixtures ----------------------------------------------------------------------------------


# --- the files ---------------------------------------------------------------------------------


def test_every_card_question_and_the_timeline_has_an_embed_page_a_fragment_and_an_oembed_response(seed_site):
    folder = seed_site / SEED_SLUG / "embed"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*EMBEDS, "index.html"])  # and the page for partners
    for item in EMBEDS:
        assert sorted(p.name for p in (folder / item).iterdir()) == ["fragment.html", "index.html", "oembed.json"]
    assert (seed_site / "embed.js").is_file()


def test_an_embed_page_shows_just_its_item_and_a_from_link_that_leaves_the_frame(seed_site):
    doc = lxml_html.fromstring((seed_site / SEED_SLUG / "embed" / CARD / "index.html").read_bytes())
    # A document of its own: its item's title is its h1, and it says what it is and whose.
    assert doc.xpath("//h1/text()") == ["Sanctions Rollback"]
    assert doc.xpath("//dl[@class='explainer-facts']/div/dt/text()") == ["In return", "Risks"]
    assert doc.xpath("//p[@class='explainer-kicker']/text()") == ["What can Trump offer Putin?"]
    assert doc.xpath("//p[@class='explainer-card-count']/text()") == ["1 of 5"]
    assert doc.xpath("//meta[@name='description']/@content") == ["Topping Putin’s wishlist, Trump could propose phased easing of U.S.-led sanctions, imposed since 2022 and costing Russia $300 billion in frozen assets."]
    [from_line] = doc.xpath("//p[@class='explainer-from']")
    assert " ".join(from_line.text_content().split()) == "From: Why Does Trump Want to Meet Putin Again?, Explainers Published October 16, 2025."
    [link] = from_line.xpath("a")
    assert link.text_content() == "Why Does Trump Want to Meet Putin Again?"
    assert link.get("href") == f"https://example.org/repo/{SEED_SLUG}/#{CARD}"
    assert link.get("target") == "_top"
    assert doc.xpath("//base/@target") == ["_top"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"https://example.org/repo/{SEED_SLUG}/{CARD}/"]
    timeline = lxml_html.fromstring((seed_site / SEED_SLUG / "embed" / "timeline" / "index.html").read_bytes())
    # Its events by year, the one after the explainer's date marked as upcoming.
    assert timeline.xpath("//ol[@class='explainer-timeline']/li/h2//text()") == ["2019", "2022", "2025"]
    assert len(timeline.xpath("//li[contains(@class, 'explainer-moment')]")) == 5
    [upcoming] = timeline.xpath("//li[contains(@class, 'explainer-upcoming')]")
    assert [" ".join(p.text_content().split()) for p in upcoming.xpath("p")] == ["October 17 Upcoming", "Zelenskyy’s White House talks."]
    assert timeline.xpath("string(//li[@class='explainer-now'])") == "As of October 16, 2025"
    # The timeline names the explainer it belongs to above its heading.
    assert timeline.xpath("//p[@class='explainer-kicker']/text()") == ["Why Does Trump Want to Meet Putin Again?"]
    assert timeline.xpath("//h1/text()") == ["Timeline"]


def test_a_question_embed_is_its_question_and_short_answer_with_a_link_to_the_whole_answer(seed_site):
    doc = lxml_html.fromstring((seed_site / SEED_SLUG / "embed" / "what-can-trump-offer" / "index.html").read_bytes())
    main = doc.xpath("//main")[0]
    shown = [e for e in main.iterchildren() if e.get("hidden") is None]
    assert [e.get("class") for e in shown] == ["explainer-kicker", None, "explainer-short", "explainer-more", "explainer-from"]
    assert shown[1].tag == "h1" and shown[1].text_content() == "What can Trump offer Putin?"
    [more] = shown[3].xpath("a")
    assert (more.text_content(), more.get("href")) == ("Read the whole answer", f"https://example.org/repo/{SEED_SLUG}/what-can-trump-offer/")
    # The whole answer is there for ?answer=full, hidden; the fragment has only the short answer.
    [whole] = main.xpath("div[@class='explainer-whole'][@hidden]")
    assert len(whole.xpath(".//ul[@class='explainer-deck']/li")) == 5
    fragment = (seed_site / SEED_SLUG / "embed" / "what-can-trump-offer" / "fragment.html").read_text("utf-8")
    assert "explainer-whole" not in fragment and "Read the whole answer" in fragment


def test_embed_pages_carry_only_the_sizing_script_and_fragments_none(seed_site):
    for item in EMBEDS:
        folder = seed_site / SEED_SLUG / "embed" / item
        page = lxml_html.fromstring((folder / "index.html").read_bytes())
        [script] = page.xpath("//script")
        assert script.get("src") is None and "xPYMx" in script.text and "ResizeObserver" in script.text
        fragment = (folder / "fragment.html").read_text("utf-8")
        assert "<script" not in fragment.lower()
        # Nothing that fetches: no src, srcset or stylesheet link, and no url() or @import in its CSS.
        assert not re.search(r"\ssrc(set)?=|<link|url\(|@import", fragment)


def test_embed_codes_and_urls_use_the_base_url(seed_site):
    base = "https://example.org/repo/"
    page = item_page(seed_site, CARD)
    iframe = lxml_html.fragment_fromstring(field(seed_site, CARD, "iframe"))
    assert iframe.get("src") == f"{base}{SEED_SLUG}/embed/{CARD}/"
    loader = lxml_html.fragments_fromstring(field(seed_site, CARD, "loader"))
    assert [e.tag for e in loader] == ["div", "script"]
    assert loader[0].get("data-explainer-embed") == f"{base}{SEED_SLUG}/embed/{CARD}/"
    assert loader[0].xpath("a/@href") == [f"{base}{SEED_SLUG}/{CARD}/"]
    assert loader[1].get("src") == f"{base}embed.js" and loader[1].get("async") is not None
    doc = lxml_html.fromstring(page.read_bytes())
    assert doc.xpath("//link[@type='application/json+oembed']/@href") == [f"{base}{SEED_SLUG}/embed/{CARD}/oembed.json"]


def test_fragment_classes_share_one_prefix_and_its_style_touches_nothing_else(seed_site):
    for item in EMBEDS:
        text = (seed_site / SEED_SLUG / "embed" / item / "fragment.html").read_text("utf-8")
        root = lxml_html.fragment_fromstring(text)
        assert root.get("class") == "explainer-embed"
        classes = [c for value in root.xpath("//@class") for c in value.split()]
        assert classes and all(c.startswith(PREFIX) for c in classes), classes
        [style] = root.xpath("style")
        selectors = [s.strip() for rule in re.findall(r"([^{}]+)\{", style.text) for s in rule.split(",")]
        assert selectors and all(s == ".explainer-embed" or s.startswith(".explainer-embed ") for s in selectors), selectors


@pytest.mark.subprocess
@pytest.mark.slow
def test_fragments_are_valid_html_when_pasted_into_a_page(seed_site, tmp_path):
    pages = []
    for item in EMBEDS:
        fragment = (seed_site / SEED_SLUG / "embed" / item / "fragment.html").read_text("utf-8")
        page = tmp_path / f"{item}.html"
        page.write_text(host_page(fragment), "utf-8")
        pages.append(page)
    assert vnu_errors(pages) == []


def test_no_reading_page_carries_an_embed_code_and_the_page_for_partners_has_every_items(seed_site):
    # A reader's page: the share control of each question and card leads to its codes, elsewhere.
    for page in [seed_site / SEED_SLUG / "index.html", *(item_page(seed_site, item) for item in QUESTIONS + CARDS)]:
        text = page.read_text("utf-8")
        doc = lxml_html.fromstring(text)
        assert not doc.xpath("//textarea | //details | //*[@data-explainer-embed]") and "&lt;iframe" not in text and "/embed.js" not in text, page
        embed_links = doc.xpath("//div[@class='share']/a[@class='share-embed']/@href")
        assert embed_links and all(href.startswith(f"/repo/{SEED_SLUG}/embed/#") for href in embed_links), page
    # The page for partners: every item, in reading order, each with its panel; the self-sizing code first.
    doc = lxml_html.fromstring(partners(seed_site).read_bytes())
    assert [s.get("id") for s in doc.xpath("//section[@class='partner-item']")] == [q for q in QUESTIONS[:4]] + CARDS + [QUESTIONS[4], "timeline"]
    for item in EMBEDS:
        [panel] = doc.xpath(f"//section[@id='{item}']/details[@class='embed-this']")
        kinds = [a.get("id").removeprefix(f"embed-{item}-") for a in panel.xpath(".//textarea")]
        assert kinds == (["loader", "iframe", "fragment"] if item == "timeline" else ["loader", "address", "iframe", "fragment"]), item
    # Search engines leave it out; readers never need it.
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_each_panel_field_holds_exactly_the_published_code(seed_site):
    for item in EMBEDS:
        folder = seed_site / SEED_SLUG / "embed" / item
        # The HTML parser drops one newline right after <textarea>; the fragment starts with "<div".
        assert field(seed_site, item, "fragment") == (folder / "fragment.html").read_text("utf-8"), item
        # oEmbed's iframe also carries width and frameborder, which WordPress keeps.
        oembed_html = json.loads((folder / "oembed.json").read_text("utf-8"))["html"]
        assert oembed_html == field(seed_site, item, "iframe").replace(' height="', ' width="600" frameborder="0" height="', 1), item


def test_every_oembed_response_is_valid_json_whose_html_embeds_its_own_page(seed_site):
    responses = sorted((seed_site / SEED_SLUG / "embed").glob("*/oembed.json"))
    assert len(responses) == len(EMBEDS)
    for path in responses:
        data = json.loads(path.read_text("utf-8"))
        assert sorted(data) == ["cache_age", "height", "html", "provider_name", "provider_url", "thumbnail_height", "thumbnail_url", "thumbnail_width",
                                "title", "type", "version", "width"]
        item = path.parent.name
        image = f"{SEED_SLUG}/{item}/social.png" if item != "timeline" else f"{SEED_SLUG}/social.png"  # a card's or question's own
        assert data["thumbnail_url"] == f"https://example.org/repo/{image}"
        with Image.open(seed_site / image) as thumbnail:
            assert thumbnail.size == (data["thumbnail_width"], data["thumbnail_height"])
        assert (data["type"], data["version"], data["provider_name"], data["provider_url"]) == ("rich", "1.0", "Explainers", "https://example.org/repo/")
        assert isinstance(data["width"], int) and isinstance(data["height"], int) and isinstance(data["cache_age"], int)
        [iframe] = lxml_html.fragments_fromstring(data["html"])
        assert iframe.tag == "iframe"
        assert iframe.get("src") == f"https://example.org/repo/{SEED_SLUG}/embed/{path.parent.name}/"
        assert iframe.get("title") == data["title"]
        assert int(iframe.get("height")) == data["height"]
        assert (int(iframe.get("width")), iframe.get("frameborder")) == (data["width"], "0")
        assert iframe.get("loading") == "lazy"
        assert set(iframe.get("sandbox").split()) == SANDBOX


def test_oembed_discovery_links_on_card_and_question_pages_resolve(served_site):
    base, site = served_site
    for item in CARDS + QUESTIONS:
        doc = lxml_html.fromstring(item_page(site, item).read_bytes())
        [link] = doc.xpath("//head/link[@rel='alternate'][@type='application/json+oembed']")
        assert link.get("href") == f"{base}{SEED_SLUG}/embed/{item}/oembed.json"
        with urllib.request.urlopen(link.get("href")) as response:
            assert response.status == 200
            data = json.loads(response.read())
        assert data["title"] == link.get("title")
        assert f'src="{base}{SEED_SLUG}/embed/{item}/"' in data["html"]


def test_the_fixed_iframe_height_cuts_no_line_in_a_phones_column_and_leaves_little_to_spare(seed_site, browser):
    page = browser.new_page(viewport={"width": 320, "height": 800})
    with static_server(seed_site, "/repo/") as base:
        for item in EMBEDS:
            data = json.loads((seed_site / SEED_SLUG / "embed" / item / "oembed.json").read_text("utf-8"))
            assert data["width"] == 600
            page.goto(f"{base}{SEED_SLUG}/embed/{item}/")
            height = content_height(page.main_frame)
            assert height <= data["height"] <= height * 1.35, (item, height, data["height"])
    page.close()


def test_embed_pages_and_the_loader_stay_within_their_size_budgets(seed_site):
    for item in EMBEDS:
        page = (seed_site / SEED_SLUG / "embed" / item / "index.html").read_bytes()
        assert len(gzip.compress(page, 9)) <= 8 * 1024, item
    loader = (seed_site / "embed.js").read_bytes()
    assert len(gzip.compress(loader, 9)) <= 2 * 1024


# --- content stays data ------------------------------------------------------------------------

HOSTILE = "</textarea><script>alert(1)</script>\"'><img src=x onerror=alert(2)> & co"


def hostile_explainer() -> str:
    data = yaml.safe_load(minimal_explainer("hostile"))
    data["title"] = "Title " + HOSTILE
    data["sections"][0]["question"] = "Question " + HOSTILE
    data["sections"][0]["cards"] = [{"id": "card", "title": "Card " + HOSTILE, "summary": "Sum " + HOSTILE, "detail": "Detail " + HOSTILE,
                                     "facts": [{"label": "Label " + HOSTILE, "text": "Fact " + HOSTILE}]}]
    data["sections"][0]["after_cards"] = "After " + HOSTILE
    data["sections"].append({"heading": "Dates " + HOSTILE, "timeline": [{"date": "2025", "event": "Event " + HOSTILE}]})
    return yaml.safe_dump(data, allow_unicode=True)


def test_nothing_a_content_author_writes_runs_in_embeds_panels_or_oembed(make_site):
    root = make_site({"hostile.yaml": hostile_explainer()})
    build(root)
    site = root / "site"
    reading, copy = theme_script(), theme_script("_partials/embed_copy.html")
    search = theme_script("_partials/search.html", search=SimpleNamespace(url="pagefind/", languages=()), browse=None)
    for path in sorted(p for p in site.rglob("*.html") if p.parent.name != "admin"):  # the editing page runs its CMS (tests/test_cms.py)
        text = path.read_text("utf-8")
        doc = lxml_html.fragment_fromstring(text) if path.name == "fragment.html" else lxml_html.fromstring(text)
        # JSON-LD is data, never run; tests/test_publish.py checks a hostile title cannot escape it.
        scripts = [s.text for s in doc.xpath("//script[not(@type='application/ld+json')]")]
        if path.name == "fragment.html":
            assert scripts == [], path
        elif path == partners(site, "hostile"):
            assert scripts == [copy], path
        elif "embed" in path.relative_to(site).parts:
            assert len(scripts) == 1 and "xPYMx" in scripts[0], path
        else:
            assert scripts in ([], [reading], [search]), path
        assert not doc.xpath("//img | //*[@onerror]"), path
    # Each code is escaped exactly once in its field: parsed, it gives back the title as written.
    assert lxml_html.fragment_fromstring(field(site, "card", "iframe", "hostile")).get("title") == "Card " + HOSTILE
    assert lxml_html.fragments_fromstring(field(site, "card", "loader", "hostile"))[0].text_content() == "Card " + HOSTILE
    fragment = lxml_html.fragment_fromstring(field(site, "card", "fragment", "hostile"))
    assert fragment.xpath("h2")[0].text_content() == "Card " + HOSTILE and not fragment.xpath("//script | //img")
    for item, title in (("card", "Card " + HOSTILE), ("first", "Question " + HOSTILE), ("timeline", f"Dates {HOSTILE}: Title {HOSTILE}")):
        data = json.loads((site / "hostile" / "embed" / item / "oembed.json").read_text("utf-8"))
        assert data["title"] == title
        assert lxml_html.fragment_fromstring(data["html"]).get("title") == title


# --- rebuilds ----------------------------------------------------------------------------------


def test_a_rebuild_renders_embed_pages_again_only_when_their_explainer_changes(make_site):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b", title="Bee")})
    first = build(root)
    assert first.rendered == first.pages
    assert build(root).rendered == 0
    before = snapshot(root / "site")

    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="It happened again.").replace("What happened?", "What happened next?"), "utf-8")
    again = build(root)
    after = snapshot(root / "site")
    changed = {path for path in after if after[path] != before.get(path)}
    assert {"a/embed/first/index.html", "a/embed/first/fragment.html"} <= changed
    assert not any(path.startswith("b/") for path in changed) and "embed.js" not in changed
    assert 0 < again.rendered < first.rendered
    assert "It happened again." in (root / "site" / "a" / "embed" / "first" / "index.html").read_text("utf-8")
    assert "What happened next?" in (root / "site" / "a" / "embed" / "first" / "fragment.html").read_text("utf-8")


# --- in the browser ----------------------------------------------------------------------------


def test_a_card_embedded_with_pym_js_on_another_origin_is_as_tall_as_its_content_at_any_width(served_site, host, browser):
    base, site = served_site
    sandbox = lxml_html.fragment_fromstring(field(site, CARD, "iframe")).get("sandbox")
    url = host("pym.html", host_page(
        '<div id="card"></div>\n<script>new pym.Parent("card", ' + json.dumps(f"{base}{SEED_SLUG}/embed/{CARD}/")
        + ", {title: 'Sanctions Rollback', sandbox: " + json.dumps(sandbox) + "});</script>",
        head='<script src="pym.v1.min.js"></script>\n'))
    assert not url.startswith(base.split("/repo/")[0])
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.goto(url)
    wide = assert_fits(page, "#card iframe", CARD)
    page.set_viewport_size({"width": 375, "height": 800})
    narrow = assert_fits(page, "#card iframe", CARD)
    assert narrow > wide + 20  # the text wrapped, and the frame followed it
    context.close()


def test_cards_questions_and_the_timeline_embedded_with_our_loader_are_as_tall_as_their_content(served_site, host, browser):
    base, site = served_site
    items = [CARD, QUESTION, "timeline"]
    codes = [field(site, CARD, "loader"), field(site, QUESTION, "loader"),
             field(site, "timeline", "loader")]
    # Each code brings its own script tag, as it would when pasted three times; the loader copes.
    url = host("loader.html", host_page("\n".join(codes)))
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    requests = record_requests(page)
    page.goto(url)
    assert page.evaluate("typeof pym") == "undefined"
    wait_for(lambda: page.locator("iframe").count() == 3, "three frames")
    for i, item in enumerate(items):
        frame = page.locator("iframe").nth(i)
        assert frame.get_attribute("loading") == "lazy"
        assert set(frame.get_attribute("sandbox").split()) == LOADER_SANDBOX
        assert frame.get_attribute("title") == ["Sanctions Rollback", "Why does Trump want a second summit?", "Timeline: Why Does Trump Want to Meet Putin Again?"][i]
    wide = [assert_fits(page, f"[data-explainer-embed*='/{item}/'] iframe", item) for item in items]
    page.set_viewport_size({"width": 375, "height": 800})
    narrow = [assert_fits(page, f"[data-explainer-embed*='/{item}/'] iframe", item) for item in items]
    assert all(n > w + 20 for n, w in zip(narrow, wide)), (wide, narrow)
    # The site asks nothing of anyone else: the host page, the loader and the three embed pages.
    assert sorted({r.split("?")[0] for r in requests}) == sorted([url, f"{base}embed.js"] + [f"{base}{SEED_SLUG}/embed/{i}/" for i in items])
    context.close()


def loader_host(base: str, site: Path, host: Callable[[str, str], str], third_party: str) -> str:
    """A host page with the card's loader code, a frame of its own (same origin as the host) and two
    frames from a third origin, one of them sandboxed (so its origin is "null", like the embed's)."""
    host("related.html", host_page("<p>A related story</p>"))
    return host("guarded.html", host_page(
        field(site, CARD, "loader")
        + '\n<iframe id="same" title="Related story" src="related.html"></iframe>'
        + f'\n<iframe id="open" title="Ad" src="{third_party}"></iframe>'
        + f'\n<iframe id="sandboxed" title="Ad" sandbox="allow-scripts" src="{third_party}"></iframe>'))


def frame_by_id(page: Page, element_id: str) -> Frame:
    frame = page.locator(f"#{element_id}").element_handle().content_frame()
    assert frame is not None
    frame.wait_for_load_state()
    return frame


def test_the_loader_takes_heights_only_from_its_own_frame_and_only_whole_numbers_in_range(served_site, host, third_party, browser):
    base, site = served_site
    context = browser.new_context(viewport={"width": 800, "height": 800})
    page = context.new_page()
    page.goto(loader_host(base, site, host, third_party))
    embed = "[data-explainer-embed] iframe"
    height = assert_fits(page, embed, CARD)
    child_id = page.get_attribute("[data-explainer-embed]", "data-explainer-embed-id")
    assert child_id and f"childId={child_id}" in page.get_attribute(embed, "src")
    child = embed_frame(page, CARD)
    # Registered after the loader's listener, so once it has seen a message the loader has too.
    page.evaluate("window.seen = 0; addEventListener('message', () => { window.seen += 1; })")

    def post(sender: Frame | Page, height_text: str) -> None:
        seen = page.evaluate("window.seen")
        message = f"pymxPYMx{child_id}xPYMxheightxPYMx{height_text}"
        if sender is page:
            page.evaluate("m => window.postMessage(m, '*')", message)
        else:
            sender.evaluate("m => window.parent.postMessage(m, '*')", message)
        wait_for(lambda: page.evaluate("window.seen") > seen, "the message to arrive")

    def unchanged() -> bool:
        return abs(frame_height(page, embed) - height) <= 2

    for sender in (frame_by_id(page, "same"), frame_by_id(page, "open"), frame_by_id(page, "sandboxed"), page):
        post(sender, "777")
        assert unchanged(), sender
    for bad in ("abc", "-5", "1e9", "99999999", "0", "20001", "300px", " 300", "3.5", ""):
        post(child, bad)
        assert unchanged(), bad
    post(child, "777")  # the same message from the frame itself is obeyed
    assert frame_height(page, embed) == 777
    context.close()


def test_the_embed_answers_width_messages_only_from_the_page_that_holds_it(served_site, host, third_party, browser):
    base, site = served_site
    context = browser.new_context(viewport={"width": 800, "height": 800})
    page = context.new_page()
    page.goto(loader_host(base, site, host, third_party))
    embed = "[data-explainer-embed] iframe"
    assert_fits(page, embed, CARD)
    time.sleep(0.3)  # let any last height message land before counting
    child_id = page.get_attribute("[data-explainer-embed]", "data-explainer-embed-id")
    page.evaluate("""() => {
        const frame = document.querySelector('[data-explainer-embed] iframe');
        window.heights = 0;
        addEventListener('message', e => { if (e.source === frame.contentWindow && String(e.data).includes('xPYMxheightxPYMx')) window.heights += 1; });
        window.embedIndex = Array.from({length: frames.length}, (_, i) => frames[i]).indexOf(frame.contentWindow);
    }""")
    index = page.evaluate("window.embedIndex")
    assert index >= 0
    width = f"pymxPYMx{child_id}xPYMxwidthxPYMx500"
    for sibling in ("same", "open", "sandboxed"):
        frame_by_id(page, sibling).evaluate("([i, m]) => window.parent.frames[i].postMessage(m, '*')", [index, width])
    embed_frame(page, CARD).evaluate("m => window.postMessage(m, '*')", width)
    page.evaluate("m => document.querySelector('[data-explainer-embed] iframe').contentWindow.postMessage(m, '*')", width.replace("500", "abc"))
    time.sleep(0.5)
    assert page.evaluate("window.heights") == 0
    page.evaluate("m => document.querySelector('[data-explainer-embed] iframe').contentWindow.postMessage(m, '*')", width)
    wait_for(lambda: page.evaluate("window.heights") == 1, "the embed to answer its parent")
    context.close()


def test_the_from_link_opens_the_explainer_in_the_readers_window(served_site, host, browser):
    base, site = served_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(host("from.html", host_page(field(site, CARD, "loader"))))
    embed_frame(page, CARD).get_by_role("link", name="Why Does Trump Want to Meet Putin Again?").click()
    page.wait_for_url(f"{base}{SEED_SLUG}/#{CARD}")
    assert page.locator("h1").inner_text() == "Why Does Trump Want to Meet Putin Again?"
    assert len(context.pages) == 1
    context.close()


@pytest.mark.slow
def test_an_embed_page_reads_with_javascript_off_from_280_to_1200_pixels(seed_site, browser):
    with static_server(seed_site, "/repo/") as base:
        for width in (280, 1200):
            context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
            page = context.new_page()
            for item in EMBEDS:
                page.goto(f"{base}{SEED_SLUG}/embed/{item}/")
                assert page.locator("h1").first.is_visible()
                assert page.get_by_role("link", name="Why Does Trump Want to Meet Putin Again?").is_visible()
                assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), (item, width)
            context.close()


def test_the_fragment_pasted_into_a_bare_page_shows_the_card_with_no_script_and_no_requests(served_site, host, browser):
    base, site = served_site
    fragment = field(site, CARD, "fragment")
    url = host("fragment.html", host_page(fragment + "\n<h2>The newsroom's own heading</h2>"))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = record_requests(page)
    page.goto(url)
    assert requests == [url]
    assert page.locator("script").count() == 0
    card = page.locator(".explainer-embed")
    assert card.get_by_role("heading", name="Sanctions Rollback", level=2).is_visible()
    assert card.get_by_role("term").filter(has_text="Risks").is_visible() and card.get_by_text("Congressional pushback.", exact=True).is_visible()
    assert card.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"  # its style block applies
    # ...to itself only: the host's own heading keeps the browser's h2 size, not the card's.
    sizes = page.evaluate("Array.from(document.querySelectorAll('h2'), h => getComputedStyle(h).fontSize)")
    assert sizes[0] != sizes[1] and sizes[1] == "24px"
    context.close()


def test_the_embed_panel_works_without_javascript_and_copies_with_it(served_site, browser):
    base, site = served_site
    url = f"{base}{SEED_SLUG}/{CARD}/"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    # A card's share control leads to its codes on the page for partners.
    page.goto(url)
    page.locator(f"#{CARD} .share").get_by_role("link", name="Embed").click()
    page.wait_for_url(f"{base}{SEED_SLUG}/embed/#{CARD}")
    item = page.locator(f"#{CARD}")
    item.get_by_text("Embed this").click()
    for label in ("Iframe code", "Self-sizing code (adds our small script)", "HTML only (for editors that remove scripts)"):
        box = item.get_by_label(label)
        assert box.is_visible() and box.get_attribute("readonly") is not None
        assert box.input_value().startswith("<")
    # For WordPress, the card's own address, which it reads the embed from.
    address = item.get_by_label("WordPress and other sites that read oEmbed: paste this address on a line of its own")
    assert address.input_value() == url == field(site, CARD, "address")
    assert page.get_by_role("button").count() == 0
    context.close()

    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{base}{SEED_SLUG}/embed/#{CARD}")
    item = page.locator(f"#{CARD}")
    # The panel of the item the address names is open already.
    assert item.get_by_role("textbox", name="Iframe code").is_visible()
    item.get_by_role("button", name="Copy Self-sizing code (adds our small script)").click()
    wait_for(lambda: page.get_by_role("status").filter(has_text="Copied").count() == 1, "the copy to be confirmed")
    assert page.evaluate("navigator.clipboard.readText()") == field(site, CARD, "loader")
    context.close()


def test_the_readme_shows_the_same_sandbox_the_codes_use(seed_site):
    readme = (REPO / "README.md").read_text("utf-8")
    iframe = lxml_html.fragment_fromstring(field(seed_site, CARD, "iframe"))
    assert iframe.get("sandbox") in readme
    loader = re.search(r'SANDBOX = "([^"]+)"', (seed_site / "embed.js").read_text("utf-8")).group(1)
    assert set(loader.split()) == LOADER_SANDBOX and f"the loader sets `{loader}`" in readme
    assert "/embed.js" in readme and "oembed.json" in readme and "fragment.html" in readme


# --- strict sandboxes, the host's theme, wide columns --------------------------------------------


def pym_host(base: str, host: Callable[[str, str], str], sandbox: str, query: str = "") -> str:
    return host("strict.html", host_page(
        '<div id="card"></div>\n<script>new pym.Parent("card", ' + json.dumps(f"{base}{SEED_SLUG}/embed/{CARD}/{query}")
        + ", {title: 'Sanctions Rollback', sandbox: " + json.dumps(sandbox) + "});</script>",
        head='<script src="pym.v1.min.js"></script>\n'))


def test_under_a_sandbox_without_top_navigation_a_click_asks_the_pym_parent_to_follow_it(served_site, host, browser):
    base, _ = served_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(pym_host(base, host, "allow-scripts"))
    assert page.get_attribute("#card iframe", "sandbox") == "allow-scripts"
    assert_fits(page, "#card iframe", CARD)
    embed_frame(page, CARD).get_by_role("link", name="Why Does Trump Want to Meet Putin Again?").click()
    page.wait_for_url(f"{base}{SEED_SLUG}/#{CARD}")
    assert len(context.pages) == 1
    context.close()


@pytest.mark.slow
def test_the_loader_follows_only_clicked_links_to_the_site_and_only_from_its_own_frame(served_site, host, third_party, browser):
    base, site = served_site
    context = browser.new_context()
    page = context.new_page()
    url = loader_host(base, site, host, third_party)
    page.goto(url)
    assert_fits(page, "[data-explainer-embed] iframe", CARD)
    child_id = page.get_attribute("[data-explainer-embed]", "data-explainer-embed-id")
    child = embed_frame(page, CARD)

    def navigate(sender: Frame, to: str, after_ms: int = 0) -> None:
        # Scripts run by the test count as a click of the reader's, which lasts five seconds: a
        # message sent later is one the frame sends with no click.
        sender.evaluate("([m, ms]) => setTimeout(() => parent.postMessage(m, '*'), ms)", [f"pymxPYMx{child_id}xPYMxnavigateToxPYMx{to}", after_ms])

    # To another site; from another frame with the frame's id; from the frame, but with no click.
    navigate(child, "https://elsewhere.example/")
    navigate(frame_by_id(page, "sandboxed"), f"{base}{SEED_SLUG}/")
    navigate(frame_by_id(page, "open"), f"{base}{SEED_SLUG}/")
    navigate(child, f"{base}{SEED_SLUG}/", after_ms=5500)
    page.wait_for_timeout(6500)
    assert page.url == url
    # A click the reader makes on a link to the site is followed.
    child.get_by_role("link", name="Why Does Trump Want to Meet Putin Again?").click()
    page.wait_for_url(f"{base}{SEED_SLUG}/#{CARD}")
    context.close()


def embed_background(frame: Frame) -> str:
    return frame.evaluate("getComputedStyle(document.querySelector('main')).backgroundColor")


LIGHT, DARK = "rgb(245, 246, 248)", "rgb(29, 33, 39)"


@pytest.mark.parametrize("asked, reader, shown", [
    ("", "dark", LIGHT),  # a light story, a reader whose system is dark: the embed stays light
    ("?theme=dark", "light", DARK),
    ("?theme=auto", "dark", DARK),
    ("?theme=auto", "light", LIGHT),
])
def test_an_embed_is_light_unless_its_host_asks_otherwise(served_site, host, browser, asked, reader, shown):
    base, _ = served_site
    context = browser.new_context(color_scheme=reader)
    page = context.new_page()
    page.goto(pym_host(base, host, " ".join(sorted(SANDBOX)), asked))
    assert_fits(page, "#card iframe", CARD)
    assert embed_background(embed_frame(page, CARD)) == shown
    context.close()


def test_the_loader_passes_the_hosts_theme_and_answer_options(served_site, host, browser):
    base, site = served_site
    code = field(site, QUESTION, "loader").replace("<div ", '<div data-explainer-theme="dark" data-explainer-answer="full" ', 1)
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(host("options.html", host_page(code)))
    frame = embed_frame(page, QUESTION)
    assert_fits(page, "[data-explainer-embed] iframe", QUESTION)
    assert embed_background(frame) == DARK
    # The whole answer in place of the link to it.
    assert frame.locator(".explainer-whole").is_visible() and not frame.locator(".explainer-more").is_visible()
    context.close()


def test_at_a_wide_column_a_card_uses_the_width_in_lines_of_a_comfortable_length(served_site, host, browser):
    base, _ = served_site
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(host("wide.html", f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wide</title></head><body style="margin:0">'
                   f'<iframe src="{base}{SEED_SLUG}/embed/{CARD}/" title="Card" style="width:1100px;height:900px;border:0"></iframe></body></html>'))
    frame = embed_frame(page, CARD)
    frame.wait_for_load_state()
    box, spans = frame.evaluate("""() => {
        const main = document.querySelector('main'), m = main.getBoundingClientRect(), em = parseFloat(getComputedStyle(main).fontSize);
        const blocks = [...main.querySelectorAll('p, li')].map(p => p.getBoundingClientRect());
        return [[m.left, m.right, em], blocks.map(r => [r.left, r.right])]; }""")
    left, right, em = box
    assert right - left >= 1090
    # No line is longer than a comfortable measure (about 75 characters, 40em) ...
    assert all(r - l <= 40 * em for l, r in spans), spans
    # ... and the text reaches across the box: its blocks cover at least 80% of the width.
    covered = max(r for _, r in spans) - min(l for l, _ in spans)
    assert covered >= 0.8 * (right - left), (covered, right - left)
    context.close()
