"""Article to content scaffold: `python build.py import PATH` writes content/<slug>.yaml for an editor to finish.

Pure from article text to YAML text (`import_article`); only `read_source` and `write_scaffold`
touch disk, and the date comes in from the caller. The importer moves the article's own words into
fields and never writes facts of its own: where a required field has nothing to copy, it copies the
nearest honest text (a first sentence, the heading itself) and says so in a comment. Every sentence
it reads lands in the YAML; what it cannot place goes into `unplaced`, which the build warns about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from explainer.content.parse import MAX_FILE_BYTES, parse_yaml
from explainer.content.model import after_lead
from explainer.content.slugs import slugify
from explainer.content.validate import RESERVED_IDS, RESERVED_SLUGS, load_schema, validate_explainer
from explainer.core.atomic import atomic_write
from explainer.importer.article import Article, Block, Format, Item, label_only, paragraph_too_long, text_too_large
from explainer.importer.sentences import Sentence, article_sentences, normalise, present_sentences, sentence_rules, split_sentences, text_fields

# Where a content file finds the schema, for editors' completion: the project's copy, as
# `explainer new` and `explainer schema` write it.
SCHEMA = "../schema/explainer.schema.json"
MAX_SLUG = 60
# A dek is a line or two; a longer first paragraph is the start of the story, not a dek.
MAX_DEK_CHARS = 300
MAX_DEK_SENTENCES = 2


class ImportFailed(Exception):
    """The article could not be imported; the message says why, for the user."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What the importer found and kept, as the command prints it."""

    sections: int
    questions: int
    relabelled: int  # questions made from headings that are not phrased as questions
    cards: int
    paragraphs: int
    sentences_read: int
    sentences_kept: int
    unplaced: int
    reader: str = ""  # for a web page: how its article was found
    set_aside: tuple[tuple[str, int], ...] = ()  # page chrome left out, by kind, in blocks
    found: tuple[str, ...] = ()  # what the page said of itself that was used: byline, date
    dropped: int = 0  # control characters left out
    sentences_omitted: int = 0  # sentences of the furniture, set aside on purpose and listed under `omitted`
    furniture: tuple[tuple[str, int], ...] = ()  # furniture set aside, by kind, in blocks
    language: tuple[str, bool] = ("en", False)  # the language sentences were split in, and whether by the fallback rules

    def lines(self) -> list[str]:
        relabelled = f"; {self.relabelled} section(s) under headings that are not questions: write their questions to give them pages" if self.relabelled else ""
        out = [f"  article: {self.reader}"] if self.reader else []
        out += [f"  from the article: {', '.join(self.found)}"] if self.found else []
        language, fallback = self.language
        out += [
            f"  sections: {self.sections}",
            f"  questions: {self.questions}{relabelled}",
            f"  cards: {self.cards}",
            f"  paragraphs: {self.paragraphs}",
            f"  sentences kept: {self.sentences_kept} of {self.sentences_read} read"
            + (f"; {self.sentences_omitted} set aside on purpose, listed under `omitted:`" if self.sentences_omitted else ""),
            f"  sentences split as: {language}" + (" (no rules of its own: split by the English rules)" if fallback else ""),
            f"  unplaced: {self.unplaced}" + (" (listed under `unplaced:`; the build warns until an editor places them)" if self.unplaced else ""),
        ]
        if self.furniture:
            out.append(f"  set aside as furniture: {sum(n for _, n in self.furniture)} block(s), listed under `omitted:`, never published")
            out += [f"    {kind}: {n}" for kind, n in self.furniture]
        if self.set_aside:
            out.append(f"  set aside as page chrome: {sum(n for _, n in self.set_aside)} block(s), not imported")
            out += [f"    {kind}: {n}" for kind, n in self.set_aside]
        if self.dropped:
            out.append(f"  control characters left out: {self.dropped}")
        return out


@dataclass(frozen=True, slots=True)
class Scaffold:
    """An imported explainer: its slug, the YAML text to write, and the report."""

    slug: str
    yaml: str
    report: ImportReport


# --- ids and slugs ----------------------------------------------------------------------------

def _unique(base: str, taken: set[str], fallback: str) -> str:
    """base, or base-2, base-3, ... when taken or reserved by the page; fallback when base is empty."""
    base = base or fallback
    ident, n = base, 1
    while ident in taken or ident in RESERVED_IDS:
        n += 1
        ident = f"{base}-{n}"
    taken.add(ident)
    return ident


def first_statement(text: str, language: str | None = None, *, besides: str = "", limit: int | None = None) -> str:
    """The first sentence of plain text that is not a question ("Success odds?") nor the same as
    `besides` (the question it would answer), else the first sentence that is not `besides`; cut
    to fit a line of `limit` characters (by default, the longest line the schema allows)."""
    sentences = [s for s in split_sentences(text, language) if normalise(s) != normalise(besides)]
    found = next((s for s in sentences if not s.endswith("?")), sentences[0] if sentences else "")
    return fit_line(found, limit or _line_max())


@cache
def _line_max() -> int:
    return int(load_schema("explainer")["$defs"]["line"]["maxLength"])


