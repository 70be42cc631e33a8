"""A saved web page: its article, without the page around it, and what the page says about it.

A news page is mostly not its article: menus, advertising, cookie notices, related links,
newsletter promotions, share buttons, author bios, footers. This module finds the article and
accounts for the rest:

1. Page chrome that announces itself is set aside first, counted by kind: elements that are
   menus, sidebars, footers, forms or dialogs by their tag or ARIA role, or advertising, promotion,
   sharing, related links, galleries, comments, cookie notices by their class or id (a class that
   says what an element is not, "no-caption", names nothing), lists of other stories (headings
   that are links, each with a line or two), and lines such as "Advertisement" or "Skip to
   content" standing on their own. Captions and photo credits (an agency's credit beside a photo
   too) are kept apart for the importer, as is the byline. A box named for more reading that holds
   prose, not links, is the rest of the story, not chrome.
2. A page whose article is plainly marked (one `<article>`, nothing of the above inside it), or
   that holds nothing of the above at all, is read as it stands. Any other page goes to
   trafilatura, which finds the main content by its text and structure on the whole page; the
   blocks of its article that the rules above set aside are taken out again (listed for the
   editor as the article's furniture), its standfirst comes back when it left it out, and what it
   leaves out is counted too: what reads as prose waits for an editor rather than being lost.
3. The title, byline, date and description come from what the page says of itself (JSON-LD,
   Open Graph and other meta tags, `<time>`), read by trafilatura and htmldate; the title from
   the article's own `<h1>` first.

Nothing here fetches anything: the page is a file the user saved.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from collections import Counter, deque
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from explainer.content.language import language_tag
from explainer.importer.furniture import agency_credit, byline_of, is_page_furniture, split_credit

# What page chrome is, by kind: (kind, tags, ARIA roles, words in a class or id).
CHROME: tuple[tuple[str, frozenset[str], frozenset[str], tuple[str, ...]], ...] = (
    ("menus and navigation", frozenset({"nav", "menu"}), frozenset({"navigation", "menubar", "menu", "search", "banner"}),
     ("nav", "menu", "breadcrumb", "masthead", "skip-link", "skiplink", "site-header", "topbar", "toolbar")),
    ("advertising and sponsors", frozenset(), frozenset(),
     ("ad", "ads", "advert", "advertisement", "adslot", "ad-slot", "ad-container", "dfp", "sponsor", "sponsored", "promo", "commercial", "outbrain", "taboola")),
    ("cookie and consent notices", frozenset({"dialog"}), frozenset({"dialog", "alertdialog"}), ("cookie", "consent", "gdpr", "privacy-banner", "cmp")),
    ("newsletter and subscription offers", frozenset({"form"}), frozenset(), ("newsletter", "subscribe", "subscription", "signup", "sign-up", "paywall", "register", "membership")),
    ("share buttons", frozenset({"button"}), frozenset(), ("share", "sharing", "social", "sharebar", "share-tools")),
    ("sidebars and related links", frozenset({"aside"}), frozenset({"complementary"}),
     ("related", "recommended", "recommendations", "suggested", "more-stories", "read-more", "readmore", "trending", "popular", "most-read", "mostread", "sidebar", "also-read", "further-reading", "next-article")),
    ("galleries and slideshows", frozenset(), frozenset(), ("slideshow", "carousel", "gallery", "slider")),
    ("author bios", frozenset(), frozenset(), ("author-bio", "authorbio", "bio", "about-author", "author-info", "contributor")),
    ("comments", frozenset(), frozenset(), ("comment", "comments", "disqus", "discussion")),
    ("footers", frozenset({"footer"}), frozenset({"contentinfo"}), ("footer", "site-footer", "colophon")),
    ("section labels and dates", frozenset(), frozenset(),
     ("kicker", "eyebrow", "overline", "section-label", "rubric", "dateline", "timestamp", "publish-date", "article-date", "pubdate", "updated-date")),
    ("scripts and embeds", frozenset({"script", "style", "template", "noscript", "iframe", "svg", "object", "embed", "canvas", "video", "audio"}), frozenset(), ()),
)
_CAPTION = frozenset({"figcaption"})
_LINES = "page furniture (“Advertisement”, “Skip to content”, ...)"
_SCRIPTS = ("script", "style", "template", "noscript")
_BLOCKS = frozenset({"p", "div", "section", "article", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "figure", "pre", "dl", "header", "footer", "main", "aside", "nav", "form"})
_INLINE = frozenset({"p", "li", "span", "a", "em", "strong", "b", "i", "dd", "td", "blockquote", "q", "small"})
_CAPTION_WORDS = ("caption", "credit", "photo-credit", "image-credit", "media-credit")
_BYLINE_WORDS = ("byline", "author-name", "author", "by-line")
_CLASS_WORD = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
# libxml2 stops at this many levels of nesting even with huge_tree; text below would be lost.
_DEPTH_ERRORS = ("Excessive depth", "nested too deeply")


class PageRefused(ValueError):
    """A page the importer does not read; the message says why, to follow the page's name."""


