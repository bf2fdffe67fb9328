"""The guest SDKs, one per language, shipped with asml so builds can find them.

``asml build`` puts them on each compiler's search path: C's include path, a Zig module
named ``asml``, a Rust crate named ``asml``, and AssemblyScript's ``asml`` import.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).parent


def sdk_dir(language: str) -> Path:
    return ROOT / language


@cache
def sdk_digest(language: str) -> str:
    """A hash of the SDK's files: part of every guest's build-cache key."""
    digest = hashlib.sha256()
    directory = sdk_dir(language)
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
