"""Our build against two peers, Hugo and Eleventy, on the same synthetic explainers.

Each generator turns the same N explainers (bench/synth.py) into the same pages: an index
newest first, a 404 page, and per explainer its page, a page per question and a page per card,
every Markdown field rendered once with the generator's own Markdown engine and the same CSS
inlined. The peers' projects are in bench/peers/ (README.md there says what each one does).

    python bench/peers.py                        # N = 100 and 1,000; 3 runs each
    python bench/peers.py --sizes 100 --runs 5
    python bench/peers.py --keep out/peers       # keep the projects and outputs to look at

Needs Hugo (apt-get install -y hugo) and Eleventy (npm ci --prefix bench/peers/eleventy); a
peer that is missing is skipped with a note saying how to install it.

Preparation (making each project, converting the YAML into Hugo content files) is not timed.
Each build is timed as a whole process, start-up included: wall seconds and CPU seconds (user
plus system, over all its processes), medians of the runs, and the largest resident set of any
one process of the build (os.wait4), the largest of the runs. A clean build starts without
output (or caches); a no-change rebuild runs again over the output of the previous build. The
table also counts the HTML pages each made and how many are byte for byte the same as ours.
Run it on a quiet machine; on a shared one, the CPU column moves less than the wall clock.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers"
PYTHON = sys.executable


@dataclass
class Generator:
    name: str
    version: str
    command: list[str]
    cwd: Path
    out: Path  # the folder the site is written to
    clean: list[Path]  # removed before a clean build
    env: dict[str, str] = field(default_factory=dict)


# --- Loading the content as text, as the generator does (dates stay strings) -------------------

class _TextDates(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(path: Path) -> Any:
    return yaml.load(path.read_bytes(), Loader=_TextDates)


def _front_matter(data: dict[str, Any], body: str = "") -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + "---\n" + body


# --- The peers' content: the first version's shape ---------------------------------------------

def first_version(doc: dict[str, Any]) -> dict[str, Any]:
    """An explainer in the shape the peers' templates were written for (the generator's first
    version): questions, then one `offers` deck, `lessons`, and the reference lists at the top level."""
    keys = ("slug", "title", "dek", "published", "updated", "changes", "attribution", "image_credit", "intro")
    out: dict[str, Any] = {k: doc[k] for k in keys if k in doc}
    questions = []
    for section in doc["sections"]:
        if "cards" in section and "offers" not in out:
            cards = [{**{k: c[k] for k in ("id", "title", "summary", "detail")},
                      **{f["label"].lower().replace(" ", "_"): f["text"] for f in c.get("facts", ())}} for c in section["cards"]]
            out["offers"] = {"heading": section["question"], "intro": section.get("answer"), "cards": cards, "challenges": section.get("after_cards")}
            out["offers"] = {k: v for k, v in out["offers"].items() if v is not None}
        elif "question" in section:
            questions.append({k: section[k] for k in ("id", "label", "question", "short_answer", "answer") if k in section})
        elif "items" in section:
            out["lessons"] = {"heading": section["heading"], "items": section["items"]}
        else:
            kind = next(k for k in ("timeline", "people", "glossary", "sources", "key_points") if k in section)
            out[kind] = section[kind]
    out["questions"] = questions
    return out


def first_version_project(project: Path) -> Path:
    """The same explainers, site file and style sheet, in the first version's shape, beside the project."""
    root = project / "first-version"
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    (root / "templates" / "_partials").mkdir(parents=True)
    shutil.copy(project / "site.yaml", root / "site.yaml")
    shutil.copy(project / "templates" / "_partials" / "style.css", root / "templates" / "_partials" / "style.css")
    for path in sorted((project / "content").glob("*.yaml")):
        text = yaml.safe_dump(first_version(_load(path)), allow_unicode=True, sort_keys=False, width=1000)
        (root / "content" / path.name).write_text(text, "utf-8")
    return root


# --- Preparing each generator's project (untimed) ----------------------------------------------

def prepare_ours(project: Path) -> Generator:
    return Generator(
        name="ours",
        version="",
        command=[PYTHON, str(REPO / "build.py"), "--root", str(project)],
        cwd=REPO,
        out=project / "site",
        clean=[project / "site"],
        env={"PYTHONPATH": str(REPO)},
    )


