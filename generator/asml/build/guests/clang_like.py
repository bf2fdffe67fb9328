"""C and C++ with ``zig cc`` / ``zig c++`` targeting wasm32-wasi (wasi-libc and libc++ included)."""

from __future__ import annotations

from pathlib import Path

from asml.build import toolchains
from asml.build.guests.base import BuildFailed, Guest, run_tool, sources_with_suffix

_C_SUFFIXES = (".c",)
_CPP_SUFFIXES = (".c", ".cc", ".cpp", ".cxx")
# A reactor module: no _start, the runtime calls the exported handler. -s strips debug info
# (a printf hello is 2.6 KB instead of 910 KB).
_COMMON = ("--target=wasm32-wasi", "-O2", "-mexec-model=reactor", "-s")


class CBuilder:
    def __init__(self, language: str) -> None:
        self.language = language
        self._cpp = language == "cpp"

    def _flags(self, guest: Guest) -> list[str]:
        flags = [*_COMMON, f"-Wl,--export={guest.handler}", "-I", "."]
        if self._cpp:
            flags += ["-std=c++17", "-fno-exceptions"]
        return flags

    def inputs(self, guest: Guest) -> list[str]:
        return [toolchains.zig().identity, *self._flags(guest)]

    def build(self, guest: Guest, out: Path) -> None:
        suffixes = _CPP_SUFFIXES if self._cpp else _C_SUFFIXES
        files = sources_with_suffix(guest.source, suffixes)
        if not files:
            raise BuildFailed(guest, f"no {' / '.join(suffixes)} files to compile")
        driver = "c++" if self._cpp else "cc"
        relative = [p.relative_to(guest.source).as_posix() for p in files]
        argv = [*toolchains.zig().command, driver, *self._flags(guest), "-o", str(out), *relative]
        run_tool(guest, argv, cwd=guest.source)
