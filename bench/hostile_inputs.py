"""How long `check` and `import` take on hostile inputs, each made here and run in a process of its
own, Python's start-up included (tests/test_import_bounds.py and tests/test_check.py hold what
each must print; the times are measured here, never asserted in a test).

    python bench/hostile_inputs.py                  # every case
    python bench/hostile_inputs.py check            # the cases whose name holds "check"
    python bench/hostile_inputs.py --repo OTHER     # OTHER's build.py (a checkout of an older version, to compare)

check: a source whose one paragraph holds N sentences, and an explainer holding them all, a
thousand to a question; and N sentences that share words with every one of N passages but that
none supports (each is weighed against the passages that hold its words). import: pages of 20 MB (refused
before they are parsed) and of 9.9 MB, pages of short elements either side of the bound on elements, a
10 MB sentence, a 50 MB line, a named pipe that nothing writes to. The worst YAML files are measured by bench/hostile_yaml.py.

Each run is given at most LIMIT seconds; one that takes longer is printed as "> LIMIT s".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIMIT = 150
EXPLAINER = """slug: many
title: Many sentences
dek: A paragraph of many sentences.
published: 2025-01-02
made_from:
  - seeds/article.txt
sections:
"""


def _sentence(i: int) -> str:
    return f"Vote {i} passed on Jan. {i % 28 + 1} in the U.S. city."


def check_case(n: int) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        (root / "seeds").mkdir()
        (root / "seeds" / "article.txt").write_text("What happened?\n\n" + " ".join(_sentence(i) for i in range(n)) + "\n", "utf-8")
        sections = "".join(f"  - id: q{k}\n    question: What happened?\n    short_answer: Votes passed.\n    answer: |\n      "
                           + " ".join(_sentence(i) for i in range(k, min(k + 1000, n))) + "\n" for k in range(0, n, 1000))
        (root / "content" / "many.yaml").write_text(EXPLAINER + sections, "utf-8")
        return ["check"]
    return make


def unsupported_case(n: int) -> Callable[[Path], list[str]]:
    """N one-sentence paragraphs, and an explainer of N sentences each sharing words with all of them but supported by none."""
    def make(root: Path) -> list[str]:
        (root / "seeds").mkdir()
        (root / "seeds" / "article.txt").write_text("What happened?\n\n" + "".join(f"Vote {i} passed in the city council.\n\n" for i in range(n)), "utf-8")
        sections = "".join(f"  - id: q{k}\n    question: What happened?\n    short_answer: Votes passed.\n    answer: |\n      "
                           + " ".join(f"Vote {i} failed in the town hall." for i in range(k, min(k + 1000, n))) + "\n" for k in range(0, n, 1000))
        (root / "content" / "many.yaml").write_text(EXPLAINER + sections, "utf-8")
        return ["check"]
    return make


def import_case(name: str, write: Callable[[Path], None], *extra: str) -> Callable[[Path], list[str]]:
    def make(root: Path) -> list[str]:
        write(root / name)
        return ["import", str(root / name), "-o", "-", *extra]
    return make


def _page(path: Path) -> None:
    paragraph = "<p>" + "The council voted on the budget for the new school. " * 40 + "</p>\n"
    path.write_text("<html><body><article><h1>A big page</h1>" + paragraph * (20_000_000 // len(paragraph)) + "</article></body></html>", "utf-8")


def _page_with_menu(size: int) -> Callable[[Path], None]:
    """A page of `size` bytes or so: a menu, then paragraphs each its own, so trafilatura finds the article."""
    def write(path: Path) -> None:
        paragraphs = "".join(f"<p>Vote {i}: " + f"the council voted on line {i} of the budget for the new school. " * 30 + "</p>\n"
                             for i in range(size // 1_970))
        path.write_text(f"<html><body><nav><a href='/'>Home</a></nav><div><h1>A big page</h1>{paragraphs}</div></body></html>", "utf-8")
    return write


def _page_of_elements(n: int) -> Callable[[Path], None]:
    """A page of about n elements, each of a few characters: short <div>s, one after another."""
    def write(path: Path) -> None:
        divs = "".join(f"<div><span>{i}</span></div>" for i in range((n - 10) // 2))
        path.write_text(f"<html><body><nav><a href='/'>Home</a></nav><div><h1>Divs</h1>{divs}</div></body></html>", "utf-8")
    return write


def _sentence_10mb(path: Path) -> None:
    path.write_text("A title\n\n" + "word, " * (10_000_000 // 6) + "end.\n", "utf-8")


def _line_50mb(path: Path) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        for _ in range(50):
            stream.write("x" * 999_999)
        stream.write("\n")


CASES: dict[str, Callable[[Path], list[str]]] = {
    "check: one paragraph of 1,000 sentences": check_case(1_000),
    "check: one paragraph of 5,000 sentences": check_case(5_000),
    "check: one paragraph of 10,000 sentences": check_case(10_000),
    "check: 3,000 sentences none of 3,000 passages supports": unsupported_case(3_000),
    "check: 10,000 sentences none of 10,000 passages supports": unsupported_case(10_000),
    "import: a 20 MB page": import_case("page.html", _page),
    "import: a 20 MB page with a menu": import_case("page.html", _page_with_menu(20_000_000)),
    "import: a 9.9 MB page with a menu": import_case("page.html", _page_with_menu(9_900_000)),
    "import: a page of 49,990 short elements": import_case("page.html", _page_of_elements(50_000)),
    "import: a page of 60,000 short elements": import_case("page.html", _page_of_elements(60_000)),
    "import: a 10 MB sentence": import_case("sentence.txt", _sentence_10mb),
    "import: a 50 MB line": import_case("line.txt", _line_50mb),
    "import: a named pipe nothing writes to (--timeout 5)": import_case("pipe.txt", os.mkfifo, "--timeout", "5"),
}


def measure(build_py: Path, root: Path, args: list[str]) -> tuple[str, str]:
    """Seconds (or "> LIMIT s") and the last line the command printed."""
    started = time.perf_counter()
    try:
        result = subprocess.run([sys.executable, str(build_py), *args, "--root", str(root)], capture_output=True, text=True, timeout=LIMIT,
                                cwd=root)
    except subprocess.TimeoutExpired:
        return f"> {LIMIT} s", "(stopped)"
    seconds = time.perf_counter() - started
    lines = (result.stderr or result.stdout).strip().splitlines()
    return f"{seconds:.2f} s", f"exit {result.returncode}: {lines[-1][:140] if lines else ''}"


def main(argv: list[str]) -> None:
    repo = Path(argv[argv.index("--repo") + 1]) if "--repo" in argv else REPO
    wanted = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--repo")]
    print("| case | time | outcome |")
    print("|:---|---:|:---|")
    for name, make in CASES.items():
        if wanted and not any(w in name for w in wanted):
            continue
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / "project"
            (root / "content").mkdir(parents=True)
            shutil.copy(REPO / "site.yaml", root / "site.yaml")
            seconds, outcome = measure(repo / "build.py", root, make(root))
        print(f"| {name} | {seconds} | {outcome} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
