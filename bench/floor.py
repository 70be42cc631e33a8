"""The floor: the least any generator must do for these explainers, with nothing else.

Loads each YAML file (C loader), renders its Markdown and every page of it with the same
templates (explainer, question, card and embed pages), and writes them. No validation, no
index, feed or sitemap, no hashing, no manifest, no parallelism, and no social images or
pictures' files unless --images is given, when it makes the same images with the same code as
the build.

    python bench/floor.py PROJECT OUT [--images]
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from explainer.content.model import build_explainer, build_site
from explainer.content.parse import RawDoc, _ContentLoader
from explainer.core.paths import template_folders
from explainer.plan.publish import PICTURE, SOCIAL_IMAGE, SOCIAL_PHOTO, plan_group
from explainer.render.templates import make_env, render_page, set_site


def main(project: Path, out: Path, images: bool) -> None:
    site_doc = RawDoc("site.yaml", None, yaml.load((project / "site.yaml").read_bytes(), Loader=_ContentLoader), "")  # type: ignore[arg-type]
    site = build_site(site_doc)
    env = make_env(template_folders(project))
    set_site(env, site)
    for path in sorted((project / "content").glob("*.yaml")):
        data = yaml.load(path.read_bytes(), Loader=_ContentLoader)
        explainer = build_explainer(RawDoc(path.name, None, data, ""), site, project)  # type: ignore[arg-type]
        pages = plan_group(site, explainer, root=project)
        for page in pages:
            if page.template in (SOCIAL_IMAGE, SOCIAL_PHOTO, PICTURE) and not images:
                continue
            target = out / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render_page(env, page))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), "--images" in sys.argv[3:])
