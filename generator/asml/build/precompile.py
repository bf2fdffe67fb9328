"""Compile a guest to native code with its engine. Runs in a worker process.

A worker keeps LLVM's memory and any compiler crash out of the asml process, and lets
independent functions compile in parallel (wasmer holds the GIL while it compiles).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CompileJob:
    wasm: str
    out: str
    engine: str
    triple: str
    wasmer_features: tuple[str, ...]
    wasmtime_settings: dict[str, Any]


def compile_module(job: CompileJob) -> int:
    """Write the native artifact to ``job.out``; returns its size."""
    wasm = Path(job.wasm).read_bytes()
    data = _wasmtime(wasm, job) if job.engine == "wasmtime" else _wasmer(wasm, job)
    Path(job.out).write_bytes(data)
    return len(data)


def _wasmtime(wasm: bytes, job: CompileJob) -> bytes:
    import wasmtime

    from asml_runtime.wasmtime_config import make_config

    engine = wasmtime.Engine(make_config(job.wasmtime_settings))
    return bytes(wasmtime.Module(engine, wasm).serialize())


def _wasmer(wasm: bytes, job: CompileJob) -> bytes:
    from wasmer import Module, Store, engine, target

    module = {
        "wasmer-llvm": "wasmer_compiler_llvm",
        "wasmer-cranelift": "wasmer_compiler_cranelift",
        "wasmer-singlepass": "wasmer_compiler_singlepass",
    }[job.engine]
    compiler: Any = importlib.import_module(module).Compiler
    features = target.CpuFeatures()
    for feature in job.wasmer_features:
        features.add(feature)
    machine = target.Target(target.Triple(job.triple), features)
    store = Store(engine.Universal(compiler, machine))
    return bytes(Module(store, wasm).serialize())
