"""Pictures, people and dates: a lead picture in the sizes and formats browsers need, a byline
of authors told to search engines as people, and the published and updated dates (with a time
and zone where the editor gives one) on every page a reader can land on; social images worth
clicking. The pictures are made here with Pillow (no picture from anywhere else is used)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import feedparser
import jsonschema
import pytest
from helpers import REPO, SEED_SLUG, make_project, minimal_explainer, page_text, parse, snapshot, tree
from lxml import etree
from lxml import html as lxml_html
from PIL import Image, ImageDraw
from test_publish import SITEMAP, json_ld, meta

from explainer.content.files import PICTURE_MAX_BYTES
from explainer.content.pictures import PICTURE_MAX_PIXELS
from explainer.errors import BuildError
from explainer.pipeline import build

BASE = "https://example.org/repo/"
NEWS_ARTICLE = json.loads((Path(__file__).parent / "data" / "news_article.schema.json").read_text("utf-8"))

SITE = (REPO / "site.yaml").read_text("utf-8") + """\
time_zone: Europe/Paris
brand:
  logo: logo.png
authors:
  jane-doe: {name: Jane Doe, url: "https://example.org/staff/jane-doe", role: Reporter}
"""

RIVER = """\
slug: river
title: What the flood plan means for the river towns
dek: The council votes on Tuesday. Here is what is on the table.
published: 2025-10-16 09:30
updated: 2025-10-18T14:00+02:00
authors: [jane-doe, {name: John Roe}]
image: {src: images/lead.jpg, alt: The river in flood at Mill Road, caption: The river at Mill Road., credit: Ana Ruiz/River Courier}
sections:
  - id: whats-planned
    question: What is planned?
    short_answer: Three barriers and a wider channel through the old town.
    image: {src: images/portrait.jpg, alt: A barrier in the river}
    answer: |
      Three barriers.

      ![A map of the three barriers](images/map.png)

      | Option | Cost | Risk |
      |---|--:|---|
      | Barriers | 9m | Low |
      | Channel | 4m | High |
    cards:
      - id: barriers
        title: Barriers
        summary: Steel gates at three bridges.
        image: {src: images/lead.jpg, alt: A steel gate at the first bridge}
        detail: |
          They close when the river rises.

          ![Where the gates stand](images/map.png)
