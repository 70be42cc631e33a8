"""Stage 4, continued: the embeddable items of each explainer and the pages that serve them.

Every card, every question and the timeline can be dropped into another site's story. Each gets
a folder `<slug>/embed/<id>/` holding the embed page (`index.html`, shown in an iframe), a
paste-ready `fragment.html` and a static oEmbed response `oembed.json`; the site gets one loader
script, `embed.js`. Pages that show an explainer also get its embeds, for their "Embed this" panels.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .model import Card, Event, Explainer, Question, Site
from .plan import Page, card_url, digest, explainer_url, question_url

LOADER_URL = "embed.js"
TIMELINE_ID = "timeline"  # a reserved id (validate.RESERVED_IDS), so no card or question can take it

# The width the oEmbed response asks for, and at which the iframe code's height is estimated.
OEMBED_WIDTH = 600
# oEmbed consumers may keep the response this many seconds; it holds only the iframe code, whose
# content is fetched fresh by every reader, so a day is safe.
OEMBED_CACHE_AGE = 86_400

# The embed page's layout at OEMBED_WIDTH, read off Chromium's rendering of the bundled explainer:
# characters per line of text, and pixels per line, per paragraph or list item, per heading and for
# the frame with its "From:" line (plus a line to spare). For the bundled items the estimate is
# 7-22% over the real height, so nothing is cut off at that width (tests/test_embeds.py checks).
_CHARS_PER_LINE = 62
_LINE = 24
_BLOCK_GAP = 20
_HEADING = 36
_FRAME = 40 + _LINE
_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</(?:p|li|h\d)>")


@dataclass(frozen=True, slots=True)
class Embed:
    """One embeddable item. URLs are relative to the base path, like Page.url."""

    kind: str  # "card", "question" or "timeline"
    id: str  # the item's id, unique in its explainer; "timeline" for the timeline
    title: str  # names the iframe and the oEmbed response
    item: Card | Question | tuple[Event, ...]
    url: str  # the embed page: <slug>/embed/<id>/
    page_url: str  # the item's own page; the explainer's page for the timeline
    from_url: str  # the item in place on the explainer page, for the "From:" link
    height: int  # estimated height in pixels at OEMBED_WIDTH, for the fixed-height iframe code

    @property
    def fragment_url(self) -> str:
        return self.url + "fragment.html"

    @property
    def oembed_url(self) -> str:
        return self.url + "oembed.json"


def embed_url(explainer: Explainer, item_id: str) -> str:
    return f"{explainer.slug}/embed/{item_id}/"


def _text_size(html: str) -> tuple[int, int]:
    """Wrapped lines at OEMBED_WIDTH, and blocks (paragraphs, list items), of trusted HTML or plain text."""
    blocks = [" ".join(_TAG.sub("", block).split()) for block in _BLOCK.split(html)]
    blocks = [block for block in blocks if block]
    return sum(math.ceil(len(block) / _CHARS_PER_LINE) for block in blocks), len(blocks)


def estimate_height(texts: list[str], headings: int, extra_lines: int = 0) -> int:
    """A height for the fixed-size iframe code: enough for the text to show with a line to spare.

    The self-sizing codes measure the page instead; this is only for pages that run no script.
    """
    sizes = [_text_size(text) for text in texts if text]
    lines = sum(size[0] for size in sizes) + extra_lines
    blocks = sum(size[1] for size in sizes)
    return _FRAME + headings * _HEADING + lines * _LINE + blocks * _BLOCK_GAP


def _card_embed(explainer: Explainer, card: Card) -> Embed:
    texts = [card.summary, card.detail_html, card.in_return_html or "", card.risks_html or ""]
    headings = 2 + bool(card.in_return_html) + bool(card.risks_html)  # kicker and title, then one per section
    height = estimate_height(texts, headings)
    return Embed("card", card.id, card.title, card, embed_url(explainer, card.id), card_url(explainer, card.id), f"{explainer_url(explainer)}#{card.id}", height)


def _question_embed(explainer: Explainer, question: Question) -> Embed:
    height = estimate_height([question.short_answer, question.answer_html], 1 + bool(question.label))
    return Embed("question", question.id, question.question, question, embed_url(explainer, question.id), question_url(explainer, question.id), f"{explainer_url(explainer)}#{question.id}", height)


def _timeline_embed(explainer: Explainer) -> Embed:
    # Each event shows its date on a line of its own above the text.
    height = estimate_height([e.event_html for e in explainer.timeline], 1, extra_lines=len(explainer.timeline))
    home = explainer_url(explainer)
    return Embed("timeline", TIMELINE_ID, f"Timeline: {explainer.title}", explainer.timeline, embed_url(explainer, TIMELINE_ID), home, f"{home}#{TIMELINE_ID}", height)


def embeds_of(explainer: Explainer) -> dict[str, Embed]:
    """The explainer's embeds by item id, in page order: questions, cards, then the timeline."""
    embeds = [_question_embed(explainer, q) for q in explainer.questions]
    embeds += [_card_embed(explainer, c) for c in (explainer.offers.cards if explainer.offers else ())]
    if explainer.timeline:
        embeds.append(_timeline_embed(explainer))
    return {embed.id: embed for embed in embeds}


def oembed(site: Site, embed: Embed) -> dict[str, Any]:
    """The oEmbed response for one embed, without its `html`: the template adds the iframe code."""
    return {
        "type": "rich",
        "version": "1.0",
        "title": embed.title,
        "provider_name": site.name,
        "provider_url": site.base_url,
        "width": OEMBED_WIDTH,
        "height": embed.height,
        "cache_age": OEMBED_CACHE_AGE,
    }


def _embed_pages(site: Site, explainer: Explainer, embeds: dict[str, Embed]) -> list[Page]:
    # The same key as the explainer's other pages: an embed changes only when its explainer or the site file does.
    key = digest(site.digest, explainer.digest)
    pages = []
    for embed in embeds.values():
        context = {"explainer": explainer, "embed": embed}
        pages.append(Page(embed.url + "index.html", embed.url, "embed.html", key, context))
        pages.append(Page(embed.fragment_url, embed.fragment_url, "fragment.html", key, context))
        pages.append(Page(embed.oembed_url, embed.oembed_url, "oembed.json", key, {**context, "oembed": oembed(site, embed)}))
    return pages


def _with_embeds(page: Page, embeds: dict[str, Embed]) -> Page:
    return Page(page.path, page.url, page.template, page.key, {**page.context, "embeds": embeds})


def plan_explainer_embeds(site: Site, explainer: Explainer, pages: list[Page]) -> list[Page]:
    """An explainer's pages with the embeds their "Embed this" panels offer, then its embed pages.

    Each page gets `embeds` (item id to Embed) in its context; its key is unchanged, since the
    embeds are made from the explainer and the site it already depends on.
    """
    embeds = embeds_of(explainer)
    return [_with_embeds(page, embeds) for page in pages] + _embed_pages(site, explainer, embeds)


def loader_page(site: Site) -> Page:
    """The loader script every embed code names: one for the site."""
    return Page(LOADER_URL, LOADER_URL, "embed.js", site.digest, {})
