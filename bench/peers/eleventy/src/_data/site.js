// site.yaml, and the CSS and scripts the pages inline (peer-theme.json, put beside the content by
// bench/peers.py from our theme's output), from the project named by EXPLAINER_PROJECT.
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
    theme: JSON.parse(fs.readFileSync(path.join(project, "peer-theme.json"), "utf8")),
  };
}
