// Every file of the page set, one entry each ({kind, url, ...what its template shows}), from the
// explainers in the project's content/, read with js-yaml. src/pages.njk paginates over them and
// renders each with _includes/kinds/<kind>.njk. A new page kind: its entries here, and its include.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import slugify from "@sindresorhus/slugify";
import readSite from "./site.js";

const FEED_ENTRIES = 50;
const PER_PAGE = 20; // site.yaml's per_page when it gives none
// The sitemap protocol's limit of URLs in one file: past it, sitemap.xml lists sitemap-1.xml, -2...
const SITEMAP_URLS = Number(process.env.EXPLAINER_SITEMAP_URLS || 50000);
// The numbered links a paged list's page shows besides the first and the last: its own and this many either side.
const AROUND = 2;

// A topic's or an author's folder, from their name: Eleventy's slugify filter (transliterating
// any script), with a typed apostrophe joining its word as ours does.
function slugOf(name) {
  return slugify(String(name), { decamelize: false, customReplacements: [["'", ""]] });
}

// Page `n` of the list whose first page is at `first` ("" for the front page).
function pageUrl(first, n) {
  return n === 1 ? first : `${first}page/${n}/`;
}

// Where a page stands in its list, as ours' pager shows it: newer and older, the first and the
// last page, this one and those around it, a gap (number null) where numbers are left out.
function paging(first, number, total) {
  const shown = [...new Set([1, total])];
  for (let n = Math.max(1, number - AROUND); n <= Math.min(total, number + AROUND); n++) shown.push(n);
  const pages = [];
  for (const n of [...new Set(shown)].sort((a, b) => a - b)) {
    const last = pages[pages.length - 1];
    if (last && n > last.number + 1) pages.push({ number: null });
    pages.push({ number: n, url: pageUrl(first, n), current: n === number });
  }
  return {
    number, total, pages,
    previous: number > 1 ? pageUrl(first, number - 1) : null,
    next: number < total ? pageUrl(first, number + 1) : null,
  };
}

// A list of explainers (newest first) as its pages' entries, `perPage` to a page, the first at `first`.
function paged(kind, first, newest, perPage, extra) {
  const total = Math.max(1, Math.ceil(newest.length / perPage));
  const out = [];
  for (let n = 1; n <= total; n++) {
    out.push({ kind, url: `${pageUrl(first, n)}index.html`, explainers: newest.slice((n - 1) * perPage, n * perPage), paging: paging(first, n, total), ...extra });
  }
  return out;
}

// The site's lists: the front page's pages, topics/, each topic's pages and feed, each author's pages.
function lists(newest, perPage) {
  const topics = new Map();
  const authors = new Map();
  for (const explainer of newest) {
    for (const { slug, name } of explainer.topicLinks) {
      if (!topics.has(slug)) topics.set(slug, { slug, url: `topics/${slug}/`, spellings: new Map(), members: [] });
      const topic = topics.get(slug);
      topic.spellings.set(name, (topic.spellings.get(name) || 0) + 1);
      topic.members.push(explainer);
    }
    for (const author of explainer.bylines) {
      if (!author.page) continue;
      if (!authors.has(author.page)) authors.set(author.page, { slug: author.page, url: `authors/${author.page}/`, name: author.name, members: [] });
      const page = authors.get(author.page);
      page.role ??= author.role;
      page.link ??= author.url;
      if (page.members[page.members.length - 1] !== explainer) page.members.push(explainer);
    }
  }
  const bySlug = (a, b) => compare(a.slug, b.slug);
  const every = [...topics.values()].sort(bySlug);
  for (const topic of every) {
    // Shown as most explainers write it (ties: the first in sorted order), as ours does.
    topic.name = [...topic.spellings].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]))[0][0];
    topic.count = topic.members.length;
  }
  const out = paged("index", "", newest, perPage, { browse: every.length > 0 });
  if (every.length) out.push({ kind: "topics", url: "topics/index.html", topics: every });
  for (const topic of every) {
    out.push(...paged("topic", topic.url, topic.members, perPage, { topic, feed: `${topic.url}feed.xml` }));
    out.push({ kind: "feed", url: `${topic.url}feed.xml`, home: topic.url, title: `${topic.name}: `, newest: topic.members.slice(0, FEED_ENTRIES) });
  }
  for (const author of [...authors.values()].sort(bySlug)) {
    author.count = author.members.length;
    out.push(...paged("author", author.url, author.members, perPage, { author }));
  }
  return { out, topics: every };
}

