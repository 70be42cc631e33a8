"""Stage 4, continued: what an explainer's pages show of the other explainers, the one thing they
depend on beyond their own file, the site file, the templates and the code.

- **Related explainers**, at the end of its page: those sharing the most topics with it, newest
  first among equals, then the site's newest, never itself or its translations.
- **Translations**: an explainer names the one it translates (`translation_of`); the original and
  its translations are one group, and each page of each links the others (hreflang alternates, and
  a language switch in each language's own words).
- Its **status**, when it is built before it is published (a draft, or dated in the future), for
  the banner its pages then carry.

All of it is computed in the build's parent process from every explainer's summary, once they
are all checked, as one value per explainer (Connections). Its digest is part of that
explainer's pages' keys: an edit to one explainer re-renders another's pages only when what they
show of it changed (its title in a related list, say), never for an edit to its answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from explainer.content.language import native_name
from explainer.content.slugs import topic_slug
from explainer.core.digest import digest
from explainer.plan.pages import Summary, explainer_url
from explainer.plan.schedule import Status, status_of

# How many related explainers end an explainer's page: a row of cards, not a second index.
RELATED = 4


@dataclass(frozen=True, slots=True)
class Teaser:
    """Another explainer as a link: in a related list, and on the 404 page."""

    title: str
    dek: str
    url: str  # its page, below the base path
    published: dt.date
    language: str | None  # its own language, when not the site's: the link is marked with it


@dataclass(frozen=True, slots=True)
class Translation:
    """Another language's version of an explainer."""

    tag: str  # its language, for hreflang and lang
    name: str  # the language's name in its own words: "Français"
    slug: str
    items: frozenset[str]  # the ids of its question and card pages

    def url(self, item: str | None = None) -> str:
        """Its page for an item (a question or card id; None: the explainer), or, when it has no
        page of that id, its explainer page."""
        return f"{self.slug}/{item}/" if item is not None and item in self.items else f"{self.slug}/"

    def same(self, item: str | None) -> bool:
        """Whether it has a page of the same item, which hreflang may then name as an alternate."""
        return item is None or item in self.items


@dataclass(frozen=True, slots=True)
class Alternate:
    """A page's version in one language: `<link rel="alternate" hreflang>`, or a language switch's link."""

    tag: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Connections:
    """What an explainer's pages show beyond their own file. Small, and computed in the parent."""

    language: str  # its own language (the site's when it names none)
    related: tuple[Teaser, ...] = ()
    translations: tuple[Translation, ...] = ()  # its other versions, by language tag
    status: Status | None = None  # why it is not published yet, when this build builds it anyway

    @property
    def key(self) -> str:
        """Of everything here: equal keys, equal pages."""
        return digest(repr(self))

    def item_key(self, item: str | None) -> str:
        """Of what a question's or card's page shows of it (its status and its alternates)."""
        return digest(repr(self.status), *(f"{t.tag}\0{t.name}\0{t.url(item)}\0{t.same(item)}" for t in self.translations))

    def alternates(self, own_url: str, item: str | None = None) -> tuple[Alternate, ...]:
        """hreflang alternates for one of its pages: the page itself and each translation's page of
        the same item; none when it has no translation, or none of them has that item."""
        others = tuple(Alternate(t.tag, t.name, t.url(item)) for t in self.translations if t.same(item))
        return (Alternate(self.language, native_name(self.language), own_url), *others) if others else ()

    def switch(self, item: str | None = None) -> tuple[Alternate, ...]:
        """The language switch of one of its pages: each translation, at its page of the same item
        if it has one, else at its explainer page."""
        return tuple(Alternate(t.tag, t.name, t.url(item)) for t in self.translations)


def teaser(summary: Summary, site_language: str) -> Teaser:
    own = summary.language if summary.language and summary.language != site_language else None
    return Teaser(summary.title, summary.dek, explainer_url(summary), summary.published, own)


def _lowest(mask: int, count: int) -> list[int]:
    """The positions of the lowest `count` set bits: the newest explainers of a set."""
    found = []
    while mask and len(found) < count:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


