"""``asml pack iomod``: an IOmod folder -> ``<coordinates>-<version>.iomod.zip``.

The package holds ``iomod.json`` (coordinates, version, command, and each call with the IAM
actions it needs) and the IOmod's files; it is deterministic, like every zip asml writes.
A service uses it with ``path = "….iomod.zip"`` under ``[iomods.NAME]``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from asml.iomods.source import IomodSource, load, write
from asml.package.zips import ZipResult, tree_entries, write_zip


def pack(folder: Path, out: Path, cache_dir: Path | None = None) -> tuple[IomodSource, ZipResult]:
    source = load(folder, cache_dir)
    with tempfile.TemporaryDirectory(prefix="asml-pack-") as scratch:
        tree = Path(scratch)
        write(source, tree)
        return source, write_zip(out / source.package_name, tree_entries(tree))
