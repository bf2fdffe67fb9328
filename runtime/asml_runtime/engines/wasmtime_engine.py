"""wasmtime: guest memory capped per store, events interrupted at their deadline (epochs)."""

from __future__ import annotations

import threading

import wasmtime

from asml_runtime import abi
from asml_runtime.abi import Host
from asml_runtime.artifact import ArtifactRecord
from asml_runtime.errors import GuestTimeout, GuestTrap, LoadError
from asml_runtime.wasmtime_config import make_config

TYPE_CHECKING = False  # typing itself is not imported at cold start
if TYPE_CHECKING:
    from typing import Any

_I32 = wasmtime.ValType.i32()
_I64 = wasmtime.ValType.i64()
# An epoch deadline no watchdog will reach: for calls without a time limit.
_NEVER = 1 << 62


class _Watchdog:
    """One thread per engine that bumps the epoch when the running event's deadline passes.

    Arming it is a lock and a notify, far cheaper than a timer thread per event.
    """

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._engine = engine
        self._deadline: float | None = None
        self._generation = 0
        self._condition = threading.Condition()
        threading.Thread(target=self._run, name="asml-watchdog", daemon=True).start()

    def arm(self, seconds: float) -> None:
        import time

        with self._condition:
            self._deadline = time.monotonic() + seconds
            self._generation += 1
            self._condition.notify()

    def disarm(self) -> None:
        with self._condition:
            self._deadline = None
            self._generation += 1

    def _run(self) -> None:
        import time

        with self._condition:
            while True:
                if self._deadline is None:
                    self._condition.wait()
                    continue
                generation, remaining = self._generation, self._deadline - time.monotonic()
                if remaining > 0:
                    self._condition.wait(remaining)
                    continue
                if generation == self._generation:
                    self._engine.increment_epoch()
                    self._deadline = None


class _Memory:
    """The GuestMemory of the current instance."""

    def __init__(self) -> None:
        self.store: wasmtime.Store | None = None
        self.memory: wasmtime.Memory | None = None

    def size(self) -> int:
        assert self.memory is not None and self.store is not None
        return int(self.memory.data_len(self.store))

    def read(self, pointer: int, length: int) -> bytes:
        assert self.memory is not None and self.store is not None
        return bytes(self.memory.read(self.store, pointer, pointer + length))

    def write(self, pointer: int, data: bytes) -> None:
        assert self.memory is not None and self.store is not None
        self.memory.write(self.store, data, pointer)


class WasmtimeModule:
    def __init__(
        self, record: ArtifactRecord, data: bytes, host: Host, memory_limit: int | None
    ) -> None:
        from asml_runtime.engines import host_architecture

        if record.target.architecture != host_architecture():
            # Never build an Engine for a foreign target: the PyPI wheel aborts the process.
            raise LoadError(
                f"{record.function}: built for {record.target.architecture}, this host is"
                f" {host_architecture()}"
            )
        self.record = record
        self.engine = wasmtime.Engine(make_config(record.engine.config))
        try:
            if record.precompiled:
                self.module = wasmtime.Module.deserialize(self.engine, data)
            else:
                self.module = wasmtime.Module(self.engine, data)
        except wasmtime.WasmtimeError as error:
            raise LoadError(
                f"{record.function}: wasmtime cannot load the module: {error}"
            ) from None
        self.memory_limit = memory_limit
        self.memory = _Memory()
        self.wasi = any(m == "wasi_snapshot_preview1" for m, _ in record.imports)
        self.linker = wasmtime.Linker(self.engine)
        self.linker.allow_shadowing = True
        if self.wasi:
            self.linker.define_wasi()
        self._define_host(host)
        self.watchdog = _Watchdog(self.engine)

    def _define_host(self, host: Host) -> None:
        memory = self.memory

        def define(name: str, params: list[wasmtime.ValType], results: list[Any], fn: Any) -> None:
            self.linker.define_func(abi.MODULE, name, wasmtime.FuncType(params, results), fn)

        define("success", [_I32, _I32], [], lambda p, n: host.success(memory, p, n))
        define("failure", [_I32, _I32], [], lambda p, n: host.failure(memory, p, n))
        define("log", [_I32, _I32, _I32], [], lambda lv, p, n: host.log(memory, lv, p, n))
        define("clock_ms", [], [_I64], host.clock_ms)
        define(
            "iomod_invoke",
            [_I32] * 4,
            [_I32],
            lambda c, cn, d, dn: host.iomod_invoke(memory, c, cn, d, dn),
        )
        define("iomod_poll", [_I32], [_I32], host.iomod_poll)
        define("iomod_wait", [_I32, _I32], [_I32], host.iomod_wait)
        define("iomod_result_len", [_I32], [_I32], host.iomod_result_len)
        define("iomod_read", [_I32, _I32], [_I32], lambda i, p: host.iomod_read(memory, i, p))

    def instantiate(self) -> WasmtimeInstance:
        store = wasmtime.Store(self.engine)
        if self.memory_limit is not None:
            store.set_limits(memory_size=self.memory_limit)
        if self.wasi:
            config = wasmtime.WasiConfig()
            config.inherit_stdout()
            config.inherit_stderr()
            store.set_wasi(config)
        store.set_epoch_deadline(1)
        self.memory.store = store
        try:
            instance = self.linker.instantiate(store, self.module)
        except wasmtime.WasmtimeError as error:
            raise GuestTrap(f"instantiating the module failed: {error}") from None
        return WasmtimeInstance(self, store, instance)


