"""Sentences, as the importer counts them and `check` looks for them, and the text of an explainer
a reader sees. The importer and the check share this module, so that what one says it kept is
what the other finds.

Sentences are split by pysbd's rules for the article's language (its own list: English, French,
German, Spanish, Italian, Dutch, Danish, Polish, Russian, Bulgarian, Slovak, Greek, Armenian,
Arabic, Persian, Urdu, Hindi, Marathi, Burmese, Amharic, Kazakh, Chinese and Japanese). A language
pysbd has no rules for is split by its English rules, which end a sentence at `.`, `?` and `!`
but know only English abbreviations; the importer says so in its summary.

Matching is on normalised text: Unicode compatibility forms folded, curly quotes and dashes made
plain, white space folded, case ignored, Markdown markup removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import pysbd
from pysbd.languages import LANGUAGE_CODES

from explainer.content.markdown import plain_blocks
from explainer.content.validate import load_schema
from explainer.importer.article import Article


FALLBACK = "en"


def sentence_rules(language: str | None) -> tuple[str, bool]:
    """The pysbd language whose rules split text in `language` (a tag like pt-BR), and whether
    that is the fallback because pysbd has none of its own. No language given means English."""
    base = (language or FALLBACK).split("-")[0].split("_")[0].lower()
    if base in LANGUAGE_CODES:
        return base, False
    return FALLBACK, True


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    # clean=False: sentences come back as written, so they can be found again in the text.
    return pysbd.Segmenter(language=language, clean=False)


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """The sentences of one block of plain text, white space folded, by the rules of its language
    (see sentence_rules); abbreviations like U.S. or M. do not end one."""
    return list(_split(" ".join(text.split()), sentence_rules(language)[0]))


# What can end a sentence in a language pysbd knows (with a margin: ";" is Greek's question mark).
_ENDS = re.compile(r"[.!?…;:。！？؟।։။።]")


# How much text pysbd is given at once. Its time grows with the square of what it is given (each
# abbreviation it meets rewrites the whole text), so a long paragraph is read a window at a time:
# each window's last sentence, which may go on past it, starts the next window.
WINDOW = 1_000


@lru_cache(maxsize=65_536)
def _split(text: str, language: str) -> tuple[str, ...]:
    # Remembered: an import splits each block of the article more than once, and pysbd is slow.
    if not text:
        return ()
    if not _ENDS.search(text, 0, len(text) - 1):
        return (text,)  # nothing but its last character could end a sentence: one sentence, without asking pysbd
    out: list[str] = []
    start, held = 0, -1  # held: where a sentence longer than a window began, if one did
    while start < len(text):
        cut = len(text) if len(text) - start <= WINDOW else text.rfind(" ", start + 1, start + WINDOW)
        cut = cut if cut > start else start + WINDOW
        parts = list(_segment(text[start:cut], language))
        if cut < len(text) and len(parts) <= 1:
            held = start if held < 0 else held  # no end in this window: the sentence goes on
            start = cut
            continue
        if held >= 0:
            end = text.find(parts[0], start) + len(parts[0]) if parts else cut
            parts[:1] = [" ".join(text[held:end].split())]
            held = -1
        if cut == len(text):
            out.extend(parts)
            break
        # The window's last sentence may go on past it: it starts the next window.
        last = text.rfind(parts[-1], start, cut)
        out.extend(parts[:-1] if last > start else parts)
        start = last if last > start else cut
    return tuple(out)


def _segment(text: str, language: str) -> tuple[str, ...]:
    return tuple(s for s in (" ".join(part.split()) for part in _segmenter(language).segment(text)) if s)


_TYPOGRAPHY = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
})
_DASH_SPACES = re.compile(r"\s*-\s*")


def normalise(text: str) -> str:
    """Text as compared: compatibility forms folded, plain quotes and dashes, folded space, no case."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).casefold()
    # "war — and" and "war—and" are one spelling.
    return _DASH_SPACES.sub("-", " ".join(text.split()))


def contains(haystack: str, needle: str) -> bool:
    """True when needle occurs in haystack as whole words (both already normalised)."""
    if not needle:
        return False
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (start == 0 or not haystack[start - 1].isalnum()) and (end == len(haystack) or not haystack[end].isalnum()):
            return True
        start = haystack.find(needle, start + 1)
    return False


