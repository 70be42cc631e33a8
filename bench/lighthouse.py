"""Lighthouse scores of the built explainer page (and, when present, one embed page).

Builds the bundled content, serves site/ on 127.0.0.1, runs Lighthouse 12.2.3 (from npm, with
Debian's chromium) and prints the four category scores for each page.

    python bench/lighthouse.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from webtools import static_server  # noqa: E402

CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run"
SLUG = "why-trump-wants-to-meet-putin-again"


def scores(url: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            ["npx", "--yes", "lighthouse@12.2.3", url, "--quiet", "--output=json", f"--output-path={report}",
             f"--chrome-flags={CHROME_FLAGS}", "--only-categories=performance,accessibility,best-practices,seo"],
            check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        )
        categories = json.loads(report.read_text())["categories"]
    return {name: round(c["score"] * 100) for name, c in categories.items()}


def main() -> None:
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(REPO)], check=True, stdout=subprocess.DEVNULL)
    site = REPO / "site"
    pages = [f"{SLUG}/"]
    embeds = sorted((site / SLUG / "embed").glob("*/index.html")) if (site / SLUG / "embed").is_dir() else []
    if embeds:
        pages.append(embeds[0].parent.relative_to(site).as_posix() + "/")
    with static_server(site) as base:
        print("| page | performance | accessibility | best practices | SEO |")
        print("|---|---:|---:|---:|---:|")
        for page in pages:
            s = scores(base + page)
            print(f"| /{page} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} |", flush=True)


if __name__ == "__main__":
    main()
