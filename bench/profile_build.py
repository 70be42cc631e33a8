"""Profile a clean build of N synthetic explainers (bench/synth.py) with cProfile, in one process.

    python bench/profile_build.py 1000              # the top costs, by own time and by cumulative time
    python bench/profile_build.py 100 --top 40 --save build.prof

The build's worker processes are not used (cProfile sees one process only), so the figures are
the work of every core added up, as the CPU time of a build is. Social images are included: they
are part of a clean build.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="also write the profile here (for snakeviz, say)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(args.n, Path(tmp) / "project")
        from explainer.core import parallel

        parallel.workers = lambda: 1  # one process, so the profile sees all the work
        from explainer.pipeline import build

        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        result = build(project)
        profile.disable()
        print(f"{args.n} explainers, {result.pages} files, {time.perf_counter() - started:.2f} s under the profiler")
        if args.save:
            profile.dump_stats(args.save)
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
            text = out.getvalue()
            print(text[text.index("   ncalls"):])


if __name__ == "__main__":
    main()
