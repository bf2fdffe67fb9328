"""HCL values and layout: every quote, escape and alignment of the generated Terraform.

The templates place blocks and attributes; the text of each value comes from :func:`value`,
and :func:`align` lines up ``=`` signs the way ``terraform fmt`` does, so the output is
fmt-clean without running Terraform.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

INDENT = "  "
# A longer list gets a line per item, so that a review diff shows which item changed.
MAX_INLINE_LIST = 72
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Keywords that cannot stand bare as an object key: they would read as values.
_RESERVED_KEYS = frozenset({"true", "false", "null", "for", "in", "if"})


@dataclass(frozen=True)
class Expr:
    """A Terraform expression written as is: ``module.api_hello.arn``, ``var.region``."""

    text: str


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return f"\\u{ord(char):04x}"  # HCL has no \b or \f escapes
    return char


def string(text: str) -> str:
    """A quoted string literal; ``${`` and ``%{`` are escaped so nothing is interpolated."""
    body = "".join(_escaped(char) for char in text)
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def template(*parts: str | Expr) -> Expr:
    """A string template: literal text (escaped) with interpolated expressions."""
    out = []
    for part in parts:
        out.append(f"${{{part.text}}}" if isinstance(part, Expr) else string(part)[1:-1])
    return Expr('"' + "".join(out) + '"')


def label(name: str) -> str:
    """A block label such as a module name; checked here so no template can emit a bad one."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a Terraform identifier")
    return string(name)


def key(name: str) -> str:
    """An object key: bare when it is an identifier, quoted otherwise (``"GET /todos"``)."""
    if _IDENTIFIER.match(name) and name not in _RESERVED_KEYS:
        return name
    return string(name)


Value = str | int | float | bool | Expr | None | Sequence["Value"] | Mapping[str, "Value"]


def value(item: Value, depth: int = 0) -> str:
    """The HCL text of a value at nesting ``depth`` (in indent steps of the line it starts on).

    Lists of plain values stay on one line; objects and lists of objects open one line per
    entry, as a person would write them.
    """
    if isinstance(item, Expr):
        return item.text
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return repr(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, Mapping):
        if not item:
            return "{}"
        inner = INDENT * (depth + 1)
        lines = [f"{inner}{key(k)} = {value(v, depth + 1)}" for k, v in item.items()]
        return "{\n" + "\n".join(lines) + "\n" + INDENT * depth + "}"
    items = list(item)
    inline = "[" + ", ".join(value(i, depth) for i in items) + "]"
    if len(inline) <= MAX_INLINE_LIST and not any(isinstance(i, Mapping) for i in items):
        return inline
    inner = INDENT * (depth + 1)
    lines = [f"{inner}{value(i, depth + 1)}," for i in items]
    return "[\n" + "\n".join(lines) + "\n" + INDENT * depth + "]"


_BRACKETS = {"{": 1, "[": 1, "(": 1, "}": -1, "]": -1, ")": -1}


def _unquoted(text: str) -> Iterator[tuple[int, str]]:
    """Each character outside string literals (templates included), with its index."""
    quoted, escaped = False, False
    for index, char in enumerate(text):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        else:
            yield index, char


def _assignment(line: str) -> int | None:
    """Where the ``=`` of a one-line attribute is, or None when ``terraform fmt`` would not
    align this line: not an attribute, or a value that opens a multi-line bracket."""
    stripped = line.lstrip()
    if not stripped or stripped.startswith(("#", "//")):
        return None
    for index, char in _unquoted(line):
        if char == "=":
            if line[index + 1 : index + 2] in ("=", ">") or line[index - 1] in "!<>=":
                return None
            rest = line[index:]
            opened = sum(_BRACKETS.get(c, 0) for _, c in _unquoted(rest))
            return index if opened == 0 else None
        if char in "{[(":
            return None
    return None


def align(text: str) -> str:
    """Align ``=`` in runs of consecutive one-line attributes, as ``terraform fmt`` does.

    A run ends at a blank line, a comment, a block line, or an attribute whose value spans
    several lines. Each ``=`` goes one space after the longest name of its run. Widths are
    counted in code points, which is what terraform fmt counts for every name asml writes;
    names with combining marks would be measured differently (fmt counts grapheme clusters).
    """
    lines = text.split("\n")
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        out.extend(f"{name.ljust(width)} = {rest}" for name, rest in run)
        run.clear()

    for line in lines:
        at = _assignment(line)
        if at is None:
            flush()
            out.append(line)
        else:
            run.append((line[:at].rstrip(), line[at + 1 :].lstrip()))
    flush()
    return "\n".join(out)
