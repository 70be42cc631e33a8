"""Putting a finished tree in the output folder's place, and mending a swap a killed build left.

A build assembles its tree beside the output, in a hidden folder of its own making
(`.site.explainer-XXXXXXXX/`, a fresh name each time), and swaps the two. Where Linux allows it
the swap is one atomic exchange, so the output is never missing, whole old or whole new; then the
old tree (now under the hidden name) is removed. Elsewhere it is two renames, the old tree going
to `.site.explainer-XXXXXXXX.old/` between them; for that moment the output is missing, and the
build says so. A build killed at any point is finished or undone by the next (`recover`, and the
lock's `put_back`).

Beside the output the build touches only what it can tell is its own: a folder of that hidden
name that holds the tool's record (`.explainer-site`, written first into every tree it makes and
removed last from every tree it removes), or is empty. Anything else there, `site.old/` or
`docs.tmp/` among them, is the user's and is never touched.

An output folder that is a mount point cannot be renamed or exchanged (the system answers "Device
or resource busy"), and a tree beside it would be on another file system. There the build
assembles its tree inside the folder (`.explainer-new/`) and moves entries instead (`swap_inside`):
the old site's entries into `.explainer-old/`, then the new tree's into the folder. That is not one
atomic step: while it runs, a reader of the folder may find it part empty. A build killed during
it is undone, or finished, by the next, as a marker says which half it had reached; the marker is
removed last, so a build killed while removing the old entries is finished too.

With `--in-place` (`move_in`), a build stages only the files it changes in its hidden tree, and
once every one is there writes a journal (`.explainer-commit`: the files and folders to remove)
and moves them into the output folder, the record last. Until the journal is written a killed
build is undone, as above; once it is, the next build finishes the moves (`recover`) before
anything else. While they run, a reader of the folder may find some files new and some old: the
moment is in proportion to the change, not the site.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import functools
import os
import shutil
import stat
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

from explainer.core.atomic import relative
from explainer.output.record import MARKER, RECORDS, STAMPS, UNFINISHED


class SwapIncomplete(Exception):
    """The new tree is in the output's place, but the old one could not be removed; the next build removes it."""

    def __init__(self, leftover: Path, error: OSError):
        super().__init__(str(error))
        self.leftover = leftover
        self.error = error


def _prefix(out: Path) -> str:
    return f".{out.name}.explainer-"


OLD_SUFFIX = ".old"


def new_tree(out: Path) -> Path:
    """Make the folder, beside out, where a build assembles the tree that will replace out: a
    fresh hidden name, holding the tool's record from the start, so that it is known as the tool's
    own whatever happens to the build."""
    while True:
        tree = out.parent / f"{_prefix(out)}{secrets.token_hex(4)}"
        try:
            tree.mkdir()
        except FileExistsError:
            continue  # that name is taken (by a folder of anyone's): draw another
        mark_own(tree)
        return tree


def mark_own(tree: Path) -> None:
    """Write the record that says a tree is the tool's own and that nothing in it may be reused yet."""
    (tree / MARKER).write_bytes(UNFINISHED)


def owned(folder: Path) -> bool:
    """Whether a folder (not a link to one) holds the tool's record: the folder is the tool's own."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and stat.S_ISREG(os.lstat(folder / MARKER).st_mode)
    except OSError:
        return False


def _ours_beside(out: Path) -> Iterator[Path]:
    """The trees beside out that a build of out made: its hidden name, and the tool's record inside
    (or nothing at all, as when a build was killed between making it and marking it)."""
    try:
        names = sorted(name for name in os.listdir(out.parent) if name.startswith(_prefix(out)))
    except OSError:
        return
    for name in names:
        path = out.parent / name
        if owned(path) or _empty_folder(path):
            yield path


def _empty_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and not os.listdir(path)
    except OSError:
        return False


def remove_tree(path: Path, last: str = MARKER) -> None:
    """Remove a folder this tool made, even where its folders were made read-only since. The file
    `last` (the record that says the folder is the tool's) goes last, so a build killed while
    removing it leaves a folder still known as the tool's own."""

    def writable_then_retry(function, name, _excinfo) -> None:  # type: ignore[no-untyped-def]
        parent = os.path.dirname(name)
        os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
        function(name)

    if path.is_symlink():
        path.unlink()
        return
    if not path.is_dir():
        return
    for entry in sorted(os.listdir(path)):
        if entry != last:
            child = path / entry
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, onerror=writable_then_retry)
            else:
                try:
                    child.unlink()
                except PermissionError:
                    writable_then_retry(os.unlink, str(child), None)
    shutil.rmtree(path, onerror=writable_then_retry)


