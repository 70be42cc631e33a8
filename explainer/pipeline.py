"""The build, in order: load, validate, model, plan, render, write.

Each explainer's files live in its own folder and depend on nothing but its file, the site file,
the templates and this code, so each explainer is one unit of work (a "group"): loaded, checked,
modelled, planned, rendered and written in one go, spread over the machine's cores, after which
only a short summary of it is kept for the site's own pages (index, feed, sitemap). Memory stays
flat however large the site, and nothing is parsed or rendered twice.

Across builds, the markers in site/ (write.py) remember each group's key and each file's key and
bytes: a group whose key is unchanged is not even read, an unchanged file is not rendered again,
and a build whose inputs are all unchanged reads one line and stops. A Builder kept by the preview
server also keeps the explainers it parsed, so an edit costs in proportion to what it changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import threading
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from .embeds import loader_page
from .errors import BuildError, ContentError, ContentWarning
from .inputs import CODE_DIGEST, inputs_digest
from .load import SITE_FILE, Seen, parse_yaml, read_file, scan_sources
from .model import Explainer, Site, build_explainer, build_site
from .parallel import parallel_map
from .plan import Page, Summary, digest
from .publish import plan_group, plan_site, summarize
from .render import compile_templates, make_env, render_page, set_site, template_digests
from .validate import SlugAt, check_slugs, slug_at, validate_doc, validate_explainer, warn_project
from .write import Group, Manifest, Output, build_lock, check_output, recover


# Groups are large units of work (an explainer's fifty-odd files): a pool pays for itself sooner
# than for single pages.
MIN_PARALLEL_GROUPS = 16


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int
    rendered: int
    written: int
    warnings: tuple[ContentWarning, ...] = ()  # accepted content an editor should still look at


@dataclass(frozen=True, slots=True)
class Parsed:
    """One explainer file after load, validate and model: the explainer, or its errors."""

    digest: str
    errors: tuple[ContentError, ...]
    explainer: Explainer | None
    slug: SlugAt | None
    warnings: tuple[ContentWarning, ...] = ()


def parse_explainer(item: tuple[str, bytes, str]) -> Parsed:
    """Load, validate and model one explainer file, given its path, bytes and their digest."""
    path, raw, key = item
    doc = parse_yaml(path, raw)
    if isinstance(doc, list):
        return Parsed(key, tuple(doc), None, None)
    errors = validate_explainer(doc)
    if errors:
        return Parsed(key, tuple(errors), None, None)
    return Parsed(key, (), build_explainer(doc), slug_at(doc), tuple(warn_project((doc,))))


def _read_and_parse(root: Path, source: str) -> Parsed:
    raw = read_file(root, source)
    if isinstance(raw, ContentError):
        return Parsed("", (raw,), None, None)
    return parse_explainer((source, raw, hashlib.sha256(raw).hexdigest()))


@dataclass(frozen=True, slots=True)
class Done:
    """One explainer after its turn: what the site's pages, the marker and the next build need of it."""

    source: str
    errors: tuple[ContentError, ...] = ()
    group: Group | None = None  # its line in the marker; None if nothing was written
    slug: SlugAt | None = None
    summary: Summary | None = None
    warnings: tuple[ContentWarning, ...] = ()
    rendered: int = 0
    written: int = 0


def _group_data(slug: SlugAt, summary: Summary, warnings: tuple[ContentWarning, ...]) -> str:
    """What the marker keeps of an explainer, as one line of JSON: enough to list it, check its
    slug and repeat its warnings without reading its file again."""
    return json.dumps({
        "slug": [slug.slug, slug.line, slug.column, [list(a) for a in slug.aliases]],
        "summary": [summary.slug, summary.title, summary.dek, summary.published.isoformat(),
                    summary.updated.isoformat() if summary.updated else None, summary.attribution,
                    summary.modified.isoformat(), list(summary.urls), list(summary.embeds), list(summary.aliases),
                    [list(r) for r in summary.renamed]],
        "warnings": [[w.line, w.column, w.field, w.message] for w in warnings],
    }, separators=(",", ":"))


