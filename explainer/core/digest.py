"""Keys: a digest of everything one output is made from. Equal keys mean the same output, so a
file whose key is unchanged is not made again. This module imports nothing of the generator's,
so any stage may use it."""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest(*parts: str) -> str:
    """One key for several inputs."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _code_digest() -> str:
    """A digest of this package's code and schemas: output made by other code is never reused."""
    package = Path(__file__).resolve().parent.parent  # explainer/
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.json")):
        h.update(path.read_bytes())
    return h.hexdigest()


CODE_DIGEST = _code_digest()
