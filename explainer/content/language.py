"""The reader's words: what the theme says around the content (headings such as "Contents",
labels such as "Embed this", dates), in the language of the explainer it shows.

The theme's templates are written in English and mark each phrase for translation, as gettext
does: `{{ _("Contents") }}`, or `{{ _("Published %(date)s", date=...) }}` with the value filled
in (and escaped) after translation. A language's words are a YAML file in the theme's `words/`
folder, `words/fr.yaml`, mapping each English phrase to its translation. A project's own
`templates/words/<language>.yaml` changes any of them, phrase by phrase, or adds a language the
theme lacks. A phrase no file translates is shown in English.

Which words a language takes is Babel's locale negotiation: `pt-BR` takes `pt-BR.yaml`, else
`pt.yaml`. Dates are written by Babel in the language's own long form ("16 octobre 2025"), and its
text direction (`rtl` for Arabic, Hebrew, Persian, Urdu...) comes from Babel's locale data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import babel  # its core only (10 ms); babel.dates, which formats dates, is imported when one is

if TYPE_CHECKING:
    import jinja2.runtime


SOURCE_LANGUAGE = "en"  # the language the theme's templates are written in

# The headings a section kind takes when the editor gives none (the theme translates them).
DEFAULT_HEADINGS = {
    "timeline": "Timeline", "people": "People", "glossary": "Glossary", "sources": "Sources", "key_points": "Key points", "known": "Where things stand",
}
# Phrases the build itself writes in a page's language, beside the templates' and the headings:
# a timeline embed's title (the colon is the language's: "Chronologie\u00a0: ..." in French), and
# a topic feed's title.
CODE_PHRASES = ("%(heading)s: %(explainer)s", "%(topic)s: %(site)s")
# The template functions whose first argument is a phrase of the words files (page_globals).
PHRASE_FUNCTIONS = ("_", "gettext", "ngettext", "around")


@lru_cache(maxsize=None)
def locale_of(tag: str) -> babel.Locale | None:
    """Babel's locale for a BCP 47 tag (`en`, `pt-BR`, `sr-Latn`), or None if Babel knows none."""
    try:
        return babel.Locale.parse(tag, sep="-")
    except (ValueError, TypeError, babel.UnknownLocaleError):
        return None


# A language tag as the schema's `language` field takes it: fr, pt-BR, sr-Latn.
_TAG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")


def language_tag(said: str | None) -> str | None:
    """The language tag a document means when it says its language ("pt_BR", "de-DE, en"), as the
    schema writes one ("pt-BR", "de-DE"); None when it names no language Babel knows."""
    tag = (said or "").strip().split(",")[0].strip().replace("_", "-")
    return tag if _TAG.fullmatch(tag) and locale_of(tag) is not None else None


@dataclass(frozen=True, slots=True)
class Words:
    """Each language's translations: tag as its file names it (`fr`, `pt-BR`) -> phrase -> words."""

    languages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    digest: str = ""

    def for_language(self, tag: str) -> Mapping[str, str]:
        """The phrases a language tag takes: its own file's, else its base language's, else none."""
        if not self.languages:
            return {}
        chosen = babel.negotiate_locale([tag], list(self.languages), sep="-")
        return self.languages.get(chosen, {}) if chosen else {}

    def has(self, tag: str) -> bool:
        """Whether the theme and project give any words for the language (English needs none)."""
        base = tag.split("-")[0].lower()
        return base == SOURCE_LANGUAGE or bool(self.for_language(tag))


@dataclass(frozen=True, slots=True)
class Language:
    """What a page needs of its language: its tag for `lang`, its direction for `dir`, its words."""

    tag: str
    direction: str  # "ltr" or "rtl"
    phrases: Mapping[str, str]
    locale: babel.Locale

    def gettext(self, phrase: str) -> str:
        return self.phrases.get(phrase, phrase)


_LANGUAGES: dict[tuple[str, str], Language] = {}


def language(tag: str, words: Words) -> Language:
    """The Language for a tag that validation has checked Babel knows (made once per build)."""
    known = _LANGUAGES.get((tag, words.digest))
    if known is not None:
        return known
    if len(_LANGUAGES) > 64:
        _LANGUAGES.clear()
    locale = locale_of(tag) or locale_of(SOURCE_LANGUAGE)
    assert locale is not None
    made = _LANGUAGES[tag, words.digest] = Language(tag, locale.text_direction, words.for_language(tag), locale)
    return made


def native_name(tag: str) -> str:
    """A language's name in its own words, as a language switch offers it: "Français", "Deutsch",
    "العربية", "Português (Brasil)" (CLDR's name, its first letter a capital where the script has them)."""
    locale = locale_of(tag)
    name = locale.get_display_name(locale) if locale is not None else None
    return (name[:1].upper() + name[1:]) if name else tag


