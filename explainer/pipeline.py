"""The build, in order: load, validate, model, plan, render, write.

`build` below is all of it. What need not be made again is decided first, once (output.rebuild):
a build whose inputs are all unchanged reads one line and stops; an explainer whose inputs are
unchanged is not even read; a file whose inputs are unchanged is not rendered.

The rest goes in two passes over the explainers, each spread over the machine's cores. The first
loads, validates and models each explainer that must be made again (check_explainers), keeping
of it only its errors, where its slug is, a short summary for the site's own pages and the model,
pickled and compressed: every mistake, slugs two explainers share among them, is found before
anything is written. The second (write_site) plans, renders and writes each explainer's folder
from its model, in forked workers that inherit the first pass's results, then the site's own
pages (index, topics, feeds, sitemap) from the summaries, then the search index. Nothing is parsed
or rendered twice.

Between the passes, in the parent, the build decides which explainers it publishes (drafts and
explainers dated in the future are held back: plan.schedule) and what each published one shows
of the others: its related explainers, its translations (plan.related). Each explainer's pages
are keyed on that too, so an edit to one explainer re-renders another only where what it shows
of it changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import pickle
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from explainer.content.load import explainer_errors, load_site, read_explainer
from explainer.content.model import Explainer, Site
from explainer.content.parse import RawDoc
from explainer.content.validate import SlugAt, compile_schemas, language_notice
from explainer.content.pictures import PictureStamp
from explainer.core.digest import CODE_DIGEST, digest
from explainer.core.parallel import MIN_GROUPS, parallel_map
from explainer.core.paths import template_folders
from explainer.errors import BuildError, ContentError
from explainer.output.lock import build_lock
from explainer.output.rebuild import Rebuild, ask
from explainer.output.record import Files, Group, Manifest, group_data, group_digests, record
from explainer.output.swap import SwapIncomplete, is_mount, recover
from explainer.output.write import MountedTree, NewTree, Output, Staged, place
from explainer.plan.embeds import loader_page
from explainer.plan.listing import SEARCH_DIR
from explainer.plan.pages import Page, Summary, newest_first
from explainer.plan.publish import READING, plan_group, plan_site, summarize
from explainer.plan.related import Connections, connect
from explainer.plan.schedule import Held, Schedule, Status, held_back, publishes, status_of
from explainer.render.search import SearchError, index_folder
from explainer.render.templates import Templates, load_templates, render_page, set_site


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int
    rendered: int
    written: int
    warnings: tuple[ContentError, ...] = ()  # accepted content an editor should still look at
    unchanged: bool = False  # nothing the build reads had changed, so it stopped at once
    held: Held = Held()  # how many explainers it held back, and when the next falls due
    holding: tuple[tuple[str, Status], ...] = ()  # each explainer held back (its file) and why; empty when unchanged


def build(root: Path, out: Path | None = None, base_url: str | None = None, *, drafts: bool = False, future: bool = False,
          now: dt.datetime | None = None, strict: bool = False, in_place: bool = False) -> BuildResult:
    """Build the project at root into out (root/site by default). Raises BuildError for any content
    mistake and for an output folder that cannot be written, leaving the folder as it was; with
    `strict`, for any warning too.

    Drafts and explainers dated after `now` (the clock's time, read here once) are held back
    unless `drafts` or `future` say to build them anyway.

    With `in_place`, an output folder that exists is kept and only the files that changed are
    moved into it, once all are made (output.write.Staged), instead of a whole new tree swapped in."""
    out = output_folder(root, out)
    schedule = Schedule(now or dt.datetime.now(dt.timezone.utc), drafts, future)
    with output_errors(out, "; the previous site is unchanged"), build_lock(out) as lock:
        recover(out)  # a build killed mid-swap is finished or undone first
        todo = ask(root, out, base_url, schedule=schedule)  # what must be rebuilt? (reads digests only)
        if todo.nothing:  # the files in content/ it does not read are still named
            if strict and todo.inputs.notices:
                raise BuildError([replace(w, warning=False) for w in todo.inputs.notices])
            return BuildResult(todo.pages, 0, 0, todo.inputs.notices, unchanged=True, held=todo.last.held)
        site = load_site(root, todo.inputs, base_url)  # load, validate, model: the site file and the words
        templates = load_templates(template_folders(root))
        explainers = check_explainers(root, site, todo)  # load, validate, model each explainer to make again
        errors = list(explainers.errors)
        if strict:  # every warning an error
            errors += [replace(w, warning=False) for w in [*site_warnings(todo, site), *(w for c in explainers.checked for w in c.warnings)]]
        if errors:  # every mistake, slug clashes among them, before anything is written
            raise BuildError(errors)
        output = MountedTree(out) if is_mount(out) else Staged(out) if in_place and out.is_dir() else NewTree(out, lock)
        result, _ = write_site(root, output, site, templates, todo, explainers.checked, schedule=schedule)  # plan, render, write; the record
        return result


@contextlib.contextmanager
def output_errors(out: Path, unchanged: str = "") -> Iterator[None]:
    """A failure to write the output folder as a BuildError saying what to do (and `unchanged`)."""
    try:
        yield
    except OSError as exc:
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


def output_folder(root: Path, out: Path | None) -> Path:
    """The folder a build replaces: out, or root/site, as an absolute path; a symbolic link's
    target, the link left as it is. BuildError for a path that cannot be an output folder."""
    given = out if out is not None else root / "site"
    shown = str(given) or "''"

    def refused(message: str) -> BuildError:
        return BuildError([ContentError(shown, 1, 1, "(output)", message)])

    try:
        # os.path.realpath stops at a link loop, where Path.resolve raises: a loop is found below, by stat.
        out = Path(os.path.realpath(given)) if given.is_symlink() else Path(os.path.abspath(given))
        if os.path.lexists(out):
            os.stat(out)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise refused("is a link that leads back to itself; pass a folder with --out") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise refused(f"the name is too long for the file system ({exc.strerror}); pass a shorter --out") from None
        raise refused(f"cannot be used as the output folder ({exc.strerror or exc}); pass another --out") from None
    if out.parent == out:
        raise refused("is the root of the file system, which a build would replace: pass a folder of its own with --out") from None
    if Path(os.path.realpath(root)).is_relative_to(out):
        raise refused("holds the project itself, and a build replaces its output folder whole: pass a folder of its own, like site, with --out")
    longest = NAME_MAX - len("..explainer-XXXXXXXX.old")  # the name of the tree a build makes beside it
    if len(os.fsencode(out.name)) > longest:
        raise refused(f"the folder's name is {len(os.fsencode(out.name))} bytes long, and a build needs room beside it for a name "
                      f"{NAME_MAX - longest} bytes longer: pass a folder whose name is at most {longest} bytes with --out") from None
    return out


# The longest name of one folder most file systems allow, in bytes.
NAME_MAX = 255


# --- first pass: load, validate and model each explainer; find every mistake ----------------------

@dataclass(frozen=True, slots=True)
class Checked:
    """One explainer after load, validate and model, or as the last build's record keeps it: all
    the rest of the build needs of it, small enough to hold for every explainer of a large site."""

    source: str  # its file, below the project
    digest: str  # of the file's bytes
    errors: tuple[ContentError, ...] = ()
    slug: SlugAt | None = None
    summary: Summary | None = None  # what the site's own pages show of it
    warnings: tuple[ContentError, ...] = ()
    model: bytes = b""  # the Explainer, pickled and compressed: unpacked in a tenth of a millisecond, parsed in several
    kept: Group | None = None  # its line in the last build's record, when its files are kept as they are
    pictures: tuple[PictureStamp, ...] = ()  # each picture it shows, as read: its key holds their digests

    def current(self, pictures: Mapping[str, str]) -> bool:
        """Whether its pictures are as they are now (`pictures`, the scan's digests): then what was
        made of it may be used again. One it could not show (digest "") never is: it is looked for again."""
        return all(pictures.get(p.src) == p.digest for p in self.pictures)


@dataclass(frozen=True, slots=True)
class Explainers:
    """Every explainer of a build, in the order of their files, and all their mistakes."""

    checked: tuple[Checked, ...]
    errors: tuple[ContentError, ...]


def check_explainers(root: Path, site: Site, todo: Rebuild, known: Mapping[str, Checked] | None = None) -> Explainers:
    """Load, validate and model each explainer that must be made again, over the cores; take each
    one kept as it was from the record; then find every mistake, slugs two explainers share among
    them. `known` holds explainers checked by an earlier build in this process (the preview's),
    taken again where their file is unchanged."""
    known = known or {}
    pictures = todo.inputs.pictures
    checked: dict[str, Checked] = {}
    for job in todo.keep:
        same = known.get(job.source)
        if same is not None and same.digest == job.digest and not same.errors and same.current(pictures):
            checked[job.source] = replace(same, kept=job.last)
        elif (kept := todo.summary_of(job)) is not None:
            checked[job.source] = Checked(job.source, job.digest, slug=kept[0], summary=kept[1], kept=job.last)
    for job in todo.jobs:
        same = known.get(job.source)
        if job.source not in checked and same is not None and same.digest == job.digest and same.current(pictures):
            checked[job.source] = replace(same, kept=None)
    unread = [job.source for job in todo.jobs if job.source not in checked]
    if unread:
        compile_schemas()  # once, here, so forked workers inherit the schemas compiled
    checked.update(zip(unread, parallel_map(partial(_check, root, site), unread, MIN_GROUPS)))
    ordered = tuple(checked[job.source] for job in todo.jobs)
    return Explainers(ordered, tuple(explainer_errors([(c.errors, c.slug) for c in ordered], site.language)))


def _check(root: Path, site: Site, source: str) -> Checked:
    """One explainer file loaded, validated and modelled, in a worker: what it sends back is small."""
    parsed = read_explainer(root, source, site.words, site)
    if parsed.errors or parsed.explainer is None:
        return Checked(source, parsed.digest, parsed.errors, pictures=parsed.pictures)
    model = zlib.compress(pickle.dumps(parsed.explainer, pickle.HIGHEST_PROTOCOL), 1)
    return Checked(source, parsed.digest, (), parsed.slug, summarize(parsed.explainer, site.time_zone), parsed.warnings, model, pictures=parsed.pictures)


# --- second pass: plan, render and write each explainer, then the site's own pages --------------

@dataclass(frozen=True, slots=True)
class _Run:
    """What the writing of every explainer in one build shares; forked workers inherit it."""

    root: Path
    site: Site
    templates: Templates
    output: Output
    todo: Rebuild
    connections: dict[str, Connections]  # what each published explainer's pages show of the others, by slug

    def page_key(self, page: Page) -> str:
        return digest(page.key, self.templates.digest_of(page.template), CODE_DIGEST)

    def planned(self, pages: list[Page]) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
        return ((p.path, self.page_key(p), partial(render_page, self.templates.env, p)) for p in pages)


@dataclass(frozen=True, slots=True)
class _Written:
    """One explainer written: its line in the record, how many of its files were rendered and
    written, and what its editor is warned of."""

    source: str
    group: Group
    rendered: int
    written: int
    warnings: tuple[ContentError, ...]
    pictures: tuple[PictureStamp, ...]  # as its turn read them, for the next build's scan


def site_warnings(todo: Rebuild, site: Site) -> tuple[ContentError, ...]:
    """What the project still asks an editor to do: the site file, a language the theme has no
    words for; content/, each file the build does not read."""
    language = tuple(language_notice(todo.inputs.site_doc, site.words)) if isinstance(todo.inputs.site_doc, RawDoc) else ()
    return language + todo.inputs.notices


def site_pages(site: Site, summaries: tuple[Summary, ...]) -> list[Page]:
    """The site's own pages: index, 404, topics, feeds, sitemap and the rest, and the embed loader;
    `summaries` are those of the explainers the build publishes, newest first."""
    return plan_site(site, summaries) + [loader_page(site)]


def write_site(root: Path, output: Output, site: Site, templates: Templates, todo: Rebuild, explainers: tuple[Checked, ...],
               plan_site_pages: Callable[[Site, tuple[Summary, ...]], list[Page]] = site_pages, *, schedule: Schedule,
               search: bool = True) -> tuple[BuildResult, Manifest]:
    """Plan, render and write every explainer this build publishes (keeping those the record says
    are unchanged), then the site's own pages and (with `search`, when the site has it) the search
    index; record what was written and finish the output. On any failure the output is given up,
    and the error raised."""
    set_site(templates.env, site)
    statuses = {c.source: status_of(c.summary, schedule.now) for c in explainers if c.summary is not None}
    published = [c for c in explainers if c.summary is not None and publishes(statuses[c.source], schedule)]
    shown = {c.source for c in published}
    holding = tuple((c.source, status) for c in explainers if c.source in statuses and c.source not in shown and (status := statuses[c.source]))
    newest = newest_first(c.summary for c in published if c.summary is not None)
    connections = connect(newest, [c.summary for c in explainers if c.summary is not None], site.language, schedule.now)
    # An explainer kept as it was is written again when what it shows of the others changed.
    published = [replace(c, kept=None) if c.kept is not None and group_digests(c.kept)[0] != connections[c.kept.slug].key else c for c in published]
    run = _Run(root, site, templates, output, todo, connections)
    output.begin()
    try:
        again = {group.slug for group in output.keep_groups([c.kept for c in published if c.kept is not None])}
        work = [c for c in published if c.kept is None or c.kept.slug in again]
        written = list(parallel_map(partial(_write_explainer, run), work, MIN_GROUPS))
        groups = {c.source: c.kept for c in published if c.kept is not None and c.kept.slug not in again} | {w.source: w.group for w in written}
        output.remove_folders(todo.remove(g.slug for g in groups.values()))
        pages = plan_site_pages(site, newest)  # plan
        # The last build's own files, but for its search index (placed below) and any in a folder
        # an explainer now has (an old slug's redirects, when the explainer takes its old slug
        # back): those are the explainer's files now, and removing them would remove its pages.
        folders = {group.slug for group in groups.values()}
        own = {path: made for path, made in todo.last.files.items() if not path.startswith(SEARCH_DIR) and path.split("/", 1)[0] not in folders}
        files, rendered, wrote = place(output, run.planned(pages), own)  # render, write
        if site.search and search and groups:
            found, made, placed = write_search(output, groups, todo.last.files)
            files, rendered, wrote = files | found, rendered + made, wrote + placed
        elif search:  # no search index (any more): the last one goes
            output.remove(sorted(path for path in todo.last.files if path.startswith(SEARCH_DIR)))
        stamps = todo.stamps_after(((c.source, bool(c.warnings)) for c in explainers if c.kept is None),  # so the next build warns again
                                   (p for each in written for p in each.pictures))  # and sees whether the pictures changed
        # Nothing of an explainer held back is recorded, not even its file's stamp: it is read again on every build.
        unpublished = {source for source, _ in holding}
        seen = {path: stamp for path, stamp in stamps.items() if path not in unpublished}
        manifest = record(todo.inputs_key, seen, files, groups, held_back((c.summary for c in explainers if c.summary is not None), schedule))
        leftover = _finish(output, manifest)  # write: the record, and the new tree in out's place
    except BaseException:
        output.abort()
        raise
    warnings = site_warnings(todo, site) + tuple(sorted(w for each in written for w in each.warnings)) + leftover
    rendered += sum(w.rendered for w in written)
    wrote += sum(w.written for w in written)
    return BuildResult(manifest.pages, rendered, wrote, warnings, held=manifest.held, holding=holding), manifest


def search_key(groups: dict[str, Group]) -> str:
    """What the search index is made from: the bytes of every published explainer's reading pages
    (each explainer's line in the record keeps their digest) and the code that indexes them."""
    return digest(CODE_DIGEST, *sorted(f"{g.slug}\0{group_digests(g)[1]}" for g in groups.values()))


def write_search(output: Output, groups: dict[str, Group], last: Files) -> tuple[Files, int, int]:
    """The search index, under pagefind/: kept as the last build left it when no page it is made
    from changed, else made again by Pagefind over the whole new site and placed file by file (a
    file whose bytes are unchanged keeps its timestamp). Pagefind writes into a folder of its own
    inside the output; only what it wrote there is placed, through the output like every other file.
    Returns the files, and how many were made and written, as `place` does."""
    key = search_key(groups)
    old = {path: made for path, made in last.items() if path.startswith(SEARCH_DIR)}
    if old and all(made[1] == key for made in old.values()):
        with contextlib.suppress(_Gone):
            return place(output, [(path, key, _gone) for path in sorted(old)], old)
    try:
        with index_folder(output.layers(), output.dropped) as found:
            return place(output, [(SEARCH_DIR + path, key, read) for path, read in found], old)
    except SearchError as exc:
        raise BuildError([ContentError("pagefind", 1, 1, "(search)", str(exc))]) from None


class _Gone(Exception):
    """A file of the last search index is missing: the index is made again."""


def _gone() -> bytes:
    raise _Gone


def _write_explainer(run: _Run, checked: Checked) -> _Written:
    """One explainer's files planned, rendered (where their key changed) and written, and its folder's record."""
    if not checked.model:  # kept, but its files are not all there: read now, for the first time in this build
        read = _check(run.root, run.site, checked.source)
        if read.errors or read.slug != checked.slug:
            raise BuildError(list(read.errors) or [ContentError(checked.source, 1, 1, "(file)", "changed while the build read it; build again")])
        checked = read
    explainer: Explainer = pickle.loads(zlib.decompress(checked.model))
    assert checked.slug is not None and checked.summary is not None
    key = run.todo.key_for(checked.digest, checked.pictures)  # its file and pictures as its check read them
    connections = run.connections[explainer.slug]
    pages = plan_group(run.site, explainer, connections, run.root)
    files, rendered, written = place(run.output, run.planned(pages), run.output.last_files(explainer.slug))
    run.output.write_group(explainer.slug, key, files)
    indexed = digest(*(files[page.path][0] for page in pages if page.template in READING))
    group = Group(key, explainer.slug, len(files), group_data(checked.slug, checked.summary, connections.key, indexed, checked.pictures))
    return _Written(checked.source, group, rendered, written, checked.warnings, checked.pictures)


def _finish(output: Output, manifest: Manifest) -> tuple[ContentError, ...]:
    """Finish the output; a warning if the new site is in place but the old one is left over."""
    try:
        whole = output.finish(manifest)
    except SwapIncomplete as exc:
        # The next build removes it (output.swap.recover).
        where, why = exc.leftover.name, exc.error.strerror or exc.error
        return (ContentError(output.out.name, 1, 1, "(output)", f"the new site is in place, but the old one is left in '{where}/' ({why}); the next build removes it", True),)
    if not whole:  # said as it happens: a reader of the folder may have found nothing there
        name = output.out.name
        return (ContentError(name, 1, 1, "(output)", f"this file system cannot swap two folders in one step, so '{name}/' was missing for a moment while "
                             "the new site took the old one's place (a build killed in that moment leaves it missing until the next build)", True),)
    return ()
