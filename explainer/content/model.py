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
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from explainer.content.brand import DEFAULT_ACCENT, DEFAULT_ACCENT_DARK, DEFAULT_FONT, Logo, for_dark, hex_colour, make_logo
from explainer.content.cms import Editing
from explainer.content.dates import parse_moment
from explainer.content.kinds import section_id, section_kind, term_anchors
from explainer.content.language import Words
from explainer.content.markdown import Terms, lead_end, render_block, render_inline
from explainer.content.pictures import Judged, Picture, PictureReader, PictureStamp, picture_folder
from explainer.core.digest import digest
from explainer.errors import BuildError

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
    image: Picture | None = None  # its own picture, shown with it and on its social image


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
    image: Picture | None = None  # its own picture, shown with it and on its social image

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
class Author:
    """Someone who wrote an explainer, as its byline and its structured data name them."""

    name: str
    url: str | None  # their page: the byline links it, and search engines read it
    role: str | None  # what they did, when the byline says it ("Graphics")


@dataclass(frozen=True, slots=True)
class Change:
    """A dated update or correction, shown on the page: newsrooms say what changed and when."""

    date: dt.date  # a datetime, with its zone, when the editor gave a time (content/dates.py)
    kind: str  # "update" or "correction"
    text_html: str


@dataclass(frozen=True, slots=True)
class Explainer:
    slug: str
    title: str
    dek: str
    published: dt.date  # a datetime, with its zone, when the editor gave a time (content/dates.py)
    updated: dt.date | None
    changes: tuple[Change, ...]  # as the file lists them; plan/ orders them for display
    attribution: str | None  # a byline as one line of text; None when authors name them
    authors: tuple[Author, ...]  # in the byline's order
    image: Picture | None  # the lead picture
    intro_html: str | None
    sections: tuple[Section, ...]  # in the order written: the page, its contents and its pager follow it
    aliases: tuple[str, ...]  # slugs it was published under before, each served as redirects
    language: str | None  # its own language tag, when it is not the site's
    source_file: str  # the YAML file it came from, for messages
    digest: str  # of that file's bytes and of every picture it shows: pages built from it change only when one does
    pictures: tuple[Picture, ...] = ()  # every picture it shows (lead, questions', cards', in Markdown), each once, in file order
    draft: bool = False  # held back from the built site unless the build asks for drafts
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
    per_page: int = 20  # explainers on each page of the index and of each topic
    search: bool = True  # a Pagefind index, and a search box on the index, topic and 404 pages
    editing: Editing | None = None  # the editing page's settings, when the site publishes one at admin/
    authors: Mapping[str, Author] = field(default_factory=dict)  # the newsroom's authors, by the id explainers name them with
    time_zone: str | None = None  # the zone of a time content writes without one, and of a date's release (UTC when None)

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


def _heading(d: dict[str, Any]) -> str | None:
    return d["heading"].strip() if "heading" in d else None


class _Builder:
    """Turns one validated explainer document into model values: its Markdown rendered once, in
    reading order (so each glossary term links from its first use), each text at its path in the
    file so a picture in it can be shown or refused at its line."""

    def __init__(self, pictures: PictureReader, terms: Terms):
        self.pictures = pictures
        self.terms = terms

    def md(self, text: str, *path: str | int) -> str:
        return render_block(text, self.terms, self.pictures.markdown(list(path)))

    def md_or_none(self, d: dict[str, Any], key: str, *path: str | int) -> str | None:
        return self.md(d[key], *path, key) if key in d else None

    def plain(self, text: str, *path: str | int) -> str:
        """Markdown that links no glossary term: a definition, a person's note, a change."""
        return render_block(text, None, self.pictures.markdown(list(path)))

    def after(self, d: dict[str, Any], key: str, lead: str, *path: str | int) -> str | None:
        """A text without its first sentence when that sentence is `lead`, shown just above it."""
        text = after_lead(d.get(key), lead)
        return self.md(text, *path, key) if text is not None else None

    def card(self, d: dict[str, Any], *at: str | int) -> Card:
        summary = d["summary"].strip()
        facts = tuple(Fact(f["label"].strip(), self.md(f["text"], *at, "facts", n, "text")) for n, f in enumerate(d.get("facts", ())))
        return Card(d["id"], d["title"].strip(), summary, self.after(d, "detail", summary, *at), facts, tuple(d.get("aliases", ())),
                    self.pictures.field(d.get("image"), [*at, "image"]))

    def item(self, d: dict[str, Any], *at: str | int) -> Item:
        title = d["title"].strip()
        # An item whose text only repeats its title keeps it: the text is what a reader reads.
        return Item(title, self.after(d, "text", title, *at) or self.md(d["text"], *at, "text"))

    def section(self, d: dict[str, Any], index: int) -> Section:
        kind = section_kind(d)
        ident = section_id(d, index)
        at = ("sections", index)
        if kind == "question":
            short = d["short_answer"].strip()
            answer = self.after(d, "answer", short, *at)
            cards = tuple(self.card(c, *at, "cards", n) for n, c in enumerate(d.get("cards", ())))
            return Question(ident, _text(d.get("label")), d["question"].strip(), short, answer,
                            cards, self.md_or_none(d, "after_cards", *at), tuple(d.get("aliases", ())), self.pictures.field(d.get("image"), [*at, "image"]))
        if kind == "items":
            intro = self.md_or_none(d, "intro", *at)
            return Items(ident, d["heading"].strip(), intro, tuple(self.item(i, *at, "items", n) for n, i in enumerate(d["items"])))
        if kind == "text":
            return Text(ident, d["heading"].strip(), self.md(d["text"], *at, "text"))
        if kind == "timeline":
            return Timeline(ident, _heading(d), tuple(Event(e["date"], render_inline(e["event"])) for e in d["timeline"]))
        if kind == "people":
            people = tuple(Person(p["name"].strip(), _text(p.get("role")), self.plain(p["note"], *at, "people", n, "note") if "note" in p else None)
                           for n, p in enumerate(d["people"]))
            return People(ident, _heading(d), people)
        if kind == "glossary":
            terms = tuple(Term(a, t["term"].strip(), self.plain(t["definition"], *at, "glossary", n, "definition"))
                          for n, (a, t) in enumerate(zip(term_anchors(d, index), d["glossary"])))
            return Glossary(ident, _heading(d), terms)
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


