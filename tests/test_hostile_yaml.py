"""Hostile YAML is refused quickly, in bounded memory, with one line per error and no traceback.

Each bad file runs in its own build process limited to 1 GB of address space and 20 seconds.
`python bench/hostile_yaml.py` measures the time and peak memory of the same cases.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, make_project

INVALID = Path(__file__).parent / "invalid"
# The field is a path, or, inside a question or card, the path of the entry named by its text and the field: `sections[3] (question 'Why?'): answer`.
ERROR_LINE = re.compile(r"^content/[^:]+\.yaml:\d+:\d+: (\S+|\S+ \(\w+ '.*'\): \S+): .+$")
MEMORY = 1 << 30  # 1 GB
TIMEOUT = 20


def generated() -> dict[str, tuple[bytes, str]]:
    """Files too big to keep in the repository, made here, with the error each must give."""
    scalar = "x" * 1_000_000  # a 1 MB title: under the file limit, over the field's
    return {
        "three_megabytes": (b"# filler\n" * 350_000, r"content/three_megabytes\.yaml:1:1: \(file\): larger than 2,000,000 bytes; split it, or take out what the page does not show$"),
        "one_megabyte_scalar": (f"slug: big\ntitle: {scalar}\n".encode(), r"content/one_megabyte_scalar\.yaml:2:8: title: is 1,000,000 characters long; the most is 2,000$"),
        "wide_mapping": (("slug: wide\ntitle:\n" + "".join(f"  k{i}: v\n" for i in range(50_000))).encode(),
                         r"content/wide_mapping\.yaml:10000:10: \(yaml\): holds more than 20,000 values; no explainer needs so many$"),
        "long_list": (("slug: long\nkey_points: [" + "a, " * 600_000 + "]\n").encode(),
                      r"content/long_list\.yaml:2:\d+: \(yaml\): holds more than 20,000 values; no explainer needs so many$"),
        "many_aliases": (("slug: many\ntitle: &t x\nkey_points: [" + "*t, " * 450_000 + "]\n").encode(),
                         r"content/many_aliases\.yaml:3:\d+: \(yaml\): holds more than 20,000 values; no explainer needs so many$"),
    }


CASES = {p.stem: (p.read_bytes(), None) for p in sorted(INVALID.glob("*.yaml"))} | generated()


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def bounded_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root)], capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=limit_memory)


@pytest.mark.subprocess
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_yaml_is_refused_in_bounded_time_and_memory_with_one_line_per_error(tmp_path, case):
    raw, pattern = CASES[case]
    root = make_project(tmp_path / "project", {f"{case}.yaml": raw})

    result = bounded_build(root)

    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("build failed: ")
    # Each error is one line; a YAML mistake is followed by its line and a caret, indented.
    errors = [line for line in lines[:-1] if not re.match(r"\s*(\d+ )?\| ", line)]
    assert errors and all(ERROR_LINE.match(line) for line in errors), errors[:5]
    assert len(lines) - 1 - len(errors) in (0, 2 * len(errors))
    assert all(line.startswith(f"content/{case}.yaml:") for line in errors)
    assert len(set(errors)) == len(errors)
    if pattern:
        assert any(re.match(pattern, line) for line in errors), errors
    assert not (root / "site").exists()


# Run as `python build.py` is, then list the modules loaded that a refused file never needs.
LOADED = """
import sys
from explainer.cli import main
code = main(["--root", sys.argv[1]])
heavy = ("PIL", "lxml", "pysbd", "explainer.importer", "explainer.render.social", "explainer.render.feeds")
print(code, sorted(m for m in sys.modules if m.startswith(heavy)))
"""


@pytest.mark.subprocess
def test_a_refused_file_loads_neither_the_importer_nor_the_image_and_feed_writers(tmp_path):
    # Start-up is most of the time a refused file takes: a build that stops at its content loads
    # only what reading and checking need.
    root = make_project(tmp_path / "project", {"duplicate_key.yaml": (INVALID / "duplicate_key.yaml").read_bytes()})
    result = subprocess.run([sys.executable, "-c", LOADED, str(root)], capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO)
    assert result.stdout.split(" ", 1) == ["1", "[]\n"], result.stdout + result.stderr[-2000:]
