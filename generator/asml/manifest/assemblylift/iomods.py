"""AssemblyLift's IOmod dependencies, read as AssemblyLift resolved them.

In every AssemblyLift version ``from`` is relative to the project root (where AssemblyLift
ran) and names the IOmod's executable or packed IOmod, and 0.1-0.2 had no ``coordinates``:
the IOmod announced them when it registered. asml runs its own build of each standard
``akkoro.*`` IOmod, so a dependency on one of those needs no file at all.
"""

from __future__ import annotations

import os
from pathlib import Path

from asml.manifest.assemblylift.normalized import Normalized, Table
from asml.manifest.problems import KeyPath
from asml.manifest.toml_io import TomlReadError, read_toml
from asml_iomods.catalog import STANDARD
from asml_iomods.manifest import PACKED_SUFFIX, SOURCE_FILE

# Why asml cannot run an IOmod built for AssemblyLift, whatever form it comes in.
ASSEMBLYLIFT_PACKAGE = (
    "an IOmod built for AssemblyLift (its executable, or a package with [process] entrypoint),"
    " which speaks AssemblyLift's own RPC and lists none of its calls, so asml can neither"
    " serve it nor grant it IAM: use a"
    " standard IOmod (`asml check` lists them) or port it to asml's IOmod SDK"
    " (iomods/PROTOCOL.md)"
)
_SOURCES = ("file", "registry")
# What AssemblyLift's IOmod executables and packages were called: akkoro-aws-dynamodb,
# akkoro.aws.dynamodb.iomod, iomod-akkoro-std-http ...
_NAME_SUFFIXES = (".iomod", ".zip", ".exe")


def normalize_iomod(
    entry: Table, path: KeyPath, out: Normalized, root: Path, service_dir: Path
) -> bool:
    """Rewrite one dependency in place; False when it cannot be read at all (reported)."""
    where = out.original_path(path)
    kind = entry.pop("type", None)
    if kind is not None and kind not in _SOURCES:
        out.error((*where, "type"), f'"{kind}" is not a source; use "file" or "registry"')
    elif kind is not None:
        out.note((*where, "type"), "ignored: asml tells a file from a standard IOmod by `from`")
    source = entry.pop("from", None)
    if kind == "file" and source is None:
        out.error((*where, "from"), 'missing; type = "file" needs it')
    located = root / source if isinstance(source, str) and source else None
    coordinates = entry.get("coordinates")
    if coordinates is None:
        coordinates = _coordinates_of(located)
        if coordinates is None:
            out.error(
                (*where, "coordinates"),
                "missing, and asml cannot tell which IOmod"
                f" {'`from` names' if located else 'this is'} (AssemblyLift asked the IOmod"
                ' when it started); add `coordinates = "org.namespace.name"`',
            )
            return False
        entry["coordinates"] = coordinates
        out.made_explicit.append(f'{_dotted(path)}.coordinates = "{coordinates}" (from `from`)')
        out.note((*where,), f"reads as the IOmod {coordinates}, from the name of {source}")
    if not isinstance(coordinates, str):
        return True  # validation says what it should be
    if coordinates in STANDARD and (located is None or not _is_asml_iomod(located)):
        if located is not None:
            out.note(
                (*where, "from"),
                f"{source} is AssemblyLift's build of {coordinates}; asml runs its own, so"
                " the file is not needed",
            )
        return True
    if located is not None:
        # asml reads `path` from the service's folder, AssemblyLift read `from` from the root.
        entry["path"] = Path(os.path.relpath(located, service_dir)).as_posix()
        renamed: KeyPath = (*path, "path")
        out.origins[renamed] = (*where, "from")
    return True


def _coordinates_of(located: Path | None) -> str | None:
    if located is None:
        return None
    manifest = located / SOURCE_FILE
    if manifest.is_file():
        try:
            table = read_toml(manifest).get("iomod")
        except TomlReadError:
            return None
        found = table.get("coordinates") if isinstance(table, dict) else None
        return found if isinstance(found, str) else None
    name = located.name
    for suffix in (PACKED_SUFFIX, *_NAME_SUFFIXES):
        name = name.removesuffix(suffix)
    name = name.removeprefix("iomod-").replace("-", ".").replace("_", ".")
    for coordinates in STANDARD:
        if name == coordinates or name.startswith(coordinates + "."):  # akkoro-std-http-0.3.0
            return coordinates
    return None


def _is_asml_iomod(located: Path) -> bool:
    """An IOmod in asml's own forms (a folder with an asml iomod.toml, or a packed one)."""
    if located.is_file():
        return located.name.endswith(PACKED_SUFFIX)
    try:
        table = read_toml(located / SOURCE_FILE).get("iomod")
    except (TomlReadError, OSError):
        return False
    return isinstance(table, dict) and "command" in table


def _dotted(path: KeyPath) -> str:
    return ".".join(str(part) for part in path)
