"""Hostile text in every field: nothing executes, nothing is fetched, and the text reads as typed.

One build holds one explainer per hostile string, with that string (and the field's name, so a
missing field is noticed) in every content field; the site's and publisher's names carry several
hostile strings at once. Every page is then opened in Chromium; every JSON and XML output (oEmbed,
JSON-LD, the Atom feed, the sitemap) is parsed and must give back the text as typed, with nothing
the generator did not write; and every social image must be the one drawn from the text as typed.
"""

from __future__ import annotations

import html
import io
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import feedparser
import lxml.html
import pytest
import yaml
from helpers import cli
from helpers import make_project as project
from lxml import etree
from PIL import Image
from test_publish import SITEMAP_XSD, png_chunks
from webtools import static_server

from explainer.pipeline import build
from explainer.plan.publish import SocialImage
from explainer.render.social import draw_social_image, drawable_text

BASE_URL = "https://example.org/repo/"


@dataclass(frozen=True)
class Hostile:
    name: str
    text: str
    markdown: str | None = None  # what a reader sees when the text is Markdown, when it differs


HOSTILE = [
    Hostile("script-tag", "<script>alert(1)</script>"),
    Hostile("attribute-break-double", '"><img src=x onerror=alert(1)>'),
    Hostile("attribute-break-single", "'><svg onload=alert(1)>"),
    Hostile("event-attribute-double", '" onmouseover="alert(1)'),
    Hostile("event-attribute-single", "' onfocus='alert(1)' autofocus '"),
    Hostile("javascript-url", "javascript:alert(1)"),
    Hostile("javascript-url-mixed-case", "JaVaScRiPt:alert(1)"),
    Hostile("javascript-url-entity", "&#106;avascript:alert(1)", markdown="javascript:alert(1)"),
    Hostile("javascript-url-tab", "java\tscript:alert(1)"),
    Hostile("javascript-url-newline", "java\nscript:alert(1)"),
    Hostile("data-url", "data:text/html,<script>alert(1)</script>"),
    Hostile("data-url-base64", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    Hostile("jinja-expression", "{{ 7*7 }}"),
    Hostile("jinja-raw-block", "{% raw %}{{ 7*7 }}{% endraw %}"),
    Hostile("jinja-comment", "{# x #} after"),
    # In Markdown, __x__ is strong emphasis: the reader sees the words in bold, without underscores.
    Hostile("jinja-object-walk", "{{ ''.__class__.__mro__[1].__subclasses__() }}", markdown="{{ ''.class.mro[1].subclasses() }}"),
    Hostile("close-script", "</script><script>alert(1)</script>"),
    Hostile("close-style", "</style><script>alert(1)</script>"),
    Hostile("close-textarea", "</textarea><script>alert(1)</script>"),
    Hostile("close-title", "</title><script>alert(1)</script>"),
    Hostile("cdata-end", "]]><script>alert(1)</script>"),
    Hostile("comment-and-cdata", "<!-- x --><![CDATA[ y ]]>"),
    Hostile("line-and-paragraph-separators", "a\u2028b\u2029c"),
    Hostile("rtl-override", "\u202egnp.exe\u202c file"),
    Hostile("zero-width", "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom"),
    Hostile("emoji", "👩🏽‍💻 🇺🇦 😀 flags"),
    Hostile("long", "<b>x</b> &amp; " * 120 + "end", markdown="<b>x</b> & " * 120 + "end"),
    Hostile("literal-entities", "&amp; &lt;script&gt; &quot;", markdown='& <script> "'),
    Hostile("markdown-javascript-link", "[x](javascript:alert(1))"),
    Hostile("markdown-javascript-link-upper", "[x](JAVASCRIPT:alert(1))"),
    Hostile("markdown-javascript-autolink", "<javascript:alert(1)>"),
    Hostile("markdown-data-link", "[x](data:text/html,<script>alert(1)</script>)"),
    Hostile("markdown-link-quote-break", '[x](https://example.org/"onmouseover="alert(1))', markdown="x"),
    Hostile("raw-anchor", '<a href="javascript:alert(1)">x</a>'),
    Hostile("raw-iframe", "<iframe src=javascript:alert(1)></iframe>"),
    Hostile("mutation-xss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    Hostile("json-escape-lookalike", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
    Hostile("template-literal", "`${alert(1)}`", markdown="${alert(1)}"),
    Hostile("percent-encoded", "%3Cscript%3Ealert(1)%3C/script%3E"),
]

PLAIN_FIELDS = [
    "title", "dek", "attribution", "key_points.heading", "key_point", "label", "question", "short_answer",
    "card.title", "card.summary", "fact.label", "items.heading", "item.title", "text.heading", "timeline.heading",
    "people.heading", "person.name", "person.role", "glossary.heading", "glossary.term", "sources.heading",
    "source.title", "source.publisher", "source.note",
]
MARKDOWN_FIELDS = [
    "intro", "answer", "after_cards", "card.detail", "fact.text", "items.intro", "item.text", "text.text",
    "timeline.event", "person.note", "glossary.definition", "correction.text", "update.text",
]
# A source address may hold anything but spaces; it must land in href exactly, and stay inert.
SOURCE_URL = "https://example.org/x?a=\"><svg/onload=alert(1)>&b='><script>alert(1)</script>"
SITE_NAME = "<script>alert(1)</script> {{ 7*7 }} \"><img src=x onerror=alert(1)></title></style> \u202eemaN\u202c ⟦site⟧"
PUBLISHER_NAME = "'><svg onload=alert(1)> {% raw %} &amp; </textarea> \u2028 ⟦publisher⟧"
PUBLISHER_URL = "https://example.org/?\"><script>alert(1)</script>"

# Which fields each kind of page shows (the site's name shows on every page but fragments).
ON_QUESTION = ["title", "label", "question", "short_answer", "answer", "card.title", "card.summary", "after_cards"]
# A question's own page shows its deck whole; its embed, its question and short answer, and with
# ?answer=full also its answer and its cards' titles and summaries.
ON_QUESTION_PAGE = ON_QUESTION + ["card.detail", "fact.label", "fact.text", "image.caption", "image.credit"]
ON_QUESTION_EMBED = ["title", "question", "short_answer"]
ON_WHOLE_QUESTION_EMBED = ON_QUESTION_EMBED + ["answer", "card.title", "card.summary", "after_cards"]
ON_CARD = ["title", "question", "card.title", "card.summary", "card.detail", "fact.label", "fact.text"]
ON_TIMELINE = ["title", "timeline.heading", "timeline.event"]
# Updates and corrections show on the explainer's, questions' and cards' own pages, not in embeds.
ON_CHANGES = ["correction.text", "update.text"]


def marked(text: str, field: str) -> str:
    """The text as one field holds it: the field's name after it, so each field is found on its own."""
    return f"{text} ⟦{field}⟧"


def explainer_data(i: int, text: str) -> dict:
    """An explainer with every content field set to the text."""
    f = lambda field: marked(text, field)  # noqa: E731
    return {
        "slug": f"hostile-{i}", "title": f("title"), "dek": f("dek"), "published": "2025-01-02", "updated": "2025-02-03",
        "attribution": f("attribution"), "intro": f("intro"),
        "changes": [{"date": "2025-01-20", "kind": "correction", "text": f("correction.text")},
                    {"date": "2025-01-25", "kind": "update", "text": f("update.text")}],
        "sections": [
            {"id": "points", "heading": f("key_points.heading"), "key_points": [f("key_point")]},
            {"id": "q", "label": f("label"), "question": f("question"), "short_answer": f("short_answer"), "answer": f("answer"),
             "cards": [{"id": "c", "title": f("card.title"), "summary": f("card.summary"), "detail": f("card.detail"),
                        "facts": [{"label": f("fact.label"), "text": f("fact.text")}]}],
             "after_cards": f("after_cards"),
             "image": {"src": PICTURE, "alt": f("image.alt"), "caption": f("image.caption"), "credit": f("image.credit")}},
            {"id": "items", "heading": f("items.heading"), "intro": f("items.intro"), "items": [{"title": f("item.title"), "text": f("item.text")}]},
            {"id": "text", "heading": f("text.heading"), "text": f("text.text")},
            {"heading": f("timeline.heading"), "timeline": [{"date": "2025-01", "event": f("timeline.event")}]},
            {"heading": f("people.heading"), "people": [{"name": f("person.name"), "role": f("person.role"), "note": f("person.note")}]},
            {"heading": f("glossary.heading"), "glossary": [{"term": f("glossary.term"), "definition": f("glossary.definition")}]},
            {"heading": f("sources.heading"), "sources": [{"title": f("source.title"), "url": SOURCE_URL, "publisher": f("source.publisher"), "note": f("source.note")}]},
        ],
    }


def dump(data: dict) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    assert yaml.safe_load(text) == data  # the file says exactly what the test means
    return text


PICTURE = "pictures/q.png"  # the question's picture: its alt text, caption and credit are hostile too


def make_project(root: Path, texts: list[str], site_name: str = SITE_NAME, publisher: str = PUBLISHER_NAME) -> Path:
    site = {"name": site_name, "base_url": BASE_URL, "language": "en", "publisher": {"name": publisher, "url": PUBLISHER_URL}}
    root = project(root, {f"hostile-{i}.yaml": dump(explainer_data(i, text)) for i, text in enumerate(texts)}, site=dump(site))
    (root / PICTURE).parent.mkdir()
    Image.new("RGB", (640, 360), "#557799").save(root / PICTURE)
    return root


def readable(text: str) -> str:
    """Text as a browser lays it out: runs of HTML white space (ASCII only) fold to one space."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


def expected(hostile: Hostile, field: str) -> str:
    shown = hostile.markdown if field in MARKDOWN_FIELDS and hostile.markdown is not None else hostile.text
    return readable(marked(shown, field))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hostile") / "project", [h.text for h in HOSTILE])
    build(root)
    return root / "site"


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same shape of site with harmless text: the markup, scripts and links that are ours."""
    root = make_project(tmp_path_factory.mktemp("clean") / "project", ["Plain words", "**Bold** words, `code` and [a link](https://example.org/a)"], "Plain site", "Plain publisher")
    build(root)
    return root / "site"


HOST_PAGE = "host-story.html"


def wrap_fragments(site: Path) -> None:
    """Paste every fragment into one minimal page, as a newsroom's CMS would, so they can be opened."""
    bodies = [path.read_text("utf-8") for path in sorted(site.rglob("fragment.html"))]
    page = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,"></head>'
            f'<body><p>Host story.</p>{"".join(bodies)}</body></html>')
    (site / HOST_PAGE).write_text(page, "utf-8")


def pages_with_fields(i: int) -> list[tuple[str, list[str]]]:
    """Each page of explainer i (relative to the base URL) and the fields it must show."""
    slug = f"hostile-{i}"
    return [
        (f"{slug}/", PLAIN_FIELDS + MARKDOWN_FIELDS),
        (f"{slug}/q/", ON_QUESTION_PAGE + ON_CHANGES),
        (f"{slug}/c/", ON_CARD + ON_CHANGES),
        (f"{slug}/embed/q/", ON_QUESTION_EMBED),
        (f"{slug}/embed/q/?answer=full", ON_WHOLE_QUESTION_EMBED),
        (f"{slug}/embed/c/", ON_CARD),
        (f"{slug}/embed/timeline/", ON_TIMELINE),
    ]


# Kickers are set in capitals by CSS: read the letters as typed (an inline style, fetching nothing).
READ_PAGE = """() => {
    const style = document.createElement("style");
    style.textContent = "* { text-transform: none !important }";
    document.head.append(style);
    return [document.body.innerText, document.title];
}"""


@pytest.mark.slow
def test_hostile_text_in_every_field_runs_nothing_fetches_nothing_and_reads_as_typed(hostile_site, browser):
    wrap_fragments(hostile_site)
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    failures: list[str] = []
    site_shown = readable(SITE_NAME)
    opened = 0
    with static_server(hostile_site, "/repo/") as base:
        origin = base.removesuffix("repo/")

        def visit(url: str) -> tuple[str, str]:
            nonlocal opened
            dialogs.clear(), requests.clear(), console.clear()
            page.goto(base + url)
            text, title = page.evaluate(READ_PAGE)
            opened += 1
            outside = [r for r in requests if not r.startswith(origin + "repo/")]
            if url == "no/such/page/":  # the 404 page itself comes with status 404, which Chromium logs
                console[:] = [m for m in console if "status of 404" not in m]
            for what, found in (("dialog", dialogs), ("request outside the site", outside), ("console error", console)):
                if found:
                    failures.append(f"{url}: {what}: {found}")
            return readable(text), title

        def shows(url: str, text: str, hostile: Hostile, fields: list[str]) -> None:
            missing = [field for field in fields if expected(hostile, field) not in text]
            if missing:
                failures.append(f"{url} ({hostile.name}): not shown as typed: {missing}")
            if hostile.name.startswith("jinja") and "49" in text:
                failures.append(f"{url}: a template expression in content was evaluated")

        for i, hostile in enumerate(HOSTILE):
            for url, fields in pages_with_fields(i):
                text, title = visit(url)
                shows(url, text, hostile, fields)
                if url.endswith("/embed/q/") and title != f"{readable(marked(hostile.text, 'question'))} · {readable(marked(hostile.text, 'title'))}":
                    failures.append(f"{url} ({hostile.name}): page title reads {title!r}")
                if url.count("/") == 1 and title != f"{readable(marked(hostile.text, 'title'))} · {site_shown}":
                    failures.append(f"{url} ({hostile.name}): page title reads {title!r}")
        host, _ = visit(HOST_PAGE)
        for hostile in HOSTILE:
            shows(HOST_PAGE, host, hostile, ON_QUESTION_EMBED + ON_CARD + ON_TIMELINE)
        # The index's pages: the front page, then page/2/ and on, each listing some of them.
        index_pages = ["", *sorted(f"page/{p.name}/" for p in (hostile_site / "page").iterdir())]
        listed = ""
        for url in [*index_pages, "no/such/page/"]:
            text, _ = visit(url)
            if site_shown not in text or readable(PUBLISHER_NAME) not in text:
                failures.append(f"{url or 'index'}: the site's or publisher's name is not shown as typed")
            if url in index_pages:
                listed += text
        for hostile in HOSTILE:
            shows("index", listed, hostile, ["title", "dek", "attribution"])
    context.close()
    assert len(index_pages) > 1 and opened == len(HOSTILE) * 7 + len(index_pages) + 2
    assert not failures, "\n".join(failures)


def html_outputs(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != HOST_PAGE)


def markup(site: Path) -> tuple[set[str], set[str], set[str]]:
    """The element names, inline script bodies and link schemes every HTML output holds."""
    tags, scripts, schemes = set(), set(), set()
    for path in html_outputs(site):
        tree = lxml.html.fromstring(path.read_text("utf-8"))
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            tags.add(element.tag)
            if element.tag == "script" and element.get("type") == "application/ld+json":
                # Data, not code: it must parse, and it holds the content, so it differs by build.
                json.loads(element.text or "")
            elif element.tag == "script":
                scripts.add(element.text or "")
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), f"{path}: <{element.tag} {name}=...>"
                if name in ("href", "src", "action", "formaction", "xlink:href"):
                    scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
                    schemes.add(scheme.group(1).lower() if scheme else "")
    return tags, scripts, schemes


