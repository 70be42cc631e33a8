"""What must be rebuilt? Asked once per build, answered from the record the last build left
(record.py) and what the build reads now (content.files.Inputs).

- Nothing, when every input has the digest it had, the build's options (drafts, future) are as
  they were, and no explainer held back (or built with its banner) has fallen due since: the
  build stops there, having read one line. The clock enters only that last check; keys never
  hold it, so builds stay byte-identical.
- Otherwise, per explainer: its key is a digest of its file, the pictures it shows, the site file, the base URL, the
  templates and this code. An explainer whose key is unchanged is kept as it was, without being
  read; the others go through every stage.
- Per file: a file whose key (what it is made from) is unchanged is kept without being rendered;
  one rendered to the same bytes is kept without being written (write.place).

The answer is a value, Rebuild: which explainers to render, which to keep, and which of the last
build's folders to remove once this build's slugs are known. It writes nothing: placing files
is write.py's, and the record of what was written is record.py's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from explainer.content.files import Inputs, Seen, note_picture, scan_inputs, unreadable
from explainer.content.pictures import PictureStamp
from explainer.content.validate import SlugAt
from explainer.core.digest import CODE_DIGEST, digest
from explainer.errors import BuildError, ContentError
from explainer.output.record import Group, Manifest, group_pictures, group_summary, read_manifest, record_error, with_pictures
from explainer.plan.pages import Summary
from explainer.plan.schedule import Schedule


@dataclass(frozen=True, slots=True)
class Job:
    """One explainer file this build must account for."""

    source: str  # its path below the project
    digest: str  # of its bytes
    key: str  # of everything its files are made from
    last: Group | None  # its line in the last build's record
    # It gave warnings when last read (or, not read yet, may give some: text the importer could not
    # place, a link that looks broken), which are given on every build: it is always read again, as
    # the record keeps nothing an explainer does not publish.
    unplaced: bool = False

    @property
    def unchanged(self) -> bool:
        return self.last is not None and self.last.key == self.key and not self.unplaced


def inputs_digest(inputs: Inputs, base_url: str | None, options: str = "") -> str:
    """A digest of everything a build reads but pictures: the code, the base URL, the site file,
    the templates and every explainer (with_pictures adds the pictures the explainers show); and
    its options (which explainers not yet published it builds anyway)."""
    return digest(CODE_DIGEST, base_url or "", hashlib.sha256(inputs.site or b"").hexdigest(), inputs.logo, inputs.templates, options,
                  *(f"{path}={d}" for path, d in inputs.explainers.items()))


def explainer_stamp(inputs: Inputs, base_url: str | None) -> str:
    """The part of every explainer's key that is not its own file: the site file, its logo, the
    base URL (every page carries its address), the templates and the code."""
    return digest(hashlib.sha256(inputs.site or b"").hexdigest(), inputs.logo, base_url or "", inputs.templates, CODE_DIGEST)


@dataclass(frozen=True, slots=True)
class Rebuild:
    """The answer for one build."""

    nothing: bool  # every input is as the last build found it: there is nothing to do
    inputs: Inputs  # what this build reads, digested
    inputs_key: str  # the digest of it all but the pictures (record.with_pictures adds them)
    stamp: str  # the part of every explainer's key that is not its own file
    last: Manifest
    jobs: tuple[Job, ...]
    seen: Seen  # each content file's digest by its stamp, as this build found them

    @property
    def pages(self) -> int:
        return self.last.pages

    @property
    def render(self) -> tuple[Job, ...]:
        """The explainers to read and render again."""
        return tuple(job for job in self.jobs if not job.unchanged)

    @property
    def keep(self) -> tuple[Job, ...]:
        """The explainers to keep as the last build left them, without reading them."""
        return tuple(job for job in self.jobs if job.unchanged)

    def key_for(self, file_digest: str, pictures: Iterable[PictureStamp] = ()) -> str:
        """The key of an explainer whose file has these bytes, and which shows these pictures."""
        return digest(file_digest, self.stamp, *_picture_parts((p.src, p.digest) for p in pictures))

    def summary_of(self, job: Job) -> tuple[SlugAt, Summary] | None:
        """What the last build kept of an unchanged explainer: where its slug is, and its summary."""
        assert job.last is not None
        return group_summary(job.source, job.last)

    def stamps_after(self, read: Iterable[tuple[str, bool]], pictures: Iterable[PictureStamp]) -> Seen:
        """The stamps the record keeps for the next build, as a new value (the decision itself is
        not changed): each file as this build's scan found it, with whether each file this build
        read gave warnings (one that did is read again by every build, which warns again; one that
        did not is kept unread while its key is unchanged), and each picture read in this build by
        its stamp, so the next build's scan sees whether it changed."""
        stamps = dict(self.seen)
        for source, warns in read:
            if source in stamps:
                stamp, file_digest, _ = stamps[source]
                stamps[source] = (stamp, file_digest, warns)
        for picture in pictures:
            note_picture(stamps, picture.src, picture.stamp, picture.digest)
        return stamps

    def remove(self, slugs: Iterable[str]) -> list[str]:
        """The last build's explainer folders that no explainer of this build, whose slugs are given, has."""
        return sorted({group.slug for group in self.last.groups.values()} - set(slugs))


