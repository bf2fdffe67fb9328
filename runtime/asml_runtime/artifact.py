"""The record written beside every function artifact, and its verification.

A precompiled module is native code: loading a corrupt or foreign one can crash the process or
run wrong code. The build writes ``module.json`` next to the artifact with its SHA-256, the
engine and version that made it, the target and CPU features, and the guest ABI version. The
runtime loads an artifact only after :func:`verify` has matched all of that.

This module is shared by the generator (which writes records) and the runtime (which reads
them), so it depends on nothing but the standard library.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from asml_runtime.errors import LoadError

RECORD_FORMAT = 1
ABI_VERSION = 1
RECORD_FILE = "module.json"
WASM_FILE = "module.wasm"
PRECOMPILED_FILE = "module.bin"


class ArtifactError(LoadError):
    """The artifact does not match its record, or the record does not match this runtime."""


@dataclass(frozen=True)
class EngineInfo:
    name: str  # wasmer-llvm | wasmer-cranelift | wasmer-singlepass | wasmtime
    package: str  # the Python package that loads the artifact: wasmer | wasmtime
    version: str  # that package's version; artifacts only load in the same version
    compiler_version: str  # the compiler package's version (same as version for wasmtime)
    # Engine settings that must be identical when the artifact is loaded (wasmtime's Config).
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TargetInfo:
    architecture: str  # x86_64 | arm64
    triple: str
    cpu_features: tuple[str, ...]


@dataclass(frozen=True)
class FileInfo:
    file: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ArtifactRecord:
    """Everything the runtime must check before it hands the artifact to an engine."""

    function: str  # "<service>.<function>"
    handler: str
    wasm: FileInfo
    artifact: FileInfo  # the precompiled module, or the .wasm itself when not precompiled
    precompiled: bool
    engine: EngineInfo
    target: TargetInfo
    imports: tuple[tuple[str, str], ...]
    abi_version: int = ABI_VERSION
    record_format: int = RECORD_FORMAT
    # Why the module was not precompiled, when it was not (e.g. no cross-compiler for arm64).
    note: str = ""

    def to_json(self) -> str:
        """Stable text: sorted keys, no timestamps, so identical builds give identical bytes."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ArtifactRecord:
        try:
            data = json.loads(text)
            return cls(
                function=data["function"],
                handler=data["handler"],
                wasm=FileInfo(**data["wasm"]),
                artifact=FileInfo(**data["artifact"]),
                precompiled=bool(data["precompiled"]),
                engine=EngineInfo(**data["engine"]),
                target=TargetInfo(
                    data["target"]["architecture"],
                    data["target"]["triple"],
                    tuple(data["target"]["cpu_features"]),
                ),
                imports=tuple((str(m), str(n)) for m, n in data["imports"]),
                abi_version=int(data["abi_version"]),
                record_format=int(data["record_format"]),
                note=str(data.get("note", "")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ArtifactError(f"the artifact record is malformed: {error}") from None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_info(path: Path) -> FileInfo:
    return FileInfo(path.name, sha256_file(path), path.stat().st_size)


def read_record(directory: Path) -> ArtifactRecord:
    path = directory / RECORD_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ArtifactError(f"{path}: cannot read the artifact record: {error.strerror}") from None
    record = ArtifactRecord.from_json(text)
    if record.record_format != RECORD_FORMAT:
        raise ArtifactError(
            f"{path}: record format {record.record_format}, this runtime reads {RECORD_FORMAT};"
            " rebuild with the asml that matches this runtime"
        )
    return record


def verify(
    directory: Path,
    *,
    engine_package: str | None = None,
    engine_version: str | None = None,
    architecture: str | None = None,
) -> tuple[ArtifactRecord, bytes]:
    """Check the artifact in ``directory`` against its record; return the record and the bytes.

    The bytes returned are the ones that were hashed, so nothing can change between the
    check and the load. Pass what this process will load it with to check that too.
    """
    record = read_record(directory)
    if record.abi_version != ABI_VERSION:
        raise ArtifactError(
            f"{record.function}: built for guest ABI {record.abi_version}, this runtime speaks"
            f" {ABI_VERSION}; rebuild it with the matching asml"
        )
    expected = {
        "engine package": (record.engine.package, engine_package),
        "engine version": (record.engine.version, engine_version),
        "architecture": (record.target.architecture, architecture),
    }
    for what, (recorded, actual) in expected.items():
        if actual is not None and recorded != actual:
            raise ArtifactError(
                f"{record.function}: built for {what} {recorded}, but this runtime has"
                f" {actual}; rebuild it"
            )
    path = directory / record.artifact.file
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArtifactError(f"{path}: cannot read the artifact: {error.strerror}") from None
    if len(data) != record.artifact.size:
        raise ArtifactError(
            f"{path}: {len(data)} bytes, the record says {record.artifact.size}:"
            " the artifact is truncated or replaced; rebuild it"
        )
    if hashlib.sha256(data).hexdigest() != record.artifact.sha256:
        raise ArtifactError(
            f"{path}: its SHA-256 does not match the record: the artifact is corrupt or was"
            " replaced; rebuild it"
        )
    return record, data