def hugo_version() -> str | None:
    if shutil.which("hugo") is None:
        return None
    text = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True).stdout.split()
    return text[1].split("+")[0] if len(text) > 1 else "?"


def prepare_hugo(project: Path, version: str) -> Generator:
    """A Hugo project beside the content: each explainer a section whose _index.md holds the
    explainer's fields as front matter, with a page per question (its answer as the page's
    Markdown) and per card (its detail as the page's Markdown)."""
    root = project / "hugo"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PEERS / "hugo" / "layouts", root / "layouts")
    css = (project / "templates" / "_partials" / "style.css").read_text("utf-8")
    (root / "layouts" / "partials" / "style.html").write_text(f"<style>\n{css}</style>", "utf-8")
    site = _load(project / "site.yaml")
    publisher = {k: site["publisher"][k] for k in ("name", "url") if k in site["publisher"]}
    config = "\n".join([
        f"baseURL = {_toml(site['base_url'])}",
        f"title = {_toml(site['name'])}",
        f"languageCode = {_toml(site['language'])}",
        "",
        (PEERS / "hugo" / "hugo.toml").read_text("utf-8"),
        "[params.publisher]",
        *(f"{k} = {_toml(v)}" for k, v in publisher.items()),
        "",
    ])
    (root / "hugo.toml").write_text(config, "utf-8")
    content = root / "content"
    content.mkdir()
    (content / "_index.md").write_text(_front_matter({"title": site["name"]}), "utf-8")
    for path in sorted((project / "content").glob("*.yaml")):
        doc = _load(path)
        folder = content / doc["slug"]
        (folder / "questions").mkdir(parents=True)
        front = {"title": doc["title"], "date": doc["published"]}
        front.update((k, v) for k, v in doc.items() if k not in ("slug", "title", "published", "questions", "offers", "made_from", "unplaced"))
        if "offers" in doc:
            front["offers"] = {k: v for k, v in doc["offers"].items() if k != "cards"}
        (folder / "_index.md").write_text(_front_matter(front), "utf-8")
        for weight, q in enumerate(doc["questions"], 1):
            meta = {"type": "question", "weight": weight, "title": q["question"], "short_answer": q["short_answer"]}
            if "label" in q:
                meta["label"] = q["label"]
            (folder / "questions" / f"{q['id']}.md").write_text(_front_matter(meta, q["answer"]), "utf-8")
        if "offers" in doc:
            (folder / "offers").mkdir()
            for weight, c in enumerate(doc["offers"]["cards"], 1):
                # card_summary, not summary: Hugo gives a front matter `summary` a meaning of its own.
                meta = {"type": "card", "weight": weight, "title": c["title"], "card_summary": c["summary"]}
                meta.update((k, c[k]) for k in ("in_return", "risks") if k in c)
                (folder / "offers" / f"{c['id']}.md").write_text(_front_matter(meta, c["detail"]), "utf-8")
    return Generator(
        name="Hugo",
        version=version,
        command=["hugo", "--quiet"],
        cwd=root,
        out=root / "public",
        clean=[root / "public", root / "resources"],
    )


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def eleventy_version() -> str | None:
    package = PEERS / "eleventy" / "node_modules" / "@11ty" / "eleventy" / "package.json"
    if shutil.which("npx") is None or not package.exists():
        return None
    return str(json.loads(package.read_text("utf-8"))["version"])


def prepare_eleventy(project: Path, version: str) -> Generator:
    """Nothing to convert: Eleventy reads content/*.yaml itself (bench/peers/eleventy/src/_data)."""
    out = project / "eleventy"
    return Generator(
        name="Eleventy",
        version=version,
        command=["npx", "@11ty/eleventy", "--quiet", f"--output={out}"],
        cwd=PEERS / "eleventy",
        out=out,
        clean=[out],
        env={"EXPLAINER_PROJECT": str(project), "NPM_CONFIG_UPDATE_NOTIFIER": "false"},
    )


# --- Measuring ---------------------------------------------------------------------------------

