"""URL segments made from text in any script: "Путин и Трамп" → putin-i-tramp, "Straße" → strasse.

python-slugify transliterates (text-unidecode) and cuts at a word boundary; this module only says
how: apostrophes join the word they are in ("Trump's" → trumps, not trump-s), and a slug never
exceeds the limit the schema sets for slugs and ids.
"""

from __future__ import annotations

from slugify import slugify as _slugify

MAX_SLUG = 80  # the schema's maxLength for slugs and ids


def slugify(text: str, limit: int = MAX_SLUG) -> str:
    """Lowercase ASCII words joined by single hyphens, at most limit characters; "" when text has no letters or digits."""
    slug = _slugify(text, max_length=limit, word_boundary=True, replacements=[["'", ""], ["’", ""]])
    # A first word longer than the limit is cut rather than lost.
    return slug or _slugify(text, max_length=limit, replacements=[["'", ""], ["’", ""]])