// sitemap.xml, or past the protocol's limit an index of its parts: the front page, topics/ and
// each topic's first page, then every explainer (by slug) with its question and card pages in
// reading order, as ours lists them.
function sitemaps(bySlug, topics) {
  const urls = bySlug.length ? [{ loc: "" }] : [];
  if (topics.length) urls.push({ loc: "topics/" }, ...topics.map((topic) => ({ loc: topic.url })));
  for (const e of bySlug) {
    urls.push({ loc: `${e.slug}/`, lastmod: e.published });
    for (const s of e.sections) {
      if (s.question === undefined) continue;
      urls.push({ loc: `${e.slug}/${s.id}/`, lastmod: e.published });
      for (const c of s.cards || []) urls.push({ loc: `${e.slug}/${c.id}/`, lastmod: e.published });
    }
  }
  if (urls.length <= SITEMAP_URLS) return [{ kind: "sitemap", url: "sitemap.xml", urls }];
  const parts = [];
  for (let start = 0; start < urls.length; start += SITEMAP_URLS) {
    parts.push({ kind: "sitemap", url: `sitemap-${parts.length + 1}.xml`, urls: urls.slice(start, start + SITEMAP_URLS) });
  }
  return [{ kind: "sitemapindex", url: "sitemap.xml", parts: parts.map((part) => part.url) }, ...parts];
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function links(items, slug, label) {
  const urls = items.map((item) => `${slug}/${item.id}/`);
  return items.map((item, i) => ({
    previous: i > 0 ? { label: items[i - 1][label], url: urls[i - 1] } : null,
    next: i + 1 < items.length ? { label: items[i + 1][label], url: urls[i + 1] } : null,
  }));
}

function explainerPages(explainer) {
  const slug = explainer.slug;
  const questions = explainer.sections.filter((s) => s.question !== undefined);
  const cards = questions.flatMap((q) => q.cards || []);
  const embeds = [];
  for (const s of explainer.sections) {
    if (s.question !== undefined) {
      embeds.push({ kind: "question", id: s.id, title: s.question, description: s.short_answer, question: s });
      for (const card of s.cards || []) embeds.push({ kind: "card", id: card.id, title: card.title, description: card.summary, card });
    } else if (s.timeline !== undefined) {
      embeds.push({ kind: "timeline", id: s.id || "timeline", title: "Timeline", description: explainer.dek, timeline: s });
    }
  }
  const numbers = Object.fromEntries(questions.map((q, i) => [q.id, i + 1]));
  const out = [{ kind: "explainer", url: `${slug}/index.html`, explainer, questions, numbers }];
  const questionLinks = links(questions, slug, "question");
  questions.forEach((question, i) =>
    out.push({ kind: "question", url: `${slug}/${question.id}/index.html`, explainer, question, number: i + 1, total: questions.length, ...questionLinks[i] }));
  const cardLinks = links(cards, slug, "title");
  cards.forEach((card, i) => out.push({ kind: "card", url: `${slug}/${card.id}/index.html`, explainer, card, ...cardLinks[i] }));
  if (embeds.length) out.push({ kind: "partners", url: `${slug}/embed/index.html`, explainer, embeds });
  for (const embed of embeds) {
    const base = `${slug}/embed/${embed.id}/`;
    out.push({ kind: "embed", url: `${base}index.html`, explainer, embed, questions, numbers });
    out.push({ kind: "fragment", url: `${base}fragment.html`, explainer, embed, questions, numbers });
    out.push({ kind: "oembed", url: `${base}oembed.json`, explainer, embed });
  }
  // Each old slug: every page and embed page below it leads to the same under the new slug.
  for (const alias of explainer.aliases || []) {
    const redirect = (old, target) => out.push({ kind: "redirect", url: `${alias}/${old}index.html`, explainer, target: `${slug}/${target}` });
    redirect("", "");
    for (const item of [...questions, ...cards]) redirect(`${item.id}/`, `${item.id}/`);
    for (const embed of embeds) redirect(`embed/${embed.id}/`, `embed/${embed.id}/`);
    if (embeds.length) redirect("embed/", "embed/");
  }
  return out;
}

export default function () {
  const project = process.env.EXPLAINER_PROJECT;
  if (!project) throw new Error("set EXPLAINER_PROJECT to the project folder");
  const site = readSite();
  const perPage = site.per_page || PER_PAGE;
  const folder = path.join(project, "content");
  const all = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    // The core schema keeps dates as text, as the generator does.
    .map((name) => yaml.load(fs.readFileSync(path.join(folder, name), "utf8"), { schema: yaml.CORE_SCHEMA, filename: name }))
    .filter((explainer) => !explainer.draft);
  for (const explainer of all) {
    // Its topics (one per slug, as first written) and its byline's authors (an id: site.yaml's).
    const topics = new Map();
    for (const name of explainer.topics || []) if (!topics.has(slugOf(name))) topics.set(slugOf(name), name);
    explainer.topicLinks = [...topics].map(([slug, name]) => ({ slug, name }));
    explainer.bylines = (explainer.authors || []).map((a) => (typeof a === "string" ? site.authors[a] : a)).map((a) => ({ ...a, page: slugOf(a.name) }));
  }
  const bySlug = [...all].sort((a, b) => compare(a.slug, b.slug));
  const newest = [...all].sort((a, b) => compare(b.published, a.published) || compare(a.title, b.title) || compare(a.slug, b.slug));
  const listed = lists(newest, perPage);
  return [
    ...listed.out,
    { kind: "404", url: "404.html" },
    { kind: "feed", url: "feed.xml", home: "", title: "", newest: newest.slice(0, FEED_ENTRIES) },
    ...sitemaps(bySlug, listed.topics),
    { kind: "robots", url: "robots.txt" },
    ...bySlug.flatMap(explainerPages),
  ];
}
