"""The build, in order: load, validate, model, plan, render, write.

`build` below is all of it. Each explainer's files live in its own folder and depend on nothing
but its file, the site file, the templates and this code, so each explainer goes through the six
stages in one turn (`_explainer`), and the turns are spread over the machine's cores. Only a
short summary of each is kept, for the site's own pages (index, feed, sitemap), which are made
last. Memory stays flat however large the site, and nothing is parsed or rendered twice.

What need not be made again is decided once, by rebuild.ask: a build whose inputs are all
unchanged reads one line and stops; an explainer whose inputs are unchanged is not even read; a
file whose inputs are unchanged is not rendered.
"""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from explainer.content.files import read_file
from explainer.content.language import Words
from explainer.content.model import Explainer, Site, build_explainer, build_site
from explainer.content.parse import RawDoc, parse_yaml
from explainer.content.pictures import PictureStamp
from explainer.content.validate import SlugAt, check_slugs, compile_schemas, language_notice, site_rules, slug_at, validate_doc, validate_explainer, warn_explainer
from explainer.content.words import load_words
from explainer.core.digest import CODE_DIGEST, digest
from explainer.core.parallel import parallel_map
from explainer.core.paths import template_folders
from explainer.errors import BuildError, ContentError
from explainer.output.lock import build_lock
from explainer.output.rebuild import Job, Memory, Rebuild, ask, group_data
from explainer.output.record import GROUP_MARKER, Group, Manifest, group_bytes
from explainer.output.swap import SwapIncomplete, is_mount, recover
from explainer.output.write import InPlace, MountedTree, NewTree, Output
from explainer.plan.embeds import loader_page
from explainer.plan.pages import Page, Summary
from explainer.plan.publish import plan_group, plan_site, summarize
from explainer.render.templates import Templates, load_templates, render_page, set_site

# Explainers are large units of work (fifty-odd files each): a pool pays for itself sooner than
# for single pages.
MIN_PARALLEL_GROUPS = 16


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int
    rendered: int
    written: int
    warnings: tuple[ContentError, ...] = ()  # accepted content an editor should still look at
    unchanged: bool = False  # nothing the build reads had changed, so it stopped at once


def build(root: Path, out: Path | None = None, base_url: str | None = None, *, memory: Memory | None = None) -> BuildResult:
    """Build the project at root into out (root/site by default). Raises BuildError for any content
    mistake and for an output folder that cannot be written, leaving the folder as it was.

    With `memory`, out is the preview's own folder, which only this process writes: it is written
    in place, and what was parsed is kept for the next build.
    """
    out = output_folder(root, out)
    try:
        with build_lock(out):
            if memory is None:
                recover(out)  # a build killed mid-swap is finished or undone first
            todo = ask(root, out, base_url, memory)  # what must be rebuilt? (reads digests only)
            if todo.nothing:
                return BuildResult(todo.pages, 0, 0, unchanged=True)
            site = _site(root, todo, base_url)  # load, validate, model: the site file and the theme's words
            templates = load_templates(template_folders(root), memory.templates if memory else None)
            set_site(templates.env, site)
            compile_schemas()
            output = InPlace(out) if memory is not None else MountedTree(out) if is_mount(out) else NewTree(out)
            run = _Run(root, site, templates, output, todo, _abort_flag())
            if memory is not None:
                _check_changed(run)  # the preview writes nothing until every changed explainer checks out
            output.begin()
            try:
                # Each explainer: load, validate, model, plan, render, write.
                done = sorted(_turns(run), key=lambda d: d.source)
                errors = [e for d in done for e in d.errors] + check_slugs([d.slug for d in done if d.slug is not None])
                if errors:
                    raise BuildError(errors)
                groups = {d.source: d.group for d in done if d.group is not None}
                todo.note_pictures(p for d in done for p in d.pictures)
                output.remove_folders({g.slug for g in todo.last.groups.values()} - {g.slug for g in groups.values()})
                pages = _site_pages(site, tuple(d.summary for d in done if d.summary is not None), memory)  # plan
                planned = ((p.path, run.page_key(p), partial(render_page, templates.env, p)) for p in pages)
                files, rendered, written = todo.place(output, planned, todo.last.files)  # render, write
                manifest = todo.record(files, groups)
                leftover = _finish(output, manifest)  # write: the record, and the new tree in out's place
            except BaseException:
                output.abort()
                _forget(memory)
                raise
            _remember(memory, manifest, templates, done)
            warnings = tuple(language_notice(todo.inputs.site_doc, site.words)) if isinstance(todo.inputs.site_doc, RawDoc) else ()
            warnings += tuple(sorted(w for d in done for w in d.warnings)) + leftover
            return BuildResult(manifest.pages, rendered + sum(d.rendered for d in done), written + sum(d.written for d in done), warnings)
    except OSError as exc:
        unchanged = "" if memory is not None else "; the previous site is unchanged"
        raise BuildError([ContentError(out.name, 1, 1, "(output)", output_problem(exc, out) + unchanged)]) from None


