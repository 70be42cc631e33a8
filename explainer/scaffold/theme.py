"""`explainer theme`: the default theme's templates listed, or copied into a project's `templates/`
to be changed there (core/paths.py says how a project's templates lie over the theme's).
"""

from __future__ import annotations

from pathlib import Path

from explainer.core.paths import TEMPLATES_DIR, default_theme, theme_templates
from explainer.content.files import schema_reference


class NoSuchTemplate(Exception):
    """A name that is not one of the theme's templates, or one the project already has."""


def copy_templates(root: Path, names: list[str]) -> list[str]:
    """Copy the named templates of the default theme into the project's templates/, to change
    them there; every template it does not copy stays the theme's. Copies none unless it can
    copy all. Returns the paths written, relative to root."""
    import difflib

    known = theme_templates()
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise NoSuchTemplate(f"{name!r} is not a template of the default theme" + (f"; did you mean {close[0]!r}?" if close else "; `theme` lists them"))
        if (root / TEMPLATES_DIR / name).exists():
            raise NoSuchTemplate(f"{TEMPLATES_DIR}/{name} already exists: the project has its own copy; edit it there")
    written = []
    for name in names:
        target = root / TEMPLATES_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        raw = (default_theme() / name).read_bytes()
        if name.startswith("words/"):
            raw = _schema_line(root, raw)
        target.write_bytes(raw)
        written.append(f"{TEMPLATES_DIR}/{name}")
    return written


def _schema_line(root: Path, raw: bytes) -> bytes:
    """A theme words file's yaml-language-server line, pointed at the project's copy of the words
    schema, one folder further down than content/ (templates/words/)."""
    first, _, rest = raw.partition(b"\n")
    if not first.startswith(b"# yaml-language-server:"):
        return raw
    return f"# yaml-language-server: $schema=../{schema_reference(root, 'words')}".encode() + b"\n" + rest
