"""Package a built project: one zip per function and the runtime layers they use.

Output, below the chosen directory (``.asml/package`` by default)::

    functions/<service>/<function>.zip     module.bin (or module.wasm) + module.json
                                           (+ iomods.json when it calls IOmods)
    layers/asml-runtime-<engine>-<version>-<lambda runtime>-<arch>.zip
    layers/asml-iomods-<project>-<service>-<lambda runtime>-<arch>.zip
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asml.build.pipeline import FunctionResult
from asml.iomods.service import IOMODS_DIR
from asml.package.function_zip import function_zip
from asml.package.iomod_layer import IomodLayerSpec, build_iomod_layer
from asml.package.runtime_layer import LayerSpec, build_runtime_layer
from asml.package.zips import ZipResult
from asml_runtime.artifact import read_record
from asml_runtime.iomods import IOMODS_FILE

PACKAGE_DIR = Path(".asml") / "package"  # in the project: where `asml package` writes


@dataclass(frozen=True)
class PackagedFunction:
    function: str
    zip: ZipResult
    layer: LayerSpec
    iomod_layer: IomodLayerSpec | None  # when it calls IOmods


@dataclass(frozen=True)
class Packaged:
    functions: tuple[PackagedFunction, ...]
    layers: dict[LayerSpec, ZipResult]
    iomod_layers: dict[IomodLayerSpec, ZipResult]


def layer_of(build_dir: Path) -> LayerSpec:
    record = read_record(build_dir)
    return LayerSpec(record.engine.package, record.engine.version, record.target.architecture)


def iomod_layer_of(project: str, build_dir: Path) -> IomodLayerSpec | None:
    if not (build_dir / IOMODS_FILE).is_file():
        return None
    layer = layer_of(build_dir)
    service = build_dir.parent.name
    return IomodLayerSpec(project, service, layer.runtime, layer.architecture)


def package(
    project: str, results: Sequence[FunctionResult], out: Path, cache_dir: Path
) -> Packaged:
    functions = []
    for result in results:
        service, name = result.function.split(".", 1)
        zipped = function_zip(result.directory, out / "functions" / service / f"{name}.zip")
        functions.append(
            PackagedFunction(
                result.function,
                zipped,
                layer_of(result.directory),
                iomod_layer_of(project, result.directory),
            )
        )
    layers = {
        spec: build_runtime_layer(spec, out / "layers" / f"{spec.name}.zip", cache_dir)
        for spec in sorted({f.layer for f in functions}, key=lambda s: s.name)
    }
    iomod_layers = {}
    for result, function in zip(results, functions, strict=True):
        spec = function.iomod_layer
        if spec is not None and spec not in iomod_layers:
            iomods = result.directory.parent / IOMODS_DIR
            destination = out / "layers" / f"{spec.name}.zip"
            iomod_layers[spec] = build_iomod_layer(spec, iomods, destination, cache_dir)
    return Packaged(
        tuple(functions), layers, dict(sorted(iomod_layers.items(), key=lambda i: i[0].name))
    )
