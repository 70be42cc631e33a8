"""The section kinds: one registry the schema, the rules and the model all read."""

from __future__ import annotations

import pytest
from helpers import REPO, SHAPES, explainer_model

from explainer.content.kinds import DEFAULT_IDS, ONCE, SECTION_KINDS, section_id, section_kind
from explainer.content.language import DEFAULT_HEADINGS
from explainer.content.validate import load_schema


def branches() -> dict[str, dict]:
    """The schema's section branches, by the kind each is titled with."""
    schema = load_schema("explainer")
    found = [schema["$defs"][b["$ref"].rsplit("/", 1)[-1]] for b in schema["$defs"]["section"]["oneOf"]]
    return {branch["title"]: branch for branch in found}


def test_the_schema_has_one_branch_per_kind_in_the_registrys_order_each_requiring_its_field():
    assert tuple(branches()) == SECTION_KINDS
    for kind, branch in branches().items():
        assert kind in branch["required"]


def test_the_kinds_that_come_once_or_take_a_default_anchor_and_heading_are_kinds():
    assert ONCE <= set(SECTION_KINDS)
    assert set(DEFAULT_IDS) <= set(SECTION_KINDS) and set(DEFAULT_HEADINGS) == set(DEFAULT_IDS)


@pytest.mark.parametrize("section, kind", [
    ({"question": "Why?", "short_answer": "Because."}, "question"),
    ({"heading": "Dates", "timeline": []}, "timeline"),
    ({"heading": "Lessons", "items": []}, "items"),
    ({"key_points": []}, "key_points"),
    ({"heading": "Nothing else"}, None),
])
def test_a_section_is_of_the_kind_whose_field_it_carries(section, kind):
    assert section_kind(section) == kind


@pytest.mark.parametrize("section, index, anchor", [
    ({"id": "own", "timeline": []}, 0, "own"),  # its own id first
    ({"timeline": []}, 3, "timeline"),  # then the kind's
    ({"key_points": []}, 0, "key-points"),
    ({"heading": "How We Got Here", "text": "..."}, 2, "how-we-got-here"),  # then its heading's
    ({"heading": "¿?", "text": "..."}, 2, "section-3"),  # then its place, counted from 1
])
def test_a_sections_anchor_is_its_id_its_kinds_its_headings_or_its_place(section, index, anchor):
    assert section_id(section, index) == anchor


def test_the_model_has_a_section_of_each_kind_the_registry_names():
    # The bundled explainer and the shapes between them hold every kind of section.
    files = [*sorted((REPO / "content").glob("*.yaml")), *sorted(SHAPES.glob("*.yaml"))]
    kinds = {section.kind for path in files for section in explainer_model(path.read_text("utf-8"), f"content/{path.name}").sections}
    assert kinds == set(SECTION_KINDS)
