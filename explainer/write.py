"""Stage 6: put the rendered files into site/, rewriting only what changed.

A build assembles the new tree beside site/ (site.tmp/), hard-links unchanged files from the old
tree so they keep their bytes and timestamps, then swaps it in with two renames: a failed or killed
build never leaves a half-written site/, and the next build finishes or undoes the swap.
Where Linux allows it the two renames are one atomic exchange, so site/ is never missing.
The preview server writes in place instead (each file replaced atomically), so an edit costs in
proportion to what it changed rather than to the size of the site.

What was written is recorded in two kinds of marker file, so a later build can tell what it may
keep without reading the whole site:

- `.explainer-site` at the top marks the folder as this tool's. Its first line holds the digest
  of every input and the number of files, so a build with nothing to do reads one line. Then one
  line per file of the site's own (index, feed, ...) and one per explainer ("group"): the key of
  everything its files were made from, its folder, and what the site's own pages need of it.
- `<slug>/.explainer-group` in each explainer's folder lists that explainer's files, each with the
  digest of its bytes and the key of its inputs. It is read only when the explainer changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import BuildError, ContentError
from .load import Seen

MARKER = ".explainer-site"
MARKER_HEADER = "explainer-site 2"
GROUP_MARKER = ".explainer-group"
# A cache, not a record of the site: each explainer file's digest by its inode, size and time, so
# a build in a new process need not read files that did not change.
STAMPS = ".explainer-stamps"
GROUP_HEADER = "explainer-group 2"

LOCK_TRIES = 20  # a tenth of a second each

# path -> (sha256 of its bytes, key of its inputs); paths are relative to site/ and never hold
# tabs or newlines.
Files = dict[str, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Group:
    """One explainer's line in the top marker."""

    key: str  # digest of its file, the site file, the templates and the code
    slug: str  # its folder
    pages: int  # how many files it has
    data: str  # one line of JSON the pipeline keeps with it (what the index needs, warnings)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last build wrote."""

    inputs: str = ""  # digest of everything the build read: equal means nothing to do
    pages: int = 0
    files: Files = field(default_factory=dict)  # the site's own files
    groups: dict[str, Group] = field(default_factory=dict)  # by the explainer's source file
    seen: Seen = field(default_factory=dict)  # each explainer file's digest, by its inode, size and time


def _sibling(out: Path, suffix: str) -> Path:
    return out.with_name(out.name + suffix)


def strays(out: Path) -> list[Path]:
    """Temporary trees a killed build left beside out."""
    return [p for p in (_sibling(out, ".old"), _sibling(out, ".tmp")) if p.exists()]


def recover(out: Path) -> None:
    """Finish or undo a swap that a killed build left half done, and drop stray temporary trees."""
    old, tmp = _sibling(out, ".old"), _sibling(out, ".tmp")
    if old.exists() and not out.exists():
        old.rename(out)
    for stray in (old, tmp):
        if stray.exists():
            shutil.rmtree(stray)


def _file_line(fields: list[str], files: Files) -> None:
    if len(fields) == 3:  # anything else is damage: that file is simply rebuilt
        files[fields[0]] = (fields[1], fields[2])


def read_manifest(out: Path, *, header_only: bool = False) -> Manifest | None:
    """The last build's manifest; empty for a missing or empty folder, None for a folder that is not ours.

    With header_only, only the inputs digest, file count and the explainer files' stamps are read:
    enough to see that nothing changed.
    """
    if not out.exists():
        return Manifest()
    marker = out / MARKER
    if not marker.is_file():
        return Manifest() if out.is_dir() and not any(out.iterdir()) else None
    with marker.open("r", encoding="utf-8", errors="replace", newline="\n") as stream:
        header = stream.readline().split()
        if len(header) != 4 or " ".join(header[:2]) != MARKER_HEADER or not header[3].isdigit():
            return Manifest()  # an older or damaged marker: the folder is ours, nothing is reused
        files: Files = {}
        groups: dict[str, Group] = {}
        for line in [] if header_only else stream:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "f":
                _file_line(fields[1:], files)
            elif fields[0] == "g" and len(fields) == 6 and fields[4].isdigit():
                groups[fields[1]] = Group(fields[2], fields[3], int(fields[4]), fields[5])
    return Manifest(header[2], int(header[3]), files, groups, _read_stamps(out))


def _read_stamps(out: Path) -> Seen:
    seen: Seen = {}
    try:
        lines = (out / STAMPS).read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return seen
    for line in lines:
        fields = line.split("\t")
        if len(fields) == 6 and all(f.isdigit() for f in fields[1:4]):
            seen[fields[0]] = ((int(fields[1]), int(fields[2]), int(fields[3])), fields[4], fields[5] == "1")
    return seen


