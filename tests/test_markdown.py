"""Markdown: whatever an author types, no script, raw HTML, remote image or unsafe link comes out."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.content.markdown import render_block, render_inline

UNSAFE = [
    "[a](javascript:alert(1))", "[a](JaVa&#x73;cript:alert(1))", "[a](java\tscript:x)", "[a](&#106;avascript:x)",
    "[d](data:text/html,hi)", "[v](vbscript:x)", "[t](tel:123)", "[f](file:///etc/passwd)", "<ftp://a.b>",
    "<javascript:alert(1)>", "[a](\x01javascript:x)", "[a]( javascript:x)",
]
SAFE = {"[ok](https://x.org/a?b=1&c=2)": "https://x.org/a?b=1&amp;c=2", "[m](mailto:desk@example.com)": "mailto:desk@example.com",
        "[r](../x/)": "../x/", "<https://a.b/c>": "https://a.b/c", "[h](#anchor)": "#anchor",
        # Schemes are case-insensitive (RFC 3986): an editor's HTTPS: or Mailto: is a link too.
        "[u](HTTPS://x.org/U)": "HTTPS://x.org/U", "[w](Http://x.org/w)": "Http://x.org/w", "[m](MAILTO:desk@example.com)": "MAILTO:desk@example.com"}
HREF = re.compile(r'href="([^"]*)"')


def allowed(href: str) -> bool:
    scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", html.unescape(href))
    return scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")


@pytest.mark.parametrize("text", UNSAFE)
def test_links_with_other_schemes_render_as_plain_text(text):
    for out in (render_block(text), render_inline(text)):
        assert "href" not in out


@pytest.mark.parametrize("text, href", SAFE.items())
def test_web_mail_and_relative_links_are_kept(text, href):
    assert f'href="{href}"' in render_block(text)


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "![i](https://tracker.example/p.png)", "<div>x</div>"])
def test_raw_html_and_images_are_shown_as_text(text):
    out = render_block(text)
    assert "<script" not in out and "<img" not in out and "<div" not in out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("ab *_`[]()<>!#-+.:/\\&;\n\t\"'=1") + ["javascript:", "https://", "data:", "mailto:", "](", "**", "\n\n", "&#106;"]), max_size=40).map("".join))
def test_random_markdown_never_yields_script_html_or_unsafe_links(text):
    for out in (render_block(text), render_inline(text)):
        assert all(allowed(h) for h in HREF.findall(out)), out
        assert "<script" not in out and "<img" not in out