class WasmtimeInstance:
    def __init__(self, module: WasmtimeModule, store: wasmtime.Store, instance: Any) -> None:
        self.module = module
        self.store = store
        exports = instance.exports(store)
        memory = exports.get("memory")
        if not isinstance(memory, wasmtime.Memory):
            raise GuestTrap("the module does not export its memory")
        self.memory = memory
        self.handler = exports.get(module.record.handler)
        self.alloc = exports.get(abi.ALLOC_EXPORT)
        if self.handler is None or self.alloc is None:
            missing = module.record.handler if self.handler is None else abi.ALLOC_EXPORT
            raise GuestTrap(f"the module does not export `{missing}`; see docs/abi.md")
        self.buffer = 0
        self.capacity = 0
        initialize = exports.get(abi.INITIALIZE_EXPORT)
        if initialize is not None:
            self._run(lambda: initialize(store), None)

    def _bind(self) -> None:
        self.module.memory.store = self.store
        self.module.memory.memory = self.memory

    def _run(self, action: Any, timeout: float | None) -> Any:
        self._bind()
        if timeout is None:
            self.store.set_epoch_deadline(_NEVER)
        else:
            self.store.set_epoch_deadline(1)
            self.module.watchdog.arm(timeout)
        try:
            return action()
        except wasmtime.Trap as trap:
            if trap.trap_code == wasmtime.TrapCode.INTERRUPT:
                raise GuestTimeout(f"the guest ran past its deadline ({timeout:.3f} s)") from None
            raise GuestTrap(_trap_message(trap), _backtrace(trap)) from None
        except wasmtime.WasmtimeError as error:
            raise GuestTrap(str(error).strip()) from None
        finally:
            if timeout is not None:
                self.module.watchdog.disarm()

    def call(self, event: bytes, timeout: float | None) -> int:
        def run() -> int:
            if len(event) > self.capacity:
                self.buffer = self.alloc(self.store, max(len(event), 1))
                if self.buffer == 0:
                    raise GuestTrap(f"asml_alloc could not allocate {len(event)} bytes")
                self.capacity = len(event)
            abi.check_range(self.module.memory, "asml_alloc result", self.buffer, len(event))
            self.memory.write(self.store, event, self.buffer)
            return int(self.handler(self.store, self.buffer, len(event)))

        return int(self._run(run, timeout))


def _trap_message(trap: wasmtime.Trap) -> str:
    lines = [line.strip() for line in str(trap).splitlines() if line.strip()]
    reason = next((line for line in reversed(lines) if line.startswith("wasm trap:")), lines[-1])
    return f"the guest trapped: {reason.removeprefix('wasm trap: ')}"


def _backtrace(trap: wasmtime.Trap) -> str:
    frames = trap.frames or []
    return "\n".join(
        f"  {index}: {frame.func_name or f'<function {frame.func_index}>'}"
        f" (module offset {frame.module_offset:#x})"
        for index, frame in enumerate(frames)
    )
