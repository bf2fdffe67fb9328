"""Reading TOML files into plain data, with errors that name the file and line."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_AT_END = "(at end of document)"


class TomlReadError(Exception):
    """The file cannot be read as TOML; ``message`` says where and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TomlReadError("file not found") from None
    except IsADirectoryError:
        raise TomlReadError("is a directory, expected a TOML file") from None
    except OSError as error:
        raise TomlReadError(f"cannot be read: {error.strerror}") from None
    return parse_toml(data)


def parse_toml(data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TomlReadError(f"is not UTF-8 text (bad byte at offset {error.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TomlReadError(_syntax_message(str(error))) from None


def _syntax_message(text: str) -> str:
    """tomllib says "Invalid value (at line 3, column 8)"; we lead with the position."""
    match = _POSITION.search(text)
    at_end = _AT_END in text
    reason = _POSITION.sub("", text.replace(_AT_END, "")).strip().rstrip(".")
    reason = reason[0].lower() + reason[1:] if reason else "invalid TOML"
    if match:
        return f"line {match.group(1)}, column {match.group(2)}: TOML syntax error: {reason}"
    if at_end:
        return f"end of file: TOML syntax error: {reason}"
    return f"TOML syntax error: {reason}"
