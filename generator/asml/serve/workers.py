"""Worker processes that run functions with the Lambda runtime, as Lambda would.

wasmer holds the GIL while guest code runs and has neither a deadline nor a memory cap of its
own, so every function runs in processes of its own, as on Lambda, each one:

- a process group of its own, so that killing it takes the IOmods it started along;
- under ``RLIMIT_DATA`` at the function's ``memory_mb`` (Lambda counts the whole sandbox too);
  engines reserve a memory's address space without access and commit pages as it grows, and
  only committed pages count, so a guest that allocates past it gets ``memory.grow`` = -1;
- killed and replaced when an event runs past its timeout, so the next event gets a fresh one
  (loading the function, the cold start, is not counted: on Lambda the init phase is apart);
- killed by the kernel if the server dies without stopping it (Linux: ``PR_SET_PDEATHSIG``).

IOmods are children of their worker: they are in its group and under the same limit each.

A worker loads its function the first time it gets one of its events (verifying the artifact
and starting its IOmods, like a Lambda cold start) and keeps it for the next. A guest that traps
fails its own event only; a worker that dies is replaced.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asml.environment import EnvironmentChanges, apply_to_process

# In each worker: the functions it has loaded, by build directory.
_loaded: dict[str, object] = {}
# A stopped worker gets this long to stop its IOmods before it is killed.
STOP_GRACE_S = 2.0
# Past an event's timeout, how long a worker has to report the engine's own timeout (wasmtime
# stops guests itself) before it is killed.
KILL_GRACE_S = 0.5
# Loading a function (a cold start) is not part of its timeout, as on Lambda, whose init phase
# has a limit of its own: 10 s.
INIT_TIMEOUT_S = 10.0
# Worker threads (the IOmod host's) need little stack, and thread stacks count against the
# memory limit (8 MB each by default).
THREAD_STACK_BYTES = 512 * 1024
_READY = "ready"


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


class WorkerTimeout(Exception):
    """The event ran past its timeout; its worker was killed and will be replaced."""


class WorkerDied(Exception):
    """The worker running the event died (killed, or out of memory in native code)."""


class NoWorker(Exception):
    """No worker came free in time, or the workers are closing."""


class _Retired(Exception):
    """The pool was retired (a rebuild) while the event waited: try the new one."""


def close_all() -> None:
    """Let go of every loaded function and stop the IOmods they started."""
    from asml_runtime.iomods import close_host

    _loaded.clear()
    close_host()


def load(job: Job) -> Outcome | None:
    """Load the job's function into this process unless it is loaded: None, or why not."""
    from asml_runtime.errors import LoadError
    from asml_runtime.function import Function, guest_memory_limit
    from asml_runtime.iomods import SEARCH_PATH_ENV, load_iomods

    if job.directory in _loaded:
        return None
    try:
        os.environ[SEARCH_PATH_ENV] = job.iomod_path
        directory = Path(job.directory)
        iomods = load_iomods(directory)
        limit = guest_memory_limit(job.memory_mb)
        _loaded[job.directory] = Function(directory, iomods=iomods, memory_limit=limit)
    except LoadError as error:
        return Outcome(False, f"LoadError: {error}".encode())
    except MemoryError:
        return Outcome(False, b"MemoryError: the function does not fit in its memory_mb")
    return None


def run(job: Job) -> Outcome:
    """One event through the runtime, in this process."""
    from asml_runtime.errors import RuntimeFailure
    from asml_runtime.function import Function

    failed = load(job)
    if failed is not None:
        return failed
    function = _loaded[job.directory]
    assert isinstance(function, Function)
    try:
        return Outcome(True, function.invoke(job.event, timeout=job.timeout))
    except RuntimeFailure as failure:
        return Outcome(False, f"{failure.kind}: {failure}".encode())
    except MemoryError:
        return Outcome(False, b"MemoryError: the function ran out of its memory_mb")


def _die_with_the_server() -> None:
    """Linux: the kernel kills this worker if the server dies without stopping it (SIGKILL,
    a crash), so a spinning guest never outlives it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the server died before prctl
        os._exit(1)


def _show_logs() -> None:
    """The guest's and the runtime's log lines on the terminal, where Lambda would put them in
    the function's log: from ``ASML_LOG_LEVEL`` up (INFO unless set), each with its function."""
    import logging

    from asml_runtime import logs

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger("asml").setLevel(logs.level())


