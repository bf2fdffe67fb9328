"""What every guest builder provides, and how it runs a compiler."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from asml.errors import AsmlError


@dataclass(frozen=True)
class Guest:
    """One function's source, as the manifest resolved it."""

    function: str  # "<service>.<function>"
    language: str
    source: Path  # a directory, or a file for wat/wasm
    handler: str
    shown: str  # the source path relative to the project, for messages


class BuildFailed(AsmlError):
    """A compiler rejected the guest; the message carries its own output."""

    def __init__(self, guest: Guest, what: str, output: str = "") -> None:
        self.guest = guest
        self.output = output.rstrip()
        message = f"{guest.function} ({guest.shown}): {what}"
        super().__init__(f"{message}\n{self.output}" if self.output else message)


class GuestBuilder(Protocol):
    language: str

    def inputs(self, guest: Guest) -> list[str]:
        """Everything besides the source files that decides the output (tool identity, flags)."""
        ...

    def build(self, guest: Guest, out: Path) -> None:
        """Write the guest's module to ``out``, or raise :class:`BuildFailed`."""
        ...


def run_tool(
    guest: Guest,
    argv: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    *,
    tool: str | None = None,
) -> None:
    """Run a compiler; on failure, raise with its output (the original ignored these), the
    files it names given from the project root, so a terminal or an editor can open them.
    ``tool`` is what the message calls it, "C compiler (zig cc)"; by default its file name."""
    name = tool or Path(argv[0]).name
    try:
        result = subprocess.run(
            list(argv),
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
    except FileNotFoundError:
        raise BuildFailed(guest, f"{name}: {argv[0]} was not found") from None
    if result.returncode != 0:
        output = from_project_root(guest, result.stderr + result.stdout, cwd)
        raise BuildFailed(guest, f"{name} failed (exit {result.returncode}):", output)


# A place in a file, as compilers print them: `main.c:3:5`, `./util.h:1:12`, `src/lib.rs:4`.
_PLACE = re.compile(r"(?<![^\s'\"(`])(?P<path>[^\s:'\"()`]+)(?=:\d+)")


def from_project_root(guest: Guest, output: str, cwd: Path) -> str:
    """``output`` with each path of a file in the project, as the compiler run in ``cwd``
    printed it, replaced by its path from the project root: `services/api/hello/main.c:3:5`.
    Paths elsewhere (the SDK's headers) are left as they are."""
    root = project_root_of(guest).resolve()
    base = cwd.resolve()

    def replace(match: re.Match[str]) -> str:
        path = match["path"]
        try:
            target = (base / path).resolve()
            if not target.is_file():
                return path
            return target.relative_to(root).as_posix()
        except (OSError, ValueError):
            return path

    return _PLACE.sub(replace, output)


def project_root_of(guest: Guest) -> Path:
    """The project's folder, from the function's source and its path in the project."""
    depth = len(PurePosixPath(guest.shown).parts)
    return guest.source.parents[depth - 1] if depth else guest.source


def sources_with_suffix(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    from asml.build.fingerprint import source_files

    return [p for p in source_files(directory) if p.suffix in suffixes]