# What to do when the output folder cannot be written, by what the system said.
_OUTPUT_ADVICE = {
    errno.EACCES: "let the user who builds write there, or build elsewhere with --out",
    errno.EPERM: "let the user who builds write there, or build elsewhere with --out",
    errno.EROFS: "that file system is read-only: build elsewhere with --out",
    errno.ENOSPC: "the disk is full: free some space and build again",
    errno.EDQUOT: "the disk quota is used up: free some space and build again",
    errno.EBUSY: "something else is using it: stop what holds it, or build elsewhere with --out",
    errno.EXDEV: "it spans two file systems: build elsewhere with --out",
}


def output_problem(exc: OSError, out: Path) -> str:
    """`cannot write <file>: <what the system said>; <what to do>`, for a failure in the output folder."""
    where = exc.filename or out
    advice = _OUTPUT_ADVICE.get(exc.errno or 0, "check the folder and build again")
    return f"cannot write {where}: {exc.strerror or exc}; {advice}"


def _remember(memory: Memory | None, manifest: Manifest, templates: Templates, done: list[Done]) -> None:
    """What the preview keeps of a build of its folder for the next."""
    if memory is not None:
        memory.manifest, memory.templates = manifest, templates
        memory.kept.update((d.source, (d.group, (d.slug, d.summary))) for d in done if d.group is not None)


def _forget(memory: Memory | None) -> None:
    """After a build that stopped part way: the preview's folder may hold files its record does
    not describe, so the next build trusts only what the folder's record says (that nothing may
    be reused, until a build finishes)."""
    if memory is not None:
        memory.manifest = None


def _finish(output: Output, manifest: Manifest) -> tuple[ContentError, ...]:
    """Finish the output; a warning if the new site is in place but the old one is left over."""
    try:
        output.finish(manifest)
    except SwapIncomplete as exc:
        # The next build removes it (output.swap.recover).
        where, why = exc.leftover.name, exc.error.strerror or exc.error
        return (ContentError(output.out.name, 1, 1, "(output)", f"the new site is in place, but the old one is left in '{where}/' ({why}); the next build removes it", True),)
    return ()


def output_folder(root: Path, out: Path | None) -> Path:
    """The folder a build replaces: out, or root/site; a symbolic link's target, the link left as it is."""
    out = out if out is not None else root / "site"
    return out.resolve() if out.is_symlink() else out


@dataclass(frozen=True, slots=True)
class Parsed:
    """One explainer file after load, validate and model: the explainer, or its errors."""

    digest: str
    errors: tuple[ContentError, ...]
    explainer: Explainer | None = None
    slug: SlugAt | None = None
    warnings: tuple[ContentError, ...] = ()
    pictures: tuple[PictureStamp, ...] = ()  # each picture it shows, as read: its key holds their digests

    def current(self, pictures: dict[str, str]) -> bool:
        """Whether its pictures are as they are now (`pictures`, the scan's digests): then what was
        made of it may be used again."""
        return all(pictures.get(p.src) == p.digest for p in self.pictures)


