"""Package a built project: one zip per function and the runtime layers they use.

Output, below the chosen directory (``.asml/package`` by default)::

    functions/<service>/<function>.zip     module.bin (or module.wasm) + module.json
    layers/asml-runtime-<engine>-<version>-<lambda runtime>-<arch>.zip
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asml.build.pipeline import FunctionResult
from asml.package.function_zip import function_zip
from asml.package.runtime_layer import LayerSpec, build_runtime_layer
from asml.package.zips import ZipResult
from asml_runtime.artifact import read_record


@dataclass(frozen=True)
class PackagedFunction:
    function: str
    zip: ZipResult
    layer: LayerSpec


@dataclass(frozen=True)
class Packaged:
    functions: tuple[PackagedFunction, ...]
    layers: dict[LayerSpec, ZipResult]


def layer_of(build_dir: Path) -> LayerSpec:
    record = read_record(build_dir)
    return LayerSpec(record.engine.package, record.engine.version, record.target.architecture)


def package(results: Sequence[FunctionResult], out: Path, cache_dir: Path) -> Packaged:
    functions = []
    for result in results:
        service, name = result.function.split(".", 1)
        zipped = function_zip(result.directory, out / "functions" / service / f"{name}.zip")
        functions.append(PackagedFunction(result.function, zipped, layer_of(result.directory)))
    layers = {
        spec: build_runtime_layer(spec, out / "layers" / f"{spec.name}.zip", cache_dir)
        for spec in sorted({f.layer for f in functions}, key=lambda s: s.name)
    }
    return Packaged(tuple(functions), layers)
