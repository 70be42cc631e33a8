"""Stage 4, continued: the embeddable items of each explainer and the pages that serve them.

Every question, every card of every deck and every timeline can be dropped into another site's
story. Each gets a folder `<slug>/embed/<id>/` holding the embed page (`index.html`, shown in an
iframe), a paste-ready `fragment.html` and a static oEmbed response `oembed.json`; the site gets
one loader script, `embed.js`. The codes to paste are on one page for partners per explainer,
`<slug>/embed/`, which the share control of each question and card links to; the reader's pages
carry none. An old id (`aliases`) keeps both its page and its embed working: each old address is
a redirect to the new one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from explainer.content.language import heading_of
from explainer.content.model import Card, Explainer, Question, Site, Timeline
from explainer.core.digest import digest
from explainer.plan.pages import (
    SOCIAL_IMAGE_SIZE,
    Page,
    Redirect,
    Summary,
    aliases_of,
    explainer_url,
    item_title,
    item_url,
    item_urls,
    language_of,
    last_modified,
    partner_url,
    positions,
    redirect_page,
    social_image_url,
    timelines_of,
)

LOADER_URL = "embed.js"
EMBED_PAGE = "embed.html"  # the template of the page an iframe shows

# The width the oEmbed response asks for.
OEMBED_WIDTH = 600
# The column the fixed-height iframe code's height is estimated for: a phone's, the narrowest a
# story column usually is, so no line is cut there; wider, some space is left below the item.
FIXED_WIDTH = 320
# oEmbed consumers may keep the response this many seconds; it holds only the iframe code, whose
# content is fetched fresh by every reader, so a day is safe.
OEMBED_CACHE_AGE = 86_400

# The embed page's layout at FIXED_WIDTH, read off Chromium's rendering of the bundled explainer:
# characters per line and pixels per line of text and of a heading, pixels between blocks
# (paragraphs, list items, headings) and for the frame's padding, so nothing is cut off at that
# width (tests/test_embeds.py checks).
_CHARS_PER_LINE = 30
_LINE = 24
_HEADING_CHARS = 20
_HEADING_LINE = 28
_BLOCK_GAP = 12
_FRAME = 40
_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</(?:p|li|h\d)>")


@dataclass(frozen=True, slots=True)
class Embed:
    """One embeddable item. URLs are relative to the base path, like Page.url."""

    kind: str  # "card", "question" or "timeline"
    id: str  # the item's id, unique in its explainer
    title: str  # names the iframe and the oEmbed response
    item: Card | Question | Timeline
    url: str  # the embed page: <slug>/embed/<id>/
    page_url: str  # the item's own page; the explainer's page for a timeline
    from_url: str  # the item in place on the explainer page, for the "From:" link
    height: int  # estimated height in pixels at FIXED_WIDTH, for the fixed-height iframe code
    description: str  # what the embed page says of itself: a card's summary, a question's short answer, the explainer's dek
    image_url: str  # the oEmbed thumbnail: the card's or question's own social image, or the explainer's
    kicker: str  # shown above the heading: a card's question; the explainer's title above a question or a timeline

    @property
    def fragment_url(self) -> str:
        return self.url + "fragment.html"

    @property
    def oembed_url(self) -> str:
        return self.url + "oembed.json"


def embed_url(explainer: Explainer, item_id: str) -> str:
    return f"{explainer.slug}/embed/{item_id}/"


def _text_size(html: str) -> tuple[int, int]:
    """Wrapped lines at FIXED_WIDTH, and blocks (paragraphs, list items), of trusted HTML or plain text."""
    blocks = [" ".join(_TAG.sub("", block).split()) for block in _BLOCK.split(html)]
    blocks = [block for block in blocks if block]
    return sum(math.ceil(len(block) / _CHARS_PER_LINE) for block in blocks), len(blocks)


def estimate_height(texts: list[str], headings: list[str], extra_lines: int = 0) -> int:
    """A height for the fixed-size iframe code: enough for the text and headings to show, each
    wrapped in a phone's column, with a line to spare.

    The self-sizing codes measure the page instead; this is only for pages that run no script.
    """
    sizes = [_text_size(text) for text in texts if text]
    lines = sum(size[0] for size in sizes) + extra_lines + 1
    blocks = sum(size[1] for size in sizes) + len(headings)
    heading_lines = sum(math.ceil(len(h) / _HEADING_CHARS) for h in headings)
    return _FRAME + heading_lines * _HEADING_LINE + lines * _LINE + blocks * _BLOCK_GAP


def _around(explainer: Explainer, kicker: str) -> list[str]:
    """What frames every embed: its kicker above, its "From:" line below, with the dates."""
    dates = "Published October 16, 2025." + (" Updated October 16, 2025." if explainer.updated and explainer.updated != explainer.published else "")
    return [kicker, f"From: {explainer.title}, publisher. {dates}"]


def _card_embed(explainer: Explainer, question: Question, card: Card) -> Embed:
    texts = [*_around(explainer, question.question), "1 of 1", card.summary, card.detail_html or "", *(f.label + " " + f.text_html for f in card.facts)]
    return Embed("card", card.id, card.title, card, embed_url(explainer, card.id), item_url(explainer, card.id),
                 f"{explainer_url(explainer)}#{card.id}", estimate_height(texts, [card.title]), card.summary,
                 social_image_url(explainer, card), question.question)


def _question_embed(explainer: Explainer, question: Question) -> Embed:
    # The embed shows the question, its short answer under its label, and a link to the whole
    # answer (which the embed page holds, hidden, for hosts that ask for it with ?answer=full).
    height = estimate_height([*_around(explainer, explainer.title), question.short_answer], [question.question], extra_lines=2)
    return Embed("question", question.id, question.question, question, embed_url(explainer, question.id), item_url(explainer, question.id),
                 f"{explainer_url(explainer)}#{question.id}", height, question.short_answer, social_image_url(explainer, question), explainer.title)


def _timeline_embed(explainer: Explainer, timeline: Timeline, gettext: Callable[[str], str]) -> Embed:
    # Each event shows its date on a line of its own above the text, under its year's heading.
    years = sorted({e.date[:4] for e in timeline.events})
    heading = heading_of(timeline, gettext)
    height = estimate_height([*_around(explainer, explainer.title), *(e.event_html for e in timeline.events)], [heading, *years],
                             extra_lines=len(timeline.events) + 1)
    home = explainer_url(explainer)
    # The title's punctuation is the language's: "Chronologie\u00a0: ..." in French.
    title = gettext("%(heading)s: %(explainer)s") % {"heading": heading, "explainer": explainer.title}
    return Embed("timeline", timeline.id, title, timeline, embed_url(explainer, timeline.id), home,
                 f"{home}#{timeline.id}", height, explainer.dek, social_image_url(explainer), explainer.title)


def _embeddable(explainer: Explainer) -> Iterator[tuple[Question | Timeline, Card | None]]:
    """What can be embedded, in reading order: each question, then each card of its deck (with
    its question); each timeline."""
    for section in explainer.sections:
        if isinstance(section, Question):
            yield section, None
            yield from ((section, card) for card in section.cards)
        elif isinstance(section, Timeline):
            yield section, None


def embed_ids(explainer: Explainer) -> tuple[str, ...]:
    """The ids of the explainer's embeds, in reading order."""
    return tuple(card.id if card else section.id for section, card in _embeddable(explainer))


