"""Stage 3: validated data to frozen, typed values. Markdown is rendered here, once.

An explainer is a sequence of sections in the order its author wrote them; each section is one
kind (a question, titled items, text, a timeline, people, a glossary, sources, key points, what we
know and don't), and any question may carry a deck of cards.

Two rules of the reader's page are settled here, where the text is rendered, so they hold for
every explainer, imported or written by hand:
- nothing twice: an answer that starts with its short answer (a card's detail with its summary,
  an item's text with its title, the intro with the dek) is rendered without that first sentence,
  which the page shows just above it (validate.warn_explainer tells the editor);
- a glossary term's first use in the answers links to its definition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from explainer.content.brand import DEFAULT_ACCENT, DEFAULT_ACCENT_DARK, DEFAULT_FONT, Logo, for_dark, hex_colour, make_logo
from explainer.content.cms import Editing
from explainer.content.kinds import section_id, section_kind, term_anchors
from explainer.content.language import Words
from explainer.content.markdown import Terms, lead_end, render_block, render_inline

if TYPE_CHECKING:  # the model takes the loader's documents, but needs nothing of YAML itself
    from explainer.content.parse import RawDoc


@dataclass(frozen=True, slots=True)
class Fact:
    """A labelled fact on a card ("In return", "Risks", "Cost"): the editor names the label."""

    label: str
    text_html: str


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    title: str
    summary: str
    detail_html: str | None  # what follows the summary; None when the summary says it all
    facts: tuple[Fact, ...]
    aliases: tuple[str, ...]  # ids it had before, each served as a redirect


@dataclass(frozen=True, slots=True)
class Question:
    """A question and its answer; it may carry a deck of cards, shown after the answer."""

    kind: ClassVar[str] = "question"
    id: str
    label: str | None  # the source's own heading, kept when the question rephrases it
    question: str
    short_answer: str
    answer_html: str | None  # what follows the short answer; a question with a deck may have none
    cards: tuple[Card, ...]
    after_cards_html: str | None  # text after the deck
    aliases: tuple[str, ...]

    @property
    def heading(self) -> str:
        return self.question


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    text_html: str


@dataclass(frozen=True, slots=True)
class Items:
    """A heading over titled items: lessons, steps, things to know."""

    kind: ClassVar[str] = "items"
    id: str
    heading: str
    intro_html: str | None
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Text:
    kind: ClassVar[str] = "text"
    id: str
    heading: str
    text_html: str


@dataclass(frozen=True, slots=True)
class Event:
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    event_html: str


@dataclass(frozen=True, slots=True)
class Timeline:
    kind: ClassVar[str] = "timeline"
    id: str
    heading: str | None  # None: the kind's own heading, in the page's language (words.heading_of)
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str | None
    note_html: str | None


@dataclass(frozen=True, slots=True)
class People:
    kind: ClassVar[str] = "people"
    id: str
    heading: str | None  # None: the kind's own heading, in the page's language (words.heading_of)
    people: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class Term:
    id: str  # its anchor, which the first use of the term in the answers links to
    term: str
    definition_html: str


@dataclass(frozen=True, slots=True)
class Glossary:
    kind: ClassVar[str] = "glossary"
    id: str
    heading: str | None  # None: the kind's own heading, in the page's language (words.heading_of)
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None
    publisher: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Sources:
    kind: ClassVar[str] = "sources"
    id: str
    heading: str | None  # None: the kind's own heading, in the page's language (words.heading_of)
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class KeyPoints:
    kind: ClassVar[str] = "key_points"
    id: str
    heading: str | None  # None: the kind's own heading, in the page's language (words.heading_of)
    points: tuple[str, ...]
    under_dek: bool  # shown under the headline and dek, wherever it is written


@dataclass(frozen=True, slots=True)
class Known:
    """What we know, and what we don't know yet: two lists."""

    kind: ClassVar[str] = "known"
    id: str
    heading: str | None  # None: the kind's own heading, in the page's language (words.heading_of)
    known_html: tuple[str, ...]  # each one line, no <p>
    unknown_html: tuple[str, ...]
    under_dek: bool


Section = Question | Items | Text | Timeline | People | Glossary | Sources | KeyPoints | Known


@dataclass(frozen=True, slots=True)
class Change:
    """A dated update or correction, shown on the page: newsrooms say what changed and when."""

    date: dt.date
    kind: str  # "update" or "correction"
    text_html: str


