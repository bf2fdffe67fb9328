"""The record written beside every function artifact, and its verification.

A precompiled module is native code: loading a corrupt or foreign one can crash the process or
run wrong code. The build writes ``module.json`` next to the artifact with its SHA-256, the
engine and version that made it, the target and CPU features, and the guest ABI version. The
runtime loads an artifact only after :func:`verify` has matched all of that.

This module is shared by the generator (which writes records) and the runtime (which reads
them), so it depends on nothing but the standard library.
"""

from __future__ import annotations

import json
import os

from asml_runtime.errors import LoadError

# Imported for annotations only: the runtime imports neither dataclasses, typing, pathlib nor
# hashlib at cold start (together about 12 ms of every Lambda init; see docs/runtime.md).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

RECORD_FORMAT = 1
ABI_VERSION = 1
RECORD_FILE = "module.json"
WASM_FILE = "module.wasm"
PRECOMPILED_FILE = "module.bin"
# Below this, the OpenSSL-free SHA-256 (no `import hashlib`) is quicker end to end.
_SMALL_ARTIFACT = 512 << 10


class ArtifactError(LoadError):
    """The artifact does not match its record, or the record does not match this runtime."""


class _Record:
    """An immutable value with fields, equality and a readable repr: what a frozen dataclass
    gives, without importing dataclasses at cold start."""

    __slots__: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _set(self, **fields: object) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        return {
            name: value.to_dict() if isinstance(value, _Record) else value
            for name in self.__slots__
            for value in (getattr(self, name),)
        }

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    def __hash__(self) -> int:
        return hash(tuple(_hashable(getattr(self, n)) for n in self.__slots__))

    def __reduce__(self) -> tuple[object, ...]:
        """copy, deepcopy and pickle rebuild through ``__init__`` (setattr is refused)."""
        return (_rebuild, (type(self), {n: getattr(self, n) for n in self.__slots__}))

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({fields})"


def _hashable(value: object) -> object:
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def _rebuild(cls: type[_Record], fields: dict[str, object]) -> _Record:
    return cls(**fields)


class EngineInfo(_Record):
    __slots__ = ("compiler_version", "config", "name", "package", "version")
    name: str  # wasmer-llvm | wasmer-cranelift | wasmer-singlepass | wasmtime
    package: str  # the Python package that loads the artifact: wasmer | wasmtime
    version: str  # that package's version; artifacts only load in the same version
    compiler_version: str  # the compiler package's version (same as version for wasmtime)
    # Engine settings that must be identical when the artifact is loaded (wasmtime's Config).
    config: dict[str, Any]

    def __init__(
        self,
        name: str,
        package: str,
        version: str,
        compiler_version: str,
        config: dict[str, Any] | None = None,
    ) -> None:
        self._set(
            name=name, package=package, version=version, compiler_version=compiler_version,
            config=config if config is not None else {},
        )  # fmt: skip


class TargetInfo(_Record):
    __slots__ = ("architecture", "cpu_features", "triple")
    architecture: str  # x86_64 | arm64
    triple: str
    cpu_features: tuple[str, ...]

    def __init__(self, architecture: str, triple: str, cpu_features: tuple[str, ...]) -> None:
        self._set(architecture=architecture, triple=triple, cpu_features=cpu_features)


class FileInfo(_Record):
    __slots__ = ("file", "sha256", "size")
    file: str
    sha256: str
    size: int

    def __init__(self, file: str, sha256: str, size: int) -> None:
        self._set(file=file, sha256=sha256, size=size)

    def renamed(self, file: str) -> FileInfo:
        return FileInfo(file, self.sha256, self.size)


class ArtifactRecord(_Record):
    """Everything the runtime must check before it hands the artifact to an engine."""

    __slots__ = (
        "abi_version",
        "artifact",
        "engine",
        "function",
        "handler",
        "imports",
        "note",
        "precompiled",
        "record_format",
        "target",
        "wasm",
    )  # fmt: skip
    function: str  # "<service>.<function>"
    handler: str
    wasm: FileInfo
    artifact: FileInfo  # the precompiled module, or the .wasm itself when not precompiled
    precompiled: bool
    engine: EngineInfo
    target: TargetInfo
    imports: tuple[tuple[str, str], ...]
    abi_version: int
    record_format: int
    # Why the module was not precompiled, when it was not (e.g. no cross-compiler for arm64).
    note: str

    def __init__(
        self,
        *,
        function: str,
        handler: str,
        wasm: FileInfo,
        artifact: FileInfo,
        precompiled: bool,
        engine: EngineInfo,
        target: TargetInfo,
        imports: tuple[tuple[str, str], ...],
        abi_version: int = ABI_VERSION,
        record_format: int = RECORD_FORMAT,
        note: str = "",
    ) -> None:
        self._set(
            function=function, handler=handler, wasm=wasm, artifact=artifact,
            precompiled=precompiled, engine=engine, target=target, imports=imports,
            abi_version=abi_version, record_format=record_format, note=note,
        )  # fmt: skip

    def to_json(self) -> str:
        """Stable text: sorted keys, no timestamps, so identical builds give identical bytes."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

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


def _sha256(data: bytes) -> str:
    if len(data) < _SMALL_ARTIFACT:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found]  # 3.10-3.11: no OpenSSL
        except ImportError:
            pass
        else:
            return str(sha256(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_info(path: Path) -> FileInfo:
    return FileInfo(path.name, sha256_file(path), path.stat().st_size)


def read_record(directory: Path | str) -> ArtifactRecord:
    path = os.path.join(directory, RECORD_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
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
    directory: Path | str,
    *,
    record: ArtifactRecord | None = None,
    engine_package: str | None = None,
    engine_version: str | None = None,
    architecture: str | None = None,
) -> tuple[ArtifactRecord, bytes]:
    """Check the artifact in ``directory`` against its record; return the record and the bytes.

    The bytes returned are the ones that were hashed, so nothing can change between the
    check and the load. Pass what this process will load it with to check that too, and the
    record when it was just read.
    """
    record = record or read_record(directory)
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
    path = os.path.join(directory, record.artifact.file)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise ArtifactError(f"{path}: cannot read the artifact: {error.strerror}") from None
    if len(data) != record.artifact.size:
        raise ArtifactError(
            f"{path}: {len(data)} bytes, the record says {record.artifact.size}:"
            " the artifact is truncated or replaced; rebuild it"
        )
    if _sha256(data) != record.artifact.sha256:
        raise ArtifactError(
            f"{path}: its SHA-256 does not match the record: the artifact is corrupt or was"
            " replaced; rebuild it"
        )
    return record, data
