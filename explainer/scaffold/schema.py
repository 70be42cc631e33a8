"""`explainer schema`: this version's JSON Schemas written into a project, for editors' completion."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from explainer.core.atomic import atomic_write

SCHEMAS = ("explainer.schema.json", "site.schema.json", "words.schema.json")


def write_schemas(root: Path) -> list[str]:
    """Write this generator's schemas into the project's schema/ folder, for editors' completion."""
    written = []
    for schema in SCHEMAS:
        target = root / "schema" / schema
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, resources.files("explainer").joinpath("schema", schema).read_bytes())
        written.append(f"schema/{schema}")
    return written
