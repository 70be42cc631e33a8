"""The one Markdown renderer: CommonMark, raw HTML off, only safe link schemes, no remote images."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
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


def _make() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # Images would make readers' browsers fetch from any host the author names.
    md.disable("image")
    md.validateLink = is_safe_link
    return md


_MD = _make()


def render_block(text: str) -> str:
    """Markdown paragraphs, lists and links to trusted HTML."""
    return _MD.render(text)


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
