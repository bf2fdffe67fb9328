"""What every guest builder provides, and how it runs a compiler."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
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


def run_tool(guest: Guest, argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run a compiler; on failure, raise with its output (the original ignored these)."""
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
        raise BuildFailed(guest, f"{argv[0]} was not found") from None
    if result.returncode != 0:
        tool = Path(argv[0]).name
        raise BuildFailed(
            guest, f"{tool} failed (exit {result.returncode}):", result.stderr + result.stdout
        )


def sources_with_suffix(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    from asml.build.fingerprint import source_files

    return [p for p in source_files(directory) if p.suffix in suffixes]
