"""What must be rebuilt? Asked once per build, answered from the record the last build left
(record.py) and what the build reads now (content.files.Inputs).

- Nothing, when every input has the digest it had: the build stops there, having read one line.
- Otherwise, per explainer: its key is a digest of its file, the site file, the base URL, the
  templates and this code. An explainer whose key is unchanged is kept as it was, without being
  read; the others go through every stage.
- Per file: a file whose key (what it is made from) is unchanged is kept without being rendered;
  one rendered to the same bytes is kept without being written.

The answer is a Rebuild, which also does the bookkeeping it implies: keeping an explainer's
files, placing each file, and the record of what this build wrote. A preview keeps a Memory
between builds of its own folder, so that it need not read the record, nor parse an explainer
that did not change, again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from explainer.content.dates import from_iso
from explainer.content.files import Inputs, Seen, is_content_file, note_picture, scan_inputs, unreadable
from explainer.content.model import Author
from explainer.content.pictures import Picture, PictureStamp
from explainer.content.validate import SlugAt
from explainer.core.digest import CODE_DIGEST, digest
from explainer.errors import BuildError, ContentError
from explainer.output.record import GROUP_MARKER, Files, Group, Manifest, read_group, read_manifest
from explainer.output.write import Output
from explainer.plan.pages import Summary

# One file to place: its path below the output, the key of its inputs, and how to make its bytes.
Planned = tuple[str, str, Callable[[], bytes]]


@dataclass
class Memory:
    """What a preview keeps between builds of its own folder, which nothing else writes."""

    manifest: Manifest | None = None  # what the last build wrote there; None until one finished
    parsed: dict[str, Any] = field(default_factory=dict)  # explainers parsed, by source (pipeline.Parsed)
    seen: Seen = field(default_factory=dict)
    kept: dict[str, tuple[Group, Any]] = field(default_factory=dict)  # group lines already read, by source
    templates: Any = None  # the compiled templates (render.Templates)
    site_pages: tuple[Any, list[Any]] | None = None  # the last plan of the site's own pages, and what it was made from


@dataclass(frozen=True, slots=True)
class Job:
    """One explainer file this build must account for."""

    source: str  # its path below the project
    digest: str  # of its bytes
    key: str  # of everything its files are made from
    last: Group | None  # its line in the last build's record
    # It holds text the importer could not place, which is warned about on every build: it is
    # always read again, as the record keeps nothing an explainer does not publish.
    unplaced: bool = False

    @property
    def unchanged(self) -> bool:
        return self.last is not None and self.last.key == self.key and not self.unplaced


def inputs_digest(inputs: Inputs, base_url: str | None) -> str:
    """A digest of everything a build reads but pictures: the code, the base URL, the site file,
    the templates and every explainer (with_pictures adds the pictures the explainers show)."""
    return digest(CODE_DIGEST, base_url or "", hashlib.sha256(inputs.site or b"").hexdigest(), inputs.logo, inputs.templates,
                  *(f"{path}={d}" for path, d in inputs.explainers.items()))


def with_pictures(key: str, pictures: dict[str, str]) -> str:
    """An inputs digest with the pictures' digests added: those the explainers showed, as they are now."""
    return digest(key, *(f"{path}={d}" for path, d in sorted(pictures.items()))) if pictures else key


def _picture_parts(pictures: Iterable[tuple[str, str]]) -> list[str]:
    """An explainer's pictures, as its key holds them: each path and the digest of its bytes."""
    return [f"{src}\0{d}" for src, d in pictures]


def _last_record(out: Path, *, header_only: bool = False) -> Manifest | None:
    """read_manifest, with a folder or record that cannot be read reported as such."""
    try:
        return read_manifest(out, header_only=header_only)
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else out
        shown = where.relative_to(out.parent).as_posix() if where.is_relative_to(out.parent) else str(where)
        raise BuildError([ContentError(out.name, 1, 1, "(output)", f"{shown}, left by the last build, {unreadable(where, exc, folder=where == out)}")]) from None


