"""An IOmod as the user has it: a folder with ``iomod.toml``, or a package from
``asml pack iomod`` (``<coordinates>-<version>.iomod.zip``), or one that ships with asml.

Whatever the form, it comes out as an :class:`IomodSource`: the resolved manifest
(``iomod.json``) and the files that go beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asml.errors import AsmlError
from asml.fsutil import write_text_atomic
from asml.manifest.assemblylift.iomods import ASSEMBLYLIFT_PACKAGE
from asml.manifest.toml_io import read_toml
from asml_iomods import catalog
from asml_iomods import manifest as manifests
from asml_iomods.manifest import PACKED_SUFFIX, PYTHON, SOURCE_FILE, IomodManifest

DESCRIBE_TIMEOUT_S = 60
SKIPPED_PARTS = {"__pycache__", ".git", ".venv", "node_modules", ".mypy_cache", ".ruff_cache"}


class IomodSourceError(AsmlError):
    pass


@dataclass(frozen=True)
class IomodSource:
    manifest: IomodManifest
    files: dict[str, bytes] = field(default_factory=dict)  # path in the package -> contents
    executables: frozenset[str] = frozenset()  # the files that keep their executable bit

    @property
    def package_name(self) -> str:
        return f"{self.manifest.coordinates}-{self.manifest.version}{PACKED_SUFFIX}"


def standard(coordinates: str) -> IomodSource:
    return IomodSource(catalog.standard_manifest(coordinates))


def load(location: Path, cache_dir: Path | None = None) -> IomodSource:
    """A user's IOmod from its folder or its packed zip."""
    if location.is_file() and location.name.endswith(PACKED_SUFFIX):
        return _unpack(location)
    if not (location / SOURCE_FILE).is_file():
        raise IomodSourceError(
            f"{location}: no {SOURCE_FILE}; an IOmod folder needs one (see iomods/PROTOCOL.md)"
        )
    return _from_folder(location, cache_dir)


def _files(folder: Path) -> dict[str, bytes]:
    """The files that go into the package. A symlink is refused, wherever it points: a package
    holds files, and a link could carry in a file from outside the folder."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if SKIPPED_PARTS.intersection(relative.parts):
            continue
        if path.is_symlink():
            raise IomodSourceError(
                f"{path} is a symlink (to {path.readlink()}); an IOmod package holds files"
                " only: copy the file into the folder instead"
            )
        if path.is_file() and path.suffix != ".pyc" and path.name != SOURCE_FILE:
            found[relative.as_posix()] = path.read_bytes()
    return found


def _from_folder(folder: Path, cache_dir: Path | None) -> IomodSource:
    path = folder / SOURCE_FILE
    data = read_toml(path)
    table = data.get("iomod")
    if not isinstance(table, dict):
        raise IomodSourceError(
            f'{path}: missing the [iomod] table (coordinates, version, command = ["python",'
            ' "main.py"])'
        )
    if "process" in data and "command" not in table:
        raise IomodSourceError(f"{path}: {ASSEMBLYLIFT_PACKAGE}")
    files = _files(folder)
    executables = frozenset(n for n in files if os.access(folder / n, os.X_OK))
    declared = {**table, "calls": data.get("calls", {})}
    try:
        base = manifests.parse(declared, f"{path} [iomod]")
    except manifests.ManifestError as error:
        raise IomodSourceError(str(error)) from None
    if base.calls or "calls" in data:
        return IomodSource(base, files, executables)
    described = _describe(folder, base, files, cache_dir)
    for key in ("coordinates", "version"):
        if getattr(described, key) != getattr(base, key):
            raise IomodSourceError(
                f"{path}: `iomod.{key}` is {getattr(base, key)!r} but the IOmod itself says"
                f" {getattr(described, key)!r}; make them agree"
            )
    return IomodSource(
        IomodManifest(
            coordinates=base.coordinates,
            version=base.version,
            command=base.command,
            calls=described.calls,
            description=base.description or described.description,
        ),
        files,
        executables,
    )


def _describe(
    folder: Path, base: IomodManifest, files: dict[str, bytes], cache_dir: Path | None
) -> IomodManifest:
    """Ask the IOmod for its calls (``COMMAND --describe``, which the Python SDK answers)."""
    digest = hashlib.sha256(json.dumps(list(base.command)).encode())
    for name, contents in files.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(contents).digest())
    cached = cache_dir / "iomods" / f"{digest.hexdigest()}.json" if cache_dir else None
    if cached is not None and cached.is_file():
        return manifests.parse(json.loads(cached.read_text(encoding="utf-8")), str(cached))
    command = [sys.executable if part == PYTHON else part for part in base.command]
    where = f"{folder / SOURCE_FILE}"
    try:
        result = subprocess.run(
            [*command, "--describe"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=DESCRIBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise IomodSourceError(
            f"{where}: cannot run `{' '.join(command)} --describe`: {error}"
        ) from None
    if result.returncode != 0:
        tail = " / ".join(result.stderr.strip().splitlines()[-3:]) or "no output"
        raise IomodSourceError(
            f"{where}: `{' '.join(base.command)} --describe` failed ({tail}). IOmods written"
            " with asml_iomods answer it; others list their calls under [calls.NAME] in"
            f" {SOURCE_FILE}"
        )
    try:
        data: Any = json.loads(result.stdout)
        described = manifests.parse(data, f"{where}: the output of --describe")
    except (ValueError, manifests.ManifestError) as error:
        raise IomodSourceError(f"{where}: --describe did not print a manifest: {error}") from None
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(cached, json.dumps(data, sort_keys=True))
    return described


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an entry may not be unpacked: it would land outside the IOmod's folder, or it is
    a link (which could point anywhere)."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in parts:
        return 'a path with ".."'
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symlink"
    return None


def _unpack(package: Path) -> IomodSource:
    try:
        with zipfile.ZipFile(package) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            for info in infos:
                problem = _entry_problem(info)
                if problem is not None:
                    raise IomodSourceError(
                        f"{package}: refusing the entry {info.filename!r}, {problem}: an IOmod"
                        " package holds files inside its own folder only; repack it with"
                        " `asml pack iomod`"
                    )
            contents = {info.filename: archive.read(info) for info in infos}
            executables = frozenset(i.filename for i in infos if (i.external_attr >> 16) & 0o111)
    except (OSError, zipfile.BadZipFile) as error:
        raise IomodSourceError(f"{package}: not a readable IOmod package: {error}") from None
    raw = contents.pop(manifests.MANIFEST_FILE, None)
    if raw is None:
        raise IomodSourceError(
            f"{package}: no {manifests.MANIFEST_FILE} inside; rebuild it with `asml pack iomod`"
        )
    try:
        manifest = manifests.parse(json.loads(raw), f"{package}!{manifests.MANIFEST_FILE}")
    except (ValueError, manifests.ManifestError) as error:
        raise IomodSourceError(str(error)) from None
    return IomodSource(manifest, contents, executables)


def write(source: IomodSource, directory: Path) -> None:
    """Lay the IOmod out in ``directory`` (which must be empty): its files and iomod.json."""
    root = directory.resolve()
    for name, contents in source.files.items():
        target = directory / name
        if not target.resolve().is_relative_to(root):  # never write outside, whatever the name
            raise IomodSourceError(f"refusing to write {name!r} outside {directory}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents)
        target.chmod(0o755 if name in source.executables else 0o644)
    (directory / manifests.MANIFEST_FILE).write_text(source.manifest.dumps(), encoding="utf-8")
