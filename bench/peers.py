"""Our build against two peers, Hugo and Eleventy, making the same page set from the same explainers.

For N synthetic explainers (bench/synth.py) kept as a newsroom's archive (each names one to
three topics, and a byline of one or two of site.yaml's authors), each generator makes every
kind of file `python build.py` writes: per explainer its page, a page per question and per card,
its page for partners, an embed page per question, card and timeline with its HTML fragment and
oEmbed JSON, and the redirects from its old slugs; for the site the front page and the pages
after it (per_page of site.yaml, 20 when it gives none, newest first: page/<n>/), topics/ and
each topic's pages (topics/<slug>/, then topics/<slug>/page/<n>/) and Atom feed
(topics/<slug>/feed.xml), each author's pages (authors/<slug>/, paged alike), the 404 page, the
Atom feed, the sitemap (split into sitemap-<n>.xml past 50,000 URLs, as at 10,000 explainers),
robots.txt and the constant files (embed.js, .nojekyll, the schemas, the editing page). Social
images, one per explainer, question and card: Hugo is timed twice, without them and drawing them
with images.Text in the font ours uses ("Hugo, images"); Eleventy draws none; ours is timed as
it is and without them ("ours, no images", the row the peers without images compare with).
Every Markdown field is rendered once per build, with each generator's own engine, and each page
inlines the same CSS (taken from our theme's output).

Search: Pagefind indexes any generator's pages the same way, so the project's site.yaml says
`search: false` for all of them, and the row after ours, "Pagefind over ours' pages", times the
index by itself: the Pagefind binary our build runs, with the arguments explainer/render/search.py
gives it, over the pages of ours' clean build, as a separate process (a clean build only: a
rebuild that changes a page runs it again whole, and a peer's search would cost the same). With
search on, ours runs the same binary over the same pages after writing them.

    python bench/peers.py                        # N = 100, 1,000 and 10,000, one run each
    python bench/peers.py --sizes 100 --runs 3
    python bench/peers.py --keep out/peers       # keep the projects and outputs to look at
    python bench/peers.py --sizes 1000 --dir /dev/shm   # in RAM, where making files costs little
    python bench/peers.py --no-hugo-images       # without Hugo drawing images, the slowest build here
    python bench/peers.py --hugo-images-up-to 100   # Hugo drawing images at 100 explainers only (it takes 10 times ours)

The timing table goes to standard output, each size's files-by-kind table to standard error.

Needs Hugo (apt-get install -y hugo), Eleventy (npm ci --prefix bench/peers/eleventy) and, for
the search row, Pagefind (the project's `pagefind[bin]`); a part that is missing is skipped with
a note saying how to install it. Eleventy runs with Node's heap limit at three quarters of the
machine's memory: its default is too small for 10,000 explainers.

For each N and generator: a clean build (no output, no caches), a no-change rebuild over its own
output, and a rebuild after one explainer's question is reworded; wall and CPU seconds (user
plus system, over all its processes) and the largest resident set of any one process (os.wait4,
from a small process that starts the build: bench/measure.py), each build a whole process, start-up
included. Each generator uses every core it can: ours forks
a worker per core, Hugo runs on threads, Eleventy has one thread. Preparation (making each
project, converting the YAML into Hugo's content files, again after the edit) is not timed.

The page set is checked, not assumed: `expected_pages` lists from the content every file the
generator's page set has, with its kind; each generator's output is sorted into those kinds and
counted, and a second table says, kind by kind, whether each made exactly the expected files.
Each listing page (the front page's, topics/, a topic's, an author's) is also read: a
generator's "page set" is "same" only if each lists the same explainers (on topics/, the same
topics) in the same order as ours, and its pager links the same pages of its list.

A new page kind, later (bench/peers/README.md says the same):
1. `expected_pages` below: add its paths with a new kind name (and a column appears); if it
   lists explainers, its kind in LISTINGS;
2. Hugo: a content file per page (`hugo_content` for an explainer's, `hugo_lists` for the
   site's; front matter `type: <kind>` and `url:`) and `bench/peers/hugo/layouts/<kind>/single.html`;
   or, for another format of an existing page, an output format in bench/peers/hugo/hugo.toml (as
   fragment.html, oembed.json and a topic's feed.xml are);
3. Eleventy: its entries in `bench/peers/eleventy/src/_data/pages.js` (`kind`, `url`, data) and
   `bench/peers/eleventy/src/_includes/kinds/<kind>.njk`; one paginated template renders them all.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from measure import measure  # noqa: E402
from synth import make_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers"
PYTHON = sys.executable
RECORD = ".explainer-"  # our build's own record files (.explainer-site, -group, -stamps): not pages


@dataclass
class Generator:
    name: str
    version: str
    command: list[str]
    cwd: Path
    out: Path  # the folder the site is written to
    clean: list[Path]  # removed before a clean build
    env: dict[str, str] = field(default_factory=dict)
    images: bool = False  # makes the social images
    after_edit: Callable[[Path], None] = lambda source: None  # untimed work after a content file changed
    clean_only: bool = False  # timed for a clean build only (its rebuilds would cost the same)
    versus: str = ""  # the row its time is compared with: by default ours, with images or without as it is


# --- Loading the content as text, as the generator does (dates stay strings) -------------------

class _TextDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(path: Path) -> Any:
    return yaml.load(path.read_bytes(), Loader=_TextDates)


def _front_matter(data: dict[str, Any], body: str = "") -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + "---\n" + body


# --- The page set --------------------------------------------------------------------------------

def questions_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in doc["sections"] if "question" in s]


def cards_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for s in questions_of(doc) for c in s.get("cards", ())]


def embeds_of(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, id) of each item another site can embed, in reading order: questions, their cards, timelines."""
    out: list[tuple[str, str]] = []
    for s in doc["sections"]:
        if "question" in s:
            out.append(("question", s["id"]))
            out.extend(("card", c["id"]) for c in s.get("cards", ()))
        elif "timeline" in s:
            out.append(("timeline", s.get("id", "timeline")))
    return out


