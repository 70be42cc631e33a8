"""Time and peak memory of a build refusing each hostile YAML file (tests/invalid/*.yaml and the
large generated files of tests/test_hostile_yaml.py), each in its own process.

    python bench/hostile_yaml.py

Peak memory is the build process's maximum resident set size (os.wait4), time is wall-clock from
start to exit, Python's start-up and imports included. The worst of each is printed last.

Each build is started by a small Python process of its own, not by this one: Linux counts the
memory a process had when it was forked towards its peak, so a build forked from here would seem
at least as large as this process, which holds every case.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_hostile_yaml import CASES, MEMORY  # noqa: E402

# Starts the command in its arguments under the tests' memory limit, waits, and prints its exit
# status, seconds and peak resident memory in KB.
STARTER = """
import os, resource, subprocess, sys, time
def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
start = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=limit_memory)
_, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - start
process.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keep Popen from waiting again
print(process.returncode, seconds, usage.ru_maxrss)
"""


def measure(root: Path) -> tuple[int, float, int]:
    """Exit status, seconds and peak resident memory in KB of one build of root."""
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root)]
    out = subprocess.run([sys.executable, "-c", STARTER, str(MEMORY), *command], capture_output=True, text=True, check=True).stdout
    code, seconds, kb = out.split()
    return int(code), float(seconds), int(kb)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for case, (raw, _) in sorted(CASES.items()):
            root = Path(folder) / case
            (root / "content").mkdir(parents=True)
            shutil.copytree(REPO / "templates", root / "templates")
            shutil.copy(REPO / "site.yaml", root / "site.yaml")
            (root / "content" / f"{case}.yaml").write_bytes(raw)
            code, seconds, kb = measure(root)
            rows.append((case, code, seconds, kb))
            print(f"{case:28} exit {code}  {seconds:6.2f} s  {kb / 1024:7.1f} MB")
    slowest = max(rows, key=lambda r: r[2])
    largest = max(rows, key=lambda r: r[3])
    print(f"worst time:   {slowest[2]:.2f} s ({slowest[0]})")
    print(f"worst memory: {largest[3] / 1024:.1f} MB ({largest[0]})")
    if any(code != 1 for _, code, _, _ in rows):
        sys.exit("a hostile file was not refused with exit status 1")


if __name__ == "__main__":
    main()