def run(generator: Generator) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, all processes) and peak resident MB of one build."""
    env = {**os.environ, **generator.env}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(generator.command, cwd=generator.cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if status != 0:
            errors.seek(0)
            sys.stderr.write(errors.read().decode("utf-8", "replace"))
            raise SystemExit(f"{generator.name}: {' '.join(generator.command)} failed with status {status}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def html_pages(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}


def identical(folder: Path, reference: Path, pages: set[str]) -> int:
    """How many of these pages are byte for byte the same as the reference's."""
    return sum((folder / p).read_bytes() == (reference / p).read_bytes() for p in pages)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench(n: int, runs: int, peers: list[tuple[Any, str]], keep: Path | None) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(n, (keep / f"n{n}" if keep else Path(tmp)) / "project")
        # Our site goes to project/site, Hugo's project is project/hugo, Eleventy writes project/eleventy;
        # the peers read the same explainers in the shape their templates were written for.
        old = first_version_project(project)
        generators = [prepare_ours(project)] + [prepare(old, version) for prepare, version in peers]
        clean: dict[str, list[float]] = {g.name: [] for g in generators}
        cpu: dict[str, list[float]] = {g.name: [] for g in generators}
        memory: dict[str, list[float]] = {g.name: [] for g in generators}
        unchanged: dict[str, list[float]] = {g.name: [] for g in generators}
        # Take turns, so a noisy moment on the machine does not fall on one generator only.
        for _ in range(runs):
            for g in generators:
                for folder in g.clean:
                    shutil.rmtree(folder, ignore_errors=True)
                seconds, cpu_seconds, mb = run(g)
                clean[g.name].append(seconds)
                cpu[g.name].append(cpu_seconds)
                memory[g.name].append(mb)
        for _ in range(runs):
            for g in generators:
                unchanged[g.name].append(run(g)[0])
        ours = html_pages(generators[0].out)
        rows = []
        for g in generators:
            pages = html_pages(g.out)
            if pages != ours:
                missing, extra = sorted(ours - pages), sorted(pages - ours)
                print(f"warning: {g.name} made other pages than ours at N={n}: missing {missing[:3]}, extra {extra[:3]}", file=sys.stderr)
            rows.append({
                "name": g.name, "clean": statistics.median(clean[g.name]), "cpu": statistics.median(cpu[g.name]),
                "unchanged": statistics.median(unchanged[g.name]), "memory": max(memory[g.name]),
                "pages": len(pages), "same": pages == ours, "bytes": folder_bytes(g.out) / n,
                "identical": identical(g.out, generators[0].out, pages & ours),
            })
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="make the projects under this folder and leave them there")
    args = parser.parse_args()

    peers: list[tuple[Any, str]] = []
    hugo = hugo_version()
    if hugo is None:
        print("Hugo skipped: not installed (apt-get install -y hugo)", file=sys.stderr)
    else:
        peers.append((prepare_hugo, hugo))
    eleventy = eleventy_version()
    if eleventy is None:
        print("Eleventy skipped: needs Node and its packages (npm ci --prefix bench/peers/eleventy)", file=sys.stderr)
    else:
        peers.append((prepare_eleventy, eleventy))
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if eleventy else ""

    versions = [f"Python {platform.python_version()}"] + [f"Hugo {hugo}"] * bool(hugo) + [f"Eleventy {eleventy} (Node {node})"] * bool(eleventy)
    print(f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores; {', '.join(versions)}; median of {args.runs} runs")
    print("| explainers | generator | clean build | vs ours | clean build CPU | no-change rebuild | peak memory | HTML pages | same bytes as ours | bytes/explainer |")
    print("|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        rows = bench(n, args.runs, peers, args.keep)
        base = rows[0]["clean"]
        for r in rows:
            pages = f"{r['pages']:,}" + ("" if r["same"] else " (differ)")
            print(f"| {n:,} | {r['name']} | {r['clean']:.2f} s | {r['clean'] / base:.2f}× | {r['cpu']:.2f} s | {r['unchanged']:.2f} s | {r['memory']:.0f} MB | {pages} | {r['identical']:,} | {r['bytes']:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
