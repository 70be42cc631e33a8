"""Drafts and explainers dated in the future: nothing of them reaches the built site until they
are published, `--drafts` and `--future` build them anyway with a banner, and the first build
after an explainer's time publishes it."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from helpers import REPO, cli, make_project, minimal_explainer, parse, readable, tree
from lxml import etree

from explainer.pipeline import build
from explainer.preview.session import Session

UTC = dt.timezone.utc

# What a reader must never meet of the two until they are published: slugs, titles, an old slug,
# a topic of their own and a word of their text.
DRAFT = minimal_explainer("secret-plan", "The Unseen Draft", answer="Quixotically drafted.").replace(
    "sections:", "draft: true\naliases: [old-secret]\ntopics: [Hidden topic]\nsections:", 1)
LATER = minimal_explainer("embargoed-report", "The Embargoed Report", "2999-01-01", answer="Zymurgically scheduled.").replace(
    "sections:", "topics: [Embargo only]\nsections:", 1)
SECRETS = ("secret-plan", "Unseen Draft", "old-secret", "hidden-topic", "Quixotically", "embargoed-report", "Embargoed Report", "embargo-only", "Zymurgically")


def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "project", {"a.yaml": minimal_explainer("a"), "secret-plan.yaml": DRAFT, "embargoed-report.yaml": LATER})
    for path in (root / "content").iterdir():  # saved an hour ago: a build records the stamps of files it can trust
        os.utime(path, (time.time() - 3600,) * 2)
    return root


def found_in(site: Path, word: str) -> list[str]:
    """Every file of the site whose bytes hold the word: pages, feeds, the search index (read
    uncompressed), the records."""
    return [p.relative_to(site).as_posix() for p in sorted(site.rglob("*")) if p.is_file() and word.encode() in readable(p)]


def test_a_draft_and_an_explainer_dated_later_reach_no_file_of_the_site_and_the_build_says_so(tmp_path):
    root = project(tmp_path)
    result = cli("--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "held back 2 explainer(s) (--drafts and --future build them): 1 draft(s), 1 scheduled; the next is due 2999-01-01 00:00 UTC" in result.stdout
    assert "  content/secret-plan.yaml: draft" in result.stdout and "  content/embargoed-report.yaml: scheduled for 2999-01-01 00:00 UTC" in result.stdout
    site = root / "site"
    assert (site / "a" / "index.html").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    for secret in SECRETS:
        assert found_in(site, secret) == [], secret
        assert [p for p in site.rglob("*") if secret in p.relative_to(site).as_posix()] == [], secret  # no folder or file either
    # A build with nothing changed knows the counts and the time, and says them.
    again = cli("--root", str(root))
    assert "nothing changed" in again.stdout and "held back 2 explainer(s)" in again.stdout


def test_drafts_and_future_options_build_them_with_a_banner_and_a_build_without_takes_them_out_again(tmp_path):
    root = project(tmp_path)
    site = root / "site"
    assert cli("--root", str(root), "--drafts", "--future").returncode == 0
    draft, later = (site / "secret-plan" / "index.html").read_text("utf-8"), (site / "embargoed-report" / "first" / "index.html").read_text("utf-8")
    assert "<strong>Not published</strong> This is a draft." in draft
    assert "<strong>Not published</strong> It is scheduled for January 1, 2999." in later
    assert "The Unseen Draft" in (site / "index.html").read_text("utf-8") and (site / "old-secret" / "index.html").is_file()
    assert (site / "topics" / "embargo-only" / "index.html").is_file()
    assert any(path.startswith("pagefind/fragment/") for path in found_in(site, "Quixotically"))  # searched, and found so
    assert cli("--root", str(root)).returncode == 0
    for secret in SECRETS:
        assert found_in(site, secret) == [], secret


def test_an_explainer_is_published_by_the_first_build_after_its_time_as_a_clean_build_would(tmp_path):
    root = make_project(tmp_path / "project", {"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b", published="2025-06-02T09:30+02:00")})
    due = dt.datetime(2025, 6, 2, 7, 30, tzinfo=UTC)
    first = build(root, now=due - dt.timedelta(hours=1))
    assert (first.held.scheduled, first.held.next) == (1, due) and not (root / "site" / "b").exists()
    assert build(root, now=due - dt.timedelta(minutes=1)).unchanged
    published = build(root, now=due)
    assert not published.unchanged and published.held.count == 0
    assert "b/" in (root / "site" / "index.html").read_text("utf-8")
    assert tree(root / "site") == tree_of(build, root, tmp_path / "clean", due + dt.timedelta(days=30))
    assert build(root, now=due + dt.timedelta(days=1)).unchanged


def test_an_embed_carries_the_banner_until_its_explainer_is_published(tmp_path):
    root = make_project(tmp_path / "project", {"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b", published="2025-06-02T09:30+02:00")})
    due = dt.datetime(2025, 6, 2, 7, 30, tzinfo=UTC)
    embed = root / "site" / "b" / "embed" / "first" / "index.html"
    build(root, future=True, now=due - dt.timedelta(hours=1))
    assert "<strong>Not published</strong> It is scheduled for June 2, 2025" in embed.read_text("utf-8")
    assert "Not published" not in (root / "site" / "a" / "embed" / "first" / "index.html").read_text("utf-8")
    # Published now, with nothing in its file changed: the embed is made again, without the banner.
    build(root, future=True, now=due)
    assert "Not published" not in embed.read_text("utf-8")


def tree_of(build, root: Path, out: Path, now: dt.datetime) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    build(root, out, now=now)
    return tree(out)


def test_a_published_explainer_made_a_draft_again_leaves_the_site_with_its_old_addresses(tmp_path):
    root = make_project(tmp_path / "project", {"a.yaml": minimal_explainer("a"), "secret-plan.yaml": DRAFT.replace("draft: true\n", "")})
    build(root)
    assert (root / "site" / "secret-plan" / "index.html").is_file() and (root / "site" / "old-secret" / "index.html").is_file()
    (root / "content" / "secret-plan.yaml").write_text(DRAFT, "utf-8")
    build(root)
    for secret in SECRETS:
        assert found_in(root / "site", secret) == [], secret


def test_the_preview_shows_drafts_and_explainers_dated_later_with_their_banner(tmp_path):
    root = project(tmp_path)
    Session(root, tmp_path / "preview", None).build()
    assert "<strong>Not published</strong> This is a draft." in (tmp_path / "preview" / "secret-plan" / "index.html").read_text("utf-8")
    assert "It is scheduled for January 1, 2999." in (tmp_path / "preview" / "embargoed-report" / "index.html").read_text("utf-8")
    assert "<strong>Not published</strong>" not in (tmp_path / "preview" / "a" / "index.html").read_text("utf-8")


def test_explainers_dated_by_day_and_by_time_share_a_topic_an_author_the_index_feeds_and_sitemap(tmp_path):
    # One is dated by its day, the other by a time on the next day (in the site's zone), and a
    # draft by a time later still: a topic, an author, the index, the feeds and the sitemap hold
    # them all, in the build, with --drafts, and in the preview.
    site_file = (REPO / "site.yaml").read_text("utf-8") + "time_zone: Europe/Paris\nauthors:\n  ana: {name: Ana Ruiz}\n"
    both = "topics: [Floods]\nauthors: [ana]\nsections:"
    content = {"day.yaml": minimal_explainer("day", "By day", "2025-10-11").replace("sections:", both, 1),
               "time.yaml": minimal_explainer("time", "By time", "2025-10-12 09:30").replace("sections:", both, 1),
               "later.yaml": minimal_explainer("later", "Later", "2025-10-13 18:00").replace("sections:", "draft: true\n" + both, 1)}
    root = make_project(tmp_path / "project", content, site=site_file)
    site = root / "site"
    build(root)
    for listing in ("index.html", "topics/floods/index.html", "authors/ana-ruiz/index.html"):
        assert [href.strip("/") for href in parse(site / listing).xpath("//div[contains(@class,'listing')]//h2/a/@href")] == ["time", "day"], listing
    lastmod = {url.findtext("{*}loc"): url.findtext("{*}lastmod") for url in etree.parse(site / "sitemap.xml").getroot()}
    assert lastmod["https://example.org/topics/floods/"] == lastmod["https://example.org/"] == "2025-10-12T09:30:00+02:00"
    assert lastmod["https://example.org/day/"] == "2025-10-11"
    for feed in ("feed.xml", "topics/floods/feed.xml"):
        assert etree.parse(site / feed).getroot().findtext("{*}updated") == "2025-10-12T09:30:00+02:00", feed
    build(root, drafts=True)
    assert "2025-10-13T18:00:00+02:00" in (site / "topics" / "floods" / "feed.xml").read_text("utf-8")
    Session(root, tmp_path / "preview", None).build()
    assert (tmp_path / "preview" / "topics" / "floods" / "index.html").is_file()
