"""How well `import` reads real news pages: title, byline, the article's text kept, and chrome left out.

Runs the importer on saved pages that come with the article as a person extracted it, in the
layout of Mozilla Readability's test pages (github.com/mozilla/readability, test/test-pages/):
each page a folder holding `source.html`, `expected.html` (the article) and
`expected-metadata.json` (its title and byline). No page is kept in this repository.

    git clone --depth 1 https://github.com/mozilla/readability ../readability
    python bench/import_eval.py ../readability/test/test-pages nytimes-1 bbc-1 lemonde-1 ...

For each page: whether the title is the article's, whether the byline was found, the share of
the article's sentences the explainer publishes (kept), the share of what it publishes that is
the article's (of the article), the sentences left for an editor in `unplaced`, and the time
the import took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import lxml.html
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explainer.importer.article import read_article  # noqa: E402
from explainer.importer.sentences import normalise, split_sentences, text_fields  # noqa: E402
from explainer.importer.structure import ImportFailed, import_article  # noqa: E402


def sentences_of(texts: list[str]) -> list[str]:
    return [normalise(s) for t in texts for s in split_sentences(t) if len(s) > 20]


def evaluate(folder: Path) -> dict[str, object]:
    meta = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
    source = (folder / "source.html").read_text("utf-8", errors="replace")
    started = time.perf_counter()
    article = read_article(source, "html")
    scaffold = import_article(article, origin=folder.name, today=dt.date(2026, 1, 1))
    seconds = time.perf_counter() - started
    data = yaml.safe_load(scaffold.yaml)
    published = [b for _, blocks in text_fields(data) for b in blocks]
    expected_doc = lxml.html.fromstring((folder / "expected.html").read_text("utf-8"))
    expected = sentences_of([" ".join(el.text_content().split()) for el in expected_doc.iter("p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre")] or [expected_doc.text_content()])
    expected_text = " ".join(normalise(" ".join(expected_doc.text_content().split())).split())
    ours = sentences_of(published)
    ours_text = "\n".join(normalise(p) for p in published)
    kept = sum(s in ours_text for s in expected) / max(1, len(expected))
    own = sum(s in expected_text for s in ours) / max(1, len(ours))
    title = normalise(meta.get("title") or "")
    byline = meta.get("byline") or ""
    found_byline = data.get("attribution") or ""
    return {
        "page": folder.name,
        "title": "right" if normalise(data["title"]) == title or (title and (title in normalise(data["title"]) or normalise(data["title"]) in title)) else f"wrong ({data['title'][:40]!r})",
        "byline": ("found" if found_byline and any(w.casefold() in found_byline.casefold() for w in byline.replace(",", " ").split() if len(w) > 2) else f"missed ({found_byline[:30]!r})") if byline else ("none expected" if not found_byline else f"extra ({found_byline[:30]!r})"),
        "kept": kept,
        "own": own,
        "unplaced": len(data.get("unplaced", [])),
        "reader": article.reader,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of test pages, one folder per page")
    parser.add_argument("pages", nargs="*", help="which pages (default: all)")
    args = parser.parse_args()
    pages = [args.folder / p for p in args.pages] if args.pages else sorted(p for p in args.folder.iterdir() if (p / "source.html").is_file())
    print("| page | title | byline | article text kept | published text that is the article's | unplaced | read by | import |")
    print("|:---|:---|:---|---:|---:|---:|:---|---:|")
    rows = []
    for page in pages:
        try:
            row = evaluate(page)
        except ImportFailed as exc:
            print(f"| {page.name} | refused: {exc} | | | | | | |")
            rows.append({"page": page.name, "title": "refused", "byline": "missed", "kept": 0.0, "own": 0.0, "seconds": 0.0})
            continue
        rows.append(row)
        print(f"| {row['page']} | {row['title']} | {row['byline']} | {row['kept']:.0%} | {row['own']:.0%} | {row['unplaced']} | {row['reader']} | {row['seconds']:.2f} s |", flush=True)
    if rows:
        kept = sorted(float(r["kept"]) for r in rows)  # type: ignore[arg-type]
        own = sorted(float(r["own"]) for r in rows)  # type: ignore[arg-type]
        right = sum(r["title"] == "right" for r in rows)
        bylines = [r for r in rows if r["byline"] not in ("none expected",) and not str(r["byline"]).startswith("extra")]
        print(f"\n{len(rows)} pages: title right on {right}; byline found on {sum(r['byline'] == 'found' for r in bylines)} of {len(bylines)}; "
              f"median article text kept {kept[len(kept) // 2]:.0%}; median published text that is the article's {own[len(own) // 2]:.0%}; "
              f"slowest import {max(float(r['seconds']) for r in rows):.2f} s")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
