"""`explainer schema`: this version's JSON Schemas written into a project, for editors' completion."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from explainer.core.atomic import atomic_write

SCHEMAS = ("explainer.schema.json", "site.schema.json", "words.schema.json")


def schema_reference(root: Path, name: str) -> str:
    """What a content file's yaml-language-server line names: the project's own copy of the
    schema (schema/, as `new` and `schema` write it), or, in the generator's own checkout, the
    package's. Relative to content/."""
    for folder in ("schema", "explainer/schema"):
        if (root / folder / f"{name}.schema.json").is_file():
            return f"../{folder}/{name}.schema.json"
    return f"../schema/{name}.schema.json"


def write_schemas(root: Path) -> list[str]:
    """Write this generator's schemas into the project's schema/ folder, for editors' completion."""
    written = []
    for schema in SCHEMAS:
        target = root / "schema" / schema
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, resources.files("explainer").joinpath("schema", schema).read_bytes())
        written.append(f"schema/{schema}")
    return written
