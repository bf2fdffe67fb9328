"""Rebuild and reload when a function's source or a manifest changes.

watchfiles listens to the OS's file events (inotify, FSEvents, ...; it polls where there are
none, and ``WATCHFILES_FORCE_POLLING=1`` forces that on network mounts) and debounces them, so
an editor's burst of writes is one rebuild.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from asml.manifest import Project
from asml.manifest.project import PROJECT_FILE

# Build output and dependencies inside source folders: never a reason to rebuild.
_SKIPPED = {
    "node_modules",
    "target",
    ".zig-cache",
    "zig-cache",
    "zig-out",
    ".asml",
    "build",
    ".git",
}
DEBOUNCE_MS = 400


def watched(project: Project) -> list[Path]:
    paths = [project.root / PROJECT_FILE]
    for service in project.services:
        paths.append(service.directory / "service.toml")
        paths += [service.source_of(name) for name in service.manifest.functions]
    return paths


def is_watched(path: Path, paths: list[Path]) -> bool:
    """Whether a change to ``path`` should rebuild: it is one of ``paths`` or inside one of
    them, and not inside build output."""
    for watched_path in paths:
        if path == watched_path:
            return True
        if watched_path in path.parents:
            return not _SKIPPED & set(path.relative_to(watched_path).parts)
    return False


class Watcher:
    """Calls ``changed()`` (on its own thread) after files under ``paths()`` change."""

    def __init__(self, root: Path, paths: Callable[[], list[Path]],
                 changed: Callable[[], None]) -> None:  # fmt: skip
        self.root = root
        self.paths = paths
        self.changed = changed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="asml-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _wanted(self, _: watchfiles.Change, path: str) -> bool:
        return is_watched(Path(path), self.paths())

    def _run(self) -> None:
        # The project root, recursively: new functions and services are seen without a restart.
        for _ in watchfiles.watch(
            self.root, watch_filter=self._wanted, debounce=DEBOUNCE_MS, stop_event=self._stop,
            raise_interrupt=False,
        ):  # fmt: skip
            self.changed()