def parse_explainer(path: str, raw: bytes, words: Words | None = None, *, site: Site | None = None, root: Path | None = None) -> Parsed:
    """Load, validate and model one explainer file, given its path and bytes; `words`, the
    theme's, to warn of a language it has no words for; `site`, the site it is built in (its
    authors and time zone); `root`, the project its pictures are read from."""
    key = hashlib.sha256(raw).hexdigest()
    doc = parse_yaml(path, raw)
    if isinstance(doc, list):
        return Parsed(key, tuple(doc))
    errors = validate_explainer(doc, site)
    if errors:
        return Parsed(key, tuple(errors))
    notices = language_notice(doc, words) if words is not None else []
    stamps: list[PictureStamp] = []
    try:
        explainer = build_explainer(doc, site, root, stamps=stamps)
    except BuildError as exc:  # a picture that cannot be shown
        return Parsed(key, tuple(exc.errors))
    return Parsed(key, (), explainer, slug_at(doc), tuple(warn_explainer(doc) + notices), tuple(stamps))


def _read_and_parse(root: Path, source: str, words: Words | None = None, site: Site | None = None) -> Parsed:
    raw = read_file(root, source)
    return Parsed("", (raw,)) if isinstance(raw, ContentError) else parse_explainer(source, raw, words, site=site, root=root)


@dataclass(frozen=True, slots=True)
class Done:
    """One explainer after its turn: what the site's pages, the record and the next build need of it."""

    source: str
    errors: tuple[ContentError, ...] = ()
    group: Group | None = None  # its line in the record; None if nothing was written
    slug: SlugAt | None = None
    summary: Summary | None = None
    warnings: tuple[ContentError, ...] = ()
    rendered: int = 0
    written: int = 0
    pictures: tuple[PictureStamp, ...] = ()  # the pictures read in its turn, for the record


@dataclass
class _Run:
    """What every explainer's turn in one build shares; forked workers inherit it."""

    root: Path
    site: Site
    templates: Templates
    output: Output
    todo: Rebuild
    abort: Any  # an Event: set once any explainer is wrong, so the others stop writing

    def page_key(self, page: Page) -> str:
        return digest(page.key, self.templates.digest_of(page.template), CODE_DIGEST)

    def parsed(self, job: Job) -> Parsed:
        memory = self.todo.memory
        cached = memory.parsed.get(job.source) if memory is not None else None
        fresh = cached is not None and cached.digest == job.digest and cached.current(self.todo.inputs.pictures)
        return cached if fresh and cached is not None else _read_and_parse(self.root, job.source, self.site.words, self.site)


def _explainer(run: _Run, job: Job) -> Done:
    """One explainer's turn: kept as the last build left it if nothing it is made from changed;
    else loaded, validated, modelled, planned, rendered and written."""
    if job.unchanged:
        kept = run.todo.summary_of(job)
        if kept is not None and (run.abort.is_set() or run.todo.keep_group(job, run.output)):
            return Done(job.source, group=job.last, slug=kept[0], summary=kept[1])
    parsed = run.parsed(job)  # load, validate, model
    if parsed.errors or parsed.explainer is None or parsed.slug is None:
        run.abort.set()
        return Done(job.source, parsed.errors)
    explainer, summary = parsed.explainer, summarize(parsed.explainer)
    done = Done(job.source, slug=parsed.slug, summary=summary, warnings=parsed.warnings)
    # Nothing is written once the build is known to fail, nor into a folder another explainer of
    # this build has taken (its slug clash is reported by the caller).
    if run.abort.is_set() or not run.output.claim(explainer.slug):
        run.abort.set()
        return done
    key = run.todo.key_for(parsed.digest, parsed.pictures)  # its file and pictures as this turn read them
    pages = plan_group(run.site, explainer, run.root)  # plan
    planned = ((p.path, run.page_key(p), partial(render_page, run.templates.env, p)) for p in pages)
    files, rendered, written = run.todo.place(run.output, planned, run.todo.last_files(run.output, explainer.slug))  # render, write
    run.output.write(f"{explainer.slug}/{GROUP_MARKER}", group_bytes(key, files))
    group = Group(key, explainer.slug, len(files), group_data(parsed.slug, summary, parsed.pictures))
    return Done(job.source, (), group, parsed.slug, summary, parsed.warnings, rendered, written, parsed.pictures)


