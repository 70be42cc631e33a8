"""Hostile text in every field: nothing executes, nothing is fetched, and the text reads as typed.

One build holds one explainer per hostile string, with that string (and the field's name, so a
missing field is noticed) in every content field; the site's and publisher's names carry several
hostile strings at once. Every page is then opened in Chromium and every JSON output parsed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import yaml

from conftest import REPO
from explainer.pipeline import build
from webtools import static_server

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
    "title", "dek", "attribution", "image_credit", "key_points", "label", "question", "short_answer",
    "offers.heading", "card.title", "card.summary", "lessons.heading", "lesson.title", "person.name",
    "person.role", "glossary.term", "source.title", "source.publisher", "source.note",
]
MARKDOWN_FIELDS = [
    "intro", "answer", "offers.intro", "offers.challenges", "card.detail", "card.in_return", "card.risks",
    "lesson.text", "timeline.event", "person.note", "glossary.definition",
]
# A source address may hold anything but spaces; it must land in href exactly, and stay inert.
SOURCE_URL = "https://example.org/x?a=\"><svg/onload=alert(1)>&b='><script>alert(1)</script>"
SITE_NAME = "<script>alert(1)</script> {{ 7*7 }} \"><img src=x onerror=alert(1)></title></style> \u202eemaN\u202c ⟦site⟧"
PUBLISHER_NAME = "'><svg onload=alert(1)> {% raw %} &amp; </textarea> \u2028 ⟦publisher⟧"
PUBLISHER_URL = "https://example.org/?\"><script>alert(1)</script>"

# Which fields each kind of page shows (the site's name shows on every page but fragments).
ON_QUESTION = ["title", "label", "question", "short_answer", "answer"]
ON_CARD = ["title", "offers.heading", "card.title", "card.summary", "card.detail", "card.in_return", "card.risks"]
ON_TIMELINE = ["title", "timeline.event"]


def marked(text: str, field: str) -> str:
    """The text as one field holds it: the field's name after it, so each field is found on its own."""
    return f"{text} ⟦{field}⟧"


def explainer_data(i: int, text: str) -> dict:
    """An explainer with every content field set to the text."""
    f = lambda field: marked(text, field)  # noqa: E731
    return {
        "slug": f"hostile-{i}", "title": f("title"), "dek": f("dek"), "published": "2025-01-02", "updated": "2025-02-03",
        "attribution": f("attribution"), "image_credit": f("image_credit"), "intro": f("intro"), "key_points": [f("key_points")],
        "questions": [{"id": "q", "label": f("label"), "question": f("question"), "short_answer": f("short_answer"), "answer": f("answer")}],
        "offers": {"heading": f("offers.heading"), "intro": f("offers.intro"), "challenges": f("offers.challenges"),
                   "cards": [{"id": "c", "title": f("card.title"), "summary": f("card.summary"), "detail": f("card.detail"),
                              "in_return": f("card.in_return"), "risks": f("card.risks")}]},
        "lessons": {"heading": f("lessons.heading"), "items": [{"title": f("lesson.title"), "text": f("lesson.text")}]},
        "timeline": [{"date": "2025-01", "event": f("timeline.event")}],
        "people": [{"name": f("person.name"), "role": f("person.role"), "note": f("person.note")}],
        "glossary": [{"term": f("glossary.term"), "definition": f("glossary.definition")}],
        "sources": [{"title": f("source.title"), "url": SOURCE_URL, "publisher": f("source.publisher"), "note": f("source.note")}],
    }


def dump(data: dict) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    assert yaml.safe_load(text) == data  # the file says exactly what the test means
    return text


def make_project(root: Path, texts: list[str], site_name: str = SITE_NAME, publisher: str = PUBLISHER_NAME) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    site = {"name": site_name, "base_url": BASE_URL, "language": "en", "publisher": {"name": publisher, "url": PUBLISHER_URL}}
    (root / "site.yaml").write_text(dump(site), "utf-8")
    (root / "content").mkdir()
    for i, text in enumerate(texts):
        (root / "content" / f"hostile-{i}.yaml").write_text(dump(explainer_data(i, text)), "utf-8")
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
        (f"{slug}/questions/q/", ON_QUESTION),
        (f"{slug}/offers/c/", ON_CARD),
        (f"{slug}/embed/q/", ON_QUESTION),
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
            shows(HOST_PAGE, host, hostile, ON_QUESTION + ON_CARD + ON_TIMELINE)
        for url in ("", "no/such/page/"):
            text, _ = visit(url)
            if site_shown not in text or readable(PUBLISHER_NAME) not in text:
                failures.append(f"{url or 'index'}: the site's or publisher's name is not shown as typed")
            if url == "":
                for hostile in HOSTILE:
                    shows("index", text, hostile, ["title", "dek", "attribution"])
    context.close()
    assert opened == len(HOSTILE) * 6 + 3
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
    assert checked == 4 * 9  # four template strings, nine HTML files each


def test_oembed_responses_carry_the_titles_and_names_exactly_as_typed(hostile_site):
    checked = 0
    for i, hostile in enumerate(HOSTILE):
        titles = {"q": marked(hostile.text, "question"), "c": marked(hostile.text, "card.title"), "timeline": f"Timeline: {marked(hostile.text, 'title')}"}
        for item, title in titles.items():
            response = json.loads((hostile_site / f"hostile-{i}" / "embed" / item / "oembed.json").read_text("utf-8"))
            assert response["title"] == title
            assert response["provider_name"] == SITE_NAME
            iframe = lxml.html.fragment_fromstring(response["html"])
            assert iframe.tag == "iframe" and iframe.get("title") == title and len(iframe) == 0
            assert not [name for name in iframe.attrib if name.startswith("on")]
            checked += 1
    assert checked == 3 * len(HOSTILE)


def run_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root)], capture_output=True, text=True, timeout=60)


UNSTORABLE = {
    "nul": "\0", "bell": "\a", "escape": "\x1b", "delete": "\x7f", "c1-csi": "\x9b", "noncharacter": "\ufffe", "noncharacter-fdd0": "\ufdd0",
}


@pytest.mark.parametrize("name", sorted(UNSTORABLE))
def test_text_that_cannot_be_published_is_refused_naming_file_line_and_field(tmp_path, name):
    char = UNSTORABLE[name]
    root = make_project(tmp_path / "project", ["Plain words"], site_name=f"Site{char}name")
    data = explainer_data(0, "Plain words")
    data["title"] = f"Bad{char}title"
    data["offers"]["cards"][0]["detail"] = f"Bad{char}detail"
    (root / "content" / "hostile-0.yaml").write_text(dump(data), "utf-8")

    result = run_build(root)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("build failed")]
    assert len(errors) == 3, result.stderr
    assert re.match(r"content/hostile-0\.yaml:2:\d+: title: expected text \(not only spaces, no control characters\), found ", errors[0]), errors
    assert re.match(r"content/hostile-0\.yaml:\d+:\d+: offers\.cards\[0\]\.detail: expected Markdown text \(not only spaces, no control characters\), found ", errors[1]), errors
    assert re.match(r"site\.yaml:1:\d+: name: expected the site's name \(no control characters\)", errors[2]), errors
    assert not (root / "site").exists()
