"""Stage 4, continued: what publishing adds to the planned pages.

Each page gets what it tells search engines and social sites about itself (Open Graph, Twitter
card, schema.org JSON-LD with its authors as people), and its pictures as its templates show them
(`figures`); the explainer, each question and each card get a social image; each picture shown
gets its files, in each width and format; the site gets an Atom feed, a sitemap, robots.txt, and
the files GitHub Pages reads (.nojekyll, CNAME). Everything here is a plain value;
render/templates.py turns each into bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from explainer.content.brand import Logo
from explainer.content.cms import admin_page, cms_config
from explainer.content.dates import instant, latest
from explainer.content.model import Author, Card, Change, Explainer, Question, Site
from explainer.content.pictures import RECIPE, Picture, PictureFiles, picture_files, picture_folder
from explainer.core.digest import digest
from explainer.plan.embeds import EMBED_PAGE, alias_redirects, embed_ids, plan_explainer_embeds
from explainer.plan.listing import NEWEST_ON_404, TOPICS, Topic, authors_of, plan_authors, plan_index, plan_topics, search_box, topic_links, topics_of
from explainer.plan.related import Connections, teaser
from explainer.plan.schedule import Status, release_of
from explainer.plan.pages import (
    SOCIAL_IMAGE,
    SOCIAL_IMAGE_SIZE,
    SOCIAL_PHOTO,
    Page,
    Summary,
    aliases_of,
    explainer_url,
    item_urls,
    language_of,
    last_modified,
    newest_first,
    plan_explainer,
    redirect_page,
    social_image_url,
    social_picture,
)

FEED = "feed.xml"
# The feed lists the newest explainers only, as feeds do: readers poll it, and it stays small
# however large the archive grows.
FEED_ENTRIES = 50
SITEMAP = "sitemap.xml"
SITEMAP_INDEX = "sitemap index"  # the renderer of sitemap.xml when it lists other sitemaps
# The sitemap protocol's limit of URLs in one file. A larger site gets sitemap-1.xml, -2, ...
# and sitemap.xml lists them (a sitemap index); an edit then rewrites only the part it changed.
SITEMAP_URLS = 50_000
ROBOTS = "robots.txt"
LOGO = "assets/logo.png"
# The content contract, published with the site at a stable address, so that the
# yaml-language-server line of a content file anywhere can name it.
SCHEMA = "schema"
SCHEMAS = ("explainer", "site", "words")
NOJEKYLL = ".nojekyll"
CNAME = "CNAME"
# The editing page (content/cms.py), when the site file turns it on.
ADMIN_PAGE = "admin/index.html"
CMS_CONFIG = "admin/config.yml"
PICTURE = "picture"  # the renderer of a picture's file: one width, one format


@dataclass(frozen=True, slots=True)
class Sharing:
    """What a page says about itself to search engines and social sites. URLs are absolute."""

    kind: str  # og:type: "article" or "website"
    title: str
    description: str
    url: str
    image_url: str | None
    image_alt: str | None
    published: dt.date | None  # a datetime, with its zone, when the editor gave a time
    modified: dt.date | None
    # schema.org NewsArticle for the explainer, question and card pages, else None; the template
    # serializes it with Jinja's tojson, which escapes <, >, & and ' so no text can end the <script> element.
    json_ld: dict[str, Any] | None = field(default=None, hash=False)
    image_type: str = "image/png"  # the social image's MIME type: image/jpeg when it shows a picture


@dataclass(frozen=True, slots=True)
class SocialImage:
    """What a social image shows; render/templates.py draws it with render/social.py."""

    title: str
    kicker: str | None  # the explainer's title above a question's or card's, else None
    site_name: str
    address: str  # where the site lives, host and path, shown at the foot
    summary: str | None = None  # the explainer's dek, a question's short answer, a card's summary, under the title
    picture: Picture | None = None  # the picture it shows beside the text
    logo: Logo | None = None  # the site's logo, beside its name
    accent: str = "#0b5cad"  # the site's accent (#rrggbb): the bar and its name


@dataclass(frozen=True, slots=True)
class Figure:
    """A picture as a page shows it (the `figures` of explainer, question and card pages)."""

    picture: Picture  # its alt text, caption and credit
    files: PictureFiles  # its files' addresses and its size


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    url: str
    summary: str
    author: str  # the byline as one name: the attribution, or the publisher, when no authors are named
    published: dt.date
    updated: dt.date
    language: str | None = None  # the entry's own language, when it is not the feed's
    authors: tuple[Author, ...] = ()  # each an Atom author (with their page as its uri), in place of `author`


@dataclass(frozen=True, slots=True)
class Feed:
    """An Atom feed of the explainers, newest first."""

    id: str
    title: str
    language: str
    url: str  # the feed's own address
    home_url: str
    author: str
    author_url: str | None
    updated: dt.date
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str
    modified: dt.date


def changes_newest_first(explainer: Explainer) -> tuple[Change, ...]:
    """Updates and corrections as the page lists them; changes of the same moment keep the file's order."""
    return tuple(sorted(explainer.changes, key=lambda c: instant(c.date), reverse=True))


