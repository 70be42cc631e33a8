"""Failures: a killed build, a full disk, a read-only or locked output, links out of the project.
Whatever happens, the previous site/ stays whole and the next build mends everything by itself."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from conftest import REPO, minimal_explainer
from explainer.errors import BuildError
from explainer.pipeline import build
from explainer.write import STAMPS
from synth import make_project


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of a built site and its bytes; not the cache of the content files' times, which
    differ whenever a file is written again, whatever it holds."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != STAMPS}


def strays(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name in ("site.tmp", "site.old"))


def test_a_build_killed_at_any_moment_leaves_a_whole_site_and_the_next_build_recovers(tmp_path):
    project = make_project(30, tmp_path / "project")
    build(project)
    versions = [tree(project / "site")]
    source = project / "content" / "explainer-00007.yaml"
    original = source.read_text("utf-8")
    # The second version of the site, for comparison: what a finished build of the edit writes.
    source.write_text(original.replace("question: ", "question: Edited ", 1), "utf-8")
    reference = tmp_path / "reference"
    build(project, reference)
    versions.append(tree(reference))
    # How long the build killed below takes: the same rebuild of the edit over the first version,
    # in a new process. (A clean build is no measure of it: a rebuild keeps every file whose
    # inputs did not change, such as the social images, and a clean build draws them all.)
    shutil.copytree(project / "site", tmp_path / "timing")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "--out", str(tmp_path / "timing")], check=True, capture_output=True)
    duration = time.perf_counter() - started

    rng = random.Random(20261129)
    outcomes = []
    for attempt in range(20):
        # Each attempt rebuilds from the first version, so every kill interrupts a real rewrite.
        source.write_text(original, "utf-8")
        build(project)
        assert tree(project / "site") == versions[0]
        source.write_text(original.replace("question: ", "question: Edited ", 1), "utf-8")
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(project)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = tree(project / "site") if (project / "site").exists() else None
        assert after in versions, f"attempt {attempt}: site/ is neither the previous nor the new build"
        outcomes.append(versions.index(after))
        # The next build finishes the job and leaves nothing behind.
        build(project)
        assert tree(project / "site") == versions[1]
        assert strays(project) == []
    assert outcomes.count(0) >= 2, outcomes  # some kills did interrupt a rebuild (timing varies with load)


def test_a_second_build_at_the_same_time_is_refused_with_a_clear_message(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    build(root)
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running build holds it
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root)], capture_output=True, text=True, timeout=60)
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "another build is writing 'site/' now" in result.stderr
    assert build(root).written == 0  # and once the other build is done, building works again


@pytest.fixture
def small_disk(tmp_path):
    """A 400 KB file system of its own (tmpfs), so filling it harms nothing else."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_leaves_the_previous_site_and_no_temporary_folder(make_site, small_disk):
    root = make_site({"a.yaml": minimal_explainer("a")})
    out = small_disk / "site"
    build(root, out)
    before = tree(out)
    big = "\n\n".join(f"Paragraph {i}: " + "words " * 200 for i in range(60))
    for slug in ("b", "c", "d"):
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
        result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--out", str(out)], capture_output=True, text=True, timeout=60)
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
    (root / folder / name).symlink_to(secret)
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"{folder}/{name}:1:1: (file): is a link to a file outside the project" in result.stderr
    assert not (root / "site").exists()


def test_a_link_inside_the_project_is_fine(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    (root / "shared.yaml").write_text(minimal_explainer("b"), "utf-8")
    (root / "content" / "b.yaml").symlink_to(root / "shared.yaml")
    build(root)
    assert (root / "site" / "b" / "index.html").is_file()