def embeds_of(explainer: Explainer, gettext: Callable[[str], str]) -> dict[str, Embed]:
    """The explainer's embeds by item id, in reading order; a timeline's default heading is in
    its page's language (`gettext`)."""
    embeds = []
    for section, card in _embeddable(explainer):
        if card is not None:
            assert isinstance(section, Question)
            embeds.append(_card_embed(explainer, section, card))
        elif isinstance(section, Question):
            embeds.append(_question_embed(explainer, section))
        else:
            embeds.append(_timeline_embed(explainer, section, gettext))
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
        "thumbnail_url": site.base_url + embed.image_url,
        "thumbnail_width": SOCIAL_IMAGE_SIZE[0],
        "thumbnail_height": SOCIAL_IMAGE_SIZE[1],
    }


def _embed_pages(site: Site, explainer: Explainer, embeds: dict[str, Embed]) -> list[Page]:
    # The same key as the explainer's other pages: an embed changes only when its explainer or the site file does.
    key = digest(site.digest, explainer.digest)
    pages = []
    urls = item_urls(explainer)  # a question's embed links to each card of its deck
    shown = {"urls": urls, "positions": positions(explainer), "timelines": timelines_of(explainer), "as_of": last_modified(explainer)}
    for embed in embeds.values():
        context = {"explainer": explainer, "embed": embed, **shown}
        pages.append(Page(embed.url + "index.html", embed.url, EMBED_PAGE, key, context))
        pages.append(Page(embed.fragment_url, embed.fragment_url, "fragment.html", key, context))
        pages.append(Page(embed.oembed_url, embed.oembed_url, "oembed.json", key, {**context, "oembed": oembed(site, embed)}))
    return pages


