"""Worker processes that run functions with the Lambda runtime, as Lambda would.

wasmer holds the GIL while guest code runs, so requests run at once only in separate
processes. Each worker loads a function the first time it gets one of its events (verifying
the artifact and starting its IOmods, like a Lambda cold start) and keeps it for the next.
A guest that traps fails its own event only; a worker that dies is replaced.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from asml.environment import EnvironmentChanges, apply_to_process

# In each worker: the functions it has loaded, by build directory.
_loaded: dict[str, object] = {}


@dataclass(frozen=True)
class Job:
    directory: str  # the function's build directory
    iomod_path: str  # where its service's IOmods are laid out
    memory_mb: int
    event: bytes
    timeout: float


@dataclass(frozen=True)
class Outcome:
    ok: bool
    payload: bytes  # the response, or the failure ("GuestTrap: ...") as UTF-8


def close_all() -> None:
    """Let go of every loaded function and stop the IOmods they started."""
    from asml_runtime.iomods import close_host

    _loaded.clear()
    close_host()


def _start(environment: EnvironmentChanges) -> None:
    # Ctrl-C reaches the whole process group; the server stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    apply_to_process(environment)
    # Runs when the worker exits normally, so its IOmod processes go with it.
    multiprocessing.util.Finalize(None, close_all, exitpriority=10)


def run(job: Job) -> Outcome:
    """Runs in a worker: one event through the runtime."""
    from asml_runtime.errors import LoadError, RuntimeFailure
    from asml_runtime.function import Function, guest_memory_limit
    from asml_runtime.iomods import SEARCH_PATH_ENV, load_iomods

    function = _loaded.get(job.directory)
    try:
        if function is None:
            os.environ[SEARCH_PATH_ENV] = job.iomod_path
            directory = Path(job.directory)
            function = Function(directory, iomods=load_iomods(directory),
                                memory_limit=guest_memory_limit(job.memory_mb))  # fmt: skip
            _loaded[job.directory] = function
        assert isinstance(function, Function)
        return Outcome(True, function.invoke(job.event, timeout=job.timeout))
    except RuntimeFailure as failure:
        return Outcome(False, f"{failure.kind}: {failure}".encode())
    except LoadError as error:
        return Outcome(False, f"LoadError: {error}".encode())


class Workers:
    """Pools of worker processes, one per service (a process runs one set of IOmods), that
    can be swapped for fresh ones after a rebuild."""

    def __init__(self, count: int, environment: EnvironmentChanges) -> None:
        self.count = count
        self.environment = environment
        self._lock = Lock()
        self._pools: dict[str, ProcessPoolExecutor] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the server has threads, and a forked copy of them is not safe
        return ProcessPoolExecutor(
            self.count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self.environment,),
        )

    def submit(self, job: Job) -> Future[Outcome]:
        with self._lock:
            pool = self._pools.get(job.iomod_path)
            if pool is None:
                pool = self._pools[job.iomod_path] = self._new_pool()
            try:
                return pool.submit(run, job)
            except BrokenProcessPool:
                pool = self._pools[job.iomod_path] = self._new_pool()
                return pool.submit(run, job)

    def _drop_all(self) -> list[ProcessPoolExecutor]:
        with self._lock:
            old, self._pools = list(self._pools.values()), {}
        return old

    def recycle(self) -> None:
        """New workers for new code; the old ones finish their events, then stop."""
        for pool in self._drop_all():
            pool.shutdown(wait=True)

    def replace_broken(self) -> None:
        for pool in self._drop_all():
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        for pool in self._drop_all():
            pool.shutdown(wait=True, cancel_futures=True)
