"""wasmer, headless: precompiled artifacts run without any compiler loaded.

wasmer holds the GIL while guest code runs and cannot interrupt it, and it has no memory
limit, so this adapter relies on Lambda's own timeout and memory size for those.
"""

from __future__ import annotations

import wasmer

from asml_runtime import abi
from asml_runtime.abi import Host
from asml_runtime.artifact import ArtifactRecord
from asml_runtime.errors import GuestTrap, LoadError

TYPE_CHECKING = False  # typing itself is not imported at cold start
if TYPE_CHECKING:
    from typing import Any

_I32 = wasmer.Type.I32
_I64 = wasmer.Type.I64

_JIT_COMPILERS = {
    "wasmer-cranelift": "wasmer_compiler_cranelift",
    "wasmer-singlepass": "wasmer_compiler_singlepass",
}


class _Memory:
    def __init__(self) -> None:
        self.memory: Any = None

    def view(self) -> memoryview:
        # Re-taken on every access: growing the memory replaces its buffer.
        return memoryview(self.memory.buffer)

    def size(self) -> int:
        return int(self.memory.data_size)

    def read(self, pointer: int, length: int) -> bytes:
        return bytes(self.view()[pointer : pointer + length])

    def write(self, pointer: int, data: bytes) -> None:
        self.view()[pointer : pointer + len(data)] = data


class WasmerModule:
    def __init__(self, record: ArtifactRecord, data: bytes, host: Host) -> None:
        self.record = record
        try:
            if record.precompiled:
                self.store = wasmer.Store(wasmer.engine.Universal())
                self.module = wasmer.Module.deserialize(self.store, data)
            else:
                self.store = wasmer.Store(wasmer.engine.Universal(_jit(record)))
                self.module = wasmer.Module(self.store, data)
        except (RuntimeError, ValueError) as error:
            raise LoadError(f"{record.function}: wasmer cannot load the module: {error}") from None
        self.memory = _Memory()
        self.host = host
        self.wasi = any(m == "wasi_snapshot_preview1" for m, _ in record.imports)

    def _imports(self) -> Any:
        if self.wasi:
            environment = wasmer.wasi.StateBuilder(self.record.function).finalize()
            version = wasmer.wasi.get_version(self.module, strict=False)
            imports = environment.generate_import_object(self.store, version)
        else:
            imports = wasmer.ImportObject()
        host, memory, store = self.host, self.memory, self.store

        def function(fn: Any, params: list[Any], results: list[Any]) -> Any:
            return wasmer.Function(store, fn, wasmer.FunctionType(params, results))

        imports.register(
            abi.MODULE,
            {
                "success": function(lambda p, n: host.success(memory, p, n), [_I32, _I32], []),
                "failure": function(lambda p, n: host.failure(memory, p, n), [_I32, _I32], []),
                "log": function(
                    lambda lv, p, n: host.log(memory, lv, p, n), [_I32, _I32, _I32], []
                ),
                "clock_ms": function(host.clock_ms, [], [_I64]),
                "iomod_invoke": function(
                    lambda c, cn, d, dn: host.iomod_invoke(memory, c, cn, d, dn), [_I32] * 4, [_I32]
                ),
                "iomod_poll": function(host.iomod_poll, [_I32], [_I32]),
                "iomod_wait": function(host.iomod_wait, [_I32, _I32], [_I32]),
                "iomod_result_len": function(host.iomod_result_len, [_I32], [_I32]),
                "iomod_read": function(
                    lambda i, p: host.iomod_read(memory, i, p), [_I32, _I32], [_I32]
                ),
            },
        )
        return imports

    def instantiate(self) -> WasmerInstance:
        try:
            instance = wasmer.Instance(self.module, self._imports())
        except RuntimeError as error:
            raise GuestTrap(f"instantiating the module failed: {error}") from None
        return WasmerInstance(self, instance)


class WasmerInstance:
    def __init__(self, module: WasmerModule, instance: Any) -> None:
        self.module = module
        exports = instance.exports
        names = {name for name, _ in exports}
        for required in ("memory", module.record.handler, abi.ALLOC_EXPORT):
            if required not in names:
                raise GuestTrap(f"the module does not export `{required}`; see docs/abi.md")
        self.memory = exports.memory
        self.handler = getattr(exports, module.record.handler)
        self.alloc = getattr(exports, abi.ALLOC_EXPORT)
        self.buffer = 0
        self.capacity = 0
        if abi.INITIALIZE_EXPORT in names:
            self._run(getattr(exports, abi.INITIALIZE_EXPORT))

    def _run(self, action: Any, *args: int) -> Any:
        self.module.memory.memory = self.memory
        try:
            return action(*args)
        except RuntimeError as error:
            message, _, backtrace = str(error).partition("\n")
            message = message.removeprefix("RuntimeError: ")
            raise GuestTrap(f"the guest trapped: {message}", backtrace) from None

    def call(self, event: bytes, timeout: float | None) -> int:
        if len(event) > self.capacity:
            self.buffer = int(self._run(self.alloc, max(len(event), 1)))
            if self.buffer == 0:
                raise GuestTrap(f"asml_alloc could not allocate {len(event)} bytes")
            self.capacity = len(event)
        self.module.memory.memory = self.memory
        abi.check_range(self.module.memory, "asml_alloc result", self.buffer, len(event))
        self.module.memory.write(self.buffer, event)
        return int(self._run(self.handler, self.buffer, len(event)))


def _jit(record: ArtifactRecord) -> Any:
    import importlib

    module = _JIT_COMPILERS.get(record.engine.name)
    if module is None:
        raise LoadError(
            f"{record.function}: {record.engine.name} compiles only at build time; rebuild"
            " with `precompile = true`"
        )
    try:
        return importlib.import_module(module).Compiler
    except ImportError:
        raise LoadError(
            f"{record.function}: `precompile = false` needs {module} in the runtime layer"
        ) from None
