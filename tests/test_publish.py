"""Publishing: the site works under any base path, tells crawlers, feed readers and social sites
about itself, shows its updates and corrections, and deploys to GitHub Pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
import pytest
import yaml
from conftest import EXPLAINER_WITH_CHANGES
from helpers import REPO, SEED_SLUG, cli, minimal_explainer, parse, snapshot
from helpers import html_documents as html_files
from lxml import etree
from lxml import html as lxml_html
from PIL import Image, ImageDraw
from webtools import static_server

from explainer.content.brand import Logo
from explainer.content.load import load_project
from explainer.errors import BuildError
from explainer.pipeline import build
from explainer.plan.pages import Page
from explainer.plan.publish import Feed, FeedEntry, SitemapEntry, SocialImage, plan_group, plan_site, summarize
from explainer.render import social
from explainer.render.feeds import render_feed, render_sitemap
from explainer.render.social import drawable_text

SITEMAP_XSD = Path(__file__).parent / "data" / "sitemap.xsd"
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# A headline that tries to end the JSON-LD <script> and start its own, with a line separator
# (U+2028, a line break inside JavaScript source before ES2019) and characters HTML and JSON escape.
HOSTILE_TITLE = "</script><script>alert(1)</script> \u2028 <!-- & \"quoted\" 'single' \\ end"



# --- helpers -------------------------------------------------------------------------------


def reading_pages(site: Path) -> list[Path]:
    """The pages a reader visits: every HTML document but the embed pages under <slug>/embed/."""
    return [p for p in html_files(site) if "embed" not in p.relative_to(site).parts]


def meta(doc: lxml_html.HtmlElement, key: str) -> str | None:
    """The content of <meta property=key> or <meta name=key>."""
    found = doc.xpath("//meta[@property=$k or @name=$k]/@content", k=key)
    return found[0] if found else None


def json_ld(doc: lxml_html.HtmlElement) -> list[dict]:
    return [json.loads(s.text) for s in doc.xpath("//script[@type='application/ld+json']")]


def png_chunks(data: bytes) -> list[str]:
    """The chunk types of a PNG file, in order."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunks.append(kind.decode("ascii"))
        at += 12 + length
    return chunks


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def links_in(content_type: str, body: bytes) -> list[str]:
    """Every address a crawler would follow from one file, as written in it."""
    if content_type == "text/html":
        doc = lxml_html.fromstring(body)
        found = doc.xpath("//a/@href | //link/@href | //*[@src]/@src")
        found += [entry.split()[0] for srcset in doc.xpath("//@srcset") for entry in srcset.split(",")]  # every file of a picture
        found += doc.xpath("//meta[@property='og:image' or @property='og:url' or @name='twitter:image']/@content")
        for data in json_ld(doc):
            images = data["image"] if isinstance(data["image"], list) else [data["image"]]
            found += [image["url"] if isinstance(image, dict) else image for image in images]
            found += [data["url"], data["mainEntityOfPage"]["@id"], *([data["isPartOf"]["@id"]] if "isPartOf" in data else [])]
        return found
    if content_type == "text/plain":  # robots.txt
        return [line.split(":", 1)[1].strip() for line in body.decode().splitlines() if line.lower().startswith("sitemap:")]
    if content_type in ("application/xml", "text/xml", "application/atom+xml"):
        root = etree.fromstring(body)
        return root.xpath("//s:loc/text()", namespaces={"s": SITEMAP[1:-1]}) + root.xpath("//a:link/@href", namespaces={"a": ATOM[1:-1]})
    if content_type == "application/json":  # an oEmbed response: its iframe code
        html = json.loads(body).get("html")
        return lxml_html.fragment_fromstring(html, create_parent=True).xpath("//@src | //@href") if html else []
    return []


def crawl(local_base: str, public_base: str, start: list[str]) -> dict[str, object]:
    """Follow every link from start, fetching from local_base what the pages call public_base.

    Returns what was fetched and every broken link, link that leaves the base path, and
    #fragment that names no element on its page.
    """
    local = urlsplit(local_base)
    public_origin = "{0.scheme}://{0.netloc}".format(urlsplit(public_base))
    prefix = local.path
    seen: dict[str, tuple[int, str, bytes]] = {}
    broken, escaped, fragments = [], [], []
    todo = [(url, "(start)") for url in start]
    while todo:
        url, source = todo.pop()
        url, fragment = urldefrag(url)
        if fragment:
            fragments.append((url, fragment, source))
        if url not in seen:
            status, content_type, body = seen[url] = fetch(url)
            if status != 200 and source != "(start)":
                broken.append(f"{source} -> {url}: {status}")
            for link in links_in(content_type, body):
                if link.startswith(public_origin + "/"):
                    link = f"{local.scheme}://{local.netloc}" + link[len(public_origin):]
                target = urlsplit(urljoin(url, link))
                if target.scheme not in ("http", "https") or target.netloc != local.netloc:
                    continue  # another site (a source, the publisher) or mailto:
                if not target.path.startswith(prefix):
                    escaped.append(f"{url} -> {link}")
                    continue
                todo.append((target.geturl(), url))
    for url, fragment, source in fragments:
        status, content_type, body = seen[url]
        if content_type == "text/html" and not lxml_html.fromstring(body).xpath("//*[@id=$id]", id=fragment):
            broken.append(f"{source} -> {url}#{fragment}: no such id")
    return {"seen": seen, "broken": broken, "escaped": escaped}