CONSTANT = "constant"  # files the same for every site of this site.yaml: copied by the peers
SOCIAL = "social image"
SEARCH = "search index"
LISTINGS = ("index", "topics", "topic", "author")  # the pages that list explainers (or topics)
PER_PAGE = 20  # site.yaml's per_page when it gives none
FEED_ENTRIES = 50
SITEMAP_URLS = 50_000  # the sitemap protocol's limit: past it, sitemap.xml lists sitemap-1.xml, -2...


def slug_of(name: str) -> str:
    """A topic's or an author's folder, from their name, as our build makes it (peers.py gives
    Hugo these; Eleventy makes them itself with its own slug library)."""
    if str(REPO) not in sys.path:  # once: a path added on every call made each import look through thousands
        sys.path.insert(0, str(REPO))
    from explainer.content.slugs import topic_slug

    return topic_slug(name)


def published(project: Path) -> list[dict[str, Any]]:
    """The explainers a build publishes, by file name (the synthetic ones hold no drafts, but a
    draft is left out as our build leaves it out)."""
    return [doc for doc in (_load(source) for source in sorted((project / "content").glob("*.yaml"))) if not doc.get("draft")]


def topic_names(doc: dict[str, Any]) -> dict[str, str]:
    """The explainer's topics, by slug, each as written (two names of one slug are one topic)."""
    return {slug_of(name): name for name in reversed(doc.get("topics", ()))}


def bylines(doc: dict[str, Any], site: dict[str, Any]) -> list[dict[str, Any]]:
    """The explainer's authors as its byline shows them ({name, url, role}, with `page`, the slug
    of their page on the site), an id looked up in site.yaml's authors."""
    people = [site.get("authors", {})[a] if isinstance(a, str) else a for a in doc.get("authors", ())]
    return [{**person, "page": slug_of(person["name"])} for person in people]


