"""YAML mistakes in an editor's words: what is wrong, the usual fix, and the line with a caret.

The YAML parser says what its grammar expected ("mapping values are not allowed in this
context", "did not find expected key"). Editors make a handful of mistakes: a colon inside a
value, a line indented one space too far or too little, a tab, a quote never closed, text after a
closing quote, a value that starts with a character YAML keeps for itself. `explain` reads the
parser's complaint together with the line it points at, says which mistake it is and how to fix
it, and gives the place to point at: where the unclosed quote opened, not the end of the file.

Both parsers PyYAML may use (libyaml's and its own) are understood; their wording differs.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

TAB = "a tab is used where YAML needs spaces (to indent, or after a colon): replace the tab with spaces"

# A line that starts a field: its indent, an optional list dash, the field's name, then ': '.
_FIELD = re.compile(r"(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[^\s#'\"\[\]{}:][^:#]*?):(?:\s+(?P<value>.*))?$")


def quoted(line: str) -> str:
    """The line with its value in quotes, as the fix to show: title: 'Why it matters: the vote'.
    The YAML writer quotes it, so the fix is right whatever the value holds."""
    field = _FIELD.match(line)
    value = field["value"].strip() if field and field["value"] else line.strip()
    text = yaml.safe_dump(value, allow_unicode=True, width=10**6).removesuffix("...\n").strip()
    if text[:1] not in ("'", '"'):
        text = yaml.safe_dump(value, allow_unicode=True, width=10**6, default_style="'").strip()
    return f"{field['key']}: {text}" if field and field["value"] else text


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


# An escape such as "\ud800" makes half of a character (a lone surrogate), which no file can hold.
HALF_CHARACTER = "an escape here makes half of a character (a lone surrogate); write the character itself"

def _above(lines: list[str], index: int) -> int:
    """The number (0-based) of the nearest line above with content, or -1."""
    return next((i for i in range(index - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), -1)


# --- quotes ------------------------------------------------------------------------------------
#
# A quote that is never closed on its line makes YAML read on, through every line after it, to the
# next quote of the same kind, however far down; the mistake it then finds is at that later line,
# which is usually correct. So the quote mistakes are found from the scanner's tokens: which quoted
# value ends just before the place YAML stopped, where it opened, and what it swallowed.

_LOOKS_LIKE_FIELD = re.compile(r"\s*(- )?[^\s#'\"\[\]{}:][^:#]*:(\s|$)")


def _quoted_before(text: str, mark: Any) -> Any:
    """The quoted value that ends just before mark on its line (only spaces between), if any."""
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.end_mark.index > mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if (isinstance(last, yaml.ScalarToken) and last.style in ("'", '"') and last.end_mark.line == mark.line
            and not text[last.end_mark.index:mark.index].strip()):
        return last
    return None


def requote(value: str, prefer: str = "'") -> str:
    """value in the quotes that hold it as written: double quotes around an apostrophe, single
    quotes around a double quote (with '' for a ' inside)."""
    double = f'"{value}"' if '"' not in value and "\\" not in value else None
    single = "'" + value.replace("'", "''") + "'"
    if double and (prefer == '"' or "'" in value):
        return double
    return single


def _parses_as(line: str, value: str) -> bool:
    """Whether a fixed line, on its own, reads as its field holding value."""
    field = _FIELD.match(line)
    if not field or not field["value"]:
        return False
    try:
        read = yaml.safe_load(f"{field['key']}: {field['value']}")
    except yaml.YAMLError:
        return False
    return isinstance(read, dict) and read.get(field["key"]) == value


def _fixes(text: str, index: int, fixed: str, mark: Any) -> bool:
    """Whether the file, with line `index` (0-based) replaced by fixed, reads past that line and
    no longer stops where it did: a fix shown to an editor must be one that works."""
    lines = text.split("\n")
    lines[index] = fixed
    try:
        yaml.safe_load("\n".join(lines))
    except yaml.MarkedYAMLError as exc:
        again = exc.problem_mark
        return again is not None and again.line > index and (again.line, again.column) != (mark.line, mark.column)
    except yaml.YAMLError:
        return False
    return True


def _in_quotes(text: str, index: int, mark: Any) -> str:
    """"put the whole value in quotes: title: '...'", the fix for line `index` (0-based), when
    the fixed line reads as the value written and the file reads past it; the advice alone when not."""
    line = text.split("\n")[index] if index < len(text.split("\n")) else ""
    field = _FIELD.match(line)
    if field and field["value"]:
        fix = quoted(line)
        full = f"{field['indent']}{field['dash'] or ''}{fix}"
        if _parses_as(full, field["value"].strip()) and _fixes(text, index, full, mark):
            return f"put the whole value in quotes: {fix}"
    return "put the whole value in quotes"


def _fixed_line(line: str, column: int, value: str, prefer: str) -> str:
    """The line with its value, from column on, written as value in quotes that hold it."""
    return f"{line[:column]}{requote(value, prefer)}"


def _quote_mistake(text: str, lines: list[str], mark: Any) -> tuple[str, Any] | None:
    """A quote mistake behind an error at mark: a quote never closed on its line (or closed with
    the other kind of quote), or a quote of the same kind inside a quoted value."""
    token = _quoted_before(text, mark) if mark is not None else None
    if token is None:
        return None
    quote, opened, ended = token.style, token.start_mark, token.end_mark
    start = lines[opened.line]
    if opened.line < ended.line:
        if not any(_LOOKS_LIKE_FIELD.match(lines[i]) for i in range(opened.line + 1, ended.line + 1)):
            return None  # a value quoted over several lines on purpose
        other = "'" if quote == '"' else '"'
        rest = start[opened.column + 1:].rstrip()
        mismatched = len(rest) > 0 and rest.endswith(other)
        value = rest[:-1] if mismatched else rest
        fixed = _fixed_line(start, opened.column, value, quote)
        if mismatched:
            message = (f"this value opens with {quote} but ends with {other}, so YAML reads on to the next {quote} (line {ended.line + 1}) "
                       "as part of it: end it with the quote it opens with")
        else:
            message = (f"this quote is never closed on its line, so YAML reads on to the next {quote} (line {ended.line + 1}) as part of "
                       f"the value: add the closing {quote} at the end of the value")
        if _parses_as(fixed, value) and _fixes(text, opened.line, fixed, mark):
            message += f": {fixed.strip()}"
        return message, opened
    written = start[opened.column:].rstrip()
    if len(written) > 1 and written.endswith(quote) and _FIELD.match(start):
        value = written[1:-1]
        fixed = _fixed_line(start, opened.column, value, '"' if quote == "'" else "'")
        if quote == "'":
            message = "an apostrophe inside single quotes ends the value early: put the value in double quotes instead"
        else:
            message = 'a " inside double quotes ends the value early: put the value in single quotes instead'
        if _parses_as(fixed, value) and _fixes(text, opened.line, fixed, mark):
            return f"{message}: {fixed.strip()}", mark
        return f"{message} (or write {quote}{quote} for each {quote} inside)" if quote == "'" else message, mark
    return None


def explain(exc: Any, text: str) -> tuple[str, Any]:
    """What the mistake is and how to fix it, and the mark to point at, for a YAML scanner or
    parser error raised while reading text."""
    problem, context = exc.problem or "", exc.context or ""
    mark, opened = exc.problem_mark, exc.context_mark
    lines = text.splitlines()
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    before, at = (line[:mark.column], line[mark.column:mark.column + 1]) if mark is not None else ("", "")
    starts_line = not before.strip() or before.strip() == "-"
    quoted_wrong = _quote_mistake(text, lines, mark) if "quoted scalar" not in context else None
    if quoted_wrong:
        return quoted_wrong

    if "tab character" in problem or (problem.startswith("found character") and (at == "\t" or "'\\t'" in problem)):
        return TAB, mark
    if problem.startswith("found character") or problem.startswith("mapping keys are not allowed") or (
            "node content" in problem and at in "]}"):
        return f"a value cannot start with {'a backquote (`)' if at == '`' else repr(at)}: YAML keeps it for itself; {_in_quotes(text, mark.line, mark)}", mark
    if problem.startswith("mapping values are not allowed"):
        field = _FIELD.match(line)
        above = _above(lines, mark.line)
        if field and len(field["indent"]) + len(field["key"]) == mark.column and above >= 0 and _indent(line) > _indent(lines[above]):
            return (f"this field is indented more than line {above + 1}, so YAML reads it as more of that line's value: "
                    "line it up with the field it belongs beside, using spaces"), mark
        return f"this value holds ': ' (a colon and a space), which YAML reads as the start of a field: {_in_quotes(text, mark.line, mark)}", mark
    if re.match(r"(block )?sequence entries are not allowed", problem):
        return "a list cannot start on the same line as its field: put each \"- item\" on a line of its own, indented under the field", mark
    if "end of stream" in problem and "quoted scalar" in context and opened is not None:
        inside = "write '' for a ' inside it" if text_at(lines, opened) == "'" else 'put a \\ before any " inside it'
        return f"this quote is never closed: add the closing {text_at(lines, opened)} at the end of the value ({inside})", opened
    if re.match(r"(did not find )?expected ',' or '\]'", problem) and opened is not None:
        return "this list in brackets is never closed: add the ']' at its end, or, if the value is text that starts with '[', put it in quotes", opened
    if re.match(r"(did not find )?expected ',' or '\}'", problem) and opened is not None:
        return "this mapping in braces is never closed: add the '}' at its end, or, if the value is text that starts with '{', put it in quotes", opened
    if "alias" in context or "anchor" in context or problem.startswith("found undefined alias"):
        start = opened if opened is not None else mark
        shown = lines[start.line] if start.line < len(lines) else line
        return f"a value cannot start with {text_at(lines, start)!r}: YAML reads &name and *name as references to other values; {_in_quotes(text, start.line, mark)}", start
    if "unknown escape" in problem:
        backslash = line.rfind("\\", 0, mark.column + 1)  # libyaml points at it, PyYAML's parser just after
        if backslash >= 0:
            mark = yaml.Mark(mark.name, mark.index - (mark.column - backslash), mark.line, backslash, None, None)
        return "inside double quotes a backslash starts an escape such as \\n: write \\\\ for a backslash, or use single quotes, which keep backslashes as they are", mark
    if "invalid Unicode character escape" in problem:
        return HALF_CHARACTER, mark
    if re.search(r"comment or (a )?line break|chomping", problem):
        return "after | or > nothing but a comment may follow on the same line: put the text on the lines below, indented", mark
    if "could not find expected ':'" in problem and opened is not None:
        shown = lines[opened.line] if opened.line < len(lines) else ""
        glued = re.match(r"\s*(- )?([\w-]+):(\S.*)$", shown)
        if glued:
            return f"a field's name needs a space after its colon: {glued[2]}: {glued[3]}", opened
        return ("this line is text on its own where a field (name: value) is expected: if it goes on the value above, indent it more "
                "than that field's name; otherwise write it as a field"), opened
    if problem.startswith("did not find expected '-' indicator") or (problem.startswith("expected <block end>") and "block collection" in context):
        first = opened.line + 1 if opened is not None else mark.line
        if at == "-":
            return f"this list item is not lined up with the items above it (line {first}): indent its '-' exactly as theirs", mark
        return (f"this field is indented differently from the fields of its list item (line {first}): "
                "line it up with the first field after the '- '"), mark
    if problem.startswith("did not find expected key") or problem.startswith("expected <block end>"):
        if not starts_line:
            closed = before.rstrip()[-1:]
            what = {"'": "closing quote", '"': "closing quote", "]": "closing ']'", "}": "closing '}'"}.get(closed, "value")
            fix = _in_quotes(text, mark.line, mark)
            if closed in "]}":
                fix = f"if the value is text, {fix}; if it is a {'list' if closed == ']' else 'mapping'}, end it at its {closed!r}"
            return f"more text follows the {what} on this line, which YAML reads as the end of the value: {fix}", mark
        dash = next((i for i in range(mark.line - 1, -1, -1) if lines[i].lstrip().startswith("- ")), -1)
        if at == "-" and dash >= 0 and _indent(lines[dash]) != mark.column:
            return f"this list item is not lined up with the items above it (line {dash + 1}): indent its '-' exactly as theirs", mark
        if at == "-":
            return "this list item does not belong to the field above: put a list's items under their field (with nothing after its colon), each '-' indented the same", mark
        return ("this line is indented less than the line above, but not as far back as a field beside it: line it up with the field it "
                "belongs beside, or, if it goes on the text above, indent it as that text is"), mark
    if "document start" in problem:
        return "only one explainer fits in a file, and nothing may follow a line of '...'; a line that starts with % must be put in quotes", mark
    return problem or "the YAML is not valid here", mark


def text_at(lines: list[str], mark: Any) -> str:
    """The character a mark points at."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column:mark.column + 1]


def context_lines(text: str, line: int, column: int) -> tuple[str, ...]:
    """The line at a mistake, and a caret under its column; tabs shown as → so the caret lines up."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ()
    source = lines[line - 1].replace("\t", "→")
    if len(source) > 160:  # a long line is cut around the column
        start = max(0, column - 80)
        source, column = ("…" if start else "") + source[start:start + 160] + ("…" if start + 160 < len(source) else ""), column - start + (1 if start else 0)
    gutter = f"{line:>5} | "
    return (gutter + source, " " * (len(gutter) - 2) + "| " + " " * (max(1, column) - 1) + "^")