def test_hostile_text_adds_no_element_script_or_link_scheme_of_its_own(hostile_site, clean_site):
    tags, scripts, schemes = markup(hostile_site)
    clean_tags, clean_scripts, clean_schemes = markup(clean_site)
    assert tags == clean_tags
    assert scripts == clean_scripts
    assert schemes <= {"", "http", "https", "mailto", "data"} and schemes == clean_schemes


def test_a_source_address_lands_in_its_link_exactly_as_typed(hostile_site):
    tree = lxml.html.fromstring((hostile_site / "hostile-0" / "index.html").read_bytes())
    hrefs = [a.get("href") for a in tree.iter("a") if a.text_content().startswith(marked(HOSTILE[0].text, "source.title"))]
    assert hrefs == [SOURCE_URL]
    footer = tree.find(".//footer//a")
    assert footer.get("href") == PUBLISHER_URL and footer.text_content() == PUBLISHER_NAME


def test_content_is_never_evaluated_as_a_template(hostile_site):
    checked = 0
    for i, hostile in enumerate(HOSTILE):
        if not hostile.name.startswith("jinja"):
            continue
        for path in (hostile_site / f"hostile-{i}").rglob("*.html"):
            tree = lxml.html.fromstring(path.read_text("utf-8"))
            for element in tree.xpath("//script|//style|//textarea"):
                element.drop_tree()
            text = tree.text_content()
            assert marked(hostile.text, "title") in text, path
            assert "49" not in text and "<class" not in text, path
            checked += 1
    assert checked == 4 * 10  # four template strings, ten HTML files each (with the page for partners)


