"""Stage 5, for the files crawlers and feed readers fetch: the Atom feed, the sitemap, robots.txt.

XML is built as an lxml element tree and written by lxml's serializer, which escapes every text
and attribute and declares the namespaces; nothing here pastes strings into markup. (The standard
library's ElementTree cannot write a default namespace on elements that carry plain attributes,
as Atom's <link rel href> do.) Content may hold characters XML 1.0 forbids, most control
characters, through YAML escapes such as "\\x01": xml_text removes them first, and lxml refuses
any that got past it, so a feed reader never meets a document it must reject.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree

from explainer.plan.pages import Page
from explainer.plan.publish import Feed, SitemapEntry

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Everything outside XML 1.0's Char production: C0 controls but tab, newline and carriage
# return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def _atom_time(date: dt.date) -> str:
    """An RFC 3339 timestamp, as Atom wants: a moment with its zone, or a day's midnight UTC."""
    if isinstance(date, dt.datetime):
        return date.isoformat().replace("+00:00", "Z")
    return f"{date.isoformat()}T00:00:00Z"


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child in the parent's namespace, with text and attributes made safe for XML."""
    namespace = etree.QName(parent).namespace
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}", {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def render_feed(page: Page) -> bytes:
    """The Atom feed (RFC 4287) of every explainer."""
    feed: Feed = page.context["feed"]
    root = etree.Element(f"{{{ATOM}}}feed", {XML_LANG: xml_text(feed.language)}, nsmap={None: ATOM})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title)
    _add(root, "updated", _atom_time(feed.updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.url)
    _add(root, "link", rel="alternate", type="text/html", href=feed.home_url)
    author = _add(root, "author")
    _add(author, "name", feed.author)
    if feed.author_url:
        _add(author, "uri", feed.author_url)
    for item in feed.entries:
        entry = _add(root, "entry")
        if item.language:
            entry.set(XML_LANG, xml_text(item.language))
        _add(entry, "id", item.id)
        _add(entry, "title", item.title)
        _add(entry, "link", rel="alternate", type="text/html", href=item.url)
        _add(entry, "published", _atom_time(item.published))
        _add(entry, "updated", _atom_time(item.updated))
        for name, uri in [(a.name, a.url) for a in item.authors] or [(item.author, None)]:
            author = _add(entry, "author")
            _add(author, "name", name)
            if uri:
                _add(author, "uri", uri)
        _add(entry, "summary", item.summary)
    return _serialize(root)


def _sitemap_list(tag: str, item_tag: str, entries: tuple[SitemapEntry, ...]) -> bytes:
    """A sitemaps.org 0.9 list: one item_tag per entry, with its address and last change."""
    root = etree.Element(f"{{{SITEMAP}}}{tag}", nsmap={None: SITEMAP})
    for entry in entries:
        item = _add(root, item_tag)
        _add(item, "loc", entry.url)
        _add(item, "lastmod", entry.modified.isoformat())
    return _serialize(root)


def render_sitemap(page: Page) -> bytes:
    """sitemap.xml (or one of its parts) in the sitemaps.org 0.9 format."""
    return _sitemap_list("urlset", "url", page.context["entries"])


def render_sitemap_index(page: Page) -> bytes:
    """sitemap.xml as a sitemap index: the address and last change of each part."""
    return _sitemap_list("sitemapindex", "sitemap", page.context["sitemaps"])


def render_robots(page: Page) -> bytes:
    """robots.txt: everything may be crawled; the sitemap's absolute address."""
    return f"User-agent: *\nDisallow:\n\nSitemap: {page.context['sitemap_url']}\n".encode()


def render_cname(page: Page) -> bytes:
    """CNAME: the custom domain, one line, as GitHub Pages reads it."""
    return f"{page.context['host']}\n".encode()


def render_empty(page: Page) -> bytes:
    """An empty file, for markers such as .nojekyll whose presence is the message."""
    return b""
