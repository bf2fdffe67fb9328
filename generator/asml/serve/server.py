"""The local gateway: an HTTP server on 127.0.0.1 that routes, authorizes, runs and logs.

HTTP itself is uvicorn's (with httptools): it answers malformed requests (a Content-Length of
``abc`` or ``-1``, say) with 400; serve adds a bound on a request's head and closes connections
idle for :data:`IDLE_TIMEOUT_S`. On top of
it, serve checks what API Gateway would: the 10 MB payload limit (413), and a ``Host`` that
names this machine, so that a web page cannot reach your functions (and through their IOmods
your AWS credentials) by DNS rebinding.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from asml.build.pipeline import BUILD_DIR
from asml.iomods.service import IOMODS_DIR
from asml.manifest import Project
from asml.manifest.vocabulary import HTTP_API_TIMEOUT_SECONDS
from asml.serve.auth import Verifier
from asml.serve.events import Request, Response, build_event, gateway_error, proxy_response
from asml.serve.routes import Route, match, routes_of
from asml.serve.workers import Job, NoWorker, WorkerDied, Workers, WorkerTimeout

Log = Callable[[str], None]

# API Gateway's limit on a request's payload.
MAX_BODY_BYTES = 10 * 1024 * 1024
IDLE_TIMEOUT_S = 5
# The request line and headers: API Gateway's limit is 10 KB of headers.
MAX_HEAD_BYTES = 16 * 1024
# A request, once begun, must arrive whole within this long (a slow head or a stalled body).
REQUEST_TIMEOUT_ENV = "ASML_SERVE_REQUEST_TIMEOUT"
REQUEST_TIMEOUT_S = float(os.environ.get(REQUEST_TIMEOUT_ENV) or 30)
# Requests run on threads (they wait for a worker process), this many at once.
MAX_CONCURRENT_REQUESTS = 64


_HOST = re.compile(r"^(?:\[(?P<ipv6>[0-9a-fA-F:.]+)\]|(?P<name>[^:\[\]/@]+))(?::\d{1,5})?$")


@functools.lru_cache(maxsize=64)  # a client sends the same Host with every request
def is_loopback_host(host: str | None) -> bool:
    """Whether a ``Host`` header names this machine, with or without a port: localhost (and
    *.localhost, which never leaves it, RFC 6761), a loopback address (127.0.0.0/8, [::1]). No
    header at all is HTTP/1.0, which browsers never send."""
    if host is None:
        return True
    found = _HOST.match(host.strip())
    if found is None:
        return False
    name = (found["ipv6"] or found["name"]).lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass
class Site:
    """What the server serves; swapped whole when the project is rebuilt."""

    project: Project
    routes: list[Route]
    verifier: Verifier
    stage_variables: dict[str, dict[str, str]]  # by service

    @classmethod
    def of(cls, project: Project, service: str | None) -> Site:
        routes = routes_of(project, service)
        directories = {s.name: s.directory for s in project.services}
        variables = {s.name: dict(s.manifest.http.stage_variables) for s in project.services}
        return cls(project, routes, Verifier(directories), variables)


class Gateway:
    def __init__(self, site: Site, workers: Workers, log: Log) -> None:
        self.site = site
        self.workers = workers
        self.log = log

    def handle(self, request: Request) -> tuple[Response, str]:
        """The response, and what ran (for the log line)."""
        site = self.site
        path = request.target.partition("?")[0]
        found = match(site.routes, request.method, path)
        if found is None:
            return gateway_error(404, "Not Found"), "-"
        route, parameters = found
        checked = site.verifier.check(route, request)
        if isinstance(checked, Response):
            return checked, route.reference
        event = build_event(request, route, parameters, checked,
                            site.stage_variables.get(route.service) or None)  # fmt: skip
        function = site.project.service(route.service).manifest.functions[route.function]
        timeout = min(function.timeout_seconds, HTTP_API_TIMEOUT_SECONDS)
        root = site.project.root / BUILD_DIR / route.service
        job = Job(str(root / route.function), str(root / IOMODS_DIR), function.memory_mb,
                  json.dumps(event, separators=(",", ":")).encode(), float(timeout))  # fmt: skip
        try:
            outcome = self.workers.run(job)
        except WorkerTimeout:
            self.log(f"  {route.reference} ran past its timeout of {timeout} s;"
                     " its worker was stopped and will be replaced")  # fmt: skip
            if timeout >= HTTP_API_TIMEOUT_SECONDS:  # API Gateway gave up first
                return gateway_error(503, "Service Unavailable"), route.reference
            return gateway_error(
                502, f"Internal Server Error: GuestTimeout: ran past its timeout ({timeout} s)"
            ), route.reference
        except WorkerDied:
            self.log(f"  {route.reference}: its worker died; it will be replaced")
            return gateway_error(502, "the worker running the function died"), route.reference
        except NoWorker:
            self.log(f"  {route.reference}: no worker came free within {timeout} s")
            return gateway_error(503, "Service Unavailable"), route.reference
        if not outcome.ok:
            reason = outcome.payload.decode("utf-8", "replace")
            self.log(f"  {route.reference} failed: {reason}")
            return gateway_error(502, f"Internal Server Error: {reason}"), route.reference
        try:
            answer = json.loads(outcome.payload)
        except ValueError:
            answer = outcome.payload.decode("utf-8", "replace")
        return proxy_response(answer), route.reference


class _Protocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 over httptools, with additions: TCP_NODELAY; a request head bounded
    at :data:`MAX_HEAD_BYTES` (httptools alone would buffer any amount); a connection that never
    sends a request is closed after :data:`IDLE_TIMEOUT_S` too, not only one idle between
    requests; and one whose request, once begun, does not arrive whole within
    :data:`REQUEST_TIMEOUT_S` (a head sent a byte at a time, a body that stalls) is closed."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # The head and the body go out in separate writes; without this, Nagle and delayed
        # ACKs add ~40 ms to every keep-alive request (asyncio leaves it to the protocol).
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )
        self._head_bytes = 0
        self._in_head = True
        self._request_timer: asyncio.TimerHandle | None = None
        self._receiving = False  # a request has begun and not yet arrived whole

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # Checked after parsing, so a head and a body that arrive together are not mistaken
        # for a long head.
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self.send_400_response("Request head too large")
        # Bytes that begin no request (httptools skips blank lines) cancelled the idle timer
        # above; without a timer of some kind the connection would stay open forever.
        serving = self.cycle is not None and not self.cycle.response_complete
        if (self._request_timer is None and self.timeout_keep_alive_task is None
                and not serving and not self.transport.is_closing()):  # fmt: skip
            self._request_timer = self.loop.call_later(REQUEST_TIMEOUT_S, self._request_too_slow)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._receiving = True
        self._cancel_request_timer()
        self._request_timer = self.loop.call_later(REQUEST_TIMEOUT_S, self._request_too_slow)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._receiving = False
        self._cancel_request_timer()
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_request_timer()
        super().connection_lost(exc)

    def _cancel_request_timer(self) -> None:
        timer = self._request_timer
        if timer is not None:
            timer.cancel()
            self._request_timer = None

    def _request_too_slow(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        responding = self.cycle is not None and not self.cycle.response_complete
        if self.pipeline or (responding and not self._receiving):
            # an earlier response is still being made (reading waits for it): not the
            # client's fault; look again later
            self._request_timer = self.loop.call_later(REQUEST_TIMEOUT_S, self._request_too_slow)
            return
        self.transport.close()


async def _send(send: Any, response: Response, *, head_only: bool) -> None:
    headers = [(name.encode(), value.encode()) for name, value in response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head_only else response.body})


class _Gone(Exception):
    """The client went away before sending its whole request."""


async def _read_body(receive: Any) -> bytes | None:
    """The request's body, or None once it grows past :data:`MAX_BODY_BYTES`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _Gone()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


