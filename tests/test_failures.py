"""Failures: a killed build, a full disk, a read-only or locked output, links out of the project.
Whatever happens, the previous site/ stays whole and the next build mends everything by itself."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from helpers import REPO, cli, minimal_explainer, override, tree
from synth import make_project

from explainer.errors import BuildError
from explainer.output.swap import recover
from explainer.pipeline import build


def strays(root: Path) -> list[str]:
    """What a build left beside site/: any tree of its own (or a folder of the names older versions used)."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site.explainer-") or p.name in ("site.tmp", "site.old"))


KILL = [sys.executable, str(Path(__file__).parent / "kill_build.py")]


def count_steps(*args: str, no_exchange: bool = False) -> tuple[dict[str, int], str]:
    """How many times a build of ARGS, run to the end, took each kind of write step, and what it said."""
    counted = subprocess.run([*KILL, *(["--no-exchange"] if no_exchange else []), "count", *args], capture_output=True, text=True, check=True)
    return json.loads(counted.stderr.splitlines()[-1]), counted.stderr


def built_project_to_edit(folder: Path, n: int, which: int) -> tuple[Path, Path, str, str]:
    """A synthetic project of n explainers, built; explainer `which`'s file, its text, and its text
    with its first question reworded."""
    project = make_project(n, folder)
    build(project)
    source = project / "content" / f"explainer-{which:05}.yaml"
    original = source.read_text("utf-8")
    return project, source, original, original.replace("question: ", "question: Edited ", 1)


