"""The publishing workflow's steps, run locally: what a one-explainer change costs with and without
the kept site/.

For a synthetic site of N explainers (bench/synth.py) in a Git repository, this does what
.github/workflows/pages.yml does on a push, in the same order, in new folders:

1. the last push: a fresh `git clone`, a clean build; its site/ is kept (what actions/cache saves);
2. one explainer edited and committed (one question reworded);
3. the next push, as the workflow runs it now: a fresh `git clone`, the kept site/ copied back
   (what actions/cache restores; every content file is newer than it, as on a runner), the build
   with `--in-place`, as the workflow's;
4. the same push without the cache: a fresh `git clone` and a clean build;
5. for scale, a clean build of a project of that one explainer alone.

    python bench/publish_sim.py                 # N = 1,000 and 10,000
    python bench/publish_sim.py --sizes 100 --dir /dev/shm
    python bench/publish_sim.py --no-search     # the site without a search index (`search: false`)

With search on (the default), every build that changes a reading page runs Pagefind over the
whole site again (it has no incremental index), so a one-explainer change costs the build plus a
full index; --no-search shows the build's own part.

Each build is `python build.py` in a new process, timed whole (start-up included): wall and CPU
seconds. Cloning and copying are timed too, since the workflow waits for them; downloading the
cache, installing Python and the generator, and uploading the artifact are GitHub's and left out.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO), "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


def timed(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and standard output of one command."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if status != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read()}")
        return elapsed, usage.ru_utime + usage.ru_stime, out.read()


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=ENV, check=True, capture_output=True)


def build(project: Path, *options: str) -> tuple[float, float, str]:
    wall, cpu, out = timed([sys.executable, str(REPO / "build.py"), "--root", str(project), *options], REPO)
    return wall, cpu, out.strip().splitlines()[-1]


def clone(origin: Path, where: Path) -> float:
    wall, _, _ = timed(["git", "clone", "--quiet", str(origin), str(where)], origin.parent)
    return wall


def simulate(n: int, folder: str | None, uncached: bool = True, search: bool = True) -> dict[str, object]:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        tmp_path = Path(tmp)
        origin = make_project(n, tmp_path / "origin")
        if not search:
            with (origin / "site.yaml").open("a", encoding="utf-8") as site_file:
                site_file.write("search: false\n")
        (origin / ".gitignore").write_text("/site/\n", "utf-8")
        git("init", "--quiet", "--initial-branch=main", cwd=origin)
        git("add", "-A", cwd=origin)
        git("commit", "--quiet", "-m", "explainers", cwd=origin)

        last = tmp_path / "last-push"  # 1: the previous run, whose site/ the cache kept
        clone(origin, last)
        clean_wall, clean_cpu, _ = build(last)
        kept = tmp_path / "cache" / "site"
        shutil.copytree(last / "site", kept, symlinks=True)

        sources = sorted((origin / "content").glob("*.yaml"))  # 2: one explainer edited
        edited = sources[len(sources) // 2]
        edited.write_text(edited.read_text("utf-8").replace("question: ", "question: Now, ", 1), "utf-8")
        git("commit", "--quiet", "-am", "one question reworded", cwd=origin)

        cached = tmp_path / "cached-push"  # 3: the workflow as it runs now
        clone_seconds = clone(origin, cached)
        started = time.perf_counter()
        shutil.copytree(kept, cached / "site", symlinks=True)
        restore_seconds = time.perf_counter() - started
        cached_wall, cached_cpu, cached_line = build(cached, "--in-place")  # as the workflow builds

        fresh_wall = fresh_cpu = float("nan")
        identical: bool | None = None
        if uncached:
            fresh = tmp_path / "uncached-push"  # 4: the workflow as it ran before
            clone(origin, fresh)
            fresh_wall, fresh_cpu, _ = build(fresh)
            # The build's own record (.explainer-*) is left out: its stamps trust only file times older
            # than the build by a margin, so they depend on how soon after the clone it started.
            same = subprocess.run(["diff", "-r", "-q", "-x", ".explainer-*", str(cached / "site"), str(fresh / "site")], capture_output=True, text=True)
            identical = same.returncode == 0 and not same.stdout

        alone = make_project(0, tmp_path / "alone")  # 5: one explainer's site
        shutil.copy(edited, alone / "content" / edited.name)
        one_wall, one_cpu, _ = build(alone)
        return {
            "clean": (clean_wall, clean_cpu), "cached": (cached_wall, cached_cpu), "fresh": (fresh_wall, fresh_cpu), "one": (one_wall, one_cpu),
            "clone": clone_seconds, "restore": restore_seconds, "line": re.sub(r" in [\d.]+s$", "", cached_line),
            "identical": identical,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000])
    parser.add_argument("--no-uncached", action="store_true", help="skip step 4 (a second clean build; step 1 is one already)")
    parser.add_argument("--dir", default=None, help="where to make the repositories (default: the system's temporary folder)")
    parser.add_argument("--no-search", action="store_true", help="build with search: false")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}; {'no search' if args.no_search else 'search'}; one run each; wall (CPU) seconds")
    print("| explainers | clean build | one-explainer change, kept site/: clone + restore + build | ... the build alone | without the cache (clone + clean build) | one explainer's own site | the build's line | same site as a clean build |")
    print("|---:|---:|---:|---:|---:|---:|:---|:---:|")
    for n in args.sizes:
        r = simulate(n, args.dir, not args.no_uncached, not args.no_search)
        cw, cc = r["cached"]  # type: ignore[misc]
        fw, fc = r["fresh"]  # type: ignore[misc]
        total = r["clone"] + r["restore"] + cw  # type: ignore[operator]
        print(f"| {n:,} | {r['clean'][0]:.2f} s ({r['clean'][1]:.2f} s) | {total:.2f} s ({r['clone']:.2f} + {r['restore']:.2f} + {cw:.2f}) "  # type: ignore[index]
              f"| {cw:.2f} s ({cc:.2f} s) | {r['clone'] + fw:.2f} s ({fc:.2f} s) | {r['one'][0]:.2f} s ({r['one'][1]:.2f} s) | {r['line']} "  # type: ignore[index, operator]
              f"| {'not checked' if r['identical'] is None else 'yes' if r['identical'] else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()
