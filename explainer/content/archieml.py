"""ArchieML (archieml.org), the format newsrooms write structured stories in inside Google Docs,
read with the line and column of every key and value.

ArchieML is small and frozen (version 1.0). The one Python parser on the package index
(`archieml` 0.3.5) passes 178 of the 181 shared test files of the specification and keeps no
positions, so a content error could not name its line. This module follows the reference parser
(archieml-js 0.5, which the specification's tests are written against) line by line, and records
where each key, value, array element and block starts; `tests/unit/test_archieml_spec.py` runs
every shared test file against it.

`parse` reads any ArchieML into plain data (dicts, lists and text) and a `Marks` table of
positions, and says which lines it ignored (text that belongs to no key, which ArchieML drops by
design) and which keys were given twice (ArchieML keeps the last). `explainer/content/parse.py`
turns that into a content document the schema checks like a YAML one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from explainer.content.kinds import SECTION_KINDS
from explainer.errors import ContentError, field_path

# What JavaScript's \s matches: the reference parser's trimming is done with it.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_LEADING = re.compile(f"^[{_JS_SPACE}]*")
_TRAILING = re.compile(f"[{_JS_SPACE}]*$")
# Characters a key may not hold: white space, brackets, braces, the colon and the backslash.
_NOT_IN_KEY = "\\u0000\\u0009\\u000A\\u000B\\u000C\\u000D\\u0020\\u00A0\\u2000-\\u200B\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF\\[\\\\\\]\\{\\}:"
KEY = re.compile(f"^[{_JS_SPACE}]*([^{_NOT_IN_KEY}]+)[ \\t\\r]*:[ \\t\\r]*(.*)$", re.S)
COMMAND = re.compile(f"^[{_JS_SPACE}]*:[ \\t\\r]*(endskip|ignore|skip|end)", re.I)
ELEMENT = re.compile(f"^[{_JS_SPACE}]*\\*[ \\t\\r]*(.*)$", re.S)
SCOPE = re.compile(f"^[{_JS_SPACE}]*(\\[|\\{{)[ \\t\\r]*([+.]*)[ \\t\\r]*([^{_NOT_IN_KEY}]*)[ \\t\\r]*(?:\\]|\\}})")
# In the lines after a value's first, a backslash at the start (after any spaces) is taken away:
# it is how a line that would read as a key or command is written as text.
_ESCAPE = re.compile(r"^(\s*)\\", re.M)


def lstrip(text: str) -> str:
    return _LEADING.sub("", text, count=1)


def rstrip(text: str) -> str:
    return text[: len(text) - len(_TRAILING.search(text).group())]  # type: ignore[union-attr]


def strip(text: str) -> str:
    """text without the white space ArchieML takes off a value's ends."""
    return rstrip(lstrip(text))


@dataclass(frozen=True, slots=True)
class Mark:
    """Where something starts: 0-based line and column."""

    line: int
    column: int


@dataclass
class Parsed:
    """ArchieML read: the data, and where each part of it is.

    `marks` maps (id of a dict or list, its key or index) to where that entry starts (a key, or
    an array's element), `values` (id of a dict, key) to where a key's text value starts, and
    `starts` the id of a dict or list to where it starts. `ignored` lists the line ranges (0-based,
    inclusive) of text that belongs to no key, and `replaced` each key given twice in one place:
    (id of its dict, key, the first's line, the second's line).
    """

    data: dict[str, Any]
    marks: dict[tuple[int, Any], Mark] = field(default_factory=dict)
    values: dict[tuple[int, str], Mark] = field(default_factory=dict)
    starts: dict[int, Mark] = field(default_factory=dict)
    ignored: list[tuple[int, int]] = field(default_factory=list)
    replaced: list[tuple[int, str, int, int]] = field(default_factory=list)
    freeform: set[int] = field(default_factory=set)  # ids of the freeform arrays ([+name])
    first_keys: dict[int, str] = field(default_factory=dict)  # the key that starts each entry, by id of its array
    texts: set[int] = field(default_factory=set)  # ids of a freeform's entries made from a line of text
    kept: list[Any] = field(default_factory=list)  # every container made, so no id is reused while marks name it


