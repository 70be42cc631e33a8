"""The one error type a user sees: where, which field, what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class ContentError:
    """A mistake in content or templates, reported as `file:line:column: field: message`, or, with
    `warning`, something the build accepts but an editor should see: `file:line:column: field:
    warning: message`. Warnings never stop a build.

    Lines and columns are 1-based. `field` is a path such as `sections[2].answer`,
    or a short label such as `(yaml)` when no field applies.
    """

    file: str
    line: int
    column: int
    field: str
    message: str
    warning: bool = False
    context: tuple[str, ...] = ()  # lines shown under the message: the line at fault, a caret under its column

    def __str__(self) -> str:
        return one_line(f"{file_field(self.file)}:{self.line}:{self.column}: {self.field}: {'warning: ' if self.warning else ''}{self.message}")

    def lines(self) -> list[str]:
        """The message, then the lines that show where."""
        return [str(self), *self.context]


# What would end a line of the build's output, or garble the terminal, if printed as it is: control
# characters, Unicode's line and paragraph separators, and the bytes of a file name that is not
# UTF-8 (which Python holds as lone surrogates).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def unprintable(text: str) -> bool:
    """Whether one_line would change text."""
    return _UNPRINTABLE.search(text) is not None


def one_line(text: str) -> str:
    """text with anything that could end the line or garble a terminal written as an escape, so
    that no name or value, printed in a message, can forge a line of its own."""
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), text)


def file_field(name: str) -> str:
    """A file's name as the first field of a message: a colon in it written as \\x3a (as a line
    break is written \\x0a), so that the first `:line:column: ` of a message is always its location,
    as an editor's problem matcher reads it, whatever the name holds."""
    return name.replace(":", "\\x3a")


def line_column(mark: Any) -> tuple[int, int]:
    """The 1-based line and column of a YAML mark (PyYAML counts from 0); (1, 1) for none."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def text_position(text: str | bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of an offset into text or bytes."""
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, offset) + 1, offset - (text.rfind(newline, 0, offset) + 1) + 1  # type: ignore[arg-type]


def unforeseen(exc: BaseException) -> str:
    """One line for an error no command foresaw: what the system said, for a file it could not
    use; else what happened, and that it is the generator's fault."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot use{where}: {exc.strerror}; check it and try again"
    return (f"{type(exc).__name__}: {exc}. This is a fault in the generator, not in your project: please report it with the command you "
            "ran (set EXPLAINER_TRACEBACK=1 to see where it happened)")


class BuildError(Exception):
    """The build stopped; `errors` says why. Raised only for the user's mistakes."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors)

    def __reduce__(self) -> tuple[type, tuple[list[ContentError]]]:
        # Raised in a worker process, it must arrive whole in the parent.
        return (BuildError, (self.errors,))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _key(name: str) -> str:
    """A field name as written, or quoted when it is not a plain name, so the error stays one line
    with no spaces in its field: repr escapes line breaks and control characters, and spaces are
    written as \\u0020."""
    if _NAME.fullmatch(name):
        return name
    return "[" + re.sub(r"\s", lambda m: f"\\u{ord(m.group()):04x}", repr(name)) + "]"


def field_path(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """Format a path into a document the way an editor reads it: `sections[2].answer`, `sections[0]['my field']`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _NAME.fullmatch(part):
            out += _key(part)
        else:
            out += f".{part}" if out else part
    return out or "(document)"
