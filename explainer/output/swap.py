"""Putting a finished tree in the output folder's place, and mending a swap a killed build left.

A build assembles its tree beside the output (`site.tmp/`) and swaps the two. Where Linux allows
it the swap is one atomic exchange, so the output is never missing, whole old or whole new; then
the old tree (now `site.tmp/`) is removed. Elsewhere it is two renames through `site.old/`. A build
killed at any point is finished or undone by the next (`recover`), which also removes any tree a
killed build left behind.

An output folder that is a mount point cannot be renamed or exchanged (the system answers "Device
or resource busy"), and a tree beside it would be on another file system. There the build
assembles its tree inside the folder (`.explainer-new/`) and moves entries instead (`swap_inside`):
the old site's entries into `.explainer-old/`, then the new tree's into the folder. That is not one
atomic step: while it runs, a reader of the folder may find it part empty. A build killed during
it is undone, or finished, by the next, as a marker says which half it had reached.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import shutil
import stat
import sys
from pathlib import Path


class SwapIncomplete(Exception):
    """The new tree is in the output's place, but the old one could not be removed; the next build removes it."""

    def __init__(self, leftover: Path, error: OSError):
        super().__init__(str(error))
        self.leftover = leftover
        self.error = error


def beside(out: Path, suffix: str) -> Path:
    return out.with_name(out.name + suffix)


def new_tree(out: Path) -> Path:
    """Where a build assembles the tree that will replace out."""
    return beside(out, ".tmp")


def remove_tree(path: Path) -> None:
    """Remove a folder this tool made, even where its folders were made read-only since."""

    def writable_then_retry(function, name, _excinfo) -> None:  # type: ignore[no-untyped-def]
        parent = os.path.dirname(name)
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
        function(name)

    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, onerror=writable_then_retry)


def put_back(out: Path) -> bool:
    """Undo a swap killed between its two renames, which left out missing: True if out is back."""
    try:
        beside(out, ".old").rename(out)
    except FileNotFoundError:
        return False
    except OSError:
        return out.exists()  # another build put it back first
    return True


def recover(out: Path) -> None:
    """Remove the trees a killed build left beside out: its unfinished new tree, or the old tree
    a swap had not yet removed. (A swap killed with out missing is undone by the lock, put_back.)
    Inside a mount point, a swap a killed build left half done is undone or finished."""
    if is_mount(out):
        _recover_inside(out)
        return
    for stray in (beside(out, ".old"), new_tree(out)):
        remove_tree(stray)


def is_mount(out: Path) -> bool:
    """Whether out is a mount point, so that it must be built inside, not swapped."""
    return out.is_dir() and not out.is_symlink() and os.path.ismount(out)


# Inside a mount point: where the new tree is assembled, where the old site's entries go, and the
# marker that says every one of them went there. `lost+found`, which a new file system may hold
# at its root, is the file system's, not the site's: it stays where it is.
INSIDE_NEW = ".explainer-new"
INSIDE_OLD = ".explainer-old"
MOVED = ".explainer-moved"
NOT_SITE = frozenset({INSIDE_NEW, INSIDE_OLD, "lost+found"})


def _entries(folder: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name not in skip)


def swap_inside(out: Path) -> None:
    """Put the finished tree out/.explainer-new in place of the site around it, moving entries."""
    old = out / INSIDE_OLD
    old.mkdir()
    for name in _entries(out, NOT_SITE):
        os.rename(out / name, old / name)
    (old / MOVED).touch()  # from here on, a killed swap is finished, not undone
    _move_new_in(out)
    try:
        remove_tree(old)
    except OSError as exc:
        raise SwapIncomplete(old, exc) from None


def _move_new_in(out: Path) -> None:
    new = out / INSIDE_NEW
    for name in _entries(new):
        os.rename(new / name, out / name)
    new.rmdir()


def _recover_inside(out: Path) -> None:
    new, old = out / INSIDE_NEW, out / INSIDE_OLD
    if old.is_dir() and (old / MOVED).exists() and new.is_dir():
        _move_new_in(out)  # the old site had gone: finish putting the new one in
    elif old.is_dir() and not (old / MOVED).exists():
        for name in _entries(old):  # part of the old site had gone: put it back
            os.rename(old / name, out / name)
    for stray in (old, new):
        remove_tree(stray)


def swap(tmp: Path, out: Path) -> None:
    """Put the finished tree tmp in out's place. Raises SwapIncomplete if the new tree is in place
    but the old one could not be removed, and OSError if the swap did not happen."""
    if not out.exists():
        tmp.rename(out)
        return
    if _exchange(tmp, out):
        leftover = tmp  # the old tree, now under the temporary name
    else:
        leftover = beside(out, ".old")
        out.rename(leftover)
        tmp.rename(out)
    try:
        remove_tree(leftover)
    except OSError as exc:
        raise SwapIncomplete(leftover, exc) from None


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
