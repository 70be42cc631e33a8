"""The editing page's form is made from the explainer schema (content/cms.py): it covers every field
of it and no other, each with its label, help and kind, and every kind of section may name its
type as the form does. (tests/test_cms.py publishes the page and drives it in Chromium.)"""

from __future__ import annotations

import copy
from typing import Any

from explainer.content import cms
from explainer.content import schema as content_schema
from explainer.content.validate import load_schema

EDITING = cms.Editing("newsroom/explainers", "main", "decap", "../explainer/schema/explainer.schema.json")


# --- the form covers the schema ---------------------------------------------------------------


def schema_fields(schema: dict[str, Any], defs: dict[str, Any], where: str = "") -> set[str]:
    """Every field an editor can write, as paths: `sections[question].cards[].facts[].label`.
    Fields of the first version (which only say what to write instead) are not fields."""
    found = set()
    for name, prop in schema.get("properties", {}).items():
        if "deprecationMessage" in prop or (name == "type" and "const" in prop):
            continue
        path = f"{where}.{name}" if where else name
        found.add(path)
        resolved = defs[prop["$ref"].rsplit("/", 1)[-1]] if "$ref" in prop else prop
        if resolved.get("type") == "object":
            found |= schema_fields(resolved, defs, path)
        if resolved.get("type") == "array":
            items = resolved["items"]
            items = defs[items["$ref"].rsplit("/", 1)[-1]] if "$ref" in items else items
            if "else" in items:  # text or an entry (an author's id, or the author written out): the entry
                items = defs[items["else"]["$ref"].rsplit("/", 1)[-1]]
            for branch in items.get("oneOf", ()):
                kind = defs[branch["$ref"].rsplit("/", 1)[-1]]
                found |= schema_fields(kind, defs, f"{path}[{kind['title']}]")
            if items.get("type") == "object":
                found |= schema_fields(items, defs, f"{path}[]")
    return found


def form_fields(fields: list[dict[str, Any]], where: str = "") -> set[str]:
    """Every field of an editing page's form, as the same paths."""
    found = set()
    for field in fields:
        path = f"{where}.{field['name']}" if where else field["name"]
        found.add(path)
        for kind in field.get("types", ()):
            found |= form_fields(kind["fields"], f"{path}[{kind['name']}]")
        if field.get("widget") == "list" and "fields" in field:
            found |= form_fields(field["fields"], f"{path}[]")
        if field.get("widget") == "object":
            found |= form_fields(field["fields"], path)
    return found


