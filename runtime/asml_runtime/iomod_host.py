"""Runs a function's IOmods beside it and carries its guest's calls to them.

One :class:`IomodHost` per process, with an asyncio + KJ event loop (pycapnp needs both) that:

- gives each IOmod a Unix socket of its own in a private temporary directory, and starts it as
  a child process, stdout and stderr going to the function's log;
- accepts a connection on an IOmod's socket only from that IOmod's process or its descendants,
  as the kernel reports the peer (``SO_PEERCRED``), and on it only that IOmod's registration,
  at the version the host started, once: one IOmod cannot register as another and take its
  calls, even though IOmods run as the same user and can find each other's sockets;
- forwards calls, many at once, each with a timeout;
- notices an IOmod that exits (its process ends, its connection drops), fails the calls it
  had in flight with ``Crashed`` and starts it again, giving up with ``Unavailable`` after
  :data:`MAX_RESTARTS` exits within :data:`RESTART_WINDOW_S`.

A call that arrives before its IOmod has registered waits for the registration, up to the
registration timeout, instead of failing (the original runtime crashed here).

The loop runs on the thread that started the host, and only while the guest waits for (or
polls) a call: a started call is sent at once, and every call in flight progresses while the
guest waits for any of them. A loop on a thread of its own would let several threads share
the host, but the hop between threads costs ~50 µs a call (p50 of a 1 KB round trip: 205 µs
against 153 µs, bench/), and the KJ loop cannot move between threads. The runtime is
single-threaded wherever it runs (Lambda, ``asml serve`` workers), so the host refuses other
threads instead. Child processes' exits are noticed by watcher threads and handled the next
time the loop runs.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import functools
import logging
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

from asml_iomods import protocol
from asml_iomods.errors import failure_json
from asml_iomods.manifest import PYTHON, IomodManifest
from asml_runtime.owned_socket import OwnedSocket

log = logging.getLogger("asml.iomods")

REGISTER_TIMEOUT_S = 10.0
CALL_TIMEOUT_S = 30.0
MAX_RESTARTS = 5
RESTART_WINDOW_S = 60.0
STDERR_TAIL = 20

# What a finished call gives the guest: (True, result) or (False, failure JSON).
Outcome = tuple[bool, bytes]
Call = asyncio.Task[Outcome]
T = TypeVar("T")


def failure(code: str, message: str) -> Outcome:
    return False, failure_json(code, message)


def outcome_of(call: Call) -> Outcome:
    """A finished call's outcome (a call cancelled before it began counts as unavailable)."""
    if call.cancelled():
        return failure(protocol.UNAVAILABLE, "the IOmod host stopped")
    return call.result()


@dataclass
class Member:
    """One IOmod: its manifest, its process and, once registered, its capability."""

    manifest: IomodManifest
    directory: Path
    address: str  # its own registry socket: whoever connects there can only be this IOmod
    server: Any = None
    process: subprocess.Popen[bytes] | None = None
    capability: Any = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # registered or given up
    exits: collections.deque[float] = field(default_factory=collections.deque)
    stderr: collections.deque[str] = field(
        default_factory=lambda: collections.deque(maxlen=STDERR_TAIL)
    )
    given_up: str | None = None

    @property
    def name(self) -> str:
        return self.manifest.coordinates

    def last_words(self) -> str:
        lines = [line for line in self.stderr if line.strip()]
        return f"; its last output: {lines[-1].strip()}" if lines else ""


