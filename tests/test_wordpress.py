"""A card pasted into WordPress by its address: WordPress's own discovery and filter (Debian's
wordpress package, run with php-cli) make the post's HTML, and WordPress's own wp-embed.js sizes
the frame and follows its links in Chromium, on a host origin of its own."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import SEED_SLUG
from lxml import html as lxml_html
from playwright.sync_api import Page
from test_embeds import CARD, QUESTION, assert_fits, embed_frame, frame_height, host_page, wait_for

WORDPRESS = Path("/usr/share/wordpress")
HARNESS = Path(__file__).parent / "wordpress" / "oembed.php"

# Every test runs WordPress's own PHP.
pytestmark = pytest.mark.subprocess


def wordpress_html(url: str) -> str:
    """What WordPress puts in a post for an address pasted on a line of its own."""
    if not (WORDPRESS / "wp-includes" / "class-wp-oembed.php").is_file() or not shutil.which("php"):
        pytest.fail("WordPress and PHP are missing: apt-get install -y wordpress php-cli (.ci/run installs them)", pytrace=False)
    result = subprocess.run(["php", str(HARNESS), url, str(WORDPRESS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout != "false", result.stdout + result.stderr
    return result.stdout


def wordpress_post(host: Callable[[str, str], str], name: str, html: str, width: int) -> str:
    """A post on a WordPress site: the embed block's markup around WordPress's HTML, in a column
    of the given width, with WordPress's own block styles and wp-embed.js."""
    host("wp-embed.js", (WORDPRESS / "wp-includes" / "js" / "wp-embed.js").read_text("utf-8"))
    host("block-library.css", (WORDPRESS / "wp-includes" / "css" / "dist" / "block-library" / "style.min.css").read_text("utf-8"))
    body = (f'<div style="width:{width}px"><figure class="wp-block-embed is-type-rich"><div class="wp-block-embed__wrapper">\n'
            f"{html}\n</div></figure></div>\n<script src=\"wp-embed.js\"></script>")
    return host(name, host_page(body, head='<link rel="stylesheet" href="block-library.css">\n'))


def card_address(base: str) -> str:
    return f"{base}{SEED_SLUG}/{CARD}/"


def test_wordpress_keeps_what_the_oembed_html_needs_and_adds_its_secret(served_site):
    base, _ = served_site
    [iframe] = lxml_html.fragments_fromstring(wordpress_html(card_address(base)))
    assert iframe.get("class") == "wp-embedded-content" and iframe.get("sandbox") == "allow-scripts"
    assert iframe.get("src").startswith(f"{base}{SEED_SLUG}/embed/{CARD}/#?secret=")
    assert (iframe.get("width"), iframe.get("frameborder")) == ("600", "0")
    assert iframe.get("style") is None  # WordPress strips it: width and frameborder are what stay


@pytest.mark.parametrize("width", [320, 600])
def test_a_card_pasted_into_wordpress_shows_whole_with_no_inner_scroll_or_border(served_site, host, browser, width):
    base, _ = served_site
    url = wordpress_post(host, f"post-{width}.html", wordpress_html(card_address(base)), width)
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(url)
    height = assert_fits(page, "iframe.wp-embedded-content", CARD)
    box = page.evaluate("""() => { const f = document.querySelector('iframe.wp-embedded-content'), s = getComputedStyle(f);
        return [f.getBoundingClientRect().width, s.borderTopWidth, s.borderLeftWidth, f.getAttribute('height')]; }""")
    # As wide as the column, no border, and WordPress's height attribute is the content's height.
    assert box[:3] == [width, "0px", "0px"] and abs(float(box[3]) - height) <= 2, (box, height)
    context.close()


def test_a_click_on_from_in_wordpress_opens_the_explainer_in_the_readers_window(served_site, host, browser):
    base, _ = served_site
    url = wordpress_post(host, "post.html", wordpress_html(card_address(base)), 600)
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    assert_fits(page, "iframe.wp-embedded-content", CARD)
    embed_frame(page, CARD).get_by_role("link", name="Why Does Trump Want to Meet Putin Again?").click()
    page.wait_for_url(f"{base}{SEED_SLUG}/#{CARD}")
    assert len(context.pages) == 1
    context.close()


def test_a_question_pasted_into_wordpress_is_short_enough_to_show_whole(served_site, host, browser):
    base, _ = served_site
    url = wordpress_post(host, "question.html", wordpress_html(f"{base}{SEED_SLUG}/{QUESTION}/"), 320)
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    # WordPress caps a frame at 1,000 px; the question embed is its question and short answer.
    assert assert_fits(page, "iframe.wp-embedded-content", QUESTION) < 600
    context.close()


def heights_sent(page: Page) -> int:
    return page.evaluate("window.heights")


def test_the_embed_answers_only_its_parents_ready_with_its_own_secret(served_site, host, third_party, browser):
    base, _ = served_site
    html = wordpress_html(card_address(base))
    secret = lxml_html.fragment_fromstring(html).get("data-secret")
    url = wordpress_post(host, "post.html", html + f'\n<iframe id="ad" title="Ad" src="{third_party}"></iframe>', 600)
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    assert_fits(page, "iframe.wp-embedded-content", CARD)
    page.evaluate("""() => { window.heights = 0; const f = document.querySelector('iframe.wp-embedded-content');
        addEventListener('message', e => { if (e.source === f.contentWindow && e.data && e.data.message === 'height') window.heights += 1; }); }""")

    def ready(key: str) -> None:
        page.evaluate("k => document.querySelector('iframe.wp-embedded-content').contentWindow.postMessage({message: 'ready', secret: k}, '*')", key)

    # Another secret, from the page that holds the frame: nothing.
    ready("0123456789")
    page.wait_for_timeout(500)
    assert heights_sent(page) == 0
    # The right secret from a frame on another origin that is not the parent: nothing.
    ad = page.locator("#ad").element_handle().content_frame()
    ad.evaluate("s => parent.frames[0].postMessage({message: 'ready', secret: s}, '*')", secret)
    page.wait_for_timeout(500)
    assert heights_sent(page) == 0
    # The right secret from the parent: the embed sends its height again.
    ready(secret)
    wait_for(lambda: heights_sent(page) >= 1, "a height in answer to the right ready")
    assert frame_height(page, "iframe.wp-embedded-content") > 200
    context.close()