def latest_of_each_kind(changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """The newest correction and the newest update, newest first: the one line at the top of a
    page that says it changed (the whole log is at its foot)."""
    latest: dict[str, Change] = {}
    for change in changes:  # newest first already
        latest.setdefault(change.kind, change)
    return tuple(c for c in changes if latest.get(c.kind) is c)


def _address(site: Site) -> str:
    return site.base_url.split("://", 1)[1].rstrip("/")


def _social_image(site: Site, explainer: Explainer, item: Question | Card | None, root: Path | None) -> Page:
    """The social image of the explainer (item None), or of one question or card: its title, the
    explainer's above an item's, under it the explainer's dek or an item's short answer or summary,
    and its picture."""
    url = social_image_url(explainer, item)
    picture = social_picture(explainer, item)
    if isinstance(item, Question):
        title, kicker, summary = item.question, explainer.title, item.short_answer
    elif isinstance(item, Card):
        title, kicker, summary = item.title, explainer.title, item.summary
    else:
        title, kicker, summary = explainer.title, None, explainer.dek
    image = SocialImage(title, kicker, site.name, _address(site), summary, picture, site.brand.logo, site.brand.accent)
    # Keyed on exactly what the image shows: editing an answer does not redraw it.
    logo = hashlib.sha256(site.brand.logo.png).hexdigest() if site.brand.logo else ""
    key = digest(SOCIAL_IMAGE, image.title, image.kicker or "", image.summary or "", image.site_name, image.address, logo, image.accent,
                 picture.digest if picture else "")
    return Page(url, url, SOCIAL_PHOTO if picture else SOCIAL_IMAGE, key, {"image": image, "root": root})


def _people(explainer: Explainer | Summary, publisher: dict[str, Any]) -> list[dict[str, Any]] | dict[str, Any]:
    """Who wrote it, as schema.org says it: each author a Person with their page; a one-line
    attribution, one Person; else the publisher."""
    if explainer.authors:
        return [{"@type": "Person", "name": a.name, **({"url": a.url} if a.url else {})} for a in explainer.authors]
    if explainer.attribution:
        return {"@type": "Person", "name": explainer.attribution}
    return publisher


def _image_objects(site: Site, explainer: Explainer, picture: Picture | None, social_url: str) -> list[dict[str, Any]]:
    """The article's images for structured data: its picture, largest file first, then its social image."""
    images = []
    if picture is not None:
        found = picture_files(picture, site.base_url + picture_folder(explainer.slug))
        image: dict[str, Any] = {"@type": "ImageObject", "url": found.src, "width": found.width, "height": found.height}
        if picture.caption:
            image["caption"] = picture.caption
        if picture.credit:
            image["creditText"] = picture.credit
        images.append(image)
    width, height = SOCIAL_IMAGE_SIZE
    images.append({"@type": "ImageObject", "url": social_url, "width": width, "height": height})
    return images


def _news_article(site: Site, explainer: Explainer, url: str, image_url: str, item: Question | Card | None = None) -> dict[str, Any]:
    """schema.org NewsArticle for the explainer's page, or a question's or card's (which is part of it)."""
    publisher: dict[str, Any] = {"@type": "Organization", "name": site.publisher.name}
    if site.publisher.url:
        publisher["url"] = site.publisher.url
    headline, description = (explainer.title, explainer.dek) if item is None else \
        (item.question, item.short_answer) if isinstance(item, Question) else (item.title, item.summary)
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "description": description,
        "datePublished": explainer.published.isoformat(),
        "dateModified": last_modified(explainer).isoformat(),
        "author": _people(explainer, publisher),
        "publisher": publisher,
        "image": _image_objects(site, explainer, social_picture(explainer, item), image_url),
        "inLanguage": language_of(site, explainer).tag,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
    }
    if item is not None:
        article["isPartOf"] = {"@type": "NewsArticle", "@id": site.base_url + explainer_url(explainer), "headline": explainer.title}
    return article


