"""Stage 4, continued: what publishing adds to the planned pages.

Each page gets what it tells search engines and social sites about itself (Open Graph, Twitter
card, schema.org JSON-LD); each explainer and each card gets a social image; the site gets an
Atom feed, a sitemap, robots.txt, and the files GitHub Pages reads (.nojekyll, CNAME).
Everything here is a plain value; render/templates.py turns each into bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from explainer.content.cms import admin_page, cms_config
from explainer.content.model import Change, Explainer, Site
from explainer.core.digest import digest
from explainer.plan.embeds import alias_redirects, embed_ids, plan_explainer_embeds
from explainer.plan.listing import NEWEST_ON_404, TOPICS, Topic, plan_index, plan_topics, search_box, topic_links, topics_of
from explainer.plan.related import Connections, teaser
from explainer.plan.schedule import release_of
from explainer.plan.pages import (
    SOCIAL_IMAGE,
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


@dataclass(frozen=True, slots=True)
class Sharing:
    """What a page says about itself to search engines and social sites. URLs are absolute."""

    kind: str  # og:type: "article" or "website"
    title: str
    description: str
    url: str
    image_url: str | None
    image_alt: str | None
    published: dt.date | None
    modified: dt.date | None
    # schema.org NewsArticle for the explainer page, else None; the template serializes it with
    # Jinja's tojson, which escapes <, >, & and ' so no text can end the <script> element.
    json_ld: dict[str, Any] | None = field(default=None, hash=False)


@dataclass(frozen=True, slots=True)
class SocialImage:
    """What a social image shows; render/templates.py draws it with render/social.py."""

    title: str
    kicker: str | None  # the explainer's title above a card's, else None
    site_name: str
    address: str  # where the site lives, host and path, shown at the foot


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    title: str
    url: str
    summary: str
    author: str
    published: dt.date
    updated: dt.date
    language: str | None = None  # the entry's own language, when it is not the feed's


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
    """Updates and corrections as the page lists them; same-day changes keep the file's order."""
    return tuple(sorted(explainer.changes, key=lambda c: -c.date.toordinal()))


def latest_of_each_kind(changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """The newest correction and the newest update, newest first: the one line at the top of a
    page that says it changed (the whole log is at its foot)."""
    latest: dict[str, Change] = {}
    for change in changes:  # newest first already
        latest.setdefault(change.kind, change)
    return tuple(c for c in changes if latest.get(c.kind) is c)


def _address(site: Site) -> str:
    return site.base_url.split("://", 1)[1].rstrip("/")


def _social_image(site: Site, url: str, title: str, kicker: str | None) -> Page:
    image = SocialImage(title, kicker, site.name, _address(site))
    # Keyed on exactly what the image shows: editing an answer does not redraw it.
    key = digest(SOCIAL_IMAGE, image.title, image.kicker or "", image.site_name, image.address)
    return Page(url, url, SOCIAL_IMAGE, key, {"image": image})


def _news_article(site: Site, explainer: Explainer, url: str, image_url: str) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@type": "Organization", "name": site.publisher.name}
    if site.publisher.url:
        publisher["url"] = site.publisher.url
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": explainer.title,
        "description": explainer.dek,
        "datePublished": explainer.published.isoformat(),
        "dateModified": last_modified(explainer).isoformat(),
        "author": {"@type": "Person", "name": explainer.attribution} if explainer.attribution else publisher,
        "publisher": publisher,
        "image": image_url,
        "inLanguage": language_of(site, explainer).tag,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
    }


def _share(site: Site, explainer: Explainer, page: Page) -> Page:
    """An explainer, question or card page with `sharing` and `changes` added to its context.

    Pages of other kinds (embeds, say) are returned as they are.
    """
    url = site.base_url + page.url
    card = page.context.get("card")
    image_url = site.base_url + social_image_url(explainer, card)
    dates = (explainer.published, last_modified(explainer))
    if page.template == "explainer.html":
        sharing = Sharing("article", explainer.title, explainer.dek, url, image_url, explainer.title, *dates,
                          _news_article(site, explainer, url, image_url))
    elif page.template == "question.html":
        question = page.context["question"]
        sharing = Sharing("article", question.question, question.short_answer, url, image_url, explainer.title, *dates)
    elif page.template == "card.html":
        sharing = Sharing("article", card.title, card.summary, url, image_url, f"{card.title}: {explainer.title}", *dates)
    else:
        return page
    changes = changes_newest_first(explainer)
    return replace(page, context={**page.context, "changes": changes, "notices": latest_of_each_kind(changes), "sharing": sharing})


