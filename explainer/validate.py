"""Stage 2: check RawDocs against the JSON Schema, then the rules a schema cannot say."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
import json
from functools import cache
from importlib import resources
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import fastjsonschema
import yaml

from .errors import ContentError, ContentWarning, field_path

if TYPE_CHECKING:
    import jsonschema
from .load import RawDoc

# Anchors the explainer page uses for its own sections; a question or card id must not take one.
RESERVED_IDS = frozenset({"main", "contents", "key-points", "questions", "offers", "lessons", "timeline", "people", "glossary", "sources", "credits", "top", "changes"})
# Folder names at the site root that are not explainers.
RESERVED_SLUGS = frozenset({"assets", "embed", "feed", "static"})

_TYPE_WORDS = {"string": "text", "object": "a mapping of fields", "array": "a list", "integer": "a whole number", "number": "a number", "boolean": "true or false"}


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema file shipped in explainer/schema/, parsed once."""
    return json.loads(resources.files("explainer").joinpath("schema", f"{name}.schema.json").read_text("utf-8"))


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    # Imported here: only content with mistakes needs it, and it costs a tenth of a second.
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def node_at(root: yaml.Node, path: list[str | int]) -> tuple[yaml.Node, yaml.Node | None]:
    """The node at path, and the key node naming it (None for list items and the root)."""
    node, key_node = root, None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part:
                    node, key_node = v, k
                    break
            else:
                return node, key_node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node, key_node = node.value[part], None
        else:
            return node, key_node
    return node, key_node


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _at(doc: RawDoc, node: yaml.Node, path: list[str | int], message: str) -> ContentError:
    mark = node.start_mark
    return ContentError(doc.path, mark.line + 1, mark.column + 1, field_path(path), message)


