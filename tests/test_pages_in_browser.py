"""The built pages as readers get them: in a real browser, accessible, valid, and asking nothing of other hosts."""

from __future__ import annotations

import time
from pathlib import Path

from helpers import SEED_SLUG
from helpers import html_documents as html_pages
from webtools import record_requests, static_server


def page_urls(site: Path) -> list[str]:
    """Every HTML page, as the URL path below the base path."""
    return [path.relative_to(site).as_posix().removesuffix("index.html") for path in html_pages(site)]


def test_no_page_requests_anything_from_another_host(seed_site, browser):
    # Accessibility and validity are checked per kind of page in tests/test_accessibility.py.
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    failures = []
    with static_server(seed_site, "/repo/") as base:
        origin = base.split("/repo/")[0]
        for url in page_urls(seed_site):
            requests = record_requests(page)
            page.goto(base + url)
            outside = [r for r in requests if not r.startswith(origin + "/repo/")]
            if outside:
                failures.append(f"{url}: requested {outside}")
    context.close()
    assert not failures, "\n".join(failures)


def test_pages_read_fully_with_javascript_off(seed_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    with static_server(seed_site, "/repo/") as base:
        page.goto(f"{base}{SEED_SLUG}/")
        assert page.locator("h1").inner_text() == "Why Does Trump Want to Meet Putin Again?"
        assert page.locator("#what-can-trump-offer .card").count() == 5
        page.goto(f"{base}{SEED_SLUG}/#europe-game-changer")
        assert page.locator("#europe-game-changer h2").is_visible()
    context.close()


def test_a_decks_cards_sit_side_by_side_on_a_wide_screen_and_stack_on_a_phone(seed_site, browser):
    with static_server(seed_site, "/repo/") as base:
        for width, expect_columns in ((1200, True), (375, False)):
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            page.goto(f"{base}{SEED_SLUG}/")
            boxes = [page.locator("#what-can-trump-offer .card").nth(i).bounding_box() for i in range(2)]
            same_row = abs(boxes[0]["y"] - boxes[1]["y"]) < 1
            assert same_row == expect_columns, width
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            context.close()


def test_a_missing_page_gets_the_404_page_with_working_links(seed_site, browser):
    context = browser.new_context()
    page = context.new_page()
    with static_server(seed_site, "/repo/") as base:
        response = page.goto(f"{base}no/such/page/")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        page.get_by_role("link", name="See every explainer").click()
        assert page.url == base
    context.close()


# The page's largest paint and every layout shift, as Chromium reports them to the page itself.
PAINT_AND_SHIFTS = """async () => {
  const img = document.querySelector("header figure img");
  await img.decode();
  const entries = type => new Promise(done => new PerformanceObserver((list, observer) => {
    observer.disconnect(); done(list.getEntries());
  }).observe({type, buffered: true}));
  const paints = await entries("largest-contentful-paint");
  const shifts = await Promise.race([entries("layout-shift"), new Promise(done => setTimeout(() => done([]), 500))]);
  const last = paints[paints.length - 1];
  return {lcp: last.element && last.element.currentSrc, src: img.currentSrc, shift: shifts.reduce((sum, s) => sum + s.value, 0)};
}"""


def test_the_lead_picture_is_the_explainer_pages_largest_paint_and_nothing_shifts_as_it_loads(pictured_site, browser):
    with static_server(pictured_site, "/repo/") as base:
        for width, height in ((1280, 800), (390, 844)):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            # Pictures arrive after the text, as on a slow network: the page must hold their place.
            page.route("**/images/**", lambda route: (time.sleep(0.3), route.continue_()))
            page.goto(f"{base}river/", wait_until="load")
            found = page.evaluate(PAINT_AND_SHIFTS)
            assert found["lcp"] and found["lcp"] == found["src"], (width, found)
            assert found["shift"] == 0, (width, found)
            context.close()
