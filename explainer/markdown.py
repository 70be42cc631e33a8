"""The one Markdown renderer: CommonMark, raw HTML off, only safe link schemes, no remote images."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

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
