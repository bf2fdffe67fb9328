"""Checks on a built guest before it is compiled or shipped."""

from __future__ import annotations

from asml.build.guests.base import BuildFailed, Guest
from asml.build.wasm_info import WasmFormatError, WasmInfo, read_wasm_info
from asml_runtime.abi import ALLOC_EXPORT

# What a guest may import: the asml host ABI and WASI preview 1 (its output goes to the log).
ALLOWED_IMPORT_MODULES = ("asml", "wasi_snapshot_preview1")


def check_guest(guest: Guest, data: bytes) -> WasmInfo:
    try:
        info = read_wasm_info(data)
    except WasmFormatError as error:
        raise BuildFailed(guest, f"the output is not a usable module: {error}") from None
    if not info.exported(guest.handler, "func"):
        raise BuildFailed(
            guest,
            f"the module does not export a function named `{guest.handler}`; export it, or set"
            " `handler` in service.toml to the name it has",
        )
    if not info.exported(ALLOC_EXPORT, "func"):
        raise BuildFailed(
            guest,
            f"the module does not export `{ALLOC_EXPORT}`, which the runtime writes events"
            " into; use the guest SDK (see docs/abi.md)",
        )
    if info.imported_memory():
        raise BuildFailed(
            guest,
            "the module imports its memory; export it instead (the LLVM engine crashes on"
            " memory.fill against imported memory)",
        )
    if not any(kind == "memory" for _, kind in info.exports):
        raise BuildFailed(guest, "the module does not export its memory; export it as `memory`")
    foreign = sorted({f"{m}.{n}" for m, n, _ in info.imports if m not in ALLOWED_IMPORT_MODULES})
    if foreign:
        raise BuildFailed(
            guest,
            f"the module imports {', '.join(foreign)}, which asml does not provide; guests may"
            f" import only from {' and '.join(ALLOWED_IMPORT_MODULES)}",
        )
    return info
