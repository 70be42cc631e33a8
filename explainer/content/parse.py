"""YAML read into RawDoc values that keep every node's line and column, bounded in depth and size."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from explainer.content.archieml import explainer_document
from explainer.content.schema import read_typed
from explainer.content.yaml_errors import HALF_CHARACTER, context_lines, explain
from explainer.errors import ContentError, field_path, line_column, text_position

# Limits that keep a hostile or broken file from hanging the build or eating memory.
MAX_FILE_BYTES = 2_000_000

MAX_DEPTH = 32

# How many values (mappings, lists, keys, text; each alias too) a file may hold as written. The
# bundled explainer holds 245; reading stops at the first value past the limit, so a file of a
# million keys costs no more to refuse than one of MAX_NODES.
MAX_NODES = 20_000

# How many values, and how many bytes of text, a file may stand for once its aliases are expanded:
# an alias costs a few bytes to write but stands for everything it names, on every page that shows
# it, so the text it stands for is bounded as well as the count (twice what a file may hold).
MAX_VALUES = 100_000
MAX_EXPANDED_BYTES = 2 * MAX_FILE_BYTES

# How long a value written with a tag that makes something other than text (!!int, !!float, !!bool,
# !!timestamp) may be. No field is one (the schema refuses them all), but building one comes first,
# and a 4,300-digit integer is refused by Python with a traceback while a long base-60 one
# (1:2:3:...) takes minutes: the value is judged by its length before it is built.
MAX_TAGGED_CHARS = 100

_SURROGATE = re.compile("[\ud800-\udfff]")
# What YAML refuses in a file, refused in ArchieML too: control characters other than tab and line
# breaks (a Google Doc never holds them; a file that does was not saved from one).
_UNPRINTABLE_IN_FILE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


try:
    # libyaml's parser, several times faster than PyYAML's; same events, same marks.
    from yaml._yaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml
    _Parser = None


class _BoundedComposer(Composer):
    """PyYAML's composer, stopping at MAX_DEPTH levels of nesting (libyaml's own composer recurses
    in C and crashes the process on a file of a few thousand nested brackets) and at MAX_NODES
    values."""

    _depth = 0
    _nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)
            if self._nodes > MAX_NODES:
                raise ComposerError(None, None, f"holds more than {MAX_NODES:,} values; no explainer needs so many", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_scalar_node(self, anchor: Any) -> Any:
        node = super().compose_scalar_node(anchor)
        # An escape such as "\ud800" in double quotes makes half of a character, which no file
        # can hold: libyaml refuses it, PyYAML's own parser does not.
        if _SURROGATE.search(node.value):
            raise ComposerError(None, None, HALF_CHARACTER, node.start_mark)
        return node


class _BadValue(ConstructorError):
    """A value its tag cannot make (`!!int abc`), or too long to try."""


def _bounded(construct: Any, what: str) -> Any:
    """A constructor for a tag that makes a number, a boolean or a date, refusing in plain words a
    value too long to build (before building it) or one that is not what the tag says."""
    def build(loader: SafeConstructor, node: yaml.ScalarNode) -> Any:
        if len(node.value) > MAX_TAGGED_CHARS:
            raise _BadValue(None, None, f"a value tagged {node.tag.replace('tag:yaml.org,2002:', '!!')} is {len(node.value):,} characters long; the most "
                            f"is {MAX_TAGGED_CHARS}, and no field is {what}: write the value as text", node.start_mark)
        try:
            return construct(loader, node)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
            raise _BadValue(None, None, f"{node.value!r} is not {what}, as its tag {node.tag.replace('tag:yaml.org,2002:', '!!')} says: "
                            "write the value as text, without the tag", node.start_mark) from None
    return build


if _Parser is not None:

    class _ContentLoader(_BoundedComposer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
        """Safe: plain text, numbers, lists and mappings only; nesting and size bounded."""

        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            _BoundedComposer.__init__(self)

else:

    class _ContentLoader(_BoundedComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        """Safe: plain text, numbers, lists and mappings only; nesting and size bounded."""


# Every value written without quotes is text, as in StrictYAML: YAML's guesses would only ever turn
# an editor's text into something else (`date: 1994` into a number, `title: No` into false,
# `time: 1:30` into 90). The few fields that are yes or no, or a number (a site's `per_page`), are
# read as such where the schema says so (schema.read_typed). Dates stay text
# too: the schema checks their format, and the model reads them. An empty value stays null.
_NOT_TEXT = frozenset({"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"})
for _tag, _what in (("int", "a number"), ("float", "a number"), ("bool", "true or false"), ("timestamp", "a date")):
    _ContentLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _bounded(SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{_tag}"], _what))
_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NOT_TEXT]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One YAML file: its display path, its composed node tree and the plain data built from it."""

    path: str
    node: yaml.Node
    data: Any
    digest: str  # of the file's bytes: unchanged bytes mean unchanged pages
    notes: tuple[ContentError, ...] = ()  # warnings found in reading it (ArchieML's ignored text)


