"""The runtime layer: ``asml_runtime`` and one engine, for one Lambda runtime and architecture.

The engine is installed by pip from wheels for the *Lambda* platform (its CPython and glibc),
never from the build machine's own site-packages, and for wasmer without any compiler: the
artifacts are precompiled, so the layer needs only the loader (headless). Layers are cached
by everything that decides their bytes; a second build with nothing changed is a file copy.

For the custom runtime (``provided.al2023``) the layer also holds what Lambda's managed
runtimes would have given: ``awslambdaric`` (the Runtime API client) and the executable
``bootstrap`` that starts the interpreter layer's CPython on it.

No ``.pyc`` files go in: their bytes vary with the interpreter that wrote them, and the layer
must be byte-identical on any machine. Lambda compiles the few modules the runtime imports
at cold start.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asml.errors import ToolchainError
from asml.package.lambda_pip import copy_package, install, package_sources, tree_digest
from asml.package.lambda_platform import LambdaRuntime
from asml.package.progress import LayerProgress, packaging
from asml.package.zips import ZipResult, copy_into_place, tree_entries, write_zip

# Bump when what goes into a layer changes in a way the inputs below do not show.
LAYER_RECIPE = "runtime-layer-3"
RUNTIME_PACKAGE = "asml_runtime"
BOOTSTRAP = Path(__file__).parent / "custom_runtime" / "bootstrap"
# The Runtime API client of a custom runtime, pinned with its dependencies so the layer's
# bytes never drift; 4.2.2 has a cp310 manylinux2014 wheel.
RUNTIME_CLIENT = ("awslambdaric==4.2.2", "simplejson==4.3.0", "snapshot-restore-py==1.0.0")


@dataclass(frozen=True)
class LayerSpec:
    engine_package: str  # wasmer | wasmtime
    engine_version: str
    architecture: str  # x86_64 | arm64
    runtime: LambdaRuntime

    @property
    def name(self) -> str:
        """A file and layer name: ``asml-runtime-wasmer-1.1.0-provided_al2023-x86_64``."""
        return (
            f"asml-runtime-{self.engine_package}-{self.engine_version}-{self.runtime.label}"
            f"-{self.architecture}"
        )

    @property
    def title(self) -> str:
        """For progress: ``runtime layer python3.12 (wasmtime 25.0.0, x86_64)``."""
        return (
            f"runtime layer {self.runtime.name} ({self.engine_package} {self.engine_version},"
            f" {self.architecture})"
        )

    @property
    def requirements(self) -> tuple[str, ...]:
        engine = f"{self.engine_package}=={self.engine_version}"
        return (engine, *RUNTIME_CLIENT) if self.runtime.custom else (engine,)


def layer_key(spec: LayerSpec, sources: Path) -> str:
    parts = [LAYER_RECIPE, spec.name, *spec.requirements,
             *spec.runtime.platform_tags(spec.architecture), tree_digest(sources)]  # fmt: skip
    if spec.runtime.custom:
        parts.append(hashlib.sha256(BOOTSTRAP.read_bytes()).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_runtime_layer(
    spec: LayerSpec, destination: Path, cache_dir: Path, progress: LayerProgress | None = None
) -> ZipResult:
    """Write the layer zip to ``destination``, from the cache when it holds one."""
    sources = package_sources(RUNTIME_PACKAGE)
    cached = cache_dir / "layers" / f"{layer_key(spec, sources)}.zip"
    if not cached.is_file():
        with (
            packaging(progress, spec.title),
            tempfile.TemporaryDirectory(prefix="asml-layer-") as scratch,
        ):
            tree = Path(scratch) / "python"
            install(
                list(spec.requirements), spec.runtime, spec.architecture, tree, "the runtime layer"
            )
            _check_native(spec, tree)
            copy_package(RUNTIME_PACKAGE, tree)
            entries = tree_entries(tree, prefix="python/")
            if spec.runtime.custom:
                bootstrap = Path(scratch) / "bootstrap"
                shutil.copyfile(BOOTSTRAP, bootstrap)
                bootstrap.chmod(0o755)  # whatever mode the installed copy lost
                entries["bootstrap"] = bootstrap
            write_zip(cached, entries)
    return copy_into_place(cached, destination)


def _check_native(spec: LayerSpec, tree: Path) -> None:
    """Refuse a ``none-any`` engine wheel: wasmer's is a stub, wasmtime's holds a Windows DLL."""
    wheels = list(tree.glob(f"{spec.engine_package}-{spec.engine_version}.dist-info/WHEEL"))
    tags = [
        line.split(":", 1)[1].strip()
        for wheel in wheels
        for line in wheel.read_text(encoding="utf-8").splitlines()
        if line.startswith("Tag:")
    ]
    if not tags or all(tag.endswith("-any") for tag in tags):
        raise ToolchainError(
            f"PyPI has no Linux {spec.architecture} wheel of {spec.engine_package}"
            f" {spec.engine_version} for CPython {spec.runtime.python_version}; the runtime layer"
            f" for {spec.runtime.name} cannot be built"
        )