@dataclass(frozen=True, slots=True)
class Explainer:
    slug: str
    title: str
    dek: str
    published: dt.date
    updated: dt.date | None
    changes: tuple[Change, ...]  # as the file lists them; plan/ orders them for display
    attribution: str | None
    image_credit: str | None
    intro_html: str | None
    sections: tuple[Section, ...]  # in the order written: the page, its contents and its pager follow it
    aliases: tuple[str, ...]  # slugs it was published under before, each served as redirects
    language: str | None  # its own language tag, when it is not the site's
    source_file: str  # the YAML file it came from, for messages
    digest: str  # of that file's bytes: pages built from it change only when it does
    draft: bool = False  # held back from the built site unless the build asks for drafts
    # The date and time given with `published`, when one is: aware if written with an offset,
    # naive if in the site's timezone; None for a date alone. Only the build's schedule reads it.
    published_at: dt.datetime | None = None
    topics: tuple[str, ...] = ()  # the topics' names, as written
    translation_of: str | None = None  # the slug of the explainer it translates

    @property
    def questions(self) -> tuple[Question, ...]:
        """Its questions, in reading order: each has a page and an embed."""
        return tuple(s for s in self.sections if isinstance(s, Question))

    @property
    def cards(self) -> tuple[tuple[Question, Card], ...]:
        """Every card of every deck, in reading order, with the question whose deck holds it."""
        return tuple((q, c) for q in self.questions for c in q.cards)

    @property
    def timelines(self) -> tuple[Timeline, ...]:
        return tuple(s for s in self.sections if isinstance(s, Timeline))


@dataclass(frozen=True, slots=True)
class Publisher:
    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Brand:
    """How the default theme shows the site: the defaults, or the site file's `brand`."""

    accent: str  # #rrggbb, on light pages
    accent_dark: str  # #rrggbb, on dark pages
    font_css: str  # a CSS font stack, checked by the schema to hold only names, quotes and commas
    footer_html: str | None  # None: "Published by <publisher>."
    logo: Logo | None


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    base_url: str  # absolute, ends in "/"
    language: str
    publisher: Publisher
    cname: str | None  # custom domain for GitHub Pages, written to site/CNAME
    digest: str  # of the site file, its logo and the base URL: every page shows them
    brand: Brand = Brand(DEFAULT_ACCENT, DEFAULT_ACCENT_DARK, DEFAULT_FONT, None, None)
    words: Words = Words()  # the theme's words in each language, with the project's laid over them
    timezone: str = "UTC"  # an IANA zone: where a publication date or time without an offset is
    per_page: int = 20  # explainers on each page of the index and of each topic
    search: bool = True  # a Pagefind index, and a search box on the index, topic and 404 pages
    editing: Editing | None = None  # the editing page's settings, when the site publishes one at admin/

    @property
    def base_path(self) -> str:
        """The path part of base_url: "/" at a domain's root, "/repo/" for a project site."""
        rest = self.base_url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def _text(value: str | None) -> str | None:
    return value.strip() if value is not None else None


def _block(value: str | None, terms: Terms | None = None) -> str | None:
    return render_block(value, terms) if value is not None else None


def after_lead(text: str | None, lead: str) -> str | None:
    """Markdown text without its first sentence when that sentence is `lead`, which the page shows
    just above it; None when nothing is left. (validate.warn_explainer names each case.)"""
    end = lead_end(text, lead) if text is not None else None
    if end is None:
        return text
    rest = text[end:].strip()  # type: ignore[index]
    return rest or None


def _rendered(text: str | None, lead: str, terms: Terms) -> str | None:
    return _block(after_lead(text, lead), terms)


def _card(d: dict[str, Any], terms: Terms) -> Card:
    summary = d["summary"].strip()
    detail = _rendered(d.get("detail"), summary, terms)
    facts = tuple(Fact(f["label"].strip(), render_block(f["text"], terms)) for f in d.get("facts", ()))
    return Card(d["id"], d["title"].strip(), summary, detail, facts, tuple(d.get("aliases", ())))


def _heading(d: dict[str, Any]) -> str | None:
    return d["heading"].strip() if "heading" in d else None


def _item(d: dict[str, Any], terms: Terms) -> Item:
    title = d["title"].strip()
    # An item whose text only repeats its title keeps it: the text is what a reader reads.
    return Item(title, _rendered(d["text"], title, terms) or render_block(d["text"], terms))