def not_ours(out: Path) -> BuildError:
    return BuildError([ContentError(out.name, 1, 1, "(output)", f"'{out.name}/' exists and was not made by this tool; move it away or pass another --out")])


@dataclass
class Rebuild:
    """The answer for one build."""

    nothing: bool
    inputs: Inputs  # what this build reads, digested
    inputs_key: str  # the digest of it all but the pictures (with_pictures adds them)
    stamp: str  # the part of every explainer's key that is not its own file
    last: Manifest
    jobs: list[Job]
    memory: Memory | None = None
    seen: Seen = field(default_factory=dict)  # each content file's digest by its stamp, as this build found them

    @property
    def pages(self) -> int:
        return self.last.pages

    @property
    def scan_errors(self) -> tuple[ContentError, ...]:
        return self.inputs.errors

    def key_for(self, file_digest: str, pictures: Iterable[PictureStamp] = ()) -> str:
        """The key of an explainer whose file has these bytes, and which shows these pictures."""
        return digest(file_digest, self.stamp, *_picture_parts((p.src, p.digest) for p in pictures))

    def note_pictures(self, pictures: Iterable[PictureStamp]) -> None:
        """Keep each picture read in this build by its stamp, so the next build's scan sees whether it changed."""
        for picture in pictures:
            note_picture(self.seen, picture.src, picture.stamp, picture.digest)

    def summary_of(self, job: Job) -> tuple[SlugAt, Summary] | None:
        """What the last build kept of an unchanged explainer: where its slug is, and its summary."""
        assert job.last is not None
        if self.memory is not None:
            cached = self.memory.kept.get(job.source)
            if cached is not None and cached[0] == job.last:
                return cached[1]
        kept = group_summary(job.source, job.last)
        if self.memory is not None:
            self.memory.kept[job.source] = (job.last, kept)
        return kept

    def keep_group(self, job: Job, output: Output) -> bool:
        """Keep an unchanged explainer's files as the last build left them. False if they are not all
        there, or its folder was taken by another explainer of this build; then it is made again."""
        assert job.last is not None
        if not output.claim(job.last.slug):
            return False
        if self.memory is not None and self.memory.manifest is not None:
            return True  # the preview's own folder: its files are as its last build left them
        key, files = read_group(output.out / job.last.slug)
        if key != job.key or not files:
            return False
        return all(output.keep(path) for path in [*files, f"{job.last.slug}/{GROUP_MARKER}"])

    def last_files(self, output: Output, slug: str) -> Files:
        """What the last build wrote for an explainer that is written again. Written in place, its
        folder's record goes first: a build that stops half way leaves nothing there to trust."""
        files = read_group(output.out / slug)[1]
        output.forget(f"{slug}/{GROUP_MARKER}")
        return files

    def place(self, output: Output, planned: Iterable[Planned], old: Files) -> tuple[Files, int, int]:
        """Write the planned files, keeping each whose key (or, once made, whose bytes) is as last time.

        `old` describes what the last build wrote for these files. Returns the new description, how
        many files were rendered and how many written. Old files no longer planned are removed.
        """
        files: Files = {}
        rendered = written = 0
        for path, key, make in planned:
            previous = old.get(path)
            if previous and previous[1] == key and output.keep(path):
                files[path] = previous
                continue
            data = make()
            rendered += 1
            sha = hashlib.sha256(data).hexdigest()
            files[path] = (sha, key)
            if previous and previous[0] == sha and output.keep(path):
                continue  # the same bytes: the file keeps its timestamp
            output.write(path, data)
            written += 1
        output.remove(sorted(set(old) - set(files)))
        return files, rendered, written

    def record(self, files: Files, groups: dict[str, Group]) -> Manifest:
        """What this build wrote, for the next build to read."""
        # Pictures no explainer shows any more are forgotten: the next build need not look at them.
        shown = {src for g in groups.values() for src in group_pictures(g)}
        seen = {path: entry for path, entry in self.seen.items() if is_content_file(path) or path in shown}
        # The pictures as this build read them: the next build's scan finds the same, and stops at once.
        inputs = with_pictures(self.inputs_key, {path: seen[path][1] for path in shown if path in seen})
        return Manifest(inputs, len(files) + sum(g.pages for g in groups.values()), files, groups, seen)