def _stamps(seen: Seen) -> bytes:
    # A stamp that cannot be trusted (a file changed too recently) has a negative size: left out.
    return "".join(f"{path}\t{ino}\t{size}\t{mtime}\t{d}\t{int(unplaced)}\n" for path, ((ino, size, mtime), d, unplaced) in sorted(seen.items()) if size >= 0).encode()


def check_output(out: Path, *, header_only: bool = False) -> Manifest:
    """The last build's manifest; refuses, before any work, a folder this tool did not make."""
    manifest = read_manifest(out, header_only=header_only)
    if manifest is None:
        raise BuildError([ContentError(str(out.name), 1, 1, "(output)", f"'{out.name}/' exists and was not made by this tool; move it away or pass another --out")])
    return manifest


def read_group(folder: Path) -> tuple[str, Files]:
    """The key and files an explainer's folder was last written with; ("", {}) if unknown."""
    try:
        text = (folder / GROUP_MARKER).read_text("utf-8", errors="replace")
    except OSError:
        return "", {}
    header, _, body = text.partition("\n")
    if not header.startswith(GROUP_HEADER + " "):
        return "", {}
    files: Files = {}
    for line in body.splitlines():
        _file_line(line.split("\t"), files)
    return header[len(GROUP_HEADER) + 1:], files


def _group_marker(key: str, files: Files) -> bytes:
    return (f"{GROUP_HEADER} {key}\n" + "".join(f"{path}\t{sha}\t{k}\n" for path, (sha, k) in sorted(files.items()))).encode()


def _marker(manifest: Manifest) -> bytes:
    lines = [f"{MARKER_HEADER} {manifest.inputs or '-'} {manifest.pages}\n"]
    lines += (f"f\t{path}\t{sha}\t{key}\n" for path, (sha, key) in sorted(manifest.files.items()))
    lines += (f"g\t{source}\t{g.key}\t{g.slug}\t{g.pages}\t{g.data}\n" for source, g in sorted(manifest.groups.items()))
    return "".join(lines).encode()


def _relative(path: str) -> tuple[str, ...]:
    rel = PurePosixPath(path)
    if rel.is_absolute() or not rel.parts or any(part in ("", ".", "..") for part in rel.parts):
        raise ValueError(f"output path escapes the site folder: {path!r}")
    return rel.parts


