"""Run a built function's artifact with its engine's own API, after verifying its record.

This is the minimum the runtime does (the real runtime comes with the guest ABI): check the
record, deserialize without a compiler, provide `asml.success`, call the handler.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asml_runtime.artifact import verify
from asml_runtime.wasmtime_config import make_config


GUEST_WAT = """(module
  (import "asml" "success" (func $success (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "{body}")
  (func (export "handler") (result i32)
    (call $success (i32.const 16) (i32.const 4)) (i32.const 0)))
"""


def wat_guest(body: str) -> str:
    """A WAT guest that answers with ``body`` (four ASCII characters)."""
    assert len(body) == 4 and body.isascii()
    return GUEST_WAT.replace("{body}", body)


def run_artifact(directory: Path) -> bytes:
    record, data = verify(directory)
    responses: list[bytes] = []
    if record.engine.package == "wasmtime":
        import wasmtime

        engine = wasmtime.Engine(make_config(record.engine.config))
        module = (
            wasmtime.Module.deserialize(engine, data)
            if record.precompiled
            else wasmtime.Module(engine, data)
        )
        store = wasmtime.Store(engine)
        store.set_epoch_deadline(1)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        store.set_wasi(wasmtime.WasiConfig())

        def success(caller: Any, pointer: int, length: int) -> None:
            memory = caller["memory"]
            responses.append(bytes(memory.read(caller, pointer, pointer + length)))

        success_type = wasmtime.FuncType([wasmtime.ValType.i32(), wasmtime.ValType.i32()], [])
        linker.define_func("asml", "success", success_type, success, access_caller=True)
        instance = linker.instantiate(store, module)
        assert instance.exports(store)[record.handler](store) == 0
    else:
        import wasmer

        store = wasmer.Store(wasmer.engine.Universal())  # headless: no compiler
        module = wasmer.Module.deserialize(store, data)
        holder: dict[str, Any] = {}

        def success_wasmer(pointer: int, length: int) -> None:
            view = holder["instance"].exports.memory.uint8_view(pointer)
            responses.append(bytes(view[0:length]))

        if any(m == "wasi_snapshot_preview1" for m, _ in record.imports):
            environment = wasmer.wasi.StateBuilder("guest").finalize()
            version = wasmer.wasi.get_version(module, strict=False)
            imports = environment.generate_import_object(store, version)
        else:
            imports = wasmer.ImportObject()
        signature = wasmer.FunctionType([wasmer.Type.I32, wasmer.Type.I32], [])
        imports.register("asml", {"success": wasmer.Function(store, success_wasmer, signature)})
        holder["instance"] = wasmer.Instance(module, imports)
        assert getattr(holder["instance"].exports, record.handler)() == 0
    (response,) = responses
    return response