def fit_line(text: str, limit: int) -> str:
    """text, or, when longer than limit characters, as much of it as fits, cut after a word, with
    an ellipsis: as an editor shortens a sentence that runs too long for a headline or a dek.
    The whole sentence stays in the text it was taken from."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    kept = text[:cut] if cut > limit // 2 else text[:limit - 1]
    return kept.rstrip(" ,;:-–—") + "…"


# --- structure --------------------------------------------------------------------------------

def _plain(block: Block) -> str:
    if block.kind == "list":
        return " ".join(f"{i.label}: {i.text}" if i.label else i.text for i in block.items)
    return block.text


def _join(blocks: list[Block]) -> str:
    return "\n\n".join(b.markdown for b in blocks) + "\n"


def _block_text(text: str | None) -> str | None:
    """Text to write as a YAML literal block: ending in one line break (`|`, not `|-`)."""
    return text.rstrip("\n") + "\n" if text else None


def _is_question(heading: Block) -> bool:
    return heading.question or heading.text.rstrip().endswith("?")


@dataclass
class _Section:
    heading: Block | None
    body: list[Block] = field(default_factory=list)


@dataclass
class _Draft:
    """The explainer as it is assembled: fields in schema order, comments for the editor, leftovers."""

    data: dict[str, Any]
    language: str | None = None  # the language the article's sentences are split in
    notes: list[tuple[str, str]] = field(default_factory=list)  # (anchor, comment): anchor is a key or "id:<id>"
    unplaced: list[str] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)  # furniture, set aside on purpose, as written
    set_aside: Counter[str] = field(default_factory=Counter)  # furniture by kind, for the summary
    relabelled: int = 0  # headings that are not questions, kept as headings of text (or items) sections
    shapes: list[dict[str, Any]] = field(default_factory=list)  # sections of kinds the schema does not have yet


# A kicker: a section label of a word or three next to the headline ("EXPLAINER", "Politics").
MAX_KICKER_WORDS = 3


def _is_kicker(block: Block | None, *, heading: bool) -> bool:
    if block is None or block.kind not in ("paragraph", "heading") or block.label or block.text.endswith((".", "!", "?", ":", ",", ";")):
        return False
    words = block.text.split()
    if not 0 < len(words) <= MAX_KICKER_WORDS:
        return False
    # A heading of a word or three may be the first section's ("Background"): only one in capitals is a kicker.
    return block.kind == "paragraph" or not heading or block.text.isupper()


def _set_aside(block: Block, kind: str, draft: _Draft) -> None:
    """Furniture: listed under `omitted` as written, counted by kind, never published."""
    draft.omitted.append(block.text)
    draft.set_aside[kind] += 1


def _title_dek_credit(blocks: list[Block], draft: _Draft) -> list[Block]:
    """Take the title, kicker, dek, photo credit and furniture out of blocks; returns the rest, in order.

    Credits, captions, bylines, date lines, promotions and kickers are furniture; prose a web
    page's extractor left out waits in `unplaced`. The first photo credit also becomes a note for
    the editor: the article's picture is not imported, and a credit is shown only with its picture
    (`image: {src, alt, credit}`).
    """
    rest = list(blocks)
    title = next((b for b in rest if b.kind == "heading" and b.level == 1), None)
    if title is not None:
        at = rest.index(title)
        after = next((b for b in rest[at + 1:] if b.kind not in _ASIDE), None)
        # A text file's first line may be a kicker over the headline: "EXPLAINER", then the headline.
        if (_is_kicker(title, heading=False) and (len(title.text.split()) == 1 or title.text.isupper())
                and after is not None and after.kind == "heading" and not _is_question(after)):
            rest[at] = Block("furniture", title.markdown, title.text, title.line, furniture="kicker")
            title = Block("heading", after.markdown, after.text, after.line, level=1)
            rest[rest.index(after)] = title
            at = rest.index(title)
        before = next((b for b in reversed(rest[:at]) if b.kind not in _ASIDE), None)
        for kicker in (before, next((b for b in rest[at + 1:] if b.kind not in _ASIDE), None)):
            if _is_kicker(kicker, heading=True):
                rest[rest.index(kicker)] = Block("furniture", kicker.markdown, kicker.text, kicker.line, furniture="kicker")
        rest.remove(title)
        draft.data["title"] = title.text
    credit = next((b for b in rest if b.kind == "credit"), None)
    if credit is not None:
        draft.notes.append(("title", f"The article's picture is credited to {credit.text}. To show a picture, save it in the project and add "
                                     f"image: {{src: <its file>, alt: <what it shows>, credit: {credit.text}}}."))
    body = [b for b in rest if b.kind not in _ASIDE]
    # A "dek" longer than a dek can be is the article's first paragraph, and stays in its text.
    dek = next((b for b in body if b.kind == "dek" and len(b.text) <= MAX_DEK_CHARS), None) or _implied_dek(body, title, draft.language)
    if dek is not None:
        draft.data["dek"] = dek.text
    for block in rest:
        if block is dek:
            continue
        if block.kind == "leftover":
            draft.unplaced.append(block.text)
        elif block.kind in ("credit", "caption"):
            # A caption repeating the title, or a credit repeating the first, is set aside once.
            if block.text != draft.data.get("title") and (block is credit or credit is None or block.text != credit.text):
                _set_aside(block, "credits" if block.kind == "credit" else "captions", draft)
        elif block.kind == "furniture":
            _set_aside(block, _FURNITURE_KINDS.get(block.furniture, block.furniture), draft)
    return [b for b in body if b is not dek]


_ASIDE = frozenset({"credit", "caption", "furniture", "leftover"})
# How the summary names each kind of furniture.
_FURNITURE_KINDS = {"byline": "bylines", "date line": "date lines", "kicker": "kickers", "promotion": "promotions", "alt text": "images' alt text",
                    "caption": "captions", "credit": "credits", "page furniture": "page furniture (“Advertisement”, “Share”, ...)",
                    "heading left out of the article": "headings of the page outside its article"}


def _implied_dek(body: list[Block], title: Block | None, language: str | None) -> Block | None:
    """A short paragraph right after the title, before any heading and followed by more text, is the dek."""
    if title is None:
        return None
    if len(body) < 2 or body[0].kind != "paragraph" or body[0].label:
        return None
    first = body[0]
    if first.line < title.line or len(first.text) > MAX_DEK_CHARS or first.text.endswith(":") or len(split_sentences(first.text, language)) > MAX_DEK_SENTENCES:
        return None
    return first


def _sections(blocks: list[Block]) -> list[_Section]:
    sections = [_Section(None)]
    for block in blocks:
        if block.kind == "heading":
            sections.append(_Section(block))
        else:
            # A second dek-like block is just a paragraph where it stands.
            sections[-1].body.append(block if block.kind != "dek" else Block("paragraph", block.markdown, block.text, block.line))
    return sections


# --- decks: the shapes real explainers give a set of options ----------------------------------

@dataclass(frozen=True, slots=True)
class _Point:
    """One card (or item) as the article wrote it: its label, and the Markdown and text under it."""

    label: str
    markdown: str
    text: str


def _labelled_list(body: list[Block], at: int) -> tuple[int, list[_Point]] | None:
    """A list whose every item leads with a label and has text after it: `- Label: text`,
    `- **Label:** text`, `- **Label** text`, `1. Label: text`, `1 Label: text`."""
    block = body[at]
    if block.kind == "list" and len(block.items) >= 2 and all(i.label and i.text.strip() for i in block.items):
        return at + 1, [_Point(i.label, i.body, i.text) for i in block.items if i.label]
    return None


def _led_paragraphs(body: list[Block], at: int) -> tuple[int, list[_Point]] | None:
    """Labels standing alone (`- Label`, `- **Label**`, `**Label**`, `3 Label:`, `3`), each with the paragraphs after it."""
    points: list[tuple[str, list[Block]]] = []
    i = at
    while i < len(body) and (label := label_only(body[i])) is not None:
        j = i + 1
        while j < len(body) and body[j].kind in ("paragraph", "list") and label_only(body[j]) is None:
            j += 1
        if j == i + 1:
            break
        points.append((label, body[i + 1:j]))
        i = j
    if len(points) < 2:
        return None
    # Where every point but the last has one paragraph, the last has one too: what follows it
    # is the section's own text, after the deck.
    if all(len(blocks) == 1 for _, blocks in points[:-1]) and len(points[-1][1]) > 1:
        i -= len(points[-1][1]) - 1
        points[-1] = (points[-1][0], points[-1][1][:1])
    return i, [_Point(label, _join(blocks).rstrip("\n"), " ".join(_plain(b) for b in blocks)) for label, blocks in points]


def _labelled_paragraphs(body: list[Block], at: int) -> tuple[int, list[_Point]] | None:
    """Paragraphs that each lead with a label and go on: `**Label.** text`, `1 Finally, a truce: text`.
    A numbered point keeps the plain paragraphs after it, up to the next number."""
    points: list[tuple[str, list[str], list[str]]] = []
    i = at
    while i < len(body) and body[i].kind == "paragraph" and body[i].label and body[i].body.strip():
        block = body[i]
        markdown, text = [block.body], [block.text[len(block.label):].lstrip(" .:") if block.number is None else _after_label(block)]
        i += 1
        while block.number is not None and i < len(body) and body[i].kind in ("paragraph", "list") and not body[i].label:
            markdown.append(body[i].markdown)
            text.append(_plain(body[i]))
            i += 1
        points.append((block.label, markdown, text))
    if len(points) < 2:
        return None
    return i, [_Point(label, "\n\n".join(md), " ".join(tx)) for label, md, tx in points]


def _after_label(block: Block) -> str:
    """The plain text of a numbered point after its label."""
    assert block.label is not None
    text = block.text
    start = text.find(block.label)
    return text[start + len(block.label):].lstrip(" .:") if start >= 0 else text


DECK_SHAPES = (_labelled_list, _led_paragraphs, _labelled_paragraphs)


def find_deck(body: list[Block]) -> tuple[int, int, list[_Point]] | None:
    """The first deck of cards among a section's blocks: where it starts and ends, and its points."""
    for at in range(len(body)):
        for shape in DECK_SHAPES:
            found = shape(body, at)
            if found:
                return at, found[0], found[1]
    return None


