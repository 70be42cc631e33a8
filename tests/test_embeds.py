"""Embeds: a card, a question or the timeline on another site, as a self-sizing iframe (with pym.js
or our loader), as a paste-ready fragment, or through oEmbed.

The browser tests serve the built site on one 127.0.0.1 port and the newsroom's page on another,
so the embed is cross-origin exactly as it is in production.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import html as lxml_html
from playwright.sync_api import Frame, Page

from helpers import REPO, SEED_SLUG, minimal_explainer
from explainer.pipeline import build
from helpers import snapshot
from test_build import copy_script
from webtools import PYM_JS, record_requests, require_tool, static_server, vnu_errors

CARD = "sanctions-rollback"
QUESTION = "why-another-summit"
CARDS = ["sanctions-rollback", "ukraine-concessions", "energy-and-trade-pacts", "global-security-deals", "personal-diplomacy-perks"]
QUESTIONS = ["why-another-summit", "something-new", "europe-game-changer", "what-can-trump-offer", "high-stakes"]
EMBEDS = QUESTIONS + CARDS + ["timeline"]
SANDBOX = {"allow-scripts", "allow-top-navigation-by-user-activation", "allow-popups", "allow-popups-to-escape-sandbox"}
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


def field(page_html: Path, item: str, kind: str) -> str:
    """The text an editor copies from one field of an "Embed this" panel."""
    doc = lxml_html.fromstring(page_html.read_bytes())
    [area] = doc.xpath(f"//textarea[@id='embed-{item}-{kind}']")
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


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The repo's content built for, and served at, a 127.0.0.1 base URL; yields (base URL, site folder).

    Built for its own address so the codes in the "Embed this" panels can be pasted as they are.
    """
    site = tmp_path_factory.mktemp("served") / "site"
    with static_server(site, "/repo/") as base:
        build(REPO, site, base_url=base)
        yield base, site


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Callable[[str, str], str]]:
    """A newsroom's server on a second origin: host(name, html) publishes a page and returns its URL."""
    folder = tmp_path / "host"
    folder.mkdir()
    shutil.copy(require_tool(PYM_JS), folder / "pym.v1.min.js")
    with static_server(folder) as base:

        def publish(name: str, html: str) -> str:
            (folder / name).write_text(html, "utf-8")
            return base + name

        yield publish


@pytest.fixture
def third_party(tmp_path: Path) -> Iterator[str]:
    """Someone else on a third origin, say an ad frame on the newsroom's page; yields its page's URL."""
    folder = tmp_path / "third"
    folder.mkdir()
    (folder / "frame.html").write_text('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Ad</title></head><body><p>Ad</p></body></html>\n', "utf-8")
    with static_server(folder) as base:
        yield base + "frame.html"


# --- the files ---------------------------------------------------------------------------------


def test_every_card_question_and_the_timeline_has_an_embed_page_a_fragment_and_an_oembed_response(seed_site):
    folder = seed_site / SEED_SLUG / "embed"
    assert sorted(p.name for p in folder.iterdir()) == sorted(EMBEDS)
    for item in EMBEDS:
        assert sorted(p.name for p in (folder / item).iterdir()) == ["fragment.html", "index.html", "oembed.json"]
    assert (seed_site / "embed.js").is_file()


def test_an_embed_page_shows_just_its_item_and_a_from_link_that_leaves_the_frame(seed_site):
    doc = lxml_html.fromstring((seed_site / SEED_SLUG / "embed" / CARD / "index.html").read_bytes())
    assert [h.text_content() for h in doc.xpath("//h2")] == ["Sanctions Rollback"]
    assert doc.xpath("//h3/text()") == ["In return", "Risks"]
    [link] = doc.xpath("//p[@class='explainer-from']/a")
    assert link.text_content() == "Why Does Trump Want to Meet Putin Again?"
    assert link.get("href") == f"https://example.org/repo/{SEED_SLUG}/#{CARD}"
    assert link.get("target") == "_top"
    assert doc.xpath("//base/@target") == ["_top"]
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"https://example.org/repo/{SEED_SLUG}/{CARD}/"]
    timeline = lxml_html.fromstring((seed_site / SEED_SLUG / "embed" / "timeline" / "index.html").read_bytes())
    assert len(timeline.xpath("//ol[@class='explainer-timeline']/li")) == 5


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
    iframe = lxml_html.fragment_fromstring(field(page, CARD, "iframe"))
    assert iframe.get("src") == f"{base}{SEED_SLUG}/embed/{CARD}/"
    loader = lxml_html.fragments_fromstring(field(page, CARD, "loader"))
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


