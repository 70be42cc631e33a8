"""Incremental builds: whatever a build keeps from the last one, it must give what a clean build
gives, and say what a clean build says."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO, SHAPES, make_project, tree

from explainer.pipeline import build


def clean_build(root: Path, out: Path, base_url: str | None = None) -> dict[str, bytes]:
    """The files a build from nothing makes of the project at root, into out."""
    build(root, out, base_url)
    return tree(out)


def test_an_explainer_in_another_language_kept_from_the_last_build_keeps_its_language_on_the_site_pages(tmp_path):
    # A French site with an Arabic explainer, which the site's own pages (index, feed, the
    # redirects from its old slug) show in Arabic; then an edit to the French one only.
    site = (REPO / "site.yaml").read_text("utf-8").replace("language: en", "language: fr")
    root = make_project(tmp_path / "p", {name: (SHAPES / name).read_text("utf-8") for name in ("french.yaml", "arabic.yaml")}, site=site)
    build(root)
    (root / "content" / "french.yaml").write_text((SHAPES / "french.yaml").read_text("utf-8") + "# edited\n", "utf-8")
    build(root)
    assert tree(root / "site") == clean_build(root, tmp_path / "clean")
    assert '<html lang="ar" dir="rtl">' in (root / "site" / "water-plan" / "index.html").read_text("utf-8")  # a redirect from its old slug
