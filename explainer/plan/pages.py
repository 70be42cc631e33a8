"""Stage 4: decide every page of the site: where it goes, which template, what it shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from explainer.content.dates import instant, latest
from explainer.content.kinds import UNDER_DEK
from explainer.content.language import Language, heading_of, language
from explainer.content.model import Author, Card, Event, Explainer, Question, Section, Site, Timeline
from explainer.content.pictures import Picture
from explainer.core.digest import digest


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
    published: dt.date  # a datetime, with its zone, when the editor gave a time
    updated: dt.date | None
    attribution: str | None
    modified: dt.date  # the latest of published, updated and every change's date (or moment)
    urls: tuple[str, ...]  # its pages a search engine should list, below the base path: its own first
    embeds: tuple[str, ...] = ()  # the ids of its embeds, so an old slug can lead to each
    aliases: tuple[str, ...] = ()  # slugs it had before, each served as redirects
    renamed: tuple[tuple[str, str], ...] = ()  # (old id, id) of its questions and cards, for the same
    language: str | None = None  # its own language tag, when it is not the site's
    authors: tuple[Author, ...] = ()  # its byline's authors
    image: Picture | None = None  # its lead picture
    # When it may be published, in UTC: `published` (a date's first moment in the site's time
    # zone, or the moment given). Newest first means latest release first.
    release: dt.datetime | None = None
    draft: bool = False
    topics: tuple[str, ...] = ()  # the topics' names, as written
    translation_of: str | None = None  # the slug (or old slug) of the explainer it translates

    @property
    def released(self) -> dt.datetime:
        """When it may be published: its release, or the moment (a date's first, in UTC) it was published."""
        return self.release or instant(self.published)


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class TocEntry:
    anchor: str
    label: str
    number: int | None  # a question's number among the questions ("3" of "question 3 of 5"); None for other sections


@dataclass(frozen=True, slots=True)
class Position:
    """Where a question stands among the explainer's questions, or a card in its deck: 3 of 5."""

    number: int
    total: int


@dataclass(frozen=True, slots=True)
class Moment:
    """An event of a timeline as the page shows it."""

    event: Event
    upcoming: bool  # dated after the explainer's latest date: still to come when it was last written
    first_upcoming: bool  # the first such: the page marks where the explainer stands before it


@dataclass(frozen=True, slots=True)
class Year:
    """A timeline's events of one year, oldest first."""

    year: str
    moments: tuple[Moment, ...]


def explainer_url(explainer: Explainer | Summary) -> str:
    return f"{explainer.slug}/"


def partner_url(explainer: Explainer | Summary) -> str:
    """The page for partners that holds the codes to embed each of the explainer's items."""
    return f"{explainer.slug}/embed/"


def item_url(explainer: Explainer, item_id: str) -> str:
    """A question's or a card's page. One scheme for both, naming neither: an item keeps its
    address if an editor turns a question into a card, and no topic's words are in it."""
    return f"{explainer.slug}/{item_id}/"


def language_of(site: Site, explainer: Explainer | Summary | None = None) -> Language:
    """The language of an explainer's pages: its own, else the site's (the site's own pages: the site's)."""
    return language((explainer.language if explainer is not None else None) or site.language, site.words)


def last_modified(explainer: Explainer) -> dt.date:
    """The explainer's latest date or moment: published, updated or any change, whichever is latest."""
    return latest((explainer.published, explainer.updated or explainer.published, *(c.date for c in explainer.changes)))


def under_dek(section: Section) -> bool:
    """Whether a section is shown under the headline and dek rather than where it is written."""
    return section.kind in UNDER_DEK and bool(getattr(section, "under_dek", False))


def positions(explainer: Explainer) -> dict[str, Position]:
    """Each question's place among the questions, and each card's in its deck, by id."""
    questions = explainer.questions
    out = {q.id: Position(n, len(questions)) for n, q in enumerate(questions, 1)}
    for question in questions:
        out.update((card.id, Position(n, len(question.cards))) for n, card in enumerate(question.cards, 1))
    return out


def _toc(explainer: Explainer, lang: Language) -> tuple[TocEntry, ...]:
    """The table of contents: every section of the body, in the order written, questions numbered."""
    numbers = positions(explainer)
    return tuple(TocEntry(s.id, heading_of(s, lang.gettext), numbers[s.id].number if isinstance(s, Question) else None)
                 for s in explainer.sections if not under_dek(s))


def _first_day(date: str) -> dt.date:
    """The first day a date written as a year, month or day can mean."""
    parts = [int(p) for p in date.split("-")] + [1, 1]
    return dt.date(*parts[:3])


def timeline_years(timeline: Timeline, as_of: dt.date) -> tuple[Year, ...]:
    """A timeline's events grouped by year, each marked upcoming when even its first possible day
    comes after `as_of`, the explainer's latest date. Measured against the content's own date, not
    the day of the build, so a page reads the same whenever it is built (and says as of when)."""
    years: dict[str, list[Moment]] = {}
    seen_upcoming = False
    for event in timeline.events:
        upcoming = _first_day(event.date) > as_of
        years.setdefault(event.date[:4], []).append(Moment(event, upcoming, upcoming and not seen_upcoming))
        seen_upcoming = seen_upcoming or upcoming
    return tuple(Year(year, tuple(moments)) for year, moments in years.items())


def timelines_of(explainer: Explainer) -> dict[str, tuple[Year, ...]]:
    """Each timeline's years, by the timeline's id."""
    as_of = last_modified(explainer)
    return {t.id: timeline_years(t, as_of) for t in explainer.timelines}


def _page(url: str, template: str, key: str, **context: Any) -> Page:
    path = url + "index.html" if url.endswith("/") or not url else url
    return Page(path, url, template, key, context)


def _neighbours(links: list[Link], i: int) -> dict[str, Link | None]:
    return {"previous": links[i - 1] if i else None, "next": links[i + 1] if i + 1 < len(links) else None}


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old address that leads to a new one: a small page with a canonical link, a refresh and a
    plain link. URLs are below the base path, like Page.url."""

    url: str  # the old address
    target: str
    title: str
    oembed_url: str | None = None  # the new item's oEmbed response, for consumers that discover by the old address


def redirect_page(redirect: Redirect, key: str) -> Page:
    """The page at an old address. It changes only when what it leads to does."""
    return _page(redirect.url, "redirect.html", digest(key, redirect.target, redirect.title, redirect.oembed_url or ""), redirect=redirect)


SOCIAL_IMAGE = "social.png"
SOCIAL_PHOTO = "social.jpg"  # a social image showing a picture: a JPEG, as a PNG of a photograph would be large
# The size Open Graph and Twitter's large summary card both show without cropping.
SOCIAL_IMAGE_SIZE = (1200, 630)


def social_picture(explainer: Explainer, item: Question | Card | None = None) -> Picture | None:
    """The picture an item's social image shows: its own, else the explainer's lead picture; None for none."""
    return item.image if item is not None and item.image is not None else explainer.image


def social_image_url(explainer: Explainer, item: Question | Card | None = None) -> str:
    """The URL (below the base path) of the explainer's social image, or of one question's or card's:
    a PNG, or a JPEG when it shows a picture."""
    name = SOCIAL_PHOTO if social_picture(explainer, item) is not None else SOCIAL_IMAGE
    return (item_url(explainer, item.id) if item else explainer_url(explainer)) + name


def item_urls(explainer: Explainer) -> dict[str, str]:
    """Each question's and card's page, by its id, in reading order."""
    urls = {}
    for question in explainer.questions:
        urls[question.id] = item_url(explainer, question.id)
        urls.update((card.id, item_url(explainer, card.id)) for card in question.cards)
    return urls


def aliases_of(explainer: Explainer) -> list[tuple[str, Question | Card]]:
    """Each old id a question or card had, with the item it now names."""
    items: list[Question | Card] = [*explainer.questions, *(card for _, card in explainer.cards)]
    return [(alias, item) for item in items for alias in item.aliases]


def item_title(item: Question | Card) -> str:
    return item.question if isinstance(item, Question) else item.title


def plan_explainer(site: Site, explainer: Explainer) -> list[Page]:
    """The explainer's own page and one page per question and per card; they depend on it and the
    site file only. (embeds.py adds the embeds, and the redirects from old ids.)

    Question pages lead to the previous and next question in the order written; card pages to
    the previous and next card of their deck.
    """
    key = digest(site.digest, explainer.digest)
    home = explainer_url(explainer)
    urls = item_urls(explainer)
    numbers = positions(explainer)
    shared = {"explainer": explainer, "urls": urls, "positions": numbers, "partner_url": partner_url(explainer)}
    top = tuple(s for s in explainer.sections if under_dek(s))
    body = tuple(s for s in explainer.sections if not under_dek(s))
    pages = [_page(home, "explainer.html", key, **shared, toc=_toc(explainer, language_of(site, explainer)), under_dek=top, body=body,
                   timelines=timelines_of(explainer), as_of=last_modified(explainer))]
    question_links = [Link(q.question, urls[q.id]) for q in explainer.questions]
    for i, question in enumerate(explainer.questions):
        pages.append(_page(urls[question.id], "question.html", key, **shared, explainer_url=home, question=question, **_neighbours(question_links, i)))
        card_links = [Link(c.title, urls[c.id]) for c in question.cards]
        for n, card in enumerate(question.cards):
            pages.append(_page(urls[card.id], "card.html", key, **shared, explainer_url=home, question=question, card=card, **_neighbours(card_links, n)))
    return pages


def newest_first(summaries: Iterable[Summary]) -> tuple[Summary, ...]:
    """Explainers by when they are published, newest first (a date counts from its first moment in
    the site's time zone); ties by title, then slug, so the order never wobbles."""
    return tuple(sorted(summaries, key=lambda e: (-e.released.timestamp(), e.title, e.slug)))
