"""Stage 3: validated data to frozen, typed values. Markdown is rendered here, once."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from .load import RawDoc
from .markdown import render_block, render_inline


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    label: str | None  # the source's own heading, kept when the question rephrases it
    question: str
    short_answer: str
    answer_html: str


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    title: str
    summary: str
    detail_html: str
    in_return_html: str | None
    risks_html: str | None


@dataclass(frozen=True, slots=True)
class Offers:
    heading: str
    intro_html: str | None
    cards: tuple[Card, ...]
    challenges_html: str | None


@dataclass(frozen=True, slots=True)
class Lesson:
    title: str
    text_html: str


@dataclass(frozen=True, slots=True)
class Lessons:
    heading: str
    items: tuple[Lesson, ...]


@dataclass(frozen=True, slots=True)
class Event:
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    event_html: str


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str | None
    note_html: str | None


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    definition_html: str


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None
    publisher: str | None
    note: str | None


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
    changes: tuple[Change, ...]  # as the file lists them; plan.py orders them for display
    attribution: str | None
    image_credit: str | None
    intro_html: str | None
    key_points: tuple[str, ...]
    questions: tuple[Question, ...]
    offers: Offers | None
    lessons: Lessons | None
    timeline: tuple[Event, ...]
    people: tuple[Person, ...]
    glossary: tuple[Term, ...]
    sources: tuple[Source, ...]
    source_file: str  # the YAML file it came from, for messages
    digest: str  # of that file's bytes: pages built from it change only when it does


@dataclass(frozen=True, slots=True)
class Publisher:
    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    base_url: str  # absolute, ends in "/"
    language: str
    publisher: Publisher
    cname: str | None  # custom domain for GitHub Pages, written to site/CNAME
    digest: str  # of the site file and the base URL: every page shows them

    @property
    def base_path(self) -> str:
        """The path part of base_url: "/" at a domain's root, "/repo/" for a project site."""
        rest = self.base_url.split("://", 1)[1]
        return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def _text(value: str | None) -> str | None:
    return value.strip() if value is not None else None


def _block(value: str | None) -> str | None:
    return render_block(value) if value is not None else None


def _question(d: dict[str, Any]) -> Question:
    return Question(d["id"], _text(d.get("label")), d["question"].strip(), d["short_answer"].strip(), render_block(d["answer"]))


def _card(d: dict[str, Any]) -> Card:
    return Card(d["id"], d["title"].strip(), d["summary"].strip(), render_block(d["detail"]), _block(d.get("in_return")), _block(d.get("risks")))


def build_explainer(doc: RawDoc) -> Explainer:
    """A validated explainer document as an Explainer."""
    d = doc.data
    offers = d.get("offers")
    lessons = d.get("lessons")
    return Explainer(
        slug=d["slug"],
        title=d["title"].strip(),
        dek=d["dek"].strip(),
        published=dt.date.fromisoformat(d["published"]),
        updated=dt.date.fromisoformat(d["updated"]) if "updated" in d else None,
        changes=tuple(Change(dt.date.fromisoformat(c["date"]), c["kind"], render_block(c["text"])) for c in d.get("changes", ())),
        attribution=_text(d.get("attribution")),
        image_credit=_text(d.get("image_credit")),
        intro_html=_block(d.get("intro")),
        key_points=tuple(p.strip() for p in d.get("key_points", ())),
        questions=tuple(_question(q) for q in d["questions"]),
        offers=Offers(offers["heading"].strip(), _block(offers.get("intro")), tuple(_card(c) for c in offers["cards"]), _block(offers.get("challenges"))) if offers else None,
        lessons=Lessons(lessons["heading"].strip(), tuple(Lesson(i["title"].strip(), render_block(i["text"])) for i in lessons["items"])) if lessons else None,
        timeline=tuple(Event(e["date"], render_inline(e["event"])) for e in d.get("timeline", ())),
        people=tuple(Person(p["name"].strip(), _text(p.get("role")), _block(p.get("note"))) for p in d.get("people", ())),
        glossary=tuple(Term(t["term"].strip(), render_block(t["definition"])) for t in d.get("glossary", ())),
        sources=tuple(Source(s["title"].strip(), s.get("url"), _text(s.get("publisher")), _text(s.get("note"))) for s in d.get("sources", ())),
        source_file=doc.path,
        digest=doc.digest,
    )


def build_site(site: RawDoc, base_url: str | None = None) -> Site:
    """The validated site file as a Site; base_url, when given, overrides the file's."""
    d = site.data
    publisher = d["publisher"]
    base = base_url or d["base_url"]
    return Site(
        name=d["name"].strip(),
        base_url=base,
        language=d["language"],
        publisher=Publisher(publisher["name"].strip(), publisher.get("url")),
        cname=d.get("cname"),
        digest=hashlib.sha256(f"{site.digest} {base}".encode()).hexdigest(),
    )
