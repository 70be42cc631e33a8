"""The schema says what each value of an explainer is: the walk beside it finds the Markdown fields
and reads as true or false only the fields it says are (every value of a content file is text)."""

from __future__ import annotations

from explainer.content.schema import read_typed
from explainer.content.validate import markdown_fields


def explainer(**section: object) -> dict:
    return {"slug": "a", "title": "true", "dek": "No", "published": "2025-01-02", "sections": [section]}


def test_only_a_field_the_schema_says_is_true_or_false_is_read_as_one():
    data = explainer(key_points=["true"], under_dek="true")
    read_typed(data)
    assert data["sections"][0]["under_dek"] is True
    assert data["title"] == "true" and data["dek"] == "No" and data["sections"][0]["key_points"] == ["true"]  # text stays text


def test_true_and_false_are_read_as_yaml_writes_them_and_nothing_else():
    for written, read in [("false", False), ("TRUE", True), ("False", False), ("yes", "yes"), ("1", "1"), ("", "")]:
        data = explainer(known=["A."], unknown=["B."], under_dek=written)
        read_typed(data)
        assert data["sections"][0]["under_dek"] == read and type(data["sections"][0]["under_dek"]) is type(read), written


def test_a_section_of_no_kind_or_a_value_of_the_wrong_shape_is_walked_without_a_fault():
    data = {"sections": [{"under_dek": "true"}, "text", {"known": "not a list", "under_dek": ["true"]}], "title": ["x"]}
    read_typed(data)
    assert data["sections"][0]["under_dek"] == "true"  # no kind: the schema says nothing of it


def test_the_markdown_fields_are_found_in_every_kind_of_section():
    data = explainer(known=["We know *this*."], unknown=["Not [that](https://example.org)."])
    found = dict((tuple(path), text) for path, text in markdown_fields(data))
    assert found == {("sections", 0, "known", 0): "We know *this*.", ("sections", 0, "unknown", 0): "Not [that](https://example.org)."}


def test_a_site_files_number_and_yes_or_no_settings_are_read_as_the_site_schema_says():
    data = {"name": "10", "per_page": "10", "search": "false", "language": "no", "publisher": {"name": "true"}}
    read_typed(data, "site")
    assert data == {"name": "10", "per_page": 10, "search": False, "language": "no", "publisher": {"name": "true"}}
    data = {"per_page": "ten", "search": "off"}
    read_typed(data, "site")
    assert data == {"per_page": "ten", "search": "off"}  # left as written, for the schema to refuse by name
