"""How the importer's time grows with the article: Q&A texts of N pairs, each imported in a fresh process.

    python bench/import_scale.py                 # N = 500, 1,000, 2,000 and 5,000
    python bench/import_scale.py 100 10000

Each size runs in a process of its own, so no size finds the sentences of another already split
(the importer remembers splits within a process). The process first imports a short article of
other words, which pays the one-time set-up (loading the modules, pysbd compiling its rules);
that set-up is reported apart, and the import of the N pairs is what is timed, by the clock and
in CPU time (which other work on a shared machine disturbs less).

A content file may hold 20,000 values, about 2,200 such pairs: a larger article is refused with a
message saying to import it in parts, and the time until that message is what is measured.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def qa_text(n: int, word: str = "question") -> str:
    return "A long questions and answers piece\n\n" + "".join(
        f"Q: Is this {word} number {i}?\nA: It is {word} {i}, and its answer says so in one sentence. Another sentence follows it here.\n\n" for i in range(n))


def measure(n: int) -> dict[str, object]:
    """Import a warm-up article, then N pairs, in this process: the times and the outcome."""
    started = time.perf_counter()
    from explainer.importer.article import read_article
    from explainer.importer.structure import ImportFailed, import_article

    import_article(read_article(qa_text(3, "warm-up"), "text"), today=dt.date(2026, 1, 1), origin="bench")
    setup = time.perf_counter() - started
    text = qa_text(n)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        scaffold = import_article(read_article(text, "text"), today=dt.date(2026, 1, 1), origin="bench")
        outcome = f"{len(scaffold.yaml):,} bytes of YAML, {scaffold.report.sentences_kept:,} of {scaffold.report.sentences_read:,} sentences kept"
    except ImportFailed as exc:
        outcome = f"refused: {exc}"
    return {"n": n, "bytes": len(text), "setup": setup, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "outcome": outcome}


def main(sizes: list[int]) -> None:
    print("| Q&A pairs | article | import | its CPU time | CPU time per 1,000 pairs | set-up, once per process | outcome |")
    print("|---:|---:|---:|---:|---:|---:|:---|")
    for n in sizes:
        row = json.loads(subprocess.run([sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True).stdout)
        print(f"| {n:,} | {row['bytes']:,} bytes | {row['seconds']:.2f} s | {row['cpu']:.2f} s | {1000 * row['cpu'] / n:.2f} s | {row['setup']:.2f} s | {row['outcome']} |", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [500, 1000, 2000, 5000])
