"""C and C++ for wasm32-wasi: ``zig cc`` / ``zig c++`` by default, Debian's clang when preferred.

``ASML_C_TOOLCHAIN=clang`` selects clang; both take the same flags.
"""

from __future__ import annotations

from pathlib import Path

from asml.build import toolchains
from asml.build.guests.base import BuildFailed, Guest, run_tool, sources_with_suffix
from asml_sdk import sdk_digest, sdk_dir

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
        # The SDK's include path is a build-machine path: keep it out of the cache key, which
        # carries the SDK's content hash instead (see inputs()).
        flags = [*_COMMON, f"-Wl,--export={guest.handler}", "-I", "."]
        if self._cpp:
            flags += ["-std=c++17", "-fno-exceptions"]
        return flags

    def inputs(self, guest: Guest) -> list[str]:
        tool, _ = toolchains.c_compiler(self._cpp)
        return [tool.identity, f"sdk:{sdk_digest('c')}", *self._flags(guest)]

    def build(self, guest: Guest, out: Path) -> None:
        suffixes = _CPP_SUFFIXES if self._cpp else _C_SUFFIXES
        files = sources_with_suffix(guest.source, suffixes)
        if not files:
            raise BuildFailed(guest, f"no {' / '.join(suffixes)} files to compile")
        _, command = toolchains.c_compiler(self._cpp)
        relative = [p.relative_to(guest.source).as_posix() for p in files]
        sdk = ["-I", str(sdk_dir("c"))]
        argv = [*command, *self._flags(guest), *sdk, "-o", str(out), *relative]
        run_tool(guest, argv, cwd=guest.source, tool=toolchains.c_compiler_name(self._cpp))
