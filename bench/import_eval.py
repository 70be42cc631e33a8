"""How well `import` reads real news pages: title, byline, the article's text kept, chrome left out.

Runs the importer on saved pages that come with the article as a person extracted it, in the
layout of Mozilla Readability's test pages (github.com/mozilla/readability, test/test-pages/):
each page a folder holding `source.html`, `expected.html` (the article) and
`expected-metadata.json` (its title and byline). No page is kept in this repository.

    git clone --depth 1 https://github.com/mozilla/readability ../readability
    python bench/import_eval.py ../readability/test/test-pages            # the thirty news pages
    python bench/import_eval.py ../readability/test/test-pages bbc-1 ...  # the pages named
    python bench/import_eval.py ../readability/test/test-pages --all      # every page of the set

For each page: whether the title is the article's, whether the byline was found, recall (the share
of the article's sentences the explainer publishes), recall over what the file keeps (what it
publishes, and the furniture it sets aside on purpose under `omitted`, which an editor sees and
`check` counts as left out on purpose), precision (the share of what it publishes that is the
article's: its text, and the title, excerpt and byline the reference gives for it), the entries
left for an editor in `unplaced` and the time the import took; then the same figures for
trafilatura's own extraction with `favor_precision` on the same page (its text, and the title and
author of its metadata). Every imported explainer is then built, all in one project, as a
newsroom would build them.

The same script measures an older checkout of the importer: run it from that checkout's folder
(it imports the package beside it), so every version is scored by the same rules.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import lxml.html
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explainer.errors import BuildError  # noqa: E402
from explainer.importer.article import read_article  # noqa: E402
from explainer.importer.sentences import normalise, split_sentences, text_fields  # noqa: E402
from explainer.importer.structure import ImportFailed, import_article  # noqa: E402

# The thirty: every page of the set that is an article of a news outlet (newspapers, broadcasters,
# news sites and magazines), written in a language with Latin letters, with the outlets that
# have more than one page kept to at most four. Chosen by what the pages are, before measuring.
PAGES = (
    "aktualne", "ars-1", "bbc-1", "breitbart", "buzzfeed-1", "citylab-1", "cnet", "cnn", "engadget", "folha",
    "guardian-1", "heise", "herald-sun-1", "la-nacion", "lemonde-1", "liberation-1", "medicalnewstoday", "msn",
    "nytimes-1", "nytimes-2", "nytimes-3", "nytimes-4", "quanta-1", "salon-1", "schema-org-context-object",
    "seattletimes-1", "telegraph", "theverge", "wapo-1", "wapo-2",
)
MIN_CHARS = 20  # shorter "sentences" (a date, "Photo", a name) say little about an extraction


def sentences_of(texts: list[str]) -> list[str]:
    return [normalise(s) for t in texts for s in split_sentences(t) if len(s) > MIN_CHARS]


def _blocks(doc: lxml.html.HtmlElement) -> list[str]:
    return [" ".join(el.text_content().split()) for el in doc.iter("p", "li", "h1", "h2", "h3", "h4", "blockquote", "pre")] or [doc.text_content()]


def recall(blocks: list[str], expected_doc: lxml.html.HtmlElement) -> float:
    """The share of the reference's sentences found in the text blocks."""
    expected = sentences_of(_blocks(expected_doc))
    ours_text = "\n".join(normalise(b) for b in blocks)
    return sum(s in ours_text for s in expected) / max(1, len(expected))


def precision(published: list[str], expected_doc: lxml.html.HtmlElement, meta: dict[str, str] | None = None) -> float:
    """The share of the published sentences that are the article's: the reference's text, and the
    title, excerpt and byline it gives for the article (`meta`), which an explainer publishes too."""
    said = [str(v) for k, v in (meta or {}).items() if k in ("title", "excerpt", "byline") and v]
    expected_text = " ".join(normalise(" ".join(" ".join([expected_doc.text_content(), *said]).split())).split())
    ours = sentences_of(published)
    return sum(s in expected_text for s in ours) / max(1, len(ours))


def title_right(found: str, wanted: str) -> bool:
    found, wanted = normalise(found or ""), normalise(wanted or "")
    return bool(found) and (found == wanted or bool(wanted) and (wanted in found or found in wanted))


def byline_verdict(found: str, wanted: str) -> str:
    """found / missed / none expected / extra: found when a name of the reference's is in it."""
    found = found or ""
    if wanted:
        names = [w for w in wanted.replace(",", " ").split() if len(w) > 2 and w.casefold() not in ("by", "par", "and", "und", "por")]
        return "found" if found and any(w.casefold() in found.casefold() for w in names) else f"missed ({found[:30]!r})"
    return "none expected" if not found else f"extra ({found[:30]!r})"