class IomodHost:
    def __init__(
        self,
        iomods: Sequence[tuple[IomodManifest, Path]],
        *,
        register_timeout: float = REGISTER_TIMEOUT_S,
        call_timeout: float = CALL_TIMEOUT_S,
        python: str = sys.executable,
    ) -> None:
        self.register_timeout = register_timeout
        self.call_timeout = call_timeout
        self.python = python
        self._directory = Path(tempfile.mkdtemp(prefix="asml-iomods-"))
        self.members = {
            manifest.coordinates: self._member(manifest, directory)
            for manifest, directory in iomods
        }
        self._loop: asyncio.AbstractEventLoop | None = None
        self._owner = 0
        self._kj: Any = None
        self._server: Any = None
        self._closed = False

    def start(self) -> IomodHost:
        """Listen for IOmods and start them all; returns at once (they register later)."""
        import capnp  # type: ignore[import-untyped]

        self._owner = threading.get_ident()
        self._loop = asyncio.new_event_loop()
        self._kj = capnp.kj_loop()
        self._drive(self._kj.__aenter__())
        for member in self.members.values():
            self._listen(member)
            self._spawn(member)
        atexit.register(self.close)
        return self

    def _member(self, manifest: IomodManifest, directory: Path) -> Member:
        address = str(self._directory / f"{secrets.token_hex(12)}.sock")
        return Member(manifest, directory, address)

    def _listen(self, member: Member) -> None:
        import capnp

        listener = OwnedSocket(lambda: member.process.pid if member.process else None, member.name)
        listener.bind(member.address)
        listener.listen()
        listener.setblocking(False)
        on_connection = functools.partial(self._on_connection, member)
        member.server = self._drive(
            capnp.AsyncIoStream.create_unix_server(on_connection, sock=listener)
        )

    @overload
    def _drive(self, awaitable: Awaitable[T]) -> T: ...

    @overload
    def _drive(self, awaitable: None) -> None: ...

    def _drive(self, awaitable: Awaitable[T] | None) -> T | None:
        """Run the loop until ``awaitable`` is done, or until something stops it (only on the
        thread that owns the host: the KJ loop is bound to it)."""
        if threading.get_ident() != self._owner:
            raise RuntimeError("an IomodHost serves only the thread that started it")
        assert self._loop is not None
        if awaitable is None:
            self._loop.run_forever()
            return None
        return self._loop.run_until_complete(awaitable)

    def step(self) -> None:
        """One turn of the loop: send what was started, take in what arrived."""
        self._drive(asyncio.sleep(0))

    def wait(self, call: Call, timeout: float) -> None:
        """Run the loop until ``call`` is done or ``timeout`` seconds pass."""
        if call.done():
            return
        loop = self._loop
        assert loop is not None

        def stop(_: object = None) -> None:
            loop.stop()

        timer = loop.call_later(timeout, stop)
        call.add_done_callback(stop)
        try:
            self._drive(None)
        finally:
            timer.cancel()
            call.remove_done_callback(stop)

    def submit(self, coordinates: str, call: str, data: bytes) -> Call:
        """Start a call: it is sent the next time the loop runs (:meth:`wait`, :meth:`step`), so
        calls started together go out together. It ends with the call's :data:`Outcome`,
        never with an exception."""
        assert self._loop is not None
        return self._loop.create_task(self._call(coordinates, call, data))

    def add(self, iomods: Sequence[tuple[IomodManifest, Path]]) -> None:
        """Start more IOmods, for another function in this process (``asml serve`` runs
        several functions per process; Lambda runs one)."""
        for manifest, directory in iomods:
            if manifest.coordinates not in self.members:
                member = self._member(manifest, directory)
                self.members[manifest.coordinates] = member
                self._listen(member)
                self._spawn(member)

    def client(
        self,
        allowed: Iterable[str],
        restricted: Mapping[str, tuple[str, frozenset[str]]] | None = None,
    ) -> IomodCalls:
        """The calls one function may make: those of the IOmods it declared, and of those it
        named some calls of (``restricted``: coordinates -> (name, calls)), those calls only."""
        return IomodCalls(self, frozenset(allowed), dict(restricted or {}))

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for member in self.members.values():
            member.capability = None
            _stop(member.process)
        if self._loop is not None and threading.get_ident() == self._owner:
            with contextlib.suppress(Exception):  # best effort: the process is ending
                for member in self.members.values():
                    if member.server is not None:
                        member.server.close()
                self._drive(self._kj.__aexit__(None, None, None))
                self._loop.close()
        shutil.rmtree(self._directory, ignore_errors=True)

    def _spawn(self, member: Member) -> None:
        command = [self.python if part == PYTHON else part for part in member.manifest.command]
        environment = {
            **os.environ,
            protocol.REGISTRY_ENV: member.address,
            "PYTHONUNBUFFERED": "1",
            "PWD": str(member.directory),  # KJ warns when PWD and the working directory differ
        }
        try:
            process = subprocess.Popen(
                command,
                cwd=member.directory,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        except OSError as error:
            self._give_up(member, f"cannot start it ({' '.join(command)}): {error}")
            return
        member.process = process
        threading.Thread(
            target=self._watch, args=(member, process), name=f"iomod-{member.name}", daemon=True
        ).start()

    def _watch(self, member: Member, process: subprocess.Popen[bytes]) -> None:
        """Copy the IOmod's output to our log and report its exit (runs on its own thread)."""
        assert process.stdout is not None
        with process.stdout:
            for raw in process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                member.stderr.append(line)
                print(f"[{member.name}] {line}", file=sys.stderr, flush=True)
        code = process.wait()
        if self._loop is not None and not self._closed:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._exited, member, process, code)

    def _exited(self, member: Member, process: subprocess.Popen[bytes], code: int) -> None:
        if self._closed or member.process is not process:
            return
        member.capability = None
        member.process = None
        member.ready.clear()
        now = time.monotonic()
        member.exits.append(now)
        while member.exits and now - member.exits[0] > RESTART_WINDOW_S:
            member.exits.popleft()
        if len(member.exits) >= MAX_RESTARTS:
            self._give_up(
                member,
                f"it exited {len(member.exits)} times within {RESTART_WINDOW_S:.0f} s"
                f" (last exit code {code}){member.last_words()}",
            )
            return
        log.warning("IOmod %s exited with code %s; restarting it", member.name, code)
        delay = 0.05 * 2 ** (len(member.exits) - 1)
        assert self._loop is not None
        self._loop.call_later(delay, self._respawn, member)

    def _respawn(self, member: Member) -> None:
        if not self._closed and member.process is None and member.given_up is None:
            self._spawn(member)

    def _give_up(self, member: Member, reason: str) -> None:
        log.error("IOmod %s is unavailable: %s", member.name, reason)
        member.given_up = reason
        member.ready.set()

    async def _on_connection(self, member: Member, stream: Any) -> None:
        import capnp

        registered: list[Any] = []  # the capabilities registered on this connection
        server = capnp.TwoPartyServer(stream, bootstrap=_registry(self, member, registered))
        with contextlib.suppress(capnp.KjException):
            await server.on_disconnect()
        if member.capability is not None and member.capability in registered:
            member.capability = None
            member.ready.clear()

    def register(self, member: Member, coordinates: str, version: str, capability: Any) -> None:
        """Accept ``member``'s registration, made on its own socket."""
        if coordinates != member.name:
            log.error(
                "IOmod %s tried to register as %s; refused (it may register only as itself)",
                member.name, coordinates,
            )  # fmt: skip
            raise ValueError(
                f"this socket belongs to the IOmod {member.name}; it cannot register as"
                f" {coordinates!r}"
            )
        if member.capability is not None:
            raise ValueError(f"{coordinates} is already registered")
        if version != member.manifest.version:
            raise ValueError(
                f"{coordinates}: the runtime expects version {member.manifest.version},"
                f" not {version}"
            )
        member.capability = capability
        member.ready.set()
        log.debug("IOmod %s %s registered", coordinates, version)

    async def _call(self, coordinates: str, call: str, data: bytes) -> Outcome:
        import capnp

        member = self.members.get(coordinates)
        if member is None or self._closed:
            return failure(protocol.UNAVAILABLE, f"no IOmod {coordinates} is running")
        if member.capability is None and member.given_up is None:
            try:
                await asyncio.wait_for(member.ready.wait(), self.register_timeout)
            except asyncio.TimeoutError:
                return failure(
                    protocol.UNAVAILABLE,
                    f"{coordinates} did not register within {self.register_timeout:g} s"
                    f"{member.last_words()}",
                )
        if member.given_up is not None:
            return failure(protocol.UNAVAILABLE, f"{coordinates}: {member.given_up}")
        capability = member.capability
        task = asyncio.current_task()
        assert self._loop is not None and task is not None
        # A timer rather than asyncio.wait_for, which would add a task and loop turns per call.
        timer = self._loop.call_later(self.call_timeout, task.cancel)
        try:
            response = await capability.invoke(call, data)
        except asyncio.CancelledError:
            if self.closed:
                return failure(protocol.UNAVAILABLE, "the IOmod host stopped")
            return failure(
                protocol.TIMEOUT,
                f"{coordinates}.{call} did not answer within {self.call_timeout:g} s",
            )
        except capnp.KjException as error:
            if getattr(error, "type", None) != "DISCONNECTED":  # the IOmod threw: it is alive
                return failure(protocol.INTERNAL, f"{coordinates}.{call}: {error.description}")
            if member.capability is capability:  # its exit may not have been seen yet
                member.capability = None
                member.ready.clear()
            return failure(
                protocol.CRASHED,
                f"{coordinates} went away during the call ({error.description}); it is"
                f" being restarted{member.last_words()}",
            )
        finally:
            timer.cancel()
        outcome = response.outcome
        if outcome.which() == "ok":
            return True, bytes(outcome.ok)
        try:
            return failure(outcome.failed.code, outcome.failed.message)
        except UnicodeDecodeError:  # Text must be UTF-8; a broken IOmod may send anything
            return failure(
                protocol.INTERNAL,
                f"{coordinates}.{call} failed with a code or message that is not UTF-8",
            )