def _schema_errors(doc: RawDoc, error: jsonschema.ValidationError) -> list[ContentError]:
    path = list(error.absolute_path)
    node, _ = node_at(doc.node, path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        out = []
        for key in sorted(set(error.instance) - set(known), key=str):
            value_node, key_node = node_at(doc.node, path + [key])
            hint = difflib.get_close_matches(str(key), known, n=1)
            fix = f"; did you mean '{hint[0]}'?" if hint else f"; expected one of: {', '.join(known)}"
            # Point at the key itself, not its value.
            out.append(_at(doc, key_node or value_node, path + [key], f"unknown field{fix}"))
        return out
    if kind == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        return [_at(doc, node, path + [k], "required field missing") for k in missing]
    described = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    found = f"found {_show(error.instance)}"
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        hint = " (put quotes around text that YAML reads as a number, date or yes/no)" if wanted == "string" else ""
        message = f"expected {_TYPE_WORDS.get(wanted, wanted)}, {found}{hint}"
    elif kind in ("pattern", "format"):
        message = f"{described or 'wrong format'}, {found}"
    elif kind == "minLength":
        message = "must not be empty"
    elif kind == "maxLength":
        message = f"longer than {error.validator_value:,} characters"
    elif kind == "minItems":
        message = f"needs at least {error.validator_value} item(s)"
    elif kind == "enum":
        message = f"expected one of {', '.join(map(str, error.validator_value))}, {found}"
    else:
        message = error.message
    return [_at(doc, node, path, message)]


@cache
def _quick_check(name: str) -> Callable[[Any], Any]:
    """The same schema compiled to Python code: it answers "valid?" about 20 times faster."""
    return fastjsonschema.compile(load_schema(name))


def validate_doc(doc: RawDoc, schema: str) -> list[ContentError]:
    """All the schema errors in doc, each placed at its line and column."""
    try:
        _quick_check(schema)(doc.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # jsonschema then finds every error, with the path that places it
    errors: list[ContentError] = []
    for error in _validator(schema).iter_errors(doc.data):
        errors.extend(_schema_errors(doc, error))
    # jsonschema reports each missing required field as its own error, and each lists them all:
    # keep one of each.
    return list(dict.fromkeys(errors))


def _explainer_rules(doc: RawDoc) -> list[ContentError]:
    """Cross-field rules: unique ids, no reserved anchors, dates in order."""
    data = doc.data
    errors: list[ContentError] = []
    seen: dict[str, int] = {}
    items: list[tuple[list[str | int], str]] = [(["questions", i, "id"], q["id"]) for i, q in enumerate(data.get("questions", []))]
    if "offers" in data:
        items += [(["offers", "cards", i, "id"], c["id"]) for i, c in enumerate(data["offers"]["cards"])]
    for path, ident in items:
        node, _ = node_at(doc.node, path)
        if ident in RESERVED_IDS:
            errors.append(_at(doc, node, path, f"'{ident}' is used by the page itself; choose another id"))
        elif ident in seen:
            errors.append(_at(doc, node, path, f"duplicate id '{ident}' (first at line {seen[ident]}); ids name anchors and pages, so each must be unique in the explainer"))
        else:
            seen[ident] = node.start_mark.line + 1
    if "updated" in data and data["updated"] < data["published"]:
        node, _ = node_at(doc.node, ["updated"])
        errors.append(_at(doc, node, ["updated"], f"is before published ({data['published']})"))
    for i, change in enumerate(data.get("changes", [])):
        if change["date"] < data["published"]:
            node, _ = node_at(doc.node, ["changes", i, "date"])
            errors.append(_at(doc, node, ["changes", i, "date"], f"is before published ({data['published']})"))
    timeline = data.get("timeline", [])
    for i in range(1, len(timeline)):
        if timeline[i]["date"] < timeline[i - 1]["date"]:
            node, _ = node_at(doc.node, ["timeline", i, "date"])
            errors.append(_at(doc, node, ["timeline", i, "date"], f"out of order: {timeline[i]['date']} comes after {timeline[i - 1]['date']}; list events oldest first"))
    if data["slug"] in RESERVED_SLUGS:
        node, _ = node_at(doc.node, ["slug"])
        errors.append(_at(doc, node, ["slug"], f"'{data['slug']}' is reserved for the site itself; choose another slug"))
    return errors


def validate_explainer(doc: RawDoc) -> list[ContentError]:
    """Every error in one explainer file: the schema first, then the rules that assume its shape."""
    return validate_doc(doc, "explainer") or _explainer_rules(doc)


@dataclass(frozen=True, slots=True)
class SlugAt:
    """Where an explainer names its slug: enough to report a clash without keeping the whole file."""

    path: str
    slug: str
    line: int
    column: int


def slug_at(doc: RawDoc) -> SlugAt:
    node, _ = node_at(doc.node, ["slug"])
    return SlugAt(doc.path, doc.data["slug"], node.start_mark.line + 1, node.start_mark.column + 1)


def check_slugs(explainers: list[SlugAt]) -> list[ContentError]:
    """Each slug names one folder of the site, so no two explainers may share one."""
    errors: list[ContentError] = []
    owners: dict[str, str] = {}
    for at in explainers:
        if at.slug in owners:
            errors.append(ContentError(at.path, at.line, at.column, "slug", f"duplicate slug '{at.slug}', also used by {owners[at.slug]}"))
        else:
            owners[at.slug] = at.path
    return errors


def validate_project(site: RawDoc | None, explainers: tuple[RawDoc, ...]) -> list[ContentError]:
    """Every error in the site file and the explainers; empty means the content can be built."""
    errors = validate_doc(site, "site") if site is not None else []
    valid = []
    for doc in explainers:
        doc_errors = validate_explainer(doc)
        errors.extend(doc_errors)
        if not doc_errors:
            valid.append(doc)
    return errors + check_slugs([slug_at(doc) for doc in valid])


# Long entries are cut in messages so each warning stays one readable line.
_WARNING_TEXT = 80


def warn_project(explainers: tuple[RawDoc, ...]) -> list[ContentWarning]:
    """What valid explainers still ask an editor to do: each `unplaced` entry left by the importer."""
    warnings: list[ContentWarning] = []
    for doc in explainers:
        for i, text in enumerate(doc.data.get("unplaced", ())):
            node, _ = node_at(doc.node, ["unplaced", i])
            shown = " ".join(text.split())
            shown = shown if len(shown) <= _WARNING_TEXT else shown[: _WARNING_TEXT - 3] + "..."
            mark = node.start_mark
            warnings.append(ContentWarning(doc.path, mark.line + 1, mark.column + 1, f"unplaced[{i}]", f"imported text not yet placed in the explainer (not published): {shown!r}; move it into a field or delete it"))
    return sorted(warnings)
