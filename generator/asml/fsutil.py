"""Writing files so that a failure never leaves anything half-written.

Everything is first written beside its destination and then renamed into place: a rename
within one directory is atomic, so readers see the old state or the new one, never a mix.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``\\n`` line ends) in one step."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, keeping its permissions."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def staged_directory(final: Path) -> Iterator[Path]:
    """Yield an empty directory that becomes ``final`` when the block succeeds.

    ``final`` must not exist, or be an empty directory. On failure nothing is left behind.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".staging", dir=final.parent))
    try:
        yield staging
        staging.chmod(0o777 & ~_umask())
        if final.is_dir():
            final.rmdir()  # only succeeds when empty, which the caller has checked
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def replaced_directory(final: Path) -> Iterator[Path]:
    """Yield an empty directory that replaces ``final``, whatever it holds, when the block
    succeeds. On failure ``final`` is as it was and nothing is left behind."""
    fresh = final.with_name(f".{final.name}.new")
    retired = final.with_name(f".{final.name}.old")
    for leftover in (fresh, retired):  # from a run that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    with staged_directory(fresh) as staging:
        yield staging
    if final.exists():
        final.rename(retired)
    try:
        fresh.rename(final)
    except BaseException:
        if retired.exists():
            retired.rename(final)
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def place_file(source: Path, destination: Path) -> None:
    """Put a copy of ``source`` at ``destination``: a hard link when the file system allows
    one (the files are never modified in place, only replaced), else a byte copy."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)
