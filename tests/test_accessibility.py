"""Every kind of page the generator makes passes axe-core (WCAG 2.2 AA), light and dark, and the
Nu Html Checker: one table of page kinds, each with a site that has one and its address there."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import SEED_SLUG, html_documents
from playwright.sync_api import Page
from webtools import format_violations, run_axe, static_server, vnu_errors


def open_panels(page: Page) -> None:
    """Open every "Embed this" panel of the page for partners, as an editor does to copy a code."""
    page.evaluate("document.querySelectorAll('details.embed-this').forEach(d => { d.open = true; })")
    assert page.get_by_role("button", name="Copy Iframe code").first.is_visible()


def open_panels_in_any_language(page: Page) -> None:
    """Open every "Embed this" panel of a page whose words are not English."""
    page.evaluate("document.querySelectorAll('details.embed-this').forEach(d => { d.open = true; })")
    assert page.locator("details.embed-this button").first.is_visible()


def nothing(page: Page) -> None:
    pass


def on_a_phone(page: Page) -> None:
    """At a phone's 390 px, halfway down, where the floating Contents control shows."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2)")
    jump = page.locator("a.jump")
    jump.wait_for()
    box = jump.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 844


def search_results(page: Page) -> None:
    """Search the front page's box, as a reader does, until its results show."""
    page.get_by_role("searchbox").fill("happened")
    page.locator(".search-results a").first.wait_for()


# (kind of page, the site that has one, its address below the base path, what to do before checking)
PAGE_KINDS: list[tuple[str, str, str, Callable[[Page], None]]] = [
    ("index", "seed", "", nothing),
    ("not found", "seed", "404.html", nothing),
    ("explainer", "seed", f"{SEED_SLUG}/", nothing),
    ("explainer on a phone, its Contents control floating", "seed", f"{SEED_SLUG}/", on_a_phone),
    ("question", "seed", f"{SEED_SLUG}/why-another-summit/", nothing),
    ("question with a deck", "seed", f"{SEED_SLUG}/what-can-trump-offer/", nothing),
    ("card", "seed", f"{SEED_SLUG}/sanctions-rollback/", nothing),
    ("page for partners, embed panels open", "seed", f"{SEED_SLUG}/embed/", open_panels),
    ("embed of a card", "seed", f"{SEED_SLUG}/embed/sanctions-rollback/", nothing),
    ("embed of a question", "seed", f"{SEED_SLUG}/embed/why-another-summit/", nothing),
    ("embed of a question with a deck", "seed", f"{SEED_SLUG}/embed/what-can-trump-offer/", nothing),
    ("embed of a timeline", "seed", f"{SEED_SLUG}/embed/timeline/", nothing),
    # Light unless the host asks: ?theme=auto follows the reader's scheme, so the dark run is dark.
    ("embed of a card following the reader's scheme", "seed", f"{SEED_SLUG}/embed/sanctions-rollback/?theme=auto", nothing),
    ("embed of a question with its whole answer, dark", "seed", f"{SEED_SLUG}/embed/what-can-trump-offer/?answer=full&theme=dark", nothing),
    ("explainer of every kind of section, key points under the dek", "budget", "budget-vote/", nothing),
    ("card with facts of its own", "budget", "budget-vote/service-cuts/", nothing),
    ("redirect from an old address", "budget", "council-budget/", nothing),
    ("explainer with updates and corrections", "changed", "changed/", nothing),
    ("question with updates and corrections", "changed", "changed/first/", nothing),
    ("card with updates and corrections", "changed", "changed/deal/", nothing),
    ("explainer on a site with a brand and a logo", "branded", "changed/", nothing),
    ("embed of a card on a site with a brand", "branded", "changed/embed/deal/", nothing),
    ("index of a site in French listing an explainer in Arabic", "languages", "", nothing),
    ("explainer in French", "languages", "budget-de-la-ville/", nothing),
    ("page for partners in French, embed panels open", "languages", "budget-de-la-ville/embed/", open_panels_in_any_language),
    ("explainer written right to left", "languages", "khuttat-al-miyah/", nothing),
    ("explainer written right to left on a phone, its Contents control floating", "languages", "khuttat-al-miyah/", on_a_phone),
    ("page for partners written right to left, embed panels open", "languages", "khuttat-al-miyah/embed/", open_panels_in_any_language),
    ("card written right to left", "languages", "khuttat-al-miyah/al-anabib/", nothing),
    ("embed of a card written right to left", "languages", "khuttat-al-miyah/embed/al-anabib/", nothing),
    ("redirect written right to left", "languages", "water-plan/", nothing),
    ("index with search results", "desk", "", search_results),
    ("index, a later page", "desk", "page/2/", nothing),
    ("topics", "desk", "topics/", nothing),
    ("topic", "desk", "topics/transport/", nothing),
    ("explainer with topics, related explainers and a translation", "desk", "city-budget/", nothing),
    ("question of a translation in French", "desk", "budget-de-la-ville/first/", nothing),
    ("draft with its banner", "desk", "library-plan/", nothing),
    ("embed of a draft's question with its banner, following the reader's scheme", "desk", "library-plan/embed/first/?theme=auto", nothing),
    ("explainer with a lead picture and authors", "pictured", "river/", nothing),
    ("question with its own picture, a picture and a table in its answer", "pictured", "river/whats-planned/", nothing),
    ("card with its own picture and one in its detail", "pictured", "river/barriers/", nothing),
    ("index with thumbnails of lead pictures", "pictured", "", nothing),
    ("embed of a card with a picture in its detail, and its dates", "pictured", "river/embed/barriers/", nothing),
    ("author's page", "pictured", "authors/jane-doe/", nothing),
]