"""


def photo(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """A picture with the detail of a photograph: shapes over a gradient, a little noise."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    pen = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (seed * 97 + i * 211) % size[0], (seed * 53 + i * 137) % size[1]
        pen.ellipse((x, y, x + size[0] // 5, y + size[1] // 5), fill=((i * 40 + seed) % 256, (i * 90) % 256, (i * 20 + 80) % 256))
    return Image.blend(image, Image.effect_noise(size, 30).convert("RGB"), 0.15)


def jpeg_with_exif(image: Image.Image, orientation: int = 1) -> bytes:
    """A JPEG as a camera writes one: EXIF with where it was taken, and its orientation."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Example Camera Maker"
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)  # a latitude: nothing a page should publish
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif)
    return out.getvalue()


def add_pictures(root: Path) -> None:
    (root / "images").mkdir()
    (root / "images" / "lead.jpg").write_bytes(jpeg_with_exif(photo((2000, 1333))))
    # Stored on its side, 1200 by 800: its EXIF orientation turns it upright, 800 by 1200.
    (root / "images" / "portrait.jpg").write_bytes(jpeg_with_exif(photo((1200, 800), 1), orientation=6))
    see_through = Image.new("RGBA", (700, 400), (0, 0, 0, 0))
    ImageDraw.Draw(see_through).rectangle((100, 100, 600, 300), fill=(20, 120, 60, 255))
    see_through.save(root / "images" / "map.png")
    logo = Image.new("RGBA", (300, 80), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((0, 0, 80, 80), fill=(200, 30, 60, 255))
    logo.save(root / "logo.png")


def build_pictured_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An explainer with a lead picture, a question's own picture, a picture and a table in an
    answer, two authors and times, beside one with none of them: its site folder (conftest.py's
    `pictured_site` fixture, shared by the tests here and the accessibility table)."""
    root = make_project(tmp_path_factory.mktemp("pictured") / "project", {"river.yaml": RIVER, "plain.yaml": minimal_explainer("plain")},
                        site=SITE, base_url=BASE)
    add_pictures(root)
    build(root)
    return root / "site"


def file_of(site: Path, url: str) -> Path:
    assert url.startswith("/repo/"), url
    return site / url.removeprefix("/repo/")


def srcset_files(site: Path, srcset: str) -> list[tuple[Path, int]]:
    entries = [entry.split() for entry in srcset.split(",")]
    return [(file_of(site, url), int(width.removesuffix("w"))) for url, width in entries]


# --- the lead picture ---------------------------------------------------------------------------


def test_a_lead_picture_has_its_alt_text_width_height_and_files_of_several_widths_that_exist(pictured_site):
    page = parse(pictured_site / "river" / "index.html")
    [img] = page.xpath("//header//figure//img")
    assert img.get("alt") == "The river in flood at Mill Road"
    width, height = int(img.get("width")), int(img.get("height"))
    assert (width, height) == (1440, 960)  # the widest file's size: 2000 by 1333, made 1440 wide
    # The first picture a reader sees loads at once and first; nothing moves as it arrives.
    assert img.get("fetchpriority") == "high" and img.get("loading") is None
    files = srcset_files(pictured_site, img.get("srcset"))
    assert [w for _, w in files] == [480, 960, 1440]
    sources = {source.get("type"): source.get("srcset") for source in page.xpath("//header//figure//source")}
    assert set(sources) <= {"image/avif", "image/webp"} and "image/webp" in sources
    for kind, srcset in [("image/jpeg", img.get("srcset")), *sources.items()]:
        for path, w in srcset_files(pictured_site, srcset):
            with Image.open(path) as made:
                assert Image.MIME[made.format] == kind, path
                assert made.width == w and abs(made.height - w * height / width) <= 1, path
    assert file_of(pictured_site, img.get("src")) == files[-1][0]
    caption = " ".join(page.xpath("string(//header//figcaption)").split())
    assert caption == "The river at Mill Road. Credit: Ana Ruiz/River Courier"


def test_questions_and_cards_show_their_own_pictures_in_the_explainers_sections_and_decks_loaded_lazily(pictured_site):
    page = parse(pictured_site / "river" / "index.html")
    [question] = page.xpath("//section[@id='whats-planned']//figure[not(ancestor::li)]//img")
    [card] = page.xpath("//article[@id='barriers']//figure//img")
    assert (question.get("alt"), card.get("alt")) == ("A barrier in the river", "A steel gate at the first bridge")
    # Only the lead picture, the first a reader sees, loads at once; each of the others as it comes near.
    assert [img.get("alt") for img in page.xpath("//img[@fetchpriority='high']")] == ["The river in flood at Mill Road"]
    assert question.get("loading") == card.get("loading") == "lazy"
    # The card's picture is the lead's file: made once, shown twice.
    assert card.get("srcset") == page.xpath("//header//figure//img")[0].get("srcset")
    # On the card's own page, its picture is the first: it loads at once.
    [own] = parse(pictured_site / "river" / "barriers" / "index.html").xpath("//figure//img")
    assert own.get("fetchpriority") == "high"


def test_the_index_shows_each_explainers_lead_picture_as_a_thumbnail_with_its_credit(pictured_site):
    page = parse(pictured_site / "index.html")
    [img] = page.xpath("//li[.//a[@href='/repo/river/']]//figure//img")
    assert img.get("alt") == "The river in flood at Mill Road" and img.get("width") and img.get("height")
    assert all(path.is_file() for path, _ in srcset_files(pictured_site, img.get("srcset")))
    assert "22rem" in img.get("sizes")  # a thumbnail's width, so a phone or a grid fetches a small file
    assert page.xpath("string(//li[.//a[@href='/repo/river/']]//figcaption)").strip() == "Credit: Ana Ruiz/River Courier"
    assert not page.xpath("//li[.//a[@href='/repo/plain/']]//figure")  # no picture, no empty frame


def test_embeds_carry_the_dates_and_a_pasted_fragment_shows_its_pictures_from_the_site(pictured_site):
    for item in ("whats-planned", "barriers"):
        for name in ("index.html", "fragment.html"):
            text = (pictured_site / "river" / "embed" / item / name).read_text("utf-8")
            assert '<time datetime="2025-10-16T09:30:00+02:00">' in text, (item, name)
            assert '<time datetime="2025-10-18T14:00:00+02:00">' in text, (item, name)
    fragment = lxml_html.fragment_fromstring((pictured_site / "river" / "embed" / "barriers" / "fragment.html").read_text("utf-8"))
    [img] = fragment.xpath(".//img")
    # Pasted into another site's page: every address of the picture is absolute.
    assert img.get("src").startswith(BASE + "river/images/")
    assert all(entry.strip().startswith(BASE + "river/images/") for entry in img.get("srcset").split(","))
    assert all(entry.strip().startswith(BASE) for s in fragment.xpath(".//source/@srcset") for entry in s.split(","))


def test_a_questions_oembed_thumbnail_is_its_own_social_image(pictured_site):
    data = json.loads((pictured_site / "river" / "embed" / "whats-planned" / "oembed.json").read_text("utf-8"))
    assert data["thumbnail_url"] == BASE + "river/whats-planned/social.jpg"
    assert (pictured_site / "river" / "whats-planned" / "social.jpg").is_file()


def test_a_pictures_files_hold_its_pixels_and_nothing_of_the_cameras_exif(pictured_site):
    for path in (pictured_site / "river" / "images").iterdir():
        data = path.read_bytes()
        assert b"Example Camera Maker" not in data and b"Exif\0\0" not in data, path
        with Image.open(path) as made:
            assert not made.getexif(), path


def test_a_picture_turned_by_its_exif_orientation_is_shown_upright_on_its_questions_page(pictured_site):
    page = parse(pictured_site / "river" / "whats-planned" / "index.html")
    [img] = page.xpath("//figure[not(ancestor::li)]//img")  # the question's, not its card's in the deck
    assert (img.get("alt"), img.get("width"), img.get("height")) == ("A barrier in the river", "800", "1200")
    assert img.get("fetchpriority") == "high"  # the first picture on its own page
    with Image.open(file_of(pictured_site, img.get("src"))) as made:
        assert made.size == (800, 1200)


def test_a_picture_in_an_answer_is_shown_lazily_with_its_alt_text_and_a_table_in_a_scrolling_region(pictured_site):
    page = parse(pictured_site / "river" / "whats-planned" / "index.html")
    [img] = page.xpath("//main//p[not(ancestor::li)]//picture//img")
    assert (img.get("alt"), img.get("loading"), img.get("width"), img.get("height")) == ("A map of the three barriers", "lazy", "700", "400")
    # Transparent: its fallback is a PNG, which keeps it so.
    with Image.open(file_of(pictured_site, img.get("src"))) as made:
        assert made.format == "PNG" and made.mode == "RGBA"
    [region] = page.xpath("//div[@class='table-wrap']")
    assert (region.get("role"), region.get("tabindex"), region.get("aria-label")) == ("region", "0", "Option, Cost, Risk")
    assert [th.get("scope") for th in region.xpath(".//th")] == ["col"] * 3
    assert [td.text for td in region.xpath(".//tbody/tr[1]/td")] == ["Barriers", "9m", "Low"]
    assert "|---|" not in page_text(pictured_site / "river" / "whats-planned" / "index.html")


def test_a_picture_from_another_site_in_markdown_is_refused_at_its_line(make_site):
    answer = "It happened.\n\n      ![A tracking pixel](https://tracker.example/p.png)"
    root = make_site({"a.yaml": minimal_explainer(answer=answer)})
    with pytest.raises(Exception) as refused:
        build(root)
    [error] = refused.value.errors
    assert (error.line, error.field) == (12, "sections[0].answer")
    assert error.message.startswith("the picture 'https://tracker.example/p.png' is on another site")
    assert not (root / "site").exists()


# --- the bundled explainer ----------------------------------------------------------------------


def test_the_bundled_explainer_has_no_picture_so_shows_no_photo_credit(seed_site):
    page = seed_site / SEED_SLUG / "index.html"
    assert not parse(page).xpath("//main//img | //main//figure | //*[@class='credit']")
    text = page_text(page)
    assert "Photo" not in text and "Credit" not in text and "Daniel Torok" not in text


def test_every_question_and_card_page_of_the_bundled_explainer_carries_its_published_date(seed_site):
    pages = [p for p in (seed_site / SEED_SLUG).glob("*/index.html") if p.parent.name != "embed"]
    assert len(pages) == 10  # its 5 questions and 5 cards
    for path in pages:
        times = parse(path).xpath("//main//p[@class='meta']/time")
        assert [(t.get("datetime"), t.text) for t in times] == [("2025-10-16", "October 16, 2025")], path
    # And every embed page and pasted fragment, which stand on other sites' pages.
    embeds = sorted((seed_site / SEED_SLUG / "embed").glob("*/*.html"))
    assert len(embeds) == 2 * 11  # its 5 questions, 5 cards and timeline, each an embed page and a fragment
    for path in embeds:
        assert '<time datetime="2025-10-16">October 16, 2025</time>' in path.read_text("utf-8"), path


# --- dates with a time and a zone ---------------------------------------------------------------


def test_a_time_is_published_with_its_zone_on_the_page_in_structured_data_the_feed_and_the_sitemap(pictured_site):
    page = parse(pictured_site / "river" / "whats-planned" / "index.html")
    # Written as "2025-10-16 09:30" in a site whose time_zone is Europe/Paris: summer time there.
    times = [(t.get("datetime"), t.text) for t in page.xpath("//main//p[@class='meta']/time")]
    assert times == [("2025-10-16T09:30:00+02:00", "October 16, 2025, 9:30\u202fAM +0200"), ("2025-10-18T14:00:00+02:00", "October 18, 2025, 2:00\u202fPM +0200")]
    article = json_ld(page)[0]
    assert (article["datePublished"], article["dateModified"]) == ("2025-10-16T09:30:00+02:00", "2025-10-18T14:00:00+02:00")
    assert meta(page, "article:modified_time") == "2025-10-18T14:00:00+02:00"
    feed = feedparser.parse((pictured_site / "feed.xml").read_bytes())
    [entry] = [e for e in feed.entries if e.link == BASE + "river/"]
    assert (entry.published, entry.updated) == ("2025-10-16T09:30:00+02:00", "2025-10-18T14:00:00+02:00")
    raw = etree.parse(str(pictured_site / "feed.xml")).getroot()
    assert raw.findtext("{http://www.w3.org/2005/Atom}updated") == "2025-10-18T14:00:00+02:00"  # the latest change of any entry
    lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in etree.parse(str(pictured_site / "sitemap.xml")).getroot()}
    assert lastmod[BASE + "river/barriers/"] == "2025-10-18T14:00:00+02:00"


# --- people -------------------------------------------------------------------------------------


def test_authors_make_the_byline_on_every_page_and_are_people_with_their_pages_in_structured_data_and_the_feed(pictured_site):
    for page in ("river/index.html", "river/whats-planned/index.html", "river/barriers/index.html"):
        doc = parse(pictured_site / page)
        [byline] = doc.xpath("//main//p[@class='meta'][time]")
        assert " ".join(byline.text_content().split()).startswith("By Jane Doe (Reporter) and John Roe. Published"), page
        assert byline.xpath("a[@rel='author']/@href") == ["/repo/authors/jane-doe/", "/repo/authors/john-roe/"]  # their pages on the site
        assert json_ld(doc)[0]["author"] == [{"@type": "Person", "name": "Jane Doe", "url": "https://example.org/staff/jane-doe"},
                                              {"@type": "Person", "name": "John Roe"}]
    feed = feedparser.parse((pictured_site / "feed.xml").read_bytes())
    [entry] = [e for e in feed.entries if e.link == BASE + "river/"]
    assert [(a.get("name"), a.get("href")) for a in entry.authors] == [("Jane Doe", "https://example.org/staff/jane-doe"), ("John Roe", None)]
    # The index lists the explainer with its byline too.
    assert "By Jane Doe (Reporter) and John Roe." in page_text(pictured_site / "index.html")
    # Each author's page lists their explainers and links their own page, where they have one.
    jane = parse(pictured_site / "authors" / "jane-doe" / "index.html")
    assert jane.xpath("//h1/text()") == ["Jane Doe"] and jane.xpath("//main//a[@rel='me']/@href") == ["https://example.org/staff/jane-doe"]
    assert "/repo/river/" in jane.xpath("//div[contains(@class,'listing')]//h2/a/@href")
    assert not parse(pictured_site / "authors" / "john-roe" / "index.html").xpath("//main//a[@rel='me']")


def test_every_json_ld_block_is_a_news_article_as_search_engines_read_it(pictured_site, seed_site):
    checked = 0
    for site in (pictured_site, seed_site):
        for path in sorted(site.rglob("*.html")):
            for block in json_ld(parse(path)):
                jsonschema.validate(block, NEWS_ARTICLE)
                images = block["image"] if isinstance(block["image"], list) else [block["image"]]
                # Google asks for images of at least 50,000 pixels.
                assert all(image["width"] * image["height"] >= 50_000 for image in images if isinstance(image, dict)), path
                checked += 1
    assert checked == 3 + 2 + 11  # the pictured explainer's pages, the plain one's, the bundled one's
    article = json_ld(parse(pictured_site / "river" / "index.html"))[0]
    assert article["image"][0] == {"@type": "ImageObject", "url": BASE + "river/images/" + Path(article["image"][0]["url"]).name,
                                   "width": 1440, "height": 960, "caption": "The river at Mill Road.", "creditText": "Ana Ruiz/River Courier"}
    assert article["image"][1]["url"] == BASE + "river/social.jpg"


def test_the_schema_the_structured_data_is_checked_against_refuses_an_author_without_a_name():
    bad = json_ld(parse_text('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "x",'
                             ' "datePublished": "2025-01-02", "dateModified": "2025-01-02", "image": "https://example.org/a.png",'
                             ' "publisher": {"@type": "Organization", "name": "P"}, "author": [{"@type": "Person"}]}</script>'))[0]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, NEWS_ARTICLE)


