"""Telling the user which layer is being packaged: the first packaging of a layer installs
wheels and zips thousands of files, seconds each, where a cached one is a file copy."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class LayerProgress(Protocol):
    def started(self, layer: str) -> None:
        """``layer`` ("runtime layer python3.12 (wasmtime 25.0.0, x86_64)") is being made."""
        ...

    def finished(self, layer: str, seconds: float) -> None: ...


@contextmanager
def packaging(progress: LayerProgress | None, layer: str) -> Iterator[None]:
    """Report the work in the block as packaging ``layer`` (when anyone listens)."""
    if progress is None:
        yield
        return
    progress.started(layer)
    began = time.perf_counter()
    yield
    progress.finished(layer, time.perf_counter() - began)