def share_explainer(site: Site, explainer: Explainer, pages: list[Page]) -> list[Page]:
    """The explainer's planned pages with their sharing metadata, then its and each card's social image."""
    shared = [_share(site, explainer, page) for page in pages]
    shared.append(_social_image(site, social_image_url(explainer), explainer.title, None))
    for _, card in explainer.cards:
        shared.append(_social_image(site, social_image_url(explainer, card), card.title, explainer.title))
    return shared


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


def plan_group(site: Site, explainer: Explainer, connections: Connections | None = None) -> list[Page]:
    """Every file of one explainer, all under its folder: its pages with their embeds and sharing
    metadata and what they show of other explainers (`connections`, from plan.related), its embed
    pages, and its social images."""
    connections = connections or Connections(explainer.language or site.language)
    pages = [_connect(explainer, page, connections) for page in plan_explainer(site, explainer)]
    pages = share_explainer(site, explainer, plan_explainer_embeds(site, explainer, pages))
    lang = language_of(site, explainer)
    for page in pages:
        page.context["language"] = lang  # every page of the explainer speaks its language
    return pages


def summarize(explainer: Explainer, timezone: str = "UTC") -> Summary:
    """What the index, feed and sitemap show of an explainer, and what the build needs to place it
    among the others (its release, topics and the explainer it translates); `timezone` is the
    site's."""
    urls = (explainer_url(explainer), *item_urls(explainer).values())
    renamed = tuple((alias, item.id) for alias, item in aliases_of(explainer))
    return Summary(explainer.slug, explainer.title, explainer.dek, explainer.published, explainer.updated,
                   explainer.attribution, last_modified(explainer), urls, embed_ids(explainer), explainer.aliases, renamed, explainer.language,
                   release_of(explainer, timezone), explainer.draft, explainer.topics, explainer.translation_of)


def _feed(site: Site, summaries: Iterable[Summary], topic: Topic | None = None) -> Feed:
    """The site's feed, or a topic's: its newest explainers, newest first."""
    entries = []
    for explainer in newest_first(summaries)[:FEED_ENTRIES]:
        url = site.base_url + explainer_url(explainer)
        author = explainer.attribution or site.publisher.name
        entries.append(FeedEntry(url, explainer.title, url, explainer.dek, author, explainer.published, explainer.modified, explainer.language))
    updated = max((e.updated for e in entries), default=dt.date(1970, 1, 1))
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
    newest = max((e.modified for e in explainers), default=None)
    entries = [SitemapEntry(site.base_url, newest)] if newest else []
    if topics and newest:
        entries.append(SitemapEntry(site.base_url + TOPICS, newest))
    entries.extend(SitemapEntry(site.base_url + topic.url, max(e.modified for e in members)) for topic, members in topics.values())
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
        listed.append(SitemapEntry(site.base_url + path, max(e.modified for e in chunk)))
    index = tuple(listed)
    return [Page(SITEMAP, SITEMAP, SITEMAP_INDEX, digest(SITEMAP_INDEX, repr(index)), {"sitemaps": index}), *parts]


def _site_sharing(site: Site, page: Page) -> Page:
    """A listing page with what it tells social sites: the site's name, or a topic's."""
    title = page.context["topic"].name if "topic" in page.context else site.name
    sharing = Sharing("website", title, site.name, site.base_url + page.url, None, None, None, None)
    return replace(page, context={**page.context, "sharing": sharing})


def schema_path(name: str) -> str:
    """Where a schema is published below the site's base_url: schema/explainer.schema.json."""
    return f"{SCHEMA}/{name}.schema.json"


# The listing pages, which tell social sites about the site (or a topic) rather than an explainer.
LISTINGS = ("index.html", "topics.html", "topic.html")


def plan_site(site: Site, summaries: Iterable[Summary]) -> list[Page]:
    """The site's own files, in a fixed order: the pages of the index and the 404 page, the topics
    with their pages and feeds, the feed, the sitemap, robots.txt, what GitHub Pages reads, the
    schemas, and the redirects from explainers' old slugs. `summaries` are the explainers this
    build publishes. Each file is keyed on exactly what it shows, so editing an explainer's text
    re-renders none of them."""
    newest = newest_first(summaries)
    box = search_box(site, newest)
    topics = topics_of(newest)
    teasers = tuple(teaser(s, site.language) for s in newest[:NEWEST_ON_404])
    pages = plan_index(site, newest, box, TOPICS if topics else None, teasers) + plan_topics(site, topics, box)
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