# Function words carry no facts; an explainer's own phrasing is free to use any of them.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him himself
his how i if in into is it its itself just may me might more most must my myself no nor not now of off on once only or other
our ours ourselves out over own same shall she should so some such than that the their theirs them themselves then there
these they this those through to too under until up us very was we were what when where which while who whom why will with
would yet you your yours yourself yourselves
""".split())
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_POSSESSIVE = re.compile(r"'s\b")


def words(text: str) -> list[str]:
    """The words of text as compared: normalised, possessive 's dropped, single letters skipped."""
    return [w for w in _WORD.findall(_POSSESSIVE.sub("", normalise(text))) if len(w) > 1 or w.isdigit()]


def numbers(text: str) -> list[str]:
    """The numbers written in text, like 2025, 1.8 or 200,000."""
    return _NUMBER.findall(text)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or heading, or label) of an article, and the line it starts on."""

    text: str
    line: int


def article_passages(article: Article) -> list[str]:
    """The passages of an article a sentence may draw on: each heading, paragraph, credit and list
    item, and a web page's byline."""
    out: list[str] = [article.byline] if article.byline else []  # a web page's byline is the page's own words too
    for block in article.blocks:
        if block.kind == "list":
            out.extend(f"{item.label}: {item.text}" if item.label else item.text for item in block.items)
        else:
            out.append(block.text)
    return out


def article_sentences(article: Article, language: str | None = None) -> list[Sentence]:
    """Every sentence of an article in reading order, split in its language (the page's own, else
    `language`); a heading, list label, credit or piece of furniture counts as one."""
    language = article.language or language
    out: list[Sentence] = []
    for block in article.blocks:
        if block.kind in ("heading", "credit", "furniture"):
            out.append(Sentence(block.text, block.line))
        elif block.kind == "list":
            for item in block.items:
                if item.label:
                    out.append(Sentence(item.label, item.line))
                out.extend(Sentence(s, item.line) for s in split_sentences(item.text, language))
        elif block.label:
            # A paragraph's leading label ("**Parking.** ...", "1 Finally, a truce: ...") is one,
            # as a list item's is: it may become a card's title, apart from its text.
            out.append(Sentence(block.label, block.line))
            out.extend(Sentence(s, block.line) for s in split_sentences(" ".join(plain_blocks(block.body)), language))
        else:
            out.extend(Sentence(s, block.line) for s in split_sentences(block.text, language))
    return out


FieldPath = tuple[str | int, ...]


def text_fields(data: dict[str, Any]) -> list[tuple[FieldPath, list[str]]]:
    """Every text field of an explainer with the plain text a reader sees, one string per block.

    The schema says which fields are text: `line` fields are taken as written, `markdown` fields
    lose their markup. Ids, slugs, dates, URLs and the importer's `unplaced` list are not text.
    """
    schema = load_schema("explainer")
    out: list[tuple[FieldPath, list[str]]] = []

    def resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        if "$ref" not in node:
            return None, node
        kind = node["$ref"].rsplit("/", 1)[-1]
        return kind, schema["$defs"][kind]

    def walk(value: Any, node: dict[str, Any], path: FieldPath) -> None:
        kind, node = resolve(node)
        if "oneOf" in node and isinstance(value, dict):
            # A section: the branch of the kind it names by the field it carries.
            branches = [resolve(b)[1] for b in node["oneOf"]]
            node = next((b for b in branches if b.get("title") in value), {})
        if isinstance(value, str):
            if kind == "line":
                out.append((path, [" ".join(value.split())]))
            elif kind == "markdown":
                out.append((path, plain_blocks(value)))
        elif isinstance(value, list) and "items" in node:
            for i, item in enumerate(value):
                walk(item, node["items"], path + (i,))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in node.get("properties", {}):
                    walk(item, node["properties"][key], path + (key,))

    walk(data, schema, ())
    return out


def present_sentences(sentences: list[Sentence], blocks: list[str], language: str | None = None) -> list[bool]:
    """For each sentence, whether it appears (normalised, as whole words) inside one of the blocks.

    Most are found at once among the blocks' own sentences; only the rest are looked for inside
    every block, so an article of thousands of sentences takes seconds, not hours.
    """
    haystacks = [normalise(b) for b in blocks]
    whole = {normalise(s) for b in blocks for s in split_sentences(b, language)} | set(haystacks)
    joined = "\n".join(haystacks)  # normalised text holds no line breaks, so no match spans two blocks
    out = []
    for sentence in sentences:
        needle = normalise(sentence.text)
        out.append(needle in whole or contains(joined, needle))
    return out
