"""The engines that precompile guests: what each needs, and which versions are installed.

Nothing here imports an engine: versions come from package metadata, so a warm build that
compiles nothing never pays for loading LLVM.
"""

from __future__ import annotations

import importlib.util
import platform
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from asml.build.targets import Target
from asml.errors import ToolchainError
from asml_runtime.artifact import EngineInfo
from asml_runtime.wasmtime_config import compile_settings


@dataclass(frozen=True)
class EngineSpec:
    name: str
    package: str  # loads artifacts at run time
    compiler_package: str  # compiles at build time
    compiler_module: str


ENGINES = {
    "wasmer-llvm": EngineSpec(
        "wasmer-llvm", "wasmer", "wasmer-compiler-llvm", "wasmer_compiler_llvm"
    ),
    "wasmer-cranelift": EngineSpec(
        "wasmer-cranelift", "wasmer", "wasmer-compiler-cranelift", "wasmer_compiler_cranelift"
    ),
    "wasmer-singlepass": EngineSpec(
        "wasmer-singlepass", "wasmer", "wasmer-compiler-singlepass", "wasmer_compiler_singlepass"
    ),
    "wasmtime": EngineSpec("wasmtime", "wasmtime", "wasmtime", "wasmtime"),
}


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def require(engine: str) -> EngineSpec:
    """The engine's spec, or a ToolchainError saying how to make it available."""
    spec = ENGINES[engine]
    if spec.package == "wasmer" and (
        sys.version_info[:2] != (3, 10) or platform.machine() != "x86_64"
    ):
        raise ToolchainError(
            f'engine "{engine}" compiles only under CPython 3.10 on x86_64 (wasmer\'s wheels stop'
            f" there), and this is CPython {platform.python_version()} on {platform.machine()};"
            ' run asml with python3.10, or use `engine = "wasmtime"`'
        )
    if importlib.util.find_spec(spec.compiler_module) is None or not _version(spec.package):
        raise ToolchainError(
            f'engine "{engine}" is not installed; `pip install "asml[engines]"`'
            f" (needs {spec.compiler_package})"
        )
    return spec


def engine_info(engine: str, target: Target, *, precompiled: bool = True) -> EngineInfo:
    spec = ENGINES[engine]
    config: dict[str, object] = {}
    if engine == "wasmtime":
        triple = target.triple if precompiled else None
        config = compile_settings(triple, target.cranelift_flags)
    return EngineInfo(
        name=engine,
        package=spec.package,
        version=_version(spec.package),
        compiler_version=_version(spec.compiler_package),
        config=config,
    )
