"""Rebuild time after editing one explainer, in one long-lived process keeping a preview Session,
as the preview server does (into a folder of its own, written in place).

    python bench/incremental.py PROJECT EDITS    # prints one rebuild time in ms per line
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from explainer.preview.session import Session


def main(project: Path, edits: int) -> None:
    session = Session(project, project / "preview", "http://127.0.0.1:8000/")
    session.build()
    source = sorted((project / "content").glob("*.yaml"))[len(list((project / "content").glob("*.yaml"))) // 2]
    original = source.read_text("utf-8")
    for k in range(edits):
        source.write_text(original.replace("question: ", f"question: Edit {k} ", 1), "utf-8")
        started = time.perf_counter()
        session.build()
        print(f"{(time.perf_counter() - started) * 1000:.1f}", flush=True)
    source.write_text(original, "utf-8")
    session.build()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
