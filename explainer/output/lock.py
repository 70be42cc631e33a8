"""One build at a time per output folder.

The lock is an flock on the output folder itself, so it belongs to the folder it protects and
writes nothing. A build that replaces the folder by a new tree swaps the two at its end, so a
build waiting for the lock may find it was waiting on a folder that is gone: it then takes the
lock of the folder now at that name. A missing folder is first put back if a killed build left
it half swapped (swap.put_back); else one is made to be locked, and removed again if the build
leaves it empty. The lock is released if the process dies.
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


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the lock of the output folder `out` while building, so two builds never write it at once."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks
        yield
        return
    made = False
    for _ in range(LOCK_TRIES):
        if not out.exists() and not put_back(out):
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
    try:
        yield
    finally:
        os.close(fd)  # closing releases the lock
        if made:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if the build left it empty
