"""Edit-to-reload latency of `build.py serve`: from saving a file to the open page showing the edit.

Starts the preview server on a synthetic project, opens an explainer in headless Chromium
(Debian's, through Playwright), edits one question several times and reports the median time
until the new text is on screen, and the server's own rebuild time.

The target is TARGET_MS at 1 and at 1,000 explainers: the time a reader takes a page change to be
immediate. What it is made of: the operating system's report of the save and the preview's wait
for an editor's write-and-rename to settle (serve.SETTLE_MS), the rebuild, the reload message, and
the browser fetching and laying out the page again.

    python bench/reload_latency.py            # N = 1 and 1000, 7 edits each
    python bench/reload_latency.py 1 100 --edits 5
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TARGET_MS = 200


def measure(n: int, edits: int) -> tuple[float, float]:
    """Median edit-to-screen seconds and median server rebuild milliseconds for a site of n explainers."""
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(n, Path(tmp) / "project")
        server = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        lines: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert server.stdout is not None
            for line in server.stdout:
                lines.append(line)
                if line.startswith("Serving http"):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        try:
            if not ready.wait(1800):
                raise SystemExit("the server did not start:\n" + "".join(lines))
            url = re.search(r"Serving (http://\S+)", "".join(lines)).group(1)  # type: ignore[union-attr]
            source = root / "content" / "explainer-00000.yaml"
            latencies = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(url + "explainer-00000/")
                time.sleep(1.5)  # let the reload socket connect
                for k in range(edits):
                    text = source.read_text("utf-8")
                    marker = f"Edited question {k}?"
                    text = re.sub(r"question: .*", f"question: {marker}", text, count=1)
                    started = time.perf_counter()
                    source.write_text(text, "utf-8")
                    page.get_by_role("heading", name=marker).wait_for(timeout=60_000)
                    latencies.append(time.perf_counter() - started)
                    time.sleep(0.5)
                browser.close()
            rebuilds = [float(m) for m in re.findall(r"written in (\d+) ms", "".join(lines))[1:]]
            return statistics.median(latencies), statistics.median(rebuilds) if rebuilds else float("nan")
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1, 1000])
    parser.add_argument("--edits", type=int, default=7)
    args = parser.parse_args()
    print(f"{'explainers':>10}  {'edit to screen (median)':>24}  {'server rebuild (median)':>24}  target")
    for n in args.sizes:
        latency, rebuild = measure(n, args.edits)
        verdict = "met" if latency * 1000 <= TARGET_MS else "missed"
        print(f"{n:>10}  {latency * 1000:>21.0f} ms  {rebuild:>21.0f} ms  {TARGET_MS} ms, {verdict}")


if __name__ == "__main__":
    main()
