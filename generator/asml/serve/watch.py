"""Rebuild and reload when a function's source or a manifest changes.

Polling, not inotify: it works the same on every OS and file system (containers, network
mounts), and a snapshot of a project's sources every half second costs little.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from asml.manifest import Project
from asml.manifest.project import PROJECT_FILE

_SKIPPED = {"node_modules", "target", ".zig-cache", "zig-cache", "zig-out", ".asml", "build"}
Snapshot = dict[str, tuple[int, int]]


def watched(project: Project) -> list[Path]:
    paths = [project.root / PROJECT_FILE]
    for service in project.services:
        paths.append(service.directory / "service.toml")
        paths += [service.source_of(name) for name in service.manifest.functions]
    return paths


def snapshot(paths: list[Path]) -> Snapshot:
    found: Snapshot = {}
    for path in paths:
        candidates = [path]
        if path.is_dir():
            candidates = [p for p in path.rglob("*")
                          if not _SKIPPED & set(p.relative_to(path).parts)]  # fmt: skip
        for candidate in candidates:
            try:
                stat = candidate.stat()
            except OSError:
                continue
            if candidate.is_file():
                found[str(candidate)] = (stat.st_mtime_ns, stat.st_size)
    return found


class Watcher:
    """Calls ``changed()`` (on its own thread) after files under ``paths()`` change."""

    def __init__(self, paths: Callable[[], list[Path]], changed: Callable[[], None],
                 interval: float = 0.5) -> None:  # fmt: skip
        self.paths = paths
        self.changed = changed
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="asml-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        last = snapshot(self.paths())
        while not self._stop.wait(self.interval):
            current = snapshot(self.paths())
            if current != last:
                # Wait until the editor has finished writing before building.
                self._stop.wait(self.interval)
                self.changed()
                last = snapshot(self.paths())