def _counted(masks: Iterable[int]) -> list[int]:
    """The bits of, for each explainer, how many of the masks hold it: planes[j] holds bit j of
    that count (a ripple-carry adder over whole sets at once, so no explainer is visited)."""
    planes: list[int] = []
    for mask in masks:
        carry = mask
        for j, plane in enumerate(planes):
            planes[j], carry = plane ^ carry, plane & carry
            if not carry:
                break
        if carry:
            planes.append(carry)
    return planes


def _exactly(planes: list[int], n: int, everyone: int) -> int:
    """The explainers counted exactly n times."""
    if n >> len(planes):
        return 0
    mask = everyone
    for j, plane in enumerate(planes):
        mask &= plane if n >> j & 1 else everyone ^ plane
    return mask


def related_lists(newest: Sequence[Summary], groups: dict[str, str], count: int = RELATED) -> dict[str, tuple[int, ...]]:
    """Each explainer's related explainers, as positions in `newest` (newest first): those sharing
    the most topics first, newest first among equals, then the newest of the rest; never itself
    or another version of it (`groups`: each slug's translation group).

    Sets of explainers are whole numbers, one bit per explainer in newest-first order, so finding
    the newest of a set is finding its lowest bit, and a site of 10,000 explainers takes a
    fraction of a second however its topics overlap."""
    everyone = (1 << len(newest)) - 1
    topic_masks: dict[str, int] = {}
    group_masks: dict[str, int] = {}
    for position, summary in enumerate(newest):
        for slug in {topic_slug(name) for name in summary.topics}:
            topic_masks[slug] = topic_masks.get(slug, 0) | 1 << position
        group_masks[groups[summary.slug]] = group_masks.get(groups[summary.slug], 0) | 1 << position
    lists = {}
    for summary in newest:
        left = everyone & ~group_masks[groups[summary.slug]]
        chosen: list[int] = []
        slugs = {topic_slug(name) for name in summary.topics}
        planes = _counted(topic_masks[slug] for slug in sorted(slugs))
        for shared in range(len(slugs), 0, -1):
            chosen += _lowest(_exactly(planes, shared, everyone) & left, count - len(chosen))
            if len(chosen) == count:
                break
        for position in chosen:
            left &= ~(1 << position)
        chosen += _lowest(left, count - len(chosen))
        lists[summary.slug] = tuple(chosen)
    return lists


def translation_groups(summaries: Iterable[Summary]) -> dict[str, str]:
    """Each explainer's translation group, named by the original's slug: an explainer's own slug,
    or that of the explainer its `translation_of` names (by a slug or an old one)."""
    summaries = tuple(summaries)
    owner = {name: s.slug for s in summaries for name in (*s.aliases, s.slug)}
    return {s.slug: owner.get(s.translation_of, s.translation_of) if s.translation_of else s.slug for s in summaries}


def connect(newest: Sequence[Summary], everyone: Iterable[Summary], site_language: str, now: dt.datetime) -> dict[str, Connections]:
    """What each published explainer's pages show of the others, by slug. `newest` holds the
    explainers this build publishes, newest first; `everyone` every explainer, published or not
    (a translation names its original by slug even while the original is held back)."""
    groups = translation_groups(everyone)
    versions: dict[str, list[Summary]] = {}
    for summary in newest:
        versions.setdefault(groups[summary.slug], []).append(summary)
    related = related_lists(newest, groups)
    out = {}
    for summary in newest:
        language = summary.language or site_language
        others = sorted((s for s in versions[groups[summary.slug]] if s is not summary), key=lambda s: ((s.language or site_language).lower(), s.slug))
        translations = tuple(Translation(s.language or site_language, native_name(s.language or site_language), s.slug,
                                         frozenset(url[len(s.slug) + 1:-1] for url in s.urls if url != explainer_url(s))) for s in others)
        out[summary.slug] = Connections(language, tuple(teaser(newest[i], site_language) for i in related[summary.slug]), translations,
                                        status_of(summary, now))
    return out
