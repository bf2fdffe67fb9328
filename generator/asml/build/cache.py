"""A content-addressed store of built guests and native artifacts.

Keys are hashes of everything that decides an output, so a hit is always safe to reuse, and
entries never need invalidating. Writers put a file in place with one rename, so parallel
builds (or two asml processes) never see half an entry.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class BuildCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def temporary(self, final: Path) -> Path:
        """A fresh path beside ``final``; :meth:`commit` moves it into place."""
        final.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent)
        os.close(descriptor)
        return Path(name)

    @staticmethod
    def commit(temporary: Path, final: Path) -> None:
        temporary.replace(final)
