"""A service's IOmod layer: its IOmods and what runs them, for one Lambda runtime and CPU.

Lambda extracts layers to ``/opt``::

    python/asml_iomods/, python/capnp/, python/pydantic*/ ...   on the function's sys.path
    asml/iomods/<coordinates>/iomod.json + files                where the runtime looks

boto3 is in the layer only for the custom runtime (provided.al2023): Lambda's Python runtimes
include it, a custom runtime has no Python at all. The packages are pinned to exact versions,
dependencies included, so that the layer's bytes never drift; pycapnp 2.0.0 is the newest
with a wheel old enough (manylinux2014) for python3.10's Amazon Linux 2.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asml.package.lambda_pip import copy_package, install, package_sources, tree_digest
from asml.package.lambda_platform import LambdaRuntime
from asml.package.progress import LayerProgress, packaging
from asml.package.zips import ZipResult, copy_into_place, tree_entries, write_zip

IOMOD_LAYER_RECIPE = "iomod-layer-3"
IOMODS_PACKAGE = "asml_iomods"
REQUIREMENTS = (
    "pycapnp==2.0.0",
    "pydantic==2.14.4",
    "pydantic-core==2.50.5",
    "typing-extensions==4.16.0",
    "annotated-types==0.8.0",
    "typing-inspection==0.4.5",
)
# What the managed Python runtimes would have provided, for the AWS IOmods.
BOTO3 = (
    "boto3==1.44.8",
    "botocore==1.44.8",
    "s3transfer==0.19.3",
    "jmespath==1.1.0",
    "python-dateutil==2.9.0.post0",
    "six==1.17.0",
    "urllib3==2.8.0",
)
LAYER_IOMODS_DIR = "asml/iomods"  # /opt/asml/iomods on Lambda


@dataclass(frozen=True)
class IomodLayerSpec:
    project: str
    service: str
    runtime: LambdaRuntime
    architecture: str

    @property
    def name(self) -> str:
        """``asml-iomods-<project>-<service>-provided_al2023-x86_64``."""
        return f"asml-iomods-{self.project}-{self.service}-{self.runtime.label}-{self.architecture}"

    @property
    def title(self) -> str:
        """For progress: ``IOmod layer of service api (python3.12, x86_64)``."""
        return f"IOmod layer of service {self.service} ({self.runtime.name}, {self.architecture})"

    @property
    def requirements(self) -> tuple[str, ...]:
        return (*REQUIREMENTS, *BOTO3) if self.runtime.custom else REQUIREMENTS


def layer_key(spec: IomodLayerSpec, iomods: Path) -> str:
    parts = [
        IOMOD_LAYER_RECIPE,
        spec.runtime.name,
        spec.architecture,
        *spec.runtime.platform_tags(spec.architecture),
        *spec.requirements,
        tree_digest(package_sources(IOMODS_PACKAGE)),
        tree_digest(iomods),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_iomod_layer(
    spec: IomodLayerSpec,
    iomods: Path,
    destination: Path,
    cache_dir: Path,
    progress: LayerProgress | None = None,
) -> ZipResult:
    """Zip the IOmods laid out in ``iomods`` (``.asml/build/<service>/_iomods``)."""
    cached = cache_dir / "layers" / f"{layer_key(spec, iomods)}.zip"
    if not cached.is_file():
        with (
            packaging(progress, spec.title),
            tempfile.TemporaryDirectory(prefix="asml-iomod-layer-") as scratch,
        ):
            python = Path(scratch) / "python"
            install(spec.requirements, spec.runtime, spec.architecture, python, "the IOmod layer")
            copy_package(IOMODS_PACKAGE, python)
            entries = {
                **tree_entries(python, prefix="python/"),
                **tree_entries(iomods, prefix=f"{LAYER_IOMODS_DIR}/"),
            }
            write_zip(cached, entries)
    return copy_into_place(cached, destination)