def figure(site: Site, explainer: Explainer | Summary, picture: Picture) -> Figure:
    """A picture of the explainer as its pages show it."""
    return Figure(picture, picture_files(picture, site.base_path + picture_folder(explainer.slug)))


def _figures(site: Site, explainer: Explainer) -> dict[str, Figure]:
    """The pictures the explainer's pages show, by where: "lead" for its lead picture, a question's
    or card's id for its own."""
    figures = {"lead": figure(site, explainer, explainer.image)} if explainer.image else {}
    for item in (*explainer.questions, *(card for _, card in explainer.cards)):
        if item.image is not None:
            figures[item.id] = figure(site, explainer, item.image)
    return figures


def _share(site: Site, explainer: Explainer, page: Page, figures: dict[str, Figure]) -> Page:
    """An explainer, question or card page with `sharing`, `changes` and `figures` added to its context.

    Pages of other kinds (embeds, say) are returned as they are.
    """
    if page.template not in ("explainer.html", "question.html", "card.html"):
        return page
    url = site.base_url + page.url
    item = page.context.get("card") or page.context.get("question")
    image_url = site.base_url + social_image_url(explainer, item)
    image_type = "image/jpeg" if social_picture(explainer, item) else "image/png"
    dates = (explainer.published, last_modified(explainer))
    json_ld = _news_article(site, explainer, url, image_url, item)
    if isinstance(item, Question):
        sharing = Sharing("article", item.question, item.short_answer, url, image_url, f"{item.question}: {explainer.title}", *dates, json_ld, image_type)
    elif isinstance(item, Card):
        sharing = Sharing("article", item.title, item.summary, url, image_url, f"{item.title}: {explainer.title}", *dates, json_ld, image_type)
    else:
        sharing = Sharing("article", explainer.title, explainer.dek, url, image_url, explainer.title, *dates, json_ld, image_type)
    changes = changes_newest_first(explainer)
    return replace(page, context={**page.context, "changes": changes, "notices": latest_of_each_kind(changes), "sharing": sharing, "figures": figures})


def _picture_files(explainer: Explainer, root: Path | None) -> list[Page]:
    """Every file made of the explainer's pictures, each width in each format, in its folder. Each
    is keyed on its name, which holds the digest of the picture's bytes: an unchanged picture is
    not made again, whatever else in the explainer changed."""
    pages, made = [], set()
    folder = picture_folder(explainer.slug)
    for picture in explainer.pictures:
        for name, width, fmt in picture.files():
            if name not in made:
                made.add(name)
                pages.append(Page(folder + name, folder + name, PICTURE, digest(PICTURE, RECIPE, name), {"picture": picture, "width": width, "format": fmt, "root": root}))
    return pages


# The pages a reader reads: they show the explainer's place among the others (connect) and are
# what the search index is made from.
READING = ("explainer.html", "question.html", "card.html")


def _connect(explainer: Explainer, page: Page, connections: Connections) -> Page:
    """A reading page with what it shows of the other explainers, keyed on exactly that: the
    explainer's page on its related list, its translations and its status; a question's or card's
    page on its status and its translations' pages of the same item."""
    if page.template not in READING:
        return page
    item = page.context["card"].id if "card" in page.context else page.context["question"].id if "question" in page.context else None
    context = {"status": connections.status, "alternates": connections.alternates(page.url, item), "translations": connections.switch(item)}
    if item is None:
        context |= {"related": connections.related, "topics": topic_links(explainer.topics)}
        return replace(page, key=digest(page.key, connections.key), context={**page.context, **context})
    return replace(page, key=digest(page.key, connections.item_key(item)), context={**page.context, **context})


def _embed_status(page: Page, status: Status | None) -> Page:
    """An embed page with the explainer's status, for the banner an explainer built before it is
    published carries there too; keyed on it only then, so a published explainer's embeds keep their keys."""
    if page.template != EMBED_PAGE:
        return page
    return replace(page, key=digest(page.key, repr(status)) if status else page.key, context={**page.context, "status": status})


def share_explainer(site: Site, explainer: Explainer, pages: list[Page], root: Path | None = None) -> list[Page]:
    """The explainer's planned pages with their sharing metadata and figures, then its, each
    question's and each card's social image, then its pictures' files."""
    figures = _figures(site, explainer)
    shared = [_share(site, explainer, page, figures) for page in pages]
    shared.append(_social_image(site, explainer, None, root))
    for question in explainer.questions:
        shared.append(_social_image(site, explainer, question, root))
        shared.extend(_social_image(site, explainer, card, root) for card in question.cards)
    return shared + _picture_files(explainer, root)