def _author(d: str | dict[str, Any], site: Site | None) -> Author:
    if isinstance(d, str):
        # Checked against the site's authors (validate.py); with no site (its file has mistakes of
        # its own, and nothing is published), the id stands for the name.
        return site.authors[d] if site is not None else Author(d, None, None)
    return Author(d["name"].strip(), d.get("url"), _text(d.get("role")))


def build_explainer(doc: RawDoc, site: Site | None = None, root: Path | None = None, *, stamps: list[PictureStamp] | None = None) -> Explainer:
    """A validated explainer document as an Explainer, in the site it is built for (whose authors
    it may name by id, and whose time zone and base path its dates and pictures take).

    Its pictures are read from the project at root: raises BuildError with one line per picture
    that cannot be shown (and with none when there is no root, so no picture can be read). Each
    picture's path, stamp (as it was before it was read) and digest are added to `stamps`, for the
    next build to tell whether it changed.
    """
    d = doc.data
    zone = site.time_zone if site is not None else None
    base_path = site.base_path if site is not None else "/"
    pictures = PictureReader(root, doc, base_path + picture_folder(d["slug"]))
    build = _Builder(pictures, _terms(d["sections"]))
    intro = build.after(d, "intro", d["dek"].strip())  # the intro comes first in reading order
    changes = tuple(Change(parse_moment(c["date"], zone), c["kind"], build.plain(c["text"], "changes", n, "text")) for n, c in enumerate(d.get("changes", ())))
    explainer = Explainer(
        slug=d["slug"],
        title=d["title"].strip(),
        dek=d["dek"].strip(),
        published=parse_moment(d["published"], zone),
        updated=parse_moment(d["updated"], zone) if "updated" in d else None,
        changes=changes,
        attribution=_text(d.get("attribution")),
        authors=tuple(_author(a, site) for a in d.get("authors", ())),
        image=pictures.field(d.get("image"), ["image"]),
        intro_html=intro,
        sections=tuple(build.section(section, i) for i, section in enumerate(d["sections"])),
        aliases=tuple(d.get("aliases", ())),
        language=d.get("language"),
        source_file=doc.path,
        digest=doc.digest,
        draft=d.get("draft", False),
        topics=tuple(t.strip() for t in d.get("topics", ())),
        translation_of=d.get("translation_of"),
    )
    if pictures.errors:
        if stamps is not None:  # each picture it names, as never read: the next build looks at them again
            stamps.extend(PictureStamp(src, (0, 0, 0), "") for src in pictures.judged)
        raise BuildError(pictures.errors)
    used = tuple(pictures.used.values())
    if stamps is not None:
        stamps.extend(PictureStamp(p.src, judged.stamp, judged.digest) for p in used if isinstance(judged := pictures.judged[p.src], Judged))
    # Pages show the pictures' sizes and their files' names: they change when a picture's bytes do.
    return replace(explainer, pictures=used, digest=digest(doc.digest, *(f"{p.src}\0{p.digest}" for p in used))) if used else explainer


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
        per_page=d.get("per_page", 20),
        search=d.get("search", True),
        editing=Editing(d["editing"]["repo"], d["editing"].get("branch", "main"), d["editing"].get("app", "sveltia"), schema) if "editing" in d else None,
        authors={ident: Author(a["name"].strip(), a.get("url"), _text(a.get("role"))) for ident, a in d.get("authors", {}).items()},
        time_zone=d.get("time_zone"),
    )