class _Frame:
    """One open block: an array ([name]) or an object ({name}), and the scope to go back to."""

    __slots__ = ("array", "array_type", "first_key", "flags", "scope")

    def __init__(self, flags: str, scope: dict[str, Any]):
        self.array: list[Any] | None = None
        self.array_type: str | None = None  # "simple", "complex" or "freeform"
        self.first_key: str | None = None
        self.flags = flags
        self.scope = scope


class _Parser:
    """archieml-js's `load`, a line at a time, keeping positions."""

    def __init__(self) -> None:
        self.out = Parsed({})
        self.scope: dict[str, Any] = self.out.data
        self.stack: list[_Frame] = []
        self.frame: _Frame | None = None
        self.buffer_key: str | list[Any] | None = None
        self.buffer = ""
        self.skipping = False
        self.line = 0
        self.pending: list[int] = []  # lines of text waiting in the buffer for an :end
        self.value_at: Mark = Mark(0, 0)
        self.out.starts[id(self.scope)] = Mark(0, 0)

    # --- positions ----------------------------------------------------------------------------

    def _new(self, container: Any, at: Mark) -> Any:
        self.out.kept.append(container)
        self.out.starts[id(container)] = at
        return container

    def _mark(self, container: Any, key: Any, at: Mark) -> None:
        self.out.marks[(id(container), key)] = at

    # --- the reference parser's functions -----------------------------------------------------

    def feed(self, text: str) -> Parsed:
        lines = text.splitlines(keepends=True)
        for self.line, line in enumerate(lines):
            if self._line(line):
                break
        self._flush()
        return self.out

    def _line(self, line: str) -> bool:
        """Read one line; True when the rest of the document is to be ignored."""
        command = COMMAND.match(line)
        if command:
            return self._command(command.group(1).lower())
        key = KEY.match(line) if not self.skipping else None
        if key and (self.frame is None or self.frame.array_type != "simple"):
            self._start_key(key.group(1), key.group(2), Mark(self.line, key.start(1)), Mark(self.line, key.start(2)))
            return False
        element = ELEMENT.match(line) if not self.skipping else None
        if (element and self.frame is not None and self.frame.array is not None and self.frame.array_type not in ("complex", "freeform")
                and "+" not in self.frame.flags):
            self._element(element.group(1), Mark(self.line, element.start(1)))
            return False
        scope = SCOPE.match(line) if not self.skipping else None
        if scope:
            self._scope(scope.group(1), scope.group(2), scope.group(3), Mark(self.line, scope.start(1)))
            return False
        self._text(line)
        return False

    def _start_key(self, key: str, rest: str, key_at: Mark, value_at: Mark) -> None:
        self._flush()
        self._increment(key, key_at)
        if self.frame is not None and "+" in self.frame.flags:
            key = "value"
        self.buffer_key, self.buffer, self.value_at = key, rest, value_at
        self._flush_into(key, replace=True, key_at=key_at)

    def _element(self, value: str, at: Mark) -> None:
        self._flush()
        assert self.frame is not None and self.frame.array is not None
        self.frame.array_type = self.frame.array_type or "simple"
        self.frame.array.append("")
        self._mark(self.frame.array, len(self.frame.array) - 1, at)
        self.buffer_key, self.buffer, self.value_at = self.frame.array, value, at
        self._flush_into(self.frame.array, replace=True)

    def _command(self, command: str) -> bool:
        if self.skipping and command not in ("endskip", "ignore"):
            self._flush()
            return False
        if command == "end":
            if self.buffer_key is not None and self.buffer_key != "":
                self.pending = []  # the text waiting is the value's: not ignored
                self._flush_into(self.buffer_key, replace=False)
            return False
        self._flush()
        if command == "ignore":
            return True
        self.skipping = command == "skip"
        return False

    def _scope(self, kind: str, flags: str, name: str, at: Mark) -> None:
        self._flush()
        if name == "":
            last = self.stack.pop() if self.stack else None
            self.scope = last.scope if last is not None else self.out.data
            self.frame = self.stack[-1] if self.stack else None
            return
        nesting = False
        key_scope: Any = self.out.data
        if "." in flags:
            self._increment(name, at)
            nesting = True
            if self.frame is not None:
                key_scope = self.scope
        else:
            self.scope = self.out.data
            self.stack = []
        in_freeform = self.frame is not None and "+" in self.frame.flags
        if in_freeform:
            last_key = name  # within a freeform, a block's name is its type, dots and all
        else:
            *parents, last_key = name.split(".")
            key_scope = self._drill(key_scope, parents, at)
        frame = _Frame(flags, self.scope)
        nested_freeform = in_freeform and "." in flags
        if kind == "[":
            if nested_freeform:
                last_key = "value"
            else:
                self._replace(key_scope, last_key, at)
            frame.array = self._set(key_scope, last_key, self._new([], at), at)
            if "+" in flags:
                frame.array_type = "freeform"
                self.out.freeform.add(id(frame.array))
            if nesting:
                self.stack.append(frame)
            else:
                self.stack = [frame]
        else:
            if nesting:
                if nested_freeform:
                    self.scope = self._set(self.scope, "value", self._new({}, at), at)
                else:
                    self._replace(key_scope, last_key, at)
                    self.scope = self._set(key_scope, last_key, self._new({}, at), at)
                self.stack.append(frame)
            else:
                existing = key_scope.get(last_key)
                self.scope = existing if isinstance(existing, dict) else self._set(key_scope, last_key, self._new({}, at), at)
                self.stack = [frame]
        self.frame = self.stack[-1]

    def _text(self, line: str) -> None:
        if self.frame is not None and "+" in self.frame.flags and strip(line):
            assert self.frame.array is not None
            at = Mark(self.line, len(line) - len(lstrip(line)))
            entry = self._new({}, at)
            self.out.texts.add(id(entry))
            self._set(entry, "type", "text", at)
            self._set(entry, "value", strip(line), at)
            self.frame.array.append(entry)
            self._mark(self.frame.array, len(self.frame.array) - 1, at)
            return
        self.buffer += line
        if strip(line) and not self.skipping:
            self.pending.append(self.line)

    def _increment(self, key: str, at: Mark) -> None:
        """In an array of objects, the first key seen starts each new object; in a freeform
        array every key and block is an entry of its own."""
        frame = self.frame
        if frame is None or frame.array is None:
            return
        frame.array_type = frame.array_type or "complex"
        if frame.array_type == "simple":
            return
        if frame.first_key is None or frame.first_key == key:
            self.scope = self._new({}, at)
            frame.array.append(self.scope)
            self._mark(frame.array, len(frame.array) - 1, at)
        if "+" in frame.flags:
            self._set(self.scope, "type", key, at)
        elif frame.first_key is None:
            frame.first_key = self.out.first_keys[id(frame.array)] = key

    def _flush(self) -> str:
        """Empty the buffer; text still waiting in it for an :end that never came is ignored."""
        if self.pending:
            self.out.ignored.append((self.pending[0], self.pending[-1]))
            self.pending = []
        text, self.buffer, self.buffer_key = self.buffer, "", None
        return text

    def _flush_into(self, key: str | list[Any], *, replace: bool, key_at: Mark | None = None) -> None:
        kept_key = self.buffer_key
        value = self._flush()
        if replace:
            value = lstrip(value)
            self.buffer = value[len(rstrip(value)):]
            self.buffer_key = kept_key
        else:
            value = _ESCAPE.sub(r"\1", value)
        if isinstance(key, list):
            if replace:
                key[-1] = ""
            key[-1] += rstrip(value)
            return
        *parents, last = key.split(".")
        target = self._drill(self.scope, parents, key_at or self.value_at)
        if replace:
            if key_at is not None:
                self._replace(target, last, key_at)
            self._set(target, last, "", key_at or self.value_at)
            self.out.values[(id(target), last)] = self.value_at
        target[last] += rstrip(value)

    def _drill(self, scope: dict[str, Any], parents: list[str], at: Mark) -> dict[str, Any]:
        """The object a dotted name leads to, made where missing (or where text was)."""
        for name in parents:
            existing = scope.get(name)
            scope = existing if isinstance(existing, dict) else self._set(scope, name, self._new({}, at), at)
        return scope

    def _replace(self, container: dict[str, Any], key: str, at: Mark) -> None:
        """Note a key given a second time in one object (ArchieML keeps the last)."""
        if key in container:
            first = self.out.marks.get((id(container), key))
            self.out.replaced.append((id(container), key, first.line if first else at.line, at.line))

    def _set(self, container: dict[str, Any], key: str, value: Any, at: Mark) -> Any:
        container[key] = value
        self._mark(container, key, at)
        return value