MAX_JOINED_SHORT_ANSWER = 240


def _short_answer(question: str, answer: list[Block], after: list[Block], points: list[_Point], language: str | None) -> str:
    """The short answer the article's own words give a question, never the question itself: the first
    statement of its text; else its options' labels, or its list's items, joined by semicolons when
    that is short; else the first sentence of its first item."""
    for block in answer + after:
        if block.kind != "list" and not block.label:
            found = first_statement(_plain(block), language, besides=question)
            if found:
                return found
    lists = [b for b in answer + after if b.kind == "list"]
    numbered = bool(points) and all(p.label.isdigit() for p in points)
    parts = ([p.label for p in points] if not numbered else []) or ([i.text if not i.label else f"{i.label}: {i.text}" for i in lists[0].items] if lists else [])
    parts = [p.rstrip(" .;") for p in parts if p.strip()]
    if parts and len("; ".join(parts)) <= MAX_JOINED_SHORT_ANSWER:
        return "; ".join(parts)
    text = next((p.text for p in points), None) or (lists[0].items[0].text if lists else "")
    return first_statement(text, language, besides=question)


def _answer(entry: dict[str, Any], body: list[Block], draft: _Draft, taken: set[str]) -> None:
    """Fill a question's short answer, answer and deck from the blocks under its heading.

    The section's first deck of cards (find_deck) is its deck: text before it is the answer,
    text after it follows the deck.
    """
    deck = find_deck(body)
    answer, after = (body, []) if deck is None else (body[:deck[0]], body[deck[1]:])
    points = deck[2] if deck else []
    entry["short_answer"] = _short_answer(entry["question"], answer, after, points, draft.language) or entry["question"]
    if normalise(entry["short_answer"]) == normalise(entry["question"]):
        draft.notes.append((f"id:{entry['id']}", "The article gives no sentence to use as the short answer: it repeats the question. Write one."))
    if answer:
        # The short answer leads the section: the answer goes on from there (kept whole when that
        # sentence is all it says, as a question needs its answer).
        entry["answer"] = _block_text(after_lead(_join(answer), entry["short_answer"]) or _join(answer))
    if deck is not None:
        entry["cards"] = [_card(point, taken, draft.language) for point in points]
        if after:
            entry["after_cards"] = _join(after)
        numbered = all(p.label.isdigit() for p in points)
        draft.notes.append((f"id:{entry['id']}", "Its cards come from the article's numbered points: each title is the point's number as the article writes it. Write a short title for each." if numbered
                            else "Its cards come from the article's points: each title is a point's label and each summary the first sentence of its text. Shorten the summaries."))