def _turns(run: _Run) -> list[Done]:
    """Every explainer's turn, spread over the cores. In the preview's own folder an unchanged
    explainer's files are there as its last build left them: its turn costs nothing, and is taken here."""
    jobs, done = run.todo.jobs, []
    if run.todo.memory is not None and run.todo.memory.manifest is not None:
        done = [_explainer(run, job) for job in jobs if job.unchanged]
        jobs = [job for job in jobs if not job.unchanged]
    return done + list(parallel_map(partial(_explainer, run), jobs, MIN_PARALLEL_GROUPS))


def _site(root: Path, todo: Rebuild, base_url: str | None) -> Site:
    """The site file, loaded (by the scan, rebuild.ask), validated and modelled. Without it nothing
    can be planned, but the explainers' own mistakes are still reported with its own."""
    errors = list(todo.scan_errors)
    site_doc, logo = todo.inputs.site_doc, todo.inputs.logo_bytes
    if isinstance(site_doc, list):
        errors, site_doc = errors + site_doc, None
    elif site_doc is not None:
        errors += validate_doc(site_doc, "site")
        if not errors:
            errors += site_rules(site_doc, logo)
    if errors or site_doc is None:
        parsed = parallel_map(partial(_read_and_parse, root), [job.source for job in todo.jobs], MIN_PARALLEL_GROUPS)
        raise BuildError(errors + [e for p in parsed for e in p.errors])
    assert not isinstance(logo, ContentError)
    words = load_words(root, template_folders(root), errors)
    if errors:
        raise BuildError(errors)
    return build_site(site_doc, base_url, logo, words)


def _check_changed(run: _Run) -> None:
    """For the preview, which writes in place: parse each explainer that must be written again and
    raise BuildError for any mistake, before anything is written. What it parsed is kept."""
    memory = run.todo.memory
    assert memory is not None
    stale = [job for job in run.todo.jobs if not job.unchanged]
    pictures = run.todo.inputs.pictures
    todo = [job for job in stale if (kept := memory.parsed.get(job.source)) is None or kept.digest != job.digest or not kept.current(pictures)]
    fresh = dict(zip((job.source for job in todo), parallel_map(partial(_read_and_parse, run.root, words=run.site.words, site=run.site), [job.source for job in todo], MIN_PARALLEL_GROUPS)))
    sources = {job.source for job in run.todo.jobs}
    memory.parsed = {source: fresh.get(source) or parsed for source, parsed in {**memory.parsed, **fresh}.items() if source in sources}
    errors = [e for job in stale for e in memory.parsed[job.source].errors]
    slugs = [memory.parsed[job.source].slug for job in stale]
    slugs += [kept[0] if (kept := run.todo.summary_of(job)) else None for job in run.todo.jobs if job.unchanged]
    errors += check_slugs(sorted((at for at in slugs if at is not None), key=lambda at: at.path))
    if errors:
        raise BuildError(errors)


def _site_pages(site: Site, summaries: tuple[Summary, ...], memory: Memory | None) -> list[Page]:
    """The site's own pages, planned again only when the site file or some summary changed."""
    made_from = (site, summaries)
    if memory is not None and memory.site_pages is not None and memory.site_pages[0] == made_from:
        return memory.site_pages[1]
    pages = plan_site(site, summaries) + [loader_page(site)]
    if memory is not None:
        memory.site_pages = (made_from, pages)
    return pages


def _abort_flag() -> Any:
    """A flag every worker of this build sees: an Event shared across forked processes where
    there are any, else a plain one."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork").Event()
    return threading.Event()