def parse(text: str) -> Parsed:
    """Read ArchieML text: its data, and where each key and value is."""
    return _Parser().feed(text)


def load(text: str) -> dict[str, Any]:
    """Read ArchieML text into plain data, as archieml-js's `load` does."""
    return parse(text).data


# --- an explainer written in ArchieML ---------------------------------------------------------
#
# An explainer in ArchieML is the same fields as in YAML: `key: value` for text (a value of more
# than one line ends with `:end`), `[aliases]` with `* item` lines for lists of text, `[changes]`
# with `key: value` lines for lists of entries (each entry starts again at the first key), and the
# sections as a freeform list, each section a block named for its kind:
#
#     [+sections]
#     {.question}
#     id: why-now
#     question: Why now?
#     ...
#     {}
#     {.timeline}
#     [.timeline]
#     date: 2019
#     event: ...
#     []
#     {}
#     []
#
# A section's block name becomes its `type`, which the schema lets every section carry (the
# editing page names each section's kind the same way).

# Limits that keep a hostile file from costing more than a YAML file may: the same numbers.
MAX_DEPTH = 32
MAX_NODES = 20_000

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _yaml_mark(path: str, at: Mark) -> yaml.Mark:
    return yaml.Mark(path, 0, at.line, at.column, None, None)


