"""Content hashes of source trees, for the build cache.

Only content and relative paths count, never timestamps or absolute paths, so the same
sources give the same key in any checkout on any machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

# Folders that compilers and package managers write into; they are outputs, not sources.
IGNORED_DIRS = frozenset(
    {".git", "target", "node_modules", "build", "zig-cache", ".zig-cache", "zig-out", "__pycache__"}
)


def source_files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    files = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part in IGNORED_DIRS for part in relative.parts[:-1]) or not path.is_file():
            continue
        if path.is_dir() or relative.parts[0] in IGNORED_DIRS:
            continue
        files.append(path)
    return files


def tree_digest(source: Path) -> str:
    digest = hashlib.sha256()
    base = source if source.is_dir() else source.parent
    for path in source_files(source):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def combine(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()
