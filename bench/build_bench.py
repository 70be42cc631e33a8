"""Build benchmark: clean build, rebuild after one edit, no-change rebuild, peak memory and bytes
per explainer, against the floor (bench/floor.py, with and without the social images that are
most of a clean build's work), for synthetic sites of N explainers.

    python bench/build_bench.py                      # N = 100, 1,000 and 10,000; 3 runs each
    python bench/build_bench.py --sizes 100 1000 --runs 5 --dir /dev/shm
    python bench/build_bench.py --sizes 1000 --pictures     # each explainer with a lead picture of its own

Every figure is the median of the runs. Peak memory is the largest resident set of any one
process of the build (os.wait4). "CPU" is the processor time of the clean build and every worker
it started (os.wait4 again): on a machine that other work keeps busy, it moves far less than the
wall time, so it is the fairer figure for comparing two builds there. "Rebuild after 1 edit" is the preview's rebuild in a long-lived
process (bench/incremental.py); "... new process" is `python build.py` after the same edit, which
assembles a new tree beside site/ and swaps it in, so it creates every folder of the site again;
"... in place" is `python build.py --in-place`, as the publishing workflow builds, which moves
only the changed files into site/.
--dir puts the projects and their output somewhere else than the system's temporary folder: on
a disk where creating a file or folder is slow, a RAM-backed folder (/dev/shm) shows the build's
own cost. Run it on a quiet machine; on a busy one, compare the CPU time (user and system, of the
build and every process it started) rather than the clock's.

--topics gives each synthetic explainer one to three topics (bench/synth.py), so the build makes
topic pages and feeds and related lists that share topics; --no-search sets `search: false`;
--code DIR builds with the generator in DIR instead of this checkout (an older version, say, to
measure what a change costs); --clean-only measures the clean build alone (for 10,000). The
search index's size is that of site/pagefind/.

    python bench/build_bench.py --sizes 1000 --runs 1 --no-floor --topics --dir /dev/shm
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import measure  # noqa: E402
from synth import make_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
CPU: list[float] = []  # the CPU seconds of each command run, in order




def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one command (and of what it started: Pagefind, the
    workers; bench/measure.py). Its CPU seconds are added to CPU. The disk is synced first, so
    less of the writing left by the step before (a build's files, a folder removed) falls in this
    one's time."""
    os.sync()
    done = measure(args, env=ENV)
    if done.status != 0:
        raise SystemExit(f"{' '.join(args)} failed with status {done.status}: {done.errors.strip()[-500:]}")
    CPU.append(done.cpu)
    return done.wall, done.memory


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def edit_once(project: Path, build: list[str], runs: int) -> float:
    """Median seconds of `python build.py` after editing one explainer's question, in a new process each time."""
    sources = sorted((project / "content").glob("*.yaml"))
    source = sources[len(sources) // 2]
    original = source.read_text("utf-8")
    times = []
    for k in range(runs):
        source.write_text(original.replace("question: ", f"question: Edit {k} ", 1), "utf-8")
        times.append(run(build)[0])
    source.write_text(original, "utf-8")
    run(build)
    return statistics.median(times)


def bench(n: int, runs: int, floor_too: bool = True, folder: str | None = None, image_floor: bool = True, topics: bool = False, search: bool = True,
          code: Path = REPO, clean_only: bool = False, pictures: bool = False) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        project = make_project(n, Path(tmp) / "project", pictures, topics=topics)
        if not search:
            with (project / "site.yaml").open("a", encoding="utf-8") as site_file:
                site_file.write("search: false\n")
        site, floor_out = project / "site", Path(tmp) / "floor"
        ENV["PYTHONPATH"] = str(code)
        build = [PYTHON, str(code / "build.py"), "--root", str(project)]
        clean, memory, floor, floor_images, cpu = [], [], [], [], []
        floor_cmd = [PYTHON, str(REPO / "bench" / "floor.py"), str(project), str(floor_out)]
        for _ in range(runs):
            shutil.rmtree(site, ignore_errors=True)
            seconds, mb = run(build)
            clean.append(seconds)
            cpu.append(CPU[-1])
            memory.append(mb)
            if floor_too:
                shutil.rmtree(floor_out, ignore_errors=True)
                floor.append(run(floor_cmd)[0])
                shutil.rmtree(floor_out, ignore_errors=True)
                if image_floor:
                    floor_images.append(run(floor_cmd + ["--images"])[0])
                    shutil.rmtree(floor_out, ignore_errors=True)
        index = site / "pagefind"
        measured = {
            "clean": statistics.median(clean), "cpu": statistics.median(cpu), "memory": max(memory), "bytes": folder_bytes(site) / n,
            "search_bytes": folder_bytes(index) if index.is_dir() else 0, "search_files": sum(1 for p in index.rglob("*") if p.is_file()),
            "floor": statistics.median(floor) if floor else float("nan"), "floor_images": statistics.median(floor_images) if floor_images else float("nan"),
            "edit_ms": float("nan"), "edit_cli": float("nan"), "edit_cli_cpu": float("nan"), "edit_in_place": float("nan"), "unchanged": float("nan"),
        }
        if clean_only:
            return measured
        unchanged = [run(build)[0] for _ in range(runs)]
        edit_cli = edit_once(project, build, runs)
        edit_cpu = statistics.median(CPU[-runs - 1:-1])  # the edits' builds, not the one putting the file back
        edit_in_place = edit_once(project, [*build, "--in-place"], runs)
        edits = subprocess.run([PYTHON, str(REPO / "bench" / "incremental.py"), str(project), str(max(runs, 5))],
                               capture_output=True, text=True, env=ENV, check=True).stdout.split()
        return measured | {"edit_ms": statistics.median(float(e) for e in edits), "edit_cli": edit_cli, "edit_cli_cpu": edit_cpu, "edit_in_place": edit_in_place,
                           "unchanged": statistics.median(unchanged)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (it takes as long again at 10,000)")
    parser.add_argument("--no-image-floor", action="store_true", help="skip the floor that also draws the social images")
    parser.add_argument("--dir", default=None, help="where to make the projects (default: the system's temporary folder)")
    parser.add_argument("--topics", action="store_true", help="give the synthetic explainers topics")
    parser.add_argument("--no-search", action="store_true", help="build with search: false")
    parser.add_argument("--code", type=Path, default=REPO, help="build with the generator in this folder (default: this checkout)")
    parser.add_argument("--clean-only", action="store_true", help="measure the clean build alone")
    parser.add_argument("--pictures", action="store_true", help="give each explainer a lead picture of its own (bench/synth.py)")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}; median of {args.runs} runs; "
          f"load {os.getloadavg()[0]:.1f}; {'topics' if args.topics else 'no topics'}, {'no search' if args.no_search else 'search'}{', pictures' if args.pictures else ''}, code in {args.code}")
    print("| explainers | clean build | CPU | floor (HTML) | floor + images | build / floor | build / floor + images | rebuild after 1 edit | ... new process | ... CPU | ... in place "
          "| no-change rebuild | peak memory | bytes/explainer | search index |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = bench(n, args.runs, not args.no_floor, args.dir, not args.no_image_floor, args.topics, not args.no_search, args.code.resolve(), args.clean_only, args.pictures)
        print(f"| {n:,} | {r['clean']:.2f} s | {r['cpu']:.1f} s | {r['floor']:.2f} s | {r['floor_images']:.2f} s | {r['clean'] / r['floor']:.2f} | {r['clean'] / r['floor_images']:.2f} "
              f"| {r['edit_ms']:.0f} ms | {r['edit_cli']:.2f} s | {r['edit_cli_cpu']:.1f} s | {r['edit_in_place']:.2f} s | {r['unchanged']:.2f} s | {r['memory']:.0f} MB | {r['bytes']:,.0f} "
              f"| {r['search_bytes'] / 1e6:,.1f} MB in {r['search_files']:,} files |", flush=True)


if __name__ == "__main__":
    main()