@dataclass
class _Builder:
    """Plain data and its positions, as YAML nodes: the form validation and the model read."""

    path: str
    parsed: Parsed
    errors: list[ContentError] = field(default_factory=list)
    paths: dict[int, list[str | int]] = field(default_factory=dict)  # where each object is, by id
    count: int = 0

    def error(self, at: Mark, where: list[str | int], message: str) -> None:
        self.errors.append(ContentError(self.path, at.line + 1, at.column + 1, field_path(where), message))

    def node(self, value: Any, at: Mark, where: list[str | int]) -> yaml.Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooMuch(at, f"holds more than {MAX_NODES:,} values; no explainer needs so many")
        if len(where) > MAX_DEPTH:
            raise _TooMuch(at, f"nested deeper than {MAX_DEPTH} levels")
        mark = _yaml_mark(self.path, at)
        if isinstance(value, str):
            return yaml.ScalarNode(_STR, value, mark, mark)
        self.paths[id(value)] = where
        if isinstance(value, list):
            items = [self.node(v, self.parsed.marks.get((id(value), i), at), [*where, i]) for i, v in enumerate(value)]
            return yaml.SequenceNode(_SEQ, items, mark, mark)
        pairs = []
        for key, v in value.items():
            key_at = self.parsed.marks.get((id(value), key), at)
            value_at = self.parsed.values.get((id(value), key)) if isinstance(v, str) else self.parsed.starts.get(id(v))
            key_mark = _yaml_mark(self.path, key_at)
            pairs.append((yaml.ScalarNode(_STR, key, key_mark, key_mark), self.node(v, value_at or key_at, [*where, key])))
        return yaml.MappingNode(_MAP, pairs, mark, mark)

    def section(self, entry: Any, at: Mark, index: int) -> Any:
        """One entry of a freeform `[+sections]`: a block named for its kind, as a section."""
        where: list[str | int] = ["sections", index]
        kind, value = entry.get("type"), entry.get("value")
        if isinstance(value, str):
            if id(entry) in self.parsed.texts:
                self.error(at, where, "this text is between two section blocks, so it belongs to no field: put it in a field of a "
                           "section ({.question} ... {}), or between :skip and :endskip if it is a note")
            else:
                self.error(at, where, f"`{kind}:` is outside any section block: put it between the {{.kind}} line and the {{}} of the "
                           "section it belongs to")
            return None
        if kind not in SECTION_KINDS:
            close = difflib.get_close_matches(str(kind), SECTION_KINDS, n=1)
            hint = f"did you mean {{.{close[0]}}}?" if close else "write one of " + ", ".join(f"{{.{k}}}" for k in SECTION_KINDS)
            self.error(at, where, f"{{.{kind}}} is not a kind of section: {hint}")
            return None
        if isinstance(value, list):  # [.timeline] straight inside [+sections]: the section is that list
            value = self._keep({kind: value}, at, {kind: at})
        for key, inner in value.items():
            if key in SECTION_KINDS and isinstance(inner, dict) and self.parsed.starts.get(id(inner)):
                opened = self.parsed.starts[id(inner)]
                self.error(opened, [*where, key], f"this {{.{key}}} block opened inside the section above (line {at.line + 1}), "
                           "whose block was never closed: put {} on the line before it")
        typed = self._copy(value, {} if "type" in value else {"type": kind}, at)
        self.paths[id(value)] = where  # keys given twice inside the block are reported at this section
        return typed

    def _keep(self, value: dict[str, Any] | list[Any], at: Mark, marks: dict[Any, Mark]) -> Any:
        """A container made here, with where it and its entries are."""
        self.parsed.kept.append(value)
        self.parsed.starts[id(value)] = at
        for key, mark in marks.items():
            self.parsed.marks[(id(value), key)] = mark
        return value

    def _copy(self, value: dict[str, Any], first: dict[str, str], at: Mark) -> dict[str, Any]:
        """value with the entries of `first` before its own (at `at`), keeping the marks of its own."""
        copy = self._keep({**first, **value}, self.parsed.starts.get(id(value), at), {key: at for key in first})
        for key in first:
            self.parsed.values[(id(copy), key)] = at
        for key in value:
            self.parsed.marks[(id(copy), key)] = self.parsed.marks.get((id(value), key), at)
            if (id(value), key) in self.parsed.values:
                self.parsed.values[(id(copy), key)] = self.parsed.values[(id(value), key)]
        return copy