def _error(path: str, mark: Any, field: str, message: str) -> ContentError:
    return ContentError(path, *line_column(mark), field, message)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_nodes(path: str, root: yaml.Node) -> list[ContentError]:
    """Reject what plain data must not contain: duplicate or non-text keys, alias loops and bombs."""
    errors: list[ContentError] = []
    # How many values, and bytes of text, each node stands for once aliases are expanded, found
    # depth first without recursion; an alias that leads back into itself never finishes, and is
    # refused. (The file itself holds at most MAX_NODES values and MAX_FILE_BYTES bytes: only
    # aliases can make it stand for more.)
    size: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            values = 1 + sum(size[id(c)][0] for c in _children(node))
            text = len(node.value.encode("utf-8", "surrogatepass")) if isinstance(node, yaml.ScalarNode) else sum(size[id(c)][1] for c in _children(node))
            size[key] = (values, text)
            if values > MAX_VALUES:
                return [_error(path, node.start_mark, "(yaml)", f"aliases expand this to more than {MAX_VALUES:,} values; write the text out instead")]
            if text > MAX_EXPANDED_BYTES:
                return [_error(path, node.start_mark, "(yaml)", f"aliases expand this to more than {MAX_EXPANDED_BYTES:,} bytes of text; write the text out instead")]
            continue
        if key in size:
            continue  # a node reached a second time is shared through an alias
        if key in open_nodes:
            return [_error(path, node.start_mark, "(yaml)", "an alias refers to the value that contains it")]
        open_nodes.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, yaml.Node] = {}
            for k, _ in node.value:
                if not isinstance(k, yaml.ScalarNode) or k.tag != "tag:yaml.org,2002:str":
                    found = f"{k.value!r}" if isinstance(k, yaml.ScalarNode) and k.tag.startswith("tag:yaml.org,2002:") and "python" not in k.tag else k.tag.replace("tag:yaml.org,2002:", "!!")
                    errors.append(_error(path, k.start_mark, "(yaml)", f"keys must be plain text, found {found}"))
                elif k.value in keys:
                    first, _ = line_column(keys[k.value].start_mark)
                    errors.append(_error(path, k.start_mark, field_path([k.value]), f"duplicate key (first at line {first})"))
                else:
                    keys[k.value] = k
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
    return errors


def _field_at(root: yaml.Node, mark: Any) -> str:
    """The field (`sections[0].short_answer`) whose value starts at mark, or "(yaml)"."""
    stack: list[tuple[yaml.Node, list[str | int]]] = [(root, [])]
    while stack:
        node, at = stack.pop()
        if node.start_mark.index == mark.index and at:
            return field_path(at)
        if isinstance(node, yaml.MappingNode):
            stack.extend((v, [*at, k.value]) for k, v in node.value if isinstance(k, yaml.ScalarNode))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, [*at, i]) for i, v in enumerate(node.value))
    return "(yaml)"


def _tag_at(text: str, mark: Any) -> str:
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column:].split(" ", 1)[0] or "(unknown)"


