"""Zig with ``zig build-exe`` targeting wasm32-wasi as a reactor (no entry point)."""

from __future__ import annotations

from pathlib import Path

from asml.build import toolchains
from asml.build.guests.base import BuildFailed, Guest, run_tool
from asml_sdk import sdk_digest, sdk_dir

_FLAGS = ("-target", "wasm32-wasi", "-O", "ReleaseFast", "-fno-entry", "-rdynamic", "-fstrip")
_ROOTS = ("main.zig", "src/main.zig")


class ZigBuilder:
    language = "zig"

    def inputs(self, guest: Guest) -> list[str]:
        return [toolchains.zig().identity, f"sdk:{sdk_digest('zig')}", *_FLAGS]

    def build(self, guest: Guest, out: Path) -> None:
        root = next((r for r in _ROOTS if (guest.source / r).is_file()), None)
        if root is None:
            raise BuildFailed(guest, f"no {' or '.join(_ROOTS)} to compile")
        # The SDK is the module "asml": `const asml = @import("asml");`
        sdk = sdk_dir("zig") / "asml.zig"
        modules = ["--dep", "asml", f"-Mroot={root}", f"-Masml={sdk}"]
        argv = [*toolchains.zig().command, "build-exe", *_FLAGS, *modules, f"-femit-bin={out}"]
        run_tool(guest, argv, cwd=guest.source, tool="Zig compiler (zig build-exe)")
        # zig writes an object file beside the module; it is not part of the output.
        out.with_suffix(".wasm.o").unlink(missing_ok=True)