def parse_text(html: str):  # type: ignore[no-untyped-def]
    from lxml import html as lxml_html

    return lxml_html.fromstring(f"<html><head>{html}</head><body></body></html>")


# --- social images ------------------------------------------------------------------------------


def test_each_explainer_question_and_card_has_its_own_social_image_under_150_kb(pictured_site):
    images = {p.relative_to(pictured_site).as_posix(): p for p in pictured_site.rglob("social.*")}
    assert sorted(images) == ["plain/first/social.png", "plain/social.png", "river/barriers/social.jpg", "river/social.jpg", "river/whats-planned/social.jpg"]
    for name, path in images.items():
        assert path.stat().st_size < 150_000, name
        with Image.open(path) as image:
            assert image.size == (1200, 630) and image.format == ("JPEG" if name.endswith(".jpg") else "PNG"), name
            assert not image.info.get("exif"), name
    for page, image in (("river/whats-planned/index.html", "river/whats-planned/social.jpg"), ("plain/first/index.html", "plain/first/social.png")):
        doc = parse(pictured_site / page)
        assert meta(doc, "og:image") == BASE + image
        assert meta(doc, "og:image:type") == ("image/jpeg" if image.endswith(".jpg") else "image/png")


def test_a_social_image_shows_the_logo_and_the_picture_beside_the_text(pictured_site):
    with Image.open(pictured_site / "river" / "whats-planned" / "social.jpg") as image:
        picture = image.convert("RGB").crop((760, 40, 1160, 590))
        text_side = image.convert("RGB").crop((80, 168, 600, 520))
        logo = image.convert("RGB").crop((80, 50, 140, 110))
    # The picture's side is the picture, not the pale background; the text's is dark on pale.
    assert sum(1 for r, g, b in picture.get_flattened_data() if min(r, g, b) < 200) > 0.5 * picture.width * picture.height
    assert sum(1 for r, g, b in text_side.get_flattened_data() if max(r, g, b) < 80) > 3000
    # The logo's red, beside the site's name.
    assert sum(1 for r, g, b in logo.get_flattened_data() if r > 150 and g < 80 and b < 100) > 1000