def evaluate(folder: Path) -> dict[str, object]:
    import trafilatura

    meta = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
    source = (folder / "source.html").read_text("utf-8", errors="replace")
    expected_doc = lxml.html.fromstring((folder / "expected.html").read_text("utf-8"))
    started = time.perf_counter()
    row: dict[str, object] = {"page": folder.name}
    try:
        article = read_article(source, "html")
        scaffold = import_article(article, origin=folder.name, today=dt.date(2026, 1, 1), slug=folder.name)
    except ImportFailed as exc:
        row.update(title=f"refused: {exc}", byline="missed", recall=0.0, kept=0.0, precision=0.0, unplaced=0, reader="", seconds=0.0, yaml=None)
    else:
        data = yaml.safe_load(scaffold.yaml)
        published = [b for _, blocks in text_fields(data) for b in blocks]
        row.update(title="right" if title_right(data["title"], meta.get("title")) else f"wrong ({data['title'][:40]!r})",
                   byline=byline_verdict(data.get("attribution"), meta.get("byline")), recall=recall(published, expected_doc),
                   kept=recall(published + list(data.get("omitted", [])), expected_doc), precision=precision(published, expected_doc, meta),
                   unplaced=len(data.get("unplaced", [])), reader=article.reader, seconds=time.perf_counter() - started, yaml=scaffold.yaml)
    # trafilatura alone, favouring precision, on the same page.
    text = trafilatura.extract(source, favor_precision=True, include_comments=False, include_tables=True) or ""
    their = trafilatura.extract_metadata(source)
    lines = [line for line in text.splitlines() if line.strip()]
    row["trafilatura"] = {
        "title": "right" if their is not None and title_right(their.title, meta.get("title")) else "wrong",
        "byline": byline_verdict(their.author if their is not None else "", meta.get("byline")),
        "recall": recall(lines, expected_doc), "precision": precision(lines, expected_doc, meta),
    }
    return row


def build_all(rows: list[dict[str, object]]) -> dict[str, str]:
    """Build every imported explainer in one project; each page's outcome, "built" or the error."""
    from explainer.pipeline import build

    repo = Path(__file__).resolve().parent.parent
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "site.yaml").write_text((repo / "site.yaml").read_text("utf-8"), "utf-8")
        (root / "content").mkdir()
        for row in rows:
            if row.get("yaml"):
                (root / "content" / f"{row['page']}.yaml").write_text(str(row["yaml"]), "utf-8")
        try:
            build(root)
        except BuildError as exc:
            for error in exc.errors:
                print(f"  {error}", file=sys.stderr)
            failed = {Path(e.file).stem for e in exc.errors}
            return {str(row["page"]): "failed" if row["page"] in failed else "not built" for row in rows}
        for row in rows:
            out[str(row["page"])] = "built" if (root / "site" / str(row["page"]) / "index.html").is_file() else "not built"
    return out


def _median_min(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f}, minimum {min(values):.2f}"


def summary(who: str, rows: list[dict[str, object]]) -> str:
    titles = sum(r["title"] == "right" for r in rows)
    bylines = [r for r in rows if not str(r["byline"]).startswith(("none expected", "extra"))]
    found = sum(r["byline"] == "found" for r in bylines)
    recalls = [float(r["recall"]) for r in rows]  # type: ignore[arg-type]
    kept = f" (of what the file keeps, published and `omitted`: {_median_min([float(r['kept']) for r in rows])})" if "kept" in rows[0] else ""  # type: ignore[arg-type]
    precisions = [float(r["precision"]) for r in rows]  # type: ignore[arg-type]
    return (f"{who}: title right on {titles} of {len(rows)}; byline on {found} of {len(bylines)} ({found / max(1, len(bylines)):.0%}); "
            f"recall {_median_min(recalls)}{kept}; precision {_median_min(precisions)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of test pages, one folder per page")
    parser.add_argument("pages", nargs="*", help="which pages (default: the thirty news pages)")
    parser.add_argument("--all", action="store_true", help="every page in the folder")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    names = args.pages or (sorted(p.name for p in args.folder.iterdir() if (p / "source.html").is_file()) if args.all else PAGES)
    print("| page | title | byline | recall | recall, kept | precision | unplaced | read by | import | trafilatura: title | byline | recall | precision |")
    print("|:---|:---|:---|---:|---:|---:|---:|:---|---:|:---|:---|---:|---:|")
    rows = []
    for name in names:
        row = evaluate(args.folder / name)
        rows.append(row)
        t = row["trafilatura"]
        print(f"| {row['page']} | {row['title']} | {row['byline']} | {row['recall']:.2f} | {row['kept']:.2f} | {row['precision']:.2f} | {row['unplaced']} | {row['reader']} | {row['seconds']:.2f} s "
              f"| {t['title']} | {t['byline']} | {t['recall']:.2f} | {t['precision']:.2f} |", flush=True)  # type: ignore[index]
    built = build_all(rows)
    not_built = [page for page, outcome in built.items() if outcome != "built"]
    print()
    print(summary("import", rows) + f"; built {len(rows) - len(not_built)} of {len(rows)}" + (f" (not: {', '.join(not_built)})" if not_built else ""))
    print(summary("trafilatura with favor_precision", [{**r["trafilatura"], "page": r["page"]} for r in rows]))  # type: ignore[dict-item]
    print(f"slowest import {max(float(r['seconds']) for r in rows):.2f} s")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
