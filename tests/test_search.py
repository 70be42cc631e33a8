"""Search: Pagefind's index of every explainer, question and card page, each text indexed once at
its most specific page, made again only when a page it reads changed, written only inside the
output, and off when the site says so."""

from __future__ import annotations

import pytest
from helpers import SEED_SLUG, cli, indexed, make_project, minimal_explainer, override, snapshot, tree
from test_many_explainers import search
from webtools import static_server

from explainer.pipeline import build
from explainer.preview.session import Session

CARD = minimal_explainer("a").replace("answer: |\n      It happened.", """cards:
      - id: the-card
        title: A card
        summary: Wombats dig.
        detail: Numbats eat termites.""")


def test_each_text_is_indexed_once_at_its_most_specific_page(seed_site):
    pages = indexed(seed_site)
    home, question, card = f"/{SEED_SLUG}/", f"/{SEED_SLUG}/what-can-trump-offer/", f"/{SEED_SLUG}/sanctions-rollback/"
    assert {home, question, card} <= pages.keys()
    assert not any("/embed/" in url for url in pages) and "/" not in pages  # embeds and lists are not searched
    # A card's text on its page alone; a question's on its page; the lede and the timeline on the explainer's.
    assert [url for url, text in pages.items() if "$300 billion in frozen assets" in text] == [card]
    assert [url for url, text in pages.items() if "What can Trump offer Putin?" in text] == [question]
    assert [url for url, text in pages.items() if "What Trump is after, what he could offer Putin" in text] == [home]


def test_the_search_index_follows_an_edit_and_is_left_alone_while_no_page_it_reads_changed(make_site, tmp_path):
    root = make_site({"a.yaml": CARD, "b.yaml": minimal_explainer("b")})
    build(root)
    before = {path: made for path, made in snapshot(root / "site").items() if path.startswith("pagefind/")}
    assert before
    partners = override(root, "partners.html")  # a page the index does not read
    partners.write_text(partners.read_text("utf-8").replace("<main", "<main data-edited", 1), "utf-8")
    build(root)
    assert {path: made for path, made in snapshot(root / "site").items() if path.startswith("pagefind/")} == before
    (root / "content" / "a.yaml").write_text(CARD.replace("Numbats", "Bilbies"), "utf-8")
    build(root)
    assert "Bilbies eat termites." in indexed(root / "site")["/a/the-card/"]
    assert not any("Numbats" in text for text in indexed(root / "site").values())
    build(root, tmp_path / "clean")
    assert tree(root / "site") == tree(tmp_path / "clean")
    assert not list(root.glob("*.tmp")) and not list((root / "site").glob(".explainer-search-*"))  # Pagefind's own folder is gone


def test_search_false_in_the_site_file_makes_no_index_and_no_search_box(make_site):
    root = make_site({"a.yaml": CARD})
    build(root)
    assert (root / "site" / "pagefind").is_dir()
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8") + "search: false\n", "utf-8")
    build(root)
    assert not (root / "site" / "pagefind").exists()
    assert "data-search" not in (root / "site" / "index.html").read_text("utf-8")
    assert "data-pagefind-body" in (root / "site" / "a" / "index.html").read_text("utf-8")  # the pages say what a search would read


@pytest.mark.subprocess
def test_a_failing_pagefind_is_one_line_and_the_site_is_left_as_it_was(make_site, monkeypatch, tmp_path):
    root = make_site({"a.yaml": CARD})
    assert cli("--root", str(root)).returncode == 0
    before = tree(root / "site")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: something went wrong in here' >&2\nexit 3\n", "utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr("explainer.render.search.pagefind_binary", lambda: broken)
    (root / "content" / "a.yaml").write_text(CARD.replace("Numbats", "Bilbies"), "utf-8")
    result = cli("--root", str(root))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "pagefind:1:1: (search): Pagefind failed (exit status 3): Error: something went wrong in here",
        "build failed: 1 error(s); site/ was left as it was",
    ]
    assert tree(root / "site") == before


def test_the_previews_search_index_is_made_when_first_asked_for_after_an_edit(make_site, tmp_path):
    root = make_site({"a.yaml": CARD})
    session = Session(root, tmp_path / "preview", None)
    session.build()
    assert not (tmp_path / "preview" / "pagefind").exists()  # the page reloads first
    session.search()
    assert "Numbats eat termites." in indexed(tmp_path / "preview")["/a/the-card/"]
    made = snapshot(tmp_path / "preview")
    session.search()  # nothing changed since
    assert snapshot(tmp_path / "preview") == made
    (root / "content" / "a.yaml").write_text(CARD.replace("Numbats", "Bilbies"), "utf-8")
    session.build()
    session.search()
    assert "Bilbies eat termites." in indexed(tmp_path / "preview")["/a/the-card/"]


def test_a_search_in_the_sites_language_finds_an_explainer_in_another(desk_site, page):
    with static_server(desk_site, "/repo/") as base:
        assert search(page, base, "conseil") == ["/repo/budget-de-la-ville/first/"]
