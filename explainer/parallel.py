"""Spread a large batch of independent work over the machine's cores.

Workers are forked, so they inherit the work list, the compiled templates and the schema
validators instead of receiving them pickled; only results travel back. Small batches, and
systems without fork, run in the calling process: a pool costs more than it saves there.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool does not pay for its start-up.
MIN_ITEMS = 200

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    assert _WORK is not None
    func, items = _WORK
    return [func(item) for item in items[bounds[0]:bounds[1]]]


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_map(func: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """func(item) for each item, in order, over several processes when it is worth it.

    Results are yielded as they arrive, so the caller can write them out without holding all.
    """
    global _WORK
    count = workers()
    if len(items) < MIN_ITEMS or count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (func(item) for item in items)
        return
    # Several slices per worker, so one slow slice does not leave the other cores idle.
    size = max(1, len(items) // (count * 4))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _WORK = (func, items)
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            for chunk in pool.map(_run_slice, bounds):
                yield from chunk
    finally:
        _WORK = None
