"""Furniture: what a page prints around an article, told apart from the article in any format.

The same rules read a text file, Markdown, a saved page and a word processor's export: a block
standing alone that is a byline, a date line, a photo credit, a labelled caption, a promotion
("Get ... in your inbox") or a page's own furniture ("Advertisement") is set aside, whatever the
format. Each rule looks at one short block; text inside a paragraph is never touched. A byline
and a date line also give the article its byline and date.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache


def fold(text: str) -> str:
    """White space folded to single spaces, ends trimmed."""
    return " ".join(text.split())


# A photo credit, alone on its line or after a caption: "Photo: X", "Photo-X-Y", "Image credit: X", "Photo by X".
# A hyphen counts only before a capital or digit, so "a picture-perfect day" is not a credit.
_CREDIT = re.compile(r"(?:^|(?<=\s))(?i:(?:photo(?:graph)?|image|illustration|picture|graphic|foto|bild)(?:\s+(?:credit|source))?|credit)(?:\s*[:–—…]\s*|\.\.\.\s*|\s+-\s+|-(?=[A-Z0-9])|\s+(?i:by)\s+)(?P<credit>\S.*)$")
# "Image source, Getty Images", as some pages label a credit for screen readers.
_SOURCE_CREDIT = re.compile(r"^(?i:(?:image|photo|picture|video) source),\s+(?P<credit>\S.*)$")
MAX_CREDIT_WORDS = 12
MAX_CREDIT_LINE = 200


def split_credit(line: str) -> tuple[str, str] | None:
    """(caption, credit) for a short line that ends in a photo credit, else None.

    A credit written as one hyphenated token, as some exports do ("Photo-Jane-Doe-Agency"),
    gets its hyphens back as spaces.
    """
    if len(line) > MAX_CREDIT_LINE:
        return None
    match = _SOURCE_CREDIT.match(line)
    if match is not None:
        return "", match.group("credit").strip()
    start = 0
    # The credit's marker may come after another word like it: "Main image: A whale. Photograph: Ann Lee".
    while (match := _CREDIT.search(line, start)) is not None:
        start = match.start() + 1
        caption = line[: match.start()].strip()
        # A caption is a finished sentence; "The photo: a man" is a sentence, not a caption and a credit.
        if caption and not caption.endswith((".", "?", "!", '"', "”", "’", "'", ")", "|", "–", "—")):
            continue
        credit = match.group("credit").strip()
        if " " not in credit and "-" in credit:
            credit = credit.replace("-", " ")
        if len(credit.split()) > MAX_CREDIT_WORDS or credit.endswith("."):
            continue
        return caption, credit
    return None


MAX_FURNITURE_CHARS = 200
# "By Jane Doe", "By Jane Doe and Ann Lee | The Gazette", "Par Jean Dupont", "Reporting by Ann Lee".
_BYLINE = re.compile(r"^(?i:(?:written |words |reporting |text |story )?by|von|par|por|di|door|od|av|af)\s*:?\s+(?P<name>[^.!?;]{2,120}?)\s*(?:[|·•,–—]\s*(?P<rest>.*))?$")
_NAME_PARTICLES = frozenset("de da das do dos du der den van von la le di del della bin al el y e and und et och og i".split())
# The first words of a page's own furniture and of its promotions, wherever it printed them.
_PAGE_FURNITURE = re.compile(
    r"^(advertisement|advertising|anzeige|publicité|publicidad|pubblicità|reklama|supported by|sponsored( content)?|skip to (main )?content"
    r"|continue reading( the main story)?|listen( to (this|the) (article|story))?( \d+ min(ute)?s?)?|share( this( article| story)?)?|share on \w+"
    r"|print( this (article|page))?|comments?|\d+ comments?|(\d+ )?min(ute)? read|reading time:? .{1,20}|more on this (story|topic)"
    r"|(image|photo|video|audio)( gallery)?|getty images|shutterstock|reuters|ap photo|afp|read more|see more|show more|sign up|subscribe( now)?"
    r"|related( articles| stories)?|most (read|popular)|trending|credits?\s*(…|\.\.\.|:).*)[.:]?$",
    re.IGNORECASE,
)
_PROMOTION = re.compile(
    r"\b(in|to) your inbox\b|^(sign up|subscribe|register|join)\b|^(get|receive) (our|the|a) .{0,60}\b(newsletter|briefing|digest|alerts?)\b"
    r"|\bnewsletters?\b.{0,80}\b(sign up|subscribe|free)\b|^(read more|read next|read also|also read|related|see also|recommended|most read|more from)\b\s*[:|›»>-]"
    r"|^follow (us|him|her|them|\w+ \w+) on\b|^(download|get) (the|our) .{0,30}\bapp\b|^this (article|story) (is part of|was (originally |first )?published)"
    r"|^(copyright|©)\s|\ball rights reserved\b",
    re.IGNORECASE,
)
# A caption labelled as one: "Image caption, ...", "Video caption: ...", "Pictured: ...", "Watch: ...".
_CAPTION_LEAD = re.compile(r"^(?i:(?:image|photo|media|video|audio)\s+caption|caption|pictured|video|watch|▶|►)\s*[:,.–—-]?\s+(?P<caption>\S.*)$")
# An agency credit without a marker word: "Jim Doe/AFP/Getty Images", "(Ann Lee / The Courier)", "Getty Images".
_AGENCY = re.compile(r"\b(AP|AFP|Reuters|Getty( Images)?|EPA|Shutterstock|Alamy|PA( Media| Wire)?|Bloomberg|Xinhua|Sipa|dpa|ANP|Keystone|iStock|Corbis|Images)\b")
_SLASH_CREDIT = re.compile(r"^\(?\s*[A-Z][\w.'’ -]{0,60}(?:\s?/\s?[A-Z][\w.'’ -]{0,60})+\s*\)?$")
_DATE_CUES = frozenset("""published updated posted last first on at le à am um de el em mis jour publié publiée publicado actualizado
atualizado veröffentlicht aktualisiert uhr h et gmt bst utc cet cest est edt pst pdt ist aest a.m p.m am pm""".split())


def furniture_of(text: str) -> str | None:
    """What a short block standing alone is, when it is furniture rather than the article's text:
    "byline", "date line", "credit", "caption", "promotion" or "page furniture"; else None."""
    text = fold(text)
    if not text or len(text) > MAX_FURNITURE_CHARS:
        return None
    if _PAGE_FURNITURE.match(text):
        return "page furniture"
    if _PROMOTION.search(text):
        return "promotion"
    if byline_of(text) is not None:
        return "byline"
    if date_of(text) is not None:
        return "date line"
    if _CAPTION_LEAD.match(text):
        return "caption"
    if agency_credit(text):
        return "credit"
    return None


def byline_of(text: str) -> str | None:
    """The names of a byline line ("By Jane Doe and Ann Lee | 4 May 2025" -> "Jane Doe and Ann Lee"), else None."""
    text = fold(text)
    match = _BYLINE.match(text)
    # A sentence ("By Tuesday, the council will vote.") ends as one; a byline does not.
    if match is None or text.endswith((".", "!", "?")) and not re.search(r"\b(?:[A-Z]|Jr|Sr)\.$", text):
        return None
    name = match.group("name").strip()
    words = name.split()
    if not 1 <= len(words) <= 8 or not words[0][:1].isupper() or words[0].casefold() in _month_words():
        return None
    # Names: capitalised words, and the small words names and lists of names are made of.
    if not all(w[:1].isupper() or w.casefold() in _NAME_PARTICLES or w == "&" for w in words):
        return None
    return name


def date_of(text: str) -> dt.date | None:
    """The date of a line that is nothing but a date ("Published 4 May 2025, 10:31 BST"), else None."""
    from htmldate.extractors import custom_parse  # htmldate reads dates in the forms and languages pages write them

    text = fold(text)
    if len(text) > 80 or not any(c.isdigit() for c in text):
        return None
    words = [w.strip(".,:|•·()").casefold() for w in re.split(r"[\s,|•·/]+", text)]
    letters = [w for w in words if w and not any(c.isdigit() for c in w)]
    months = _month_words()
    if len(letters) > 5 or any(w not in _DATE_CUES and w not in months for w in letters):
        return None
    # A date has a year or a month's name; "3" alone is a number.
    if sum(c.isdigit() for c in text) < 4 and not any(w in months for w in letters):
        return None
    found = custom_parse(text, "%Y-%m-%d", dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1))
    try:
        return dt.date.fromisoformat(found) if found else None
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _month_words() -> frozenset[str]:
    """Month and weekday names, wide and abbreviated, in the languages newsrooms import most (from Babel's CLDR data)."""
    from babel.dates import get_day_names, get_month_names

    out: set[str] = set()
    for language in ("en", "fr", "es", "de", "pt", "it", "nl", "cs", "pl", "da", "sv"):
        for width in ("wide", "abbreviated"):
            out.update(n.casefold().strip(".") for n in get_month_names(width, locale=language).values())
            out.update(n.casefold().strip(".") for n in get_day_names(width, locale=language).values())
    return frozenset(out)


def agency_credit(text: str) -> bool:
    """Whether a short line is a photo agency's credit with no marker word: "Jim Doe/AFP/Getty Images"."""
    text = fold(text)
    if len(text.split()) > 10 or text.endswith((".", "?", "!")) and not text.endswith(")"):
        return False
    return bool(_SLASH_CREDIT.match(text)) or (bool(_AGENCY.search(text)) and text.strip("()").istitle() is False and len(text.split()) <= 4 and _AGENCY.fullmatch(text.strip("() ")) is not None)


def is_page_furniture(text: str) -> bool:
    """Whether a line is a page's own furniture wherever it stands: "Advertisement", "Skip to content", "Share"."""
    return bool(_PAGE_FURNITURE.match(fold(text)))
