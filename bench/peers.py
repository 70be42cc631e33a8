"""Our build against two peers, Hugo and Eleventy, making the same page set from the same explainers.

For N synthetic explainers (bench/synth.py), each generator makes every kind of file `python
build.py` writes: per explainer its page, a page per question and per card, its page for
partners, an embed page per question, card and timeline with its HTML fragment and oEmbed JSON,
and the redirects from its old slugs; for the site the index, 404 page, Atom feed, sitemap,
robots.txt and the constant files (embed.js, .nojekyll, the schemas, the editing page). Social
images: Hugo is timed twice, without them and drawing them with images.Text in the font ours
uses ("Hugo, images"); Eleventy draws none; ours is timed as it is and without them ("ours, no
images", the row the peers without images compare with). Every Markdown field is rendered once per build, with each generator's own engine,
and each page inlines the same CSS (taken from our theme's output).

    python bench/peers.py                        # N = 100, 1,000 and 10,000, one run each
    python bench/peers.py --sizes 100 --runs 3
    python bench/peers.py --keep out/peers       # keep the projects and outputs to look at
    python bench/peers.py --sizes 1000 --dir /dev/shm   # in RAM, where making files costs little

The timing table goes to standard output, each size's files-by-kind table to standard error.

Needs Hugo (apt-get install -y hugo) and Eleventy (npm ci --prefix bench/peers/eleventy); a
peer that is missing is skipped with a note saying how to install it.

For each N and generator: a clean build (no output, no caches), a no-change rebuild over its own
output, and a rebuild after one explainer's question is reworded; wall and CPU seconds (user
plus system, over all its processes) and the largest resident set of any one process (os.wait4),
each build a whole process, start-up included. Each generator uses every core it can: ours forks
a worker per core, Hugo runs on threads, Eleventy has one thread. Preparation (making each
project, converting the YAML into Hugo's content files, again after the edit) is not timed.

The page set is checked, not assumed: `expected_pages` lists from the content every file the
generator's page set has, with its kind; each generator's output is sorted into those kinds and
counted, and a second table says, kind by kind, whether each made exactly the expected files.

A new page kind, later (bench/peers/README.md says the same):
1. `expected_pages` below: add its paths with a new kind name (and a column appears);
2. Hugo: a content file per page in `hugo_content` (front matter `type: <kind>` and `url:`) and
   `bench/peers/hugo/layouts/<kind>/single.html`; or, for another format of an existing page, an
   output format in bench/peers/hugo/hugo.toml (as fragment.html and oembed.json are);
3. Eleventy: its entries in `bench/peers/eleventy/src/_data/pages.js` (`kind`, `url`, data) and
   `bench/peers/eleventy/src/_includes/kinds/<kind>.njk`; one paginated template renders them all.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers"
PYTHON = sys.executable
RECORD = ".explainer-"  # our build's own record files (.explainer-site, -group, -stamps): not pages


@dataclass
class Generator:
    name: str
    version: str
    command: list[str]
    cwd: Path
    out: Path  # the folder the site is written to
    clean: list[Path]  # removed before a clean build
    env: dict[str, str] = field(default_factory=dict)
    images: bool = False  # makes the social images
    after_edit: Callable[[Path], None] = lambda source: None  # untimed work after a content file changed


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


# --- The page set --------------------------------------------------------------------------------

def questions_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in doc["sections"] if "question" in s]


def cards_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for s in questions_of(doc) for c in s.get("cards", ())]


def embeds_of(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, id) of each item another site can embed, in reading order: questions, their cards, timelines."""
    out: list[tuple[str, str]] = []
    for s in doc["sections"]:
        if "question" in s:
            out.append(("question", s["id"]))
            out.extend(("card", c["id"]) for c in s.get("cards", ()))
        elif "timeline" in s:
            out.append(("timeline", s.get("id", "timeline")))
    return out


SITE_FILES = {"index.html": "index", "404.html": "404", "feed.xml": "feed", "sitemap.xml": "sitemap", "robots.txt": "robots"}
CONSTANT = "constant"  # files the same for every site of this site.yaml: copied by the peers


