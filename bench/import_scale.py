"""How the importer's time grows with the article: Q&A texts of N pairs, imported in one process.

    python bench/import_scale.py                 # N = 500, 1,000, 2,000 and 5,000
    python bench/import_scale.py 100 10000

A content file may hold 20,000 values, about 2,200 such pairs: a larger article is refused with a
message saying to import it in parts, and the time until that message is what is measured.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explainer.importer.article import read_article  # noqa: E402
from explainer.importer.structure import ImportFailed, import_article  # noqa: E402


def qa_text(n: int) -> str:
    return "A long questions and answers piece\n\n" + "".join(
        f"Q: Is this question number {i}?\nA: It is question {i}, and its answer says so in one sentence. Another sentence follows it here.\n\n" for i in range(n))


def main(sizes: list[int]) -> None:
    print("| Q&A pairs | article | import | outcome |")
    print("|---:|---:|---:|:---|")
    for n in sizes:
        text = qa_text(n)
        started = time.perf_counter()
        try:
            scaffold = import_article(read_article(text, "text"), today=dt.date(2026, 1, 1), origin="bench")
            outcome = f"{len(scaffold.yaml):,} bytes of YAML, {scaffold.report.sentences_kept:,} of {scaffold.report.sentences_read:,} sentences kept"
        except ImportFailed as exc:
            outcome = f"refused: {exc}"
        print(f"| {n:,} | {len(text):,} bytes | {time.perf_counter() - started:.2f} s | {outcome} |", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 1000, 2000, 5000])