def test_fragments_are_valid_html_when_pasted_into_a_page(seed_site, tmp_path):
    pages = []
    for item in EMBEDS:
        fragment = (seed_site / SEED_SLUG / "embed" / item / "fragment.html").read_text("utf-8")
        page = tmp_path / f"{item}.html"
        page.write_text(host_page(fragment), "utf-8")
        pages.append(page)
    assert vnu_errors(pages) == []


def test_each_panel_field_holds_exactly_the_published_code(seed_site):
    for item in EMBEDS:
        folder = seed_site / SEED_SLUG / "embed" / item
        pages = [seed_site / SEED_SLUG / "index.html"] + ([item_page(seed_site, item)] if item != "timeline" else [])
        for page in pages:
            # The HTML parser drops one newline right after <textarea>; the fragment starts with "<div".
            assert field(page, item, "fragment") == (folder / "fragment.html").read_text("utf-8"), page
            assert field(page, item, "iframe") == json.loads((folder / "oembed.json").read_text("utf-8"))["html"], page


def test_every_oembed_response_is_valid_json_whose_html_embeds_its_own_page(seed_site):
    responses = sorted((seed_site / SEED_SLUG / "embed").glob("*/oembed.json"))
    assert len(responses) == len(EMBEDS)
    for path in responses:
        data = json.loads(path.read_text("utf-8"))
        assert sorted(data) == ["cache_age", "height", "html", "provider_name", "provider_url", "title", "type", "version", "width"]
        assert (data["type"], data["version"], data["provider_name"], data["provider_url"]) == ("rich", "1.0", "Explainers", "https://example.org/repo/")
        assert isinstance(data["width"], int) and isinstance(data["height"], int) and isinstance(data["cache_age"], int)
        [iframe] = lxml_html.fragments_fromstring(data["html"])
        assert iframe.tag == "iframe"
        assert iframe.get("src") == f"https://example.org/repo/{SEED_SLUG}/embed/{path.parent.name}/"
        assert iframe.get("title") == data["title"]
        assert int(iframe.get("height")) == data["height"]
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


def test_the_fixed_iframe_height_fits_the_item_at_the_advertised_width_with_little_to_spare(seed_site, browser):
    page = browser.new_page(viewport={"width": 600, "height": 800})
    with static_server(seed_site, "/repo/") as base:
        for item in EMBEDS:
            data = json.loads((seed_site / SEED_SLUG / "embed" / item / "oembed.json").read_text("utf-8"))
            assert data["width"] == 600
            page.goto(f"{base}{SEED_SLUG}/embed/{item}/")
            height = content_height(page.main_frame)
            assert height <= data["height"] <= height * 1.3, (item, height, data["height"])
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
    copy = copy_script()
    for path in sorted(site.rglob("*.html")):
        text = path.read_text("utf-8")
        doc = lxml_html.fragment_fromstring(text) if path.name == "fragment.html" else lxml_html.fromstring(text)
        # JSON-LD is data, never run; tests/test_publish.py checks a hostile title cannot escape it.
        scripts = [s.text for s in doc.xpath("//script[not(@type='application/ld+json')]")]
        if path.name == "fragment.html":
            assert scripts == [], path
        elif "embed" in path.relative_to(site).parts:
            assert len(scripts) == 1 and "xPYMx" in scripts[0], path
        else:
            assert scripts in ([], [copy]), path
        assert not doc.xpath("//img | //*[@onerror]"), path
    # Each code is escaped exactly once in its field: parsed, it gives back the title as written.
    card_page = site / "hostile" / "card" / "index.html"
    assert lxml_html.fragment_fromstring(field(card_page, "card", "iframe")).get("title") == "Card " + HOSTILE
    assert lxml_html.fragments_fromstring(field(card_page, "card", "loader"))[0].text_content() == "Card " + HOSTILE
    fragment = lxml_html.fragment_fromstring(field(card_page, "card", "fragment"))
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

    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="It happened again."), "utf-8")
    again = build(root)
    after = snapshot(root / "site")
    changed = {path for path in after if after[path] != before.get(path)}
    assert {"a/embed/first/index.html", "a/embed/first/fragment.html"} <= changed
    assert not any(path.startswith("b/") for path in changed) and "embed.js" not in changed
    assert 0 < again.rendered < first.rendered
    assert "It happened again." in (root / "site" / "a" / "embed" / "first" / "index.html").read_text("utf-8")


