"""The JSON Schemas in explainer/schema/, the one contract for content: read once, and walked
beside a document to find what each of its values is meant to be (Markdown, a line, true or
false), so code that needs to know never names a field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from explainer.content.kinds import section_kind

Path_ = list[str | int]


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema file shipped in explainer/schema/, parsed once."""
    return json.loads(resources.files("explainer").joinpath("schema", f"{name}.schema.json").read_text("utf-8"))


def resolve(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An explainer schema's part with its $ref followed: (the name of the definition it names, or "", the part)."""
    # fastjsonschema, compiling the schema, writes its $refs out in full (https://...#/$defs/name).
    _, found, name = schema.get("$ref", "").partition("#/$defs/")
    return (name, load_schema("explainer")["$defs"][name]) if found else ("", schema)


def walk(data: Any, schema: dict[str, Any] | None = None, path: Path_ | None = None) -> Iterator[tuple[Path_, Any, str, dict[str, Any]]]:
    """Each value of an explainer beside the part of the schema that describes it: (its path, the
    value, the name of the definition it is, or "", that part), each entry after what holds it.
    A section takes the branch of the kind it names (by its field, or its `type`); what the
    schema does not describe (an unknown field, a section of no kind, a list where a text is
    meant) is passed over, so any document may be walked, valid or not."""
    schema = schema if schema is not None else load_schema("explainer")
    path = path or []
    name, schema = resolve(schema)
    if isinstance(data, dict) and "oneOf" in schema:  # a section: the branch of its kind
        kind = section_kind(data) or data.get("type")
        schema = next((b for _, b in map(resolve, schema["oneOf"]) if b.get("title") == kind), {})
    yield path, data, name, schema
    if isinstance(data, dict):
        properties = schema.get("properties", {})
        for key, value in data.items():
            if key in properties:
                yield from walk(value, properties[key], [*path, key])
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(data):
            yield from walk(value, schema["items"], [*path, i])


# How YAML 1.2 and JSON write true and false, and a whole number.
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_WHOLE = re.compile(r"[-+]?[0-9]{1,9}")


def _typed(value: Any, kind: Any) -> Any:
    """`value` read as the schema's `kind` says, when it is written as one; else `value` itself."""
    if not isinstance(value, str):
        return value
    if kind == "boolean":
        return _BOOLEANS.get(value, value)
    if kind == "integer" and _WHOLE.fullmatch(value):
        return int(value)
    return value


def read_typed(data: Any, name: str = "explainer") -> None:
    """Read each value the schema `name` wants as true or false (an explainer's `draft`, a site's
    `search`) or as a whole number (a site's `per_page`) as one, in place. Every value of a
    content file is read as text (ArchieML has nothing else, and YAML's guesses turn `title: No`
    into false), so the schema says which few are not: anything else written there stays text,
    and the schema refuses it."""
    places = [(path, schema.get("type")) for path, value, _, schema in walk(data, load_schema(name)) if _typed(value, schema.get("type")) is not value]
    for path, kind in places:
        holder = data
        for part in path[:-1]:
            holder = holder[part]
        holder[path[-1]] = _typed(holder[path[-1]], kind)