def test_oembed_responses_carry_the_titles_and_names_exactly_as_typed(hostile_site):
    checked = 0
    for i, hostile in enumerate(HOSTILE):
        titles = {"q": marked(hostile.text, "question"), "c": marked(hostile.text, "card.title"), "timeline": f"{marked(hostile.text, 'timeline.heading')}: {marked(hostile.text, 'title')}"}
        for item, title in titles.items():
            response = json.loads((hostile_site / f"hostile-{i}" / "embed" / item / "oembed.json").read_text("utf-8"))
            assert response["title"] == title
            assert response["provider_name"] == SITE_NAME
            iframe = lxml.html.fragment_fromstring(response["html"])
            assert iframe.tag == "iframe" and iframe.get("title") == title and len(iframe) == 0
            assert not [name for name in iframe.attrib if name.startswith("on")]
            checked += 1
    assert checked == 3 * len(HOSTILE)


# --- the feed, the sitemap, JSON-LD and social images -----------------------------------------

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Every element the generator writes in the feed, with the attributes each may carry. Title and
# summary carry none: without type="html" a reader takes them as plain text, never as markup.
ATOM_MADE = {
    "feed": {XML_LANG}, "id": set(), "title": set(), "updated": set(), "published": set(), "link": {"rel", "type", "href"},
    "author": set(), "name": set(), "uri": set(), "entry": set(), "summary": set(),
}
SITEMAP_MADE = {"urlset": set(), "url": set(), "sitemapindex": set(), "sitemap": set(), "loc": set(), "lastmod": set()}
# XML 1.0's Char production: what a feed can carry. (The same rule as the generator's, written
# out again here, so a generator that dropped more than it should would be caught.)
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_xml_carries(text: str) -> str:
    return NOT_XML.sub("", text)


