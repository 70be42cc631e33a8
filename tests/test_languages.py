"""The reader's pages speak the explainer's language: the theme's words, dates as the language
writes them, the text's direction, and `lang` wherever a page or entry is in another language
than the site. Words come from the theme's words files, which a project's own change phrase by
phrase; a language with no words is built in English with a warning; one Babel does not know is
refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import pytest
from helpers import REPO, cli, make_project, minimal_explainer, page_text, parse, tree
from lxml import etree

from explainer.content.language import CODE_PHRASES, DEFAULT_HEADINGS, PHRASE_FUNCTIONS, placeholders
from explainer.content.words import WORDS_DIR

THEME = REPO / "templates"
FRENCH = "budget-de-la-ville"
ARABIC = "khuttat-al-miyah"


def html_of(path: Path) -> etree._Element:
    return parse(path).getroottree().getroot()


# --- a site in French -------------------------------------------------------------------------


def test_a_french_sites_pages_are_in_french_words_and_dates(languages_site):
    page = languages_site / FRENCH / "index.html"
    root = html_of(page)
    assert (root.get("lang"), root.get("dir")) == ("fr", "ltr")
    text = page_text(page)
    assert root.xpath("string(//nav[@id='contents']/h2)") == "Sommaire"
    assert root.xpath("string(//nav[@id='contents']/@aria-label)") == "Sommaire"
    # Dates as French writes them, the editor's month-only dates too; the byline's own words.
    assert "Publié le 20 février 2026 ; mis à jour le 24 février 2026." in text
    # The timeline's events by year, each dated within it: a month, a day.
    assert [y.text_content() for y in root.xpath("//section[@id='timeline']//h3")] == ["2025", "2026"]
    assert [t.text_content() for t in root.xpath("//section[@id='timeline']//li/p/time")] == ["novembre", "12 mars"]
    # A kind's default heading, in the contents and over its section.
    assert [root.xpath(f"string(//section[@id='{i}']/h2)") for i in ("timeline", "key-points", "sources")] == ["Chronologie", "Points clés", "Sources"]
    assert "Chronologie" in [a.text_content() for a in root.xpath("//nav[@id='contents']//a")]
    assert "Mises à jour et corrections" in text and "Mise à jour" in text
    # Its authors listed as French lists them, each with a link to their page on the site.
    assert "Par Équipe des décryptages et Marie Dupont." in text
    assert root.xpath("//p[@class='meta']//a[@rel='author']/@href") == ["/repo/authors/equipe-des-decryptages/", "/repo/authors/marie-dupont/"]
    assert root.xpath("string(//div[@class='share']/a[@class='share-embed'])").startswith("Intégrer")
    assert root.xpath("string(//p[@class='kicker']/span[@class='count'])") == "Question 1 sur 1"
    assert root.xpath("string(//span[@class='short-label'])") == "En bref"
    assert "Publié par Explainers." in root.xpath("string(//footer)")
    assert root.xpath("string(//a[@class='skip'])") == "Aller au contenu"
    # The share buttons' words are the page's too, and the codes' on the page for partners.
    assert '"Copier le lien"' in page.read_text("utf-8") and '"Copy link"' not in page.read_text("utf-8")
    partners = languages_site / FRENCH / "embed" / "index.html"
    assert html_of(partners).xpath("string(//details[@class='embed-this']/summary)").startswith("Intégrer")
    assert '"Copier"' in partners.read_text("utf-8") and '"Copy"' not in partners.read_text("utf-8")


def test_a_french_sites_other_pages_embeds_and_feed_are_in_french(languages_site):
    assert "Page introuvable" in page_text(languages_site / "404.html")
    card = languages_site / FRENCH / "economies" / "index.html"
    assert html_of(card).get("lang") == "fr"
    assert "Extrait de Ce que change le budget de la ville" in page_text(card)
    assert html_of(card).xpath("string(//nav[@class='pager']/@aria-label)") == "Suite de ce décryptage"
    embed = languages_site / FRENCH / "embed" / "timeline" / "index.html"
    assert html_of(embed).get("lang") == "fr"
    assert html_of(embed).xpath("string(//h1)") == "Chronologie"
    assert "Source : Ce que change le budget de la ville, Explainers" in page_text(embed)
    oembed = json.loads((languages_site / FRENCH / "embed" / "timeline" / "oembed.json").read_text("utf-8"))
    # The title's colon is French's, after a no-break space.
    assert oembed["title"] == "Chronologie\u00a0: Ce que change le budget de la ville"
    question = languages_site / FRENCH / "embed" / "combien" / "index.html"
    assert "Lire la réponse complète" in page_text(question)
    feed = etree.parse(str(languages_site / "feed.xml")).getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


# --- an explainer in Arabic on that site ------------------------------------------------------


def test_an_explainer_in_a_right_to_left_language_has_its_own_words_dates_and_direction(languages_site):
    import datetime as dt

    from babel.dates import format_date

    for path in (f"{ARABIC}/index.html", f"{ARABIC}/al-anabib/index.html", f"{ARABIC}/embed/al-anabib/index.html", "water-plan/index.html"):
        root = html_of(languages_site / path)
        assert (root.get("lang"), root.get("dir")) == ("ar", "rtl"), path
    page = languages_site / ARABIC / "index.html"
    root = html_of(page)
    assert root.xpath("string(//nav[@id='contents']/h2)") == "المحتويات"
    published = format_date(dt.date(2026, 3, 5), "long", locale="ar")
    assert "مارس" in published and published in page_text(page)
    assert [root.xpath(f"string(//section[@id='{i}']/h2)") for i in ("timeline", "glossary", "what-we-know")] == ["التسلسل الزمني", "مسرد المصطلحات", "أين تقف الأمور"]
    # The template's own punctuation is the language's: an Arabic comma between a source and its publisher.
    assert " ".join(root.xpath("string(//section[@id='sources']//li)").split()) == "تقرير لجنة المياه، مجلس المدينة"
    # The fragment a host pastes says which language and direction it is in, whatever the host's.
    fragment = (languages_site / ARABIC / "embed" / "al-anabib" / "fragment.html").read_text("utf-8")
    assert '<div class="explainer-embed" lang="ar" dir="rtl">' in fragment
    # Its redirect from an old address speaks its language too.
    assert "نُقلت هذه الصفحة إلى" in parse(languages_site / "water-plan" / "index.html").text_content()


def test_the_site_pages_mark_an_explainer_in_another_language(languages_site):
    index = html_of(languages_site / "index.html")
    assert (index.get("lang"), index.get("dir")) == ("fr", "ltr")
    marked = {h.get("lang") for h in index.xpath("//main//article/h2")}
    assert marked == {None, "ar"}
    arabic = index.xpath("//main//article[h2[@lang='ar']]")[0]
    assert arabic.xpath("string(p/@lang)") == "ar"
    # Its direction is its text's own, so an Arabic title stands from the right on a French index.
    assert arabic.xpath("string(h2/@dir)") == arabic.xpath("string(p/@dir)") == "auto"
    feed = etree.parse(str(languages_site / "feed.xml")).getroot()
    langs = {e.findtext("{http://www.w3.org/2005/Atom}title"): e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in feed.iter("{http://www.w3.org/2005/Atom}entry")}
    assert langs == {"Ce que change le budget de la ville": None, "ما الذي تعنيه خطة المياه الجديدة للمدينة؟": "ar"}
    news = html_of(languages_site / ARABIC / "index.html").xpath("string(//script[@type='application/ld+json'])")
    assert json.loads(news)["inLanguage"] == "ar"
    assert html_of(languages_site / ARABIC / "index.html").xpath("string(//meta[@property='og:locale']/@content)") == "ar"
    assert html_of(languages_site / FRENCH / "index.html").xpath("string(//meta[@property='og:locale']/@content)") == "fr"


def test_right_to_left_pages_lay_out_from_the_right(languages_site, browser):
    """The theme's styles are written in logical properties: the timeline's rule is on the
    reading side, so in Arabic it is on the right."""
    from webtools import static_server

    with static_server(languages_site, "/repo/") as base:
        page = browser.new_page()
        try:
            for slug, side in ((ARABIC, "right"), (FRENCH, "left")):
                page.goto(f"{base}{slug}/")
                timeline = page.locator("ol.timeline, ul.timeline").first
                widths = timeline.evaluate("e => { const s = getComputedStyle(e); return [s.borderLeftWidth, s.borderRightWidth]; }")
                assert widths == (["0px", "2px"] if side == "right" else ["2px", "0px"]), slug
        finally:
            page.close()


# --- languages and words files ----------------------------------------------------------------


def site_in(language: str) -> str:
    return (REPO / "site.yaml").read_text("utf-8").replace("language: en", f"language: {language}")


def test_a_regional_tag_takes_its_base_languages_words_and_keeps_its_own_tag(tmp_path):
    root = make_project(tmp_path / "p", {"a.yaml": minimal_explainer()}, site=site_in("pt-BR"))
    result = cli("--root", str(root))
    assert result.returncode == 0, result.stderr
    page = root / "site" / "minimal" / "index.html"
    assert html_of(page).get("lang") == "pt-BR"
    assert html_of(page).xpath("string(//nav[@id='contents']/h2)") == "Índice"


def test_a_language_without_words_is_built_in_english_with_a_warning_until_the_project_adds_them(tmp_path):
    root = make_project(tmp_path / "p", {"a.yaml": minimal_explainer()}, site=site_in("cs"))
    result = cli("--root", str(root))
    assert result.returncode == 0, result.stderr
    line = [line for line in result.stderr.splitlines() if "warning" in line and "language" in line]
    assert line == ["site.yaml:6:11: language: warning: the theme has no words in 'cs', so its pages show English ones (\"Contents\", \"Published\"); add templates/words/cs.yaml to translate them"]
    page = root / "site" / "minimal" / "index.html"
    assert html_of(page).get("lang") == "cs" and html_of(page).xpath("string(//nav[@id='contents']/h2)") == "Contents"
    # Czech dates come from Babel whatever the words.
    assert "2. ledna 2025" in page_text(page)
    words = root / "templates" / WORDS_DIR / "cs.yaml"
    words.parent.mkdir(parents=True)
    words.write_text("Contents: Obsah\n", "utf-8")
    result = cli("--root", str(root))
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    assert html_of(page).xpath("string(//nav[@id='contents']/h2)") == "Obsah"


def test_an_explainer_language_without_words_is_warned_about_at_its_line(tmp_path):
    content = minimal_explainer().replace("published:", "language: sw\npublished:", 1)
    root = make_project(tmp_path / "p", {"a.yaml": content})
    result = cli("--root", str(root))
    assert result.returncode == 0, result.stderr
    line = content.splitlines().index("language: sw") + 1
    assert f"content/a.yaml:{line}:11: language: warning: the theme has no words in 'sw'" in result.stderr


@pytest.mark.parametrize("where", ["site", "explainer"])
def test_a_language_babel_does_not_know_is_refused_and_the_site_left_alone(tmp_path, where):
    good = make_project(tmp_path / "p", {"a.yaml": minimal_explainer()})
    assert cli("--root", str(good)).returncode == 0
    before = tree(good / "site")
    if where == "site":
        (good / "site.yaml").write_text(site_in("xx-yy"), "utf-8")
        expected = "site.yaml:6:11: language: 'xx-yy' is not a language known to Babel's locale data; write a language tag such as en, fr, pt-BR or sr-Latn"
    else:
        content = minimal_explainer().replace("published:", "language: qq\npublished:", 1)
        (good / "content" / "a.yaml").write_text(content, "utf-8")
        line = content.splitlines().index("language: qq") + 1
        expected = f"content/a.yaml:{line}:11: language: 'qq' is not a language known to Babel's locale data; write a language tag such as en, fr, pt-BR or sr-Latn"
    result = cli("--root", str(good))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == expected
    assert tree(good / "site") == before


def test_a_projects_words_change_the_themes_phrase_by_phrase(tmp_path):
    root = make_project(tmp_path / "p", {"a.yaml": minimal_explainer()}, site=site_in("fr"))
    words = root / "templates" / WORDS_DIR / "fr.yaml"
    words.parent.mkdir(parents=True)
    words.write_text('Contents: "Au menu"\n', "utf-8")
    assert cli("--root", str(root)).returncode == 0
    page = root / "site" / "minimal" / "index.html"
    assert html_of(page).xpath("string(//nav[@id='contents']/h2)") == "Au menu"
    assert html_of(page).xpath("string(//a[@class='skip'])") == "Aller au contenu"  # still the theme's
    # An edit to the words is a change the next build sees.
    words.write_text('Contents: "En bref"\n', "utf-8")
    assert cli("--root", str(root)).returncode == 0
    assert html_of(page).xpath("string(//nav[@id='contents']/h2)") == "En bref"


def test_a_translation_is_text_and_values_filled_into_it_are_escaped(tmp_path):
    name = "<script>alert(1)</script> & Co"
    content = minimal_explainer().replace("published:", f"authors: [{{name: \"{name}\"}}]\npublished:", 1)
    root = make_project(tmp_path / "p", {"a.yaml": content}, site=site_in("fr"))
    words = root / "templates" / WORDS_DIR / "fr.yaml"
    words.parent.mkdir(parents=True)
    words.write_text('"By %(authors)s.": "<b>Par</b> %(authors)s."\nContents: "<script>x()</script>"\n', "utf-8")
    assert cli("--root", str(root)).returncode == 0
    page = root / "site" / "minimal" / "index.html"
    byline = html_of(page).xpath("//p[@class='meta']")[0]
    assert byline.text_content().split("\n")[1] == f"<b>Par</b> {name}."
    assert [e.tag for e in byline] == ["a", "time"] and byline[0].text_content() == name  # two elements: the author's page link, the date
    assert html_of(page).xpath("string(//nav[@id='contents']/h2)") == "<script>x()</script>"
    assert "<script>x()" not in page.read_text("utf-8")


@pytest.mark.parametrize("text, expected", [
    ('"Published %(published)s.": "Publié le %(date)s."\n',
     "templates/words/fr.yaml:1:29: ['Published\\u0020%(published)s.']: the translation must fill in the same values as the phrase (%(published)s); keep each %(name)s as it is"),
    ("Contents: [1, 2]\n", "templates/words/fr.yaml:1:11: Contents: expected text, found ['1', '2'] (if the brackets are part of the text, put the whole value in quotes)"),
    ("Contents: Au menu\n  Skip: x\n", None),
])
def test_a_mistake_in_a_words_file_is_one_line_at_its_place(tmp_path, text, expected):
    root = make_project(tmp_path / "p", {"a.yaml": minimal_explainer()}, site=site_in("fr"))
    words = root / "templates" / WORDS_DIR / "fr.yaml"
    words.parent.mkdir(parents=True)
    words.write_text(text, "utf-8")
    result = cli("--root", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("templates/words/fr.yaml:")
    if expected:
        assert first == expected
    assert not (root / "site").exists()


# --- the theme's words files ------------------------------------------------------------------


def marked_phrases() -> set[str]:
    """Every phrase the theme's templates mark for translation, the default headings, and the
    phrases the build writes itself."""
    from explainer.render.templates import make_env

    env = make_env([THEME])
    found = set(DEFAULT_HEADINGS.values()) | set(CODE_PHRASES)
    for path in sorted(THEME.rglob("*")):
        if path.is_file() and path.parent.name != WORDS_DIR:
            for _, _, message in env.extract_translations(path.read_text("utf-8"), gettext_functions=PHRASE_FUNCTIONS):
                found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_theme_marks_its_phrases():
    phrases = marked_phrases()
    assert {"Contents", "Embed this", "Published %(published)s.", "Timeline", "Page not found"} <= phrases
    # No English words left in the reading pages' templates outside a marked phrase.
    for name in ("explainer.html", "404.html", "_partials/byline.html", "_partials/footer.html", "_partials/embed_panel.html", "_partials/changes.html"):
        source = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|<[^>]+>", " ", (THEME / name).read_text("utf-8"), flags=re.S)
        assert re.findall(r"[A-Za-z]{3,}", source) == [], name


@pytest.mark.parametrize("language", sorted(p.stem for p in (THEME / WORDS_DIR).glob("*.yaml")))
def test_each_words_file_of_the_theme_translates_every_phrase_and_keeps_its_values(language):
    import yaml

    words = yaml.safe_load((THEME / WORDS_DIR / f"{language}.yaml").read_text("utf-8"))
    assert set(words) == marked_phrases()
    for phrase, translation in words.items():
        assert placeholders(translation) == placeholders(phrase), (language, phrase)
        # A phrase of values and punctuation only ("%(title)s, %(publisher)s") may stay as it is.
        words_of = re.sub(r"%\(\w+\)s|[\W\d_]", "", phrase)
        assert translation.strip() and translation != phrase or phrase in {"Sources", "Page", "Pages", "Feed"} or not words_of, (language, phrase)


def test_the_words_files_are_valid_for_their_schema():
    import fastjsonschema
    import yaml

    schema = json.loads((REPO / "explainer" / "schema" / "words.schema.json").read_text("utf-8"))
    check = fastjsonschema.compile(schema)
    for path in (THEME / WORDS_DIR).glob("*.yaml"):
        check(yaml.safe_load(path.read_text("utf-8")))
    with pytest.raises(fastjsonschema.JsonSchemaException):
        check({"Contents": "two\nlines"})


def test_a_phrase_a_template_marks_but_no_file_translates_is_shown_as_written():
    from explainer.content.language import Words, language, page_globals

    env = jinja2.Environment(autoescape=True)
    env.globals.update(page_globals(language("fr", Words({"fr": {"Contents": "Sommaire"}}))))
    assert env.from_string('{{ _("Contents") }} {{ _("Not a phrase of the theme") }}').render() == "Sommaire Not a phrase of the theme"