def _card(point: _Point, taken: set[str], language: str | None) -> dict[str, Any]:
    card = {
        "id": _unique(slugify(point.label, MAX_SLUG), taken, "card"),
        "title": point.label,
        "summary": first_statement(point.text, language) or point.label,
    }
    detail = after_lead(point.markdown.strip() + "\n", card["summary"])  # the summary leads the card
    if detail:
        card["detail"] = detail.strip() + "\n"
    return card


def _question(section: _Section, label: str | None, draft: _Draft, taken: set[str]) -> dict[str, Any]:
    """A section whose heading is a question: its text the answer, its first set of points its deck."""
    heading = section.heading
    assert heading is not None
    entry: dict[str, Any] = {"id": _unique(slugify(heading.text, MAX_SLUG), taken, "question")}
    if label:
        entry["label"] = label
    entry["question"] = heading.text
    _answer(entry, section.body, draft, taken)
    return entry


def _headed(heading: str, body: list[Block], draft: _Draft, taken: set[str], note: bool = True) -> dict[str, Any]:
    """A section under a heading that is not a question: its text, or, when it holds a set of points,
    those points as titled items (the text before them the intro; text after the last point stays
    with it, as a reader sees it there)."""
    ident = _unique(slugify(heading, MAX_SLUG), taken, "section")
    deck = find_deck(body)
    if deck is None:
        entry: dict[str, Any] = {"id": ident, "heading": heading, "text": _join(body)}
    else:
        before, points, after = body[:deck[0]], deck[2], body[deck[1]:]
        items = [{"title": p.label, "text": p.markdown.strip() + "\n"} for p in points]
        if after:
            items[-1]["text"] = items[-1]["text"].rstrip("\n") + "\n\n" + _join(after)
        entry = {"id": ident, "heading": heading, **({"intro": _join(before)} if before else {}), "items": items}
    if note:
        draft.relabelled += 1
        draft.notes.append((f"id:{ident}", "The article's heading here is not a question, so this is a section of text under it. To give it a page "
                                           "of its own, make it a question: add `question:` (what a reader would ask) and `short_answer:`."))
    return entry


# A box of takeaways: its heading, in the languages newsrooms import most.
TAKEAWAYS = re.compile(
    r"^(key (takeaways|points|facts)|takeaways|the takeaways?|what we know( so far)?|what (you need|to know)( to know)?|at a glance|in brief|the big picture"
    r"|the essentials|highlights|tl;?dr|(the )?bottom line|à retenir|ce qu.il faut retenir|l.essentiel|lo que sabemos|claves|puntos clave|lo esencial"
    r"|das wichtigste( in kürze)?|auf einen blick|was wir wissen|o que se sabe|pontos-chave|em resumo|co víme|hlavní body|ve zkratce)[.:!]?$",
    re.IGNORECASE,
)
# "What we know" and "What we don't know", in the languages the theme has words for.
KNOWN = re.compile(r"^(what (we|is) know[n]?( so far)?|what we do know|ce que l.on sait|ce qu.on sait|lo que sabemos|lo que se sabe|was wir wissen|was bekannt ist"
                   r"|o que (se sabe|sabemos)|ما نعرفه|ما نعرف)[.:!]?$", re.IGNORECASE)