def explainer_address(i: int) -> str:
    return f"{BASE_URL}hostile-{i}/"


def strict_xml(path: Path) -> etree._Element:
    """The file parsed as a feed reader should: no entities resolved, nothing fetched, no recovery."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False)
    return etree.fromstring(path.read_bytes(), parser)


def only_made(root: etree._Element, namespace: str, made: dict[str, set[str]]) -> list[str]:
    """Every element, attribute, comment or processing instruction the generator does not write."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            found.append(f"{type(element).__name__}: {element!r}")
            continue
        name = etree.QName(element)
        if name.namespace != namespace or name.localname not in made:
            found.append(f"element {element.tag}")
            continue
        found += [f"<{name.localname} {attribute}>" for attribute in set(element.attrib) - made[name.localname]]
        if name.localname not in ("feed", "entry", "author", "urlset", "url", "sitemapindex", "sitemap") and len(element):
            found.append(f"markup inside <{name.localname}>")  # text elements hold text only
    return found


def test_the_atom_feed_carries_titles_summaries_and_authors_as_typed_and_nothing_the_generator_did_not_make(hostile_site):
    raw = (hostile_site / "feed.xml").read_bytes()
    root = strict_xml(hostile_site / "feed.xml")
    a = {"a": ATOM_NS}
    assert only_made(root, ATOM_NS, ATOM_MADE) == []
    assert root.xpath("//*[local-name()='script']") == []
    assert b"<!DOCTYPE" not in raw and b"<!ENTITY" not in raw
    links = root.xpath("//a:link/@href", namespaces=a)
    assert links and all(href.startswith(BASE_URL) for href in links), [h for h in links if not h.startswith(BASE_URL)]
    assert root.findtext("a:title", namespaces=a) == as_xml_carries(SITE_NAME)
    assert root.findtext("a:author/a:name", namespaces=a) == as_xml_carries(PUBLISHER_NAME)
    assert root.findtext("a:author/a:uri", namespaces=a) == as_xml_carries(PUBLISHER_URL)
    # Looked up by id, not position: the feed may list only the newest explainers, in its own order.
    entries = {entry.findtext("a:id", namespaces=a): entry for entry in root.iterfind("a:entry", a)}
    assert set(entries) == {explainer_address(i) for i in range(len(HOSTILE))}
    mismatched = []
    for i, hostile in enumerate(HOSTILE):
        entry = entries[explainer_address(i)]
        assert entry.xpath("a:link[@rel='alternate']/@href", namespaces=a) == [explainer_address(i)]
        for element, field in (("a:title", "title"), ("a:summary", "dek"), ("a:author/a:name", "attribution")):
            if entry.findtext(element, namespaces=a) != as_xml_carries(marked(hostile.text, field)):
                mismatched.append(f"{hostile.name}: {element} reads {entry.findtext(element, namespaces=a)!r}")
    assert not mismatched, "\n".join(mismatched)

    # As a feed reader reads it: no error, and plain text that reads as typed.
    feed = feedparser.parse(raw)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == as_xml_carries(SITE_NAME) and feed.feed.title_detail.type == "text/plain"
    read = {entry.link: entry for entry in feed.entries}
    for i, hostile in enumerate(HOSTILE):
        entry = read[explainer_address(i)]
        assert entry.title == as_xml_carries(marked(hostile.text, "title")), hostile.name
        assert entry.summary == as_xml_carries(marked(hostile.text, "dek")), hostile.name
        assert entry.author == as_xml_carries(marked(hostile.text, "attribution")), hostile.name
        assert entry.title_detail.type == entry.summary_detail.type == "text/plain", hostile.name


