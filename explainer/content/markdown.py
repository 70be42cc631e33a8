"""The one Markdown renderer: CommonMark, raw HTML off, only safe link schemes, no remote images.

Tables (GitHub's pipe tables) are rendered in a wrapper a reader can scroll sideways on a phone,
a labelled region that the keyboard reaches. Images are rendered only as their caller says: an
explainer's fields pass `pictures`, which turns a file of the project into a picture (and refuses
anything else, at its line); elsewhere an image is its alt text, so nothing is ever loaded from
another host.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
    md.core.ruler.push("picture_lines", _picture_lines)
    md.add_render_rule("image", _image)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("th_open", _th_open)
    return md


_MD = _make()


def render_block(text: str, pictures: Pictures | None = None) -> str:
    """Markdown paragraphs, lists, tables and links to trusted HTML; images through `pictures`."""
    return _MD.render(text, {"pictures": pictures} if pictures is not None else {})


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
