"""What the tests share: the repository's paths, real project folders, the command line, and ways
to look at a built site. Browser and checker tools are in webtools.py; fixtures in conftest.py."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

from lxml import html as lxml_html

from explainer.content.load import parse_explainer
from explainer.content.model import Explainer, Site, build_site
from explainer.content.parse import RawDoc, parse_site
from explainer.output.record import STAMPS

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO / "seeds" / "000_ce73dfbfefde9489.txt"
SEED_SLUG = "why-trump-wants-to-meet-putin-again"
SHAPES = Path(__file__).parent / "shapes"

MINIMAL = """\
slug: {slug}
title: {title}
dek: A short dek.
published: {published}
sections:
  - id: first
    question: What happened?
    short_answer: Something happened.
    answer: |
      {answer}
"""


def minimal_explainer(slug: str = "minimal", title: str = "A minimal explainer", published: str = "2025-01-02", answer: str = "It happened.") -> str:
    """The smallest valid explainer, for tests that need a second one."""
    return MINIMAL.format(slug=slug, title=title, published=published, answer=answer)


def explainer_model(text: str, path: str = "content/a.yaml") -> Explainer:
    """An explainer file's text as the build models it (load, validate, model), with no file."""
    parsed = parse_explainer(path, text.encode("utf-8"))
    assert parsed.explainer is not None, [str(e) for e in parsed.errors]
    return parsed.explainer


def site_model(base_url: str | None = None, text: str | None = None) -> Site:
    """The repository's site file (or `text`) as the build models it, for base_url when given."""
    doc = parse_site("site.yaml", (text if text is not None else (REPO / "site.yaml").read_text("utf-8")).encode("utf-8"))
    assert isinstance(doc, RawDoc), doc
    return build_site(doc, base_url)


def make_project(root: Path, content: dict[str, str | bytes] | None = None, *, base_url: str | None = None, site: str | None = None) -> Path:
    """A project folder at root, as a newsroom's is: the repository's site.yaml (or `site`, with
    base_url when given) and the given content files (the repository's own when None). It has no
    templates/: its pages use the default theme, unless a test overrides one (`override`)."""
    root.mkdir(parents=True)
    site = site if site is not None else (REPO / "site.yaml").read_text("utf-8")
    if base_url:
        site = "\n".join(f"base_url: {base_url}" if line.startswith("base_url:") else line for line in site.splitlines()) + "\n"
    (root / "site.yaml").write_text(site, "utf-8")
    if content is None:
        shutil.copytree(REPO / "content", root / "content")
    else:
        (root / "content").mkdir()
        for name, text in content.items():
            (root / "content" / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


def override(root: Path, template: str) -> Path:
    """The project's own copy of one of the default theme's templates, to edit: it takes the
    theme's place in every page that uses it."""
    path = root / "templates" / template
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "templates" / template, path)
    return path


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` as a user types it, run in this process (explainer.cli.main, in the
    folder `cwd`): its exit status and what it printed. cli_process runs it in a new process, for
    what only a process shows (the script itself, the environment, signals)."""
    from explainer.cli import main

    argv = [str(REPO / "build.py"), *args]
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    with contextlib.chdir(cwd or Path.cwd()), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.argv = argv  # the command is named as typed: `python build.py`
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse, for --help or a mistake in the arguments
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        finally:
            sys.argv = saved
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def cli_process(*args: str, cwd: Path | None = None, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """`python build.py ARGS` as a user runs it, in a new process; its output as text."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd, **kwargs)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of a built site and its bytes; not the cache of the content files' times, which
    differs whenever a content file is written again, whatever it holds."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != STAMPS}


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: equal means the file was not rewritten."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


def page_text(path: Path) -> str:
    """What a reader sees in <main>, with white space folded."""
    return " ".join(parse(path).find(".//main").text_content().split())


def html_documents(site: Path) -> list[Path]:
    """Every HTML document of a site, embed pages included. Fragments (fragment.html) are not
    documents but markup to paste into one; the editing page (admin/) is not a reader's page but
    the CMS's, for editors, which loads its app from its host (tests/test_cms.py checks it)."""
    return [p for p in sorted(site.rglob("*.html")) if p.name != "fragment.html" and p.relative_to(site).parts[0] != "admin"]


def readable(path: Path) -> bytes:
    """A file's bytes as a reader of the site could get at them: the search index's files, which
    Pagefind compresses, uncompressed."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def indexed(site: Path) -> dict[str, str]:
    """What the search index holds of each page, by its address below the site's root: the text
    Pagefind read from it."""
    pages = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = json.loads(readable(fragment).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data["content"]
    return pages
