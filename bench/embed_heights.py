#!/usr/bin/env python3
"""Measure how tall embeds are where newsrooms put them: in a WordPress post (WordPress's own
oEmbed discovery and filter under php-cli, its wp-embed.js in Chromium) and under a pym.js parent,
at 320- and 600-pixel columns, against the height of the item itself.

    python bench/embed_heights.py

Needs Debian's chromium, php-cli and wordpress (apt-get install -y chromium php-cli wordpress) and
the test tools (npm ci --prefix tests) for pym.js. Prints one row per item, host and width: the
frame's height, the content's, and the difference.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.pipeline import build  # noqa: E402

WORDPRESS = Path("/usr/share/wordpress")
HARNESS = ROOT / "tests" / "wordpress" / "oembed.php"
PYM = ROOT / "tests" / "node_modules" / "pym.js" / "dist" / "pym.v1.min.js"
SLUG = "why-trump-wants-to-meet-putin-again"
ITEMS = ("sanctions-rollback", "why-another-summit")
WIDTHS = (320, 600)


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/"


def page(body: str, head: str = "") -> str:
    return f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>{head}</head><body>{body}</body></html>'


def settled_height(frame_element, frame, timeout: float = 15) -> tuple[float, float]:
    """The frame's height and its content's, once they have stopped changing."""
    last, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = (frame_element.bounding_box()["height"], frame.evaluate("document.querySelector('main').getBoundingClientRect().height"))
        if now == last and abs(now[0] - now[1]) <= 2:
            return now
        last = now
        time.sleep(0.3)
    return last


def main() -> int:
    work = Path(tempfile.mkdtemp())
    site, host = work / "site", work / "host"
    host.mkdir()
    shutil.copy(WORDPRESS / "wp-includes" / "js" / "wp-embed.js", host)
    shutil.copy(WORDPRESS / "wp-includes" / "css" / "dist" / "block-library" / "style.min.css", host / "block-library.css")
    shutil.copy(PYM, host)
    site.mkdir()
    base = serve(site)
    build(ROOT, site, base_url=base)
    host_base = serve(host)
    print(f"{'item':<22} {'host':<10} {'column':>6} {'frame':>7} {'content':>8} {'diff':>5}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"])
        for item in ITEMS:
            html = subprocess.run(["php", str(HARNESS), f"{base}{SLUG}/{item}/", str(WORDPRESS)], capture_output=True, text=True, check=True).stdout
            for width in WIDTHS:
                (host / "wp.html").write_text(page(
                    f'<div style="width:{width}px"><figure class="wp-block-embed"><div class="wp-block-embed__wrapper">{html}</div></figure></div>'
                    '<script src="wp-embed.js"></script>', '<link rel="stylesheet" href="block-library.css">'), "utf-8")
                (host / "pym.html").write_text(page(
                    f'<div id="c" style="width:{width}px"></div><script>new pym.Parent("c", {json.dumps(f"{base}{SLUG}/embed/{item}/")}, '
                    '{sandbox: "allow-scripts allow-top-navigation-by-user-activation allow-popups allow-popups-to-escape-sandbox"});</script>',
                    '<script src="pym.v1.min.js"></script>'), "utf-8")
                for name in ("wp", "pym"):
                    tab = browser.new_page(viewport={"width": 1000, "height": 900})
                    tab.goto(f"{host_base}{name}.html")
                    tab.wait_for_selector("iframe")
                    element = tab.query_selector("iframe")
                    frame = None
                    while frame is None or f"/embed/{item}/" not in frame.url:
                        frame = element.content_frame()
                        time.sleep(0.05)
                    frame.wait_for_load_state()
                    outer, inner = settled_height(element, frame)
                    label = "WordPress" if name == "wp" else "pym.js"
                    print(f"{item:<22} {label:<10} {width:>6} {outer:>7.0f} {inner:>8.1f} {outer - inner:>5.1f}")
                    tab.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