def _partner_page(site: Site, explainer: Explainer, embeds: dict[str, Embed]) -> Page:
    """The page for partners: each item the explainer offers, in reading order, with its codes."""
    url = partner_url(explainer)
    # The HTML-only code is the fragment itself, which shows a timeline's years too.
    context = {"explainer": explainer, "explainer_url": explainer_url(explainer), "embeds": embeds, "urls": item_urls(explainer), "positions": positions(explainer),
               "timelines": timelines_of(explainer), "as_of": last_modified(explainer)}
    return Page(url + "index.html", url, "partners.html", digest(site.digest, explainer.digest), context)


def _alias_pages(site: Site, explainer: Explainer, embeds: dict[str, Embed]) -> list[Page]:
    """For each old id of a question or card: its old page and its old embed page, each leading to the new."""
    key = digest(site.digest, explainer.digest)
    pages = []
    for alias, item in aliases_of(explainer):
        embed = embeds[item.id]
        title = item_title(item)
        pages.append(redirect_page(Redirect(item_url(explainer, alias), embed.page_url, title, embed.oembed_url), key))
        pages.append(redirect_page(Redirect(embed_url(explainer, alias), embed.url, title), key))
    return pages


def alias_redirects(summary: Summary, alias: str) -> list[Redirect]:
    """Everything an explainer's old slug led to: its page, each question and card page (still
    announcing its oEmbed response), and each embed page, each leading to the same under the new slug."""
    home = explainer_url(summary)
    out = [Redirect(f"{alias}/", home, summary.title)]
    # Items at their ids, then at their old ids: an address made before either rename still leads on.
    items = [(url[len(home):].rstrip("/"),) * 2 for url in summary.urls if url != home] + list(summary.renamed)
    for old, item in items:
        oembed = f"{home}embed/{item}/oembed.json" if item in summary.embeds else None
        out.append(Redirect(f"{alias}/{old}/", f"{home}{item}/", summary.title, oembed))
    embeds = [(item, item) for item in summary.embeds] + [(old, item) for old, item in summary.renamed if item in summary.embeds]
    out += [Redirect(f"{alias}/embed/{old}/", f"{home}embed/{item}/", summary.title) for old, item in embeds]
    if summary.embeds:  # the page for partners
        out.append(Redirect(f"{alias}/embed/", partner_url(summary), summary.title))
    return out


def plan_explainer_embeds(site: Site, explainer: Explainer, pages: list[Page]) -> list[Page]:
    """An explainer's pages, then its page for partners, its embed pages and the redirects from its
    questions' and cards' old ids. Question and card pages announce their item's oEmbed response,
    so each gets its own `embed` in its context; the key is unchanged, since the embeds are made
    from the explainer and the site it already depends on."""
    embeds = embeds_of(explainer, language_of(site, explainer).gettext)
    own = [replace(page, context={**page.context, "embed": embeds[item.id]}) if (item := page.context.get("card") or page.context.get("question")) else page
           for page in pages]
    partners = [_partner_page(site, explainer, embeds)] if embeds else []
    return own + partners + _embed_pages(site, explainer, embeds) + _alias_pages(site, explainer, embeds)


def loader_page(site: Site) -> Page:
    """The loader script every embed code names: one for the site."""
    return Page(LOADER_URL, LOADER_URL, "embed.js", site.digest, {})
