#!/usr/bin/env python3
"""Screenshots of the bundled explainer's page, as a reader sees it, for docs/.

    python bench/screenshots.py                 # docs/screenshots/<width>-<scheme>-{top,middle}.png
    python bench/screenshots.py --prefix before # docs/screenshots/before-<width>-<scheme>-...png
    python bench/screenshots.py --readme        # also docs/screenshot.png (1280 px, light, top)

Builds content/ into a temporary folder, serves it on 127.0.0.1 and opens the explainer page in
Debian's Chromium at 390 and 1280 pixels wide, light and dark: one screen from the top, and one
halfway down the page (where a reader needs the contents most).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from webtools import launch_chromium, static_server  # noqa: E402

from explainer.pipeline import build  # noqa: E402

SLUG = "why-trump-wants-to-meet-putin-again"
# A phone (an iPhone 14's CSS width, 844 tall) and a laptop.
VIEWPORTS = {390: 844, 1280: 800}


def shoot(site: Path, folder: Path, prefix: str, readme: bool) -> list[Path]:
    made = []
    folder.mkdir(parents=True, exist_ok=True)
    with static_server(site, "/") as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for width, height in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, device_scale_factor=1)
                page = context.new_page()
                page.goto(f"{base}{SLUG}/")
                page.evaluate("document.fonts.ready")
                name = f"{prefix + '-' if prefix else ''}{width}-{scheme}"
                for where, y in (("top", 0), ("middle", None)):
                    if y is None:
                        page.evaluate("window.scrollTo({top: (document.documentElement.scrollHeight - innerHeight) / 2, behavior: 'instant'})")
                    page.wait_for_timeout(300)  # let the contents mark the section in view
                    path = folder / f"{name}-{where}.png"
                    page.screenshot(path=str(path))
                    made.append(path)
                    if readme and width == 1280 and scheme == "light" and where == "top":
                        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
                context.close()
        browser.close()
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="", help="a word before each file name, such as 'before'")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--readme", action="store_true", help="also write docs/screenshot.png, the README's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(ROOT, site, base_url="http://127.0.0.1/")
        for path in shoot(site, args.out, args.prefix, args.readme):
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