UNKNOWN = re.compile(r"^(what (we|is) (don.t|do not|still don.t) know( yet)?|what (is|remains) unknown|what we don.t yet know|ce que l.on ne sait pas( encore)?"
                     r"|ce qu.on ne sait pas( encore)?|lo que no sabemos( todavía| aún)?|lo que no se sabe|was wir nicht wissen|was (noch )?unklar ist"
                     r"|o que (não se sabe|não sabemos|ainda não se sabe)|ما لا نعرفه|ما لا نعرف)[.:!]?$", re.IGNORECASE)

def placed_sentences(sentences: list[Sentence], blocks: list[str], language: str | None, data: dict[str, Any]) -> list[bool]:
    """Whether each of the article's sentences is in the explainer (`blocks`, its text), as
    present_sentences says; and an article's "What we know" or "What we don't know" heading is
    placed too where the explainer has a section of known and unknown lists, whose labels the
    theme writes, so it is neither unplaced by the importer nor missing for `check`."""
    found = present_sentences(sentences, blocks, language)
    if not any(isinstance(s, dict) and ("known" in s or "unknown" in s) for s in data.get("sections") or ()):
        return found
    return [ok or bool(KNOWN.match(s.text.strip()) or UNKNOWN.match(s.text.strip())) for s, ok in zip(sentences, found)]


# A listicle's title: "5 things to know about the budget", "Seven reasons the vote matters".
LISTICLE = re.compile(
    r"^(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(\w+\s+)?"
    r"(things|ways|reasons|facts|takeaways|lessons|charts|numbers|moments|points|signs|myths|tips|choses|raisons|cosas|claves|razones|dinge|gründe|coisas|razões|věcí|důvodů)\b",
    re.IGNORECASE,
)
_NUMBER_LEAD = re.compile(r"^\d{1,2}[.)]?\s+")
MAX_OPTION_WORDS = 8


def _subheading_decks(sections: list[_Section], fmt: Format) -> list[_Section]:
    """Fold a run of two or more "heading over bullets" sections into the question before them as a
    deck, each heading a card and its bullets the card's text: headings below the question's, or
    (in the same rank) short headings that are not questions after a question that only leads in."""
    out: list[_Section] = []
    i = 0
    while i < len(sections):
        section = sections[i]
        j = i + 1
        while j < len(sections) and section.heading is not None and _is_option(section, sections[j], fmt):
            j += 1
        if j - i - 1 >= 2:
            items = [Item(_join(sub.body).rstrip("\n"), _join(sub.body).rstrip("\n"), " ".join(_plain(b) for b in sub.body), sub.heading.text, sub.heading.line)
                     for sub in sections[i + 1:j] if sub.heading is not None]
            section = _Section(section.heading, section.body + [Block("list", "", "", items[0].line, items=tuple(items))])
            i = j
        else:
            i += 1
        out.append(section)
    return out


def _is_option(parent: _Section, sub: _Section, fmt: Format) -> bool:
    """Whether a section is one option under the heading before it: a deeper heading (in text,
    where headings have no levels, one that is not a question under one that is) over bullets;
    or, in the same rank, a short heading that is not a question, over bullets, after a question
    whose own text only leads in to its options (a paragraph or two, no list)."""
    heading = parent.heading
    assert heading is not None and sub.heading is not None
    over_bullets = bool(sub.body) and sub.body[0].kind == "list" and all(b.kind in ("list", "paragraph") for b in sub.body)
    if not over_bullets or _is_question(sub.heading) or KNOWN.match(sub.heading.text) or UNKNOWN.match(sub.heading.text):
        return False
    deeper = sub.heading.level > heading.level or (fmt == "text" and _is_question(heading))
    lead_in = _is_question(heading) and len(parent.body) <= 2 and all(b.kind == "paragraph" and not b.label for b in parent.body)
    return deeper or (sub.heading.level == heading.level and lead_in and len(sub.heading.text.split()) <= MAX_OPTION_WORDS)


def _items_of(body: list[Block]) -> list[str]:
    """The items of a what-we-know list (or its paragraphs, where it has none), as plain text."""
    out: list[str] = []
    for block in body:
        if block.kind == "list":
            out += [f"{i.label}: {i.text}" if i.label else i.text for i in block.items]
        else:
            out.append(block.text)
    return out


def known_unknown(sections: list[_Section], at: int, taken: set[str]) -> tuple[dict[str, Any], int] | None:
    """A "What we know" / "What we don't know" pair from section `at` on, each over a list or
    paragraphs: the section it makes, `{"id", "heading"?, "known", "unknown"}` (the heading the
    article puts over the pair, if any), and the index of the section after it."""
    parent = None
    i = at
    first = sections[i].heading
    if first is not None and not sections[i].body and not KNOWN.match(first.text) and i + 2 < len(sections):
        parent, i = first, i + 1  # "## The investigation" over "### What we know" and "### What we don't know"
    pair = sections[i:i + 2]
    if len(pair) < 2 or any(s.heading is None or not s.body for s in pair):
        return None
    known, unknown = pair
    assert known.heading is not None and unknown.heading is not None
    if not KNOWN.match(known.heading.text) or not UNKNOWN.match(unknown.heading.text):
        return None
    if parent is not None and not (known.heading.level > parent.level and unknown.heading.level > parent.level):
        return None
    section: dict[str, Any] = {"id": _unique(slugify(parent.text if parent else known.heading.text, MAX_SLUG), taken, "what-we-know")}
    if parent is not None:
        section["heading"] = parent.text
    section["known"] = _items_of(known.body)
    section["unknown"] = _items_of(unknown.body)
    return section, i + 2








