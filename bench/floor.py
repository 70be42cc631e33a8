"""The floor: the least any generator must do for these explainers, with nothing else.

Loads each YAML file (C loader), renders its Markdown and its pages with the same templates,
and writes them. No validation, no index or other pages, no hashing, no parallelism.

    python bench/floor.py PROJECT OUT
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from explainer.load import _ContentLoader, RawDoc
from explainer.model import build_explainer, build_site
from explainer.plan import plan_explainer
from explainer.render import make_env, render_page, set_site


def main(project: Path, out: Path) -> None:
    site_doc = RawDoc("site.yaml", None, yaml.load((project / "site.yaml").read_bytes(), Loader=_ContentLoader), "")  # type: ignore[arg-type]
    site = build_site(site_doc, ())
    env = make_env(project / "templates")
    set_site(env, site)
    for path in sorted((project / "content").glob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=_ContentLoader)
        explainer = build_explainer(RawDoc(path.name, None, data, ""))  # type: ignore[arg-type]
        for page in plan_explainer(site, explainer):
            target = out / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render_page(env, page))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