def _nothing_changed(inputs: Inputs, inputs_key: str, last: Manifest, schedule: Schedule | None) -> bool:
    # Warnings are given on every build, so a project with a file that may give one never takes the shortcut;
    # and an explainer whose time has come is published by the first build after it.
    due = last.held.next is not None and schedule is not None and schedule.now >= last.held.next
    return not inputs.errors and last.inputs == with_pictures(inputs_key, inputs.pictures) and bool(last.pages) and not inputs.unplaced and not due


def decide(inputs: Inputs, base_url: str | None, last: Manifest, seen: Seen, schedule: Schedule | None = None) -> Rebuild:
    """What must be rebuilt, given what a build reads now, what the last build recorded and this
    build's schedule (None: no clock, and no drafts or future explainers built anyway)."""
    inputs_key = inputs_digest(inputs, base_url, schedule.key if schedule else "")
    stamp = explainer_stamp(inputs, base_url)
    if _nothing_changed(inputs, inputs_key, last, schedule):
        return Rebuild(True, inputs, inputs_key, stamp, last, (), seen)
    jobs = []
    for source, file_digest in inputs.explainers.items():
        group = last.groups.get(source)
        # Its pictures are those it showed last time (its file, if unchanged, names the same), as they are now.
        shown = [(src, inputs.pictures.get(src, "")) for src in group_pictures(group)] if group is not None else []
        jobs.append(Job(source, file_digest, digest(file_digest, stamp, *_picture_parts(shown)), group, source in inputs.unplaced))
    return Rebuild(False, inputs, inputs_key, stamp, last, tuple(jobs), seen)


def _picture_parts(pictures: Iterable[tuple[str, str]]) -> list[str]:
    """An explainer's pictures, as its key holds them: each path and the digest of its bytes."""
    return [f"{src}\0{d}" for src, d in pictures]


def _last_record(out: Path, *, header_only: bool = False) -> Manifest | None:
    """read_manifest, with a folder or record that cannot be read reported as such."""
    try:
        return read_manifest(out, header_only=header_only)
    except OSError as exc:  # the folder itself (a record is judged where it is read)
        where = Path(exc.filename) if exc.filename else out
        raise record_error(out, where, unreadable(where, exc, folder=where == out)) from None


def not_ours(out: Path) -> BuildError:
    return BuildError([ContentError(out.name, 1, 1, "(output)", f"'{out.name}/' exists and was not made by this tool; move it away or pass another --out")])


def ask(root: Path, out: Path, base_url: str | None, last: Manifest | None = None, seen: Seen | None = None, schedule: Schedule | None = None) -> Rebuild:
    """What must be rebuilt in `out` for the project at root. Reads the last build's record (only
    its first line, when nothing changed) and digests the inputs; parses nothing. Raises
    BuildError for a folder this tool did not make.

    A caller that alone writes `out` (the preview) may pass what it kept of its last build there:
    its record, and the stamps it updates from one scan to the next (`seen`). `schedule` says
    when the build runs and what it builds that is not yet published.
    """
    header = last if last is not None else _last_record(out, header_only=True)
    if header is None:
        raise not_ours(out)
    seen = seen if seen is not None else dict(header.seen)
    inputs = scan_inputs(root, seen)
    if last is None and not _nothing_changed(inputs, inputs_digest(inputs, base_url, schedule.key if schedule else ""), header, schedule):
        last = _last_record(out) or Manifest()
    return decide(inputs, base_url, last if last is not None else header, seen, schedule)
