// site.yaml and the inline style sheet, from the project named by EXPLAINER_PROJECT.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

export default function () {
  const project = process.env.EXPLAINER_PROJECT;
  if (!project) throw new Error("set EXPLAINER_PROJECT to the project folder");
  const site = yaml.load(fs.readFileSync(path.join(project, "site.yaml"), "utf8"), { schema: yaml.CORE_SCHEMA });
  const rest = site.base_url.split("://")[1];
  const slash = rest.indexOf("/");
  return {
    ...site,
    base_path: slash < 0 ? "/" : rest.slice(slash),
    css: fs.readFileSync(path.join(project, "templates", "_partials", "style.css"), "utf8"),
  };
}
