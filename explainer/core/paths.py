"""Where templates come from: a project's own `templates/`, in front of the default theme.

The default theme is the repository's `templates/`; installed, the package carries it as
`explainer/theme/`. A project needs no templates of its own: a file in its `templates/` takes the
place of the theme's file of the same name (`_partials/byline.html`, say) and every other is the
theme's, as MkDocs' custom_dir and Zola's site templates do.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # explainer/

TEMPLATES_DIR = "templates"


def source_checkout() -> Path | None:
    """The source folder the generator's code runs from (its pyproject.toml beside the package),
    when it runs from one: a checkout, installed editable or not at all. None for an installed copy."""
    checkout = PACKAGE.parent
    return checkout if (checkout / "pyproject.toml").is_file() else None


def default_theme() -> Path:
    """The default theme's folder: in the installed package, or the source checkout's templates/."""
    installed = PACKAGE / "theme"
    if installed.is_dir():
        return installed
    checkout = source_checkout()
    if checkout is not None and (checkout / TEMPLATES_DIR / "base.html").is_file():
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
