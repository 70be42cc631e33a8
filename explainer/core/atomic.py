"""Writing a file in one step, and paths that cannot leave the folder they are below."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(target: Path, data: bytes, *, sync: bool = True) -> None:
    """Replace target by a file holding data, in one step: a reader sees the old file or the new,
    never part of one. With sync, the bytes are on disk before the name points at them."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def relative(path: str) -> tuple[str, ...]:
    """The parts of a path below the output folder (slash-separated, as a build plans its paths);
    ValueError for one that would leave it, or that names a part of none (`a//b`, `a/./b`)."""
    parts = tuple(path.split("/"))
    if any(part in ("", ".", "..") or "\0" in part for part in parts):  # "" also for a path that starts with /
        raise ValueError(f"output path escapes the site folder: {path!r}")
    return parts
