"""One build at a time per output folder, for the whole of the build.

The lock is an flock on the output folder itself, so it belongs to the folder it protects and
writes nothing. A build that replaces the folder by a new tree swaps the two near its end, so it
takes the new tree's lock too (`BuildLock.hold`) before the swap, and keeps both until it has
removed the old tree: a build waiting for the lock finds it was waiting on a folder that is gone,
takes the lock of the folder now at that name, and waits again, until the first build has ended.
A missing folder is first put back if a killed build left it half swapped (swap.put_back), or
waited for if a running build is between the two renames of its swap; else one is made to be
locked, and removed again if the build leaves it empty. Every lock is released if the process dies.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from explainer.errors import BuildError, ContentError
from explainer.output.swap import put_back

# A moment's grace: the workers of a build that was just stopped may take that long to end.
LOCK_TRIES = 20  # a tenth of a second each


def _busy(out: Path) -> BuildError:
    return BuildError([ContentError(out.name, 1, 1, "(output)", f"another build is writing '{out.name}/' now; wait for it to finish and try again")])


class BuildLock:
    """The locks one build holds: its output folder's, and that of each tree it will swap in."""

    def __init__(self) -> None:
        self.fds: list[int] = []

    def hold(self, tree: Path) -> None:
        """Lock a tree this build made, so that once swapped in, no other build takes it before this one ends."""
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks
            return
        fd = os.open(tree, os.O_RDONLY)
        self.fds.append(fd)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no other build can know of it yet

    def release(self) -> None:
        for fd in self.fds:
            os.close(fd)  # closing releases the lock
        self.fds.clear()


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[BuildLock]:
    """Hold the lock of the output folder `out` while building, so two builds never write it at once."""
    lock = BuildLock()
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks
        yield lock
        return
    made = False
    for _ in range(LOCK_TRIES):
        if not out.exists():
            back = put_back(out)
            if back is None:  # a running build is between the two renames of its swap
                time.sleep(0.1)
                continue
            if not back:
                out.mkdir(parents=True, exist_ok=True)
                made = True
        fd = os.open(out, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            time.sleep(0.1)
            continue
        try:
            if os.fstat(fd).st_ino == os.stat(out).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)  # the folder was swapped away while this build waited: lock the one there now
    else:
        raise _busy(out)
    lock.fds.append(fd)
    try:
        yield lock
    finally:
        lock.release()
        if made:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if the build left it empty
