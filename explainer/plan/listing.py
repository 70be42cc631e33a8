"""Stage 4, continued: the pages that list explainers. The index is paged, a fixed number of
explainers to a page, newest first, so each page stays small however large the site grows; the
first page is the front page. Each topic has its own paged page and feed, at an address made from
its name (topics/<slug>/), and topics/ lists every topic. Each author a byline names has a paged
page of their explainers, at an address made from their name (authors/<slug>/), which the
bylines link.

Each page is keyed on exactly what it shows, so an edit to an explainer's answer re-renders
none of them, and a new explainer re-renders only the pages whose list it shifts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from explainer.content.model import Author, Site
from explainer.content.slugs import topic_slug
from explainer.core.digest import digest
from explainer.plan.pages import Link, Page, Summary, explainer_url

TOPICS = "topics/"
AUTHORS = "authors/"
# The numbered links each page shows besides the first and the last: the page's own and this many
# on either side, so a page of a site of any size links a handful of pages, not hundreds.
AROUND = 2


@dataclass(frozen=True, slots=True)
class PageLink:
    """A numbered link of a paged list; `number` None is a gap (an ellipsis)."""

    number: int | None
    url: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a page stands in its list: page 2 of 14, the pages before and after, numbered links."""

    number: int
    total: int
    previous: str | None  # the page before (rel="prev"), below the base path
    next: str | None  # the page after (rel="next")
    pages: tuple[PageLink, ...]  # the first, the last, this one and those around it, gaps between


@dataclass(frozen=True, slots=True)
class Topic:
    """A subject explainers share: its name, its address and how many published explainers it has."""

    slug: str
    name: str
    url: str  # topics/<slug>/
    count: int

    @property
    def feed_url(self) -> str:
        return f"{self.url}feed.xml"


def topic_url(name: str) -> str:
    return f"{TOPICS}{topic_slug(name)}/"


def page_url(first: str, number: int) -> str:
    """A list's page: the first at `first` ("" for the front page), the others at `first`page/<n>/."""
    return first if number == 1 else f"{first}page/{number}/"


def paging(first: str, number: int, total: int) -> Paging:
    """Page `number` of `total` of the list whose first page is at `first`."""
    shown = sorted({1, total, *range(max(1, number - AROUND), min(total, number + AROUND) + 1)})
    links: list[PageLink] = []
    for n in shown:
        if links and links[-1].number is not None and n > links[-1].number + 1:
            links.append(PageLink(None, ""))
        links.append(PageLink(n, page_url(first, n), n == number))
    return Paging(number, total, page_url(first, number - 1) if number > 1 else None, page_url(first, number + 1) if number < total else None, tuple(links))


def shown(summary: Summary) -> str:
    """What a listing shows of an explainer: its key there, so editing an answer leaves lists alone."""
    return "\0".join(map(str, (summary.slug, summary.title, summary.dek, summary.published, summary.updated, summary.attribution, summary.language,
                                summary.authors, summary.image)))