def _from_group_data(source: str, group: Group) -> Done | None:
    """The Done of an explainer kept as it was; None if its marker line cannot be read."""
    try:
        data = json.loads(group.data)
        slug, line, column, aliases = data["slug"]
        name, title, dek, published, updated, attribution, modified, urls, embeds, alias_names, renamed = data["summary"]
        summary = Summary(name, title, dek, dt.date.fromisoformat(published), dt.date.fromisoformat(updated) if updated else None,
                          attribution, dt.date.fromisoformat(modified), tuple(urls), tuple(embeds), tuple(alias_names),
                          tuple((old, new) for old, new in renamed))
        warnings = tuple(ContentWarning(source, *w) for w in data["warnings"])
        slug_at = SlugAt(source, slug, line, column, tuple((a, al, ac) for a, al, ac in aliases))
        return Done(source, group=group, slug=slug_at, summary=summary, warnings=warnings)
    except (ValueError, TypeError, KeyError):
        return None


@dataclass
class _Run:
    """What every explainer's turn in one build shares; forked workers inherit it."""

    root: Path
    site: Site
    env: jinja2.Environment
    templates: dict[str, str]
    stamp: str  # digest of the site file, templates and code: part of every group's key
    output: Output
    abort: Any  # an Event: set once any explainer is wrong, so the others stop rendering
    parsed: dict[str, Parsed] = field(default_factory=dict)  # explainers the preview already parsed, by source


def _group_key(run: _Run, file_digest: str) -> str:
    return digest(file_digest, run.stamp)


def _page_key(run: _Run, page: Page) -> str:
    return digest(page.key, run.templates.get(page.template, ""), CODE_DIGEST)


def _turn(run: _Run, task: tuple[str, str, str, Group | None]) -> Done:
    """One explainer's turn: keep its folder as the last build left it if nothing it depends on
    changed (`key`, against the marker's line `last`); else load, check, model, plan, render and write it."""
    source, file_digest, key, last = task
    if last is not None and last.key == key:
        done = _from_group_data(source, last)
        if done is not None and (run.abort.is_set() or (run.output.claim(last.slug) and run.output.keep_group(last.slug, last.key) is not None)):
            return done
    parsed = run.parsed.get(source)
    if parsed is None or parsed.digest != file_digest:
        parsed = _read_and_parse(run.root, source)
    if parsed.errors or parsed.explainer is None or parsed.slug is None:
        run.abort.set()
        return Done(source, parsed.errors)
    explainer = parsed.explainer
    summary = summarize(explainer)
    done = Done(source, slug=parsed.slug, summary=summary, warnings=parsed.warnings)
    # Nothing is written once the build is known to fail, nor into a folder another explainer of
    # this build has taken (its slug clash is reported below).
    if run.abort.is_set() or not run.output.claim(explainer.slug):
        run.abort.set()
        return done
    if parsed.digest != file_digest:  # the file changed again since it was scanned
        key = _group_key(run, parsed.digest)
    old = run.output.begin_group(explainer.slug)
    planned = ((page.path, _page_key(run, page), partial(render_page, run.env, page)) for page in plan_group(run.site, explainer))
    files, rendered, written = run.output.place(planned, old)
    run.output.end_group(explainer.slug, key, files)
    group = Group(key, explainer.slug, len(files), _group_data(parsed.slug, summary, parsed.warnings))
    return Done(source, (), group, parsed.slug, summary, parsed.warnings, rendered, written)