def expected_pages(project: Path, constants: list[str]) -> dict[str, str]:
    """Every file of the page set, below the site folder, with its kind."""
    pages = dict(SITE_FILES) | {path: CONSTANT for path in constants}
    for source in sorted((project / "content").glob("*.yaml")):
        doc = _load(source)
        for slug, redirect in [(doc["slug"], False)] + [(alias, True) for alias in doc.get("aliases", ())]:
            def add(path: str, kind: str) -> None:
                pages[f"{slug}/{path}"] = "redirect" if redirect else kind
            add("index.html", "explainer")
            for q in questions_of(doc):
                add(f"{q['id']}/index.html", "question")
            for c in cards_of(doc):
                add(f"{c['id']}/index.html", "card")
                if not redirect:
                    pages[f"{slug}/{c['id']}/social.png"] = "social image"
            embeds = embeds_of(doc)
            if embeds:
                add("embed/index.html", "partners")
            for _, item in embeds:
                add(f"embed/{item}/index.html", "embed")
                if not redirect:
                    pages[f"{slug}/embed/{item}/fragment.html"] = "fragment"
                    pages[f"{slug}/embed/{item}/oembed.json"] = "oembed"
            if not redirect:
                pages[f"{slug}/social.png"] = "social image"
    return pages


def files_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(RECORD)}


def kinds_made(folder: Path, expected: dict[str, str], images: bool) -> tuple[Counter[str], int, int]:
    """How many files of each kind a generator made, and how many expected files it missed and
    unexpected files it made (social images are expected only of a generator that draws them)."""
    made = files_of(folder)
    wanted = {p for p, k in expected.items() if images or k != "social image"}
    return Counter(expected[p] for p in made & wanted), len(wanted - made), len(made - wanted)


# --- Preparing each generator's project (untimed) ----------------------------------------------

@dataclass(frozen=True)
class Theme:
    """What the pages of every generator inline, as our theme renders it for this site."""

    page_css: str
    page_js: str
    embed_css: str
    embed_js: str
    fragment_css: str
    partners_css: str


def theme_and_constants(project: Path, into: Path) -> tuple[Theme, list[str]]:
    """Our build of this site with one explainer, in `into`: the CSS and scripts its pages inline,
    and the files that are the same for every site of this site.yaml (copied by the peers)."""
    one = make_project(0, into)
    shutil.copy(project / "site.yaml", one / "site.yaml")
    first = min((project / "content").glob("*.yaml"))
    shutil.copy(first, one / "content" / first.name)
    subprocess.run([PYTHON, str(REPO / "build.py"), "--root", str(one)], check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    site, doc = one / "site", _load(first)
    item = embeds_of(doc)[0][1]

    def blocks(path: str, tag: str) -> list[str]:
        return re.findall(rf"<{tag}>\n?(.*?)</{tag}>", (site / path).read_text("utf-8"), re.S)

    slug = doc["slug"]
    theme = Theme(blocks("index.html", "style")[0], blocks(f"{slug}/index.html", "script")[0],
                  blocks(f"{slug}/embed/{item}/index.html", "style")[0], blocks(f"{slug}/embed/{item}/index.html", "script")[0],
                  blocks(f"{slug}/embed/{item}/fragment.html", "style")[0], blocks(f"{slug}/embed/index.html", "style")[-1])
    constants = sorted(p for p in files_of(site) if not p.startswith(f"{slug}/") and p not in SITE_FILES)
    return theme, constants


def prepare_ours(project: Path) -> Generator:
    return Generator(
        name="ours",
        version="",
        command=[PYTHON, str(REPO / "build.py"), "--root", str(project)],
        cwd=REPO,
        out=project / "site",
        clean=[project / "site"],
        env={"PYTHONPATH": str(REPO)},
        images=True,
    )


def prepare_ours_without_images(project: Path) -> Generator:
    out = project / "site-without-images"
    return Generator(
        name="ours, no images",
        version="",
        command=[PYTHON, str(PEERS / "ours_without_images.py"), "--root", str(project), "--out", str(out)],
        cwd=REPO,
        out=out,
        clean=[out],
        env={"PYTHONPATH": str(REPO)},
    )


def hugo_version() -> str | None:
    if shutil.which("hugo") is None:
        return None
    text = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True).stdout.split()
    return text[1].split("+")[0] if len(text) > 1 else "?"