def _worker_main(
    connection: multiprocessing.connection.Connection,
    environment: EnvironmentChanges,
    memory_mb: int,
) -> None:
    """A worker's life: events in, outcomes out, until told to stop or the server goes."""
    os.setpgid(0, 0)  # its own group: killing it kills its IOmods too
    _die_with_the_server()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    apply_to_process(environment)
    _show_logs()
    import asml_runtime.function  # noqa: F401  (imported before the limit: it is the runtime's)

    threading.stack_size(THREAD_STACK_BYTES)
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = memory_mb << 20
    if hard == resource.RLIM_INFINITY or limit <= hard:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    try:
        while True:
            try:
                job = connection.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            if job.directory in _loaded:
                connection.send(run(job))
                continue
            failed = load(job)  # a cold start, outside the event's timeout: say when it ends
            connection.send((_READY, failed is None))
            connection.send(failed or run(job))
    finally:
        close_all()


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, environment: EnvironmentChanges, memory_mb: int) -> None:
        context = multiprocessing.get_context("spawn")  # the server has threads: never fork
        self.connection, child = context.Pipe()
        self.process: Any = context.Process(
            target=_worker_main, args=(child, environment, memory_mb), daemon=True
        )
        self.process.start()
        child.close()
        self.warm = False  # whether it has loaded its function (a worker runs one function)

    def run(self, job: Job) -> Outcome:
        self.begin(job)
        return self.finish(job, time.monotonic() + job.timeout)

    def begin(self, job: Job) -> None:
        """Send the event; the worker starts on it at once."""
        with contextlib.suppress(OSError):  # it died: finish() sees the end of the pipe
            self.connection.send(job)

    def finish(self, job: Job, deadline: float) -> Outcome:
        """The outcome of the event :meth:`begin` sent, by ``deadline`` (monotonic; a cold
        start does not count)."""
        try:
            started = time.monotonic()
            if not self.warm:  # it loads the function first, and says when that is done
                if not self.connection.poll(INIT_TIMEOUT_S):
                    self.kill()
                    raise WorkerDied()
                ready, self.warm = self.connection.recv()
                if ready != _READY:
                    raise OSError("the worker broke the protocol")
                deadline += time.monotonic() - started
            if not self.connection.poll(max(0.0, deadline - time.monotonic()) + KILL_GRACE_S):
                self.kill()
                raise WorkerTimeout()
            outcome: Outcome = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.kill()
            raise WorkerDied() from None
        return outcome

    def kill(self) -> None:
        """Kill the worker and its IOmods at once. The pipe stays open: a thread may still be
        waiting on it (it sees the end of it), and only :meth:`close` closes it."""
        pid = self.process.pid
        if self.process.exitcode is not None:
            return  # reaped already: its pid may belong to another process by now
        if pid is not None:
            # the group, for its IOmods; the process too, in case it has not made its group yet
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.join(timeout=5)

    def close(self) -> None:
        """Close the pipe, once no thread uses it any more."""
        with contextlib.suppress(OSError):
            self.connection.close()

    def stop(self, grace: float = STOP_GRACE_S) -> None:
        """Ask the worker to stop its IOmods and exit; kill it if it does not in time."""
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(timeout=grace)
        if self.process.is_alive():
            self.kill()
        self.close()


class _Waiter:
    """An event waiting for a worker: handed one directly, with the event already sent to it,
    or the right to start one."""

    __slots__ = ("job", "may_start", "ready", "retired", "worker")

    def __init__(self, job: Job) -> None:
        self.job = job
        self.ready = threading.Event()
        # Set under the pool's lock when it takes the waiter off its queue; ``ready`` follows.
        self.worker: Worker | None = None
        self.may_start = False
        self.retired = False