def _abort_flag() -> Any:
    """A flag every worker of this build sees: an Event shared across forked processes where
    there are any, else a plain one."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork").Event()
    return threading.Event()


class Builder:
    """Builds one project into one output folder, again and again."""

    def __init__(self, root: Path, out: Path | None = None, base_url: str | None = None, *, in_place: bool = False, seen: Seen | None = None):
        self.root = root
        self.out = out or root / "site"
        self.base_url = base_url
        self.in_place = in_place
        self._env: jinja2.Environment | None = None
        self._templates: dict[str, str] | None = None  # the digests the environment's templates were compiled from
        # What this Builder last wrote; None until then, when the output folder's marker is read.
        self._manifest: Manifest | None = None
        # The preview keeps every explainer it parsed: a template edit then costs no parsing.
        self._parsed: dict[str, Parsed] = {}
        self._seen: Seen = seen or {}  # each explainer file's digest, by its inode, size and time
        self._kept: dict[str, tuple[Group, Done | None]] = {}  # marker lines already read, by source
        self._site_pages: tuple[tuple[Any, ...], list[Page]] | None = None  # the last plan of the site's own pages

    def build(self) -> BuildResult:
        """Build once. Raises BuildError, leaving the output folder as it was, for any content mistake
        and for an output folder that cannot be written (full, read-only, locked by another build)."""
        try:
            with build_lock(self.out):
                return self._build()
        except OSError as exc:
            self._manifest = None
            where = exc.filename or self.out
            raise BuildError([ContentError(str(self.out.name), 1, 1, "(output)", f"cannot write {where}: {exc.strerror or exc}; the previous site is unchanged")]) from None

    def _build(self) -> BuildResult:
        # A build killed mid-swap is undone first, so even a failing build leaves the last good site.
        recover(self.out)
        trusted = self._manifest is not None and self.out.is_dir()
        last = self._manifest if trusted else check_output(self.out, header_only=True)
        assert last is not None
        if not trusted and not self._seen:
            self._seen = dict(last.seen)
        sources = scan_sources(self.root, self._seen)
        errors = list(sources.errors)
        inputs = inputs_digest(self.root, self.base_url, sources)
        # Text the importer could not place is warned about on every build, so such a project never takes the shortcut.
        if not errors and last.inputs == inputs and last.pages and not sources.unplaced:
            return BuildResult(last.pages, 0, 0)  # nothing this build reads has changed
        if not trusted:
            last = check_output(self.out)
        if self._env is None:
            self._env = make_env(self.root / "templates")
        templates = template_digests(self._env)
        if templates != self._templates:
            # Templates are compiled once and never checked again while they are in use: an edit
            # to one gives the next build a fresh environment.
            if self._templates is not None:
                self._env = make_env(self.root / "templates")
            compile_templates(self._env, templates)
            self._templates = templates

        site_doc = parse_yaml(SITE_FILE, sources.site) if sources.site is not None else None
        if isinstance(site_doc, list):
            errors.extend(site_doc)
            site_doc = None
        elif site_doc is not None:
            errors.extend(validate_doc(site_doc, "site"))
        if errors or site_doc is None:
            # Without a site file nothing can be planned; the explainers' own mistakes are still reported.
            parsed = parallel_map(partial(_read_and_parse, self.root), list(sources.explainers), MIN_PARALLEL_GROUPS)
            raise BuildError(errors + [e for p in parsed for e in p.errors])
        site = build_site(site_doc, self.base_url)
        set_site(self._env, site)

        stamp = digest(site.digest, *(f"{n}={d}" for n, d in sorted(templates.items())), CODE_DIGEST)
        keys = {source: digest(d, stamp) for source, d in sources.explainers.items()}
        if self.in_place:
            # The preview parses what changed first, and writes nothing unless all of it is right.
            self._parse_changed(sources.explainers, keys, last)
        output = Output(self.out, in_place=self.in_place, trusted=trusted)
        run = _Run(self.root, site, self._env, templates, stamp, output, _abort_flag(), self._parsed)
        self._manifest = None  # if writing fails, the next build reads the folder again
        output.begin()
        try:
            manifest, result = self._write(run, sources.explainers, keys, last, inputs)
        except BaseException:
            output.abort()
            raise
        self._manifest = manifest
        return result

    def _unchanged(self, source: str, group: Group) -> Done | None:
        """An unchanged explainer's Done, from its marker line; each line is read once."""
        if source not in self._kept or self._kept[source][0] != group:
            self._kept[source] = (group, _from_group_data(source, group))
        return self._kept[source][1]

    def _plan_site(self, run: _Run, summaries: tuple[Summary, ...]) -> list[Page]:
        """The site's own pages; planned again only when the site file or some summary changed."""
        stamp = (run.site, summaries)
        if self._site_pages is None or self._site_pages[0] != stamp:
            self._site_pages = (stamp, plan_site(run.site, summaries) + [loader_page(run.site)])
        return self._site_pages[1]

    def _parse_changed(self, digests: dict[str, str], keys: dict[str, str], last: Manifest) -> None:
        """Parse each explainer that must be written again and was not parsed as it is now; raise
        BuildError for any mistake. Explainers whose folders stay as they are need no parsing."""
        stale = [source for source in digests if source not in last.groups or last.groups[source].key != keys[source]]
        todo = [source for source in stale if self._parsed.get(source, _NONE).digest != digests[source]]
        fresh = dict(zip(todo, parallel_map(partial(_read_and_parse, self.root), todo, MIN_PARALLEL_GROUPS)))
        self._parsed = {source: fresh.get(source) or self._parsed[source] for source in digests if source in fresh or source in self._parsed}
        errors = [e for source in stale for e in self._parsed[source].errors]
        slugs = [self._parsed[source].slug for source in stale]
        for source in digests.keys() - set(stale):
            done = self._unchanged(source, last.groups[source])
            slugs.append(done.slug if done else None)
        errors += check_slugs(sorted((at for at in slugs if at is not None), key=lambda at: at.path))
        if errors:
            raise BuildError(errors)

    def _write(self, run: _Run, digests: dict[str, str], keys: dict[str, str], last: Manifest, inputs: str) -> tuple[Manifest, BuildResult]:
        output = run.output
        tasks = []
        kept: list[Done] = []
        for source, file_digest in digests.items():
            group = last.groups.get(source)
            # In place, a folder whose key is unchanged is simply left alone.
            if output.in_place and group is not None and group.key == keys[source]:
                done = self._unchanged(source, group)
                if done is not None:
                    kept.append(done)
                    continue
            tasks.append((source, file_digest, keys[source], group))
        done_list = sorted(kept + list(parallel_map(partial(_turn, run), tasks, MIN_PARALLEL_GROUPS)), key=lambda d: d.source)
        errors = [e for d in done_list for e in d.errors]
        errors += check_slugs([d.slug for d in done_list if d.slug is not None])
        if errors:
            raise BuildError(errors)
        groups = {d.source: d.group for d in done_list if d.group is not None}
        output.remove_groups({g.slug for g in last.groups.values()} - {g.slug for g in groups.values()})

        summaries = tuple(d.summary for d in done_list if d.summary is not None)
        pages = self._plan_site(run, summaries)
        planned = ((page.path, _page_key(run, page), partial(render_page, run.env, page)) for page in pages)
        files, rendered, written = output.place(planned, last.files)
        total = len(files) + sum(g.pages for g in groups.values())
        manifest = Manifest(inputs, total, files, groups, dict(self._seen))
        output.finish(manifest)
        warnings = tuple(sorted(w for d in done_list for w in d.warnings))
        return manifest, BuildResult(total, rendered + sum(d.rendered for d in done_list), written + sum(d.written for d in done_list), warnings)


_NONE = Parsed("", (), None, None)


def build(root: Path, out: Path | None = None, base_url: str | None = None, *, seen: Seen | None = None) -> BuildResult:
    """Build the project at root into out (root/site by default). Raises BuildError for any content mistake.

    `seen` is what inputs.unchanged learnt of the explainer files, if it was asked first."""
    return Builder(root, out, base_url, seen=seen).build()
