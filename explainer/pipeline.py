"""The build, in order: load, validate, model, plan, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, ContentWarning
from .load import load_project
from .model import build_site
from .plan import plan_pages
from .render import make_env, render_page
from .validate import validate_project, warn_project
from .write import check_output, recover, write_site


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int
    written: int
    warnings: tuple[ContentWarning, ...] = ()  # accepted content an editor should still look at


def build(root: Path, out: Path | None = None, base_url: str | None = None) -> BuildResult:
    """Build the project at root into out (root/site by default). Raises BuildError for any content mistake."""
    out = out or root / "site"
    # A build killed mid-swap is undone first, so even a failing build leaves the last good site.
    recover(out)
    check_output(out)
    project = load_project(root)
    errors = list(project.errors) + validate_project(project.site, project.explainers)
    if errors or project.site is None:
        raise BuildError(errors)
    site = build_site(project.site, project.explainers, base_url)
    pages = plan_pages(site)
    env = make_env(root / "templates", site)
    files = {page.path: render_page(env, page) for page in pages}
    written = write_site(out, files)
    return BuildResult(len(files), written, tuple(warn_project(project.explainers)))