def ask(root: Path, out: Path, base_url: str | None, memory: Memory | None = None) -> Rebuild:
    """What must be rebuilt in `out` for the project at root. Reads the last build's record and
    digests the inputs; parses nothing. Raises BuildError for a folder this tool did not make."""
    trusted = memory is not None and memory.manifest is not None
    last = memory.manifest if trusted else _last_record(out, header_only=True)
    if last is None:
        raise not_ours(out)
    seen = memory.seen if memory is not None else dict(last.seen)
    inputs = scan_inputs(root, seen)
    inputs_key = inputs_digest(inputs, base_url)
    stamp = digest(hashlib.sha256(inputs.site or b"").hexdigest(), inputs.logo, base_url or "", inputs.templates, CODE_DIGEST)
    # Text the importer could not place is warned about on every build, so such a project never takes the shortcut.
    if not inputs.errors and last.inputs == with_pictures(inputs_key, inputs.pictures) and last.pages and not inputs.unplaced:
        return Rebuild(True, inputs, inputs_key, stamp, last, [], memory, seen)
    if not trusted:
        last = _last_record(out) or Manifest()
    jobs = []
    for source, file_digest in inputs.explainers.items():
        group = last.groups.get(source)
        # Its pictures are those it showed last time (its file, if unchanged, names the same), as they are now.
        shown = [(src, inputs.pictures.get(src, "")) for src in group_pictures(group)] if group is not None else []
        jobs.append(Job(source, file_digest, digest(file_digest, stamp, *_picture_parts(shown)), group, source in inputs.unplaced))
    return Rebuild(False, inputs, inputs_key, stamp, last, jobs, memory, seen)


# --- what the record keeps of an explainer ----------------------------------------------------

def group_data(slug: SlugAt, summary: Summary, pictures: Iterable[PictureStamp] = ()) -> str:
    """What the record keeps of an explainer, as one line of JSON: enough to list it and check its
    slug without reading its file again, and the pictures it shows. Only what its pages publish."""
    data: dict[str, Any] = {
        "slug": [slug.slug, slug.line, slug.column, [list(a) for a in slug.aliases]],
        "summary": [summary.slug, summary.title, summary.dek, summary.published.isoformat(),
                    summary.updated.isoformat() if summary.updated else None, summary.attribution,
                    summary.modified.isoformat(), list(summary.urls), list(summary.embeds), list(summary.aliases),
                    [list(r) for r in summary.renamed], [[a.name, a.url, a.role] for a in summary.authors],
                    [getattr(summary.image, f.name) for f in fields(Picture)] if summary.image else None, summary.language],
    }
    shown = sorted({p.src for p in pictures})
    if shown:
        data["pictures"] = shown
    return json.dumps(data, separators=(",", ":"))


def group_pictures(group: Group) -> list[str]:
    """The paths of the pictures an explainer showed when its files were made."""
    if '"pictures"' not in group.data:  # most explainers: no JSON to read
        return []
    try:
        return [src for src in json.loads(group.data)["pictures"] if isinstance(src, str)]
    except (ValueError, TypeError, KeyError):
        return []


def group_summary(source: str, group: Group) -> tuple[SlugAt, Summary] | None:
    """The slug and summary of an explainer kept as it was; None if its line cannot be read."""
    try:
        data = json.loads(group.data)
        slug, line, column, aliases = data["slug"]
        name, title, dek, published, updated, attribution, modified, urls, embeds, alias_names, renamed, authors, image, language = data["summary"]
        summary = Summary(name, title, dek, from_iso(published), from_iso(updated) if updated else None,
                          attribution, from_iso(modified), tuple(urls), tuple(embeds), tuple(alias_names),
                          tuple((old, new) for old, new in renamed), authors=tuple(Author(*a) for a in authors),
                          image=Picture(*image) if image else None, language=language)
        return SlugAt(source, slug, line, column, tuple((a, al, ac) for a, al, ac in aliases)), summary
    except (ValueError, TypeError, KeyError):
        return None