@contextlib.contextmanager
def _unlocked(tree: Path) -> Iterator[bool]:
    """Whether no running build holds tree's lock, holding it meanwhile (a build in the middle of
    a swap holds the lock of both its trees)."""
    import fcntl

    fd = os.open(tree, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def put_back(out: Path) -> bool | None:
    """Undo a swap without exchange killed between its two renames, which left out missing: True
    if out is back, False if no build of the tool's left it so, None if a running build is in the
    middle of such a swap now (out will be back in a moment)."""
    for old in _ours_beside(out):
        if not old.name.endswith(OLD_SUFFIX) or not owned(old):
            continue
        try:
            with _unlocked(old) as free:
                if not free:
                    return None
                old.rename(out)
        except FileNotFoundError:
            continue  # another build put it back first
        except OSError:
            return out.exists() or None
        return True
    return False


def recover(out: Path) -> None:
    """Remove the trees a killed build left beside out: its unfinished new tree, or the old tree
    a swap had not yet removed (a swap killed with out missing is undone by the lock, put_back).
    Inside a mount point, a swap a killed build left half done is undone or finished."""
    if is_mount(out):
        _recover_inside(out)
        return
    for stray in _ours_beside(out):
        if owned(stray) and (stray / COMMIT).is_file():
            move_in(stray, out)  # its journal was written: the moves are finished, never undone
        else:
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
        remove_tree(old, last=MOVED)  # the marker last: a build killed while removing finishes, never undoes
    except OSError as exc:
        raise SwapIncomplete(old, exc) from None


def _move_new_in(out: Path) -> None:
    new = out / INSIDE_NEW
    for name in _entries(new):
        os.rename(new / name, out / name)
    new.rmdir()


def _recover_inside(out: Path) -> None:
    new, old = out / INSIDE_NEW, out / INSIDE_OLD
    moved = (old / MOVED).exists()
    if old.is_dir() and moved and new.is_dir():
        _move_new_in(out)  # the old site had gone: finish putting the new one in
    elif old.is_dir() and not moved:
        for name in _entries(old):  # part of the old site had gone: put it back
            os.rename(old / name, out / name)
    remove_tree(old, last=MOVED)
    remove_tree(new)


def swap(tmp: Path, out: Path) -> bool:
    """Put the finished tree tmp in out's place; False if out was missing for a moment meanwhile
    (where the system has no atomic exchange). Raises SwapIncomplete if the new tree is in place
    but the old one could not be removed, and OSError if the swap did not happen."""
    if not out.exists():
        tmp.rename(out)
        return True
    whole = _exchange(tmp, out)
    if whole:
        leftover = tmp  # the old tree, now under the temporary name
    else:
        leftover = tmp.with_name(tmp.name + OLD_SUFFIX)
        out.rename(leftover)
        tmp.rename(out)
    try:
        remove_tree(leftover)
    except OSError as exc:
        raise SwapIncomplete(leftover, exc) from None
    return whole


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


# In a staged tree (`--in-place`): the journal that says its files are to be moved in, the notes
# of what the build removes, and the record and stamps that go in last, under names that are not
# the tree's own record.
COMMIT = ".explainer-commit"
REMOVED = ".explainer-removed"  # a folder of notes: a path a line, a folder's ending in /
NEXT_RECORD = MARKER + ".next"
NEXT_STAMPS = STAMPS + ".next"
STAGED_OWN = frozenset({MARKER, COMMIT, NEXT_RECORD, NEXT_STAMPS})


def commit(staged: Path, remove: list[str]) -> None:
    """Write the journal of a staged tree whose files are all there, with the files and folders
    (ending in /) to remove: from here on, they are moved in."""
    (staged / (COMMIT + ".tmp")).write_bytes(json.dumps({"remove": remove}).encode())
    os.replace(staged / (COMMIT + ".tmp"), staged / COMMIT)


def move_in(staged: Path, out: Path) -> None:
    """Carry out a staged tree's journal: remove what it names from out, move every staged file to
    its place in out (replacing the old one), the record last; then remove the staged tree. Each
    step can be taken again, so a build killed half way through is finished by the next."""
    for path in json.loads((staged / COMMIT).read_bytes())["remove"]:
        if path.endswith("/"):
            remove_tree(out.joinpath(*relative(path[:-1])))
        else:
            remove_file(out, path)
    for top, folders, files in os.walk(staged):
        here = Path(top)
        folders[:] = sorted(f for f in folders if not (here == staged and f.startswith(".explainer-")))
        moving = sorted((name for name in files if not (here == staged and name in STAGED_OWN)), key=lambda name: (name in RECORDS, name))
        place = out / here.relative_to(staged)
        if moving:  # a folder only for files: one whose files were all dropped again is not made
            place.mkdir(parents=True, exist_ok=True)
        for name in moving:  # a folder's record after its files
            os.replace(here / name, place / name)
    for own, name in ((NEXT_STAMPS, STAMPS), (NEXT_RECORD, MARKER)):
        with contextlib.suppress(FileNotFoundError):
            os.replace(staged / own, out / name)
    remove_tree(staged)


def remove_file(out: Path, path: str) -> list[Path]:
    """Remove the file at path below out, if it is there, and the folders that leaves empty, up to
    out itself; returns those folders."""
    target = out.joinpath(*relative(path))
    target.unlink(missing_ok=True)
    emptied = []
    for parent in target.parents:
        if parent == out or not parent.is_dir() or any(parent.iterdir()):
            break
        parent.rmdir()
        emptied.append(parent)
    return emptied