def plan_group(site: Site, explainer: Explainer, connections: Connections | None = None, root: Path | None = None) -> list[Page]:
    """Every file of one explainer, all under its folder: its pages with their embeds and sharing
    metadata and what they show of other explainers (`connections`, from plan.related), its embed
    pages, its social images and its pictures' files. `root` is the project the pictures are read
    from when their files are made."""
    connections = connections or Connections(explainer.language or site.language)
    pages = [_connect(explainer, page, connections) for page in plan_explainer(site, explainer)]
    pages = [_embed_status(page, connections.status) for page in plan_explainer_embeds(site, explainer, pages)]
    pages = share_explainer(site, explainer, pages, root)
    lang = language_of(site, explainer)
    for page in pages:
        page.context["language"] = lang  # every page of the explainer speaks its language
    return pages


def summarize(explainer: Explainer, time_zone: str | None = None) -> Summary:
    """What the index, feed and sitemap show of an explainer, and what the build needs to place it
    among the others (its release, topics and the explainer it translates); `time_zone` is the
    site's."""
    urls = (explainer_url(explainer), *item_urls(explainer).values())
    renamed = tuple((alias, item.id) for alias, item in aliases_of(explainer))
    return Summary(explainer.slug, explainer.title, explainer.dek, explainer.published, explainer.updated,
                   explainer.attribution, last_modified(explainer), urls, embed_ids(explainer), explainer.aliases, renamed, explainer.language,
                   explainer.authors, explainer.image, release_of(explainer, time_zone), explainer.draft, explainer.topics,
                   explainer.translation_of)


def _feed(site: Site, summaries: Iterable[Summary], topic: Topic | None = None) -> Feed:
    """The site's feed, or a topic's: its newest explainers, newest first."""
    entries = []
    for explainer in newest_first(summaries)[:FEED_ENTRIES]:
        url = site.base_url + explainer_url(explainer)
        author = explainer.attribution or site.publisher.name
        entries.append(FeedEntry(url, explainer.title, url, explainer.dek, author, explainer.published, explainer.modified, explainer.language, explainer.authors))
    updated = latest((e.updated for e in entries)) if entries else dt.date(1970, 1, 1)
    home = site.base_url + (topic.url if topic else "")
    # The title's punctuation is the site language's: "Élections : Explainers" in French.
    title = language_of(site).gettext("%(topic)s: %(site)s") % {"topic": topic.name, "site": site.name} if topic else site.name
    return Feed(home, title, site.language, home + FEED, home, site.publisher.name, site.publisher.url, updated, tuple(entries))


def _feed_page(feed: Feed, path: str) -> Page:
    return Page(path, path, FEED, digest(FEED, repr(feed)), {"feed": feed})


def _sitemap(site: Site, summaries: Iterable[Summary], topics: dict[str, tuple[Topic, tuple[Summary, ...]]]) -> tuple[SitemapEntry, ...]:
    """Every page a search engine should list, with the date its content last changed: the front
    page, each topic's first page, every explainer, question and card page. (The later pages of
    the index and of each topic move as explainers are added: a crawler finds them by their links.)"""
    explainers = sorted(summaries, key=lambda e: e.slug)
    newest = latest(e.modified for e in explainers) if explainers else None
    entries = [SitemapEntry(site.base_url, newest)] if newest else []
    if topics and newest:
        entries.append(SitemapEntry(site.base_url + TOPICS, newest))
    entries.extend(SitemapEntry(site.base_url + topic.url, latest(e.modified for e in members)) for topic, members in topics.values())
    for explainer in explainers:
        entries.extend(SitemapEntry(site.base_url + url, explainer.modified) for url in explainer.urls)
    return tuple(entries)


def _sitemap_pages(site: Site, entries: tuple[SitemapEntry, ...]) -> list[Page]:
    """sitemap.xml, or, past the protocol's limit, sitemap.xml listing numbered parts."""
    if len(entries) <= SITEMAP_URLS:
        return [Page(SITEMAP, SITEMAP, SITEMAP, digest(SITEMAP, repr(entries)), {"entries": entries})]
    parts, listed = [], []
    for n, start in enumerate(range(0, len(entries), SITEMAP_URLS), 1):
        chunk = entries[start:start + SITEMAP_URLS]
        path = f"sitemap-{n}.xml"
        parts.append(Page(path, path, SITEMAP, digest(SITEMAP, repr(chunk)), {"entries": chunk}))
        listed.append(SitemapEntry(site.base_url + path, latest(e.modified for e in chunk)))
    index = tuple(listed)
    return [Page(SITEMAP, SITEMAP, SITEMAP_INDEX, digest(SITEMAP_INDEX, repr(index)), {"sitemaps": index}), *parts]


