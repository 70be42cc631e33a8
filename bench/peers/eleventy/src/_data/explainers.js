// Every explainer in the project's content/, read with js-yaml, and the lists the pages are
// paginated over: explainers by slug, newest first, and one entry per question and per card.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pages(explainer, items, kind, label) {
  const urls = items.map((item) => `${explainer.slug}/${kind}/${item.id}/`);
  return items.map((item, i) => ({
    explainer,
    item,
    url: urls[i],
    previous: i > 0 ? { label: items[i - 1][label], url: urls[i - 1] } : null,
    next: i + 1 < items.length ? { label: items[i + 1][label], url: urls[i + 1] } : null,
  }));
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
  return {
    bySlug,
    newest,
    questions: bySlug.flatMap((e) => pages(e, e.questions, "questions", "question")),
    cards: bySlug.flatMap((e) => pages(e, e.offers ? e.offers.cards : [], "offers", "title")),
  };
}
