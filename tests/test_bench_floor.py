"""The benchmark's floor (bench/floor.py) makes the pages the build makes, so the ratio
bench/build_bench.py reports compares the same work; a change to the planning code it calls
breaks it here, not in the middle of a benchmark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from explainer.pipeline import build

sys.path.insert(0, str(REPO / "bench"))
from synth import make_project as synthetic_project  # noqa: E402


@pytest.mark.subprocess
def test_the_floor_writes_every_reading_and_embed_page_the_build_writes_for_the_same_explainers(tmp_path: Path) -> None:
    root = synthetic_project(2, tmp_path / "project", slim=True)
    floor = subprocess.run([sys.executable, str(REPO / "bench" / "floor.py"), str(root), str(tmp_path / "floor")],
                           capture_output=True, text=True, timeout=120)
    assert floor.returncode == 0, floor.stderr
    build(root)
    explainers = {p.name for p in (root / "site").iterdir() if (p / "index.html").is_file() and p.name.startswith("explainer-")}
    assert len(explainers) == 2

    def pages(out: Path) -> set[str]:
        return {str(p.relative_to(out)) for p in out.rglob("*.html") if p.relative_to(out).parts[0] in explainers}

    made = pages(tmp_path / "floor")
    assert made and made == pages(root / "site")


@pytest.mark.subprocess
def test_the_peers_benchmark_measures_a_builds_memory_not_its_own(tmp_path: Path) -> None:
    # The benchmark holds every size's expected page set; a build it starts must not be measured at
    # that size (Linux counts the starting process's resident set in its child's peak).
    from peers import Generator, run

    held = bytearray(400 * 1024 * 1024)
    for i in range(0, len(held), 4096):
        held[i] = 1
    build_of_100_mb = "b = bytearray(100 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1"
    timing = run(Generator("a build", "", [sys.executable, "-c", build_of_100_mb], tmp_path, tmp_path, []))
    assert 100 < timing.memory < 200, timing
    assert timing.cpu > 0 and timing.wall >= timing.cpu / 8
    del held