def project_keys(root: Path) -> dict[str, str]:
    """Each output path's key, as the build plans it, for the project at root."""
    site, parsed = load_project(root)
    explainers = [p.explainer for p in parsed if p.explainer is not None]
    pages = [page for e in explainers for page in plan_group(site, e)] + plan_site(site, [summarize(e) for e in explainers])
    return {page.path: page.key for page in pages}


# --- base path -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/repo/", "/"])
def test_a_crawl_from_the_root_finds_no_broken_link_and_none_outside_the_base_path(seed_site, tmp_path, prefix):
    if prefix == "/repo/":
        site = seed_site
    else:
        site = tmp_path / "site"
        build(REPO, site, base_url="https://example.org/")
    public = f"https://example.org{prefix}"
    with static_server(site, prefix) as base:
        # The root, robots.txt as crawlers ask for it, and a missing page, whose 404 page's links must work too.
        result = crawl(base, public, [base, base + "robots.txt", base + "no/such/page/"])
        missing_status = result["seen"][base + "no/such/page/"][0]
    assert result["broken"] == []
    assert result["escaped"] == []
    assert missing_status == 404
    # The crawl reached every file a reader, crawler or feed reader can get to. (Embed pages,
    # fragments and the loader are mostly named only in the codes other sites paste;
    # tests/test_embeds.py follows those.)
    reached = {urlsplit(url).path[len(prefix):] for url, (status, _, _) in result["seen"].items() if status == 200}
    reached = {path + "index.html" if path.endswith("/") or not path else path for path in reached}
    published = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")}
    embeds = {p for p in published if "embed" in p.split("/")[1:-1] or p == "embed.js"}
    search = {p for p in published if p.startswith("pagefind/")}  # fetched by the search box's script as a reader types
    # The schemas are for editors' YAML tools, which content files name, and the editing page is for
    # editors, who are given its address; no page links them.
    assert search and published - embeds - search - reached == {"404.html", "schema/explainer.schema.json", "schema/site.schema.json", "schema/words.schema.json",
                                            "admin/index.html", "admin/config.yml"}
    assert any("/embed/" in path for path in reached)  # oEmbed discovery links were followed too


def test_every_internal_address_in_html_feed_and_sitemap_is_under_the_base_url(seed_site):
    addresses = []
    for path in html_files(seed_site):
        doc = parse(path)
        addresses += doc.xpath("//link[@rel='canonical' or @rel='alternate']/@href")
        addresses += [meta(doc, k) for k in ("og:url", "og:image", "twitter:image") if meta(doc, k)]
    addresses += etree.parse(str(seed_site / "sitemap.xml")).xpath("//s:loc/text()", namespaces={"s": SITEMAP[1:-1]})
    addresses += etree.parse(str(seed_site / "feed.xml")).xpath("//a:link/@href | //a:id/text()", namespaces={"a": ATOM[1:-1]})
    assert addresses
    for address in addresses:
        assert address.startswith("https://example.org/repo/") or address.startswith("/repo/"), address


# --- sitemap, feed, robots.txt ----------------------------------------------------------------


def test_the_sitemap_is_valid_against_the_sitemaps_org_schema_and_lists_every_canonical_page(seed_site):
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    sitemap = etree.parse(str(seed_site / "sitemap.xml"))
    schema.assertValid(sitemap)
    listed = sitemap.xpath("//s:loc/text()", namespaces={"s": SITEMAP[1:-1]})
    # Embed pages name the page they show as canonical, so canonical addresses repeat.
    canonical = {c for p in html_files(seed_site) for c in parse(p).xpath("//link[@rel='canonical']/@href")}
    assert sorted(listed) == sorted(canonical)
    assert len(listed) == 16  # the index, the topics and its 3 topics, the explainer, 5 questions, 5 cards
    assert set(sitemap.xpath("//s:lastmod/text()", namespaces={"s": SITEMAP[1:-1]})) == {"2025-10-16"}


