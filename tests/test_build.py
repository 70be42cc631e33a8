"""Building: the pages a reader gets, where they go, and what a rebuild touches."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import REPO, SEED_ARTICLE, SEED_SLUG, cli, cli_process, minimal_explainer, override, page_text, parse, snapshot
from lxml import etree
from lxml import html as lxml_html

from explainer.errors import BuildError
from explainer.pipeline import build


def hrefs(path: Path) -> list[str]:
    return lxml_html.fromstring(path.read_bytes()).xpath("//a/@href | //link/@href")


def article_blocks() -> list[str]:
    """The seed article's paragraphs and bullets, in its order, without its title, photo lines and headings."""
    lines = [" ".join(line.split()) for line in SEED_ARTICLE.read_text("utf-8").splitlines()]
    blocks = [line for line in lines[1:] if line and "Photo-" not in line]
    # Headings are the short lines without a final full stop.
    return [b for b in blocks if len(b) > 80]


def article_headings() -> list[str]:
    lines = [" ".join(line.split()) for line in SEED_ARTICLE.read_text("utf-8").splitlines()]
    return [line for line in lines[1:] if line and "Photo-" not in line and len(line) <= 80]


def in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces not found in text each after the one before: empty when text has them all, in order."""
    out, at = [], 0
    for piece in pieces:
        found = text.find(piece, at)
        if found < 0:
            out.append(piece)
        else:
            at = found + len(piece)
    return out


def test_the_seed_page_shows_every_paragraph_and_bullet_of_the_article_in_the_articles_order(seed_site):
    text = page_text(seed_site / SEED_SLUG / "index.html")
    pieces = []
    for block in article_blocks():
        if block.startswith("•"):
            # A bullet is a card: its label is the title, then its text.
            label, body = block.lstrip("• ").split(": ", 1)
            pieces += [label, body]
        else:
            pieces.append(block)
    assert len(pieces) >= 22
    assert in_order(text, pieces) == []


def test_the_seed_pages_sections_and_contents_follow_the_articles_headings(seed_site):
    page = lxml_html.fromstring((seed_site / SEED_SLUG / "index.html").read_bytes())
    # Each section shows the article's own heading, as its question or as the label over it.
    shown = [" ".join(s.xpath("string(./h2)").split()).casefold() for s in page.xpath("//main//section[h2]")]
    labels = [" ".join(s.xpath("string(./p[@class='kicker']/span[@class='label'])").split()).casefold() for s in page.xpath("//main//section[h2]")]
    positions = []
    for heading in article_headings():
        wanted = heading.casefold()
        positions.append(next(i for i, (h, k) in enumerate(zip(shown, labels)) if wanted in (h, k)))
    assert positions == sorted(positions) and len(positions) == 6
    toc = page.xpath("//nav[@id='contents']//a/@href")
    sections = ["#" + s.get("id") for s in page.xpath("//main//section[h2]") if s.get("id") != "changes"]
    assert toc == sections


def test_the_seed_offers_are_five_cards_inside_their_question_each_with_its_own_page(seed_site):
    page = lxml_html.fromstring((seed_site / SEED_SLUG / "index.html").read_bytes())
    titles = [h.text_content() for h in page.xpath("//section[@id='what-can-trump-offer']//article[@class='card']/h3[@class='card-title']")]
    assert titles == ["Sanctions Rollback", "Ukraine Concessions", "Energy and Trade Pacts", "Global Security Deals", "Personal Diplomacy Perks"]
    for card in ("sanctions-rollback", "ukraine-concessions", "energy-and-trade-pacts", "global-security-deals", "personal-diplomacy-perks"):
        card_page = seed_site / SEED_SLUG / card / "index.html"
        assert f'href="/repo/{SEED_SLUG}/"' in card_page.read_text("utf-8")
    # The text after the deck follows it, inside the same section.
    section = page.xpath("//section[@id='what-can-trump-offer']")[0]
    text = " ".join(section.text_content().split())
    assert text.index("Personal Diplomacy Perks") < text.index("Challenges: Any offer must navigate")
    # The cards keep their labelled facts, named as the editor named them, each label beside its text.
    card = page.xpath("//article[@id='sanctions-rollback']")[0]
    assert [(f.xpath("string(dt)"), f.xpath("string(dd)").strip()) for f in card.xpath("./dl[@class='facts']/div")] == [("In return", "Troop withdrawals."), ("Risks", "Congressional pushback.")]
    # Each card says where it stands in its deck.
    assert [p.text_content() for p in page.xpath("//section[@id='what-can-trump-offer']//p[@class='card-count']")] == [f"{n} of 5" for n in range(1, 6)]


def test_each_section_is_anchored_and_listed_in_the_contents_in_the_order_written(seed_site):
    page = lxml_html.fromstring((seed_site / SEED_SLUG / "index.html").read_bytes())
    toc = page.xpath("//nav[@id='contents']//a/@href")
    assert toc == ["#why-another-summit", "#something-new", "#lessons-from-alaska", "#europe-game-changer", "#what-can-trump-offer",
                   "#high-stakes", "#timeline", "#people", "#glossary", "#sources"]
    for anchor in toc:
        assert page.xpath(f"//*[@id='{anchor[1:]}']"), anchor


def test_the_site_has_an_index_a_404_and_a_page_per_question(seed_site):
    assert SEED_SLUG in (seed_site / "index.html").read_text("utf-8")
    assert "Page not found" in (seed_site / "404.html").read_text("utf-8")
    for question in ["why-another-summit", "something-new", "europe-game-changer", "what-can-trump-offer", "high-stakes"]:
        assert (seed_site / SEED_SLUG / question / "index.html").is_file()


def test_every_internal_link_carries_the_base_path(seed_site):
    for path in seed_site.rglob("*.html"):
        for href in hrefs(path):
            if href.startswith("#") or href.startswith("data:"):
                continue
            assert href.startswith("/repo/") or href.startswith("https://example.org/repo/"), (path, href)


def test_the_canonical_url_is_absolute_under_the_base_url(seed_site):
    assert f'<link rel="canonical" href="https://example.org/repo/{SEED_SLUG}/">' in (seed_site / SEED_SLUG / "index.html").read_text("utf-8")


def reading_pages(site: Path) -> list[Path]:
    """The pages a reader visits: every HTML file but the embeds under <slug>/embed/, the page for
    partners (<slug>/embed/index.html) and the editing page."""
    return [p for p in sorted(site.rglob("*.html")) if "embed" not in p.relative_to(site).parts and p.relative_to(site).parts[0] != "admin"]


def theme_script(partial: str = "_partials/script.html", language: str = "en", **context: object) -> str:
    """The text of a script of the theme's, as it renders it in a language (its words are in it):
    the reading pages' one script (share buttons, the contents' marker), the Copy buttons of
    the page for partners (`_partials/embed_copy.html`) or the search box's (`_partials/search.html`,
    given its `context`)."""
    from explainer.content.language import Words, page_globals
    from explainer.content.language import language as language_for
    from explainer.content.words import load_words
    from explainer.render.templates import make_env

    theme = REPO / "templates"
    words = load_words(REPO, [theme], []) if language != "en" else Words()
    env = make_env([theme])
    env.filters["url"] = lambda url: "/" + url
    source = env.get_template(partial).render(page_globals(language_for(language, words)), **context)
    return lxml_html.fragment_fromstring(source[source.index("<script>"):]).text


def test_pages_need_no_script_and_inline_their_css(seed_site):
    script = theme_script()
    assert "navigator.share" in script and "clipboard" in script
    search = theme_script("_partials/search.html", search=SimpleNamespace(url="pagefind/", languages=()), browse=None)
    assert "pagefind.js" in search
    pages = reading_pages(seed_site)
    assert len(pages) == 17  # the index, the 404 page, the explainer, 5 questions, 5 cards, the topics and its 3 topics
    for path in pages:
        text = path.read_text("utf-8")
        doc = lxml_html.fromstring(text)
        # Reading needs no script; a page with share controls carries exactly one, inline, that
        # adds their buttons and marks the contents (tests/test_pages_in_browser.py reads pages with
        # JavaScript off), and one with a search box the one that searches. JSON-LD is data for
        # search engines, which browsers never run.
        scripts = [s for s in doc.xpath("//script") if s.get("type") != "application/ld+json"]
        shares = doc.xpath("//div[@class='share']")
        searches = doc.xpath("//*[@data-search]")
        assert [(s.get("src"), s.text) for s in scripts] == [(None, script)] * bool(shares) + [(None, search)] * bool(searches), path
        assert '<link rel="stylesheet"' not in text
        assert "<style>" in text and "prefers-color-scheme:dark" in text and "@media print" in text and "prefers-reduced-motion" in text


def test_building_twice_gives_identical_bytes(tmp_path):
    build(REPO, tmp_path / "one")
    build(REPO, tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two


def test_a_rebuild_rewrites_only_what_changed(make_site):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b", title="Bee")})
    build(root)
    before = snapshot(root / "site")
    build(root)
    assert snapshot(root / "site") == before

    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="It happened again."), "utf-8")
    build(root)
    after = snapshot(root / "site")
    changed = {path for path in after if after[path] != before.get(path)}
    assert "a/index.html" in changed and "a/first/index.html" in changed
    assert not any(path.startswith("b/") for path in changed)
    # The index, feed and sitemap show no answer: they are not rewritten.
    assert not {"index.html", "feed.xml", "sitemap.xml"} & changed
    assert "It happened again." in (root / "site/a/index.html").read_text("utf-8")


def test_a_file_missing_from_an_unchanged_explainer_is_made_again_by_the_next_build(make_site):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b", title="Bee")})
    build(root)
    page = root / "site" / "a" / "first" / "index.html"
    expected = page.read_bytes()
    page.unlink()
    (root / "content" / "b.yaml").write_text(minimal_explainer("b", title="Bee", answer="Again."), "utf-8")
    build(root)
    assert page.read_bytes() == expected


def test_pages_of_a_removed_explainer_are_removed(make_site):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    build(root)
    (root / "content" / "b.yaml").unlink()
    build(root)
    assert not (root / "site" / "b").exists()
    assert (root / "site" / "a" / "index.html").exists()


def test_the_index_lists_explainers_newest_first(make_site):
    root = make_site({
        "old.yaml": minimal_explainer("old", title="Old one", published="2020-05-01"),
        "new.yaml": minimal_explainer("new", title="New one", published="2025-05-01"),
        "mid.yaml": minimal_explainer("mid", title="Middle one", published="2023-05-01"),
    })
    build(root)
    text = page_text(root / "site" / "index.html")
    assert text.index("New one") < text.index("Middle one") < text.index("Old one")


def test_explainers_of_the_same_day_are_listed_by_title_then_slug_whatever_their_files_are_called(make_site):
    # File names, slugs and titles each in another order, so only the title, then the slug, can give this one.
    root = make_site({
        "a.yaml": minimal_explainer("zeta", title="Beta story", published="2025-05-01"),
        "b.yaml": minimal_explainer("alpha", title="Delta story", published="2025-05-01"),
        "c.yaml": minimal_explainer("mu", title="Alpha story", published="2025-05-01"),
        "d.yaml": minimal_explainer("beta", title="Delta story", published="2025-05-01"),
    })
    build(root)
    links = parse(root / "site" / "index.html").xpath("//main//h2/a/@href")
    assert links == ["/mu/", "/zeta/", "/alpha/", "/beta/"]
    feed = [e.get("href") for e in etree.parse(str(root / "site" / "feed.xml")).getroot().iter("{http://www.w3.org/2005/Atom}link") if e.get("rel") == "alternate"]
    assert feed[1:] == ["https://example.org/mu/", "https://example.org/zeta/", "https://example.org/alpha/", "https://example.org/beta/"]


def test_nothing_an_explainer_does_not_publish_reaches_any_file_of_the_site(make_site):
    secret = "Xylophone-unplaced-7Q"
    text = minimal_explainer() + f"made_from:\n  - seeds/{secret.lower()}-source.txt\nunplaced:\n  - {secret} one.\n  - Another {secret}.\n"
    root = make_site({"a.yaml": text})
    (root / "seeds").mkdir()
    (root / "seeds" / f"{secret.lower()}-source.txt").write_text("The source.", "utf-8")
    for _ in range(2):  # a first build, and one that keeps what it can
        build(root)
        files = [p for p in (root / "site").rglob("*") if p.is_file()]
        assert any(p.name.startswith(".") for p in files)  # the tool's own records are looked at too
        leaks = [p for p in files if secret.lower().encode() in p.read_bytes().lower()]
        assert leaks == []


def test_the_build_refuses_to_replace_a_folder_it_did_not_make(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer()})
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(BuildError) as raised:
        build(root, precious)
    assert "was not made by this tool" in str(raised.value.errors[0])
    assert (precious / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious", "project"]


def test_a_build_left_half_swapped_recovers_the_previous_site(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    build(root)
    # As if a build were killed between the two renames of a swap without exchange: the old site
    # aside under the build's own hidden name, the new tree beside it.
    (root / "site").rename(root / ".site.explainer-abcd1234.old")
    (root / ".site.explainer-abcd1234").mkdir()
    (root / ".site.explainer-abcd1234" / ".explainer-site").write_text("explainer-site 3 - 0\n")
    (root / "content" / "a.yaml").write_text("slug: [", "utf-8")
    with pytest.raises(BuildError):
        build(root)
    assert (root / "site" / "a" / "index.html").is_file()
    assert sorted(p.name for p in root.iterdir()) == ["content", "site", "site.yaml"]


# --- beside the output: the build touches only what its record says is its own -----------------

def _folder_of_the_user(path: Path) -> Path:
    path.mkdir()
    (path / "notes.txt").write_text("keep me")
    return path


@pytest.mark.parametrize("name", ["site.old", "site.tmp", ".site.explainer-abcd1234", ".site.explainer-abcd1234.old"])
def test_a_folder_of_the_users_beside_the_output_is_never_touched(make_site, name):
    root = make_site({"a.yaml": minimal_explainer("a")})
    for _ in range(2):  # into a missing site/, then over the first build's
        _folder_of_the_user(root / name)
        assert cli("--root", str(root)).returncode == 0
        assert (root / name / "notes.txt").read_text() == "keep me"
        assert (root / "site" / "a" / "index.html").is_file() and not (root / "site" / "notes.txt").exists()
        shutil.rmtree(root / name)


def test_a_missing_output_is_never_filled_from_a_folder_beside_it_that_is_not_the_tools(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    _folder_of_the_user(root / "docs.old")
    _folder_of_the_user(root / "docs.tmp")
    assert cli("--root", str(root), "--out", str(root / "docs")).returncode == 0
    assert (root / "docs.old" / "notes.txt").is_file() and (root / "docs.tmp" / "notes.txt").is_file()
    assert not (root / "docs" / "notes.txt").exists()
    # And an output the tool did not make is refused, with both folders beside it still there.
    shutil.rmtree(root / "docs")
    _folder_of_the_user(root / "docs")
    result = cli("--root", str(root), "--out", str(root / "docs"))
    assert result.returncode == 1 and "'docs/' exists and was not made by this tool" in result.stderr
    assert all((root / name / "notes.txt").is_file() for name in ("docs", "docs.old", "docs.tmp"))


@pytest.mark.parametrize("markdown, forbidden", [
    ("[click](javascript:alert(1))", 'href="javascript'),
    ("[click](JaVaScRiPt:alert(1))", 'href="JaVaScRiPt'),
    ("[click](&#106;avascript:alert(1))", 'href="javascript'),
    ("[click](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
    ("<script>alert(1)</script>", "<script>"),
    ('<img src=x onerror="alert(1)">', "<img"),
    # A picture from another host is refused outright (tests/test_pictures.py).
    ("{{ site.name }} {% raw %}", "Explainers Explainers"),
])
def test_markdown_cannot_carry_script_html_or_remote_images(make_site, markdown, forbidden):
    root = make_site({"a.yaml": minimal_explainer(answer=markdown.replace("\\", "\\\\"))})
    build(root)
    text = (root / "site" / "minimal" / "index.html").read_text("utf-8").split('<main id="main">')[1]
    # The page's own script is the one script allowed; the content must add none.
    text = text.replace(f"<script>{theme_script()}</script>", "", 1)
    assert forbidden not in text
    assert "click" in text or "alert" in text or "pixel" in text or "site.name" in text


def test_markdown_keeps_safe_links(make_site):
    answer = "[web](https://example.com/a) [mail](mailto:desk@example.com) [near](../other/)"
    root = make_site({"a.yaml": minimal_explainer(answer=answer)})
    build(root)
    text = (root / "site" / "minimal" / "index.html").read_text("utf-8")
    for href in ("https://example.com/a", "mailto:desk@example.com", "../other/"):
        assert f'href="{href}"' in text


def test_help_lists_the_commands():
    result = cli("--help")
    assert re.search(r"^\s+build\s", result.stdout, re.M)


@pytest.mark.subprocess
def test_the_console_command_builds_too(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    # The command the package installs beside this Python, wherever PATH leads.
    command = Path(sys.executable).parent / "explainer"
    assert command.is_file(), "the package is not installed: pip install -e '.[test]'"
    result = subprocess.run([str(command), "--root", str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "minimal" / "index.html").is_file()


@pytest.mark.subprocess
def test_python_build_py_with_no_arguments_builds_here(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    result = cli_process(cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ")
    assert (root / "site" / "minimal" / "index.html").is_file()


def test_a_template_change_re_renders_only_the_pages_that_use_it(make_site):
    root = make_site()
    first = build(root)
    assert first.rendered == first.pages
    before = snapshot(root / "site")
    pager = override(root, "_partials/pager.html")
    pager.write_text(pager.read_text("utf-8").replace("More from this explainer", "More in this explainer"), "utf-8")

    result = build(root)

    after = snapshot(root / "site")
    changed = sorted(path for path in after if after[path] != before.get(path) and path.endswith(".html"))
    # The pager is on question and card pages only: 5 questions and 5 cards. The search index,
    # which reads those pages, is made again, to the same bytes: the pager is not what it indexes.
    search = [path for path in after if path.startswith("pagefind/")]
    assert result.rendered == 10 + len(search) and result.written == 10
    assert len(changed) == 10 and all(p.count("/") == 2 and "/embed/" not in p for p in changed)


def test_unplaced_text_is_a_warning_on_its_line_and_the_site_is_still_built(make_site):
    text = minimal_explainer() + "unplaced:\n  - A sentence the importer could not place.\n"
    root = make_site({"a.yaml": text})
    result = cli("--root", str(root))
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == (
        "content/a.yaml:12:5: unplaced[0]: warning: imported text not yet placed in the explainer (not published): "
        "'A sentence the importer could not place.'; move it into a field or delete it"
    )
    assert "1 warning(s)" in result.stderr
    assert (root / "site/minimal/index.html").is_file()
    # Unplaced text is for the editor, never for readers.
    assert "could not place" not in (root / "site/minimal/index.html").read_text("utf-8")


def test_content_without_unplaced_text_builds_without_warnings(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    assert build(root).warnings == ()


def test_after_a_build_that_stopped_part_way_the_preview_folder_is_made_right_again(make_site, tmp_path):
    from explainer.preview.session import Session

    root = make_site({"a.yaml": minimal_explainer("a")})
    out = tmp_path / "preview"
    session = Session(root, out, None)
    session.build()
    page, question = override(root, "explainer.html"), override(root, "question.html")
    texts = page.read_text("utf-8"), question.read_text("utf-8")
    # The explainer's page renders (and is written in place); its question page then fails.
    page.write_text(texts[0].replace("{% block content %}", "{% block content %}BROKEN"), "utf-8")
    question.write_text(texts[1].replace("{{ question.question }}", "{{ question.nothing }}"), "utf-8")
    with pytest.raises(BuildError):
        session.build()
    page.write_text(texts[0], "utf-8")
    question.write_text(texts[1], "utf-8")
    session.build()
    assert "BROKEN" not in (out / "a" / "index.html").read_text("utf-8")
