"""ArchieML is read as the specification's shared tests say (tests/data/archieml/, the shared test
files of archieml.org), by the reader of content/archieml.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explainer.content.archieml import load

SHARED = Path(__file__).parent.parent / "data" / "archieml"
CASES = sorted(p.name for p in SHARED.glob("*.aml"))


@pytest.mark.parametrize("name", CASES)
def test_every_shared_test_file_of_the_specification_passes(name):
    text = (SHARED / name).read_text("utf-8")
    data = load(text)
    expected = json.loads(data.pop("result"))
    data.pop("test")
    assert data == expected


def test_the_shared_tests_are_all_there():
    # all.0 combines every other case; each category of the specification has its files.
    assert len(CASES) == 181
    assert {name.split(".")[0] for name in CASES} >= {"arrays", "arrays_complex", "arrays_nested", "arrays_simple", "freeform", "ignore",
                                                       "keys", "multi_line", "objects_nested", "scopes", "skip", "unicode", "values"}