class _TooMuch(Exception):
    def __init__(self, at: Mark, message: str):
        super().__init__(message)
        self.at, self.message = at, message


def explainer_document(path: str, text: str) -> tuple[yaml.Node | None, list[ContentError], list[ContentError]]:
    """An explainer written in ArchieML, as the YAML node tree a YAML file would give (every node
    marked with its line and column in the ArchieML), the errors that stop it (keys given twice,
    sections outside their blocks), and the warnings an editor should see (text that belongs to
    no field, which ArchieML ignores)."""
    parsed = parse(text)
    builder = _Builder(path, parsed)
    data = parsed.data
    sections = data.get("sections")
    if isinstance(sections, list) and id(sections) in parsed.freeform:
        marks = [parsed.marks.get((id(sections), i), Mark(0, 0)) for i in range(len(sections))]
        typed = [s for s in (builder.section(entry, at, i) for i, (entry, at) in enumerate(zip(sections, marks))) if s is not None]
        typed = builder._keep(typed, parsed.starts.get(id(sections), Mark(0, 0)), {i: parsed.starts[id(s)] for i, s in enumerate(typed)})
        data = builder._keep({**data, "sections": typed}, Mark(0, 0), {})
        for key in parsed.data:
            parsed.marks[(id(data), key)] = parsed.marks.get((id(parsed.data), key), Mark(0, 0))
            if (id(parsed.data), key) in parsed.values:
                parsed.values[(id(data), key)] = parsed.values[(id(parsed.data), key)]
    try:
        node = builder.node(data, Mark(0, 0), [])
    except _TooMuch as exc:
        return None, [ContentError(path, exc.at.line + 1, exc.at.column + 1, "(archieml)", exc.message)], []
    arrays = {tuple(where): container for container, where in builder.paths.items() if container in parsed.first_keys}
    for container, key, first, again in parsed.replaced:
        where = builder.paths.get(container)
        if where is None:
            continue
        message = f"duplicate key (first at line {first + 1})"
        array = arrays.get(tuple(where[:-1])) if where and isinstance(where[-1], int) else None
        if array is not None and parsed.first_keys[array] != key:
            message += (f"; in a list, a new entry starts only at the key its first entry starts with "
                        f"({parsed.first_keys[array]!r}): start each entry with it")
        builder.errors.append(ContentError(path, again + 1, 1, field_path([*where, key]), message))
    notes = [ContentError(path, start + 1, 1, "(archieml)", _ignored(start, end), warning=True) for start, end in parsed.ignored]
    if not data:
        builder.errors.append(ContentError(path, 1, 1, "(document)", "no fields found: write the explainer as `key: value` lines "
                                           "(see the ArchieML template in the README)"))
    return (node if not builder.errors else None), sorted(builder.errors), notes