def _registry(host: IomodHost, member: Member, registered: list[Any]) -> Any:
    schema = protocol.schema()

    class Registry(schema.Registry.Server):  # type: ignore[misc, name-defined]
        async def register(
            self, coordinates: str, version: str, calls: Any, iomod: Any, **_: Any
        ) -> None:
            host.register(member, coordinates, version, iomod)
            registered.append(iomod)

    return Registry()


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class IomodCalls:
    """One function's view of the host: the ABI's call ids, limited to its own IOmods."""

    def __init__(
        self,
        host: IomodHost,
        allowed: frozenset[str],
        restricted: dict[str, tuple[str, frozenset[str]]] | None = None,
    ) -> None:
        self.host = host
        self.allowed = allowed
        self.restricted = restricted or {}
        self._calls: dict[int, Call] = {}
        self._next = 1
        self._unsent = False  # calls started since the loop last ran

    def invoke(self, call: str, data: bytes) -> int:
        coordinates, name = protocol.split_call(call)
        if coordinates not in self.allowed or not protocol.CALL_NAME.match(name):
            return -1
        if coordinates in self.restricted and name not in self.restricted[coordinates][1]:
            return -1  # a call of an IOmod the function named only other calls of
        identifier = self._next
        self._next = identifier + 1 if identifier < 2**31 - 1 else 1
        self._calls[identifier] = self.host.submit(coordinates, name, data)
        self._unsent = True
        return identifier

    def poll(self, identifier: int) -> int:
        pending = self._calls.get(identifier)
        if pending is None:
            return -1
        if not pending.done():
            self._unsent = False
            self.host.step()
            if not pending.done():
                return 0
        return 1 if outcome_of(pending)[0] else 2

    def wait(self, identifier: int, timeout: float) -> int:
        pending = self._calls.get(identifier)
        if pending is None:
            return -1
        self._unsent = False
        self.host.wait(pending, timeout)
        return self.poll(identifier)

    def result(self, identifier: int) -> bytes | None:
        pending = self._calls.get(identifier)
        if pending is None or not pending.done():
            return None
        return outcome_of(pending)[1]

    def forget(self, identifier: int) -> None:
        self._calls.pop(identifier, None)

    def reset(self) -> None:
        """Between events: send what the guest started without waiting for it, then drop the
        ids of calls left unread (the calls themselves still finish)."""
        if self._unsent:
            self.host.step()
        self._unsent = False
        self._calls.clear()
