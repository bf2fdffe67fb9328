"""Zip files whose bytes depend only on the names and contents of what goes in.

Entries are sorted, stamped 1980-01-01 00:00 (the zip format's epoch), given fixed modes
(0644, or 0755 for executables) and no directory entries, and compressed at a fixed level.
The file is written beside its destination and renamed into place.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from asml_runtime.artifact import sha256_file

EPOCH = (1980, 1, 1, 0, 0, 0)
COMPRESSION_LEVEL = 9


@dataclass(frozen=True)
class ZipResult:
    path: Path
    size: int  # bytes on disk
    unpacked: int  # bytes once extracted: what Lambda's 250 MB limit counts
    sha256: str  # hex
    files: int

    @property
    def base64_sha256(self) -> str:
        """The form Terraform's ``source_code_hash`` compares against."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode("ascii")


def lambda_code_hash(data: bytes) -> str:
    """A package's SHA-256 in base64: Lambda's CodeSha256 and Terraform's source_code_hash."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def tree_entries(root: Path, *, prefix: str = "") -> dict[str, Path]:
    """Every file below ``root`` as ``{archive name: path}``, skipping bytecode caches."""
    return {
        prefix + path.relative_to(root).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def write_zip(destination: Path, entries: Mapping[str, Path]) -> ZipResult:
    """Write ``{archive name: file}`` to ``destination`` deterministically."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    os.close(descriptor)
    temporary = Path(name)
    unpacked = 0
    try:
        with zipfile.ZipFile(temporary, "w") as archive:
            for arcname in sorted(entries):
                source = entries[arcname]
                info = zipfile.ZipInfo(arcname, date_time=EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so the modes below are honoured
                executable = os.access(source, os.X_OK)
                info.external_attr = (0o100755 if executable else 0o100644) << 16
                data = source.read_bytes()
                unpacked += len(data)
                archive.writestr(info, data, compresslevel=COMPRESSION_LEVEL)
        temporary.chmod(0o644)
        digest = sha256_file(temporary)
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return ZipResult(destination, destination.stat().st_size, unpacked, digest, len(entries))


def read_result(path: Path) -> ZipResult:
    """The :class:`ZipResult` of a zip already on disk (a cache hit)."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        unpacked = sum(i.file_size for i in infos)
    return ZipResult(path, path.stat().st_size, unpacked, sha256_file(path), len(infos))


def copy_into_place(source: Path, destination: Path) -> ZipResult:
    """Copy a (cached) zip to ``destination`` in one step and describe it.

    Copying is no dearer than comparing the two files first, and leaves no half-written zip.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.tmp")
    shutil.copyfile(source, temporary)
    temporary.replace(destination)
    return read_result(destination)


def extract(path: Path, into: Path) -> None:
    """Unpack a zip as Lambda unpacks a layer, keeping each file's mode (``zipfile`` drops
    the executable bits a custom runtime's ``bootstrap`` and interpreter need). Entries stay
    inside ``into``: zipfile drops ``..`` and leading ``/`` from their names."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            extracted = Path(archive.extract(info, into))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                extracted.chmod(mode)