def _links(items: list[dict[str, Any]], slug: str, label: str) -> list[dict[str, Any]]:
    """Each item's previous and next page, as its pager shows them."""
    urls = [f"/{slug}/{item['id']}/" for item in items]
    return [{"previous": {"label": items[i - 1][label], "url": urls[i - 1]} if i else None,
             "next": {"label": items[i + 1][label], "url": urls[i + 1]} if i + 1 < len(items) else None} for i in range(len(items))]


def hugo_content(doc: dict[str, Any]) -> dict[str, str]:
    """One explainer as Hugo content files, by path below content/: a section whose _index.md
    holds the explainer's fields (answers and card details left to their own pages), a page per
    question (its answer the page's Markdown) and per card (its detail), the page for partners,
    and an embed page per item (output as index.html, fragment.html and oembed.json). Every page
    lists, as Hugo aliases, its addresses under the explainer's old slugs."""
    slug, old = doc["slug"], doc.get("aliases", [])
    files: dict[str, str] = {}

    def aliases(path: str) -> dict[str, Any]:
        return {"aliases": [f"/{a}/{path}" for a in old]} if old else {}

    keep = {k: v for k, v in doc.items() if k not in ("sections", "aliases")}
    sections = [{k: v for k, v in s.items() if k != "answer"} | ({"cards": [{k: v for k, v in c.items() if k != "detail"} for c in s["cards"]]} if "cards" in s else {})
                for s in doc["sections"]]
    files["_index.md"] = _front_matter({"title": doc["title"], "date": doc["published"], **keep, "sections": sections, **aliases("")})
    questions, cards = questions_of(doc), cards_of(doc)
    for n, (q, links) in enumerate(zip(questions, _links(questions, slug, "question")), 1):
        meta = {"type": "question", "url": f"/{slug}/{q['id']}/", "title": q["question"], "id": q["id"], "short_answer": q["short_answer"],
                "number": n, "total": len(questions), **links, **aliases(f"{q['id']}/")}
        files[f"{q['id']}.md"] = _front_matter(meta, q.get("answer", ""))
    for c, links in zip(cards, _links(cards, slug, "title")):
        meta = {"type": "card", "url": f"/{slug}/{c['id']}/", "title": c["title"], "id": c["id"], "card_summary": c["summary"], **links, **aliases(f"{c['id']}/")}
        files[f"{c['id']}.md"] = _front_matter(meta, c.get("detail", ""))
    embeds = embeds_of(doc)
    if embeds:
        files["embed.md"] = _front_matter({"type": "partners", "url": f"/{slug}/embed/", "title": doc["title"], **aliases("embed/")})
    titles = {q["id"]: (q["question"], q["short_answer"]) for q in questions} | {c["id"]: (c["title"], c["summary"]) for c in cards}
    for weight, (kind, item) in enumerate(embeds, 1):
        title, description = titles.get(item, ("Timeline", doc["dek"]))
        meta = {"type": "embed", "url": f"/{slug}/embed/{item}/", "outputs": ["html", "fragment", "oembed"], "weight": weight,
                "title": title, "description": description, "kind": kind, "item": item, "height": 480, **aliases(f"embed/{item}/")}
        files[f"embed-{item}.md"] = _front_matter(meta)
    return files


def write_hugo_explainer(content: Path, source: Path) -> None:
    doc = _load(source)
    folder = content / doc["slug"]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in hugo_content(doc).items():
        (folder / name).write_text(text, "utf-8")