def _text(path: str, raw: bytes) -> str | list[ContentError]:
    """A content file's bytes as text, or why they are not."""
    if len(raw) > MAX_FILE_BYTES:
        return [ContentError(path, 1, 1, "(file)", f"is larger than {MAX_FILE_BYTES:,} bytes")]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [ContentError(path, *text_position(raw, exc.start), "(file)", "not UTF-8 text; save the file as UTF-8")]


# ArchieML's extension: a Google Doc's text, saved as it is.
ARCHIEML_SUFFIX = ".aml"


def parse_content(path: str, raw: bytes) -> RawDoc | list[ContentError]:
    """Parse one explainer file, YAML or ArchieML by its extension; the document or the errors that stop it."""
    if path.endswith(ARCHIEML_SUFFIX):
        return parse_archieml(path, raw)
    doc = parse_yaml(path, raw)
    if isinstance(doc, RawDoc):
        read_typed(doc.data)
    return doc


def parse_site(path: str, raw: bytes) -> RawDoc | list[ContentError]:
    """Parse the site file: YAML, its few numbers and yes-or-no settings read as the site schema says."""
    doc = parse_yaml(path, raw)
    if isinstance(doc, RawDoc):
        read_typed(doc.data, "site")
    return doc


def _plain(node: yaml.Node) -> Any:
    """The plain data of a node tree that holds only text, lists and mappings."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    return node.value


def parse_archieml(path: str, raw: bytes) -> RawDoc | list[ContentError]:
    """Parse an explainer written in ArchieML (a Google Doc's text) into the same document a YAML
    file gives, every node marked with its line in the ArchieML."""
    text = _text(path, raw)
    if isinstance(text, list):
        return text
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # as Google Docs saves text
    bad = _UNPRINTABLE_IN_FILE.search(text)
    if bad:
        return [ContentError(path, *text_position(text, bad.start()), "(archieml)", f"character U+{ord(bad.group()):04X} is not allowed in a "
                             "content file; delete it")]
    node, errors, notes = explainer_document(path, text)
    if node is None:
        return errors
    data = _plain(node)
    read_typed(data)
    return RawDoc(path, node, data, hashlib.sha256(raw).hexdigest(), tuple(notes))


def parse_yaml(path: str, raw: bytes) -> RawDoc | list[ContentError]:
    """Parse one file's bytes; returns the document or the errors that stop it."""
    text = _text(path, raw)
    if isinstance(text, list):
        return text
    loader = _ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return [ContentError(path, 1, 1, "(document)", "the file is empty: write an explainer in it (its slug, title, dek, published "
                                 "and sections, as the README's example shows), or delete it")]
        errors = _check_nodes(path, node)
        if errors:
            return errors
        data = loader.construct_document(node)
    except _BadValue as exc:
        return [ContentError(path, *line_column(exc.problem_mark), _field_at(node, exc.problem_mark), exc.problem or "")]
    except yaml.reader.ReaderError as exc:
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        return [ContentError(path, *text_position(text, exc.position), "(yaml)", f"character U+{code:04X} is not allowed in YAML; delete it, or write it as an escape inside double quotes")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if problem == "exceeded maximum nesting depth":  # libyaml's own limit, where it has one
            problem = f"nested deeper than {MAX_DEPTH} levels"
        elif problem == "but found another document":
            problem = "a second document ('---') in one file; put each explainer in its own file"
        elif isinstance(exc, yaml.constructor.ConstructorError) and exc.problem_mark is not None:
            # Only plain text, numbers, lists and mappings are content; a tag that builds objects is refused.
            problem = f"the tag {_tag_at(text, exc.problem_mark)} is not allowed: content is text, lists and mappings only"
        elif isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError, yaml.composer.ComposerError)):
            problem, mark = explain(exc, text)
        line, column = line_column(mark)
        return [ContentError(path, line, column, "(yaml)", problem, context=context_lines(text, line, column))]
    except yaml.YAMLError as exc:
        return [ContentError(path, 1, 1, "(yaml)", str(exc).splitlines()[0])]
    finally:
        loader.dispose()
    return RawDoc(path, node, data, hashlib.sha256(raw).hexdigest())