def sitemap_addresses(site: Path, path: str = "sitemap.xml") -> list[str]:
    """Every <loc> of the sitemap at path, following a sitemap index to the sitemaps it lists."""
    s = {"s": SITEMAP_NS}
    root = strict_xml(site / path)
    assert only_made(root, SITEMAP_NS, SITEMAP_MADE) == [], path
    locs = root.xpath("//s:loc/text()", namespaces=s)
    assert all(loc.startswith(BASE_URL) and loc.strip() == loc for loc in locs), (path, [loc for loc in locs if not loc.startswith(BASE_URL)])
    if etree.QName(root).localname == "sitemapindex":
        assert root.xpath("count(//s:url)", namespaces=s) == 0
        return [address for loc in locs for address in sitemap_addresses(site, loc.removeprefix(BASE_URL))]
    assert etree.QName(root).localname == "urlset"
    etree.XMLSchema(etree.parse(str(SITEMAP_XSD))).assertValid(root)
    return locs


def test_every_sitemap_lists_each_hostile_explainer_at_an_absolute_address_under_the_base_url(hostile_site):
    addresses = sitemap_addresses(hostile_site)
    assert len(addresses) == len(set(addresses))
    for i in range(len(HOSTILE)):
        for page in ("", "q/", "c/"):
            assert explainer_address(i) + page in addresses


LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script', re.S | re.I)


def test_json_ld_reads_as_typed_and_cannot_end_its_script_element(hostile_site):
    mismatched = []
    for i, hostile in enumerate(HOSTILE):
        blocks = []
        for path in sorted((hostile_site / f"hostile-{i}").rglob("*.html")):
            text = path.read_text("utf-8")
            raw = LD_JSON.findall(text)
            # What an HTML parser takes as the element's text is the whole block, and nothing else.
            parsed = lxml.html.fromstring(text).xpath("//script[@type='application/ld+json']/text()")
            assert parsed == raw, path
            for block in raw:
                assert not re.search(r"</|<!--|<script", block, re.I), f"{path}: {block[:200]!r}"
                assert "\u2028" not in block and "\u2029" not in block, path
                blocks.append((path.relative_to(hostile_site).as_posix(), json.loads(block)))
        articles = dict((path, data) for path, data in blocks if data.get("@type") == "NewsArticle")
        assert sorted(articles) == sorted(f"hostile-{i}/{page}index.html" for page in ("", "c/", "q/")), hostile.name
        article, question = articles[f"hostile-{i}/index.html"], articles[f"hostile-{i}/q/index.html"]
        typed = {
            "headline": marked(hostile.text, "title"), "description": marked(hostile.text, "dek"),
            "author": marked(hostile.text, "attribution"), "publisher": PUBLISHER_NAME, "publisher url": PUBLISHER_URL,
            "url": explainer_address(i), "image": explainer_address(i) + "social.png",
            "question": marked(hostile.text, "question"), "caption": marked(hostile.text, "image.caption"), "credit": marked(hostile.text, "image.credit"),
        }
        found = {
            "headline": article["headline"], "description": article["description"], "author": article["author"]["name"],
            "publisher": article["publisher"]["name"], "publisher url": article["publisher"]["url"],
            "url": article["url"], "image": article["image"][0]["url"],
            "question": question["headline"], "caption": question["image"][0]["caption"], "credit": question["image"][0]["creditText"],
        }
        mismatched += [f"{hostile.name}: {key} reads {found[key]!r}" for key in typed if found[key] != typed[key]]
    assert not mismatched, "\n".join(mismatched)


