"""Rebuild time after editing one explainer, in one long-lived process keeping a rebuild.Memory,
as the preview server does (into a folder of its own, written in place).

    python bench/incremental.py PROJECT EDITS    # prints one rebuild time in ms per line
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from explainer.output.rebuild import Memory
from explainer.pipeline import build


def main(project: Path, edits: int) -> None:
    memory = Memory()
    out = project / "preview"
    build(project, out, memory=memory)
    source = sorted((project / "content").glob("*.yaml"))[len(list((project / "content").glob("*.yaml"))) // 2]
    original = source.read_text("utf-8")
    for k in range(edits):
        source.write_text(original.replace("question: ", f"question: Edit {k} ", 1), "utf-8")
        started = time.perf_counter()
        build(project, out, memory=memory)
        print(f"{(time.perf_counter() - started) * 1000:.1f}", flush=True)
    source.write_text(original, "utf-8")
    build(project, out, memory=memory)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
