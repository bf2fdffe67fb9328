"""Engine adapters: load a verified artifact and run events through the ABI host.

Both adapters offer the same two steps: :meth:`instantiate` a loaded module, then
:meth:`call` the handler on an event. The engine is imported only when it is used, so a
wasmtime function never loads wasmer and the other way round.
"""

from __future__ import annotations

import os

from asml_runtime.errors import LoadError

TYPE_CHECKING = False  # typing itself is not imported at cold start
if TYPE_CHECKING:
    from typing import Protocol

    from asml_runtime.abi import Host
    from asml_runtime.artifact import ArtifactRecord

    class Instance(Protocol):
        def call(self, event: bytes, timeout: float | None) -> int:
            """Write the event into guest memory and run the handler; return its result."""
            ...

    class LoadedModule(Protocol):
        def instantiate(self) -> Instance: ...


HOST_ARCHITECTURE = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def host_architecture() -> str:
    # os.uname, not platform.machine: importing platform costs ~3 ms of every cold start.
    machine = os.uname().machine
    return HOST_ARCHITECTURE.get(machine.lower(), machine)


def load(
    record: ArtifactRecord, data: bytes, host: Host, *, memory_limit: int | None = None
) -> LoadedModule:
    if record.engine.package == "wasmtime":
        from asml_runtime.engines.wasmtime_engine import WasmtimeModule

        return WasmtimeModule(record, data, host, memory_limit)
    if record.engine.package == "wasmer":
        from asml_runtime.engines.wasmer_engine import WasmerModule

        return WasmerModule(record, data, host)
    raise LoadError(f"{record.function}: unknown engine package {record.engine.package!r}")
