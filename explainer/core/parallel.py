"""Spread a large batch of independent work over the machine's cores.

Workers are forked, so they inherit the work list, the compiled templates and the schema
validators instead of receiving them pickled; only results travel back. Small batches, and
systems without fork, run in the calling process: a pool costs more than it saves there.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items (of a page's worth of work each) a pool does not pay for its start-up.
MIN_ITEMS = 200
# The same for explainers, which are large units of work (fifty-odd files each): a pool pays for
# itself sooner than for single pages.
MIN_GROUPS = 16

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
_PARENT = 0  # the process that started the pool


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    assert _WORK is not None
    func, items = _WORK
    return [func(item) for item in items[bounds[0]:bounds[1]]]


def _die_with_parent() -> None:
    """In a worker: ask Linux to kill this process when the build that forked it dies, so a
    killed build leaves no worker behind still writing or holding the build's lock."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end when their work queue closes
        return
    if os.getppid() != _PARENT:  # the parent died before the request took effect
        os._exit(1)


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_map(func: Callable[[T], R], items: Sequence[T], min_items: int = MIN_ITEMS) -> Iterator[R]:
    """func(item) for each item, in order, over several processes when it is worth it.

    Results are yielded as they arrive, so the caller can write them out without holding all.
    """
    global _WORK, _PARENT
    count = workers()
    if len(items) < min_items or count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (func(item) for item in items)
        return
    # Several slices per worker, so one slow slice does not leave the other cores idle.
    size = max(1, len(items) // (count * 4))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _WORK, _PARENT = (func, items), os.getpid()
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"), initializer=_die_with_parent) as pool:
            for chunk in pool.map(_run_slice, bounds):
                yield from chunk
    finally:
        _WORK = None
