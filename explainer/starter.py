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

from .write import atomic_write

SCHEMAS = ("explainer.schema.json", "site.schema.json", "words.schema.json")


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


def project_files(folder: Path, today: dt.date) -> dict[str, str]:
    """The files of a new project at folder, by path below it."""
    name = _site_name(folder)
    files = {
        "site.yaml": SITE.format(name=name),
        "content/how-this-site-works.yaml": EXAMPLE.format(today=today.isoformat()),
        "README.md": README.format(name=name),
        "requirements.txt": REQUIREMENTS.format(line=requirement(installed_from(), version())[0], version=version()),
        ".github/workflows/pages.yml": WORKFLOW,
        ".gitignore": GITIGNORE,
    }
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


def schema_reference(root: Path, name: str) -> str:
    """What a content file's yaml-language-server line names: the project's own copy of the
    schema (schema/, as `new` and `schema` write it), or, in the generator's own checkout, the
    package's. Relative to content/."""
    for folder in ("schema", "explainer/schema"):
        if (root / folder / f"{name}.schema.json").is_file():
            return f"../{folder}/{name}.schema.json"
    return f"../schema/{name}.schema.json"


def write_schemas(root: Path) -> list[str]:
    """Write this generator's schemas into the project's schema/ folder, for editors' completion."""
    written = []
    for schema in SCHEMAS:
        target = root / "schema" / schema
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, resources.files("explainer").joinpath("schema", schema).read_bytes())
        written.append(f"schema/{schema}")
    return written


SITE = """\
# yaml-language-server: $schema=schema/site.schema.json
# Settings shared by every explainer. base_url is where the site will be published; links use its
# path, so a GitHub Pages project site (https://<owner>.github.io/<repo>/) works. The publishing
# workflow builds for the address GitHub gives, so this one is for local builds.
name: {name}
base_url: https://example.org/
language: en               # a language tag (fr, pt-BR, ar): the pages' words, dates and direction
publisher:
  name: {name}
# brand:
#   accent: "#0b5cad"        # links and focus rings on light pages; checked for contrast
#   accent_dark: "#8cc4ff"   # the same on dark pages (made from accent when left out)
#   logo: logo.png           # a PNG, JPEG, WebP or GIF in this folder, shown in the masthead
#   font: Georgia, serif     # the pages' font stack
#   footer: Published by the newsroom. [Corrections](https://example.org/corrections)
"""

EXAMPLE = """\
# yaml-language-server: $schema=../schema/explainer.schema.json
slug: how-this-site-works
title: How This Site Works
dek: Every explainer here is one YAML file. This one explains the files themselves.
published: {today}
intro: |
  This is an example explainer: edit it, or delete it once you have written your own.
sections:
  - id: what-is-an-explainer
    question: What is an explainer?
    short_answer: The questions a reader asks about a story, each with its answer, in the order a reader asks them.
    answer: |
      The questions a reader asks about a story, each with its answer, in the order a reader asks them.
      Each question has a page of its own, and an embed for other sites' stories.
  - id: what-can-a-section-be
    question: What can a section be?
    short_answer: A question, or one of a few other kinds.
    answer: |
      Besides questions, a section can be one of these.
    cards:
      - id: a-deck-of-cards
        title: A deck of cards
        summary: Options or proposals, shown as a grid inside a question.
        detail: |
          Every card has a page of its own and an embed.
        facts:
          - label: Where
            text: Under `cards` in a question.
      - id: a-timeline
        title: A timeline
        summary: Dated events, oldest first.
        detail: |
          A date may be a year, a month or a day.
      - id: a-glossary
        title: A glossary
        summary: Terms a reader may not know.
        detail: |
          One per explainer, where you choose to put it.
  - glossary:
      - term: Slug
        definition: The part of an address that names an explainer, like `how-this-site-works`.
      - term: Deck
        definition: The cards a question carries.
"""

README = """\
# {name}

Explainers, one YAML file each in `content/`, built into a static site by the explainer
generator (its version is pinned in `requirements.txt`).

## Write

Each explainer is `content/<slug>.yaml`; `content/how-this-site-works.yaml` is an example to copy.
Editors that read the YAML language server's schema line (VS Code's YAML extension, Neovim,
JetBrains) complete field names and flag mistakes as you type, from `schema/`.

The pages are in the language `site.yaml` names; an explainer in another language says so with
`language: fr` (any tag, like `pt-BR` or `ar`). The theme's words come in English, Arabic, French,
German, Portuguese and Spanish; `explainer theme words/fr.yaml` copies a language's words into
`templates/words/` to change them, and a file named for another language adds it.

## Preview

    explainer serve

opens a preview on http://127.0.0.1:8000/ that reloads as you save. Mistakes are shown with their
file, line and what to write instead.

## Build

    explainer

builds the site into `site/`. Nothing is written when content is wrong: fix what it says and
build again.

## Change how it looks

Brand colours, a logo, fonts and the footer are settings in `site.yaml` (`brand:`). To change a
template, copy it from the generator's default theme into `templates/` under the same name and
edit it there; every other template still comes from the theme.

## Publish

Push to GitHub and set Settings -> Pages -> Source to GitHub Actions: the workflow in
`.github/workflows/pages.yml` builds and publishes the site on every push to `main`. The
generator's version is pinned in `requirements.txt`, so the site builds the same until you change it.
"""

REQUIREMENTS = """\
# The generator, pinned so the site builds the same next month: the publishing workflow installs
# exactly this. To install it from its Git repository instead, write that address at a tag:
# explainer @ git+https://github.com/<owner>/<repo>@v{version}
{line}
"""

WORKFLOW = """\
# Builds the site and publishes it with GitHub Pages on every push to main.
# Setup, once: the repository's Settings -> Pages -> Build and deployment -> Source: GitHub Actions.
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

# No job holds a permission it does not ask for below: the build job, which installs packages,
# can read the repository and its Pages settings; only the deploy job can publish.
permissions: {}

# One deployment at a time; a newer push waits for the running one rather than cancelling it,
# so a deployment is never cut off halfway.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: read
    steps:
      - uses: actions/checkout@v7
      - uses: actions/setup-python@v7
        with:
          python-version: "3.12"
          cache: pip
          cache-dependency-path: requirements.txt
      - id: pages
        uses: actions/configure-pages@v5
      - name: Install
        run: pip install -r requirements.txt
      - name: Build
        # configure-pages gives the site's address without a trailing slash
        # (https://owner.github.io/repo, or the custom domain); the build wants one.
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: explainer --base-url "${BASE_URL%/}/"
      - uses: actions/upload-pages-artifact@v5
        with:
          path: site
          include-hidden-files: true

  deploy:
    needs: build
    runs-on: ubuntu-latest
    # Publishing takes these two; the build job, which installs packages, holds neither.
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
"""

GITIGNORE = """\
/site/
/site.*/
__pycache__/
"""
