"""Stage 4: decide every page of the site: where it goes, which template, what it shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .inputs import digest
from .model import Explainer, Site


@dataclass(frozen=True, slots=True)
class Page:
    """One output file. `path` is relative to site/; `url` is relative to the base path.

    `key` digests the content the page is made from: while it and the page's templates are
    unchanged, the page is not rendered again.
    """

    path: str
    url: str
    template: str
    key: str
    context: dict[str, Any] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Summary:
    """What the site's own pages (index, feed, sitemap) show of one explainer.

    It is all a build keeps of an explainer once its pages are written, so a large site is never
    held in memory whole, and an explainer whose file is unchanged need not be read again.
    """

    slug: str
    title: str
    dek: str
    published: dt.date
    updated: dt.date | None
    attribution: str | None
    modified: dt.date  # the latest of published, updated and every change's date
    urls: tuple[str, ...]  # its pages a search engine should list, below the base path


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class TocEntry:
    anchor: str
    label: str


def explainer_url(explainer: Explainer | Summary) -> str:
    return f"{explainer.slug}/"


def question_url(explainer: Explainer, question_id: str) -> str:
    return f"{explainer.slug}/questions/{question_id}/"


def card_url(explainer: Explainer, card_id: str) -> str:
    return f"{explainer.slug}/offers/{card_id}/"


def _toc(explainer: Explainer) -> tuple[TocEntry, ...]:
    """The table of contents, in page order; empty sections are left out."""
    entries = [TocEntry(q.id, q.question) for q in explainer.questions]
    if explainer.offers:
        entries.append(TocEntry("offers", explainer.offers.heading))
    if explainer.lessons:
        entries.append(TocEntry("lessons", explainer.lessons.heading))
    for anchor, label, present in (
        ("timeline", "Timeline", explainer.timeline),
        ("people", "People", explainer.people),
        ("glossary", "Glossary", explainer.glossary),
        ("sources", "Sources", explainer.sources),
    ):
        if present:
            entries.append(TocEntry(anchor, label))
    return tuple(entries)


def _page(url: str, template: str, key: str, **context: Any) -> Page:
    path = url + "index.html" if url.endswith("/") or not url else url
    return Page(path, url, template, key, context)


def _neighbours(links: list[Link], i: int) -> dict[str, Link | None]:
    return {"previous": links[i - 1] if i else None, "next": links[i + 1] if i + 1 < len(links) else None}


def plan_explainer(site: Site, explainer: Explainer) -> list[Page]:
    """The explainer's own page and one page per question and per card; they depend on it and the site file only."""
    key = digest(site.digest, explainer.digest)
    home = explainer_url(explainer)
    questions = [(q, question_url(explainer, q.id)) for q in explainer.questions]
    cards = [(c, card_url(explainer, c.id)) for c in (explainer.offers.cards if explainer.offers else ())]
    pages = [_page(home, "explainer.html", key, explainer=explainer, toc=_toc(explainer), questions=questions, cards=cards)]
    question_links = [Link(q.question, url) for q, url in questions]
    for i, (question, url) in enumerate(questions):
        pages.append(_page(url, "question.html", key, explainer=explainer, explainer_url=home, question=question, **_neighbours(question_links, i)))
    card_links = [Link(c.title, url) for c, url in cards]
    for i, (card, url) in enumerate(cards):
        pages.append(_page(url, "card.html", key, explainer=explainer, explainer_url=home, card=card, card_url=url, **_neighbours(card_links, i)))
    return pages


def newest_first(summaries: Iterable[Summary]) -> tuple[Summary, ...]:
    """Explainers by publication date, newest first; ties by title so the order never wobbles."""
    return tuple(sorted(summaries, key=lambda e: (-e.published.toordinal(), e.title, e.slug)))


def plan_index(site: Site, summaries: Iterable[Summary]) -> list[Page]:
    """The site's front page, listing every explainer, and its 404 page."""
    listing = [(e, explainer_url(e)) for e in newest_first(summaries)]
    # The index shows only these fields: an edit elsewhere in an explainer leaves it alone.
    listed = digest(site.digest, *(f"{e.slug}\0{e.title}\0{e.dek}\0{e.published}\0{e.updated}\0{e.attribution}" for e, _ in listing))
    return [_page("", "index.html", listed, explainers=listing), _page("404.html", "404.html", site.digest)]
