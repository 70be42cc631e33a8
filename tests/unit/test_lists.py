"""The planners of what explainers show of each other: paged lists, topics, related explainers,
translations, and which explainers a build publishes, each decided from summaries alone."""

from __future__ import annotations

import dataclasses
import datetime as dt

from helpers import explainer_model, minimal_explainer, site_model

from explainer.content.files import Inputs
from explainer.output.rebuild import decide
from explainer.output.record import Manifest
from explainer.plan.listing import paging, topics_of
from explainer.plan.pages import Summary, newest_first
from explainer.plan.publish import plan_group, plan_site, summarize
from explainer.plan.related import connect, related_lists
from explainer.plan.schedule import Held, Schedule, held_back, publishes, release_of, status_of

UTC = dt.timezone.utc
SITE = site_model("https://example.org/repo/")


def summary(slug: str, day: int, topics: tuple[str, ...] = (), **fields: object) -> Summary:
    date = dt.date(2025, 3, day)
    return Summary(slug, slug.title(), "Dek.", date, None, None, date, (f"{slug}/",), topics=topics, **fields)  # type: ignore[arg-type]


def test_a_page_links_the_first_and_last_pages_and_two_on_each_side_with_gaps_between():
    middle = paging("", 10, 20)
    assert [link.number for link in middle.pages] == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert (middle.previous, middle.next) == ("page/9/", "page/11/")
    assert [link.url for link in middle.pages if link.current] == ["page/10/"]
    first = paging("topics/x/", 1, 3)
    assert (first.previous, first.next, [link.number for link in first.pages]) == (None, "topics/x/page/2/", [1, 2, 3])
    assert paging("", 2, 2).previous == ""  # the front page's address


