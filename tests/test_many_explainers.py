"""A site of a few hundred explainers, as a desk's archive becomes within a year: the index is
paged and each page stays small, every explainer is reachable from it, each topic lists exactly
its explainers, each explainer leads on to related ones, and a reader's search finds the card
that holds a word.

The site is built once per session (every test here runs on the same worker: xdist_group)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, make_project, minimal_explainer, parse
from webtools import static_server

from explainer.content.slugs import topic_slug
from explainer.pipeline import build

sys.path.insert(0, str(REPO / "bench"))
from synth import card_word, make_project as synthetic_project, topics_of  # noqa: E402

COUNT = 300
# A page of the index or of a topic is "a few dozen KB at most", whatever the site's size.
PAGE_BUDGET = 40_000

pytestmark = pytest.mark.xdist_group("many")


@pytest.fixture(scope="session")
def many_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 synthetic explainers with topics (bench/synth.py, slim), built for a /repo/ base path."""
    root = synthetic_project(COUNT, tmp_path_factory.mktemp("many") / "project", topics=True, slim=True)
    build(root, base_url="https://example.org/repo/")
    return root / "site"


def listed(site: Path, first: str) -> Iterator[tuple[Path, list[str]]]:
    """Each page of a paged list, from its first page on by its rel=next links, with the
    explainers it lists (their slugs)."""
    url: str | None = first
    while url is not None:
        path = site / url.removeprefix("/repo/") / "index.html"
        page = parse(path)
        yield path, [a.get("href").removeprefix("/repo/").strip("/") for a in page.xpath("//div[contains(@class,'listing')]//h2/a")]
        following = page.xpath("//head/link[@rel='next']/@href")
        url = following[0].removeprefix("https://example.org") if following else None


def test_every_page_of_the_index_is_small_and_together_they_list_every_explainer_once_newest_first(many_site):
    pages = list(listed(many_site, "/repo/"))
    assert len(pages) == COUNT // 20  # 20 to a page
    for path, slugs in pages:
        assert path.stat().st_size <= PAGE_BUDGET, path
        assert len(slugs) == 20, path
    order = [slug for _, slugs in pages for slug in slugs]
    assert sorted(order) == sorted(p.name for p in many_site.glob("explainer-*"))
    dates = [parse(many_site / slug / "index.html").xpath("string(//p[@class='meta']/time/@datetime)") for slug in order]
    assert dates == sorted(dates, reverse=True)
    # Numbered links: the first page links page 2 and the last, and says which page it is.
    front = parse(many_site / "index.html")
    assert front.xpath("//nav[@class='paging']//a[@aria-current='page']/text()") == ["1"]
    assert "/repo/page/15/" in front.xpath("//nav[@class='paging']//a/@href")


def test_each_topic_lists_exactly_its_explainers_and_each_explainer_links_its_topics(many_site):
    named: dict[str, set[str]] = {}
    for i in range(COUNT):
        for name in topics_of(i, COUNT):
            named.setdefault(topic_slug(name), set()).add(f"explainer-{i:05d}")
    assert sorted(p.name for p in (many_site / "topics").iterdir() if p.is_dir()) == sorted(named)
    for slug, members in named.items():
        pages = list(listed(many_site, f"/repo/topics/{slug}/"))
        assert all(path.stat().st_size <= PAGE_BUDGET for path, _ in pages)
        assert sorted(s for _, slugs in pages for s in slugs) == sorted(members), slug
        assert (many_site / "topics" / slug / "feed.xml").is_file()
    links = parse(many_site / "explainer-00005" / "index.html").xpath("//p[@class='topics']/a/@href")
    assert links == [f"/repo/topics/{topic_slug(name)}/" for name in topics_of(5, COUNT)]


def test_the_404_page_offers_search_and_the_newest_explainers(many_site):
    missing = parse(many_site / "404.html")
    assert missing.xpath("//section[@class='search']//input[@type='search']")
    newest = [href.removeprefix("/repo/").strip("/") for href in missing.xpath("//section[@class='newest']//a/@href")]
    front = next(listed(many_site, "/repo/"))[1]
    assert newest and newest == front[:len(newest)]  # the front page's first, in its order


