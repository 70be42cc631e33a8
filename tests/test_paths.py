"""Slugs and ids become folders of site/: anything that could leave its folder, clash with the
site's own files or differ only by case is refused with the field and what was expected."""

from __future__ import annotations

import pytest
from helpers import minimal_explainer

from explainer.content.validate import RESERVED_IDS, RESERVED_SLUGS
from explainer.errors import BuildError
from explainer.pipeline import build

PATTERN = "expected lowercase letters, digits and single hyphens"
BAD_NAMES = {
    "..": PATTERN, ".": PATTERN, "../../etc": PATTERN, "a/b": PATTERN, "/abs": PATTERN, "a\\\\b": PATTERN, "": PATTERN,
    "Upper": PATTERN, "UPPER": PATTERN, "a.html": PATTERN, "404.html": PATTERN, "feed.xml": PATTERN, ".hidden": PATTERN,
    "a b": PATTERN, "a--b": PATTERN, "-a": PATTERN, "a-": PATTERN, "caf\u00e9": PATTERN, "x" * 81: "is 81 characters long; the most is 80",
}


def errors_of(make_site, text: str) -> list[str]:
    root = make_site({"a.yaml": text})
    with pytest.raises(BuildError) as caught:
        build(root)
    assert not (root / "site").exists()
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize("slug", sorted(BAD_NAMES))
def test_a_slug_that_is_not_one_plain_folder_name_is_refused(make_site, slug):
    errors = errors_of(make_site, minimal_explainer().replace("slug: minimal", f'slug: "{slug}"'))
    assert errors and all(e.startswith("content/a.yaml:1:7: slug: ") for e in errors) and BAD_NAMES[slug] in errors[0], errors


@pytest.mark.parametrize("ident", sorted(BAD_NAMES))
def test_a_question_id_that_is_not_one_plain_folder_name_is_refused(make_site, ident):
    errors = errors_of(make_site, minimal_explainer().replace("id: first", f'id: "{ident}"'))
    assert errors and all(e.startswith("content/a.yaml:6:9: sections[0].id: ") for e in errors) and BAD_NAMES[ident] in errors[0], errors


# Folders the site writes at its root, or may: an explainer there would mix with them.
@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_a_slug_the_site_uses_for_itself_is_refused(make_site, slug):
    errors = errors_of(make_site, minimal_explainer(slug=slug))
    assert errors == [f"content/a.yaml:1:7: slug: '{slug}' is reserved for the site itself; choose another"]


# Anchors of the page's own parts, and "embed", the folder of an explainer's embeds beside its
# question and card pages.
@pytest.mark.parametrize("ident", sorted(RESERVED_IDS))
def test_an_id_the_page_uses_for_itself_is_refused(make_site, ident):
    errors = errors_of(make_site, minimal_explainer().replace("id: first", f"id: {ident}"))
    assert errors == [f"content/a.yaml:6:9: sections[0].id: '{ident}' is used by the page itself; choose another id"]


def test_every_folder_at_the_site_root_that_is_not_an_explainer_is_a_reserved_slug(make_site):
    root = make_site({"a.yaml": minimal_explainer()})
    build(root)
    folders = {p.name for p in (root / "site").iterdir() if p.is_dir()}
    assert folders - {"minimal"} <= RESERVED_SLUGS
    # A slug has no dot, so it can never be one of the files at the root (404.html, embed.js, ...).
    assert all("." in p.name for p in (root / "site").iterdir() if p.is_file())


def test_every_output_path_stays_inside_site(make_site):
    root = make_site(None)
    build(root)
    site = (root / "site").resolve()
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(site) and not path.is_symlink(), path