ADDRESS = BASE_URL.split("://", 1)[1].rstrip("/")


def drawn(text: str) -> str:
    """What a social image may show of text: every run of white space as one space, and the
    other control and format characters (Unicode category C) left out, but for the zero-width
    joiners, which shape the letters around them."""
    visible = "".join(c for c in text if c.isspace() or c in "\u200c\u200d" or unicodedata.category(c)[0] != "C")
    return " ".join(visible.split())


def pixels(image: Image.Image) -> bytes:
    return image.convert("RGB").tobytes()


def test_social_images_are_plain_pngs_drawn_from_the_text_as_typed(hostile_site):
    """Each explainer's and card's social.png is a 1200x630 PNG with no text chunks, and its pixels
    are those of the title, kicker, dek or summary and site name exactly as typed.

    As far as the fonts allow: the image draws each title on one line with every run of white
    space (tabs and line breaks too) as one space, and leaves out, by design, the control and
    format characters a picture cannot show (the RTL override, the BOM, which the page keeps),
    but for the zero-width joiners, which shape letters. A letter no font has is drawn as a box,
    or without its accent; no hostile string here has a letter that would change, so for ASCII
    strings the drawn text is the typed text with its white space folded, and for the rest it is
    `drawn(text)`.
    """
    def png(path: Path) -> Image.Image:
        data = path.read_bytes()
        assert not {"tEXt", "zTXt", "iTXt", "tIME", "eXIf"} & set(png_chunks(data)), path
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == (1200, 630) and not image.text, path
        return image

    mismatched = []
    for i, hostile in enumerate(HOSTILE):
        if hostile.text.isascii():
            assert drawable_text(hostile.text) == " ".join(hostile.text.split()), hostile.name
        title, card = marked(hostile.text, "title"), marked(hostile.text, "card.title")
        for text in (title, card, SITE_NAME):
            assert drawable_text(text) == drawn(text), (hostile.name, text)
        dek, summary = marked(hostile.text, "dek"), marked(hostile.text, "card.summary")
        for path, typed in ((f"hostile-{i}/social.png", SocialImage(title, None, SITE_NAME, ADDRESS, dek)),
                            (f"hostile-{i}/c/social.png", SocialImage(card, title, SITE_NAME, ADDRESS, summary))):
            if pixels(png(hostile_site / path)) != pixels(draw_social_image(typed)):
                mismatched.append(f"{path} ({hostile.name}): not drawn from the text as typed")
    assert not mismatched, "\n".join(mismatched)
    # The comparison sees text: the title HTML-escaped, as a page's markup holds it, draws differently.
    escaped = SocialImage(html.escape(marked(HOSTILE[0].text, "title")), None, SITE_NAME, ADDRESS, marked(HOSTILE[0].text, "dek"))
    assert pixels(png(hostile_site / "hostile-0" / "social.png")) != pixels(draw_social_image(escaped))


