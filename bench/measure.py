"""One command's wall and CPU seconds and peak memory, measured by a small process that starts it.

Linux keeps the largest resident set a process had before it ran another program in the peak
that os.wait4 reports, and a child begins as a copy of the process that starts it: started
straight from a benchmark that holds a large site's page set, a build would be measured at the
benchmark's size. So each command is started by a small Python process of its own, which waits
for it and reports its figures (tests/test_bench_floor.py checks it).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

STARTER = """
import os, subprocess, sys, time
started = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {time.perf_counter() - started} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
"""


@dataclass(frozen=True)
class Measured:
    status: int  # the command's exit status
    wall: float  # seconds
    cpu: float  # seconds, user and system, of the command and every process it started
    memory: float  # MB, the largest resident set of the command or any process it started
    errors: str  # what it wrote to standard error


def measure(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Measured:
    with tempfile.TemporaryFile() as errors, tempfile.NamedTemporaryFile("r") as figures:
        subprocess.run([sys.executable, "-c", STARTER, figures.name, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors, check=True)
        status, wall, cpu, maxrss = figures.read().split()
        errors.seek(0)
        return Measured(int(status), float(wall), float(cpu), int(maxrss) / 1024, errors.read().decode("utf-8", "replace"))
