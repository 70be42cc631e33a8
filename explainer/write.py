"""Stage 6: put the rendered files into site/, rewriting only what changed.

A build assembles the new tree beside site/ (site.tmp/), hard-links unchanged files from the old
tree so they keep their bytes and timestamps, then swaps it in with two renames: a failed or killed
build never leaves a half-written site/, and the next build finishes or undoes the swap.
Where Linux allows it the two renames are one atomic exchange, so site/ is never missing.
The preview server writes in place instead (each file replaced atomically), so an edit costs in
proportion to what it changed rather than to the size of the site.
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import BuildError, ContentError

# Marks a folder as ours and records, per file, its content hash and the key it was made from:
# a header line with the digest of every input, then one "path<TAB>sha256<TAB>key" line per file
# (paths never hold tabs or newlines).
MARKER = ".explainer-site"
MARKER_HEADER = "explainer-site 1 "


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last build wrote: {path: sha256 of bytes} and {path: key of its inputs}."""

    files: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    inputs: str = ""  # digest of everything the build read: equal means nothing to do


def _sibling(out: Path, suffix: str) -> Path:
    return out.with_name(out.name + suffix)


def recover(out: Path) -> None:
    """Finish or undo a swap that a killed build left half done, and drop stray temporary trees."""
    old, tmp = _sibling(out, ".old"), _sibling(out, ".tmp")
    if old.exists() and not out.exists():
        old.rename(out)
    for stray in (old, tmp):
        if stray.exists():
            shutil.rmtree(stray)


def read_manifest(out: Path) -> Manifest | None:
    """The last build's manifest; empty for a missing or empty folder, None for a folder that is not ours."""
    if not out.exists():
        return Manifest()
    marker = out / MARKER
    if not marker.is_file():
        return Manifest() if out.is_dir() and not any(out.iterdir()) else None
    text = marker.read_text("utf-8", errors="replace")
    files: dict[str, str] = {}
    keys: dict[str, str] = {}
    header, _, body = text.partition("\n")
    if not header.startswith(MARKER_HEADER):
        return Manifest()
    for line in body.splitlines():
        fields = line.split("\t")
        if len(fields) == 3:  # anything else is damage: that file is simply rebuilt
            files[fields[0]], keys[fields[0]] = fields[1], fields[2]
    return Manifest(files, keys, header[len(MARKER_HEADER):])


def check_output(out: Path) -> Manifest:
    """The last build's manifest; refuses, before any work, a folder this tool did not make."""
    manifest = read_manifest(out)
    if manifest is None:
        raise BuildError([ContentError(str(out.name), 1, 1, "(output)", f"'{out.name}/' exists and was not made by this tool; move it away or pass another --out")])
    return manifest


def _relative(path: str) -> tuple[str, ...]:
    rel = PurePosixPath(path)
    if rel.is_absolute() or not rel.parts or any(part in ("", ".", "..") for part in rel.parts):
        raise ValueError(f"output path escapes the site folder: {path!r}")
    return rel.parts


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _marker(manifest: Manifest) -> bytes:
    files, keys = manifest.files, manifest.keys
    return (f"{MARKER_HEADER}{manifest.inputs}\n" + "".join(f"{path}\t{files[path]}\t{keys.get(path, '')}\n" for path in sorted(files))).encode()


def write_site(out: Path, previous: Manifest, rendered: Iterable[tuple[str, bytes]], kept: set[str], keys: dict[str, str], inputs: str, *, in_place: bool = False) -> tuple[Manifest, int]:
    """Make out hold exactly the `rendered` files plus the `kept` files of the last build (described by `previous`).

    `rendered` is consumed as it comes, so a large site is never held in memory whole. `keys` maps
    every path to the key of its inputs and `inputs` digests all of them; both are remembered for
    the next build. Returns the new manifest and how many files were written.
    """
    if in_place and out.exists():
        return _write_in_place(out, previous, dict(rendered), kept, keys, inputs)
    tmp = _sibling(out, ".tmp")
    tmp.mkdir(parents=True)
    try:
        hashes = {path: previous.files[path] for path in kept}
        folders: set[Path] = {tmp}
        written = 0

        def place(path: str, data: bytes | None) -> None:
            nonlocal written
            parts = _relative(path)
            target = tmp.joinpath(*parts)
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            old = out.joinpath(*parts)
            if data is None or (previous.files.get(path) == hashes[path] and old.is_file()):
                os.link(old, target)  # unchanged: the same file, same bytes and timestamp
            else:
                target.write_bytes(data)
                written += 1

        for path, data in rendered:
            hashes[path] = hashlib.sha256(data).hexdigest()
            place(path, data)
        for path in kept:
            place(path, None)
        manifest = Manifest(hashes, keys, inputs)
        (tmp / MARKER).write_bytes(_marker(manifest))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap(tmp, out)
    return manifest, written


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
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError([ContentError(out.name, 1, 1, "(output)", f"another build is writing '{out.name}/' now; wait for it to finish and try again")]) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _write_in_place(out: Path, previous: Manifest, rendered: dict[str, bytes], kept: set[str], keys: dict[str, str], inputs: str) -> tuple[Manifest, int]:
    """The preview's way: replace each changed file atomically, remove what is gone, touch nothing else."""
    hashes = {path: previous.files[path] for path in kept}
    hashes.update({path: hashlib.sha256(data).hexdigest() for path, data in rendered.items()})
    manifest = Manifest(hashes, keys, inputs)
    changed = sorted(path for path, digest in hashes.items() if previous.files.get(path) != digest)
    removed = sorted(set(previous.files) - set(hashes))
    for path in changed:
        _atomic_write(out.joinpath(*_relative(path)), rendered[path])
    for path in removed:
        target = out.joinpath(*_relative(path))
        target.unlink(missing_ok=True)
        # Drop folders the removal emptied, up to out itself.
        for parent in target.parents:
            if parent == out or any(parent.iterdir()):
                break
            parent.rmdir()
    if changed or removed or previous.keys != keys or previous.inputs != inputs:
        _atomic_write(out / MARKER, _marker(manifest))
    return manifest, len(changed)
