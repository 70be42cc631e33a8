"""Stage 1: read YAML files into RawDoc values that keep every node's line and column."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError

# The C parser is several times faster; both give the same nodes and marks.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Limits that keep a hostile or broken file from hanging the build or eating memory.
MAX_FILE_BYTES = 2_000_000
MAX_DEPTH = 32
MAX_ALIASES = 100


class _ContentLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text: the schema checks their format."""


_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One YAML file: its display path, its composed node tree and the plain data built from it."""

    path: str
    node: yaml.Node
    data: Any
    digest: str  # of the file's bytes: unchanged bytes mean unchanged pages


def _error(path: str, mark: Any, field: str, message: str) -> ContentError:
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    return ContentError(path, line, column, field, message)


def _check_nodes(path: str, root: yaml.Node) -> list[ContentError]:
    """Reject what plain data must not contain: duplicate or non-text keys, deep nesting, alias bombs."""
    errors: list[ContentError] = []
    seen: set[int] = set()
    aliases = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            # A node reached twice is an alias; many of them can expand exponentially.
            aliases += 1
            if aliases > MAX_ALIASES:
                errors.append(_error(path, node.start_mark, "(yaml)", f"more than {MAX_ALIASES} aliases; write the text out instead"))
                break
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            errors.append(_error(path, node.start_mark, "(yaml)", f"nested deeper than {MAX_DEPTH} levels"))
            break
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                    errors.append(_error(path, key.start_mark, "(yaml)", f"keys must be text, found {key.value!r}" if isinstance(key, yaml.ScalarNode) else "keys must be text"))
                elif key.value in keys:
                    first = keys[key.value].start_mark.line + 1
                    errors.append(_error(path, key.start_mark, key.value, f"duplicate key (first at line {first})"))
                else:
                    keys[key.value] = key
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return errors


def _tag_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column:].split(" ", 1)[0] or "(unknown)"


def parse_yaml(path: str, raw: bytes) -> RawDoc | list[ContentError]:
    """Parse one file's bytes; returns the document or the errors that stop it."""
    if len(raw) > MAX_FILE_BYTES:
        return [ContentError(path, 1, 1, "(file)", f"larger than {MAX_FILE_BYTES:,} bytes")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return [ContentError(path, line, column, "(file)", "not UTF-8 text; save the file as UTF-8")]
    loader = _ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return [ContentError(path, 1, 1, "(document)", "the file is empty")]
        errors = _check_nodes(path, node)
        if errors:
            return errors
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and exc.problem_mark is not None:
            # Only plain text, numbers, lists and mappings are content; a tag that builds objects is refused.
            problem = f"the tag {_tag_at(text, exc.problem_mark)} is not allowed: content is text, lists and mappings only"
        return [_error(path, mark, "(yaml)", problem)]
    except yaml.YAMLError as exc:
        return [ContentError(path, 1, 1, "(yaml)", str(exc).splitlines()[0])]
    finally:
        loader.dispose()
    return RawDoc(path, node, data, hashlib.sha256(raw).hexdigest())


SITE_FILE = "site.yaml"
CONTENT_DIR = "content"


@dataclass(frozen=True, slots=True)
class Sources:
    """The raw bytes of the site file and every explainer file, keyed by display path, sorted."""

    site: bytes | None
    explainers: dict[str, bytes]
    errors: tuple[ContentError, ...]


def _read(root: Path, relative: str) -> bytes | ContentError:
    try:
        return (root / relative).read_bytes()
    except OSError as exc:
        return ContentError(relative, 1, 1, "(file)", f"cannot read: {exc.strerror}")


def read_sources(root: Path) -> Sources:
    """Read site.yaml and content/*.yaml under root; nothing is parsed here."""
    errors: list[ContentError] = []
    site = None
    if not (root / SITE_FILE).is_file():
        errors.append(ContentError(SITE_FILE, 1, 1, "(file)", "missing: the site file names the site, its base_url, language and publisher"))
    else:
        raw = _read(root, SITE_FILE)
        if isinstance(raw, ContentError):
            errors.append(raw)
        else:
            site = raw
    content = root / CONTENT_DIR
    # Sorted so every build reads files in the same order and output is byte-identical.
    names = sorted(p.name for p in content.glob("*.yaml")) if content.is_dir() else []
    if not names:
        errors.append(ContentError(CONTENT_DIR, 1, 1, "(folder)", "no explainers found: add content/<slug>.yaml"))
    explainers: dict[str, bytes] = {}
    for name in names:
        raw = _read(root, f"{CONTENT_DIR}/{name}")
        if isinstance(raw, ContentError):
            errors.append(raw)
        else:
            explainers[f"{CONTENT_DIR}/{name}"] = raw
    return Sources(site, explainers, tuple(errors))


def load_file(root: Path, relative: str) -> RawDoc | list[ContentError]:
    """Read root/relative and parse it; the display path stays relative so messages are short."""
    raw = _read(root, relative)
    return [raw] if isinstance(raw, ContentError) else parse_yaml(relative, raw)


@dataclass(frozen=True, slots=True)
class Project:
    """Everything read and parsed: the site file and every explainer file, sorted by path."""

    site: RawDoc | None
    explainers: tuple[RawDoc, ...]
    errors: tuple[ContentError, ...]


def parse_sources(sources: Sources) -> Project:
    """Parse every file read by read_sources, collecting all their errors."""
    errors = list(sources.errors)
    site = None
    if sources.site is not None:
        parsed = parse_yaml(SITE_FILE, sources.site)
        if isinstance(parsed, list):
            errors.extend(parsed)
        else:
            site = parsed
    docs = []
    for path, raw in sources.explainers.items():
        parsed = parse_yaml(path, raw)
        if isinstance(parsed, list):
            errors.extend(parsed)
        else:
            docs.append(parsed)
    return Project(site, tuple(docs), tuple(errors))


def load_project(root: Path) -> Project:
    """Read and parse site.yaml and content/*.yaml under root."""
    return parse_sources(read_sources(root))
