"""Shared fixtures: real project folders under tmp_path, built with the real pipeline."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from webtools import browser, page  # noqa: E402,F401  (fixtures)

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO / "seeds" / "000_ce73dfbfefde9489.txt"
SEED_SLUG = "why-trump-wants-to-meet-putin-again"

MINIMAL = """\
slug: {slug}
title: {title}
dek: A short dek.
published: {published}
sections:
  - id: first
    question: What happened?
    short_answer: Something happened.
    answer: |
      {answer}
"""


def minimal_explainer(slug: str = "minimal", title: str = "A minimal explainer", published: str = "2025-01-02", answer: str = "It happened.") -> str:
    """The smallest valid explainer, for tests that need a second one."""
    return MINIMAL.format(slug=slug, title=title, published=published, answer=answer)


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Make a project folder: the repo's site.yaml and templates, and the given content files.

    With no content given, the repo's own content/ is used.
    """

    def make(content: dict[str, str | bytes] | None = None, base_url: str | None = None) -> Path:
        root = tmp_path / "project"
        root.mkdir()
        shutil.copytree(REPO / "templates", root / "templates")
        site = (REPO / "site.yaml").read_text("utf-8")
        if base_url:
            site = "\n".join(f"base_url: {base_url}" if line.startswith("base_url:") else line for line in site.splitlines()) + "\n"
        (root / "site.yaml").write_text(site, "utf-8")
        if content is None:
            shutil.copytree(REPO / "content", root / "content")
        else:
            (root / "content").mkdir()
            for name, text in content.items():
                path = root / "content" / name
                path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return root

    return make


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's content built once under a project-site base path; returns its site/ folder."""
    from explainer.pipeline import build

    out = tmp_path_factory.mktemp("seed") / "site"
    build(REPO, out, base_url="https://example.org/repo/")
    return out
