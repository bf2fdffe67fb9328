"""Package a built project: one zip per function and the layers they use.

Output, below the chosen directory (``.asml/package`` by default)::

    functions/<service>/<function>.zip     module.bin (or module.wasm) + module.json
                                           (+ iomods.json when it calls IOmods)
    layers/asml-python3.10-<arch>.zip      CPython 3.10, for the custom runtime
    layers/asml-runtime-<engine>-<version>-<lambda runtime>-<arch>.zip
    layers/asml-iomods-<project>-<service>-<lambda runtime>-<arch>.zip
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asml.build.pipeline import FunctionResult
from asml.iomods.service import IOMODS_DIR
from asml.manifest import Project
from asml.package.function_zip import function_zip
from asml.package.interpreter import build_interpreter_layer, cache_home
from asml.package.iomod_layer import IomodLayerSpec, build_iomod_layer
from asml.package.lambda_platform import PROVIDED_AL2023, LambdaRuntime, runtime_for
from asml.package.layer_check import record_layers
from asml.package.progress import LayerProgress
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

    @property
    def needs_interpreter(self) -> bool:
        """On a custom runtime the function also takes the interpreter layer."""
        return self.layer.runtime.custom


@dataclass(frozen=True)
class Packaged:
    functions: tuple[PackagedFunction, ...]
    layers: dict[LayerSpec, ZipResult]
    iomod_layers: dict[IomodLayerSpec, ZipResult]
    interpreter_layers: dict[str, ZipResult] = field(default_factory=dict)  # by architecture


def interpreter_layer_name(architecture: str) -> str:
    return f"asml-python3.10-{architecture}"


def lambda_runtime_of(project: Project, function: str, engine_package: str) -> LambdaRuntime:
    service, name = function.split(".", 1)
    manifest = project.service(service).manifest.functions[name]
    return runtime_for(engine_package, project.wasmer_runtime_of(manifest))


def layer_of(build_dir: Path, runtime: LambdaRuntime | None = None) -> LayerSpec:
    """The runtime layer a built function needs (on its engine's default Lambda runtime
    unless ``runtime`` is given)."""
    record = read_record(build_dir)
    return LayerSpec(
        record.engine.package,
        record.engine.version,
        record.target.architecture,
        runtime or runtime_for(record.engine.package),
    )


def iomod_layer_of(project: str, build_dir: Path, layer: LayerSpec) -> IomodLayerSpec | None:
    if not (build_dir / IOMODS_FILE).is_file():
        return None
    service = build_dir.parent.name
    return IomodLayerSpec(project, service, layer.runtime, layer.architecture)


def package(
    project: Project,
    results: Sequence[FunctionResult],
    out: Path,
    cache_dir: Path,
    progress: LayerProgress | None = None,
) -> Packaged:
    """Zip every function and the layers they use; ``progress`` hears of each layer that is
    made rather than taken from the cache."""
    functions = []
    for result in results:
        service, name = result.function.split(".", 1)
        zipped = function_zip(result.directory, out / "functions" / service / f"{name}.zip")
        record = read_record(result.directory)
        runtime = lambda_runtime_of(project, result.function, record.engine.package)
        layer = layer_of(result.directory, runtime)
        functions.append(
            PackagedFunction(
                result.function,
                zipped,
                layer,
                iomod_layer_of(project.name, result.directory, layer),
            )
        )
    interpreters = sorted({f.layer.architecture for f in functions if f.needs_interpreter})
    interpreter_layers = {
        arch: build_interpreter_layer(
            arch,
            out / "layers" / f"{interpreter_layer_name(arch)}.zip",
            cache_home(),
            progress=progress,
        )
        for arch in interpreters
    }
    layers = {
        spec: build_runtime_layer(spec, out / "layers" / f"{spec.name}.zip", cache_dir, progress)
        for spec in sorted({f.layer for f in functions}, key=lambda s: s.name)
    }
    iomod_layers = {}
    for result, function in zip(results, functions, strict=True):
        spec = function.iomod_layer
        if spec is not None and spec not in iomod_layers:
            iomods = result.directory.parent / IOMODS_DIR
            destination = out / "layers" / f"{spec.name}.zip"
            iomod_layers[spec] = build_iomod_layer(spec, iomods, destination, cache_dir, progress)
    record_layers(
        out,
        [
            *((result, PROVIDED_AL2023, True) for result in interpreter_layers.values()),
            *((result, spec.runtime, False) for spec, result in layers.items()),
            *((result, spec.runtime, False) for spec, result in iomod_layers.items()),
        ],
    )
    return Packaged(
        tuple(functions),
        layers,
        dict(sorted(iomod_layers.items(), key=lambda i: i[0].name)),
        interpreter_layers,
    )
