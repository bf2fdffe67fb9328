"""A problem found in a manifest: which file, which key, what is wrong and how to fix it."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"  # probably a mistake
    NOTE = "note"  # fine, but worth knowing: an ignored key, a default that differs


def format_key_path(path: KeyPath) -> str:
    """A key path as TOML spells it: ``functions.create.http.verb``, ``functions[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        key = part if _BARE_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
        text += f".{key}" if text else key
    return text


@dataclass(frozen=True)
class Problem:
    """One finding. ``file`` is relative to the project root, with forward slashes."""

    file: str
    key: KeyPath
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}: `{format_key_path(self.key)}`" if self.key else self.file
        prefix = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        return f"{prefix}{where}: {self.message}"


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def warnings_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.WARNING]


def notes_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity is Severity.NOTE]


def sorted_problems(problems: Sequence[Problem]) -> list[Problem]:
    """Errors and warnings in a stable order: by file, then in the order they were found."""
    order = {file: index for index, file in enumerate(dict.fromkeys(p.file for p in problems))}
    return sorted(problems, key=lambda p: order[p.file])