def longest(text: str, length: int) -> str:
    """text repeated to the longest a field may hold."""
    return (text * (length // max(1, len(text)) + 1))[:length]


DRAWN_EXTRA = {"unstorable": "\0\a\x1b\x7f\x9b\ufffe\ufdd0\ud800", "empty": "", "blank": " \t\n ", "one-long-word": "W" * 2000}


@pytest.mark.parametrize("text", [h.text for h in HOSTILE] + list(DRAWN_EXTRA.values()), ids=[h.name for h in HOSTILE] + list(DRAWN_EXTRA))
def test_drawing_a_social_image_never_fails_whatever_the_text(text):
    # Titles hold up to 2,000 characters, the site's name 200; the address is the base URL's.
    for image in (SocialImage(text, text, text, text), SocialImage(text, None, text, text),
                  SocialImage(longest(text, 2000), longest(text, 2000), longest(text, 200), longest(text, 300))):
        assert draw_social_image(image).size == (1200, 630)


def test_a_title_of_two_thousand_letters_without_a_space_is_drawn_in_well_under_a_second():
    # Breaking a word too long for a line once measured every prefix of it for every piece, at each
    # of nine type sizes: minutes for one such title. (The bound is loose: the machine may be busy.)
    started = time.perf_counter()
    for letter in "Wil":
        draw_social_image(SocialImage(letter * 2000, letter * 2000, letter * 200, letter * 300))
    assert time.perf_counter() - started < 5


UNSTORABLE = {
    "nul": "\0", "bell": "\a", "escape": "\x1b", "delete": "\x7f", "c1-csi": "\x9b", "noncharacter": "\ufffe", "noncharacter-fdd0": "\ufdd0",
}


@pytest.mark.parametrize("name", sorted(UNSTORABLE))
def test_text_that_cannot_be_published_is_refused_naming_file_line_and_field(tmp_path, name):
    char = UNSTORABLE[name]
    root = make_project(tmp_path / "project", ["Plain words"], site_name=f"Site{char}name")
    data = explainer_data(0, "Plain words")
    data["title"] = f"Bad{char}title"
    data["sections"][1]["cards"][0]["detail"] = f"Bad{char}detail"
    (root / "content" / "hostile-0.yaml").write_text(dump(data), "utf-8")

    result = cli("--root", str(root))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("build failed")]
    assert len(errors) == 3, result.stderr
    assert re.match(r"content/hostile-0\.yaml:2:\d+: title: expected text \(not only spaces, no control characters\), found ", errors[0]), errors
    assert re.match(r"content/hostile-0\.yaml:\d+:\d+: sections\[1\]\.cards\[0\]\.detail: expected Markdown text \(not only spaces, no control characters\), found ", errors[1]), errors
    assert re.match(r"site\.yaml:1:\d+: name: expected the site's name \(no control characters\)", errors[2]), errors
    assert not (root / "site").exists()
