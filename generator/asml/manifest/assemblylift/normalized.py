"""What reading an AssemblyLift-format file produces: asml's native shape, and the way back.

Normalising happens on the raw TOML data before validation. It records where each moved or
renamed key came from, so that errors still point at what the user wrote, and what it made
explicit (AssemblyLift's defaults), so that ``asml check`` and ``asml migrate`` can say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from asml.manifest.problems import KeyPath

Table = dict[str, Any]
Finding = tuple[KeyPath, str]


@dataclass
class Normalized:
    """The data in asml's native shape, with the way back to the user's key paths."""

    data: Table
    # keys that are ignored, or mean something slightly different, and are fine
    notes: list[Finding] = field(default_factory=list)
    # keys that are probably a mistake
    warnings: list[Finding] = field(default_factory=list)
    # shapes that cannot be read or deployed
    errors: list[Finding] = field(default_factory=list)
    # native path prefix -> the user's path prefix
    origins: dict[KeyPath, KeyPath] = field(default_factory=dict)
    # native path prefix -> (another file, the user's path prefix there): what a 0.4-beta
    # service reads from assemblylift.toml, so that its errors point where it is written
    elsewhere: dict[KeyPath, tuple[str, KeyPath]] = field(default_factory=dict)
    # the file is in one of AssemblyLift's formats (0.1 to 0.4-beta)
    assemblylift: bool = False
    # function -> its folder, where AssemblyLift's name is not one asml accepts (createTodo)
    folders: dict[str, str] = field(default_factory=dict)
    # "functions.create.memory_mb = 1024 (AssemblyLift's default)": for asml migrate's report
    made_explicit: list[str] = field(default_factory=list)

    def original_path(self, path: KeyPath) -> KeyPath:
        """Map a native key path back to where the user wrote it (longest prefix wins)."""
        for cut in range(len(path), 0, -1):
            origin = self.origins.get(path[:cut])
            if origin is not None:
                return origin + path[cut:]
        return path

    def written_elsewhere(self, path: KeyPath) -> tuple[str, KeyPath] | None:
        """The other file and the key there, when ``path`` was read from another file."""
        for cut in range(len(path), 0, -1):
            found = self.elsewhere.get(path[:cut])
            if found is not None:
                return found[0], found[1] + path[cut:]
        return None

    def note(self, path: KeyPath, message: str) -> None:
        self.notes.append((path, message))

    def error(self, path: KeyPath, message: str) -> None:
        self.errors.append((path, message))


def rename(table: Table, path: KeyPath, old: str, new: str, out: Normalized) -> None:
    """``table[old]`` becomes ``table[new]`` (``path`` is the table's native path)."""
    if old not in table:
        return
    if new in table:
        out.error(
            out.original_path((*path, old)), f"`{old}` and `{new}` are both set; keep only `{new}`"
        )
        del table[old]
        return
    table[new] = table.pop(old)
    renamed: KeyPath = (*path, new)
    out.origins[renamed] = out.original_path((*path, old))


def names(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
