"""The one Markdown renderer: CommonMark, raw HTML off, only safe link schemes, no remote images.

Two things a reader would otherwise meet twice or not at all are settled here, where the text is
read: the first sentence of a text that repeats the line shown above it (`lead_end`), and the
first use of each glossary term in the answers, which links to its definition (`Terms`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

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


def _make() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # Images would make readers' browsers fetch from any host the author names.
    md.disable("image")
    md.validateLink = is_safe_link
    md.core.ruler.push("glossary_terms", _link_terms)
    return md


def _link_terms(state: StateCore) -> None:
    terms = state.env.get("terms")
    if terms is not None:
        terms.link(state)


_MD = _make()


def render_block(text: str, terms: Terms | None = None) -> str:
    """Markdown paragraphs, lists and links to trusted HTML; with `terms`, the first use of each
    glossary term not yet linked becomes a link to its definition."""
    return _MD.render(text, {"terms": terms} if terms is not None else None)


def render_inline(text: str) -> str:
    """One line of Markdown (emphasis, links) to trusted HTML with no wrapping paragraph."""
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
                if child.type in ("text", "code_inline", "html_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            blocks.append(" ".join("".join(parts).split()))
        elif token.type in ("fence", "code_block"):
            blocks.append(" ".join(token.content.split()))
    return [block for block in blocks if block]