def date_text(value: dt.date | str, locale: babel.Locale) -> str:
    """A date as the language writes it in full: a day ("October 16, 2025", "16 octobre 2025"),
    a month ("August 2025", "août 2025") or a year, from '2025-10-16', '2025-08' or '2025'; a
    moment (an aware datetime) as its day, time and zone ("October 16, 2025, 9:30 AM +0200",
    "16. Oktober 2025, 09:30 MESZ"), in the zone the editor gave."""
    import babel.dates

    if isinstance(value, dt.datetime):
        day = babel.dates.format_date(value, "long", locale=locale)
        time = babel.dates.format_time(value, "short", tzinfo=value.tzinfo, locale=locale)
        zone = babel.dates.format_time(value, "z", tzinfo=value.tzinfo, locale=locale)
        # The language's own way of joining a day and a time, as Babel's format_datetime does it.
        return str(babel.dates.get_datetime_format("long", locale=locale)).replace("'", "").replace("{0}", f"{time} {zone}").replace("{1}", day)
    text = value.isoformat() if isinstance(value, dt.date) else value
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return babel.dates.format_date(dt.date(*parts), "long", locale=locale)
    if len(parts) == 2:
        return babel.dates.format_skeleton("yMMMM", dt.date(parts[0], parts[1], 1), locale=locale)
    return babel.dates.format_skeleton("y", dt.date(parts[0], 1, 1), locale=locale)


def date_in_year(value: str, locale: babel.Locale) -> str:
    """A timeline date without its year, which the year's heading gives: the day ("October 16",
    "16 octobre"), the month ("August", "août"), or "" for a year alone."""
    import babel.dates

    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return babel.dates.format_skeleton("MMMMd", dt.date(*parts), locale=locale)
    if len(parts) == 2:
        return babel.dates.format_date(dt.date(parts[0], parts[1], 1), "LLLL", locale=locale)
    return ""


# A sentence's end as Unicode marks one: a Sentence_Terminal character (. ! ? and the full-width,
# Arabic, Devanagari, Armenian... forms of them) or an ellipsis, then any closing quotes or brackets.
_SENTENCE_END = r"[\p{Sentence_Terminal}\u2026\u22ef][\p{Sentence_Break=Close}\s]*\Z"


def ends_a_sentence(text: str) -> bool:
    """Whether a text already ends as a sentence does ("Why now?", "Ça va ?", "لماذا؟", "なぜ？",
    "He said “Stop!”", "Acme Inc."), so that a template joins what follows without a full stop of
    its own: never "Why now?. The article..."."""
    import regex  # imported when a template asks (a source with a note)

    return regex.search(_SENTENCE_END, text) is not None


def heading_of(section: Any, gettext: Callable[[str], str]) -> str:
    """A section's heading: the editor's, or its kind's default in the page's language."""
    return section.heading if section.heading is not None else gettext(DEFAULT_HEADINGS[section.kind])


def page_globals(lang: Language) -> dict[str, Any]:
    """The functions a template translates with, in its page's language: `_`/`gettext` and
    `ngettext`, as Jinja's i18n extension calls them ("newstyle": values are filled in after
    translation, and escaped), `list_separators`, for a list in the language's own words, and
    `around`, for the words and punctuation around one value of a phrase."""
    from jinja2 import pass_context
    from markupsafe import Markup

    @pass_context
    def gettext(context: jinja2.runtime.Context, phrase: str, **values: Any) -> str:
        text = lang.gettext(phrase)
        if context.eval_ctx.autoescape:
            text = Markup.escape(text)  # a translation is text, never markup: values bring their own
        return text % values if values else text

    @pass_context
    def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int, **values: Any) -> str:
        return gettext(context, singular if n == 1 else plural, num=n, **values)

    def list_separators(count: int) -> list[str]:
        """What goes before, between and after `count` items listed as the language lists them:
        ["", " and ", ""] for two in English, so a template writes each item as markup of its own."""
        import babel.lists

        # NUL stands for an item: content can hold none (the schemas refuse control characters).
        return [Markup.escape(part) for part in babel.lists.format_list(["\0"] * count, locale=lang.locale).split("\0")] if count else [""]

    @pass_context
    def around(context: jinja2.runtime.Context, phrase: str, name: str, **values: Any) -> tuple[str, str]:
        """What the language writes before and after one value of a phrase, its other values filled
        in: `around("%(label)s: %(title)s", "label", title="Oil")` is ("", ": Oil") in English and
        ("", "\u00a0: Oil") in French, so a template shows that value itself and can set the rest
        apart (for screen readers only, say) with the language's own punctuation."""
        # NUL stands for the value: content can hold none (the schemas refuse control characters).
        before, _, after = gettext(context, phrase, **values, **{name: "\0"}).partition("\0")
        return before, after

    return {"gettext": gettext, "_": gettext, "ngettext": ngettext, "list_separators": list_separators, "around": around}


def placeholders(text: str) -> set[str]:
    """The `%(name)s` values a phrase fills in."""
    return set(re.findall(r"%\((\w+)\)s", text))
