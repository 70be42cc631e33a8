"""Stage 6: put the rendered files into site/ all at once, rewriting only what changed.

The new tree is assembled beside site/ (site.tmp/), unchanged files hard-linked from the old tree
so they keep their bytes and timestamps, then swapped in with two renames. A failed or killed build
therefore never leaves a half-written site/, and the next build finishes or undoes the swap.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath

from .errors import BuildError, ContentError

# Marks a folder as ours; the build refuses to replace a folder without it.
MARKER = ".explainer-site.json"


def _sibling(out: Path, suffix: str) -> Path:
    return out.with_name(out.name + suffix)


def recover(out: Path) -> None:
    """Finish or undo a swap that a killed build left half done, and drop stray temporary trees."""
    old, tmp = _sibling(out, ".old"), _sibling(out, ".tmp")
    if old.exists() and not out.exists():
        old.rename(out)
    for stray in (old, tmp):
        if stray.exists():
            shutil.rmtree(stray)


def _manifest(out: Path) -> dict[str, str] | None:
    """The hashes the last build wrote, or None when out holds something that is not ours."""
    if not out.exists():
        return {}
    marker = out / MARKER
    if not marker.is_file():
        return {} if out.is_dir() and not any(out.iterdir()) else None
    try:
        return json.loads(marker.read_text("utf-8"))["files"]
    except (ValueError, KeyError, TypeError):
        return {}


def _safe_relative(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ValueError(f"output path escapes the site folder: {path!r}")
    return rel


def check_output(out: Path) -> None:
    """Refuse, before any work, to replace a folder this tool did not make."""
    if _manifest(out) is None:
        raise BuildError([ContentError(str(out.name), 1, 1, "(output)", f"'{out.name}/' exists and was not made by this tool; move it away or pass another --out")])


def write_site(out: Path, files: dict[str, bytes]) -> int:
    """Replace out with exactly `files` ({relative path: bytes}); returns how many files were (re)written."""
    recover(out)
    check_output(out)
    previous = _manifest(out) or {}
    hashes = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    if hashes == previous:
        return 0  # nothing changed: leave every file, the marker included, as it is
    tmp = _sibling(out, ".tmp")
    tmp.mkdir(parents=True)
    written = 0
    for path in sorted(files):
        data = files[path]
        rel = _safe_relative(path)
        digest = hashes[path]
        target = tmp.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        old_file = out.joinpath(*rel.parts)
        if previous.get(path) == digest and old_file.is_file():
            os.link(old_file, target)
        else:
            target.write_bytes(data)
            written += 1
    (tmp / MARKER).write_text(json.dumps({"files": hashes}, indent=0, sort_keys=True), "utf-8")
    if out.exists():
        old = _sibling(out, ".old")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old)
    else:
        tmp.rename(out)
    return written
