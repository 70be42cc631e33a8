"""The planners: every file of an explainer and of the site decided from values alone, each with
the key that says when it must be made again."""

from __future__ import annotations

import dataclasses

from helpers import explainer_model, minimal_explainer, site_model

from explainer.plan.publish import plan_group, plan_site, summarize

SECOND = """\
  - id: second
    question: What next?
    short_answer: More.
    cards:
      - id: deal
        title: A deal
        summary: One deal.
        detail: In detail.
"""
TEXT = minimal_explainer("a").replace("title:", "aliases: [old-a]\ntitle:", 1) + SECOND
SITE = site_model("https://example.org/repo/")


def keys(pages) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {page.path: page.key for page in pages}


def test_an_explainers_files_are_its_page_a_page_per_question_and_card_their_embeds_and_social_images_all_in_its_folder():
    paths = [page.path for page in plan_group(SITE, explainer_model(TEXT))]
    assert len(paths) == len(set(paths))
    assert sorted(paths) == sorted([
        "a/index.html", "a/first/index.html", "a/second/index.html", "a/deal/index.html",
        "a/embed/index.html",  # the page for partners: every item's embed codes
        *(f"a/embed/{item}/{name}" for item in ("first", "second", "deal") for name in ("index.html", "fragment.html", "oembed.json")),
        "a/social.png", "a/first/social.png", "a/second/social.png", "a/deal/social.png",  # one per question and card
    ])


def test_question_pages_lead_to_the_question_before_and_after_in_the_order_written():
    pages = {page.path: page for page in plan_group(SITE, explainer_model(TEXT))}
    first, second = pages["a/first/index.html"].context, pages["a/second/index.html"].context
    assert (first["previous"], first["next"].url) == (None, "a/second/")
    assert (second["previous"].url, second["next"]) == ("a/first/", None)


def test_every_page_of_an_explainer_is_keyed_on_its_file_and_the_site():
    planned = keys(plan_group(SITE, explainer_model(TEXT)))
    edited = keys(plan_group(SITE, explainer_model(TEXT.replace("It happened.", "It happened again."))))
    moved = keys(plan_group(site_model("https://news.example.com/"), explainer_model(TEXT)))
    assert planned.keys() == edited.keys() == moved.keys()
    assert all(planned[path] != edited[path] for path in planned if not path.endswith(".png"))
    assert all(planned[path] != moved[path] for path in planned)


def test_the_sites_own_pages_are_keyed_on_what_they_show_of_each_explainer():
    summary = summarize(explainer_model(TEXT))
    planned = keys(plan_site(SITE, [summary]))
    # An answer is not on the index, feed or sitemap; a title is on the index, the 404 page (among
    # the newest), the feed and the redirects from the old slug ("Moved: <title>"), not on the sitemap.
    assert summarize(explainer_model(TEXT.replace("It happened.", "It happened again."))) == summary
    retitled = keys(plan_site(SITE, [dataclasses.replace(summary, title="Another title")]))
    changed = {path for path in planned if planned[path] != retitled[path]}
    assert changed == {"index.html", "404.html", "feed.xml"} | {path for path in planned if path.startswith("old-a/")}


def test_an_old_slug_is_a_redirect_from_each_of_the_explainers_pages_and_embeds():
    paths = [page.path for page in plan_site(SITE, [summarize(explainer_model(TEXT))])]
    assert [p for p in paths if p.startswith("old-a/")] == [
        "old-a/index.html", "old-a/first/index.html", "old-a/second/index.html", "old-a/deal/index.html",
        "old-a/embed/first/index.html", "old-a/embed/second/index.html", "old-a/embed/deal/index.html", "old-a/embed/index.html",
    ]
    assert {"index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", ".nojekyll"} <= set(paths)
