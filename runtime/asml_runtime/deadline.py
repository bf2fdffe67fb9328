"""Ends a Lambda invocation whose guest will not stop, just before Lambda's own timeout.

wasmer has no way to interrupt a guest, and holds the GIL while guest code runs, so nothing in
the runtime's own process can act: not a Python thread, not a signal handler (Python runs those
between bytecodes, which never come). So at init the runtime forks a small watchdog process,
before anything else starts a thread. Before each event the runtime tells it the request id
and Lambda's deadline; after it, that the event is done. If the deadline less
:data:`MARGIN_S` comes first, the watchdog reports a ``GuestTimeout`` error for that request to
the Lambda Runtime API and kills the runtime process. Lambda returns that error to the caller
and starts a fresh runtime for the next event (a cold start); the IOmods, whose connection
closes, exit on their own.

Without ``AWS_LAMBDA_RUNTIME_API`` (tests, ``asml serve``, which kills its own workers) there
is no watchdog. It uses only what the runtime has already imported, so it costs a fork (about
a millisecond) and no imports at cold start.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

RUNTIME_API_ENV = "AWS_LAMBDA_RUNTIME_API"
# Time left to report the error before Lambda's own timeout (posting it takes 5-15 ms).
MARGIN_S = 0.2


def _report(api: str, request_id: str, message: str) -> None:
    """POST the error to the Runtime API (plain HTTP/1.1: http.client would cost imports)."""
    import socket  # here, in the watchdog: the runtime's cold start does not pay for it

    host, _, port = api.rpartition(":")
    body = json.dumps({"errorMessage": message, "errorType": "GuestTimeout"}).encode()
    head = (
        f"POST /2018-06-01/runtime/invocation/{request_id}/error HTTP/1.1\r\n"
        f"Host: {api}\r\nContent-Type: application/json\r\n"
        "Lambda-Runtime-Function-Error-Type: GuestTimeout\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=2) as connection:
            connection.sendall(head + body)
            connection.recv(256)  # the status line: the API has it
    except OSError as error:
        print(f"asml: could not report the timeout of {request_id}: {error}", file=sys.stderr)


def _kill(pid: int) -> None:
    try:
        # Its process group when it leads one (the Lambda runtime does): the watchdog goes too.
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _watch(commands: int, runtime_pid: int, api: str, function: str) -> None:
    """The watchdog's life (in the forked process): lines ``arm <id> <deadline ms>`` and
    ``done`` in; on a missed deadline, report and kill; on end of input, exit."""
    pending = b""
    armed: tuple[str, float] | None = None
    while True:
        wait = None if armed is None else max(0.0, armed[1] - MARGIN_S - time.time())
        if select.select([commands], [], [], wait)[0]:
            chunk = os.read(commands, 4096)
            if not chunk:
                return  # the runtime has gone
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                parts = line.decode().split()
                armed = (parts[1], int(parts[2]) / 1000) if parts[0] == "arm" else None
            continue
        if select.select([commands], [], [], 0)[0]:
            continue  # a "done" arrived just as the wait ended: read it before acting
        assert armed is not None
        request_id = armed[0]
        message = (
            f"{function}: the guest ran past its deadline and was stopped"
            f" {MARGIN_S * 1000:.0f} ms before the function's timeout; the next event starts"
            " a fresh runtime"
        )
        print(f"asml: {request_id}: {message}", file=sys.stderr, flush=True)
        _report(api, request_id, message)
        _kill(runtime_pid)
        return


class Watchdog:
    """The runtime's end: :meth:`arm` before an event, :meth:`done` after it."""

    def __init__(self, api: str, function: str) -> None:
        commands, self._commands = os.pipe()
        runtime_pid = os.getpid()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the watchdog
            code = 0
            try:
                os.close(self._commands)
                _watch(commands, runtime_pid, api, function)
            except BaseException:  # it must never return into the runtime's code
                code = 1
            finally:
                os._exit(code)
        os.close(commands)
        self.pid = pid

    def arm(self, request_id: str, deadline_ms: int) -> None:
        self._send(f"arm {request_id} {deadline_ms}\n".encode())

    def done(self) -> None:
        self._send(b"done\n")

    def _send(self, command: bytes) -> None:
        try:  # noqa: SIM105  (contextlib.suppress would be one more import at cold start)
            os.write(self._commands, command)
        except OSError:  # the watchdog is gone: events still run, Lambda's timeout remains
            pass


def start_if_on_lambda(function: str) -> Watchdog | None:
    api = os.environ.get(RUNTIME_API_ENV)
    return Watchdog(api, function) if api else None