class App:
    """The ASGI side: checks the request, runs it through the gateway on a thread, logs."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.threads = ThreadPoolExecutor(MAX_CONCURRENT_REQUESTS, thread_name_prefix="asml-req")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        method: str = scope["method"]
        target = scope["raw_path"].decode("latin-1")
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        try:
            response, ran = await self._answer(scope, receive, method, target, headers)
        except _Gone:
            self.gateway.log(f"{method} {target} -> - client went away before its body ended")
            return
        await _send(send, response, head_only=method == "HEAD")
        elapsed = (time.perf_counter() - started) * 1000
        self.gateway.log(f"{method} {target} -> {ran} {response.status} {elapsed:.1f} ms")

    async def _answer(self, scope: Any, receive: Any, method: str, target: str,
                      headers: list[tuple[str, str]]) -> tuple[Response, str]:  # fmt: skip
        hosts = [value for name, value in headers if name == "host"]
        if len(hosts) > 1 or not is_loopback_host(hosts[0] if hosts else None):
            return gateway_error(
                403, "asml serve answers only requests for localhost, 127.0.0.1 or [::1]"
            ), "-"
        lengths = [value for name, value in headers if name == "content-length"]
        if lengths and lengths[0].isdigit() and int(lengths[0]) > MAX_BODY_BYTES:
            return gateway_error(413, "Request Entity Too Large"), "-"
        body = await _read_body(receive)
        if body is None:
            return gateway_error(413, "Request Entity Too Large"), "-"
        client = scope.get("client") or ("127.0.0.1", 0)
        request = Request(method, target, headers, body, client[0])
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.threads, self.gateway.handle, request)
        except Exception as error:  # a bug in asml: answer, and keep serving
            return gateway_error(500, f"asml serve failed: {error}"), "-"


class Server:
    """uvicorn on 127.0.0.1, on a thread of its own."""

    def __init__(self, gateway: Gateway, port: int) -> None:
        self.gateway = gateway
        self.app = App(gateway)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port))
        config = uvicorn.Config(
            self.app,
            http=_Protocol,
            lifespan="off",
            access_log=False,  # one line per request comes from App
            log_level="error",  # a malformed request gets its 400, not a warning
            timeout_keep_alive=IDLE_TIMEOUT_S,
            timeout_graceful_shutdown=2,
            server_header=False,
            headers=[("server", "asml-serve")],
        )
        self.uvicorn = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    def serve_in_background(self) -> threading.Thread:
        # The event loop and the request threads take turns with the GIL; CPython's default
        # 5 ms turn showed up as 5-10 ms added to the slowest requests.
        sys.setswitchinterval(0.0005)
        thread = threading.Thread(
            target=self.uvicorn.run, kwargs={"sockets": [self.socket]}, name="asml-serve",
            daemon=True,
        )  # fmt: skip
        thread.start()
        while not self.uvicorn.started and thread.is_alive():
            time.sleep(0.01)
        self._thread = thread
        return thread

    def stop_accepting(self) -> None:
        self.uvicorn.should_exit = True

    def close(self) -> None:
        self.stop_accepting()
        if self._thread is not None:
            self._thread.join(timeout=5)
            if self._thread.is_alive():
                self.uvicorn.force_exit = True
                self._thread.join(timeout=5)
        self.app.threads.shutdown(wait=False, cancel_futures=True)
        self.socket.close()


def stderr_log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