def test_the_index_is_paged_newest_first_with_ties_by_title_and_a_page_changes_only_when_its_list_does():
    site = dataclasses.replace(SITE, per_page=5)
    summaries = [summary(f"e{i:02d}", 1 + i // 2) for i in range(12)]  # two a day: ties
    pages = {p.path: p for p in plan_site(site, summaries) if p.template == "index.html"}
    assert sorted(pages) == ["index.html", "page/2/index.html", "page/3/index.html"]
    listed = [e.slug for path in ("index.html", "page/2/index.html", "page/3/index.html") for e, _ in pages[path].context["explainers"]]
    assert listed == ["e10", "e11", "e08", "e09", "e06", "e07", "e04", "e05", "e02", "e03", "e00", "e01"]
    # An explainer's answer is not on the index; a newer explainer shifts every page.
    again = {p.path: p.key for p in plan_site(site, summaries) if p.template == "index.html"}
    assert {path: page.key for path, page in pages.items()} == again
    newer = {p.path: p.key for p in plan_site(site, [*summaries, summary("e12", 20)]) if p.template == "index.html"}
    assert all(newer[path] != again[path] for path in again) and "page/3/index.html" in newer


def test_names_that_make_one_address_are_one_topic_named_as_most_write_it():
    summaries = newest_first([summary("a", 1, ("City budget",)), summary("b", 2, ("City Budget", "Taxes")), summary("c", 3, ("City budget",))])
    topics = topics_of(summaries)
    assert sorted(topics) == ["city-budget", "taxes"]
    topic, members = topics["city-budget"]
    assert (topic.name, topic.url, topic.count, [m.slug for m in members]) == ("City budget", "topics/city-budget/", 3, ["c", "b", "a"])
    assert topics["taxes"][0].count == 1  # named by one explainer only, it has its page all the same


def test_a_topics_address_is_made_from_its_name_in_any_script_and_the_same_however_the_name_is_encoded():
    import unicodedata

    from explainer.content.slugs import topic_slug

    names = {"Élections 2025": "elections-2025", "Выборы": "vybory", "选举": "xuan-ju", "Ελληνικά": "ellenika", "City  Budget!": "city-budget"}
    assert {name: topic_slug(name) for name in names} == names
    assert topic_slug(unicodedata.normalize("NFD", "Élections 2025")) == "elections-2025"  # as a Mac may save it
    assert topic_slug("الانتخابات") and topic_slug("🎉") == ""  # no letter: refused at the topic's line (validate)


def test_related_explainers_share_the_most_topics_first_then_the_newest_never_itself_or_a_translation():
    newest = newest_first([
        summary("a", 1, ("X", "Y")), summary("b", 2, ("X",)), summary("c", 3, ("X", "Y")), summary("d", 4, ()),
        summary("e", 5, ("Z",)), summary("f", 6, ("X", "Y"), translation_of="a", language="fr"),
    ])
    groups = {s.slug: s.translation_of or s.slug for s in newest}
    lists = related_lists(newest, groups)
    slugs = {slug: [newest[i].slug for i in positions] for slug, positions in lists.items()}
    assert slugs["a"] == ["c", "b", "e", "d"]  # c shares two topics, b one; then the newest; never f, its translation
    assert slugs["d"] == ["f", "e", "c", "b"]  # no topics: the newest
    assert slugs["f"] == ["c", "b", "e", "d"]


def test_translations_link_each_other_in_their_own_languages_names_and_only_equal_items_are_alternates():
    english = explainer_model(minimal_explainer("vote") + SECOND_QUESTION)
    french = explainer_model(minimal_explainer("vote-fr").replace("sections:", "language: fr\ntranslation_of: vote\nsections:", 1))
    newest = newest_first([summarize(english), summarize(french)])
    connections = connect(newest, newest, "en", dt.datetime(2025, 6, 1, tzinfo=UTC))
    pages = {p.path: p.context for p in plan_group(SITE, english, connections["vote"]) if p.template.endswith(("explainer.html", "question.html"))}
    assert [(a.tag, a.url) for a in pages["vote/index.html"]["alternates"]] == [("en", "vote/"), ("fr", "vote-fr/")]
    assert [(a.name, a.url) for a in pages["vote/index.html"]["translations"]] == [("Français", "vote-fr/")]
    assert [(a.tag, a.url) for a in pages["vote/first/index.html"]["alternates"]] == [("en", "vote/first/"), ("fr", "vote-fr/first/")]
    # The French has no question "second": no alternate there, and the switch leads to its explainer page.
    assert pages["vote/second/index.html"]["alternates"] == ()
    assert [a.url for a in pages["vote/second/index.html"]["translations"]] == ["vote-fr/"]
    back = plan_group(SITE, french, connections["vote-fr"])[0].context
    assert [(a.name, a.url) for a in back["translations"]] == [("English", "vote/")]


SECOND_QUESTION = """\
  - id: second
    question: What next?
    short_answer: A vote.
    answer: The council votes in March.
"""


def test_a_draft_and_an_explainer_dated_later_are_held_back_unless_the_build_asks_for_them():
    now = dt.datetime(2025, 3, 10, 12, tzinfo=UTC)
    later = summary("later", 11)
    drafted = summary("drafted", 1, draft=True)
    assert status_of(later, now).scheduled == dt.datetime(2025, 3, 11, tzinfo=UTC) and status_of(summary("out", 10), now) is None
    plain, both = Schedule(now), Schedule(now, drafts=True, future=True)
    assert not publishes(status_of(later, now), plain) and not publishes(status_of(drafted, now), plain)
    assert publishes(status_of(later, now), both) and publishes(status_of(drafted, now), both)
    assert held_back([later, drafted, summary("out", 2)], plain) == Held(1, 1, dt.datetime(2025, 3, 11, tzinfo=UTC))
    # The clock is never part of what a build's output is made from: only the options are.
    assert Schedule(now).key == Schedule(now + dt.timedelta(days=9)).key != both.key


def test_a_date_falls_due_at_its_first_moment_in_the_sites_time_zone_and_a_time_at_that_moment():
    dated = explainer_model(minimal_explainer(published="2025-11-05"))
    zoned = explainer_model(minimal_explainer(published="2025-11-05 09:00 Europe/Paris"))
    offset = explainer_model(minimal_explainer(published="2025-11-05T09:00+01:00"))
    assert release_of(dated, "America/New_York") == dt.datetime(2025, 11, 5, 5, tzinfo=UTC)
    assert release_of(dated, None) == dt.datetime(2025, 11, 5, tzinfo=UTC)
    assert release_of(zoned, "America/New_York") == release_of(offset, None) == dt.datetime(2025, 11, 5, 8, tzinfo=UTC)


def test_a_build_after_a_held_back_explainer_falls_due_does_something_though_no_file_changed():
    inputs = Inputs(b"name: Explainers\n", "t" * 64, {"content/a.yaml": "a" * 64}, "", frozenset(), ())
    due = dt.datetime(2025, 3, 11, tzinfo=UTC)
    first = decide(inputs, None, Manifest(), {}, Schedule(due - dt.timedelta(days=1)))
    last = Manifest(first.inputs_key, 10, {}, {}, {}, Held(0, 1, due))
    assert decide(inputs, None, last, {}, Schedule(due - dt.timedelta(seconds=1))).nothing
    assert not decide(inputs, None, last, {}, Schedule(due)).nothing
    assert not decide(inputs, None, last, {}, Schedule(due - dt.timedelta(days=1), drafts=True)).nothing  # other options
