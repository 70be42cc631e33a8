"""Translations: an explainer names the one it translates; every page of each carries hreflang
alternates and a language switch in the other language's own words, both ways, kept right as
either changes."""

from __future__ import annotations

import pytest
from conftest import DESK
from helpers import make_project, minimal_explainer, parse, tree

from explainer.errors import BuildError
from explainer.pipeline import build

BASE = "https://example.org/repo/"


def alternates(path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {link.get("hreflang"): link.get("href") for link in parse(path).xpath("//head/link[@rel='alternate'][@hreflang]")}


def switch(path) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(a.text_content(), a.get("lang"), a.get("href")) for a in parse(path).xpath("//nav[@class='languages']//a")]


def test_two_linked_translations_carry_reciprocal_hreflang_and_a_switch_in_each_others_words(desk_site):
    english, french = desk_site / "city-budget" / "index.html", desk_site / "budget-de-la-ville" / "index.html"
    both = {"en": f"{BASE}city-budget/", "fr": f"{BASE}budget-de-la-ville/"}
    assert alternates(english) == alternates(french) == both
    assert switch(english) == [("Français", "fr", "/repo/budget-de-la-ville/")]
    assert switch(french) == [("English", "en", "/repo/city-budget/")]
    # Their questions share an id: those pages are alternates of each other too.
    assert alternates(desk_site / "city-budget" / "first" / "index.html") == {"en": f"{BASE}city-budget/first/", "fr": f"{BASE}budget-de-la-ville/first/"}
    assert switch(desk_site / "budget-de-la-ville" / "first" / "index.html") == [("English", "en", "/repo/city-budget/first/")]
    # An explainer without a translation has neither.
    assert alternates(desk_site / "bus-routes" / "index.html") == {} and switch(desk_site / "bus-routes" / "index.html") == []


def test_a_translation_added_later_is_linked_from_the_original_as_a_clean_build_links_it(tmp_path):
    root = make_project(tmp_path / "project", {"budget.yaml": DESK["budget.yaml"], "buses.yaml": DESK["buses.yaml"]})
    build(root)
    (root / "content" / "budget-fr.yaml").write_text(DESK["budget-fr.yaml"], "utf-8")
    build(root)
    assert switch(root / "site" / "city-budget" / "first" / "index.html") == [("Français", "fr", "/budget-de-la-ville/first/")]
    build(root, tmp_path / "clean")
    assert tree(root / "site") == tree(tmp_path / "clean")
    (root / "content" / "budget-fr.yaml").unlink()
    build(root)
    assert switch(root / "site" / "city-budget" / "index.html") == [] and alternates(root / "site" / "city-budget" / "index.html") == {}


def translation(slug: str, original: str, language: str = "fr") -> str:
    return minimal_explainer(slug).replace("sections:", f"language: {language}\ntranslation_of: {original}\nsections:", 1)


@pytest.mark.parametrize("files, expected", [
    ({"fr.yaml": translation("vote-fr", "no-such-slug")},
     "content/fr.yaml:6:17: translation_of: 'no-such-slug' is no explainer's slug; name the slug of the explainer this one translates"),
    ({"de.yaml": translation("vote-de", "vote-fr", "de"), "fr.yaml": translation("vote-fr", "vote")},
     "content/de.yaml:6:17: translation_of: 'vote-fr' is itself a translation, of 'vote': name the original, 'vote'"),
    ({"en.yaml": translation("vote-en", "vote", "en")},
     "content/en.yaml:6:17: translation_of: 'vote' is in 'en' too; a translation is in another language: set this explainer's language"),
    ({"fr.yaml": translation("vote-fr", "vote"), "fr2.yaml": translation("vote-fr-2", "old-vote")},
     "content/fr2.yaml:6:17: translation_of: 'old-vote' already has a translation in 'fr', content/fr.yaml; one per language"),
])
def test_a_translation_that_cannot_be_one_is_refused_at_its_line(tmp_path, files, expected):
    original = minimal_explainer("vote").replace("sections:", "aliases: [old-vote]\nsections:", 1)
    root = make_project(tmp_path / "project", {"vote.yaml": original, **files})
    with pytest.raises(BuildError) as raised:
        build(root)
    assert [str(e) for e in raised.value.errors] == [expected]
