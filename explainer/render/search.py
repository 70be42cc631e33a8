"""Stage 5, last: the search index, made by Pagefind (https://pagefind.app/) from the pages the
build wrote. The `pagefind[bin]` package ships its binary; nothing is fetched.

Pagefind reads every explainer, question and card page (the pages whose main content carries
`data-pagefind-body`; the theme marks what each page indexes, so a card's text is found on the
card's own page and not again on its explainer's and question's) and writes an index per
language, split into small files a reader's browser fetches only as a search needs them.

It writes into a folder of its own made inside the output, never anywhere else: the build then
places each file it wrote, by its path below that folder, through the output like every other
file, and removes the folder.

Pagefind numbers pages in the order it finds them, which is the order the file system lists a
folder's entries: by name on some, by when each was made on others (tmpfs, btrfs), where a
rebuild that kept some explainers' folders and wrote others would list them in another order
than a clean build. So it reads not the output itself but a copy of its pages made of hard links
(a copy where links cannot be made), each made in the order of its path: the same pages, in the
same order, give the same index on every file system.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

# Explainer pages (<slug>/index.html) and question and card pages (<slug>/<id>/index.html): only
# these are read. Other pages at those depths (a page for partners, the index's later pages, a
# redirect) carry no data-pagefind-body, so Pagefind leaves them out.
GLOB = "{*/index.html,*/*/index.html}"
# Pagefind's own search interfaces, which the theme does not use (its search box is its own, in
# the theme's words and styles), and the index for pages without a language, which has none.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.", "wasm.unknown.")
# Settings Pagefind would otherwise take from the environment.
_OWN_SETTINGS = "PAGEFIND_"
# The index's list of languages, which Pagefind writes in no fixed order (the rest of what it
# writes is the same for the same pages): written again in the order of their names, so that
# builds stay byte-identical.
ENTRY = "pagefind-entry.json"


class SearchError(Exception):
    """Pagefind could not make the index: a one-line reason."""


def pagefind_binary() -> Path:
    """The Pagefind binary the `pagefind[bin]` package installed."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError:
        raise SearchError("the search index needs Pagefind, which is not installed: pip install 'pagefind[bin]', or set search: false in site.yaml") from None
    binary = Path(pagefind_bin.__file__).parent / ("pagefind.exe" if os.name == "nt" else "pagefind")
    if not binary.is_file():
        raise SearchError(f"the Pagefind binary is missing from {binary.parent}: pip install --force-reinstall 'pagefind[bin]', or set search: false in site.yaml")
    return binary


@contextlib.contextmanager
def index_folder(layers: list[Path], dropped: Callable[[str], bool] = lambda path: False) -> Iterator[list[tuple[str, Callable[[], bytes]]]]:
    """Run Pagefind over the site the folders `layers` hold together (a page from the first that
    has it; none that `dropped` says the build removes); yields each file of its index as its path
    below the index's folder and a function that reads its bytes. The files are gone once the
    block ends."""
    binary = pagefind_binary()
    layers = [layer.resolve() for layer in layers]  # Pagefind runs in a folder of its own
    scratch = Path(tempfile.mkdtemp(prefix=".explainer-search-", dir=layers[0]))
    try:
        pages = scratch / "pages"
        found: dict[str, Path] = {}
        for layer in reversed(layers):
            found |= {path: layer / path for path in _pages(layer, scratch)}
        for path, source in sorted(found.items()):
            if not dropped(path):
                _link(source, pages / path)
        env = {name: value for name, value in os.environ.items() if not name.startswith(_OWN_SETTINGS)}
        command = [str(binary), "--site", str(pages), "--glob", GLOB, "--output-path", str(scratch / "index")]
        try:
            # Run from the empty folder, so no pagefind.yml of the project or elsewhere is read.
            done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, errors="replace")
        except OSError as exc:
            raise SearchError(f"Pagefind could not be run ({exc.strerror or exc}): pip install --force-reinstall 'pagefind[bin]', or set search: false in site.yaml") from None
        if done.returncode != 0:
            said = [line.strip() for line in (done.stderr + "\n" + done.stdout).splitlines() if line.strip()]
            errors = [line for line in said if "error" in line.lower()] or said
            raise SearchError(f"Pagefind failed (exit status {done.returncode}): {errors[-1] if errors else 'it said nothing'}")
        yield list(_files(scratch / "index"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _pages(folder: Path, scratch: Path) -> list[str]:
    """The paths (below `folder`) of the pages Pagefind may read, sorted: every index.html one or
    two folders down, but for the build's own folders (a leading dot) and the scratch folder."""
    found = []
    for first in os.scandir(folder):
        if first.name.startswith(".") or not first.is_dir(follow_symlinks=False) or first.path == str(scratch):
            continue
        with os.scandir(first.path) as entries:
            for entry in entries:
                if entry.name == "index.html" and entry.is_file(follow_symlinks=False):
                    found.append(f"{first.name}/index.html")
                elif entry.is_dir(follow_symlinks=False) and _regular(os.path.join(entry.path, "index.html")):
                    found.append(f"{first.name}/{entry.name}/index.html")
    return sorted(found)


def _regular(path: str) -> bool:
    return os.path.isfile(path) and not os.path.islink(path)


def _link(source: Path, target: Path) -> None:
    """`target` made as a hard link to `source`, or a copy where the file system has no links."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _files(top: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Every regular file below top, sorted, as (path below top, reader); links are never followed."""
    for where, folders, names in os.walk(top):
        folders.sort()
        for name in sorted(names):
            path = Path(where) / name
            relative = path.relative_to(top).as_posix()
            if path.is_symlink() or not path.is_file() or name.startswith(UNUSED):
                continue
            yield relative, (partial(_in_order, path) if relative == ENTRY else path.read_bytes)


def _in_order(path: Path) -> bytes:
    """pagefind-entry.json with its languages in the order of their names."""
    entry = json.loads(path.read_bytes())
    entry["languages"] = dict(sorted(entry.get("languages", {}).items()))
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