# --- in the browser ----------------------------------------------------------------------------


def test_a_card_embedded_with_pym_js_on_another_origin_is_as_tall_as_its_content_at_any_width(served_site, host, browser):
    base, site = served_site
    sandbox = lxml_html.fragment_fromstring(field(item_page(site, CARD), CARD, "iframe")).get("sandbox")
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
    codes = [field(item_page(site, CARD), CARD, "loader"), field(item_page(site, QUESTION), QUESTION, "loader"),
             field(site / SEED_SLUG / "index.html", "timeline", "loader")]
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
        assert set(frame.get_attribute("sandbox").split()) == SANDBOX
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
        field(item_page(site, CARD), CARD, "loader")
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
    page.goto(host("from.html", host_page(field(item_page(site, CARD), CARD, "loader"))))
    embed_frame(page, CARD).get_by_role("link", name="Why Does Trump Want to Meet Putin Again?").click()
    page.wait_for_url(f"{base}{SEED_SLUG}/#{CARD}")
    assert page.locator("h1").inner_text() == "Why Does Trump Want to Meet Putin Again?"
    assert len(context.pages) == 1
    context.close()


def test_an_embed_page_reads_with_javascript_off_from_280_to_1200_pixels(seed_site, browser):
    with static_server(seed_site, "/repo/") as base:
        for width in (280, 1200):
            context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
            page = context.new_page()
            for item in EMBEDS:
                page.goto(f"{base}{SEED_SLUG}/embed/{item}/")
                assert page.locator("h2").first.is_visible()
                assert page.get_by_role("link", name="Why Does Trump Want to Meet Putin Again?").is_visible()
                assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), (item, width)
            context.close()


def test_the_fragment_pasted_into_a_bare_page_shows_the_card_with_no_script_and_no_requests(served_site, host, browser):
    base, site = served_site
    fragment = field(item_page(site, CARD), CARD, "fragment")
    url = host("fragment.html", host_page(fragment + "\n<h2>The newsroom's own heading</h2>"))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = record_requests(page)
    page.goto(url)
    assert requests == [url]
    assert page.locator("script").count() == 0
    card = page.locator(".explainer-embed")
    assert card.get_by_role("heading", name="Sanctions Rollback", level=2).is_visible()
    assert card.get_by_role("heading", name="Risks", level=3).is_visible()
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
    page.goto(url)
    page.get_by_text("Embed this").click()
    for label in ("Iframe code", "Self-sizing code (adds our small script)", "HTML only (for editors that remove scripts)"):
        box = page.get_by_label(label)
        assert box.is_visible() and box.get_attribute("readonly") is not None
        assert box.input_value().startswith("<")
    assert page.get_by_role("button").count() == 0
    context.close()

    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(url)
    page.get_by_text("Embed this").click()
    page.get_by_role("button", name="Copy Self-sizing code (adds our small script)").click()
    wait_for(lambda: page.get_by_role("status").filter(has_text="Copied").count() == 1, "the copy to be confirmed")
    assert page.evaluate("navigator.clipboard.readText()") == field(item_page(site, CARD), CARD, "loader")
    context.close()


def test_the_readme_shows_the_same_sandbox_the_codes_use(seed_site):
    readme = (REPO / "README.md").read_text("utf-8")
    iframe = lxml_html.fragment_fromstring(field(item_page(seed_site, CARD), CARD, "iframe"))
    assert iframe.get("sandbox") in readme
    assert "/embed.js" in readme and "oembed.json" in readme and "fragment.html" in readme