def pages_of(count: int, per_page: int) -> int:
    """How many pages a paged list of `count` explainers has (an empty list still has its first)."""
    return max(1, -(-count // per_page))


def paged_paths(first: str, count: int, per_page: int) -> list[str]:
    """The files of a paged list whose first page is at `first` ("" for the front page)."""
    return [f"{first}index.html"] + [f"{first}page/{k}/index.html" for k in range(2, pages_of(count, per_page) + 1)]


def sitemap_paths(entries: int) -> list[str]:
    return ["sitemap.xml"] + ([f"sitemap-{k}.xml" for k in range(1, -(-entries // SITEMAP_URLS) + 1)] if entries > SITEMAP_URLS else [])


def expected_pages(project: Path, constants: list[str]) -> dict[str, str]:
    """Every file of the page set, below the site folder, with its kind, as our build makes it
    (explainer/plan/listing.py, pages.py, embeds.py and publish.py). A folder (a path ending in
    "/") stands for files that cannot be named in advance: the search index, when site.yaml has
    search on."""
    site = _load(project / "site.yaml")
    per_page = site.get("per_page", PER_PAGE)
    docs = published(project)
    topics: Counter[str] = Counter(slug for doc in docs for slug in topic_names(doc))
    authors: Counter[str] = Counter(slug for doc in docs for slug in dict.fromkeys(a["page"] for a in bylines(doc, site) if a["page"]))
    pages = {path: "index" for path in paged_paths("", len(docs), per_page)}
    if topics:
        pages["topics/index.html"] = "topics"
    for slug, count in sorted(topics.items()):
        pages |= {path: "topic" for path in paged_paths(f"topics/{slug}/", count, per_page)}
        pages[f"topics/{slug}/feed.xml"] = "topic feed"
    for slug, count in sorted(authors.items()):
        pages |= {path: "author" for path in paged_paths(f"authors/{slug}/", count, per_page)}
    # The sitemap: the front page, topics/ and each topic's first page, every explainer, question and card page.
    urls = bool(docs) + (1 + len(topics) if topics else 0) + sum(1 + len(questions_of(doc)) + len(cards_of(doc)) for doc in docs)
    pages |= {"404.html": "404", "feed.xml": "feed"} | {path: "sitemap" for path in sitemap_paths(urls)} | {"robots.txt": "robots"}
    pages |= {path: CONSTANT for path in constants}
    if site.get("search", True) and docs:
        pages["pagefind/"] = SEARCH
    for doc in docs:
        own = explainer_files(doc)
        pages |= {f"{doc['slug']}/{path}": kind for path, kind in own.items()}
        # Each old slug: a redirect at the old address of every page (not of images, fragments or oEmbed).
        pages |= {f"{alias}/{path}": "redirect" for alias in doc.get("aliases", ()) for path in own if path.endswith("index.html")}
    return pages


def explainer_files(doc: dict[str, Any]) -> dict[str, str]:
    """The files of one explainer, below its folder, with their kinds."""
    files = {"index.html": "explainer", "social.png": SOCIAL}
    for q in questions_of(doc):
        for item, kind in [(q, "question"), *((c, "card") for c in q.get("cards", ()))]:
            files |= {f"{item['id']}/index.html": kind, f"{item['id']}/social.png": SOCIAL}
    embeds = embeds_of(doc)
    if embeds:
        files["embed/index.html"] = "partners"
    for _, item in embeds:
        files |= {f"embed/{item}/index.html": "embed", f"embed/{item}/fragment.html": "fragment", f"embed/{item}/oembed.json": "oembed"}
    return files


def files_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(RECORD)}


def kinds_made(folder: Path, expected: dict[str, str], images: bool) -> tuple[Counter[str], int, int]:
    """How many files of each kind a generator made, and how many expected files it missed and
    unexpected files it made (social images are expected only of a generator that draws them; an
    expected folder is there when it holds at least one file)."""
    made = files_of(folder)
    folders = {path: kind for path, kind in expected.items() if path.endswith("/")}
    wanted = {path for path, kind in expected.items() if path not in folders and (images or kind != SOCIAL)}
    counts = Counter(expected[p] for p in made & wanted)
    inside = {p for p in made if p.split("/", 1)[0] + "/" in folders}
    counts.update(folders[p.split("/", 1)[0] + "/"] for p in inside)
    missing = len(wanted - made) + sum(1 for path in folders if not any(p.startswith(path) for p in inside))
    return counts, missing, len(made - wanted - inside)


HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')


def lists_of(folder: Path, expected: dict[str, str], base_url: str) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    """What each listing page of a generator's output lists: the explainer pages (on topics/, the
    topic pages) it links, in their order, and the pages of its own list its pager links."""
    base_path = "/" + base_url.split("://", 1)[1].partition("/")[2]
    out = {}
    for path, kind in expected.items():
        if kind not in LISTINGS or not (folder / path).is_file():
            continue
        first = path.split("page/")[0].removesuffix("index.html")
        hrefs = [h[len(base_url):] if h.startswith(base_url) else h[len(base_path):] if h.startswith(base_path) else None
                 for h in HREF.findall((folder / path).read_text("utf-8"))]
        listed = re.compile(r"topics/[^/]+/" if kind == "topics" else r"(?!topics/|authors/|page/)[^/]+/")
        items = tuple(dict.fromkeys(h for h in hrefs if h is not None and listed.fullmatch(h)))
        pager = frozenset(h for h in hrefs if h is not None and re.fullmatch(re.escape(first) + r"page/\d+/", h))
        out[path] = (items, pager)
    return out


# --- Preparing each generator's project (untimed) ----------------------------------------------

@dataclass(frozen=True)
class Theme:
    """What the pages of every generator inline, as our theme renders it for this site."""

    page_css: str
    page_js: str
    embed_css: str
    embed_js: str
    fragment_css: str
    partners_css: str


def theme_and_constants(project: Path, into: Path) -> tuple[Theme, list[str]]:
    """Our build of this site with one explainer, in `into`: the CSS and scripts its pages inline,
    and the files that are the same for every site of this site.yaml (copied by the peers)."""
    one = make_project(0, into)
    shutil.copy(project / "site.yaml", one / "site.yaml")
    first = min((project / "content").glob("*.yaml"))
    shutil.copy(first, one / "content" / first.name)
    subprocess.run([PYTHON, str(REPO / "build.py"), "--root", str(one)], check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    site, doc = one / "site", _load(first)
    item = embeds_of(doc)[0][1]

    def blocks(path: str, tag: str) -> list[str]:
        return re.findall(rf"<{tag}>\n?(.*?)</{tag}>", (site / path).read_text("utf-8"), re.S)

    slug = doc["slug"]
    theme = Theme(blocks("index.html", "style")[0], blocks(f"{slug}/index.html", "script")[0],
                  blocks(f"{slug}/embed/{item}/index.html", "style")[0], blocks(f"{slug}/embed/{item}/index.html", "script")[0],
                  blocks(f"{slug}/embed/{item}/fragment.html", "style")[0], blocks(f"{slug}/embed/index.html", "style")[-1])
    pages = expected_pages(one, [])
    constants = sorted(p for p in files_of(site) if p not in pages and p.split("/", 1)[0] + "/" not in pages)
    return theme, constants


def prepare_ours(project: Path) -> Generator:
    return Generator(
        name="ours",
        version="",
        command=[PYTHON, str(REPO / "build.py"), "--root", str(project)],
        cwd=REPO,
        out=project / "site",
        clean=[project / "site"],
        env={"PYTHONPATH": str(REPO)},
        images=True,
    )


def prepare_ours_without_images(project: Path) -> Generator:
    out = project / "site-without-images"
    return Generator(
        name="ours, no images",
        version="",
        command=[PYTHON, str(PEERS / "ours_without_images.py"), "--root", str(project), "--out", str(out)],
        cwd=REPO,
        out=out,
        clean=[out],
        env={"PYTHONPATH": str(REPO)},
    )


SEARCH_ROW = "Pagefind over ours' pages"


def pagefind_version() -> str | None:
    """The version of the Pagefind binary our build runs, or None when it is not installed."""
    sys.path.insert(0, str(REPO))
    from explainer.render.search import SearchError, pagefind_binary

    try:
        said = subprocess.run([str(pagefind_binary()), "--version"], capture_output=True, text=True, check=False).stdout.split()
    except (SearchError, OSError):
        return None
    return said[-1] if said else "?"


def prepare_pagefind(project: Path, ours: Generator) -> Generator:
    """The search index our build makes when site.yaml has search on, made by itself: the same
    Pagefind binary, run as explainer/render/search.py runs it (the same --glob, from an empty
    folder, no PAGEFIND_ settings from the environment), over the pages of ours' clean build. It
    writes into a folder of its own, so ours' output stays as it was."""
    sys.path.insert(0, str(REPO))
    from explainer.render.search import GLOB, pagefind_binary

    out, empty = project / "search-index", project / "search-cwd"
    empty.mkdir(exist_ok=True)
    return Generator(
        name=SEARCH_ROW,
        version="",
        command=[str(pagefind_binary()), "--site", str(ours.out), "--glob", GLOB, "--output-path", str(out / "pagefind")],
        cwd=empty,
        out=out,
        clean=[out],
        clean_only=True,
        versus=ours.name,
    )


def hugo_version() -> str | None:
    if shutil.which("hugo") is None:
        return None
    text = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True).stdout.split()
    return text[1].split("+")[0] if len(text) > 1 else "?"


def _links(items: list[dict[str, Any]], slug: str, label: str) -> list[dict[str, Any]]:
    """Each item's previous and next page, as its pager shows them."""
    urls = [f"/{slug}/{item['id']}/" for item in items]
    return [{"previous": {"label": items[i - 1][label], "url": urls[i - 1]} if i else None,
             "next": {"label": items[i + 1][label], "url": urls[i + 1]} if i + 1 < len(items) else None} for i in range(len(items))]


def hugo_content(doc: dict[str, Any], site: dict[str, Any]) -> dict[str, str]:
    """One explainer as Hugo content files, by path below content/: a section whose _index.md
    holds the explainer's fields (answers and card details left to their own pages; its topics
    and authors as the slugs of their pages, the terms of Hugo's taxonomies, with their names
    beside them for its byline and topic links), a page per
    question (its answer the page's Markdown) and per card (its detail), the page for partners,
    and an embed page per item (output as index.html, fragment.html and oembed.json). Every page
    lists, as Hugo aliases, its addresses under the explainer's old slugs."""
    slug, old = doc["slug"], doc.get("aliases", [])
    files: dict[str, str] = {}

    def aliases(path: str) -> dict[str, Any]:
        return {"aliases": [f"/{a}/{path}" for a in old]} if old else {}

    keep = {k: v for k, v in doc.items() if k not in ("sections", "aliases")}
    people = bylines(doc, site)
    topics = topic_names(doc)
    keep |= {"topics": list(topics), "topic_links": [{"slug": s, "name": name} for s, name in topics.items()],
             "authors": list(dict.fromkeys(a["page"] for a in people if a["page"])), "bylines": [{k: a.get(k) for k in ("name", "page", "role")} for a in people]}
    sections = [{k: v for k, v in s.items() if k != "answer"} | ({"cards": [{k: v for k, v in c.items() if k != "detail"} for c in s["cards"]]} if "cards" in s else {})
                for s in doc["sections"]]
    files["_index.md"] = _front_matter({"title": doc["title"], "date": doc["published"], **keep, "sections": sections, **aliases("")})
    questions, cards = questions_of(doc), cards_of(doc)
    for n, (q, links) in enumerate(zip(questions, _links(questions, slug, "question")), 1):
        meta = {"type": "question", "url": f"/{slug}/{q['id']}/", "title": q["question"], "id": q["id"], "short_answer": q["short_answer"],
                "number": n, "total": len(questions), **links, **aliases(f"{q['id']}/")}
        files[f"{q['id']}.md"] = _front_matter(meta, q.get("answer", ""))
    for c, links in zip(cards, _links(cards, slug, "title")):
        meta = {"type": "card", "url": f"/{slug}/{c['id']}/", "title": c["title"], "id": c["id"], "card_summary": c["summary"], **links, **aliases(f"{c['id']}/")}
        files[f"{c['id']}.md"] = _front_matter(meta, c.get("detail", ""))
    embeds = embeds_of(doc)
    if embeds:
        files["embed.md"] = _front_matter({"type": "partners", "url": f"/{slug}/embed/", "title": doc["title"], **aliases("embed/")})
    titles = {q["id"]: (q["question"], q["short_answer"]) for q in questions} | {c["id"]: (c["title"], c["summary"]) for c in cards}
    for weight, (kind, item) in enumerate(embeds, 1):
        title, description = titles.get(item, ("Timeline", doc["dek"]))
        meta = {"type": "embed", "url": f"/{slug}/embed/{item}/", "outputs": ["html", "fragment", "oembed"], "weight": weight,
                "title": title, "description": description, "kind": kind, "item": item, "height": 480, **aliases(f"embed/{item}/")}
        files[f"embed-{item}.md"] = _front_matter(meta)
    return files


def write_hugo_explainer(content: Path, source: Path, site: dict[str, Any]) -> None:
    doc = _load(source)
    folder = content / doc["slug"]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in hugo_content(doc, site).items():
        (folder / name).write_text(text, "utf-8")


def hugo_lists(project: Path) -> dict[str, str]:
    """The site's lists as Hugo content files, by path below content/: each topic's term page
    (its name, as the explainers write it) and each author's (name, role and own page; HTML
    only, no feed), the authors' taxonomy page left unrendered (ours has no authors/ page), and
    a page file for each page of a list after its first (the front page's, a topic's, an
    author's) and for each part of a split sitemap; their layouts pick their explainers
    themselves. Which pages there are follows from how many explainers each list has, which
    Hugo 0.111 could only tell its paginator, and that writes page/1/ aliases ours does not."""
    site = _load(project / "site.yaml")
    per_page = site.get("per_page", PER_PAGE)
    docs = published(project)
    topics: dict[str, list[str]] = {}
    authors: dict[str, dict[str, dict[str, Any]]] = {}  # by slug, each explainer's byline of them by its slug
    for doc in docs:
        for slug, name in topic_names(doc).items():
            topics.setdefault(slug, []).append(name)
        for person in bylines(doc, site):
            if person["page"]:
                authors.setdefault(person["page"], {}).setdefault(doc["slug"], person)
    files = {"authors/_index.md": _front_matter({"title": "Authors", "_build": {"render": "never"}})}

    def later_pages(kind: str, count: int, name: str, **meta: Any) -> None:
        for k in range(2, pages_of(count, per_page) + 1):
            files[f"{name}-page-{k}.md"] = _front_matter({"type": kind, "url": f"/{meta.get('first', '')}page/{k}/", "number": k,
                                                          **{key: v for key, v in meta.items() if key != "first"}})

    later_pages("listing", len(docs), "index")
    for slug, names in sorted(topics.items()):
        name = min(Counter(names).items(), key=lambda item: (-item[1], item[0]))[0]  # as most explainers write it
        files[f"topics/{slug}/_index.md"] = _front_matter({"title": name})
        later_pages("topicpage", len(names), f"topic-{slug}", first=f"topics/{slug}/", term=slug)
    for slug, named in sorted(authors.items()):
        people = list(named.values())
        role, link = next((p["role"] for p in people if p.get("role")), None), next((p["url"] for p in people if p.get("url")), None)
        files[f"authors/{slug}/_index.md"] = _front_matter({"title": people[0]["name"], "outputs": ["html"], "role": role, "link": link})
        later_pages("authorpage", len(people), f"author-{slug}", first=f"authors/{slug}/", term=slug)
    parts = [path for path, kind in expected_pages(project, []).items() if kind == "sitemap" and path != "sitemap.xml"]
    for k, path in enumerate(parts, 1):
        files[f"sitemap-{k}.md"] = _front_matter({"type": "sitemappart", "url": f"/{path}", "number": k})
    return files


def prepare_hugo(project: Path, version: str, theme: Theme, constants: Path, images: bool = False) -> Generator:
    """Hugo's project beside the content; with `images`, one that also draws the social images
    (images.Text over a plain base, in the font ours uses: layouts/partials/social.html)."""
    root = project / ("hugo-images" if images else "hugo")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PEERS / "hugo" / "layouts", root / "layouts")
    shutil.copytree(constants, root / "static")
    partials = root / "layouts" / "partials"
    for name, text in {"style.html": f"<style>\n{theme.page_css}</style>", "embed-css.html": f"<style>\n{theme.embed_css}</style>",
                       "embed-js.html": f"<script>\n{theme.embed_js}</script>", "fragment-css.html": f"<style>\n{theme.fragment_css}</style>",
                       "partners-css.html": f"<style>\n{theme.partners_css}</style>"}.items():
        (partials / name).write_text(text, "utf-8")
    site = _load(project / "site.yaml")
    publisher = {k: site["publisher"][k] for k in ("name", "url") if k in site["publisher"]}
    config = "\n".join([
        f"baseURL = {_toml(site['base_url'])}",
        f"title = {_toml(site['name'])}",
        f"languageCode = {_toml(site['language'])}",
        "",
        (PEERS / "hugo" / "hugo.toml").read_text("utf-8"),
        "[params]",
        f"perPage = {site.get('per_page', PER_PAGE)}",
        f"sitemapURLs = {SITEMAP_URLS}",
        *(["socialImages = true"] if images else []),
        "",
        "[params.publisher]",
        *(f"{k} = {_toml(v)}" for k, v in publisher.items()),
        "",
    ])
    if images:
        (root / "assets").mkdir()
        draw_base(root / "assets" / "social-base.png")
        shutil.copy(our_font(), root / "assets" / "font.ttf")
    (root / "hugo.toml").write_text(config, "utf-8")
    content = root / "content"
    content.mkdir()
    (content / "_index.md").write_text(_front_matter({"title": site["name"]}), "utf-8")
    for path, text in hugo_lists(project).items():
        (content / path).parent.mkdir(parents=True, exist_ok=True)
        (content / path).write_text(text, "utf-8")
    for source in sorted((project / "content").glob("*.yaml")):
        write_hugo_explainer(content, source, site)
    return Generator(
        name="Hugo, images" if images else "Hugo",
        version=version,
        command=["hugo", "--quiet"],
        cwd=root,
        out=root / "public",
        clean=[root / "public", root / "resources"],
        images=images,
        after_edit=lambda source: write_hugo_explainer(content, source, site),
    )


def prepare_hugo_images(project: Path, version: str, theme: Theme, constants: Path) -> Generator:
    return prepare_hugo(project, version, theme, constants, images=True)


def draw_base(path: Path) -> None:
    """The plain 1,200 x 630 image Hugo writes each social image's text on."""
    from PIL import Image

    Image.new("RGB", (1200, 630), (27, 27, 27)).save(path)


def our_font() -> Path:
    """The font file our social images set Latin text in."""
    sys.path.insert(0, str(REPO))
    from explainer.render.social import FONTS, _font_file

    return _font_file(FONTS[0])


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def eleventy_version() -> str | None:
    package = PEERS / "eleventy" / "node_modules" / "@11ty" / "eleventy" / "package.json"
    if shutil.which("npx") is None or not package.exists():
        return None
    return str(json.loads(package.read_text("utf-8"))["version"])


def prepare_eleventy(project: Path, version: str, theme: Theme, constants: Path) -> Generator:
    """Nothing to convert: Eleventy reads content/*.yaml itself (bench/peers/eleventy/src/_data);
    the theme's CSS and scripts and the constant files are put beside the content for it."""
    out = project / "eleventy"
    (project / "peer-theme.json").write_text(json.dumps(theme.__dict__), "utf-8")
    return Generator(
        name="Eleventy",
        version=version,
        command=["npx", "@11ty/eleventy", "--quiet", f"--output={out}"],
        cwd=PEERS / "eleventy",
        out=out,
        clean=[out],
        env={"EXPLAINER_PROJECT": str(project), "EXPLAINER_CONSTANTS": str(constants), "EXPLAINER_SITEMAP_URLS": str(SITEMAP_URLS),
             "NPM_CONFIG_UPDATE_NOTIFIER": "false", "NODE_OPTIONS": f"--max-old-space-size={node_heap()}"},
    )


def node_heap() -> int:
    """Node's heap limit for Eleventy, in MB: three quarters of the machine's memory. Its default
    (about 4 GB, less on a small machine) is too little for the page set of 10,000 explainers,
    which Eleventy holds whole."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 3 // 4 // 2**20


# --- Measuring ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    memory: float  # MB, the largest resident set of any one process


def run(generator: Generator) -> Timing:
    """One build of a generator, as a whole process: its wall and CPU seconds, and the largest
    resident set of it or any process it started (bench/measure.py: the build's, not this script's)."""
    # Pagefind reads settings from PAGEFIND_ variables: none leaks in, as none does into our build's.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND_")} | generator.env
    done = measure(generator.command, generator.cwd, env)
    if done.status != 0:
        sys.stderr.write(done.errors)
        raise SystemExit(f"{generator.name}: {' '.join(generator.command)} failed with status {done.status}")
    return Timing(done.wall, done.cpu, done.memory)


def median(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings), max(t.memory for t in timings))


def edit(source: Path, k: int) -> None:
    """One question of one explainer reworded."""
    text = source.read_text("utf-8")
    source.write_text(re.sub(r"question: (Edit \d+ )?", f"question: Edit {k} ", text, count=1), "utf-8")


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def peers_project(n: int, root: Path) -> Path:
    """N synthetic explainers as a newsroom's archive: topics, bylines from site.yaml's authors,
    a paged index; search off, as the search index is timed as a row of its own."""
    project = make_project(n, root, topics=True, authors=True)
    with open(project / "site.yaml", "a", encoding="utf-8") as site:
        site.write("search: false\n")
    return project


def bench(n: int, runs: int, peers: list[tuple[Any, str]], search: bool, keep: Path | None, folder: str | None = None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        work = keep / f"n{n}" if keep else Path(tmp)
        project = peers_project(n, work / "project")
        theme, constants = theme_and_constants(project, work / "theme")
        constant_files = work / "theme" / "constants"
        for path in constants:
            (constant_files / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(work / "theme" / "site" / path, constant_files / path)
        expected = expected_pages(project, constants)
        ours = prepare_ours(project)
        generators = [ours] + ([prepare_pagefind(project, ours)] if search else []) + [prepare_ours_without_images(project)]
        generators += [prepare(project, version, theme, constant_files) for prepare, version in peers]
        clean: dict[str, list[Timing]] = {g.name: [] for g in generators}
        unchanged: dict[str, list[Timing]] = {g.name: [] for g in generators}
        edited: dict[str, list[Timing]] = {g.name: [] for g in generators}
        # Take turns, so a noisy moment on the machine does not fall on one generator only.
        for _ in range(runs):
            for g in generators:
                for output in g.clean:
                    shutil.rmtree(output, ignore_errors=True)
                clean[g.name].append(run(g))
        # Each generator's files against the page set (the search index's against its own folder),
        # and its listing pages against ours'.
        base_url = _load(project / "site.yaml")["base_url"]
        made = {g.name: kinds_made(g.out, {"pagefind/": SEARCH} if g.clean_only else expected, g.images) for g in generators}
        reference = lists_of(ours.out, expected, base_url)
        differ = {g.name: sum(lists.get(path) != shown for path, shown in reference.items())
                  for g in generators if not g.clean_only for lists in [lists_of(g.out, expected, base_url)]}
        timed = [g for g in generators if not g.clean_only]
        for _ in range(runs):
            for g in timed:
                unchanged[g.name].append(run(g))
        source = sorted((project / "content").glob("*.yaml"))[n // 2]
        for k in range(runs):
            edit(source, k)
            for g in timed:
                g.after_edit(source)
                edited[g.name].append(run(g))
        rows = []
        for g in generators:
            counts, missing, extra = made[g.name]
            rows.append({"name": g.name, "clean": median(clean[g.name]), "unchanged": median(unchanged[g.name]) if unchanged[g.name] else None,
                         "edited": median(edited[g.name]) if edited[g.name] else None, "counts": counts, "missing": missing, "extra": extra,
                         "lists": differ.get(g.name), "listings": len(reference), "bytes": folder_bytes(g.out) / n,
                         "versus": g.versus or ("ours" if g.images else "ours, no images")})
        return rows, expected


def page_set(row: dict[str, Any]) -> str:
    """The "page set" cell: "same" when a generator made exactly the expected files and its
    listing pages list what ours list."""
    if row["lists"] is None:  # the search index: its own files, in its own folder
        return "its index" if not row["missing"] and not row["extra"] else f"{row['missing']} missing, {row['extra']} extra"
    files = "same" if not row["missing"] and not row["extra"] else f"{row['missing']} missing, {row['extra']} extra"
    return files if not row["lists"] else f"{files} files; {row['lists']} of {row['listings']} lists differ"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="make the projects under this folder and leave them there")
    parser.add_argument("--no-hugo-images", action="store_true", help="leave out Hugo drawing the social images (the slowest build here)")
    parser.add_argument("--hugo-images-up-to", type=int, default=None, metavar="N",
                        help="time Hugo drawing the social images only for sites of at most N explainers")
    parser.add_argument("--dir", default=None, help="where to make the projects (default: the system's temporary folder; /dev/shm for RAM)")
    args = parser.parse_args()

    peers: list[tuple[Any, str]] = []
    pagefind = pagefind_version()
    if pagefind is None:
        print("The search index's row skipped: Pagefind is not installed (pip install 'pagefind[bin]')", file=sys.stderr)
    hugo = hugo_version()
    if hugo is None:
        print("Hugo skipped: not installed (apt-get install -y hugo)", file=sys.stderr)
    else:
        peers.append((prepare_hugo, hugo))
        if not args.no_hugo_images:
            peers.append((prepare_hugo_images, hugo))
    eleventy = eleventy_version()
    if eleventy is None:
        print("Eleventy skipped: needs Node and its packages (npm ci --prefix bench/peers/eleventy)", file=sys.stderr)
    else:
        peers.append((prepare_eleventy, eleventy))
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if eleventy else ""

    versions = ([f"Python {platform.python_version()}"] + [f"Pagefind {pagefind}"] * bool(pagefind) + [f"Hugo {hugo}"] * bool(hugo)
                + [f"Eleventy {eleventy} (Node {node})"] * bool(eleventy))
    print(f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores; {', '.join(versions)}; "
          f"{'median of ' + str(args.runs) + ' runs' if args.runs > 1 else 'one run'}; wall (CPU) seconds")
    print("| explainers | generator | clean build | vs ours (images or not, as this one), wall (CPU) | peak memory | no-change rebuild | one-edit rebuild | files | page set | bytes/explainer |")
    print("|---:|:---|---:|---:|---:|---:|---:|---:|:---|---:|")
    for n in args.sizes:
        these = [p for p in peers if p[0] is not prepare_hugo_images or args.hugo_images_up_to is None or n <= args.hugo_images_up_to]
        rows, expected = bench(n, args.runs, these, pagefind is not None, args.keep, args.dir)
        clean = {r["name"]: r["clean"] for r in rows}

        def cell(t: Timing | None) -> str:
            return f"{t.wall:.2f} s ({t.cpu:.2f} s)" if t else "as clean"

        for r in rows:
            print(f"| {n:,} | {r['name']} | {cell(r['clean'])} | {r['clean'].wall / clean[r['versus']].wall:.2f}× ({r['clean'].cpu / clean[r['versus']].cpu:.2f}×) | {r['clean'].memory:.0f} MB | {cell(r['unchanged'])} "
                  f"| {cell(r['edited'])} | {sum(r['counts'].values()):,} | {page_set(r)} | {r['bytes']:,.0f} |", flush=True)
        kinds = list(dict.fromkeys([*expected.values(), *(k for r in rows for k in r["counts"])]))
        wanted = Counter(expected.values())
        print(f"\nFiles by kind at {n:,} explainers (expected: from the content; social images are expected of the generators that draw them; "
              f"the search index has no expected count)", file=sys.stderr)
        print("| generator | " + " | ".join(kinds) + " |", file=sys.stderr)
        print("|:---|" + "---:|" * len(kinds), file=sys.stderr)
        print("| expected | " + " | ".join(f"{wanted[k]:,}" if k != SEARCH else "any" if k in wanted else "–" for k in kinds) + " |", file=sys.stderr)
        for r in rows:
            print(f"| {r['name']} | " + " | ".join(f"{r['counts'][k]:,}" for k in kinds) + " |", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