def _key_points(section: _Section) -> tuple[dict[str, Any], list[Block]] | None:
    """A "Key takeaways" or "What we know" box: its heading over a list. Returns the key points,
    and the blocks after the list, which belong to the text the box stands in."""
    heading = section.heading
    if heading is None or not TAKEAWAYS.match(heading.text) or not section.body or section.body[0].kind != "list":
        return None
    points = [f"{i.label}: {i.text}" if i.label else i.text for i in section.body[0].items]
    if any(len(p) > 2000 for p in points):
        return None
    return {"heading": heading.text, "key_points": points}, section.body[1:]


def _continue(entries: list[dict[str, Any]], intro: _Section, blocks: list[Block], draft: _Draft) -> None:
    """Text after a box of takeaways goes on the text the box stands in: the intro, or the section before."""
    if not blocks:
        return
    if not entries:
        intro.body.extend(blocks)
        return
    last = entries[-1]
    if "items" in last and isinstance(last["items"], list) and last["items"] and "title" in last["items"][0]:
        last["items"][-1]["text"] = last["items"][-1]["text"].rstrip("\n") + "\n\n" + _join(blocks)
        return
    field = "after_cards" if "after_cards" in last or "cards" in last else "answer" if "question" in last else "text" if "text" in last else None
    if field is None:
        draft.unplaced.extend(_plain(b) for b in blocks)
    else:
        last[field] = (last.get(field, "").rstrip("\n") + "\n\n" if last.get(field) else "") + _join(blocks)


def _text_section(heading: str, body: list[Block], taken: set[str]) -> dict[str, Any]:
    """A point of a listicle (or of an article whose points stand before any heading): its label or
    heading, without the number, over its text."""
    heading = _NUMBER_LEAD.sub("", heading) or heading
    return {"id": _unique(slugify(heading, MAX_SLUG), taken, "section"), "heading": heading, "text": _join(body)}


def structure(article: Article, published: dt.date, made_from: str | None = None, slug: str | None = None, language: str | None = None) -> _Draft:
    """The article's blocks arranged as an explainer: fields in the schema's order, sections in the
    article's order, notes, leftovers, and the furniture set aside."""
    draft = _Draft({}, language=language)
    blocks = _title_dek_credit(list(article.blocks), draft)
    sections = _subheading_decks(_sections(blocks), article.format)
    intro, sections = sections[0], sections[1:]
    title = draft.data.get("title")
    listicle = bool(title and LISTICLE.match(title))
    taken: set[str] = set()
    entries: list[dict[str, Any]] = []
    # Points that stand before any heading (a listicle's, or an article's that has only points)
    # are its sections, each under its own label: the text before them is the intro.
    deck = find_deck(intro.body) if not sections else None
    if deck is not None:
        entries += [_text_section(point.label, [Block("paragraph", point.markdown, point.text, 1)], taken) for point in deck[2]]
        after = intro.body[deck[1]:]
        intro = _Section(None, intro.body[:deck[0]])
        if after:  # text after the last point stands under it, as a reader sees it there
            entries[-1]["text"] = entries[-1]["text"].rstrip("\n") + "\n\n" + _join(after)
        draft.notes.append(("sections", "The article's points, each a section under its label, in its order."))
    carried: str | None = None  # an empty heading, kept as the label of the question after it
    i = 0
    while i < len(sections):
        section = sections[i]
        assert section.heading is not None
        pair = known_unknown(sections, i, taken)
        if pair is not None:
            shape, end = pair
            draft.shapes.append(shape)
            entries.append(shape)
            i = end
            continue
        i += 1
        if not section.body:
            if carried is not None:
                draft.unplaced.append(carried)
            carried = section.heading.text
            continue
        key_points = _key_points(section)
        if key_points is not None:
            points, rest = key_points
            _continue(entries, intro, rest, draft)
            entries.append({"id": _unique("key-points", taken, "key-points"), **points})
        elif listicle and not _is_question(section.heading):
            entries.append(_text_section(section.heading.text, section.body, taken))
        elif _is_question(section.heading):
            entries.append(_question(section, carried, draft, taken))
            carried = None
            continue
        else:
            entries.append(_headed(section.heading.text, section.body, draft, taken))
        if carried is not None:
            draft.unplaced.append(carried)
        carried = None
    if carried is not None:
        draft.unplaced.append(carried)

    if title is None:
        first = next((b for b in blocks if b.kind in ("paragraph", "list")), None)
        if first is None:
            raise ImportFailed("found no text to import")
        draft.data["title"] = title = first_statement(_plain(first), language, limit=MAX_DEK_CHARS)
        draft.notes.append(("title", "The article has no title the importer could find: this is its first sentence"
                            f"{' (cut to fit a headline)' if title.endswith('…') else ''}. Write the headline."))
    if not entries:
        # No sections: the whole text becomes one, for the editor to split into questions.
        if not intro.body:
            raise ImportFailed("found a title but no text under it")
        if title.rstrip().endswith("?"):
            entry = {"id": _unique(slugify(title, MAX_SLUG), taken, "question"), "question": title}
            _answer(entry, intro.body, draft, taken)
        else:
            entry = _headed(title, intro.body, draft, taken, note=False)
        entries.append(entry)
        draft.notes.append(("sections", "The article has no sections, so its whole text is one section here, under its title. Split it into the questions a reader asks."))
        intro = _Section(None)
    elif not any(anchor == "sections" for anchor, _ in draft.notes):
        draft.notes.append(("sections", "The article's sections, in its order. Each id comes from its heading's words and each short_answer from its answer's first sentence: rewrite them as needed."))
    if "dek" not in draft.data:
        first_text = next((b for b in blocks if b.kind == "paragraph"), None)
        draft.data["dek"] = first_statement(first_text.text, language, limit=MAX_DEK_CHARS) if first_text else title
        draft.notes.append(("dek", "The article has no dek the importer could find: this is its first sentence"
                            f"{' (cut to fit a dek)' if draft.data['dek'].endswith('…') else ''}. Write one or two sentences for under the headline."))

    draft.data = _ordered({
        "slug": slug or _explainer_slug(title),
        "title": title,
        "dek": draft.data["dek"],
        "published": published.isoformat(),
        "attribution": article.byline,
        "intro": _block_text(after_lead(_join(intro.body), draft.data["dek"])) if intro.body else None,  # the dek leads the intro
        "sections": entries,
        "made_from": [made_from] if made_from else None,
    })
    if article.byline:
        draft.notes.append(("attribution", "The byline the article gives: check it."))
    if made_from:
        draft.notes.append(("made_from", "The article this was imported from; `explainer check` compares the two."))
    return draft


