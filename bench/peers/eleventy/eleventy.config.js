// Eleventy build of the synthetic explainers, for bench/peers.py.
// EXPLAINER_PROJECT names the project (site.yaml, content/*.yaml, peer-theme.json);
// EXPLAINER_CONSTANTS the folder of files copied as they are (embed.js, .nojekyll, schema/, admin/).
//
//   EXPLAINER_PROJECT=/p EXPLAINER_CONSTANTS=/c npx @11ty/eleventy --quiet --output=/path/to/out
import MarkdownIt from "markdown-it";

// The same Markdown policy as the generator: CommonMark, raw HTML off, no images, and links
// only to http, https, mailto or relative addresses.
const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);
const SCHEME = /^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):/;
const md = new MarkdownIt("commonmark", { html: false });
md.disable("image");
md.validateLink = (url) => {
  const match = SCHEME.exec(url);
  return match === null || SAFE_SCHEMES.has(match[1].toLowerCase());
};

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

// Each Markdown field is rendered once per build, however many pages show it (an answer is on its
// explainer's page, its own, its embed and its fragment), as the generator does. Keyed by the
// object that holds the field.
const rendered = new WeakMap();
function renderField(holder, field, inline) {
  if (holder == null || holder[field] == null) return "";
  let fields = rendered.get(holder);
  if (fields === undefined) rendered.set(holder, (fields = new Map()));
  let html = fields.get(field);
  if (html === undefined) {
    html = inline ? md.renderInline(String(holder[field]).trim()) : md.render(String(holder[field]));
    fields.set(field, html);
  }
  return html;
}

export default function (eleventyConfig) {
  eleventyConfig.addFilter("md", (holder, field) => renderField(holder, field, false));
  eleventyConfig.addFilter("mdInline", (holder, field) => renderField(holder, field, true));
  eleventyConfig.addFilter("json", (value) => JSON.stringify(value, null, 2));
  eleventyConfig.addFilter("dateText", (text) => {
    const parts = String(text).split("-").map(Number);
    if (parts.length === 3) return `${MONTHS[parts[1] - 1]} ${parts[2]}, ${parts[0]}`;
    if (parts.length === 2) return `${MONTHS[parts[1] - 1]} ${parts[0]}`;
    return String(parts[0]);
  });
  if (process.env.EXPLAINER_CONSTANTS) eleventyConfig.addPassthroughCopy({ [process.env.EXPLAINER_CONSTANTS]: "/" });
  eleventyConfig.setNunjucksEnvironmentOptions({ trimBlocks: true, lstripBlocks: true, throwOnUndefined: false });
  return {
    dir: { input: "src", includes: "_includes", data: "_data" },
    templateFormats: ["njk"],
  };
}
