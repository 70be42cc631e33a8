// Every file of the page set, one entry each ({kind, url, ...what its template shows}), from the
// explainers in the project's content/, read with js-yaml. src/pages.njk paginates over them and
// renders each with _includes/kinds/<kind>.njk. A new page kind: its entries here, and its include.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

const FEED_ENTRIES = 50;

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
  const folder = path.join(project, "content");
  const all = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    // The core schema keeps dates as text, as the generator does.
    .map((name) => yaml.load(fs.readFileSync(path.join(folder, name), "utf8"), { schema: yaml.CORE_SCHEMA, filename: name }));
  const bySlug = [...all].sort((a, b) => compare(a.slug, b.slug));
  const newest = [...all].sort((a, b) => compare(b.published, a.published) || compare(a.title, b.title) || compare(a.slug, b.slug));
  return [
    { kind: "index", url: "index.html", newest },
    { kind: "404", url: "404.html" },
    { kind: "feed", url: "feed.xml", newest: newest.slice(0, FEED_ENTRIES) },
    { kind: "sitemap", url: "sitemap.xml", bySlug },
    { kind: "robots", url: "robots.txt" },
    ...bySlug.flatMap(explainerPages),
  ];
}
