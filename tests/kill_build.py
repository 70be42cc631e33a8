"""Run `build.py` on one core and kill it (SIGKILL, no clean-up) at a chosen write step.

    python tests/kill_build.py count ARGS...        prints how many times each step ran
    python tests/kill_build.py KIND:N ARGS...       dies just before the N-th step of KIND
    python tests/kill_build.py --no-exchange ...    as on a system without an atomic exchange of two folders

A step taken while the build removes a tree of its own (`swap.remove_tree`: an old site, once the
new one is in) is counted a second time under its kind with `old-` before it (`old-unlink:1`), so
a test can aim at that removal whatever other files the build removed before it (the search
index's scratch folder, for one).

The steps are the calls through which a build changes the file system: making a folder,
hard-linking a kept file, writing a file, unlinking, renaming, syncing, the atomic exchange of two
folders and removing a tree. The build runs on one core so the steps come in the same order every
time, and the kill lands on exactly the step named. tests/test_failures.py uses it.
"""

from __future__ import annotations

import collections
import functools
import json
import os
import pathlib
import shutil
import signal
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from explainer import cli
from explainer.output import swap  # noqa: E402

counts: collections.Counter[str] = collections.Counter()
target: tuple[str, int] | None = None
removing = [False]  # inside swap.remove_tree


def step(kind: str, function):  # type: ignore[no-untyped-def]
    @functools.wraps(function)
    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        for name in [kind, f"old-{kind}"] if removing[0] else [kind]:
            counts[name] += 1
            if target == (name, counts[name]):
                os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)

    return counted


def removal(function):  # type: ignore[no-untyped-def]
    @functools.wraps(function)
    def marked(*args, **kwargs):  # type: ignore[no-untyped-def]
        removing[0] = True
        try:
            return function(*args, **kwargs)
        finally:
            removing[0] = False

    return marked


def main() -> int:
    global target
    no_exchange = sys.argv[1] == "--no-exchange"
    mode, args = sys.argv[1 + no_exchange], sys.argv[2 + no_exchange:]
    if mode != "count":
        kind, n = mode.rsplit(":", 1)
        target = (kind, int(n))
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core: no worker processes
    os.mkdir = step("mkdir", os.mkdir)
    os.link = step("link", os.link)
    os.unlink = step("unlink", os.unlink)
    os.rename = step("rename", os.rename)
    os.replace = step("replace", os.replace)
    os.fsync = step("fsync", os.fsync)
    pathlib.Path.write_bytes = step("write", pathlib.Path.write_bytes)
    swap._exchange = step("exchange", (lambda a, b: False) if no_exchange else swap._exchange)
    swap.shutil.rmtree = step("rmtree", shutil.rmtree)
    swap.remove_tree = removal(swap.remove_tree)
    status = cli.main(args)
    if mode == "count":
        print(json.dumps(dict(counts)), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
