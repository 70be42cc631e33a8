"""`python build.py --in-place`, as the publishing workflow builds over the site/ it kept: only the
files that changed are staged beside site/ and moved into it once the build has finished. The site
it leaves is the one a clean build makes, edit after edit; what did not change is not touched; a
mistake or a kill before the moves leaves site/ as it was, and a kill during them is finished by
the next build."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import cli, indexed, minimal_explainer, override, snapshot, tree
from test_failures import KILL, built_project_to_edit, count_steps, kill_points, strays
from test_search import CARD

from explainer.output.swap import COMMIT
from explainer.pipeline import build


def test_an_in_place_build_leaves_the_site_a_clean_build_makes_through_edits_additions_renames_and_removals(make_site, tmp_path):
    root = make_site({"a.yaml": CARD, "b.yaml": minimal_explainer("b", title="Bee"), "c.yaml": minimal_explainer("c", title="Sea")})
    site, content = root / "site", root / "content"
    assert cli("--root", str(root), "--in-place").returncode == 0  # no site/ yet: built whole
    folder = site.stat().st_ino

    def same_as_a_clean_build(step: str) -> None:
        result = cli("--root", str(root), "--in-place")
        assert result.returncode == 0, (step, result.stderr)
        clean = tmp_path / f"clean-{step}"
        build(root, clean)
        assert tree(site) == tree(clean), (step, sorted(p for p in set(tree(site)) ^ set(tree(clean)))[:6])
        assert site.stat().st_ino == folder, step  # the same folder, not a new one swapped in
        assert strays(root) == [], step

    b_pages = {path: made for path, made in snapshot(site).items() if path.startswith("b/")}
    (content / "a.yaml").write_text(CARD.replace("Numbats", "Bilbies"), "utf-8")
    same_as_a_clean_build("edit")
    assert "Bilbies eat termites." in indexed(site)["/a/the-card/"]
    assert {path: made for path, made in snapshot(site).items() if path.startswith("b/")} == b_pages  # b untouched

    (content / "d.yaml").write_text(minimal_explainer("d", title="Dee"), "utf-8")
    same_as_a_clean_build("addition")
    (content / "b.yaml").unlink()
    same_as_a_clean_build("removal")
    assert not (site / "b").exists() and not any(url.startswith("/b/") for url in indexed(site))
    (content / "c.yaml").write_text(minimal_explainer("sea-change", title="Sea"), "utf-8")  # a new slug: the old address redirects
    same_as_a_clean_build("rename")
    assert (site / "sea-change" / "index.html").is_file()
    footer = override(root, "_partials/pager.html")
    footer.write_text("<nav>{{ explainer.title }}</nav>\n", "utf-8")
    same_as_a_clean_build("theme")

    # A mistake: nothing staged, nothing moved.
    before = snapshot(site)
    (content / "e.yaml").write_text("slug: e\ntitel: E\n", "utf-8")
    failed = cli("--root", str(root), "--in-place")
    assert failed.returncode == 1 and "site/ was left as it was" in failed.stderr
    assert snapshot(site) == before and strays(root) == []


def test_an_in_place_build_of_one_edit_writes_only_that_explainer_s_files_and_the_site_s_pages(make_site):
    root = make_site({f"{slug}.yaml": minimal_explainer(slug, title=f"About {slug}") for slug in "abcdef"})
    build(root, in_place=True)
    before = snapshot(root / "site")
    (root / "content" / "c.yaml").write_text(minimal_explainer("c", title="About c", answer="It changed."), "utf-8")
    result = build(root, in_place=True)
    after = snapshot(root / "site")
    rewritten = sorted(path for path in after if before.get(path) != after[path])
    assert rewritten and all(path.startswith(("c/", "pagefind/")) or "/" not in path for path in rewritten), rewritten
    assert result.written == len([p for p in rewritten if not p.startswith(".") and "/." not in p])


def test_files_an_explainer_drops_while_many_are_made_again_over_the_cores_are_removed(make_site, tmp_path):
    # Enough explainers made again for the workers to write them (explainer.core.parallel.MIN_GROUPS):
    # a worker's removals reach site/ as the build's own do.
    others = {f"{slug}.yaml": minimal_explainer(slug, title=f"About {slug}") for slug in (f"x{n:02}" for n in range(20))}
    root = make_site({"a.yaml": CARD, **others})
    build(root, in_place=True)
    assert (root / "site" / "a" / "the-card" / "index.html").is_file()
    (root / "content" / "a.yaml").write_text(minimal_explainer("a"), "utf-8")  # the card is gone
    override(root, "_partials/pager.html").write_text("<nav>{{ explainer.title }}</nav>\n", "utf-8")  # and every explainer is made again
    build(root, in_place=True)
    build(root, tmp_path / "clean")
    assert not (root / "site" / "a" / "the-card").exists()
    assert tree(root / "site") == tree(tmp_path / "clean")


@pytest.mark.subprocess
@pytest.mark.slow
def test_an_in_place_build_killed_at_any_step_leaves_the_old_site_or_a_journal_the_next_build_finishes(tmp_path):
    project, source, original, edited = built_project_to_edit(tmp_path / "project", 8, 3)
    first = tree(project / "site")
    source.write_text(edited, "utf-8")
    counts, _ = count_steps("--root", str(project), "--in-place")
    second = tree(project / "site")
    assert second != first  # the edit was moved in
    assert {"mkdir", "write", "replace", "unlink"} <= set(counts), counts
    # Every move into site/, and the first, middle and last of each other kind of step.
    points = sorted({*kill_points(counts), *(f"replace:{n}" for n in range(1, counts["replace"] + 1))})
    mixed = 0
    for point in points:
        source.write_text(original, "utf-8")
        build(project, in_place=True)
        assert tree(project / "site") == first
        source.write_text(edited, "utf-8")
        killed = subprocess.run([*KILL, point, "--root", str(project), "--in-place"], capture_output=True, text=True)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        # Either nothing was moved in yet, or all was, or the moves were under way: then a journal says so.
        journal = [name for name in strays(project) if (project / name / COMMIT).is_file()]
        after = tree(project / "site")
        assert after in (first, second) or journal, f"killed at {point}: site/ is a mix of both builds and no journal says how to finish it"
        mixed += after not in (first, second)
        # The edit undone: the next build finishes the killed one's moves first, then builds the
        # original over them (a file it moved in and left unrecorded would be kept, stale).
        source.write_text(original, "utf-8")
        build(project, in_place=True)
        assert tree(project / "site") == first, point
        assert strays(project) == [], point
    assert mixed, "no kill landed while the moves were under way"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