@pytest.fixture(scope="module")
def sites(seed_site: Path, budget_site: Path, changed_site: Path, branded_site: Path, languages_site: Path, desk_site: Path, pictured_site: Path) -> dict[str, Path]:
    return {"seed": seed_site, "budget": budget_site, "changed": changed_site, "branded": branded_site, "languages": languages_site,
            "desk": desk_site, "pictured": pictured_site}


def file_of(site: Path, url: str) -> Path:
    """The file a page's address serves (its query is for the page's script)."""
    address = url.split("?")[0]
    return site / (address + "index.html" if address.endswith("/") or not address else address)


def check_page(page: Page, site: Path, url: str, base: str) -> None:
    path = file_of(site, url)
    html = path.read_text("utf-8")
    if 'http-equiv="refresh"' in html:
        # A redirect leaves at once: the page it is, without its refresh and script, is what is checked.
        still = re.sub(r"<script>.*?</script>|<meta http-equiv=\"refresh\"[^>]*>", "", html)
        page.route(base + url, lambda route, request: route.fulfill(body=still, content_type="text/html; charset=utf-8"))
    response = page.goto(base + url)
    assert response is not None and (response.ok or url == "404.html"), url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind, site_name, url, prepare", PAGE_KINDS, ids=[k[0] for k in PAGE_KINDS])
def test_every_kind_of_page_passes_axe(sites, browser, kind, site_name, url, prepare, scheme):
    site = sites[site_name]
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    with static_server(site, "/repo/") as base:
        check_page(page, site, url, base)
        prepare(page)
        violations = run_axe(page)
    context.close()
    assert not violations, f"{kind} at {url} ({scheme}):\n{format_violations(violations)}"


@pytest.mark.subprocess
@pytest.mark.slow
def test_every_html_document_of_every_site_passes_the_nu_html_checker(sites):
    documents = [p for site in sites.values() for p in html_documents(site)]
    # Every kind in the table is among them.
    for kind, site_name, url, _ in PAGE_KINDS:
        assert file_of(sites[site_name], url) in documents, kind
    assert vnu_errors(documents) == []
