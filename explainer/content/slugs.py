"""URL segments made from text in any script: "Путин и Трамп" → putin-i-tramp, "Straße" → strasse.

python-slugify transliterates (text-unidecode), cuts at a word boundary (a word longer than the
limit, when no other fits, is cut rather than lost) and joins a typographic apostrophe to its word
("Trump’s" → trumps). This module only says how: a typed apostrophe (') joins its word too, where
the library would make it a hyphen ("trump-s"), and a slug never exceeds the limit the schema sets
for slugs and ids.
"""

from __future__ import annotations

from slugify import slugify as _slugify

MAX_SLUG = 80  # the schema's maxLength for slugs and ids


def slugify(text: str, limit: int = MAX_SLUG) -> str:
    """Lowercase ASCII words joined by single hyphens, at most limit characters; "" when text has no letters or digits."""
    # text-unidecode named, not found: left to choose, the library prefers unidecode where it happens
    # to be installed (its transliterations differ), and looks for it again on every call.
    return _slugify(text, max_length=limit, word_boundary=True, replacements=[["'", ""]], backend="text-unidecode")


def topic_slug(name: str) -> str:
    """A topic's folder below topics/, from its name in any script: "Élections 2025" -> elections-2025.
    Names that differ only in case, accents or punctuation name one topic."""
    return slugify(name)