def _base(tag: str) -> str:
    """A language tag's language: "pt" of "pt-BR"."""
    return tag.split("-")[0].lower()


def _explainer_slug(title: str) -> str:
    slug = slugify(title, MAX_SLUG) or "imported"
    return f"{slug}-explainer" if slug in RESERVED_SLUGS else slug


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """The fields that have values, in the order the schema lists them, as editors read them."""
    order = list(load_schema("explainer")["properties"])
    return {key: data[key] for key in sorted(data, key=order.index) if data[key] is not None}


# --- YAML -------------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, with lists indented under their key and multi-line text as `|` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indented lists ("  - id: ...") are how the bundled content is written.
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Markdown fields end in a newline, so they come out as literal blocks; PyYAML still falls back
    # to a quoted style by itself when a block cannot hold the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    """Explainer data as YAML text: keys in the order given, Unicode as is, long lines unwrapped."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)


def _comment(text: str, indent: str) -> list[str]:
    """A comment wrapped to about 100 columns at the given indent."""
    lines, line = [], ""
    for word in text.split():
        if line and len(indent) + 2 + len(line) + 1 + len(word) > 100:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return [f"{indent}# {part}" for part in lines]


def annotate(text: str, notes: list[tuple[str, str]]) -> str:
    """Put each note as a comment above its anchor: a top-level key, or the `- id: <id>` line of an entry.

    Ids are unique slugs and keys appear once at the top level, so each anchor names exactly one line.
    """
    wanted: dict[str, list[str]] = {}
    for anchor, note in notes:
        wanted.setdefault(anchor, []).append(note)
    out: list[str] = []
    for line in text.splitlines():
        key = re.match(r"^([a-z_]+):", line)
        entry = re.match(r"^(\s*)- id: ([a-z0-9-]+)$", line)
        if key and key.group(1) in wanted:
            out.extend(c for note in wanted.pop(key.group(1)) for c in _comment(note, ""))
        elif entry and f"id:{entry.group(2)}" in wanted:
            out.extend(c for note in wanted.pop(f"id:{entry.group(2)}") for c in _comment(note, entry.group(1)))
        out.append(line)
    return "\n".join(out) + "\n"


def _header(origin: str, made_from: str | None, schema: str) -> str:
    lines = [f"# yaml-language-server: $schema={schema}"]
    lines += _comment(f"Imported from {origin} by `explainer import`. This is a first draft, not a finished explainer: an editor must check every field against the article before it is published. The comments below mark what the importer derived rather than copied; delete them once checked.", "")
    if not made_from:
        lines += _comment("made_from is not set because the article is outside the project: copy it into the project (seeds/, say) and name it in made_from so `explainer check` can compare the two.", "")
    return "\n".join(lines) + "\n"


# --- the whole import -------------------------------------------------------------------------

def _kept(sentences: list[Sentence], yaml_text: str, language: str | None) -> tuple[int, int]:
    """How many of the sentences are found again in the YAML as written (published, or in
    `unplaced`), and how many of the rest are in `omitted`: the check that it holds them all.

    Raises ImportFailed for YAML too large for a build to read."""
    doc = parse_yaml("(import)", yaml_text.encode("utf-8"))
    if isinstance(doc, list):
        # The dumper's own output always parses; only the limits on a content file can refuse it.
        raise ImportFailed(f"the article makes an explainer too large to build ({doc[0].message}): import it in parts, or split the article")
    # What is written must build: checked as the build checks it (a field the arrangement above
    # left too long, say), so that nothing is written that the next build refuses.
    invalid = validate_explainer(doc)
    if invalid:
        raise ImportFailed(f"the article makes an explainer that would not build ({invalid[0].field}: {invalid[0].message}); nothing was written: "
                           "import the article in parts, or paste its text")
    blocks = [b for _, bs in text_fields(doc.data) for b in bs] + [" ".join(u.split()) for u in doc.data.get("unplaced", ())]
    kept = placed_sentences(sentences, blocks, language, doc.data)
    rest = [s for s, ok in zip(sentences, kept) if not ok]
    omitted = present_sentences(rest, [" ".join(u.split()) for u in doc.data.get("omitted", ())], language)
    return sum(kept), sum(omitted)


