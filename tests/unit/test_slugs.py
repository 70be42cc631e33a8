"""Slugs made from text, as python-slugify makes them with the few choices content/slugs.py adds."""

from __future__ import annotations

import pytest

from explainer.content.slugs import MAX_SLUG, slugify

TITLE = "What the council's budget vote means for the city's libraries, parks and swimming pools and beaches"


def test_a_long_title_is_cut_after_its_last_whole_word_within_the_limit():
    slug = slugify(TITLE)
    assert len(slug) <= MAX_SLUG
    assert slug == "what-the-councils-budget-vote-means-for-the-citys-libraries-parks-and-swimming"
    words = set(slugify(TITLE, limit=1000).split("-"))
    assert all(word in words for word in slug.split("-"))  # no word is cut part way


@pytest.mark.parametrize("text, slug", [
    ("Trump's deal", "trumps-deal"),  # a typed apostrophe joins its word
    ("Trump’s deal", "trumps-deal"),  # and so does a typographic one
    ("L'état c'est moi", "letat-cest-moi"),
    ("Путин и Трамп", "putin-i-tramp"),
    ("Straße", "strasse"),
    ("习近平", "xi-jin-ping"),
    ("  Many   spaces -- and dashes  ", "many-spaces-and-dashes"),
    ("!!! ???", ""),
])
def test_text_in_any_script_becomes_lowercase_ascii_words_joined_by_single_hyphens(text, slug):
    assert slugify(text) == slug


def test_a_word_longer_than_the_limit_alone_is_cut_rather_than_lost():
    assert slugify("a" * 100) == "a" * MAX_SLUG
    assert slugify("Supercalifragilistic", limit=5) == "super"