class PageTooDeep(PageRefused):
    """The page nests elements too deep for the HTML parser to keep all its text."""


# A saved page larger than this is refused before it is parsed, and one of more elements than this
# once it is (parsing is quick; the work after it grows with the page's elements). News pages are
# far smaller: of the 130 pages of Mozilla Readability's test set, the largest is 1.6 MB, scripts
# and all, and the most elements on one is 9,888.
PAGE_MAX_BYTES = 10_000_000
PAGE_MAX_ELEMENTS = 50_000
# trafilatura weighs its article against its fallback extractors' (readability and jusText), and
# jusText's time grows with the square of a page's blocks when many short ones stand together (5,000
# short <div>s took 9 seconds, 33,000 minutes). On a page of more blocks than this (the most on
# those 130 pages is 2,419) trafilatura reads the page by its own rules alone.
FALLBACK_MAX_BLOCKS = 3_000
_PARAGRAPHS = (*_BLOCKS, "tr", "td", "th", "dt", "dd")  # the blocks jusText makes a paragraph of


def refuse_large_page(text: str) -> None:
    """PageRefused for a page of more than PAGE_MAX_BYTES, before any work that grows with it."""
    if len(text) > PAGE_MAX_BYTES // 4 and (size := len(text.encode("utf-8", "surrogatepass"))) > PAGE_MAX_BYTES:
        raise PageRefused(f"its HTML is {size:,} bytes, more than the importer reads of a web page ({PAGE_MAX_BYTES:,})")


@dataclass
class WebPage:
    """What a saved page holds for the importer."""

    content: lxml.html.HtmlElement  # the article: headings, paragraphs, lists
    title: str | None
    byline: str | None
    published: dt.date | None
    description: str | None
    reader: str  # how the article was found: "the page's <article>" or "trafilatura"
    title_element: lxml.html.HtmlElement | None = None  # the heading in `content` that is the title, if it is there
    language: str | None = None  # the language the page says it is in (<html lang>, og:locale), as a tag Babel knows
    captions: list[tuple[str, int]] = field(default_factory=list)  # photo captions of the article, for an editor, with their lines
    credits: list[tuple[str, int]] = field(default_factory=list)  # photo credits ("Credit…Name", "Photo: Name"), with their lines
    set_aside: Counter[str] = field(default_factory=Counter)  # blocks of page chrome left out, by kind
    leftovers: list[tuple[str, int]] = field(default_factory=list)  # prose the extractor left out, for an editor
    headings_left_out: list[tuple[str, int]] = field(default_factory=list)  # headings of the page the article does not hold
    headlines: tuple[str, ...] = ()  # the headlines the page names in its metadata (JSON-LD, og:title, <title>)
    # Each block of text set aside (as _key gives it) -> its kind of chrome (None for captions, credits and bylines, kept apart) and line.
    set_aside_texts: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    inside: list[tuple[str, int, str]] = field(default_factory=list)  # chrome within the extracted article: text, line, kind
    standfirst: tuple[str, int] | None = None  # the page's standfirst, where the extracted article lacks it
    page_text: int = 0  # characters of text in the page's body, before anything is set aside


def _words(el: lxml.html.HtmlElement) -> set[str]:
    """The words of an element's class and id, each also split at hyphens and underscores."""
    out: set[str] = set()
    for name in ((el.get("class") or "") + " " + (el.get("id") or "")).lower().split():
        out.add(name)
        parts = re.split(r"[-_]", name)
        if parts[0] not in _NEGATIONS:  # "no-caption" says the element has no caption, not that it is one
            out.update(parts)
    return out


_NEGATIONS = frozenset({"no", "not", "without"})


def _chrome_kind(el: lxml.html.HtmlElement) -> str | None:
    """The kind of page chrome an element is, or None when it is not chrome (or may hold the article)."""
    if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main"):
        return None
    role = (el.get("role") or "").lower()
    if el.get("aria-hidden") == "true" or el.get("hidden") is not None:
        return "hidden elements"
    words = _words(el)
    for kind, tags, roles, names in CHROME:
        if el.tag in tags or role in roles:
            return kind
        if not words.isdisjoint(names):
            # A box named for more reading ("read-more") that holds prose, not links, is the rest of the story.
            return None if kind == _RELATED and _is_prose(el) else kind
    if el.tag == "header" and el.find(".//nav") is not None:
        return "menus and navigation"
    return _teasers(el)