def _section(d: dict[str, Any], index: int, terms: Terms) -> Section:
    # Markdown is rendered in reading order, so each glossary term links from its first use.
    kind = section_kind(d)
    ident = section_id(d, index)
    if kind == "question":
        short = d["short_answer"].strip()
        answer = _rendered(d.get("answer"), short, terms)
        cards = tuple(_card(c, terms) for c in d.get("cards", ()))
        return Question(ident, _text(d.get("label")), d["question"].strip(), short, answer, cards, _block(d.get("after_cards"), terms), tuple(d.get("aliases", ())))
    if kind == "items":
        intro = _block(d.get("intro"), terms)
        return Items(ident, d["heading"].strip(), intro, tuple(_item(i, terms) for i in d["items"]))
    if kind == "text":
        return Text(ident, d["heading"].strip(), render_block(d["text"], terms))
    if kind == "timeline":
        return Timeline(ident, _heading(d), tuple(Event(e["date"], render_inline(e["event"])) for e in d["timeline"]))
    if kind == "people":
        return People(ident, _heading(d), tuple(Person(p["name"].strip(), _text(p.get("role")), _block(p.get("note"))) for p in d["people"]))
    if kind == "glossary":
        return Glossary(ident, _heading(d), tuple(Term(a, t["term"].strip(), render_block(t["definition"])) for a, t in zip(term_anchors(d, index), d["glossary"])))
    if kind == "sources":
        return Sources(ident, _heading(d), tuple(Source(s["title"].strip(), s.get("url"), _text(s.get("publisher")), _text(s.get("note"))) for s in d["sources"]))
    if kind == "key_points":
        return KeyPoints(ident, _heading(d), tuple(p.strip() for p in d["key_points"]), d.get("under_dek", False))
    if kind == "known":
        return Known(ident, _heading(d), tuple(render_inline(k) for k in d["known"]), tuple(render_inline(u) for u in d["unknown"]), d.get("under_dek", False))
    raise ValueError(f"not a section of a validated explainer: {sorted(d)}")


def _terms(sections: list[dict[str, Any]]) -> Terms:
    """The explainer's glossary terms and their anchors, before any text that may use them is rendered."""
    return Terms((t["term"], anchor) for i, s in enumerate(sections) if section_kind(s) == "glossary" for t, anchor in zip(s["glossary"], term_anchors(s, i)))


def build_explainer(doc: RawDoc) -> Explainer:
    """A validated explainer document as an Explainer."""
    d = doc.data
    terms = _terms(d["sections"])
    intro = _rendered(d.get("intro"), d["dek"].strip(), terms)  # the intro comes first in reading order
    return Explainer(
        slug=d["slug"],
        title=d["title"].strip(),
        dek=d["dek"].strip(),
        published=dt.date.fromisoformat(d["published"][:10]),
        updated=dt.date.fromisoformat(d["updated"]) if "updated" in d else None,
        changes=tuple(Change(dt.date.fromisoformat(c["date"]), c["kind"], render_block(c["text"])) for c in d.get("changes", ())),
        attribution=_text(d.get("attribution")),
        image_credit=_text(d.get("image_credit")),
        intro_html=intro,
        sections=tuple(_section(section, i, terms) for i, section in enumerate(d["sections"])),
        aliases=tuple(d.get("aliases", ())),
        language=d.get("language"),
        source_file=doc.path,
        digest=doc.digest,
        draft=d.get("draft", False),
        published_at=dt.datetime.fromisoformat(d["published"]) if len(d["published"]) > 10 else None,
        topics=tuple(t.strip() for t in d.get("topics", ())),
        translation_of=d.get("translation_of"),
    )


def build_site(site: RawDoc, base_url: str | None = None, logo: bytes | None = None, words: Words | None = None, schema: str = "") -> Site:
    """The validated site file as a Site; base_url, when given, overrides the file's. `logo` is
    the bytes of the logo file the site file names, checked already (validate.site_rules);
    `words` the theme's and the project's words (words.load_words); `schema` what a content
    file's first line names, for the editing page to keep."""
    words = words or Words()
    d = site.data
    publisher = d["publisher"]
    base = base_url or d["base_url"]
    brand = d.get("brand", {})
    accent = hex_colour(brand["accent"]) if "accent" in brand else DEFAULT_ACCENT
    dark = hex_colour(brand["accent_dark"]) if "accent_dark" in brand else (for_dark(accent) if "accent" in brand else DEFAULT_ACCENT_DARK)
    logo_digest = hashlib.sha256(logo).hexdigest() if logo is not None else ""
    return Site(
        name=d["name"].strip(),
        base_url=base,
        language=d["language"],
        publisher=Publisher(publisher["name"].strip(), publisher.get("url")),
        cname=d.get("cname"),
        digest=hashlib.sha256(f"{site.digest} {logo_digest} {base} {words.digest}".encode()).hexdigest(),
        brand=Brand(accent, dark, brand.get("font", DEFAULT_FONT).strip(), _block(brand.get("footer")), make_logo(logo) if logo is not None else None),
        words=words,
        timezone=d.get("timezone", "UTC"),
        per_page=d.get("per_page", 20),
        search=d.get("search", True),
        editing=Editing(d["editing"]["repo"], d["editing"].get("branch", "main"), d["editing"].get("app", "sveltia"), schema) if "editing" in d else None,
    )
