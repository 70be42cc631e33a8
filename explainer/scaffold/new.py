"""`explainer new DIR`: a working project to start from, as `hugo new site` and `mkdocs new` give.

The project has no templates of its own: it uses the default theme that comes with the
generator, and any template put in its templates/ replaces the theme's of the same name. It
holds the site file, one short explainer (about writing explainers, so it is true wherever it
is published), a README for editors, the publishing workflow, the JSON Schemas for editors'
completion, and a .gitignore.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import metadata, resources
from pathlib import Path

from explainer.core.atomic import atomic_write
from explainer.scaffold.schema import SCHEMAS


def version() -> str:
    try:
        return metadata.version("explainer")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0.0.0"


def requirement(installed_from: dict | None, version: str) -> tuple[str, bool]:
    """The line of requirements.txt that installs this very generator again, and whether a
    publishing workflow can reach it. `installed_from` is the install's direct_url.json (PEP 610),
    None when it came from a package index. A Git install is pinned to its commit; a folder on
    this computer cannot be reached from GitHub, so the version is pinned and the editor is told."""
    if installed_from is None:
        return f"explainer=={version}", True
    url, vcs = installed_from.get("url", ""), installed_from.get("vcs_info")
    reachable = url.startswith(("https://", "http://", "ssh://", "git@"))
    if vcs and reachable:
        return f"explainer @ {vcs['vcs']}+{url}@{vcs['commit_id']}", True
    if "archive_info" in installed_from and reachable:
        return f"explainer @ {url}", True
    return f"explainer=={version}", False


def installed_from() -> dict | None:
    """Where this generator was installed from, as pip recorded it (PEP 610); None from an index."""
    try:
        recorded = metadata.distribution("explainer").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return {}
    return json.loads(recorded) if recorded else None


def _site_name(folder: Path) -> str:
    words = re.split(r"[-_\s]+", folder.resolve().name)
    return " ".join(w.capitalize() for w in words if w) or "Explainers"


# The starter project's files, as they are written (package data, beside this module). `{name}`,
# `{today}`, `{line}` and `{version}` are filled in; nothing else in them is touched, so the
# workflow's own `${{ ... }}` expressions pass through as written.
STARTER = "starter"


def _starter_files() -> dict[str, str]:
    """The starter project's files by path below the project, as they ship."""
    top = resources.files("explainer.scaffold").joinpath(STARTER)
    found: dict[str, str] = {}

    def walk(folder, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for entry in folder.iterdir():
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name != "__init__.py":
                found[f"{prefix}{entry.name}"] = entry.read_text("utf-8")

    walk(top, "")
    return dict(sorted(found.items()))


def _fill(text: str, **values: str) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def project_files(folder: Path, today: dt.date) -> dict[str, str]:
    """The files of a new project at folder, by path below it."""
    name = _site_name(folder)
    values = {"name": name, "today": today.isoformat(), "line": requirement(installed_from(), version())[0], "version": version()}
    files = {path: _fill(text, **values) for path, text in _starter_files().items()}
    for schema in SCHEMAS:
        files[f"schema/{schema}"] = resources.files("explainer").joinpath("schema", schema).read_text("utf-8")
    return files


class ProjectExists(Exception):
    """The folder already holds files; nothing was written."""


def make_project(folder: Path, today: dt.date) -> list[str]:
    """Write a new project into folder, which must be missing or empty; returns the paths written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ProjectExists(f"{folder} already exists and is not empty: choose a new folder, or empty this one")
    files = project_files(folder, today)
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text.encode("utf-8"))
    return sorted(files)
