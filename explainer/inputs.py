"""What a build depends on, digested, and the shortcut taken when none of it changed.

This module imports nothing heavy (no templates, Markdown, images or XML), so a build with
nothing to do costs a stat per explainer file, a read of each template and of the site file,
and a few lines of the last build's marker.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .load import Scan, Seen, scan_sources
from .write import build_lock, read_manifest, strays


def digest(*parts: str) -> str:
    """One key for several inputs."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _code_digest() -> str:
    """A digest of this package's code and schemas: output made by other code is never reused."""
    package = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.json")):
        h.update(path.read_bytes())
    return h.hexdigest()


CODE_DIGEST = _code_digest()


def _templates_digest(root: Path) -> str:
    folder = root / "templates"
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else ():
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_digest(root: Path, base_url: str | None, scan: Scan) -> str:
    """A digest of everything a build reads: the code, the base URL, the site file, the templates and every explainer."""
    return digest(CODE_DIGEST, base_url or "", hashlib.sha256(scan.site or b"").hexdigest(), _templates_digest(root),
                  *(f"{path}={d}" for path, d in scan.explainers.items()))


def unchanged(root: Path, out: Path, base_url: str | None) -> tuple[int | None, Seen]:
    """How many files the last build in `out` wrote, if nothing it read has changed since; else None.

    Also returns what was learnt of the explainer files, so a build that follows reads none twice.
    A project with text the importer could not place is never unchanged: every build warns about it.
    Raises BuildError, as a build does, while another build is writing `out`.
    """
    with build_lock(out):
        manifest = read_manifest(out, header_only=True)
        if manifest is None or not manifest.pages or strays(out):
            return None, {}
        seen = dict(manifest.seen)
        scan = scan_sources(root, seen)
    if scan.errors or scan.unplaced or inputs_digest(root, base_url, scan) != manifest.inputs:
        return None, seen
    return manifest.pages, seen
