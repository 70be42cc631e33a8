#!/usr/bin/env python3
"""Print the size of every explainer page and embed page, fragment and oEmbed response, and of the loader, raw and gzipped.

    python bench/embed_sizes.py              # builds content/ into a temporary folder first
    python bench/embed_sizes.py --site site  # measures a site already built

Gzip is level 9, as `gzip -9`. Budgets: an explainer's page at most 14 KB gzipped (a reader's first
round trip), an embed page at most 8 KB, the loader at most 2 KB (tests/test_embeds.py holds the
last two too).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from explainer.pipeline import build  # noqa: E402

BUDGETS = {"index.html": 8 * 1024, "embed.js": 2 * 1024}
EXPLAINER_PAGE_BUDGET = 14 * 1024


def measure(site: Path) -> list[tuple[str, int, int, int | None]]:
    """(path, raw bytes, gzip bytes, gzip budget or None) for each explainer's page and page for
    partners, the loader and every embed file, sorted."""
    explainers = sorted(p for p in site.glob("*/index.html") if (p.parent / "embed").is_dir())
    files = [*explainers, *sorted(site.glob("*/embed/index.html")), site / "embed.js", *sorted(site.glob("*/embed/*/*"))]
    rows = []
    for path in files:
        data = path.read_bytes()
        budget = EXPLAINER_PAGE_BUDGET if path in explainers else None if path.parent.name == "embed" else BUDGETS.get(path.name)
        rows.append((path.relative_to(site).as_posix(), len(data), len(gzip.compress(data, 9, mtime=0)), budget))
    return rows


def print_table(rows: list[tuple[str, int, int, int | None]]) -> bool:
    """Print the rows as a table; True when every file is within its budget."""
    width = max(len(row[0]) for row in rows)
    print(f"{'file':<{width}}  {'raw':>7}  {'gzip':>7}  budget")
    within = True
    for path, raw, packed, budget in rows:
        verdict = "" if budget is None else f"{budget:>6}  {'ok' if packed <= budget else 'OVER'}"
        within = within and (budget is None or packed <= budget)
        print(f"{path:<{width}}  {raw:>7}  {packed:>7}  {verdict}")
    return within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build content/ into a temporary folder)")
    args = parser.parse_args()
    if args.site:
        return 0 if print_table(measure(args.site)) else 1
    with tempfile.TemporaryDirectory() as tmp:
        build(ROOT, Path(tmp) / "site")
        return 0 if print_table(measure(Path(tmp) / "site")) else 1


if __name__ == "__main__":
    sys.exit(main())
