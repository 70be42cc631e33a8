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
from helpers import REPO, make_project, minimal_explainer

from explainer.content.parse import parse_yaml

INVALID = Path(__file__).parent / "invalid"
# The field is a path, or, inside a question or card, the path of the entry named by its text and the field: `sections[3] (question 'Why?'): answer`.
ERROR_LINE = re.compile(r"^content/[^:]+\.yaml:\d+:\d+: (\S+|\S+ \(\w+ '.*'\): \S+): .+$")
MEMORY = 1 << 30  # 1 GB
TIMEOUT = 20


def generated() -> dict[str, tuple[bytes, str]]:
    """Files too big to keep in the repository, made here, with the error each must give."""
    scalar = "x" * 1_000_000  # a 1 MB title: under the file limit, over the field's
    return {
        "three_megabytes": (b"# filler\n" * 350_000, r"content/three_megabytes\.yaml:1:1: \(file\): is larger than 2,000,000 bytes; split it, or take out what the page does not show$"),
        "one_megabyte_scalar": (f"slug: big\ntitle: {scalar}\n".encode(), r"content/one_megabyte_scalar\.yaml:2:8: title: is 1,000,000 characters long; the most is 2,000$"),
        "wide_mapping": (("slug: wide\ntitle:\n" + "".join(f"  k{i}: v\n" for i in range(50_000))).encode(),
                         r"content/wide_mapping\.yaml:10000:10: \(yaml\): holds more than 20,000 values; no explainer needs so many$"),
        "long_list": (("slug: long\nkey_points: [" + "a, " * 600_000 + "]\n").encode(),
                      r"content/long_list\.yaml:2:\d+: \(yaml\): holds more than 20,000 values; no explainer needs so many$"),
        "many_aliases": (("slug: many\ntitle: &t x\nkey_points: [" + "*t, " * 450_000 + "]\n").encode(),
                         r"content/many_aliases\.yaml:3:\d+: \(yaml\): holds more than 20,000 values; no explainer needs so many$"),
        # A 111 KB file of a thousand events, each an alias to one 100 KB text: few values, 100 MB of text.
        "alias_amplification": (amplified(), r"content/alias_amplification\.yaml:\d+:\d+: \(yaml\): aliases expand this to more than 4,000,000 bytes of text; write the text out instead$"),
        "long_integer": (minimal_explainer("n").encode() + b"count: !!int " + b"9" * 5_000 + b"\n",
                         r"content/long_integer\.yaml:11:8: count: a value tagged !!int is 5,000 characters long; the most is 100, and no field is a number: write the value as text$"),
        # Base 60 (1:59:59...): PyYAML builds it digit by digit, in time that grows with the square of its length.
        "long_base_60_integer": (minimal_explainer("n").encode() + b"count: !!int 1" + b":59" * 600_000 + b"\n",
                                 r"content/long_base_60_integer\.yaml:11:8: count: a value tagged !!int is 1,800,001 characters long; the most is 100, and no field is a number: write the value as text$"),
    }


def amplified() -> bytes:
    """A valid explainer whose timeline holds a thousand events, each an alias to the first one's 100 KB text."""
    events = "".join("      - date: '2020'\n        event: *e\n" for _ in range(1_000))
    return (minimal_explainer("amplified") + "  - timeline:\n      - date: '2019'\n        event: &e " + "word " * 20_000 + "\n" + events).encode()


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


@pytest.mark.parametrize(("written", "message"), [
    ("!!int " + "9" * 5_000, "a value tagged !!int is 5,000 characters long; the most is 100, and no field is a number: write the value as text"),
    ("!!int 0x" + "f" * 5_000, "a value tagged !!int is 5,002 characters long; the most is 100, and no field is a number: write the value as text"),
    ("!!int 0" + "7" * 5_000, "a value tagged !!int is 5,001 characters long; the most is 100, and no field is a number: write the value as text"),
    ("!!float 1" + ":59" * 5_000, "a value tagged !!float is 15,001 characters long; the most is 100, and no field is a number: write the value as text"),
    ("!!int abc", "'abc' is not a number, as its tag !!int says: write the value as text, without the tag"),
    ("!!int ''", "'' is not a number, as its tag !!int says: write the value as text, without the tag"),
    ("!!float abc", "'abc' is not a number, as its tag !!float says: write the value as text, without the tag"),
    ("!!bool maybe", "'maybe' is not true or false, as its tag !!bool says: write the value as text, without the tag"),
    ("!!timestamp soon", "'soon' is not a date, as its tag !!timestamp says: write the value as text, without the tag"),
])
def test_a_tagged_value_too_long_or_not_what_its_tag_says_is_one_error_at_its_line(written, message):
    # The same reading serves build, check and serve.
    errors = parse_yaml("content/a.yaml", f"slug: a\ntitle: {written}\n".encode())
    assert [str(e) for e in errors] == [f"content/a.yaml:2:8: title: {message}"]