def paged(first: str, template: str, key: str, newest: Sequence[Summary], per_page: int, **context: object) -> list[Page]:
    """A list of explainers (newest first) as pages of `per_page`; page 1 at `first`."""
    total = max(1, -(-len(newest) // per_page))
    pages = []
    for number in range(1, total + 1):
        chunk = newest[(number - 1) * per_page:number * per_page]
        where = paging(first, number, total)
        listed = [(e, explainer_url(e)) for e in chunk]
        url = page_url(first, number)
        page_key = digest(key, repr(where), *(shown(e) for e in chunk))
        pages.append(Page(url + "index.html" if url else "index.html", url, template, page_key, {"explainers": listed, "paging": where, **context}))
    return pages


def topics_of(newest: Sequence[Summary]) -> dict[str, tuple[Topic, tuple[Summary, ...]]]:
    """Every topic a published explainer names, by slug, with its explainers newest first. Names
    that make one slug are one topic, shown as most explainers write it (ties: the first in
    sorted order), so its name never depends on the order files are read."""
    spellings: dict[str, Counter[str]] = {}
    members: dict[str, list[Summary]] = {}
    for summary in newest:
        for name in summary.topics:
            slug = topic_slug(name)
            spellings.setdefault(slug, Counter())[name] += 1
            members.setdefault(slug, []).append(summary)
    topics = {}
    for slug in sorted(members):
        name = min(spellings[slug].items(), key=lambda item: (-item[1], item[0]))[0]
        topics[slug] = (Topic(slug, name, f"{TOPICS}{slug}/", len(members[slug])), tuple(members[slug]))
    return topics


@dataclass(frozen=True, slots=True)
class AuthorPage:
    """Someone bylines name, as their page on the site shows them: their name, role and own page
    (`link`) as the newest of their bylines give them, and how many published explainers name
    them."""

    slug: str
    name: str
    url: str  # authors/<slug>/
    link: str | None  # their own page elsewhere, when a byline gives one
    role: str | None
    count: int


def author_url(author: Author) -> str | None:
    """An author's page on the site, below the base path: made from their name with the slug
    library, as a topic's is, so it is the same whether site.yaml or the explainer writes them
    out; None for a name with no letter or digit to make it from (no page)."""
    slug = topic_slug(author.name)
    return f"{AUTHORS}{slug}/" if slug else None


def authors_of(newest: Sequence[Summary]) -> dict[str, tuple[AuthorPage, tuple[Summary, ...]]]:
    """Every author a published explainer's byline names, by slug, with their explainers newest
    first. Names that make one slug are one author, shown by the newest byline's name, and the
    newest link and role any of their bylines gives (one may write them out by name alone)."""
    named: dict[str, list[Author]] = {}
    members: dict[str, list[Summary]] = {}
    for summary in newest:
        for author in summary.authors:
            slug = topic_slug(author.name)
            if not slug:
                continue
            named.setdefault(slug, []).append(author)
            if summary not in members.setdefault(slug, []):
                members[slug].append(summary)
    pages = {}
    for slug in sorted(members):
        link = next((a.url for a in named[slug] if a.url), None)
        role = next((a.role for a in named[slug] if a.role), None)
        pages[slug] = (AuthorPage(slug, named[slug][0].name, f"{AUTHORS}{slug}/", link, role, len(members[slug])), tuple(members[slug]))
    return pages


def plan_authors(site: Site, authors: dict[str, tuple[AuthorPage, tuple[Summary, ...]]], box: SearchBox | None, browse: str | None) -> list[Page]:
    """Each author's paged page, listing their explainers newest first."""
    key = digest(site.digest, repr(box), browse or "")
    return [page for author, newest in authors.values()
            for page in paged(author.url, "author.html", digest(key, repr(author)), newest, site.per_page, author=author, search=box, browse=browse)]


def topic_links(names: Iterable[str]) -> tuple[Link, ...]:
    """An explainer's topics as its page lists them: each name as written, and its topic's page."""
    return tuple(Link(name, topic_url(name)) for name in names)


@dataclass(frozen=True, slots=True)
class SearchBox:
    """The search box of the index, topic and 404 pages: where the search index is, and the
    languages other than the site's whose explainers it searches too."""

    url: str  # the search index's folder, below the base path
    languages: tuple[str, ...]  # Pagefind's name of each other language's index (a lowercased tag)


SEARCH_DIR = "pagefind/"
# The explainers the 404 page offers besides its search box.
NEWEST_ON_404 = 5


def search_box(site: Site, newest: Sequence[Summary]) -> SearchBox | None:
    """The search box, when the site has search."""
    if not site.search or not newest:
        return None  # nothing published, nothing to search
    others = sorted({(s.language or site.language).lower() for s in newest} - {site.language.lower()})
    return SearchBox(SEARCH_DIR, tuple(others))


def plan_index(site: Site, newest: Sequence[Summary], box: SearchBox | None, browse: str | None, teasers: tuple[object, ...]) -> list[Page]:
    """The front page and the pages after it, listing every published explainer (`newest`, newest
    first) a page at a time, and the 404 page, which offers search and the newest explainers.
    `browse` is the list of topics, when there are any."""
    key = digest(site.digest, repr(box), browse or "")
    pages = paged("", "index.html", key, newest, site.per_page, search=box, browse=browse)
    pages.append(Page("404.html", "404.html", "404.html", digest(key, repr(teasers)), {"search": box, "browse": browse, "newest": teasers}))
    return pages


def plan_topics(site: Site, topics: dict[str, tuple[Topic, tuple[Summary, ...]]], box: SearchBox | None) -> list[Page]:
    """topics/, listing every topic, and each topic's paged page (its feed is publish.py's)."""
    if not topics:
        return []
    key = digest(site.digest, repr(box))
    every = tuple(topic for topic, _ in topics.values())
    pages = [Page(f"{TOPICS}index.html", TOPICS, "topics.html", digest(key, repr(every)), {"topics": every, "search": box, "browse": TOPICS})]
    for topic, newest in topics.values():
        pages += paged(topic.url, "topic.html", digest(key, repr(topic)), newest, site.per_page, topic=topic, search=box, browse=TOPICS)
    return pages