def test_a_sitemap_past_the_protocols_limit_becomes_an_index_of_parts_listing_every_page(make_site, monkeypatch):
    import explainer.plan.publish

    monkeypatch.setattr(explainer.plan.publish, "SITEMAP_URLS", 2)  # as 50,000 URLs would
    root = make_site({f"{slug}.yaml": minimal_explainer(slug, published=f"2025-01-0{n}") for n, slug in enumerate("abc", 1)})
    build(root, base_url="https://example.org/repo/")
    site = root / "site"
    index = etree.parse(str(site / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert parts == [f"https://example.org/repo/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    listed = []
    for url, lastmod in zip(parts, index.iter(f"{SITEMAP}lastmod")):
        part = etree.parse(str(site / url.rsplit("/", 1)[1]))
        schema.assertValid(part)
        locs = [loc.text for loc in part.getroot().iter(f"{SITEMAP}loc")]
        assert 1 <= len(locs) <= 2
        assert lastmod.text == max(m.text for m in part.getroot().iter(f"{SITEMAP}lastmod"))
        listed += locs
    canonical = {c for p in html_files(site) for c in parse(p).xpath("//link[@rel='canonical']/@href")}
    assert sorted(listed) == sorted(canonical)


def test_the_feed_lists_only_the_newest_explainers(make_site, monkeypatch):
    import explainer.plan.publish

    monkeypatch.setattr(explainer.plan.publish, "FEED_ENTRIES", 2)
    root = make_site({f"{slug}.yaml": minimal_explainer(slug, title=f"Explainer {slug}", published=f"2025-01-0{n}") for n, slug in enumerate("abc", 1)})
    build(root)
    feed = feedparser.parse((root / "site" / "feed.xml").read_bytes())
    assert [e.title for e in feed.entries] == ["Explainer c", "Explainer b"]


def test_robots_txt_allows_everything_and_names_the_absolute_sitemap_address(seed_site):
    lines = (seed_site / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines
    assert "Disallow:" in lines
    assert "Sitemap: https://example.org/repo/sitemap.xml" in lines


def test_the_atom_feed_parses_without_error_and_has_an_entry_per_explainer(changed_site):
    feed = feedparser.parse((changed_site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Explainers"
    assert [e.title for e in feed.entries] == ["A changed explainer", "A minimal explainer"]  # newest first
    assert [e.link for e in feed.entries] == ["https://example.org/repo/changed/", "https://example.org/repo/plain/"]
    assert feed.entries[0].author == "Jane Reporter"
    assert feed.entries[1].author == "Explainers"  # no attribution: the publisher
    assert feed.entries[0].summary == "It was updated and corrected."


def test_every_page_links_the_feed_under_the_base_path(seed_site):
    for path in reading_pages(seed_site):
        feeds = parse(path).xpath("//link[@rel='alternate' and @type='application/atom+xml']/@href")
        topic = path.relative_to(seed_site).parts[:2] if path.parts[-3] == "topics" else None
        # A topic's page links its own feed too.
        assert feeds == ["/repo/feed.xml"] + ([f"/repo/{'/'.join(topic)}/feed.xml"] if topic else []), path


def test_characters_xml_cannot_carry_are_left_out_of_the_feed_and_sitemap():
    # The schema refuses control characters in content; the XML writers drop them all the same,
    # so nothing that reaches them can make a document a feed reader must reject.
    bad = "Bell\x07 and \x01 escape\x1b, \ufffe and a lone \ud800 surrogate"
    entry = FeedEntry("https://example.org/a/", bad, "https://example.org/a/\x0b", bad, bad, dt.date(2025, 1, 2), dt.date(2025, 1, 3))
    feed = Feed("https://example.org/", bad, "en", "https://example.org/feed.xml", "https://example.org/", bad, None, dt.date(2025, 1, 3), (entry,))
    feed_bytes = render_feed(Page("feed.xml", "feed.xml", "feed.xml", "", {"feed": feed}))
    sitemap_bytes = render_sitemap(Page("sitemap.xml", "sitemap.xml", "sitemap.xml", "", {"entries": (SitemapEntry("https://example.org/a/\x0b", dt.date(2025, 1, 3)),)}))
    etree.fromstring(feed_bytes)  # strict: raises on any character XML 1.0 cannot carry
    etree.XMLSchema(etree.parse(str(SITEMAP_XSD))).assertValid(etree.fromstring(sitemap_bytes))
    parsed = feedparser.parse(feed_bytes)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "Bell and  escape,  and a lone  surrogate"
    assert parsed.entries[0].link == "https://example.org/a/"


def test_control_characters_in_content_are_refused_before_anything_is_written(make_site):
    root = make_site({"a.yaml": minimal_explainer("a", title='"Bell\\x07"')})
    with pytest.raises(BuildError):
        build(root)
    assert not (root / "site").exists()


# --- sharing metadata and JSON-LD ----------------------------------------------------------------


def test_explainer_question_and_card_pages_carry_open_graph_and_twitter_card_tags(seed_site):
    base = f"https://example.org/repo/{SEED_SLUG}/"
    explainer = parse(seed_site / SEED_SLUG / "index.html")
    assert meta(explainer, "og:type") == "article"
    assert meta(explainer, "og:title") == "Why Does Trump Want to Meet Putin Again?"
    assert meta(explainer, "og:url") == base
    assert meta(explainer, "og:image") == meta(explainer, "twitter:image") == base + "social.png"
    assert meta(explainer, "twitter:card") == "summary_large_image"
    assert meta(explainer, "og:description") == explainer.xpath("//meta[@name='description']/@content")[0]

    card = parse(seed_site / SEED_SLUG / "sanctions-rollback" / "index.html")
    assert meta(card, "og:title") == "Sanctions Rollback"
    assert meta(card, "og:image") == base + "sanctions-rollback/social.png"

    # A question has a social image of its own, showing its short answer.
    question = parse(seed_site / SEED_SLUG / "high-stakes" / "index.html")
    assert meta(question, "og:url") == base + "high-stakes/"
    assert meta(question, "og:image") == base + "high-stakes/social.png"
    assert meta(question, "og:image:type") == "image/png"

    index = parse(seed_site / "index.html")
    assert meta(index, "og:type") == "website"
    assert meta(index, "og:url") == "https://example.org/repo/"


def test_every_json_ld_block_parses_and_the_explainer_is_a_news_article(seed_site):
    blocks = {path: json_ld(parse(path)) for path in html_files(seed_site)}
    article_pages = [path for path, found in blocks.items() if found]
    # The explainer's page, and each question's and card's: every page a reader may be sent to.
    items = [p for p in (seed_site / SEED_SLUG).iterdir() if (p / "index.html").is_file() and p.name != "embed"]
    assert sorted(article_pages) == sorted([seed_site / SEED_SLUG / "index.html", *(p / "index.html" for p in items)])
    article = blocks[seed_site / SEED_SLUG / "index.html"][0]
    url = f"https://example.org/repo/{SEED_SLUG}/"
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Why Does Trump Want to Meet Putin Again?"
    assert article["description"].startswith("What Trump is after, what he could offer Putin")
    assert article["datePublished"] == article["dateModified"] == "2025-10-16"
    # The seed explainer has no byline: the publisher is the author.
    assert article["author"] == article["publisher"] == {"@type": "Organization", "name": "Explainers"}
    assert article["image"] == [{"@type": "ImageObject", "url": url + "social.png", "width": 1200, "height": 630}]
    assert article["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    card = blocks[seed_site / SEED_SLUG / "sanctions-rollback" / "index.html"][0]
    assert (card["headline"], card["isPartOf"]["@id"]) == ("Sanctions Rollback", url)


def test_json_ld_names_the_byline_as_author(changed_site):
    article = json_ld(parse(changed_site / "changed" / "index.html"))[0]
    assert article["author"] == {"@type": "Person", "name": "Jane Reporter"}
    assert article["publisher"] == {"@type": "Organization", "name": "Explainers"}


def test_a_hostile_title_cannot_run_script_and_round_trips_through_json_ld(make_site, browser):
    content = EXPLAINER_WITH_CHANGES.replace("title: A changed explainer", f"title: {json.dumps(HOSTILE_TITLE)}")
    content = content.replace("title: A deal", f"title: {json.dumps(HOSTILE_TITLE)}")
    root = make_site({"changed.yaml": content}, base_url="https://example.org/repo/")
    build(root)
    site = root / "site"

    # Read as JSON, straight from the file.
    text = (site / "changed" / "index.html").read_text("utf-8")
    assert "\u2028" not in text.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert json_ld(lxml_html.fromstring(text.encode()))[0]["headline"] == HOSTILE_TITLE

    # And as a browser runs it.
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with static_server(site, "/repo/") as base:
        for url in ("", "changed/", "changed/first/", "changed/deal/"):
            page.goto(base + url)
            page.wait_for_load_state("load")
            # The title is in the JSON-LD (escaped) and nowhere else a script could run it.
            runnable = page.evaluate("[...document.scripts].filter(s => s.type !== 'application/ld+json').map(s => s.textContent)")
            assert not any("alert" in text for text in runnable), url
            assert page.evaluate("[...document.querySelectorAll('script[type=\"application/ld+json\"]')].every(s => JSON.parse(s.textContent))"), url
        page.goto(base + "changed/")
        headline = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent).headline")
        heading = page.locator("h1").inner_text()
    context.close()
    assert dialogs == []
    assert headline == HOSTILE_TITLE
    assert heading.startswith("</script><script>alert(1)</script>")


# --- updates and corrections -------------------------------------------------------------------


def test_updates_and_corrections_are_shown_newest_first(changed_site):
    for page in ("changed/index.html", "changed/first/index.html", "changed/deal/index.html"):
        section = parse(changed_site / page).xpath("//section[@id='changes']")
        assert section, page
        items = [" ".join(li.text_content().split()) for li in section[0].xpath(".//li")]
        assert items == [
            "Updated January 20, 2025 Added the committee's vote.",
            "Correction: January 5, 2025 An earlier version gave the wrong year.",
        ]
    assert not parse(changed_site / "plain" / "index.html").xpath("//section[@id='changes']")


def test_the_latest_change_is_the_modified_date_everywhere(changed_site):
    # updated is 2025-01-10; the latest change, 2025-01-20, is later.
    article = json_ld(parse(changed_site / "changed" / "index.html"))[0]
    assert (article["datePublished"], article["dateModified"]) == ("2025-01-02", "2025-01-20")
    assert meta(parse(changed_site / "changed" / "index.html"), "article:modified_time") == "2025-01-20"
    entry = feedparser.parse((changed_site / "feed.xml").read_bytes()).entries[0]
    assert (entry.published, entry.updated) == ("2025-01-02T00:00:00Z", "2025-01-20T00:00:00Z")
    sitemap = etree.parse(str(changed_site / "sitemap.xml"))
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in sitemap.getroot()}
    assert lastmod["https://example.org/repo/changed/"] == "2025-01-20"
    assert lastmod["https://example.org/repo/changed/deal/"] == "2025-01-20"
    assert lastmod["https://example.org/repo/plain/"] == "2024-06-01"
    assert lastmod["https://example.org/repo/"] == "2025-01-20"  # the newest explainer


def test_an_updated_date_later_than_every_change_is_the_modified_date(make_site):
    content = EXPLAINER_WITH_CHANGES.replace("updated: 2025-01-10", "updated: 2025-02-01")
    root = make_site({"changed.yaml": content})
    build(root)
    assert json_ld(parse(root / "site" / "changed" / "index.html"))[0]["dateModified"] == "2025-02-01"


# --- social images -----------------------------------------------------------------------------


def test_each_explainer_question_and_card_has_a_1200_by_630_png_with_no_metadata(seed_site):
    images = sorted(p.relative_to(seed_site).as_posix() for p in seed_site.rglob("*.png"))
    assert len(images) == 11  # the explainer, its 5 questions and its 5 cards
    for name in images:
        data = (seed_site / name).read_bytes()
        # No tIME or text chunks: the same inputs give the same bytes.
        assert set(png_chunks(data)) <= {"IHDR", "PLTE", "IDAT", "IEND"}, name
        with Image.open(seed_site / name) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630))


def test_a_social_image_png_reads_back_as_the_image_drawn_palette_and_all():
    # The PNG is written by explainer/render/png.py (zlib-ng's deflate), not by Pillow: read back,
    # with every chunk's CRC checked, it is the drawn image, index for index, with its logo's colours.
    logo = Image.new("RGB", (90, 56), (200, 30, 30))
    logo.paste((20, 140, 60), (45, 0, 90, 56))
    out = io.BytesIO()
    logo.save(out, format="PNG")
    for image in (SocialImage("Why the council’s budget vote matters", "A flood plan", "City Desk", "example.org", "Three barriers."),
                  SocialImage("خطة المياه", None, "Site", "example.org", logo=Logo(out.getvalue(), 90, 56))):
        drawn = social.draw_social_image(image)
        data = social.palette_png(drawn)
        with Image.open(io.BytesIO(data)) as check:
            check.verify()
        with Image.open(io.BytesIO(data)) as read:
            assert (read.mode, read.size) == ("P", (1200, 630))
            assert read.tobytes() == drawn.tobytes()
            assert read.getpalette() == drawn.getpalette()
            assert read.convert("RGB").tobytes() == drawn.convert("RGB").tobytes()


def test_a_social_image_is_light_with_dark_text_where_the_title_goes(seed_site):
    with Image.open(seed_site / SEED_SLUG / "social.png") as image:
        grey = image.convert("L")
        assert grey.getpixel((600, 600)) > 200  # a light background
        dark = sum(grey.crop((80, 160, 1120, 520)).histogram()[:80])
        assert dark > 5000  # the title, drawn large in dark ink


def test_social_image_lines_break_where_measuring_each_whole_line_would():
    def measured(text: str, font, width: int, direction: str) -> list[str]:
        lines, line = [], ""
        for word in text.split(" "):
            if font.getlength(f"{line} {word}" if line else word, direction=direction) <= width:
                line = f"{line} {word}" if line else word
                continue
            lines += [line] if line else []
            line = word  # the titles here have no word wider than a line
        return lines + ([line] if line else [])

    for title in ("Why AVA, Tom & “Yves” wait: Ti. To. Wa. Ya. éte, naïve — 2025–26 costs £1.2bn, 42% more " * 4,
                  "ما الذي تعنيه خطة المياه الجديدة للمدينة؟ يصوّت مجلس المدينة على خطة لتقليل انقطاع المياه " * 3):
        text = drawable_text(title)
        index, direction = social.font_for(text), social.direction_of(text)
        for size in (26, 30, 44, 56, 68):
            font = social._font(index, size, social.BOLD)
            for width in (1040, 613, 320):
                assert social.wrap(text, font, width, direction=direction) == measured(text, font.font, width, direction), (size, width)


# Lines of one script set left to right, which social images draw from glyphs drawn once: kerning
# pairs, ligatures (ff, fi, fl), accents, digits and punctuation alone, a letter no font has.
CACHED_LINES = (
    "AVA, Tom & “Yves” wait: Ti. To. Wa. Ya. LT Vé",
    "office affluent fjord — the fifth flight",
    "Ce que change le budget: Zürich, São Paulo, Łódź, Dvořák, İstanbul",
    "Việt Nam: những thay đổi",
    "Cafe\u0301 au lait",  # e and a combining accent: one glyph, é
    "Τι αλλάζει ο νέος προϋπολογισμός",
    "Почему Трамп хочет снова встретиться",
    "2025–26 — £1.2bn, 42% (e.g. U.S.) «…»",
    "Beyond the first plane: \U0001d49c \U0001f600",  # letters past U+FFFF (HarfBuzz counts code points)
    "\u4e2d\u6587 \u65b0\u95fb",  # Han, which no font has: each letter is the font's box
)
# Lines Pillow draws whole: right to left, two scripts, clusters of several glyphs.
UNCACHED_LINES = ("خطة المياه", "תוכנית המים", "Budget бюджет", "แผนน้ำใหม่", "नई जल योजना", "x\u0301\u0323 marks")


def test_a_social_image_line_drawn_from_glyphs_drawn_once_is_pillows_line_pixel_for_pixel_and_as_wide():
    for size, weight in ((68, social.BOLD), (44, social.BOLD), (30, social.REGULAR), (26, social.REGULAR)):
        for line in CACHED_LINES:
            font = social._font(social.font_for(line), size, weight)
            assert font.cached(line, "ltr"), line
            ours, pillows = Image.new("L", (1200, 3 * size), 0), Image.new("L", (1200, 3 * size), 0)
            font.draw(ours, (80, size), line, "ltr")
            ImageDraw.Draw(pillows).text((80, size), line, font=font.font, fill=255)
            assert ours.getbbox() and ours.tobytes() == pillows.tobytes(), (size, line)
            assert font.width(line, "ltr") == font.font.getlength(line), (size, line)
        for line in UNCACHED_LINES:
            font = social._font(social.font_for(line), size, weight)
            assert not font.cached(line, social.direction_of(line)), line


# Titles in the scripts the image fonts cover, each with letters a font without them would box.
SCRIPTS = {
    "latin": "Ce que change le budget — Zürich, São Paulo, Łódź, Dvořák, İstanbul, Việt Nam",
    "greek": "Τι αλλάζει ο νέος προϋπολογισμός",
    "cyrillic": "Почему Трамп хочет снова встретиться с Путиным",
    "arabic": "ما الذي تعنيه خطة المياه الجديدة للمدينة؟",
    "persian": "برنامه آب شهر چه تغییری می‌کند",
    "hebrew": "מה המשמעות של תוכנית המים החדשה",
    "devanagari": "शहर की नई जल योजना का क्या अर्थ है",
    "thai": "แผนน้ำใหม่ของเมืองหมายความว่าอย่างไร",
    "tamil": "நகரின் புதிய நீர் திட்டம் என்ன சொல்கிறது",
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_social_image_title_in_each_script_is_set_in_a_font_that_has_its_letters(script):
    text = drawable_text(SCRIPTS[script])
    font = social.font_for(text)
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in social._letters(font)})
    assert missing == [], f"{script} drawn in {social.FONTS[font]} would show boxes for {missing}"


def test_a_right_to_left_title_is_set_from_the_right_margin_and_a_left_to_right_one_from_the_left():
    def ink(text: str) -> tuple[int, int, int, int]:
        lines = (drawable_text(text),)
        layer = social.coverage(lines, social.font_for(lines[0]), 56, social.direction_of(lines[0]), social.BOLD)
        return layer.getbbox()

    for short in ("خطة المياه", "תוכנית המים", "خطة «Budget 2026»"):
        left, _, right, _ = ink(short)
        assert abs(right - (social.WIDTH - social.MARGIN)) <= 8 and left > social.MARGIN + 100, short
    left, _, right, _ = ink("A short title")
    assert abs(left - social.MARGIN) <= 8 and right < social.WIDTH - social.MARGIN - 100


def test_arabic_letters_are_joined_as_the_script_writes_them():
    # Shaped, a word's letters take their joined forms and the word is narrower than the same
    # letters set one by one in their standalone forms.
    word = "المدينة"
    font = social._font(social.font_for(word), 56).font
    alone = sum(font.getlength(letter, direction="rtl") for letter in word)
    assert font.getlength(word, direction="rtl") < 0.8 * alone


def test_a_social_image_of_a_script_no_font_has_is_drawn():
    # Each letter is drawn as the font's box; drawing never fails.
    image = social.draw_social_image(SocialImage("".join(map(chr, range(0x4E00, 0x4E00 + 300))), "中文", "Site", "example.org"))
    assert image.size == (1200, 630)


def test_a_social_image_title_with_a_spacing_accent_at_a_line_break_is_drawn():
    # "¨" alone is drawn as the space it decomposes to, making two spaces in a row.
    for words in range(1, 40):
        social.draw_social_image(SocialImage("word " * words + "\u00a8 tail", None, "Site", "example.org"))


def test_a_social_image_is_not_rewritten_by_a_rebuild_and_is_redrawn_when_its_title_changes(make_site):
    root = make_site({"a.yaml": EXPLAINER_WITH_CHANGES, "b.yaml": minimal_explainer("b")})
    build(root)
    before = snapshot(root / "site")
    first = (root / "site" / "changed" / "social.png").read_bytes()
    build(root)
    assert snapshot(root / "site") == before

    (root / "content" / "a.yaml").write_text(EXPLAINER_WITH_CHANGES.replace("title: A changed explainer", "title: A retitled explainer"), "utf-8")
    build(root)
    after = snapshot(root / "site")
    assert after["changed/social.png"] != before["changed/social.png"]
    assert (root / "site" / "changed" / "social.png").read_bytes() != first
    # The card's image shows the explainer's title above its own; the other explainer's is untouched.
    assert after["changed/deal/social.png"] != before["changed/deal/social.png"]
    assert after["b/social.png"] == before["b/social.png"]


def test_an_edit_that_leaves_the_title_alone_does_not_redraw_the_social_image(make_site):
    root = make_site({"a.yaml": EXPLAINER_WITH_CHANGES})
    before = project_keys(root)
    (root / "content" / "a.yaml").write_text(EXPLAINER_WITH_CHANGES.replace("answer: It happened.", "answer: It happened twice."), "utf-8")
    edited = project_keys(root)
    # The build re-renders exactly the outputs whose key changed.
    assert edited["changed/index.html"] != before["changed/index.html"]
    assert edited["changed/social.png"] == before["changed/social.png"]
    assert edited["changed/deal/social.png"] == before["changed/deal/social.png"]


# --- GitHub Pages ------------------------------------------------------------------------------


def test_the_site_has_a_nojekyll_file_and_no_cname_unless_the_site_file_names_a_domain(seed_site, make_site):
    assert (seed_site / ".nojekyll").read_bytes() == b""
    assert not (seed_site / "CNAME").exists()

    root = make_site({"a.yaml": minimal_explainer()})
    (root / "site.yaml").write_text((root / "site.yaml").read_text("utf-8") + "cname: explainers.example.org\n", "utf-8")
    build(root)
    assert (root / "site" / "CNAME").read_text("utf-8") == "explainers.example.org\n"


def test_a_cname_with_a_scheme_or_path_is_refused_with_its_line(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    site = (root / "site.yaml").read_text("utf-8")
    (root / "site.yaml").write_text(site + "cname: https://explainers.example.org/\n", "utf-8")
    result = cli("--root", str(root))
    assert result.returncode == 1
    assert f"site.yaml:{len(site.splitlines()) + 1}:8: cname: expected a bare host name, like explainers.example.org (no https:// and no path), found 'https://explainers.example.org/'" in result.stderr


def new_project_workflow(tmp_path: Path) -> Path:
    """The workflow `explainer new` writes."""
    from explainer.scaffold.new import UNREACHABLE, project_files

    path = tmp_path / "pages.yml"
    path.write_text(project_files(tmp_path / "newsroom", dt.date(2026, 1, 1), UNREACHABLE)[".github/workflows/pages.yml"], "utf-8")
    return path


@pytest.mark.subprocess
@pytest.mark.parametrize("which", ["repository", "new project"])
def test_the_pages_workflow_is_valid_against_the_github_workflow_schema(tmp_path, which):
    path = WORKFLOW if which == "repository" else new_project_workflow(tmp_path)
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run([*command, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("which", ["repository", "new project"])
def test_only_the_deploy_job_can_publish_and_pip_downloads_are_cached(tmp_path, which):
    workflow = yaml.safe_load((WORKFLOW if which == "repository" else new_project_workflow(tmp_path)).read_text("utf-8"))
    # Nothing workflow-wide; the job that installs packages can read, and only read.
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert not any("run" in step for step in workflow["jobs"]["deploy"]["steps"])
    setup = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == ("pyproject.toml" if which == "repository" else "requirements.txt")


@pytest.mark.subprocess
def test_the_workflow_schema_check_catches_a_broken_workflow(tmp_path):
    # The check above is only worth something if the schema can fail a workflow.
    broken = tmp_path / "pages.yml"
    broken.write_text(WORKFLOW.read_text("utf-8").replace("pages: write", "pages: publish"), "utf-8")
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    result = subprocess.run([*command, str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "pages" in result.stdout


def workflow_steps() -> tuple[dict, list[dict], list[dict]]:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    return workflow, workflow["jobs"]["build"]["steps"], workflow["jobs"]["deploy"]["steps"]


def test_the_workflow_installs_builds_with_the_readme_command_and_deploys_with_the_official_actions():
    workflow, build_steps, deploy_steps = workflow_steps()
    assert workflow["concurrency"]["group"] == "pages"
    uses = [step["uses"].split("@")[0] for step in build_steps + deploy_steps if "uses" in step]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/cache", "actions/upload-pages-artifact", "actions/deploy-pages"]
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    runs = {step["name"]: step["run"] for step in build_steps if "run" in step}
    readme = (REPO / "README.md").read_text("utf-8")
    assert runs["Install"] == "pip install -e ." and "pip install -e . && python build.py" in readme
    # Over the restored site/, only what changed is moved in (tests/test_in_place.py).
    assert runs["Build"].startswith("python build.py --in-place --base-url ")
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


@pytest.mark.subprocess
@pytest.mark.parametrize("pages_base_url", ["https://owner.github.io/repo", "https://owner.github.io/repo/", "https://explainers.example.org"])
def test_the_workflow_build_step_builds_for_the_address_configure_pages_gives(make_site, pages_base_url):
    root = make_site({"a.yaml": minimal_explainer()})
    shutil.copy(REPO / "build.py", root / "build.py")
    _, build_steps, _ = workflow_steps()
    step = next(s for s in build_steps if s.get("name") == "Build")
    # The step's own shell command, with the output configure-pages would give it.
    env = {**os.environ, **{k: v.replace("${{ steps.pages.outputs.base_url }}", pages_base_url) for k, v in step["env"].items()},
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    expected = pages_base_url.rstrip("/") + "/"
    page = parse(root / "site" / "minimal" / "index.html")
    assert page.xpath("//link[@rel='canonical']/@href") == [expected + "minimal/"]
    assert page.xpath("//header[@class='masthead']/a/@href") == [urlsplit(expected).path]


def _cache_step(workflow: dict) -> tuple[int, dict]:
    steps = workflow["jobs"]["build"]["steps"]
    return next((n, s) for n, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache@"))


@pytest.mark.parametrize("which", ["repository", "new project"])
def test_the_workflow_keeps_the_last_build_s_site_between_runs_until_the_generator_theme_or_site_file_changes(tmp_path, which):
    workflow = yaml.safe_load((WORKFLOW if which == "repository" else new_project_workflow(tmp_path)).read_text("utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    n, cache = _cache_step(workflow)
    build = next(i for i, s in enumerate(steps) if s.get("name") == "Build")
    install = next(i for i, s in enumerate(steps) if s.get("name") == "Install")
    assert install < n < build, "the site is restored after the generator is installed and before it builds"
    assert cache["with"]["path"] == "site"
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"]
    # Saved once per commit; restored from the newest save whose generator, theme and site file match.
    assert key == restore + "${{ github.sha }}"
    assert "templates/**" in restore and "site.yaml" in restore
    if which == "repository":
        assert "explainer/**" in restore and "pyproject.toml" in restore  # the generator is this repository's code
    else:
        assert "${{ steps.generator.outputs.version }}" in restore


@pytest.mark.subprocess  # the workflow's own shell step
def test_the_new_project_workflow_keys_the_kept_site_on_the_installed_generator_s_version(tmp_path):
    workflow = yaml.safe_load(new_project_workflow(tmp_path).read_text("utf-8"))
    step = next(s for s in workflow["jobs"]["build"]["steps"] if s.get("id") == "generator")
    outputs = tmp_path / "outputs"
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    from explainer.scaffold.new import version

    assert outputs.read_text("utf-8") == f"version={version()}\n"


@pytest.mark.subprocess
def test_a_build_over_a_restored_site_says_how_many_pages_it_reused(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer(), "b.yaml": minimal_explainer(slug="b", title="Bee", answer="It buzzed.")})
    first = cli("--root", str(root))
    total = int(re.search(r"built (\d+) pages", first.stdout).group(1))
    assert f"({total} rendered, 0 reused, " in first.stdout
    # A fresh checkout: every file newer than the restored site, one explainer's answer edited
    # (its title is on the other's page, among related explainers).
    for path in (root / "content").glob("*.yaml"):
        path.touch()
    b = root / "content" / "b.yaml"
    b.write_text(b.read_text("utf-8").replace("It buzzed.", "It buzzed, loudly."), "utf-8")
    again = cli("--root", str(root), "--in-place")  # as the workflow builds
    rendered = int(re.search(r"\((\d+) rendered", again.stdout).group(1))
    assert 0 < rendered < total / 2
    assert f"({rendered} rendered, {total - rendered} reused, " in again.stdout


def test_ci_runs_the_readmes_test_command_verbatim():
    readme = (REPO / "README.md").read_text("utf-8")
    command = re.search(r"Install the test needs and run every test:\n\n```sh\n(.*?)\n```", readme).group(1)
    assert (REPO / ".ci" / "run").read_text("utf-8").rstrip().splitlines()[-1] == command