def _ignored(start: int, end: int) -> str:
    lines = f"line {start + 1}" if start == end else f"lines {start + 1}-{end + 1}"
    return (f"the text on {lines} belongs to no field, so it is not published: if it goes on the value above, end that value "
            "with :end on a line after it; if it is a note, put it between :skip and :endskip")


# --- writing ----------------------------------------------------------------------------------


def _needs_escape(line: str) -> bool:
    """Whether a line after a value's first would be read as something other than text."""
    rest = lstrip(line)
    return rest[:1] in (":", "*", "[", "{", "\\") or KEY.match(line) is not None


def _value(key: str, text: str) -> list[str]:
    """`key: text`, with `:end` after a value of more than one line and a backslash before each
    of its lines that would otherwise read as a key or a command."""
    first, *rest = strip(text).split("\n")
    if not rest:
        return [f"{key}{first}"]
    lines = [f"{key}{first}"]
    for line in rest:
        if _needs_escape(line):
            indent = len(line) - len(lstrip(line))
            line = f"{line[:indent]}\\{line[indent:]}"
        lines.append(line)
    return [*lines, ":end"]


def _first_key(items: list[dict[str, Any]]) -> str:
    """The key every entry of a list starts with: its first entry's first key when all have it,
    else the first key they all have."""
    common = [key for key in items[0] if all(key in item for item in items)]
    return common[0] if common else next(iter(items[0]))


def _entries(name: str, items: list[Any], nested: bool) -> list[str]:
    dot = "." if nested else ""
    if all(isinstance(item, str) for item in items):
        return [f"[{dot}{name}]", *(line for item in items for line in _value("* ", item)), "[]"]
    first = _first_key(items)
    lines = [f"[{dot}{name}]"]
    for item in items:
        lines += _fields({first: item[first], **item}, nested=True)
    return [*lines, "[]"]


def _fields(data: dict[str, Any], *, nested: bool) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, bool):  # ArchieML has only text: read back as true or false where the schema says (schema.read_typed)
            lines += [f"{key}: {'true' if value else 'false'}"]
        elif isinstance(value, str):
            lines += _value(f"{key}: ", value)
        elif isinstance(value, list):
            lines += _entries(key, value, nested)
        else:
            lines += [f"{{{'.' if nested else ''}{key}}}", *_fields(value, nested=True), "{}"]
    return lines


def dump_explainer(data: dict[str, Any]) -> str:
    """An explainer's data as ArchieML: its fields in their order, its sections as blocks named
    for their kinds in a freeform list. Each value loses only the spaces and line breaks at its
    ends, which ArchieML cannot hold and no page shows."""
    lines: list[str] = []
    for key, value in data.items():
        if key == "sections":
            lines += ["", "[+sections]"]
            for section in value:
                kind = section.get("type") or next(k for k in SECTION_KINDS if k in section)
                lines += ["", f"{{.{kind}}}", *_fields({k: v for k, v in section.items() if k != "type"}, nested=True), "{}"]
            lines += ["[]", ""]
        else:
            lines += _fields({key: value}, nested=False)
    return "\n".join(lines).strip("\n") + "\n"