class Pool:
    """Up to ``count`` workers for one function. Events wait their turn first come, first
    served: a freed worker goes straight to the event that has waited longest (a free-for-all
    let newcomers overtake, which showed in the slowest requests)."""

    def __init__(self, count: int, environment: EnvironmentChanges, memory_mb: int) -> None:
        self.count = count
        self.environment = environment
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._starting = 0
        self._waiters: collections.deque[_Waiter] = collections.deque()
        self._retired = False

    def run(self, job: Job) -> Outcome:
        """The event's outcome; :class:`WorkerTimeout`, :class:`WorkerDied`,
        :class:`NoWorker` or :class:`_Retired` otherwise."""
        # One deadline for waiting for a worker and running: API Gateway's clock runs for both.
        deadline = time.monotonic() + job.timeout
        worker, sent = self._acquire(job, deadline)
        try:
            if not sent:
                worker.begin(job)
            outcome = worker.finish(job, deadline)
        except (WorkerTimeout, WorkerDied):
            self._release(worker, alive=False)
            raise
        except BaseException:  # a bug: never leave the worker counted as busy
            worker.kill()
            self._release(worker, alive=False)
            raise
        self._release(worker, alive=True)
        return outcome

    def _acquire(self, job: Job, deadline: float) -> tuple[Worker, bool]:
        """A worker for ``job``, and whether the job was already sent to it."""
        with self._lock:
            if self._retired:
                raise _Retired()
            may_start = False
            if not self._waiters and self._idle:
                worker = self._idle.pop()
                self._busy.add(worker)
                return worker, False
            if not self._waiters and len(self._busy) + self._starting < self.count:
                self._starting += 1
                may_start = True
            else:
                waiter = _Waiter(job)
                self._waiters.append(waiter)
        if may_start:
            return self._start(), False  # outside the lock: starting a process takes a while
        if not waiter.ready.wait(max(0.0, deadline - time.monotonic())):
            with self._lock:
                if waiter.worker is None and not waiter.may_start and not waiter.retired:
                    self._waiters.remove(waiter)
                    raise NoWorker()
            waiter.ready.wait()  # taken off the queue just as time ran out: it is about to be set
        if waiter.worker is not None:
            return waiter.worker, True
        if waiter.may_start:
            return self._start(), False
        raise _Retired()

    def _start(self) -> Worker:
        """A new worker, for an event that holds one of the ``_starting`` places."""
        try:
            worker = Worker(self.environment, self.memory_mb)
        except BaseException:
            with self._lock:
                self._starting -= 1
                self._pass_place()
            raise
        with self._lock:
            self._starting -= 1
            retired = self._retired
            if not retired:
                self._busy.add(worker)
        if retired:  # closed while it started: it must not outlive the pool
            worker.kill()
            worker.close()
            raise _Retired()
        return worker

    def _pass_place(self) -> None:
        """(Under the lock.) A place freed by a worker that is gone: the next waiter may start
        one."""
        if not self._retired and self._waiters:
            waiter = self._waiters.popleft()
            waiter.may_start = True
            self._starting += 1
            waiter.ready.set()

    def _release(self, worker: Worker, *, alive: bool) -> None:
        handed: _Waiter | None = None
        with self._lock:
            self._busy.discard(worker)
            keep = alive and not self._retired
            if keep and self._waiters:
                handed = self._waiters.popleft()
                handed.worker = worker
                self._busy.add(worker)
            elif keep:
                self._idle.append(worker)
            elif not alive:  # it died: its place goes to the next
                self._pass_place()
        if handed is not None:
            # Sent from here, so the worker starts on the next event without waiting for the
            # waiting thread to wake up (at one worker, that wait was ~15% of throughput).
            worker.begin(handed.job)
            handed.ready.set()
        elif not alive:
            worker.close()  # killed already; this thread was the last to use its pipe
        elif not keep:
            worker.stop()

    def retire(self, *, kill_busy: bool) -> None:
        """Stop the idle workers now, and the busy ones when their event ends (or now)."""
        with self._lock:
            self._retired = True
            idle, self._idle = self._idle, []
            busy = list(self._busy) if kill_busy else []
            waiters, self._waiters = list(self._waiters), collections.deque()
            for waiter in waiters:
                waiter.retired = True
        for waiter in waiters:
            waiter.ready.set()  # with neither a worker nor a place: _Retired
        for worker in busy:
            worker.kill()
        stoppers = [threading.Thread(target=worker.stop) for worker in idle]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join()


class Workers:
    """A pool of worker processes per function, swapped for fresh ones after a rebuild."""

    def __init__(self, count: int, environment: EnvironmentChanges) -> None:
        self.count = count
        self.environment = environment
        self._lock = threading.Lock()
        self._pools: dict[tuple[str, int], Pool] = {}
        self._closed = False

    def run(self, job: Job) -> Outcome:
        """The event's outcome; :class:`WorkerTimeout`, :class:`WorkerDied` or
        :class:`NoWorker` otherwise."""
        key = (job.directory, job.memory_mb)
        while True:
            with self._lock:
                if self._closed:
                    raise NoWorker()
                pool = self._pools.get(key)
                if pool is None:
                    pool = self._pools[key] = Pool(self.count, self.environment, job.memory_mb)
            try:
                return pool.run(job)
            except _Retired:
                continue  # rebuilt meanwhile: the new code's pool takes it

    def _drop_all(self, *, close: bool = False) -> list[Pool]:
        with self._lock:
            old, self._pools = list(self._pools.values()), {}
            self._closed = self._closed or close
        return old

    def recycle(self) -> None:
        """New workers for new code; the old ones finish their events, then stop."""
        for pool in self._drop_all():
            pool.retire(kill_busy=False)

    def close(self) -> None:
        """Stop every worker; those still running an event are killed (never hangs). Events
        that arrive afterwards get :class:`NoWorker`."""
        for pool in self._drop_all(close=True):
            pool.retire(kill_busy=True)