def test_an_explainers_social_image_shows_its_dek_a_questions_its_short_answer_and_a_cards_its_summary(make_site):
    from explainer.plan.publish import SocialImage
    from explainer.render.social import draw_social_image

    def ink(image: Image.Image) -> bytes:
        """Where the image has text: its dark pixels."""
        return image.convert("L").point(lambda v: 255 if v < 128 else 0).tobytes()

    with_summary = draw_social_image(SocialImage("What is planned?", "A flood plan", "Site", "example.org", "Three barriers."))
    without = draw_social_image(SocialImage("What is planned?", "A flood plan", "Site", "example.org"))
    below_title = (80, 330, 1120, 540)
    assert with_summary.crop(below_title).getbbox() != without.crop(below_title).getbbox()
    root = make_site({"a.yaml": minimal_explainer()})
    build(root)
    site = root / "site" / "minimal"
    question = draw_social_image(SocialImage("What happened?", "A minimal explainer", "Explainers", "example.org", "Something happened."))
    assert ink(Image.open(site / "first" / "social.png")) == ink(question)
    # The explainer's own image: its title, and its dek under it, as a question's short answer is.
    explainer = Image.open(site / "social.png")
    assert ink(explainer) == ink(draw_social_image(SocialImage("A minimal explainer", None, "Explainers", "example.org", "A short dek.")))
    assert ink(explainer) != ink(draw_social_image(SocialImage("A minimal explainer", None, "Explainers", "example.org")))


