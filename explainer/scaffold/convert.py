"""`explainer convert FILE --to aml|yaml`: an explainer from YAML to ArchieML (to paste into a
Google Doc) or back, with nothing lost.

The file is read and checked as a build reads it, so only a valid explainer is converted, and
every mistake is reported at its line first. The converted text is read back and compared with
the original before it is written: what it holds is the same data, but for the spaces and line
breaks at the ends of each value, which ArchieML cannot hold and no page shows (the model trims
one-line fields, and Markdown ignores them). A section read from ArchieML carries its kind as
`type`, its block's name, so ArchieML converted to YAML names each section's kind as the
editing page does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from explainer.content.archieml import dump_explainer, strip
from explainer.content.files import read_file
from explainer.content.kinds import section_kind
from explainer.content.parse import ARCHIEML_SUFFIX, RawDoc, parse_content
from explainer.content.validate import validate_explainer
from explainer.core.atomic import atomic_write
from explainer.errors import ContentError

FORMATS = {"aml": ARCHIEML_SUFFIX, "yaml": ".yaml"}


class ConvertFailed(Exception):
    """The file could not be converted; the message says why."""


class _Dumper(yaml.SafeDumper):
    """YAML as the bundled content is written: lists indented under their key, text of more than
    one line as a `|-` block (which holds it exactly), nothing wrapped."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)
# A date is written without quotes, as editors write it (no reader of the file takes it for text
# the schema refuses: the build reads every value as text, and YAML 1.2 has no dates).
_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def dump_yaml(data: dict[str, Any], schema: str) -> str:
    """An explainer's data as YAML, keys in their order, with the schema line editors' completion reads."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return f"# yaml-language-server: $schema={schema}\n{text}"


def _trimmed(value: Any) -> Any:
    """value as ArchieML holds it: each text without the white space at its ends."""
    if isinstance(value, str):
        return strip(value)
    if isinstance(value, list):
        return [_trimmed(v) for v in value]
    if isinstance(value, dict):
        return {k: _trimmed(v) for k, v in value.items()}
    return value  # true or false


def _typed(data: dict[str, Any]) -> dict[str, Any]:
    """data with each section's kind written as its `type`, first, as ArchieML's blocks name it."""
    sections = [s if "type" in s else {"type": section_kind(s), **s} for s in data["sections"]]
    return {**data, "sections": sections}


def read_explainer(path: Path) -> RawDoc:
    """The explainer file at path, read and checked as a build would; ConvertFailed with every
    error (one per line) when it cannot be converted."""
    shown = path.as_posix()
    if path.suffix not in (".yaml", ".yml", ARCHIEML_SUFFIX):
        raise ConvertFailed(f"{shown}: expected an explainer file, .yaml, .yml or .aml")
    raw = read_file(path.parent, path.name)
    if isinstance(raw, ContentError):
        raise ConvertFailed(str(ContentError(shown, raw.line, raw.column, raw.field, raw.message)))
    doc = parse_content(shown, raw)
    errors = doc if isinstance(doc, list) else validate_explainer(doc)
    if errors:
        raise ConvertFailed("\n".join(line for error in errors for line in error.lines()))
    assert isinstance(doc, RawDoc)
    return doc


def convert(doc: RawDoc, to: str, schema: str) -> str:
    """The explainer in the other format, checked to read back as the same explainer."""
    data = _typed(doc.data)
    text = dump_explainer(data) if to == "aml" else dump_yaml(data, schema)
    back = parse_content(f"converted{FORMATS[to]}", text.encode("utf-8"))
    if isinstance(back, list) or _trimmed(back.data) != _trimmed(data):
        # The writers are made to make this impossible; should it happen, nothing is written.
        raise ConvertFailed(f"{doc.path} cannot be converted to {to} without changing it; please report this with the file")
    return text


def target_for(path: Path, to: str) -> Path:
    """Where a converted file goes by default: beside the original, with the other extension."""
    return path.with_suffix(FORMATS[to])


def write_converted(target: Path, text: str, force: bool) -> None:
    if target.exists() and not force:
        raise ConvertFailed(f"{target} already exists; pass --force to replace it, or -o to write elsewhere")
    atomic_write(target, text.encode("utf-8"))
