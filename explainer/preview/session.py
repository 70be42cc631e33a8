"""The preview's builds: the same stages as `pipeline.build`, into a folder that only the preview
writes, keeping between builds what it may reuse, so an edit costs in proportion to what it changed.

The preview shows drafts and explainers dated in the future, each page with a banner. Its search
index is made by the same step as a build's (pipeline.write_search), but not with each build:
Pagefind reads every page of the site, which on a large site takes seconds, and the page an
editor is looking at must reload at once. The server asks for it (`search`) when the browser
first asks for a file of the index after an edit, so a search in the preview always finds what
the pages say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from explainer.content.files import Seen
from explainer.content.load import load_site
from explainer.content.model import Site
from explainer.core.paths import template_folders
from explainer.errors import BuildError
from explainer.output.lock import build_lock
from explainer.output.rebuild import ask
from explainer.output.record import Files, Manifest
from explainer.output.write import InPlace
from explainer.pipeline import BuildResult, Checked, check_explainers, output_errors, search_key, site_pages, write_search, write_site
from explainer.plan.pages import Page, Summary
from explainer.plan.schedule import Schedule
from explainer.render.templates import Templates, load_templates


@dataclass
class Session:
    """A preview's builds of the project at `root` into its own folder `out`, for its own address,
    and what it keeps from one to the next."""

    root: Path
    out: Path
    base_url: str | None  # None: the site file's own
    # What the last build wrote in `out`: trusted without reading the folder, which nothing else
    # writes. None until a build finishes, and after one stopped part way (the folder's own
    # record then says nothing may be reused).
    record: Manifest | None = None
    seen: Seen = field(default_factory=dict)  # each content file's digest by its stamp, updated by each scan
    explainers: dict[str, Checked] = field(default_factory=dict)  # each explainer as last checked, by its file
    templates: Templates | None = None  # compiled, reused while no template changes
    site_plan: tuple[tuple[Site, tuple[Summary, ...]], list[Page]] | None = None  # the site's own pages, and what they were planned from
    search_files: Files = field(default_factory=dict)  # the search index in `out`, as last made

    def build(self) -> BuildResult:
        """Build what changed since the last build; BuildError for any mistake, the folder then as it was."""
        with output_errors(self.out), build_lock(self.out):
            # The preview shows drafts and explainers dated in the future, each page with a banner saying so.
            schedule = Schedule(dt.datetime.now(dt.timezone.utc), drafts=True, future=True)
            todo = ask(self.root, self.out, self.base_url, self.record, self.seen, schedule)
            if todo.nothing:
                return BuildResult(todo.pages, 0, 0, todo.inputs.notices, unchanged=True)
            site = load_site(self.root, todo.inputs, self.base_url)
            self.templates = load_templates(template_folders(self.root), self.templates)
            explainers = check_explainers(self.root, site, todo, self.explainers)
            self.explainers = {c.source: c for c in explainers.checked}  # mistakes too: a file is read again only once it changes
            if explainers.errors:
                raise BuildError(explainers.errors)
            self.record = None  # until the folder holds what this build writes
            result, self.record = write_site(self.root, InPlace(self.out), site, self.templates, todo, explainers.checked, self._site_pages,
                                             schedule=schedule, search=False)
            self.seen = dict(self.record.seen)  # the stamps as this build left them, for the next scan (nothing is held back here)
            return result

    def pictures(self) -> set[str]:
        """The pictures the explainers show, or name and could not show, by their paths in the project."""
        return {p.src for checked in self.explainers.values() for p in checked.pictures}

    def search(self) -> None:
        """Bring the search index up to date with the pages, if any page it reads changed since it
        was made; BuildError if Pagefind fails. Nothing to do while a build is broken."""
        if self.record is None or self.site_plan is None:
            return
        site, groups = self.site_plan[0][0], self.record.groups
        key = search_key(groups)
        current = bool(self.search_files) and all(made[1] == key for made in self.search_files.values())
        if not site.search or not groups or current:
            return
        with output_errors(self.out), build_lock(self.out):
            self.search_files = write_search(InPlace(self.out), groups, self.search_files)[0]

    def _site_pages(self, site: Site, summaries: tuple[Summary, ...]) -> list[Page]:
        """The site's own pages, planned again only when the site or some summary changed."""
        if self.site_plan is None or self.site_plan[0] != (site, summaries):
            self.site_plan = ((site, summaries), site_pages(site, summaries))
        return self.site_plan[1]