# --- work in proportion to change ---------------------------------------------------------------


def small_project(make_site) -> Path:  # type: ignore[no-untyped-def]
    content = minimal_explainer("pic").replace("published:", "image: {src: images/lead.jpg, alt: A field}\npublished:", 1)
    root = make_site({"pic.yaml": content, "other.yaml": minimal_explainer("other")})
    (root / "images").mkdir()
    (root / "images" / "lead.jpg").write_bytes(jpeg_with_exif(photo((1000, 600), 2)))
    return root


def picture_files(site: Path) -> set[str]:
    return {p.name for p in (site / "pic" / "images").iterdir()}


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of every file the builds in this test render, and of every content file they read
    ("read:content/x.yaml"): the build's own functions, watched."""
    import explainer.pipeline

    paths: list[str] = []
    render, read = explainer.pipeline.render_page, explainer.pipeline.read_explainer

    def render_page(env, page):  # type: ignore[no-untyped-def]
        paths.append(page.path)
        return render(env, page)

    def read_and_parse(root, source, *args):  # type: ignore[no-untyped-def]
        paths.append(f"read:{source}")
        return read(root, source, *args)

    monkeypatch.setattr(explainer.pipeline, "render_page", render_page)
    monkeypatch.setattr(explainer.pipeline, "read_explainer", read_and_parse)
    return paths


