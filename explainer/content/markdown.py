"""The one Markdown renderer: CommonMark, raw HTML off, only safe link schemes, no remote images.

Two things a reader would otherwise meet twice or not at all are settled here, where the text is
read: the first sentence of a text that repeats the line shown above it (`lead_end`), and the
first use of each glossary term in the answers, which links to its definition (`Terms`).

Tables (GitHub's pipe tables) are rendered in a wrapper a reader can scroll sideways on a phone,
a labelled region that the keyboard reaches. Images are rendered only as their caller says: an
explainer's fields pass `pictures`, which turns a file of the project into a picture (and refuses
anything else, at its line); elsewhere an image is its alt text, so nothing is ever loaded from
another host.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# What renders an image of an explainer's Markdown: given the image's address as written, its alt
# text and the line of the field's text it is on (0 for the first), its trusted HTML.
Pictures = Callable[[str, str, int], str]

# Links may go to the web, to mail, or stay relative; anything else (javascript:, data:, vbscript:,
# file:) renders as plain text. markdown-it has already decoded entities and percent-encoded control
# characters by the time it asks, so a scheme hidden by either is still seen (or is no scheme at all).
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def is_safe_link(url: str) -> bool:
    """True for http, https and mailto addresses and for relative links."""
    match = _SCHEME.match(url)
    return match is None or match.group(1).lower() in ALLOWED_SCHEMES


# Straight and curly quotes are the same character to a reader comparing two sentences.
_SAME = {"'": "['‘’]", "‘": "['‘’]", "’": "['‘’]", '"': '["“”]', "“": '["“”]', "”": '["“”]'}
# What may end a sentence, in the scripts the theme has words for and a few more.
_TERMINAL = ".!?…。！？؟।"


def _loose(text: str) -> str:
    """A pattern for text as a reader sees it: any run of white space for a space, either kind of quote."""
    return "".join(r"\s+" if part.isspace() else "".join(_SAME.get(c, re.escape(c)) for c in part) for part in re.split(r"(\s+)", text.strip()) if part)


def lead_end(text: str, lead: str) -> int | None:
    """Where `lead` ends in the Markdown `text` when the text starts with it as a sentence of its
    own (ignoring case, spacing, quote styles and emphasis around the whole of it), so a page shows
    it once; None when it does not. A lead without closing punctuation matches a sentence that has it."""
    if not lead.strip():
        return None
    punctuation = "" if lead.rstrip()[-1] in _TERMINAL else f"[{re.escape(_TERMINAL)}]?"
    pattern = rf"\s*(\*\*|__|\*|_)?{_loose(lead)}{punctuation}\1?(?=\s|$)"
    found = re.match(pattern, text, re.IGNORECASE)
    return found.end() if found else None


def repeats(text: str, lead: str) -> bool:
    """Whether `text` holds `lead` word for word anywhere (ignoring case, spacing and quote styles)."""
    # Without its closing punctuation and quotes: a line often ends where its sentence goes on.
    words = lead.strip().rstrip(_TERMINAL + "'\"’”»")
    return bool(words) and re.search(_loose(words), text, re.IGNORECASE) is not None


class Terms:
    """Glossary terms to link from their first use, in the order the text is rendered: each term
    is linked once, in the first text that uses it as a whole word (ignoring case), outside links
    and code. `href` is the anchor of its definition, `#<anchor>`; templates point it at the
    explainer's page where the glossary is not on the page (explainer.render.templates.terms_at)."""

    def __init__(self, terms: Iterable[tuple[str, str]]) -> None:
        self._anchors: dict[str, str] = {}
        for term, anchor in terms:
            self._anchors.setdefault(" ".join(term.casefold().split()), anchor)
        # Longest first, so "Minsk 3.0" wins over "Minsk" where both are terms.
        alternatives = sorted(self._anchors, key=len, reverse=True)
        self._pattern = re.compile(rf"(?<!\w)(?:{'|'.join(_loose(t) for t in alternatives)})(?!\w)", re.IGNORECASE) if alternatives else None

    def link(self, state: StateCore) -> None:
        """markdown-it core rule: split the first use of each term out of its text as a link."""
        if self._pattern is None or not self._anchors:
            return
        for block in state.tokens:
            if block.type == "inline" and block.children:
                block.children = self._linked(block.children)

    def _linked(self, children: list[Token]) -> list[Token]:
        out: list[Token] = []
        in_link = 0
        for token in children:
            in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type != "text" or in_link or not self._anchors:
                out.append(token)
                continue
            rest, start = token.content, 0
            for found in self._pattern.finditer(rest):  # type: ignore[union-attr]
                key = " ".join(found.group().casefold().split())
                anchor = self._anchors.pop(key, None)
                if anchor is None:
                    continue  # linked already, further up
                if found.start() > start:
                    out.append(Token("text", "", 0, content=rest[start:found.start()]))
                out.append(Token("link_open", "a", 1, attrs={"class": "term", "href": f"#{anchor}"}))
                out.append(Token("text", "", 0, content=found.group()))
                out.append(Token("link_close", "a", -1))
                start = found.end()
            if start < len(rest):
                out.append(Token("text", "", 0, content=rest[start:]))
        return out