def form_of(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return cms.cms_config(EDITING, "Explainers", "https://example.org/")["collections"][0]["fields"]


def test_the_form_has_every_field_of_the_schema_and_no_other():
    schema = load_schema("explainer")
    expected = schema_fields(schema, schema["$defs"])
    assert form_fields(form_of(schema)) == expected
    assert {"sections[question].cards[].facts[].label", "sections[timeline].timeline[].date", "changes[].kind"} <= expected
    assert {"image.src", "image.alt", "sections[question].image.credit", "sections[question].cards[].image.decorative", "authors[].name", "authors[].url"} <= expected


def test_pictures_authors_and_times_have_fields_an_editor_can_fill():
    form = {f["name"]: f for f in form_of(load_schema("explainer"))}
    # A picture is uploaded into the project and written as its path there, which the build reads.
    image = {f["name"]: f for f in form["image"]["fields"]}
    assert image["src"]["widget"] == "image" and image["decorative"]["widget"] == "boolean"
    config = cms.cms_config(EDITING, "Explainers", "https://example.org/")
    assert config["public_folder"] == config["media_folder"] == "content/media"
    # Authors are written out on the form; the help says an id from site.yaml will do in the file.
    authors = form["authors"]
    assert authors["widget"] == "list" and [f["name"] for f in authors["fields"]] == ["name", "url", "role"]
    assert "site.yaml" in authors["hint"]
    # A date, or a date and a time with its zone: text the schema's pattern checks, as a picker
    # would write only one of the two.
    assert form["published"]["widget"] == "string" and "HH:MM" in form["published"]["hint"]


def test_a_field_added_to_the_schema_is_on_the_form_with_its_kind(monkeypatch):
    """The form is made from the schema, never from a list kept by hand: a new field, a new kind of
    section, are on the page with no other change."""
    schema = copy.deepcopy(load_schema("explainer"))
    schema["$defs"]["card"]["properties"]["image_alt"] = {"$ref": "#/$defs/line", "description": "What the card's image shows."}
    schema["$defs"]["poll_section"] = {
        "type": "object", "additionalProperties": False, "title": "poll", "required": ["poll"],
        "properties": {"type": {"const": "poll"}, "heading": {"$ref": "#/$defs/line"},
                       "poll": {"type": "array", "items": {"type": "object", "required": ["answer", "share"],
                                                           "properties": {"answer": {"$ref": "#/$defs/line"}, "share": {"type": "string", "enum": ["low", "high"]}}}}},
    }
    schema["$defs"]["section"]["oneOf"].append({"$ref": "#/$defs/poll_section"})
    monkeypatch.setattr(cms, "load_schema", lambda name: schema)
    monkeypatch.setattr(content_schema, "load_schema", lambda name: schema)  # where each $ref is followed
    form = form_of(schema)
    assert form_fields(form) == schema_fields(schema, schema["$defs"])
    sections = next(f for f in form if f["name"] == "sections")
    poll = next(t for t in sections["types"] if t["name"] == "poll")
    assert next(f for f in poll["fields"][1]["fields"] if f["name"] == "share") == {"name": "share", "label": "Share", "widget": "select", "options": ["low", "high"]}


def test_each_field_has_its_label_help_and_kind():
    form = {f["name"]: f for f in form_of(load_schema("explainer"))}
    assert form["dek"] == {"name": "dek", "label": "Dek", "hint": "One or two sentences under the headline.", "widget": "string",
                           "pattern": [load_schema("explainer")["$defs"]["line"]["pattern"], "expected text (not only spaces, no control characters)"]}
    assert form["intro"]["widget"] == "markdown" and form["intro"]["required"] is False
    assert form["published"]["widget"] == "string" and form["published"]["pattern"][0] == load_schema("explainer")["$defs"]["moment"]["pattern"]
    assert form["draft"] == {"name": "draft", "label": "Draft", "required": False, "hint": form["draft"]["hint"], "widget": "boolean"}
    assert form["topics"]["widget"] == "list" and form["topics"]["field"]["widget"] == "string"
    assert form["translation_of"]["widget"] == "string" and form["translation_of"]["required"] is False
    assert form["changes"]["fields"][1]["widget"] == "select"
    sections = form["sections"]
    assert sections["widget"] == "list" and sections["typeKey"] == "type"
    assert [t["name"] for t in sections["types"]] == ["question", "items", "text", "timeline", "people", "glossary", "sources", "key_points", "known"]
    key_points = {f["name"]: f for f in sections["types"][7]["fields"]}
    assert key_points["under_dek"]["widget"] == "boolean" and key_points["under_dek"]["required"] is False
    question = {f["name"]: f for f in sections["types"][0]["fields"]}
    assert question["cards"]["widget"] == "list" and question["cards"]["summary"] == "{{fields.title}}"
    assert "required" not in question["short_answer"] and question["answer"]["required"] is False


def test_every_kind_of_section_may_name_its_type():
    """The editing page and ArchieML name each section's kind as its `type`: a kind added to the
    schema must accept it, or what they write would be refused."""
    schema = load_schema("explainer")
    for branch in schema["$defs"]["section"]["oneOf"]:
        kind = schema["$defs"][branch["$ref"].rsplit("/", 1)[-1]]
        assert kind["properties"].get("type", {}).get("const") == kind["title"], kind["title"]