def test_an_unchanged_picture_is_not_made_again_and_a_changed_one_gets_new_files(make_site, rendered):
    root = small_project(make_site)
    build(root)
    site = root / "site"
    first = picture_files(site)
    assert {p for p in rendered if p.startswith("pic/images/")} == {f"pic/images/{name}" for name in first}
    assert build(root).unchanged  # nothing changed: the build stops at once, pictures and all
    before = snapshot(site)

    # An edit to the other explainer: this one, picture and all, is kept without being read again.
    rendered.clear()
    (root / "content" / "other.yaml").write_text(minimal_explainer("other", answer="It happened again."), "utf-8")
    build(root)
    assert "read:content/other.yaml" in rendered and not [p for p in rendered if p.startswith(("pic/", "read:content/pic"))]

    # An edit to the text: the pages are made again, the picture's files are not.
    rendered.clear()
    (root / "content" / "pic.yaml").write_text((root / "content" / "pic.yaml").read_text("utf-8").replace("It happened.", "It happened twice."), "utf-8")
    build(root)
    assert "pic/index.html" in rendered and not [p for p in rendered if p.startswith("pic/images/")]
    assert snapshot(site)["pic/index.html"] != before["pic/index.html"]
    before = snapshot(site)

    # New bytes under the same name: new files, named by them; the old ones go; the other explainer is left alone.
    rendered.clear()
    (root / "images" / "lead.jpg").write_bytes(jpeg_with_exif(photo((1000, 600), 9)))
    build(root)
    second = picture_files(site)
    assert second and not second & first
    assert {p for p in rendered if p.startswith("pic/images/")} == {f"pic/images/{name}" for name in second}
    assert not [p for p in rendered if p.startswith("other/")]
    html = (site / "pic" / "index.html").read_text("utf-8")
    assert all(name in html for name in second if name.endswith(".jpg"))
    assert snapshot(site)["other/index.html"] == before["other/index.html"]
    assert build(root).unchanged