_RELATED = "sidebars and related links"
# Of prose, this share of the text at most is links; a list of links to read next is mostly links.
MAX_PROSE_LINKS = 0.1


def _is_prose(el: lxml.html.HtmlElement) -> bool:
    """Whether an element holds prose: a paragraph that is a sentence of PROSE characters or more, and few links."""
    text = len(_text(el))
    links = sum(len(_text(a)) for a in el.iter("a"))
    return text > 0 and links <= MAX_PROSE_LINKS * text and any(
        len(t := _text(p)) >= PROSE and _SENTENCE_END.search(t) for p in el.iter("p"))


_TEASER_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# A teaser's text beside its headline: a line or two of summary.
MAX_TEASER_CHARS = 400


def _teasers(el: lxml.html.HtmlElement) -> str | None:
    """"sidebars and related links" for a list of other stories: two or more headings, each a link
    to another page, and beside each no more than a line or two of text."""
    if el.tag not in ("div", "section", "ul", "ol"):
        return None
    headings = list(el.iter(*_TEASER_HEADINGS))
    if len(headings) < 2 or not all(_is_link(h) for h in headings):
        return None
    rest = len(_text(el)) - sum(len(_text(h)) for h in headings)
    if rest > MAX_TEASER_CHARS * len(headings) or any(len(_text(p)) > MAX_TEASER_CHARS for p in el.iter("p")):
        return None
    return _RELATED


def _is_link(heading: lxml.html.HtmlElement) -> bool:
    """Whether a heading is a link to another page: a link that holds at least half its text."""
    text = len(_text(heading))
    return any(not (a.get("href") or "#").startswith("#") and 2 * len(_text(a)) >= text for a in heading.iter("a"))


def _holds_article(el: lxml.html.HtmlElement, page: WebPage) -> bool:
    """Whether an element holds the article: an <article> or <main>, half the page's text, or an
    <h1> that is the headline the page names (any <h1>, on a page that names none). A sidebar's
    own <h1> ("Information and Resources") does not make it the article."""
    if el.tag in ("header", "footer", "nav") and el.find(".//article") is None:
        return False
    if el.find(".//article") is not None or el.find(".//main") is not None or 2 * len(_text(el)) > page.page_text:
        return True
    return any(not page.headlines or any(_is_headline(_text(h1), t) for t in page.headlines) for h1 in el.iter("h1"))


def _text(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _blocks_in(el: lxml.html.HtmlElement) -> int:
    """How many blocks of text an element holds (at least one if it holds any text)."""
    blocks = sum(1 for child in el.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "dd", "blockquote") if _text(child))
    return blocks or (1 if _text(el) else 0)


def _drop(el: lxml.html.HtmlElement) -> None:
    el.drop_tree()  # keeps the tail text, which belongs to the parent


def parse_page(text: str) -> lxml.html.HtmlElement:
    """The page as an element tree; PageTooDeep when the parser would lose text."""
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    doc = lxml.html.document_fromstring(text, parser=parser)
    if any(any(marker in entry.message for marker in _DEPTH_ERRORS) for entry in parser.error_log):
        raise PageTooDeep("the page nests its elements too deep for an HTML parser to read all of its text")
    elements = sum(1 for _ in doc.iter())
    if elements > PAGE_MAX_ELEMENTS:
        raise PageRefused(f"its HTML holds {elements:,} elements, more than the importer reads of a web page ({PAGE_MAX_ELEMENTS:,})")
    return doc


def set_aside_chrome(doc: lxml.html.HtmlElement, page: WebPage) -> tuple[int, int]:
    """Remove the page's chrome, captions, credits and byline from doc, noting each in page.
    Returns how many chrome blocks were inside the page's <article>s, and how many there are."""
    articles = len(doc.xpath("//article"))
    page.page_text = len(_text(doc.find("body") if doc.find("body") is not None else doc))
    inside = 0
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(doc, False)]
    while stack:  # in document order; a removed element's children are not visited
        el, in_article = stack.pop()
        judged = _judge(el, page)
        if judged is not None:
            drop, kind = judged
            if drop and in_article:
                inside += drop
            for block in (_block_texts(el) or [el]) if el.tag != "head" and kind != "scripts and embeds" else ():
                if _text(block):
                    page.set_aside_texts.setdefault(_key(block), (kind, block.sourceline or 1))
            _drop(el)
            continue
        children = [c for c in el if isinstance(c.tag, str)]
        _paragraph_of_bare_text(el)
        stack.extend((c, in_article or el.tag == "article") for c in reversed(children))
    return inside, articles


