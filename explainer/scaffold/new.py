"""`explainer new DIR`: a working project to start from, as `hugo new site` and `mkdocs new` give.

The project has no templates of its own: it uses the default theme that comes with the
generator, and any template put in its templates/ replaces the theme's of the same name. It
holds the site file, one short explainer (about writing explainers, so it is true wherever it
is published), a README for editors, the publishing workflow, the JSON Schemas for editors'
completion, and a .gitignore.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import subprocess
import tomllib
import urllib.parse
from importlib import metadata, resources
from pathlib import Path

from explainer.core.atomic import atomic_write
from explainer.core.paths import source_checkout
from explainer.scaffold.schema import SCHEMAS


def version() -> str:
    """The running generator's version: its checkout's pyproject.toml when it runs from one (an
    egg-info left there by an older install may say another), else the installed copy's."""
    checkout = source_checkout()
    if checkout is not None:
        with contextlib.suppress(OSError, tomllib.TOMLDecodeError, KeyError):
            return str(tomllib.loads((checkout / "pyproject.toml").read_text("utf-8"))["project"]["version"])
    try:
        return metadata.version("explainer")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


# A Git remote written the SSH way: git@github.com:owner/repo.git, ssh://git@host/owner/repo.
_SCP = re.compile(r"(?:[\w.-]+@)?([\w-]+(?:\.[\w-]+)+):(?!/)(.+)")
_SSH = re.compile(r"ssh://(?:[\w.-]+@)?([\w.-]+)(?::[0-9]+)?/(.+)")


def https_remote(remote: str) -> str | None:
    """The https address of a Git remote, which a publishing workflow fetches with no key: the
    remote itself, or an SSH remote's host and path. None for any other (a folder, say)."""
    if remote.startswith("https://"):
        return remote
    found = _SCP.fullmatch(remote) or _SSH.fullmatch(remote)
    return f"https://{found[1]}/{found[2]}" if found else None


def git_pin(folder: Path) -> str | None:
    """The Git address that installs the generator as it is in folder, a checkout on this
    computer: its `origin` (as an https address, which a publishing workflow can fetch) at the
    commit checked out, when that commit is on a branch of origin and nothing in the checkout
    differs from it. None otherwise."""
    if not folder.is_dir():
        return None
    commit, remote = _git(folder, "rev-parse", "HEAD"), _git(folder, "remote", "get-url", "origin")
    url = https_remote(remote) if remote else None
    if not commit or not url:
        return None
    if _git(folder, "status", "--porcelain", "--untracked-files=no") != "" or not _git(folder, "branch", "-r", "--contains", commit):
        return None
    below = (_git(folder, "rev-parse", "--show-prefix") or "").strip("/")  # the generator in a folder of its repository
    return f"explainer @ git+{url}@{commit}" + (f"#subdirectory={below}" if below else "")


# What requirements.txt holds instead of a line GitHub could not install: nothing that installs, so
# the publishing workflow's first step stops and says what to write (the package index has no
# package of this name to fall back on).
UNREACHABLE = "# explainer @ <where your newsroom installs the generator from: write it here, and remove the # at the start>"


def requirement(installed_from: dict | None) -> tuple[str, bool]:
    """The line of requirements.txt that installs this very generator again, and whether a
    publishing workflow can reach it (when not, the line is UNREACHABLE's comment).
    `installed_from` is the install's direct_url.json (PEP 610), None when it came from a package
    index. A Git install is pinned to its commit, and so is one from a Git checkout on this
    computer whose commit is on its `origin`. Any other folder on this computer cannot be reached
    from GitHub; nor can a version from a package index, as PyPI has no generator of this name
    (its `explainer` is another project) and requirements.txt names no other index."""
    url, vcs = (installed_from or {}).get("url", ""), (installed_from or {}).get("vcs_info")
    reachable = url.startswith(("https://", "http://", "ssh://", "git@"))
    if vcs and reachable:
        return f"explainer @ {vcs['vcs']}+{url}@{vcs['commit_id']}", True
    if installed_from and "archive_info" in installed_from and reachable:
        return f"explainer @ {url}", True
    if url.startswith("file://"):
        pinned = git_pin(Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)))
        if pinned:
            return pinned, True
    return UNREACHABLE, False


def installed_from() -> dict | None:
    """Where the running generator came from, as pip records it (PEP 610); None from an index.
    Run from a source checkout (installed editable, or not at all), the checkout itself: the
    metadata found first may be another copy's, or an egg-info in the checkout that records
    nothing of where it came from."""
    checkout = source_checkout()
    if checkout is not None:
        return {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    try:
        recorded = metadata.distribution("explainer").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return {}
    return json.loads(recorded) if recorded else None


def _site_name(folder: Path) -> str:
    words = re.split(r"[-_\s]+", folder.resolve().name)
    return " ".join(w.capitalize() for w in words if w) or "Explainers"


# The starter project's files, as they are written (package data, beside this module). `{name}`,
# `{today}`, `{line}`, `{version}` and `{repo}` are filled in; nothing else in them is touched, so the
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


def project_files(folder: Path, today: dt.date, line: str) -> dict[str, str]:
    """The files of a new project at folder, by path below it; `line` is requirements.txt's line
    for the generator (requirement's)."""
    name = _site_name(folder)
    # The editing page's repository, until the newsroom writes its own: the folder's name under a placeholder owner.
    repo = f"your-org/{re.sub(r'[^A-Za-z0-9_.-]+', '-', folder.resolve().name).strip('-') or 'explainers'}"
    values = {"name": name, "today": today.isoformat(), "line": line, "version": version(), "repo": repo}
    files = {path: _fill(text, **values) for path, text in _starter_files().items()}
    for schema in SCHEMAS:
        files[f"schema/{schema}"] = resources.files("explainer").joinpath("schema", schema).read_text("utf-8")
    return files


class ProjectExists(Exception):
    """The folder already holds files; nothing was written."""


def make_project(folder: Path, today: dt.date, line: str) -> list[str]:
    """Write a new project into folder, which must be missing or empty, with `line` in its
    requirements.txt; returns the paths written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ProjectExists(f"{folder} already exists and is not empty: choose a new folder, or empty this one")
    files = project_files(folder, today, line)
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text.encode("utf-8"))
    return sorted(files)
