"""A function's deployment zip: its artifact and the record the runtime checks it against.

With ``iomods.json`` when the function calls IOmods. Nothing else goes in: the handler and
the engine come from the runtime layer, so the zip stays a few kilobytes for most guests and
changes only when the guest does.
"""

from __future__ import annotations

from pathlib import Path

from asml.package.zips import ZipResult, write_zip
from asml_runtime.artifact import RECORD_FILE, read_record
from asml_runtime.iomods import IOMODS_FILE


def function_zip(build_dir: Path, destination: Path) -> ZipResult:
    """Zip the build in ``build_dir`` (``.asml/build/<service>/<function>``)."""
    record = read_record(build_dir)
    entries = {
        RECORD_FILE: build_dir / RECORD_FILE,
        record.artifact.file: build_dir / record.artifact.file,
    }
    if (build_dir / IOMODS_FILE).is_file():
        entries[IOMODS_FILE] = build_dir / IOMODS_FILE
    return write_zip(destination, entries)