def _site_sharing(site: Site, page: Page) -> Page:
    """A listing page with what it tells social sites (the site's name, or a topic's), and on the
    pages that list explainers (the index's, a topic's, an author's) each listed explainer's lead
    picture (`figures`, by slug)."""
    title = page.context["topic"].name if "topic" in page.context else page.context["author"].name if "author" in page.context else site.name
    sharing = Sharing("website", title, site.name, site.base_url + page.url, None, None, None, None)
    if "explainers" not in page.context:
        return replace(page, context={**page.context, "sharing": sharing})
    figures = {e.slug: figure(site, e, e.image) for e, _ in page.context.get("explainers", ()) if e.image is not None}
    return replace(page, context={**page.context, "sharing": sharing, "figures": figures})


def schema_path(name: str) -> str:
    """Where a schema is published below the site's base_url: schema/explainer.schema.json."""
    return f"{SCHEMA}/{name}.schema.json"


# The listing pages, which tell social sites about the site (or a topic) rather than an explainer.
LISTINGS = ("index.html", "topics.html", "topic.html", "author.html")


def plan_site(site: Site, summaries: Iterable[Summary]) -> list[Page]:
    """The site's own files, in a fixed order: the pages of the index and the 404 page, the topics
    with their pages and feeds, the authors' pages, the feed, the sitemap, robots.txt, what GitHub Pages reads, the
    schemas, and the redirects from explainers' old slugs. `summaries` are the explainers this
    build publishes. Each file is keyed on exactly what it shows, so editing an explainer's text
    re-renders none of them."""
    newest = newest_first(summaries)
    box = search_box(site, newest)
    topics = topics_of(newest)
    teasers = tuple(teaser(s, site.language) for s in newest[:NEWEST_ON_404])
    browse = TOPICS if topics else None
    pages = plan_index(site, newest, box, browse, teasers) + plan_topics(site, topics, box) + plan_authors(site, authors_of(newest), box, browse)
    pages = [_site_sharing(site, page) if page.template in LISTINGS else page for page in pages]
    pages += [_feed_page(_feed(site, members, topic), topic.feed_url) for topic, members in topics.values()]
    pages.append(_feed_page(_feed(site, newest), FEED))
    pages.extend(_sitemap_pages(site, _sitemap(site, newest, topics)))
    pages.append(Page(ROBOTS, ROBOTS, ROBOTS, site.digest, {"sitemap_url": site.base_url + SITEMAP}))
    # GitHub Pages runs Jekyll over a site published from a branch unless this file is there,
    # and Jekyll leaves out files and folders whose names start with "_" or ".".
    pages.append(Page(NOJEKYLL, NOJEKYLL, NOJEKYLL, NOJEKYLL, {}))
    if site.cname:
        pages.append(Page(CNAME, CNAME, CNAME, site.cname, {"host": site.cname}))
    if site.brand.logo:
        pages.append(Page(LOGO, LOGO, LOGO, site.digest, {"logo": site.brand.logo}))
    for name in SCHEMAS:
        path = schema_path(name)
        pages.append(Page(path, path, SCHEMA, path, {"schema": name}))  # its bytes change only with the code
    if site.editing is not None:  # the editing page, its form made from the schema
        pages.append(Page(ADMIN_PAGE, ADMIN_PAGE, ADMIN_PAGE, digest(site.digest, repr(site.editing)), {"html": admin_page(site.editing, site.name)}))
        config = cms_config(site.editing, site.name, site.base_url)
        pages.append(Page(CMS_CONFIG, CMS_CONFIG, CMS_CONFIG, digest(site.digest, repr(config)), {"config": config}))
    # An explainer's old slugs: the site's own pages, as they are made from its summary alone.
    for summary in sorted(summaries, key=lambda e: e.slug):
        lang = language_of(site, summary)
        for redirect in (r for alias in summary.aliases for r in alias_redirects(summary, alias)):
            pages.append(redirect_page(redirect, digest(site.digest, lang.tag)))
            pages[-1].context["language"] = lang
    return pages