def prepare_hugo(project: Path, version: str, theme: Theme, constants: Path, images: bool = False) -> Generator:
    """Hugo's project beside the content; with `images`, one that also draws the social images
    (images.Text over a plain base, in the font ours uses: layouts/partials/social.html)."""
    root = project / ("hugo-images" if images else "hugo")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PEERS / "hugo" / "layouts", root / "layouts")
    shutil.copytree(constants, root / "static")
    partials = root / "layouts" / "partials"
    for name, text in {"style.html": f"<style>\n{theme.page_css}</style>", "embed-css.html": f"<style>\n{theme.embed_css}</style>",
                       "embed-js.html": f"<script>\n{theme.embed_js}</script>", "fragment-css.html": f"<style>\n{theme.fragment_css}</style>",
                       "partners-css.html": f"<style>\n{theme.partners_css}</style>"}.items():
        (partials / name).write_text(text, "utf-8")
    site = _load(project / "site.yaml")
    publisher = {k: site["publisher"][k] for k in ("name", "url") if k in site["publisher"]}
    config = "\n".join([
        f"baseURL = {_toml(site['base_url'])}",
        f"title = {_toml(site['name'])}",
        f"languageCode = {_toml(site['language'])}",
        "",
        (PEERS / "hugo" / "hugo.toml").read_text("utf-8"),
        *(["[params]", "socialImages = true", ""] if images else []),
        "[params.publisher]",
        *(f"{k} = {_toml(v)}" for k, v in publisher.items()),
        "",
    ])
    if images:
        (root / "assets").mkdir()
        draw_base(root / "assets" / "social-base.png")
        shutil.copy(our_font(), root / "assets" / "font.ttf")
    (root / "hugo.toml").write_text(config, "utf-8")
    content = root / "content"
    content.mkdir()
    (content / "_index.md").write_text(_front_matter({"title": site["name"]}), "utf-8")
    for source in sorted((project / "content").glob("*.yaml")):
        write_hugo_explainer(content, source)
    return Generator(
        name="Hugo, images" if images else "Hugo",
        version=version,
        command=["hugo", "--quiet"],
        cwd=root,
        out=root / "public",
        clean=[root / "public", root / "resources"],
        images=images,
        after_edit=lambda source: write_hugo_explainer(content, source),
    )


def prepare_hugo_images(project: Path, version: str, theme: Theme, constants: Path) -> Generator:
    return prepare_hugo(project, version, theme, constants, images=True)


def draw_base(path: Path) -> None:
    """The plain 1,200 x 630 image Hugo writes each social image's text on."""
    from PIL import Image

    Image.new("RGB", (1200, 630), (27, 27, 27)).save(path)


def our_font() -> Path:
    """The font file our social images set Latin text in."""
    sys.path.insert(0, str(REPO))
    from explainer.render.social import FONTS, _font_file

    return _font_file(FONTS[0])


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def eleventy_version() -> str | None:
    package = PEERS / "eleventy" / "node_modules" / "@11ty" / "eleventy" / "package.json"
    if shutil.which("npx") is None or not package.exists():
        return None
    return str(json.loads(package.read_text("utf-8"))["version"])


def prepare_eleventy(project: Path, version: str, theme: Theme, constants: Path) -> Generator:
    """Nothing to convert: Eleventy reads content/*.yaml itself (bench/peers/eleventy/src/_data);
    the theme's CSS and scripts and the constant files are put beside the content for it."""
    out = project / "eleventy"
    (project / "peer-theme.json").write_text(json.dumps(theme.__dict__), "utf-8")
    return Generator(
        name="Eleventy",
        version=version,
        command=["npx", "@11ty/eleventy", "--quiet", f"--output={out}"],
        cwd=PEERS / "eleventy",
        out=out,
        clean=[out],
        env={"EXPLAINER_PROJECT": str(project), "EXPLAINER_CONSTANTS": str(constants), "NPM_CONFIG_UPDATE_NOTIFIER": "false"},
    )


# --- Measuring ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    memory: float  # MB, the largest resident set of any one process


def run(generator: Generator) -> Timing:
    """One build of a generator, as a whole process."""
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
    return Timing(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(timings: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings), max(t.memory for t in timings))