def test_a_site_with_pictures_builds_to_the_same_bytes_every_time(make_site, tmp_path):
    root = small_project(make_site)
    build(root, tmp_path / "one")
    build(root, tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_the_pixel_limit_is_read_from_the_header_before_anything_is_decoded(make_site):
    root = small_project(make_site)
    width = 10_000
    Image.new("1", (width, PICTURE_MAX_PIXELS // width + 1)).save(root / "images" / "lead.png")
    path = root / "content" / "pic.yaml"
    path.write_text(path.read_text("utf-8").replace("images/lead.jpg", "images/lead.png"), "utf-8")
    with pytest.raises(Exception) as refused:
        build(root)
    assert re.search(r"is 10,000 by 6,001 pixels \(60 million\); a picture may have at most 60 million", refused.value.errors[0].message)


def test_a_picture_file_over_the_byte_limit_is_refused_unread_with_the_limit_in_words(make_site):
    root = small_project(make_site)
    with open(root / "images" / "lead.jpg", "wb") as picture:
        picture.truncate(PICTURE_MAX_BYTES + 1)  # a sparse file: no disk, and never read
    with pytest.raises(BuildError) as refused:
        build(root)
    assert [str(e) for e in refused.value.errors] == [
        "content/pic.yaml:4:14: image.src: 'images/lead.jpg' is larger than 30,000,000 bytes; make the picture smaller (pages show it at most 1,440 pixels wide)"]


def test_the_preview_shows_a_picture_changed_under_the_same_name(make_site, tmp_path):
    from explainer.preview.session import Session

    root, out = small_project(make_site), tmp_path / "preview"
    session = Session(root, out, None)
    session.build()
    first = picture_files(out)
    (root / "images" / "lead.jpg").write_bytes(jpeg_with_exif(photo((1000, 600), 9)))
    session.build()  # the explainer's file is as it was, and was checked already
    second = picture_files(out)
    assert second and not second & first
    assert all(name in (out / "pic" / "index.html").read_text("utf-8") for name in second if name.endswith(".jpg"))


def test_the_preview_shows_a_picture_added_after_a_build_said_it_was_missing(make_site, tmp_path):
    from explainer.preview.session import Session

    root, out = small_project(make_site), tmp_path / "preview"
    (root / "images" / "lead.jpg").rename(root / "lead.jpg")
    session = Session(root, out, None)
    with pytest.raises(Exception) as refused:
        session.build()
    assert refused.value.errors[0].field == "image.src"
    (root / "lead.jpg").rename(root / "images" / "lead.jpg")
    session.build()  # the explainer's file is as it was: its picture is looked for again
    assert picture_files(out)


def test_an_author_named_by_id_in_a_site_whose_file_is_wrong_gives_only_the_site_files_mistake(make_site):
    content = minimal_explainer().replace("published:", "authors: [jane-doe]\npublished:", 1)
    root = make_site({"a.yaml": content}, base_url="example.org")
    with pytest.raises(Exception) as refused:
        build(root)
    assert [(e.file, e.field) for e in refused.value.errors] == [("site.yaml", "base_url")]
