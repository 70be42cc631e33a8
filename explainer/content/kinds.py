"""The section kinds: each told apart by the field it carries, in one registry that the schema,
the rules and the model all read."""

from __future__ import annotations

from typing import Any

from explainer.content.slugs import slugify

# Each section kind, named by the field that tells it apart (the schema's `section` branches carry
# the same names as titles; tests/unit/test_section_kinds.py checks the two agree). Each branch also takes
# `"type": {"const": "<kind>"}`, the name ArchieML's blocks and the editing page give a section
# (tests/unit/test_cms_form.py checks every kind has it).
SECTION_KINDS = ("question", "items", "text", "timeline", "people", "glossary", "sources", "key_points", "known")

# The anchor a kind takes when the editor gives no id (its heading, when it has none, comes from
# the theme's words in the page's language: words.DEFAULT_HEADINGS).
DEFAULT_IDS = {
    "timeline": "timeline", "people": "people", "glossary": "glossary", "sources": "sources", "key_points": "key-points", "known": "what-we-know",
}

# Kinds a reader looks for once: one cast of people, one glossary, one list of sources, one box of
# key points, one account of what is known and not, for the whole explainer (two glossaries would
# split a term's lookup in two).
ONCE = frozenset({"people", "glossary", "sources", "key_points", "known"})

# Kinds an editor may place under the headline and dek (`under_dek: true`), where a reader in a
# hurry looks, wherever the section is written.
UNDER_DEK = frozenset({"key_points", "known"})


def section_kind(section: dict[str, Any]) -> str | None:
    """The kind of a section as written: the first kind whose field it carries; None for none."""
    return next((kind for kind in SECTION_KINDS if kind in section), None)


def section_id(section: dict[str, Any], index: int) -> str:
    """A section's anchor: its own id, else the kind's default, else one made from its heading,
    else `section-<n>` for a heading with no letters or digits (n counts from 1)."""
    kind = section_kind(section)
    if isinstance(section.get("id"), str):
        return section["id"]
    if kind in DEFAULT_IDS:
        return DEFAULT_IDS[kind]
    heading = section.get("heading")
    return (slugify(heading) if isinstance(heading, str) else "") or f"section-{index + 1}"


def term_anchors(glossary: dict[str, Any], index: int) -> list[str]:
    """The anchor of each term of a glossary section, `<section id>-<slug of the term>` (or
    `-term-<n>` for a term with no letters or digits), which its first use in the answers links to."""
    base = section_id(glossary, index)
    return [f"{base}-{slugify(t['term']) or f'term-{n + 1}'}" for n, t in enumerate(glossary["glossary"])]