def edit(source: Path, k: int) -> None:
    """One question of one explainer reworded."""
    text = source.read_text("utf-8")
    source.write_text(re.sub(r"question: (Edit \d+ )?", f"question: Edit {k} ", text, count=1), "utf-8")


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench(n: int, runs: int, peers: list[tuple[Any, str]], keep: Path | None, folder: str | None = None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        work = keep / f"n{n}" if keep else Path(tmp)
        project = make_project(n, work / "project")
        theme, constants = theme_and_constants(project, work / "theme")
        constant_files = work / "theme" / "constants"
        for path in constants:
            (constant_files / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(work / "theme" / "site" / path, constant_files / path)
        expected = expected_pages(project, constants)
        generators = [prepare_ours(project), prepare_ours_without_images(project)] + [prepare(project, version, theme, constant_files) for prepare, version in peers]
        clean: dict[str, list[Timing]] = {g.name: [] for g in generators}
        unchanged: dict[str, list[Timing]] = {g.name: [] for g in generators}
        edited: dict[str, list[Timing]] = {g.name: [] for g in generators}
        # Take turns, so a noisy moment on the machine does not fall on one generator only.
        for _ in range(runs):
            for g in generators:
                for folder in g.clean:
                    shutil.rmtree(folder, ignore_errors=True)
                clean[g.name].append(run(g))
        rows = []
        made = {g.name: kinds_made(g.out, expected, g.images) for g in generators}
        for _ in range(runs):
            for g in generators:
                unchanged[g.name].append(run(g))
        source = sorted((project / "content").glob("*.yaml"))[n // 2]
        for k in range(runs):
            edit(source, k)
            for g in generators:
                g.after_edit(source)
                edited[g.name].append(run(g))
        for g in generators:
            counts, missing, extra = made[g.name]
            rows.append({"name": g.name, "clean": median(clean[g.name]), "unchanged": median(unchanged[g.name]), "edited": median(edited[g.name]),
                         "counts": counts, "missing": missing, "extra": extra, "bytes": folder_bytes(g.out) / n, "images": g.images})
        return rows, expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="make the projects under this folder and leave them there")
    parser.add_argument("--no-hugo-images", action="store_true", help="leave out Hugo drawing the social images (the slowest build here)")
    parser.add_argument("--dir", default=None, help="where to make the projects (default: the system's temporary folder; /dev/shm for RAM)")
    args = parser.parse_args()

    peers: list[tuple[Any, str]] = []
    hugo = hugo_version()
    if hugo is None:
        print("Hugo skipped: not installed (apt-get install -y hugo)", file=sys.stderr)
    else:
        peers.append((prepare_hugo, hugo))
        if not args.no_hugo_images:
            peers.append((prepare_hugo_images, hugo))
    eleventy = eleventy_version()
    if eleventy is None:
        print("Eleventy skipped: needs Node and its packages (npm ci --prefix bench/peers/eleventy)", file=sys.stderr)
    else:
        peers.append((prepare_eleventy, eleventy))
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if eleventy else ""

    versions = [f"Python {platform.python_version()}"] + [f"Hugo {hugo}"] * bool(hugo) + [f"Eleventy {eleventy} (Node {node})"] * bool(eleventy)
    print(f"{platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores; {', '.join(versions)}; "
          f"{'median of ' + str(args.runs) + ' runs' if args.runs > 1 else 'one run'}; wall (CPU) seconds")
    print("| explainers | generator | clean build | vs ours (images or not, as this one) | peak memory | no-change rebuild | one-edit rebuild | files | page set | bytes/explainer |")
    print("|---:|:---|---:|---:|---:|---:|---:|---:|:---|---:|")
    for n in args.sizes:
        rows, expected = bench(n, args.runs, peers, args.keep, args.dir)
        base = {True: rows[0]["clean"].wall, False: rows[1]["clean"].wall}  # ours, with images and without

        def cell(t: Timing) -> str:
            return f"{t.wall:.2f} s ({t.cpu:.2f} s)"

        for r in rows:
            page_set = "same" if not r["missing"] and not r["extra"] else f"{r['missing']} missing, {r['extra']} extra"
            print(f"| {n:,} | {r['name']} | {cell(r['clean'])} | {r['clean'].wall / base[r['images']]:.2f}× | {r['clean'].memory:.0f} MB | {cell(r['unchanged'])} "
                  f"| {cell(r['edited'])} | {sum(r['counts'].values()):,} | {page_set} | {r['bytes']:,.0f} |", flush=True)
        kinds = list(dict.fromkeys(expected.values()))
        wanted = Counter(expected.values())
        print(f"\nFiles by kind at {n:,} explainers (expected: from the content; social images are expected of the generators that draw them)", file=sys.stderr)
        print("| generator | " + " | ".join(kinds) + " |", file=sys.stderr)
        print("|:---|" + "---:|" * len(kinds), file=sys.stderr)
        print("| expected | " + " | ".join(f"{wanted[k]:,}" for k in kinds) + " |", file=sys.stderr)
        for r in rows:
            print(f"| {r['name']} | " + " | ".join(f"{r['counts'][k]:,}" for k in kinds) + " |", file=sys.stderr, flush=True)

if __name__ == "__main__":
    main()
