"""Golden projects for the HCL tests, and stand-ins for what ``asml package`` produces.

Rendering HCL needs only each zip's path and SHA-256, so the golden tests give every
function and layer a small zip of its own instead of building: their output then changes
only when the HCL does, not whenever the runtime or an engine changes. The end-to-end
``asml cast`` tests build for real.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from asml.build.pipeline import BUILD_DIR, CACHE_DIR
from asml.iomods.service import lay_out
from asml.iomods.service import resolve as resolve_iomods
from asml.manifest import Project, load_project
from asml.package.iomod_layer import IomodLayerSpec
from asml.package.lambda_platform import runtime_for
from asml.package.project import PACKAGE_DIR, Packaged, PackagedFunction, interpreter_layer_name
from asml.package.runtime_layer import LayerSpec
from asml.package.zips import ZipResult, write_zip
from tests.terraform import Terraform, make_terraform

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "project").is_dir())
ENGINE_VERSIONS = {"wasmer": "1.1.0", "wasmtime": "0.0.0-golden"}


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    return make_terraform(tmp_path_factory.mktemp("terraform"))


def materialize(case: str, destination: Path) -> Project:
    """Copy a golden project and give each function a placeholder source, as checks need."""
    root = destination / case
    shutil.copytree(GOLDEN / case / "project", root)
    for manifest in sorted((root / "services").glob("*/service.toml")):
        text = manifest.read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("[functions.") and line.endswith("]"):
                name = line[len("[functions.") : -1]
                source = manifest.parent / name
                source.mkdir(exist_ok=True)
                (source / "placeholder").write_text("never built in these tests\n")
        if 'source = "jit.wat"' in text:
            (manifest.parent / "jit.wat").write_text("(module)\n")
    return load_project(root)


def _zip(path: Path) -> ZipResult:
    content = path.with_suffix(".txt")
    content.parent.mkdir(parents=True, exist_ok=True)
    content.write_text(f"stands in for {'/'.join(path.parts[-3:])}\n")
    return write_zip(path, {"stand-in.txt": content})


def stand_in_packaged(project: Project) -> tuple[Packaged, Path]:
    """What ``asml package`` would report, with a one-file zip in place of each real one."""
    package_root = project.root / PACKAGE_DIR
    functions = []
    for service in project.services:
        if any(f.iomods for f in service.manifest.functions.values()):
            sources = resolve_iomods(project, service, project.root / CACHE_DIR)
            lay_out(project.root / BUILD_DIR / service.name, sources)
        for name, function in sorted(service.manifest.functions.items()):
            engine = project.engine_of(function)
            package = "wasmer" if engine.startswith("wasmer") else "wasmtime"
            runtime = runtime_for(package, project.wasmer_runtime_of(function))
            architecture = project.architecture_of(function)
            layer = LayerSpec(package, ENGINE_VERSIONS[package], architecture, runtime)
            iomod_layer = (
                IomodLayerSpec(project.name, service.name, layer.runtime, layer.architecture)
                if function.iomods
                else None
            )
            zipped = _zip(package_root / "functions" / service.name / f"{name}.zip")
            functions.append(PackagedFunction(f"{service.name}.{name}", zipped, layer, iomod_layer))
    layers = {
        spec: _zip(package_root / "layers" / f"{spec.name}.zip")
        for spec in sorted({f.layer for f in functions}, key=lambda s: s.name)
    }
    interpreter_layers = {
        arch: _zip(package_root / "layers" / f"{interpreter_layer_name(arch)}.zip")
        for arch in sorted({f.layer.architecture for f in functions if f.needs_interpreter})
    }
    iomod_specs = {f.iomod_layer for f in functions if f.iomod_layer is not None}
    iomod_layers = {
        spec: _zip(package_root / "layers" / f"{spec.name}.zip")
        for spec in sorted(iomod_specs, key=lambda s: s.name)
    }
    return Packaged(tuple(functions), layers, iomod_layers, interpreter_layers), package_root