def _atomic_write(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


# One file to place: its path below site/, the key of its inputs, and how to make its bytes.
Planned = tuple[str, str, Callable[[], bytes]]


class Output:
    """Where one build writes, and how: into a fresh tree that is swapped in at the end, or into
    the folder itself (the preview). Forked workers each use their copy to write their explainers."""

    def __init__(self, out: Path, *, in_place: bool = False, trusted: bool = False):
        self.out = out
        self.in_place = in_place and out.exists()
        # In place, files the last build of this process wrote are known to be there as it left them.
        self.trusted = trusted
        self.dest = out if self.in_place else _sibling(out, ".tmp")
        self._folders: set[Path] = set()
        self._claimed: set[str] = set()

    def begin(self) -> None:
        if self.in_place:
            # Until this build finishes, its marker says nothing may be reused: were it killed
            # half way, the next build would otherwise trust records of files it had replaced.
            _atomic_write(self.out / MARKER, _marker(Manifest()))
        else:
            self.dest.mkdir(parents=True)
            self._folders.add(self.dest)

    def abort(self) -> None:
        if not self.in_place:
            shutil.rmtree(self.dest, ignore_errors=True)

    def finish(self, manifest: Manifest) -> None:
        """Record what was written and, unless in place, put the new tree in out's place."""
        if self.in_place:
            _atomic_write(self.out / MARKER, _marker(manifest))
            _atomic_write(self.out / STAMPS, _stamps(manifest.seen))
            return
        try:
            (self.dest / MARKER).write_bytes(_marker(manifest))
            (self.dest / STAMPS).write_bytes(_stamps(manifest.seen))
        except BaseException:
            self.abort()
            raise
        _swap(self.dest, self.out)

    def _target(self, path: str) -> tuple[Path, Path]:
        parts = _relative(path)
        target = self.dest.joinpath(*parts)
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target, self.out.joinpath(*parts)

    @staticmethod
    def _link(old: Path, target: Path) -> bool:
        """Hard-link the last build's file into the new tree; False if it is gone."""
        try:
            os.link(old, target)
        except FileNotFoundError:
            return False
        return True

    def _kept(self, path: str) -> bool:
        """Whether the last build's file at path stays as it is, in the new tree too."""
        target, old = self._target(path)
        if self.in_place:
            return self.trusted or old.is_file()
        return self._link(old, target)

    def place(self, planned: Iterable[Planned], old: Files) -> tuple[Files, int, int]:
        """Write the planned files, keeping each whose key (or, once made, whose bytes) is as last time.

        `old` describes what the last build wrote for these files. Returns the new description,
        how many files were rendered and how many written. In place, old files no longer planned
        are removed.
        """
        files: Files = {}
        rendered = written = 0
        for path, key, make in planned:
            previous = old.get(path)
            if previous and previous[1] == key and self._kept(path):
                files[path] = previous
                continue
            data = make()
            rendered += 1
            sha = hashlib.sha256(data).hexdigest()
            files[path] = (sha, key)
            if previous and previous[0] == sha and self._kept(path):
                continue  # the same bytes: the file keeps its timestamp
            target, _ = self._target(path)
            if self.in_place:
                _atomic_write(target, data)
            else:
                target.write_bytes(data)
            written += 1
        if self.in_place:
            self._remove(sorted(set(old) - set(files)))
        return files, rendered, written

    def keep_group(self, slug: str, key: str) -> Files | None:
        """An explainer's files as the last build left them, if they were made from `key`; linked
        into the new tree unless in place. None if they were not, or are no longer all there."""
        old_key, files = read_group(self.out / slug)
        if old_key != key or not files:
            return None
        if self.in_place:
            return files if self.trusted or all(self._kept(path) for path in files) else None
        if not all(self._kept(path) for path in [*files, f"{slug}/{GROUP_MARKER}"]):
            # Start the folder afresh: a file written over one of these links would change the
            # last build's file too, since a hard link is the same file.
            folder = self.dest.joinpath(*_relative(slug))
            shutil.rmtree(folder)
            self._folders = {f for f in self._folders if not f.is_relative_to(folder)}
            folder.mkdir()
            self._folders.add(folder)
            return None
        return files

    def claim(self, slug: str) -> bool:
        """Take an explainer's folder for this build: False if another explainer of the build (in
        any worker) already took it, as when two files name the same slug."""
        if self.in_place or slug in self._claimed:
            return True
        try:
            self.dest.joinpath(*_relative(slug)).mkdir()
        except FileExistsError:
            return False
        self._claimed.add(slug)
        self._folders.add(self.dest / slug)
        return True

    def begin_group(self, slug: str) -> Files:
        """What the last build wrote for this explainer, before it is written again. In place its
        record is removed first, so a build killed half way leaves nothing to be trusted."""
        _, files = read_group(self.out / slug)
        if self.in_place:
            (self.out.joinpath(*_relative(slug)) / GROUP_MARKER).unlink(missing_ok=True)
        return files

    def end_group(self, slug: str, key: str, files: Files) -> None:
        target, _ = self._target(f"{slug}/{GROUP_MARKER}")
        data = _group_marker(key, files)
        if self.in_place:
            _atomic_write(target, data)
        else:
            target.write_bytes(data)

    def remove_groups(self, slugs: Iterable[str]) -> None:
        """In place: remove the folders of explainers that are gone (a new tree simply lacks them)."""
        if self.in_place:
            for slug in slugs:
                shutil.rmtree(self.out.joinpath(*_relative(slug)), ignore_errors=True)

    def _remove(self, paths: list[str]) -> None:
        for path in paths:
            target = self.out.joinpath(*_relative(path))
            target.unlink(missing_ok=True)
            # Drop folders the removal emptied, up to out itself.
            for parent in target.parents:
                if parent == self.out or not parent.is_dir() or any(parent.iterdir()):
                    break
                parent.rmdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux's renameat2 RENAME_EXCHANGE); False where unsupported."""
    rename = getattr(_libc(), "renameat2", None) if sys.platform.startswith("linux") else None
    if rename is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if rename(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):  # an old kernel, or a file system that cannot
        return False
    raise OSError(err, os.strerror(err), str(b))


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _swap(tmp: Path, out: Path) -> None:
    """Put the finished tree tmp in out's place. Where the system can, in one atomic step: a build
    killed at any moment leaves out whole, old or new; elsewhere recover() mends the gap."""
    if not out.exists():
        tmp.rename(out)
    elif _exchange(tmp, out):
        shutil.rmtree(tmp)  # now the old tree; if killed here, recover() removes the rest
    else:
        old = _sibling(out, ".old")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold a lock on out's parent folder while building, so two builds never write out at once.

    The lock (flock on the folder itself) writes nothing and is released if the process dies.
    """
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks on folders
        yield
        return
    fd = os.open(parent, os.O_RDONLY)
    try:
        # A moment's grace: the workers of a build that was just stopped may take that long to end.
        for _ in range(LOCK_TRIES):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(0.1)
        else:
            raise BuildError([ContentError(out.name, 1, 1, "(output)", f"another build is writing '{out.name}/' now; wait for it to finish and try again")]) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