def _paragraph_of_bare_text(el: lxml.html.HtmlElement) -> None:
    if el.tag in ("div", "section", "span") and _text(el) and not any(c.tag in _BLOCKS for c in el.iterdescendants() if isinstance(c.tag, str)):
        el.tag = "p"  # text in a bare <div> is a paragraph, for the extractor as for a reader


def _as_published(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page as a reader sees it, chrome and all: no scripts, bare text in paragraphs,
    and no class names that say what an element is not ("no_caption"), which the extractor would
    take for what they name."""
    page = copy.deepcopy(doc)
    for el in list(page.iter(*_SCRIPTS)):
        _drop(el)
    for el in list(page.iter("div", "section")):
        if (el.text or "").strip() or any((child.tail or "").strip() for child in el):
            _paragraph_of_bare_text(el)  # text loose in a <div>, which the extractor reads only in a paragraph
    for el in page.xpath("//*[contains(@class, 'no-') or contains(@class, 'no_') or contains(@class, 'without')]"):
        el.set("class", " ".join(name for name in el.get("class", "").split() if re.split(r"[-_]", name.lower())[0] not in _NEGATIONS))
    return page


def _judge(el: lxml.html.HtmlElement, page: WebPage) -> tuple[int, str | None] | None:
    """None to keep an element; else how many blocks of chrome it held and their kind (0 and None
    for a caption, a credit, the byline or a script, which are kept apart), having noted what it was."""
    if el.tag == "head":
        return 0, None
    kind = _chrome_kind(el)
    if kind is not None and kind != "scripts and embeds" and _holds_article(el, page):
        kind = None  # a wrapper named for an ad slot or a menu that holds the article itself
    words = _words(el)
    text = _text(el)
    if kind is not None:
        blocks = _blocks_in(el) if kind != "scripts and embeds" else 0
        if blocks:
            page.set_aside[kind] += blocks
        return blocks, kind
    if el.tag == "time" and el.getparent() is not None and el.getparent().tag not in _INLINE:
        # A date standing on its own line is the article's date, which the page's metadata gives.
        page.set_aside[_DATES] += 1
        return 1, _DATES
    if el.tag in _CAPTION or any(w in words for w in _CAPTION_WORDS):
        _keep_caption(el, page)
        return 0, None
    if any(w in words for w in _BYLINE_WORDS) and len(text) < 200:
        if text and page.byline is None:
            page.byline = _byline(text)
        return 0, None
    if text and not _has_block(el) and agency_credit(text) and _beside_image(el):
        page.credits.append((text, el.sourceline or 1))  # "Jim Doe/AFP/Getty Images" under a photo
        return 0, None
    if el.tag in ("p", "div", "span", "li", "a", "strong", "b", "h2", "h3", "h4", "h5", "h6", "header") and text and len(text) < 80 and is_page_furniture(text) and _stands_alone(el):
        page.set_aside[_LINES] += 1
        return 1, _LINES
    return None


_DATES = "section labels and dates"


def _stands_alone(el: lxml.html.HtmlElement) -> bool:
    """Whether an element is a line of its own: a block, or inline with nothing beside it in its
    block (a link "Reuters" inside a sentence is the sentence's word, not a line of furniture)."""
    block = el
    while block.tag not in _BLOCKS and block.getparent() is not None:
        block = block.getparent()
    return block is el or _text(block) == _text(el)


def _has_block(el: lxml.html.HtmlElement) -> bool:
    return any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in el.iterdescendants())


def _beside_image(el: lxml.html.HtmlElement) -> bool:
    """Whether an element stands in a figure, or beside an image (its parent holds one)."""
    parent = el.getparent()
    return any(a.tag == "figure" for a in el.iterancestors()) or (parent is not None and parent.find(".//img") is not None)


_CREDIT_LEAD = re.compile(r"^(?:credits?|photo(?:graph)?|image|picture|illustration|foto)\s*(?:credit)?\s*(?:[:…]|\.\.\.|by\b)\s*", re.IGNORECASE)


def _keep_caption(el: lxml.html.HtmlElement, page: WebPage) -> None:
    """A caption, a credit, or a caption ending in its credit (split by the furniture rules every format shares)."""
    text, line = _text(el), el.sourceline or 1
    if not text:
        return
    if any(w in _words(el) for w in ("credit", "photo-credit", "image-credit", "media-credit")) or _CREDIT_LEAD.match(text):
        page.credits.append((_CREDIT_LEAD.sub("", text).strip() or text, line))
        return
    credit = split_credit(text)
    if credit is not None:
        caption, name = credit
        if caption:
            page.captions.append((caption, line))
        page.credits.append((name, line))
    else:
        page.captions.append((text, line))


def _byline(text: str) -> str:
    """A byline without its "By" and trailing punctuation: "By Jane Doe and Ann Lee" -> "Jane Doe and Ann Lee"."""
    return re.sub(r"^(by|von|par|por|de|od)\b[:\s]+", "", text.strip(), flags=re.IGNORECASE).strip(" .,|")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# Text the extractor left out that reads as prose (a sentence of this many characters or more)
# waits for an editor among `unplaced`; shorter text is counted as set aside.
PROSE = 60
_SENTENCE_END = re.compile(r"[.!?…\"”’)]$")


_TEXT_BLOCKS = ("p", "li", "td", "dd", "dt", "blockquote")  # headings are accounted for on their own


def _left_out(body: lxml.html.HtmlElement, page: WebPage) -> None:
    """Note what of the page's remaining text the extractor did not keep: prose for an editor
    (page.leftovers), the rest counted. A block not kept whole (a quotation whose code the
    extractor laid out anew) is looked for block by block within it."""
    kept = " ".join(page.content.text_content().split()).casefold()
    held = {_text(el).casefold() for el in _block_texts(page.content)}  # the extractor's blocks, found at once
    at = 0  # where in the kept text the last block was found: the next is looked for after it first

    def is_kept(text: str) -> bool:
        nonlocal at
        found = kept.find(text, at)
        found = found if found >= 0 else kept.find(text, 0, at + len(text))
        if found >= 0:
            at = found + len(text)
        return found >= 0

    blocks = deque(_outermost_blocks(body))
    while blocks:
        el = blocks.popleft()
        text = _text(el)
        if not text or text.casefold() in held or is_kept(text.casefold()) or page.standfirst and text == page.standfirst[0]:
            continue
        inner = _outermost_blocks(el)
        if inner:
            blocks.extendleft(reversed(inner))
        elif len(text) >= PROSE and _SENTENCE_END.search(text) and not _mostly_links(el):
            page.leftovers.append((text, el.sourceline or 1))
        else:
            page.set_aside["other text of the page, left out by trafilatura"] += 1


def _mostly_links(el: lxml.html.HtmlElement) -> bool:
    """Whether a block is a link to another page, or several: another story's headline, not prose."""
    links = sum(len(_text(a)) for a in el.iter("a") if not (a.get("href") or "#").startswith("#"))
    return links > (1 - MAX_PROSE_LINKS) * len(_text(el))


def _outermost_blocks(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The blocks of text within root (paragraphs, items, cells, quotations) that no other such block within it holds."""
    out = []
    for el in root.iterdescendants(*_TEXT_BLOCKS):
        parent = el.getparent()
        while parent is not None and parent is not root and parent.tag not in _TEXT_BLOCKS:
            parent = parent.getparent()
        if parent is None or parent is root:
            out.append(el)
    return out


def read_page(text: str) -> WebPage:
    """The article of a saved page, and what the page says of it. Raises PageTooDeep."""
    import trafilatura  # loaded only by imports of web pages

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    doc = parse_page(text)
    meta = trafilatura.extract_metadata(doc, date_config={"original_date": True, "extensive_search": False})
    whole = _as_published(doc)  # the extractor judges the article against the whole page
    page = WebPage(doc, None, None, None, None, "", headlines=tuple(dict.fromkeys(_meta_titles(doc, meta))))
    bylines = _byline_candidates(doc)  # before the byline elements are set aside
    inside, articles = set_aside_chrome(doc, page)
    body = doc.find("body") if doc.find("body") is not None else doc
    if articles == 1 and inside == 0 and doc.xpath("//article"):
        page.content, page.reader = doc.xpath("//article")[0], "the page's <article>"
    elif not [kind for kind in page.set_aside if kind != _LINES]:
        # Nothing on the page is chrome (but lines like "Advertisement"): an export of the article alone, read as it stands.
        page.content, page.reader = next(iter(doc.xpath("//main") or [body])), _WHOLE
    else:
        fast = sum(1 for _ in whole.iter(*_PARAGRAPHS)) > FALLBACK_MAX_BLOCKS
        kept = trafilatura.extract(whole, output_format="html", include_formatting=True, include_links=True, include_tables=True,
                                   include_comments=False, deduplicate=False, fast=fast)
        page.content = _without_chrome(_extracted(kept), body, page) if kept else body
        page.reader = "trafilatura" if kept else "the whole page"
        if kept:
            page.standfirst = _standfirst(body, page.content)
            _left_out(body, page)
    page.title, page.title_element = _title(page, doc, meta)
    before = _before_headline(page) if page.reader == _WHOLE else []
    page.headings_left_out = sorted(before + _headings_left_out(body, page), key=lambda found: found[1])
    if meta is not None:
        page.published = _date(meta.date)
    page.description = _meta_description(doc, meta)
    page.byline = _best_byline([*_meta_authors(doc, meta), *bylines]) or page.byline
    page.language = page_language(doc)
    return page


_WHOLE = "the whole page, which holds nothing else"


def _before_headline(page: WebPage) -> list[tuple[str, int]]:
    """Take out of a page read whole the boxes that stand before its headline's box: a column of
    other news, a sidebar with an <h1> of its own. The article starts at its headline; what the
    page prints above it in other boxes is not the article's, and a reader sees it as apart.

    Each heading of those boxes is returned, to be listed with the headings outside the article;
    their prose (a sentence of PROSE characters or more) waits for an editor in page.leftovers,
    and the rest is counted. The headline's own box keeps what stands beside it (a kicker over
    the headline is the furniture rules' to judge)."""
    headline = page.title_element
    if headline is None:
        return []
    boxes = []
    box = headline.getparent()
    while box is not None and box is not page.content:
        boxes += [el for el in box.itersiblings(preceding=True) if isinstance(el.tag, str)]
        box = box.getparent()
    if box is None:
        return []
    headings = []
    for el in boxes:
        own = [(_text(h), h.sourceline or 1) for h in el.iter(*_HEADINGS) if _text(h)]
        headings += own
        blocks = _outermost_blocks(el)
        if not blocks and len(_text(el)) > sum(len(t) for t, _ in own):  # more than this box's headings
            blocks = [el]  # text of its own, in no block
        for block in blocks:
            text = _text(block)
            if len(text) >= PROSE and _SENTENCE_END.search(text) and not _mostly_links(block):
                page.leftovers.append((text, block.sourceline or 1))
            elif text:
                page.set_aside[_OUTSIDE] += 1
        _drop(el)
    if boxes:
        page.reader = "the whole page from its headline on, which holds nothing else"
    return headings


_OUTSIDE = "other text of the page, before its headline"


def _extracted(kept: str) -> lxml.html.HtmlElement:
    """trafilatura's article (XML-serialised HTML) as an element tree. It writes every piece of code
    as <pre>, which an HTML parser would move out of its paragraph, breaking the sentence around
    it; read as XML first, code inside a paragraph stays there, as <code>."""
    try:
        tree = lxml.etree.fromstring(kept, lxml.etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True))
    except lxml.etree.XMLSyntaxError:
        return lxml.html.fromstring(kept)
    for pre in tree.iter("pre"):
        if any(a.tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6") for a in pre.iterancestors()):
            pre.tag = "code"
    return lxml.html.fromstring(lxml.etree.tostring(tree, encoding="unicode"))


def _block_texts(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The elements of root that hold a block of text of their own: paragraphs, items, headings, cells."""
    return [el for el in root.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "dd", "dt", "figcaption")
            if not any(a.tag in ("p", "li", "blockquote", "pre", "td", "dd", "dt") for a in el.iterancestors()) and _text(el)]


def _without_chrome(content: lxml.html.HtmlElement, body: lxml.html.HtmlElement, page: WebPage) -> lxml.html.HtmlElement:
    """The extractor's article less the blocks that are page chrome (and captions, credits, bylines,
    which are kept apart): those the chrome rules set aside, and no longer on the page.

    The extractor reads the whole page, as published, so that an article inside an element named
    like chrome is still found. A block that is on the page only with chrome inside it is chrome
    when that is a control (a button, a menu: a slideshow's "Previous Next"), and the article's when
    it is a dateline or a byline ("CAIRO — Gunmen opened fire ..."); a block the extractor wrote
    anew (a quotation's lines joined) stays. Chrome within the article (an author's bio, "Continue
    reading") is listed in page.inside, for the editor. Where the chrome rules would take away
    most of what the extractor found, they are wrong about this page, and it stays whole.
    """
    on_page = {_key(el) for el in _block_texts(body)}
    remaining = "\n".join(on_page)
    aside = "\n".join(page.set_aside_texts)
    blocks = _block_texts(content)
    # A block the page holds as it stands is found by its key; only one the extractor made anew is
    # looked for within the page's text (so the time grows with the page, not with its square).
    chrome = [el for el in blocks if (key := _key(el)) not in on_page and key not in remaining and _is_chrome(key, remaining, aside, page)]
    if 2 * sum(len(_text(el)) for el in chrome) > sum(len(_text(el)) for el in blocks):
        return content
    for el in chrome:
        text = _text(el)
        kind, line = page.set_aside_texts.get(_key(el)) or next((found for said, found in page.set_aside_texts.items() if _key(el) in said), (None, 1))
        if kind is not None:
            page.inside.append((text, line, "page furniture" if kind == _LINES else kind))  # named as every format's furniture is
            page.set_aside[kind] -= 1
            if page.set_aside[kind] <= 0:
                del page.set_aside[kind]
        _drop(el)
    return content


# What may stand inside a paragraph of the article: a dateline, a byline.
_IN_TEXT = frozenset({None, "section labels and dates"})


def _key(el: lxml.html.HtmlElement) -> str:
    """An element's text as the chrome rules compare it: casefolded, without white space, which an
    extractor lays out anew ("Previous Next" comes back as "PreviousNext")."""
    return "".join(el.text_content().split()).casefold()


def _is_chrome(text: str, remaining: str, aside: str, page: WebPage) -> bool:
    """Whether a block of the extractor's (casefolded), not on the page once its chrome is set
    aside, is chrome: set aside whole, or the page's block with chrome taken out of it."""
    if text in aside:
        return True
    pieces = [(said, kind) for said, (kind, _) in page.set_aside_texts.items() if said in text]
    stripped = text
    for said, _ in pieces:
        stripped = stripped.replace(said, "", 1)
    return bool(pieces) and (not stripped or stripped in remaining) and any(kind not in _IN_TEXT for _, kind in pieces)


# Class words that name a page's standfirst, the line or two under its headline.
_STANDFIRST_WORDS = frozenset({"standfirst", "dek", "perex", "chapeau", "bajada", "entradilla", "sapo", "subheadline", "subtitle"})
MAX_STANDFIRST_CHARS = 600


def _is_standfirst(el: lxml.html.HtmlElement) -> bool:
    return isinstance(el.tag, str) and bool(_STANDFIRST_WORDS & _words(el))


def _standfirst(body: lxml.html.HtmlElement, content: lxml.html.HtmlElement) -> tuple[str, int] | None:
    """The page's standfirst (by its class) where the extracted article lacks it: before the first
    paragraph of the article on the page, a line or two long; else None."""
    kept = " ".join(content.text_content().split()).casefold()
    keys = "\n".join(_key(el) for el in _block_texts(content))
    found = None
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "p" and _text(el) and _key(el) in keys:
            return found  # the article has begun
        if found is None and _is_standfirst(el) and not any(_is_standfirst(d) for d in el.iterdescendants()) and el.find(".//h1") is None:
            # A standfirst of paragraphs is its first: a byline or a caption may follow it in the same box.
            first_p = next((p for p in el.iter("p") if _text(p)), el)
            text = _text(first_p)
            if 0 < len(text) <= MAX_STANDFIRST_CHARS and text.casefold() not in kept:
                found = text, first_p.sourceline or 1
    return None  # no paragraph of the article is on the page as written: no telling what stands before it


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _headings_left_out(body: lxml.html.HtmlElement, page: WebPage) -> list[tuple[str, int]]:
    """The headings of the page, chrome aside, that its article does not hold (the headline aside):
    each is counted and listed, so that what the import says it kept is all there was."""
    held = _text(page.content).casefold()
    title = (page.title or "").casefold()
    out = []
    for el in body.iter(*_HEADINGS):
        text = _text(el)
        inside = el is page.content or any(a is page.content for a in el.iterancestors())
        if text and not inside and text.casefold() != title and text.casefold() not in held and (page.standfirst or ("",))[0] != text:
            out.append((text, el.sourceline or 1))
    return out


# A title's tail naming the site or the author: "Headline | The Gazette", "Headline - Jane Doe".
_TITLE_TAIL = re.compile(r"\s+[|–—-]\s+[^|–—]{1,60}$|\s+[|]\s+.*$")


def _title(page: WebPage, doc: lxml.html.HtmlElement, meta) -> tuple[str | None, lxml.html.HtmlElement | None]:  # type: ignore[no-untyped-def]
    """The article's own headline, and the heading of the article that holds it (None when none does).

    The page names its headline in its metadata (JSON-LD's headline, og:title, <title>, often with
    the site's name after it). A heading of the article that is that headline comes first, then one
    elsewhere on the page nearest before the article, then an <h1> at the very top of the article,
    then the metadata's headline without the site's name; an <h1> elsewhere (a sidebar's) never wins.
    """
    said = page.headlines
    headings = [el for el in page.content.iter("h1", "h2", "h3") if _text(el)]
    for el in headings:
        if any(_is_headline(_text(el), t) for t in said):
            return _text(el), el
    for el in doc.iter("h1", "h2", "h3"):
        if _text(el) and any(_is_headline(_text(el), t) for t in said):
            return _text(el), None
    first = next((el for el in _block_texts(page.content)), None)
    if first is not None and first.tag == "h1":
        return _text(first), first
    for title in said:
        short = _TITLE_TAIL.sub("", title).strip()
        if short:
            return short, None
    h1 = page.content.find(".//h1")
    return (_text(h1), h1) if h1 is not None and _text(h1) else (None, None)


def _meta_titles(doc: lxml.html.HtmlElement, meta) -> list[str]:  # type: ignore[no-untyped-def]
    found = [meta.title if meta is not None else None]
    found += doc.xpath("//meta[@property='og:title' or @name='og:title' or @name='twitter:title']/@content")
    found += [_text(t) for t in doc.iter("title")]
    return [" ".join(t.split()) for t in found if t and t.strip()]


def _meta_description(doc: lxml.html.HtmlElement, meta) -> str | None:  # type: ignore[no-untyped-def]
    """The page's description of its article: as trafilatura reads it from the <head>, else from its
    description meta tags wherever they are (an <iframe> or a <div> in the <head> ends it for an HTML
    parser, as for a browser, and the tags after it land in the <body>)."""
    found = [meta.description if meta is not None else None]
    found += doc.xpath("//meta[@name='description' or @property='og:description' or @name='og:description' or @name='twitter:description']/@content")
    return next((" ".join(t.split()) for t in found if t and t.strip()), None)


def _is_headline(heading: str, title: str) -> bool:
    """Whether a heading is the headline a title names: the same words, or the title's start before a separator."""
    heading, title = heading.casefold(), title.casefold()
    if heading == title:
        return True
    return len(heading) >= 12 and title.startswith(heading) and title[len(heading):].lstrip()[:1] in ("|", "-", "–", "—", ":", "·")


_NOT_NAMES = frozenset({"username", "user", "admin", "administrator", "author", "anonymous", "guest", "by", "staff", "editor", "unknown"})


def _meta_authors(doc: lxml.html.HtmlElement, meta) -> list[str]:  # type: ignore[no-untyped-def]
    """Who the page says wrote it: structured data as trafilatura reads it, then its author meta tags."""
    found = [part.strip() for part in (meta.author or "").split(";")] if meta is not None else []
    found += doc.xpath("//meta[@name='author' or @property='article:author' or @property='og:article:author']/@content")
    return [f for f in found if f and "://" not in f]


def _byline_candidates(doc: lxml.html.HtmlElement) -> list[str]:
    """The texts of the page's byline elements, in document order."""
    out = []
    for el in doc.iter():
        if isinstance(el.tag, str) and (any(w in _words(el) for w in _BYLINE_WORDS) or el.get("rel") == "author" or el.get("itemprop") == "author"):
            text = _text(el)
            if text and len(text) < 200:
                out.append(_byline(text))
    return out


def _best_byline(candidates: list[str]) -> str | None:
    """The first candidate that is a person's name (or names), else the first that is a name at all
    (an agency, a desk); "Username", a date or a sentence is none."""
    names = []
    for candidate in candidates:
        name = byline_of(f"By {candidate}")
        if name and name.casefold() not in _NOT_NAMES and name.casefold() not in (n.casefold() for n in names):
            names.append(name)
    people = [n for n in names if not agency_credit(n)]
    return (people or names or [None])[0]


def page_language(doc: lxml.html.HtmlElement) -> str | None:
    """The language a page says it is in: its <html lang>, else its Open Graph locale (fr_FR),
    else its Content-Language, as a tag like fr-FR; None if it says none Babel knows."""
    root = doc.getroottree().getroot()
    said = [root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"),
            *root.xpath("//meta[@property='og:locale']/@content"),
            *root.xpath("//meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')='content-language']/@content")]
    return next((tag for tag in map(language_tag, said) if tag), None)