def _picture_lines(state: StateCore) -> None:
    """Note on each image the line of the text it is on, for a message about it."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "image":
                child.meta["line"] = token.map[0] if token.map else 0


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    pictures: Pictures | None = env.get("pictures")
    if pictures is None:
        return escapeHtml(alt)  # no picture here: what it shows, in words
    return pictures(str(token.attrGet("src") or ""), alt, token.meta.get("line", 0))


def _table_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    # A table wider than a phone scrolls inside this region, which the keyboard can reach; it is
    # named by its column headings, as a table written in Markdown has no caption.
    headings = []
    for token in tokens[idx:]:
        if token.type == "thead_close":
            break
        if token.type == "inline":
            headings.append(self.renderInlineAsText(token.children or [], options, env).strip())
    label = escapeHtml(", ".join(h for h in headings if h))
    return f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">\n<table>\n'


def _table_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    return "</table>\n</div>\n"


def _th_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    tokens[idx].attrSet("scope", "col")  # a Markdown table's headings are its first row's
    return self.renderToken(tokens, idx, options, env)


def _make() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = is_safe_link
    md.core.ruler.push("glossary_terms", _link_terms)
    md.core.ruler.push("picture_lines", _picture_lines)
    md.add_render_rule("image", _image)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("th_open", _th_open)
    return md


def _link_terms(state: StateCore) -> None:
    terms = state.env.get("terms")
    if terms is not None:
        terms.link(state)


_MD = _make()


def render_block(text: str, terms: Terms | None = None, pictures: Pictures | None = None) -> str:
    """Markdown paragraphs, lists, tables and links to trusted HTML; with `terms`, the first use of
    each glossary term not yet linked becomes a link to its definition; images through `pictures`."""
    env: dict[str, Any] = {}
    if terms is not None:
        env["terms"] = terms
    if pictures is not None:
        env["pictures"] = pictures
    return _MD.render(text, env)


def render_inline(text: str) -> str:
    """One line of Markdown (emphasis, links) to trusted HTML with no wrapping paragraph; an image is its alt text."""
    return _MD.renderInline(text.strip())


def parse_tokens(text: str) -> list[Token]:
    """The token stream of Markdown text, parsed exactly as the site renders it (for reading, not rendering)."""
    return _MD.parse(text)


def plain_blocks(text: str) -> list[str]:
    """The text a reader sees in Markdown, one string per paragraph, heading, list item or code block.

    Emphasis and link markup are dropped (link text stays), escapes and entities are decoded,
    line breaks inside a block become spaces and white space is folded.
    """
    blocks: list[str] = []
    for token in parse_tokens(text):
        if token.type == "inline":
            parts = []
            for child in token.children or ():
                if child.type in ("text", "code_inline", "html_inline", "image"):  # an image's content is its alt text
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            blocks.append(" ".join("".join(parts).split()))
        elif token.type in ("fence", "code_block"):
            blocks.append(" ".join(token.content.split()))
    return [block for block in blocks if block]


# --- links an editor meant but will not get ----------------------------------------------------
#
# A Markdown link that does not parse is published as its brackets and address; one whose address
# lacks its scheme is published as a link to a page of this site that does not exist. Neither stops
# a build, but each is a warning naming its line: these are the patterns of those mistakes.

# [text](address with no closing ), or with a scheme links may not use: markdown-it left it as text.
_UNPARSED = re.compile(r"\[([^\[\]]*)\]\(\s*([^\s)]*)(\s*\))?")
# [text] (address): the space keeps it from being a link.
_SPACED = re.compile(r"\[[^\[\]]*\]\s+\((?:https?://|mailto:|www\.)\S*\)")
# [text][label] with no `[label]: address` anywhere: a reference that leads nowhere.
_REFERENCE = re.compile(r"\[[^\[\]]+\]\[([^\[\]]*)\]")
# An address that is a host name written without its scheme: www.example.org, example.org/page.
_BARE_HOST = re.compile(r"(www\.[^/\s]+|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,24}))(?=[/?#:]|$)")
# Extensions that make `name.ext` a file of this site, not a host.
_FILE_EXTENSIONS = frozenset("html htm php pdf png jpg jpeg gif svg webp avif xml json txt csv md zip doc docx xls xlsx ppt pptx mp3 mp4 mov".split())
# http: or https: with one slash or none after it, or a colon left out: http:/x, https:x, http//x.
_BROKEN_SCHEME = re.compile(r"^(https?):(?!//)|^(https?)//", re.I)
_SCHEME_TYPO = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)


def _scheme_advice(scheme: str) -> str:
    """What to write for an address whose scheme a link may not use."""
    scheme = scheme.lower()
    close = [s for s in ("https", "http", "mailto") if _near(scheme, s)]
    if close:
        return f"'{scheme}:' is not a scheme a link may use: did you mean '{close[0]}:'? It is published as plain text"
    return f"links may only go to http, https and mailto addresses, so this one ('{scheme}:') is published as plain text"


def _near(a: str, b: str) -> bool:
    """Whether a is b with a letter left out, added, swapped or changed."""
    return a != b and difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def _address_problem(href: str) -> str | None:
    broken = _BROKEN_SCHEME.match(href)
    if broken:
        scheme = (broken.group(1) or broken.group(2)).lower()
        rest = href[broken.end():].lstrip("/")
        return f"the address {href!r} is missing part of '{scheme}://': write {scheme}://{rest}"
    if _SCHEME.match(href) or href.startswith(("/", "#", ".", "?")):
        return None
    host = _BARE_HOST.match(href)
    if host and (host.group(1).startswith("www.") or host.group(3).lower() not in _FILE_EXTENSIONS):
        return f"the address {href!r} has no https:// in front, so it leads to a page of this site that does not exist: write https://{href}"
    return None


def link_problems(text: str) -> list[tuple[int, str]]:
    """Each link in Markdown text that will not be published as its writer meant (an image is shown,
    or refused, where the explainer is modelled: content/pictures.py): its
    line within the text (0-based) and what to do. Markdown is parsed exactly as the site
    renders it."""
    problems: list[tuple[int, str]] = []
    defined = {m.group(1).strip().lower() for m in re.finditer(r"^\s{0,3}\[([^\]]+)\]:", text, re.M)}
    for token in parse_tokens(text):
        if token.type != "inline" or token.map is None:
            continue
        line, run, run_line = token.map[0], "", token.map[0]
        children = token.children or []
        for i, child in enumerate(children):
            if child.type == "text":
                if not run:
                    run_line = line
                run += child.content
            if child.type != "text" or i == len(children) - 1 or children[i + 1].type != "text":
                problems += [(run_line + n, message) for n, message in _text_problems(run, defined)]
                run = ""
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                problem = _address_problem(href)
                if problem:
                    problems.append((line, problem))
    return problems


def _text_problems(run: str, defined: set[str]) -> list[tuple[int, str]]:
    """Links left as text in a run of text: never closed, with a scheme links may not use, a space
    before the address, or a reference to a label defined nowhere."""
    found = []
    for match in _UNPARSED.finditer(run):
        at = run.count("\n", 0, match.start())
        shown = match.group(0) if len(match.group(0)) <= 60 else match.group(0)[:57] + "..."
        if not match.group(3):
            found.append((at, f"this link is never closed: add ')' after its address: {shown}"))
        elif _SCHEME_TYPO.match(match.group(2)):
            found.append((at, _scheme_advice(_SCHEME_TYPO.match(match.group(2)).group(1))))  # type: ignore[union-attr]
    for match in _SPACED.finditer(run):
        found.append((run.count("\n", 0, match.start()), "a space between ']' and '(' keeps this from being a link: take the space out"))
    for match in _REFERENCE.finditer(run):
        label = (match.group(1) or "").strip().lower()
        if label not in defined:
            found.append((run.count("\n", 0, match.start()), f"this link's label [{match.group(1)}] is defined nowhere, so it is "
                                                              "published as brackets: write its address in ( ) instead"))
    return found