def test_each_author_has_a_paged_page_of_their_published_explainers_that_their_bylines_link(tmp_path):
    site_file = (REPO / "site.yaml").read_text("utf-8") + "per_page: 5\nauthors:\n  ana: {name: Ana Ruiz, url: 'https://example.org/ana', role: Reporter}\n"
    by_ana = {f"e{i}.yaml": minimal_explainer(f"e{i}", f"Explainer {i}", f"2025-01-{i + 1:02d}").replace("sections:", "authors: [ana]\nsections:", 1)
              for i in range(7)}
    # Written out in full, not by id: the same author, the same page. A draft of hers is left out.
    by_ana["e7.yaml"] = minimal_explainer("e7", "Explainer 7", "2025-01-08").replace("sections:", "authors: [{name: Ana Ruiz}]\nsections:", 1)
    by_ana["draft.yaml"] = minimal_explainer("unseen", "Unseen", "2025-01-09").replace("sections:", "draft: true\nauthors: [ana]\nsections:", 1)
    root = make_project(tmp_path / "project", {**by_ana, "other.yaml": minimal_explainer("other")}, site=site_file, base_url="https://example.org/repo/")
    build(root)
    site = root / "site"
    pages = list(listed(site, "/repo/authors/ana-ruiz/"))
    assert [slugs for _, slugs in pages] == [["e7", "e6", "e5", "e4", "e3"], ["e2", "e1", "e0"]]  # newest first, five to a page
    assert parse(site / "e3" / "index.html").xpath("//main//p[@class='meta']/a[@rel='author']/@href") == ["/repo/authors/ana-ruiz/"]
    first = parse(site / "authors" / "ana-ruiz" / "index.html")
    assert first.xpath("//main//a[@rel='me']/@href") == ["https://example.org/ana"] and "Reporter" in first.xpath("string(//main//p[@class='meta'])")
    assert sorted(p.name for p in (site / "authors").iterdir()) == ["ana-ruiz"]  # no page for the byline-less explainer


def test_every_explainer_ends_with_related_explainers_those_sharing_its_topics_first(many_site):
    for i in range(COUNT):
        slug = f"explainer-{i:05d}"
        related = [href.removeprefix("/repo/").strip("/") for href in parse(many_site / slug / "index.html").xpath("//section[@class='related']//a/@href")]
        assert len(related) == 4 and slug not in related and len(set(related)) == 4, slug
        assert all((many_site / other / "index.html").is_file() for other in related)
        # Every synthetic explainer shares a topic with dozens of others: all four share one.
        mine = {topic_slug(t) for t in topics_of(i, COUNT)}
        assert all(mine & {topic_slug(t) for t in topics_of(int(other[-5:]), COUNT)} for other in related), slug


def search(page, base: str, word: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type a word into the front page's search box; the addresses of the results, in order."""
    page.goto(base)
    page.get_by_role("searchbox", name="Search the explainers").fill(word)
    page.locator(".search-results a").first.wait_for(timeout=20_000)
    time.sleep(0.3)  # the box searches as the reader types: let the last search settle
    return page.locator(".search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_a_word_in_one_card_only_typed_into_the_search_box_finds_that_cards_page_first(many_site, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with static_server(many_site, "/repo/") as base:
        results = search(page, base, card_word(123, 1))
    assert results[0] == "/repo/explainer-00123/" + parse(many_site / "explainer-00123" / "index.html").xpath("//ul[@class='cards']/li[2]/article/@id")[0] + "/"
    assert all(url.startswith(base) for url in requested)  # nothing asked of another host


def test_search_works_at_a_domains_root_too(make_site, page):
    card = minimal_explainer("a").replace("answer: |\n      It happened.", "cards:\n      - id: the-card\n        title: A card\n        summary: Quokkas everywhere.")
    root = make_site({"a.yaml": card, "b.yaml": minimal_explainer("b")}, base_url="https://example.org/")
    build(root)
    with static_server(root / "site", "/") as base:
        assert search(page, base, "quokkas") == ["/a/the-card/"]


def test_without_javascript_the_search_box_leaves_links_that_lead_to_every_explainer(many_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    with static_server(many_site, "/repo/") as base:
        page.goto(base + "404.html")
        assert not page.get_by_role("searchbox", name="Search the explainers").is_visible()
        page.get_by_role("link", name="Browse by topic").click()
        assert page.url == base + "topics/"
    context.close()