def import_article(article: Article, *, origin: str, today: dt.date, published: dt.date | None = None, made_from: str | None = None,
                   slug: str | None = None, schema: str = SCHEMA, site_language: str | None = None, language: str | None = None) -> Scaffold:
    """An article as a content scaffold that validates and builds, with every sentence kept.

    origin names the article in the header comment; made_from, when given, is written to the
    made_from field (a path relative to the project); schema is the address of the schema the
    first line names. The date is `published`, else the one the
    page gives, else today. The article's language is `language` (given by the user), else the one
    the article says it is in (a page's lang, a Word document's properties); sentences are split by
    its rules, and one that is not `site_language` (the site's) becomes the explainer's `language`.
    With neither, sentences are split by the site's language. Raises ImportFailed when there is no
    text, or it makes too much.
    """
    too_long = text_too_large(article) or paragraph_too_long(article)
    if too_long:
        raise ImportFailed(too_long)
    date = published or article.published or today
    given = language
    said = given or article.language
    language = said or site_language
    draft = structure(article, date, made_from, slug, language)
    if said and (site_language is None or _base(said) != _base(site_language)):
        draft.data = _ordered({**draft.data, "language": said})
        whose = "The language given to the importer (--language)" if given else "The language the article says it is in (a page's lang, a Word document's properties)"
        draft.notes.append(("language", f"{whose}: its pages take that language's words and dates. Check it."))
    data = draft.data
    note = ("the date given to the importer" if published else "the date the page gives" if article.published
            else "today's date: neither --published nor the article gave one")
    draft.notes.append(("published", f"{note[0].upper()}{note[1:]}: check it."))
    # Anything the arrangement missed (it should be nothing) is listed rather than lost.
    fields = [b for _, bs in text_fields(data) for b in bs] + draft.unplaced + draft.omitted
    sentences = article_sentences(article, language)
    for sentence, found in zip(sentences, placed_sentences(sentences, fields, language, data)):
        if not found and sentence.text not in draft.unplaced:
            draft.unplaced.append(sentence.text)
    if draft.unplaced:
        data["unplaced"] = list(dict.fromkeys(draft.unplaced))
        draft.notes.append(("unplaced", "Text from the article the importer could not place. The build warns about each entry until an editor moves it into a field above, "
                                        "or into `omitted:` to leave it out on purpose (deleted, `explainer check` counts it as missing)."))
    if draft.omitted:
        data["omitted"] = list(dict.fromkeys(draft.omitted))
        draft.notes.append(("omitted", "What the importer set aside on purpose as the page's furniture (captions, credits, bylines, promotions, ...): never "
                                       "published, and `explainer check` counts it as left out on purpose. Move any that is the article's own text into a field above."))
    text = _header(origin, made_from, schema) + annotate(dump_yaml(data), draft.notes)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ImportFailed(f"the article makes an explainer of {len(text.encode('utf-8')):,} bytes, more than a content file may hold ({MAX_FILE_BYTES:,}): import it in parts, or split the article")
    kept, aside = _kept(sentences, text, language)
    sections = data["sections"]
    questions = [s for s in sections if "question" in s]
    cards = sum(len(q.get("cards", ())) for q in questions)
    paragraphs = sum(1 for b in article.blocks if b.kind == "paragraph")
    found = tuple(f"{what} ({value})" for what, value in (("byline", article.byline), ("date", article.published and not published and article.published.isoformat())) if value)
    rules, fallback = sentence_rules(language)
    report = ImportReport(len(sections), len(questions), draft.relabelled, cards, paragraphs, len(sentences), kept, len(data.get("unplaced", ())),
                          article.reader, article.set_aside, found, article.dropped, aside, tuple(sorted(draft.set_aside.items())),
                          (language or rules, fallback))
    return Scaffold(data["slug"], text, report)


# --- the edges: reading the article, writing the scaffold -------------------------------------

def read_source(path: Path, fmt: Format | None) -> Article:
    """Read an article file as fmt, or as its extension says. Raises ImportFailed with a message for the user.
    (Reading sources, files and addresses alike, is explainer.importer.sources.)"""
    from explainer.importer.sources import ReadFailed, read_path, to_article

    try:
        return to_article(read_path(path, fmt))
    except ReadFailed as exc:
        raise ImportFailed(str(exc)) from None


def write_scaffold(path: Path, text: str, force: bool) -> None:
    """Write text to path, refusing to replace an existing file unless force; never leaves half a file."""
    if path.exists() and not force:
        raise ImportFailed(f"{path} already exists; pass --force to replace it")
    if not path.parent.is_dir():
        raise ImportFailed(f"cannot write {path}: the folder {path.parent} does not exist")
    atomic_write(path, text.encode("utf-8"))
