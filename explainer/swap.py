"""Putting a finished tree in the output folder's place, and mending a swap a killed build left.

A build assembles its tree beside the output (`site.tmp/`) and swaps the two. Where Linux allows
it the swap is one atomic exchange, so the output is never missing, whole old or whole new; then
the old tree (now `site.tmp/`) is removed. Elsewhere it is two renames through `site.old/`. A build
killed at any point is finished or undone by the next (`recover`), which also removes any tree a
killed build left behind.
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
    a swap had not yet removed. (A swap killed with out missing is undone by the lock, put_back.)"""
    for stray in (beside(out, ".old"), new_tree(out)):
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
