"""Where templates come from: a project's own `templates/`, in front of the default theme.

The default theme is the repository's `templates/`; installed, the package carries it as
`explainer/theme/`. A project needs no templates of its own: a file in its `templates/` takes the
place of the theme's file of the same name (`_partials/byline.html`, say) and every other is the
theme's, as MkDocs' custom_dir and Zola's site templates do.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TEMPLATES_DIR = "templates"


def default_theme() -> Path:
    """The default theme's folder: in the installed package, or the source checkout's templates/."""
    installed = PACKAGE / "theme"
    if installed.is_dir():
        return installed
    checkout = PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / TEMPLATES_DIR / "base.html").is_file():
        return checkout / TEMPLATES_DIR
    raise FileNotFoundError(f"the default theme is missing from {PACKAGE}: reinstall the generator")


def template_folders(root: Path) -> list[Path]:
    """The folders templates are looked up in, first to last: the project's own, then the theme."""
    theme = default_theme()
    own = root / TEMPLATES_DIR
    if own.is_dir() and own.resolve() != theme.resolve():
        return [own, theme]
    return [theme]


def theme_templates() -> list[str]:
    """The default theme's templates by name (`base.html`, `_partials/footer.html`), sorted."""
    theme = default_theme()
    return sorted(p.relative_to(theme).as_posix() for p in theme.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py")


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
    from .starter import schema_reference

    first, _, rest = raw.partition(b"\n")
    if not first.startswith(b"# yaml-language-server:"):
        return raw
    return f"# yaml-language-server: $schema=../{schema_reference(root, 'words')}".encode() + b"\n" + rest