def kill_points(counts: dict[str, int]) -> list[str]:
    """Where to kill a build: the first, a middle and the last time it takes each kind of write step."""
    return [f"{kind}:{n}" for kind, count in sorted(counts.items()) for n in sorted({1, (count + 1) // 2, count})]


@pytest.mark.subprocess
@pytest.mark.slow
def test_a_build_killed_at_any_write_step_leaves_a_whole_site_and_the_next_build_recovers(tmp_path):
    project, source, original, edited = built_project_to_edit(tmp_path / "project", 20, 7)
    first = tree(project / "site")
    # What a finished build of the edit writes, for comparison.
    source.write_text(edited, "utf-8")
    counted = subprocess.run([*KILL, "count", "--root", str(project), "--out", str(tmp_path / "reference")], capture_output=True, text=True, check=True)
    second = tree(tmp_path / "reference")
    # Every kind of step a rebuild of the edit over the first site takes: folders, links, writes,
    # unlinks, renames, the exchange and the removal of the old tree.
    shutil.copytree(project / "site", tmp_path / "timing")
    counts, _ = count_steps("--root", str(project), "--out", str(tmp_path / "timing"))
    assert {"mkdir", "link", "unlink", "write", "exchange", "rmtree"} <= set(counts), counts
    assert counted.returncode == 0

    points = kill_points(counts)
    for point in points:
        # Each kill interrupts a real rewrite of the first version.
        source.write_text(original, "utf-8")
        build(project)
        assert tree(project / "site") == first
        source.write_text(edited, "utf-8")
        killed = subprocess.run([*KILL, point, "--root", str(project)], capture_output=True, text=True)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        after = tree(project / "site") if (project / "site").exists() else None
        assert after in (first, second), f"killed at {point}: site/ is neither the previous nor the new build: {sorted(k for k in set(after or {}) | set(second) if (after or {}).get(k) != second.get(k))[:8]}"
        # The next build finishes the job and leaves nothing behind.
        build(project)
        assert tree(project / "site") == second, point
        assert strays(project) == [], point


@pytest.mark.subprocess
@pytest.mark.slow
def test_a_build_killed_while_its_workers_write_leaves_no_worker_and_a_whole_site(tmp_path):
    project = make_project(40, tmp_path / "project")
    build(project)
    first = tree(project / "site")
    override(project, "_partials/pager.html").write_text("<nav>{{ explainer.title }}</nav>\n", "utf-8")
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Killed once its workers are writing explainers' folders into the new tree.
    deadline = time.monotonic() + 60
    while not any(project.glob(".site.explainer-*/explainer-*/index.html")) and time.monotonic() < deadline:
        time.sleep(0.01)
    children = [int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert children, "the build ran no workers"
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower() for pid in children)
    assert tree(project / "site") == first
    build(project)
    assert strays(project) == []
    assert all("<nav>" in (project / "site" / p).read_text("utf-8") for p in ("explainer-00001/why-another-summit/index.html",))


def test_a_second_build_at_the_same_time_is_refused_with_a_clear_message(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    build(root)
    fd = os.open(root / "site", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running build of site/ holds it
        result = cli("--root", str(root))
        # The lock is the output folder's own: a build into another folder beside it goes ahead.
        other = cli("--root", str(root), "--out", str(root / "public"))
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "another build is writing 'site/' now" in result.stderr
    assert other.returncode == 0, other.stderr
    assert build(root).written == 0  # and once the other build is done, building works again


# Builds one project again and again, each with the other base URL so that every build writes a
# whole new site and swaps it in; prints each build's exit status and what it said.
BUILD_AGAIN = """
import contextlib, io, json, sys
from explainer.cli import main
for n in range(int(sys.argv[2])):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--root", sys.argv[1], "--base-url", f"https://example.org/{n % 2}/"])
    print(json.dumps([code, err.getvalue()]), flush=True)
"""


@pytest.mark.subprocess
def test_three_builds_of_one_output_at_once_each_succeed_or_say_another_build_holds_the_lock(make_site):
    root = make_site({f"{slug}.yaml": minimal_explainer(slug) for slug in "abcd"})
    build(root)
    runs = [subprocess.Popen([sys.executable, "-c", BUILD_AGAIN, str(root), "8"], stdout=subprocess.PIPE, text=True, cwd=REPO) for _ in range(3)]
    results = [json.loads(line) for run in runs for line in run.communicate(timeout=300)[0].splitlines()]
    assert len(results) == 24
    for code, said in results:
        assert code == 0 and said == "" or code == 1 and "another build is writing 'site/' now" in said, said
    assert sum(code == 0 for code, _ in results) >= 8  # the lock is waited for a moment before a build gives up
    assert strays(root) == []
    assert (root / "site" / "d" / "index.html").is_file() and sorted(os.listdir(root)) == ["content", "site", "site.yaml"]


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB file system of its own (tmpfs), so filling it harms nothing else. (A site of one or two
    explainers takes about half of it, with its search index and the folder Pagefind writes it in.)"""
    with tmpfs(tmp_path / "disk") as mount:
        yield mount


@contextlib.contextmanager
def tmpfs(mount: Path) -> Iterator[Path]:
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_leaves_the_previous_site_and_no_temporary_folder(make_site, small_disk):
    root = make_site({"a.yaml": minimal_explainer("a")})
    out = small_disk / "site"
    build(root, out)
    before = tree(out)
    big = "\n\n".join(f"Paragraph {i}: " + "words " * 200 for i in range(80))
    for slug in "bcdefghi":
        (root / "content" / f"{slug}.yaml").write_text(minimal_explainer(slug, answer=big.replace("\n", "\n      ")), "utf-8")
    with pytest.raises(BuildError) as raised:
        build(root, out)
    assert "No space left on device" in str(raised.value.errors[0])
    assert tree(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["site"]


def test_a_read_only_output_folder_leaves_the_previous_site(make_site, small_disk):
    root = make_site({"a.yaml": minimal_explainer("a")})
    out = small_disk / "site"
    build(root, out)
    before = tree(out)
    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        result = cli("--root", str(root), "--out", str(out))
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert result.returncode == 1
    assert "Read-only file system" in result.stderr and "Traceback" not in result.stderr
    assert tree(out) == before


@pytest.mark.parametrize("folder", ["content", "templates"])
def test_a_link_to_a_file_outside_the_project_is_refused(make_site, tmp_path, folder):
    root = make_site({"a.yaml": minimal_explainer("a")})
    secret = tmp_path / "secret.yaml"
    secret.write_text(minimal_explainer("stolen"), "utf-8")
    name = "stolen.yaml" if folder == "content" else "_partials/stolen.html"
    (root / folder / name).parent.mkdir(parents=True, exist_ok=True)
    (root / folder / name).symlink_to(secret)
    result = cli("--root", str(root))
    assert result.returncode == 1
    assert f"{folder}/{name}:1:1: (file): is a link to a file outside the project" in result.stderr
    assert not (root / "site").exists()


def test_a_link_inside_the_project_is_fine(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    (root / "shared.yaml").write_text(minimal_explainer("b"), "utf-8")
    (root / "content" / "b.yaml").symlink_to(root / "shared.yaml")
    build(root)
    assert (root / "site" / "b" / "index.html").is_file()


@pytest.mark.subprocess
def test_a_swap_that_cannot_remove_the_old_site_says_so_and_the_next_build_removes_it(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a")})
    build(root)
    # Something the build cannot remove inside the old site: a file system mounted on a folder of it.
    (root / "site" / "a" / "busy").mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(root / "site" / "a" / "busy")], check=True)
    try:
        (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")
        result = cli("--root", str(root))
        assert result.returncode == 0, result.stderr
        assert re.match(r"site:1:1: \(output\): warning: the new site is in place, but the old one is left in '\.site\.explainer-\w{8}/' \(",
                        result.stderr.splitlines()[0]), result.stderr
        assert "Changed." in (root / "site" / "a" / "index.html").read_text("utf-8")
    finally:
        subprocess.run(["umount", *map(str, root.glob(".site.explainer-*/a/busy"))], check=True)
    assert cli("--root", str(root)).returncode == 0
    assert strays(root) == []


def test_a_site_folder_that_is_a_link_is_built_where_it_points_and_stays_a_link(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a")})
    elsewhere = tmp_path / "elsewhere" / "site"
    elsewhere.parent.mkdir()
    (root / "site").symlink_to(elsewhere, target_is_directory=True)
    for answer in ("First.", "Second."):
        (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer=answer), "utf-8")
        result = cli("--root", str(root))
        assert result.returncode == 0, result.stderr
        assert (root / "site").is_symlink() and answer in (elsewhere / "a" / "index.html").read_text("utf-8")
    assert sorted(p.name for p in elsewhere.parent.iterdir()) == ["site"]


@pytest.mark.subprocess
def test_a_site_made_read_only_is_replaced_by_its_owner_without_help(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    assert cli("--root", str(root)).returncode == 0
    subprocess.run(["chmod", "-R", "a-w", str(root / "site")], check=True)
    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")
    # As the folder's owner, whom permissions stop as they stop a newsroom's user: root without
    # the capabilities that let it ignore them.
    as_owner = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    for _ in range(2):
        result = subprocess.run([*as_owner, sys.executable, str(REPO / "build.py"), "--root", str(root)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr
    assert "Changed." in (root / "site" / "a" / "index.html").read_text("utf-8")
    assert strays(root) == []


def test_a_mount_point_as_the_output_folder_is_built_inside_it_and_keeps_its_lost_found(make_site, small_disk):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    (small_disk / "lost+found").mkdir()  # as a new file system's root holds
    for answer in ("First.", "Second."):
        (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer=answer), "utf-8")
        result = cli("--root", str(root), "--out", str(small_disk))
        assert result.returncode == 0, result.stderr
        assert answer in (small_disk / "a" / "index.html").read_text("utf-8")
    (root / "content" / "b.yaml").unlink()
    assert cli("--root", str(root), "--out", str(small_disk)).returncode == 0
    # The new site in place of the old, the file system's own folder where it was, nothing else.
    assert sorted(p.name for p in small_disk.iterdir() if p.is_dir()) == ["a", "admin", "lost+found", "pagefind", "schema"]
    assert os.path.ismount(small_disk)


@pytest.mark.slow
def test_a_build_killed_while_moving_its_tree_into_a_mount_point_is_undone_or_finished(make_site, small_disk, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    build(root, small_disk)
    first = tree(small_disk)
    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")
    # Made on a file system of the same kind: Pagefind numbers pages in the order the file system
    # lists them (render/search.py), which differs from one kind to another.
    with tmpfs(tmp_path / "reference") as reference:
        build(root, reference)
        second, entries = tree(reference), len(os.listdir(reference))

    def put_back_first() -> None:
        for entry in small_disk.iterdir():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        (root / "content" / "a.yaml").write_text(minimal_explainer("a"), "utf-8")
        build(root, small_disk)
        assert tree(small_disk) == first
        (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")

    put_back_first()
    counts, _ = count_steps("--root", str(root), "--out", str(small_disk))
    renames, unlinks = counts["rename"], counts["old-unlink"]
    moved_out = len(os.listdir(small_disk))  # the old site's entries, moved aside first
    assert renames == moved_out + entries
    # The first, a middle and the last rename of each half of the move (old entries out, new ones
    # in), and the removal of the old entries once the new are in: before it, and at its first, a
    # middle and its last file (the marker that says the move was made is removed last).
    outcomes = set()
    halves = [sorted({1, (moved_out + 1) // 2, moved_out}), sorted({moved_out + 1, (moved_out + renames + 1) // 2, renames})]
    removal = ["old-rmtree:1"] + [f"old-unlink:{n}" for n in sorted({1, (unlinks + 1) // 2, unlinks})]
    for point in [f"rename:{n}" for half in halves for n in half] + removal:
        put_back_first()
        killed = subprocess.run([*KILL, point, "--root", str(root), "--out", str(small_disk)], capture_output=True, text=True)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        recover(small_disk)
        after = tree(small_disk)
        assert after in (first, second), f"killed at {point}: the folder is neither the previous nor the new site once mended"
        outcomes.add("undone" if after == first else "finished")
        if point in removal:
            assert after == second, point  # the new site was in: a killed removal is finished, never undone
        result = cli("--root", str(root), "--out", str(small_disk))
        assert result.returncode == 0, (point, result.stderr)
        assert tree(small_disk) == second, point
        assert sorted(p.name for p in small_disk.iterdir() if p.name.startswith(".explainer-") and p.is_dir()) == [], point
    assert outcomes == {"undone", "finished"}  # kills landed in both halves of the move


@pytest.mark.subprocess
def test_a_build_killed_at_any_step_of_a_swap_without_exchange_recovers_on_the_next_build(make_site, tmp_path):
    # Where the system cannot exchange two folders in one step, the swap is two renames with the
    # old site aside between them: killed there, site/ is missing until the next build puts it back.
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    build(root)
    first = tree(root / "site")
    (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")
    build(root, tmp_path / "reference")
    second = tree(tmp_path / "reference")
    shutil.copytree(root / "site", tmp_path / "timing")
    counts, said = count_steps("--root", str(root), "--out", str(tmp_path / "timing"), no_exchange=True)
    assert "was missing for a moment" in said  # said as it happens
    shutil.rmtree(tmp_path / "timing")
    # The two renames of the swap (the last two renames of the build), then the removal of the old site.
    points = [f"rename:{counts['rename'] - 1}", f"rename:{counts['rename']}", "old-rmtree:1", f"old-unlink:{counts['old-unlink']}"]
    for point in points:
        (root / "content" / "a.yaml").write_text(minimal_explainer("a"), "utf-8")
        build(root)
        assert tree(root / "site") == first
        (root / "content" / "a.yaml").write_text(minimal_explainer("a", answer="Changed."), "utf-8")
        killed = subprocess.run([*KILL, "--no-exchange", point, "--root", str(root)], capture_output=True, text=True)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        after = tree(root / "site") if (root / "site").exists() else None
        assert after in (first, second, None), point
        result = cli("--root", str(root))
        assert result.returncode == 0, (point, result.stderr)
        assert tree(root / "site") == second, point
        assert strays(root) == [], point
