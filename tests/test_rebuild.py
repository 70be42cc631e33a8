"""Incremental builds: whatever a build keeps from the last one, it must give what a clean build
gives, and say what a clean build says."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO, SHAPES, make_project, minimal_explainer, snapshot, tree

from explainer.errors import BuildError
from explainer.output.record import MARKER
from explainer.pipeline import build
from explainer.preview.session import Session


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


def test_a_build_for_another_address_moves_every_page_as_a_clean_build_would(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    build(root, base_url="https://example.org/first/")
    build(root, base_url="https://news.example.com/explainers/")
    assert tree(root / "site") == clean_build(root, tmp_path / "clean", "https://news.example.com/explainers/")
    assert '<link rel="canonical" href="https://news.example.com/explainers/a/">' in (root / "site" / "a" / "index.html").read_text("utf-8")


# The slug on the second line, after a comment, so its place is not the file's first character.
KEPT = "# yaml-language-server: $schema=../schema/explainer.schema.json\n" + minimal_explainer("shared").replace("title:", "aliases: [old-name]\ntitle:", 1)


def test_a_clash_with_an_explainer_kept_from_the_last_build_is_reported_where_its_slug_is_written(make_site, tmp_path):
    root = make_site({"b.yaml": KEPT})
    build(root)
    # A new file, read before the kept one, takes its slug and its old slug.
    (root / "content" / "a.yaml").write_text(minimal_explainer("shared").replace("title:", "aliases: [old-name]\ntitle:", 1), "utf-8")
    with pytest.raises(BuildError) as incremental:
        build(root)
    with pytest.raises(BuildError) as clean:
        build(root, tmp_path / "clean")
    assert [str(e) for e in incremental.value.errors] == [str(e) for e in clean.value.errors] == [
        "content/b.yaml:2:7: slug: duplicate slug 'shared', also used by content/a.yaml",
        "content/b.yaml:3:11: aliases[0]: 'old-name' is also used by content/a.yaml; an old address can lead to one explainer only",
    ]


UNPLACED = minimal_explainer("a") + "unplaced:\n  - A sentence the importer could not place.\n"


def test_unplaced_text_is_warned_about_on_every_build_until_it_is_placed(make_site):
    root = make_site({"a.yaml": UNPLACED, "b.yaml": minimal_explainer("b")})
    first = build(root).warnings
    assert [w.field for w in first] == ["unplaced[0]"]
    assert build(root).warnings == first  # nothing changed
    (root / "content" / "b.yaml").write_text(minimal_explainer("b", answer="Changed."), "utf-8")
    assert build(root).warnings == first  # another explainer changed
    (root / "content" / "a.yaml").write_text(minimal_explainer("a"), "utf-8")
    assert build(root).warnings == ()


# An answer that starts with its short answer: valid, and warned about (validate.warn_explainer).
REPEATED = minimal_explainer("r", answer="Something happened. Then more happened.")


def test_any_warning_is_given_on_every_build_and_strict_refuses_it_when_nothing_changed(make_site):
    """A file that gave a warning is read again on every build, as one that may give one is, so
    its warning is printed again and --strict still fails, though its bytes hold nothing a quick
    look finds (no `unplaced`, no link)."""
    root = make_site({"r.yaml": REPEATED, "b.yaml": minimal_explainer("b")})
    first = build(root).warnings
    assert [w.field for w in first] == ["sections[0].answer"]
    again = build(root)
    assert again.warnings == first and not again.unchanged and again.rendered == 0
    with pytest.raises(BuildError) as caught:
        build(root, strict=True)
    assert [(e.field, e.warning) for e in caught.value.errors] == [("sections[0].answer", False)]
    (root / "content" / "r.yaml").write_text(minimal_explainer("r", answer="Then more happened."), "utf-8")
    assert build(root).warnings == ()
    assert build(root).unchanged  # warned no more: the quick build again


def test_the_previews_session_makes_the_files_a_build_makes_for_its_address(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": UNPLACED.replace("slug: a", "slug: b")})
    preview = Session(root, tmp_path / "preview", "http://127.0.0.1:8000/")
    for edit in ("", "It happened again.", "It happened again."):
        if edit:
            (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer=edit), "utf-8")
        shown = preview.build()
        preview.search()  # as the server asks for it when the browser first fetches the search index
        # The preview builds drafts and explainers dated in the future, as these options do.
        built = build(root, tmp_path / "built", "http://127.0.0.1:8000/", drafts=True, future=True)
        # The same files; only the record differs, as the preview's keeps its search index apart.
        assert without_record(tree(tmp_path / "preview")) == without_record(tree(tmp_path / "built"))
        assert shown.warnings == built.warnings and len(shown.warnings) == 1


def without_record(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if path != MARKER}


def test_the_preview_writes_nothing_while_an_explainer_is_wrong(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    preview = Session(root, tmp_path / "preview", None)
    preview.build()
    before = snapshot(tmp_path / "preview")
    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")
    (root / "content" / "c.yaml").write_text(minimal_explainer("b"), "utf-8")  # b's slug again
    with pytest.raises(BuildError) as caught:
        preview.build()
    assert [e.field for e in caught.value.errors] == ["slug"]
    assert snapshot(tmp_path / "preview") == before
    (root / "content" / "c.yaml").unlink()
    preview.build()
    assert "Changed." in (tmp_path / "preview" / "a" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("sheet, pages", [
    ("_partials/style.css", ["index.html", "minimal/index.html", "minimal/first/index.html"]),
    ("_partials/fragment.css", ["minimal/embed/first/index.html", "minimal/embed/first/fragment.html"]),
])
def test_editing_a_style_sheet_every_page_inlines_rebuilds_every_page_that_inlines_it(make_site, sheet, pages):
    # The theme's style sheets are rendered once per build and kept (the `once` global), not
    # included on each page: an edit to one must still reach every page, in a build that reuses the last.
    root = make_site({"a.yaml": minimal_explainer()})
    build(root)
    from helpers import override

    path = override(root, sheet)
    path.write_text(path.read_text("utf-8") + "\n.edited-rule{color:red}\n", "utf-8")
    build(root)
    for page in pages:
        assert (root / "site" / page).read_text("utf-8").count(".edited-rule{color:red}") == 1, page
