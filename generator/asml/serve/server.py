"""The local gateway: an HTTP server on 127.0.0.1 that routes, authorizes, runs and logs."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asml.build.pipeline import BUILD_DIR
from asml.iomods.service import IOMODS_DIR
from asml.manifest import Project
from asml.manifest.vocabulary import HTTP_API_TIMEOUT_SECONDS
from asml.serve.auth import Verifier
from asml.serve.events import Request, Response, build_event, gateway_error, proxy_response
from asml.serve.routes import Route, match, routes_of
from asml.serve.workers import Job, Workers

Log = Callable[[str], None]


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
            outcome = self.workers.submit(job).result(timeout=timeout + 5)
        except FutureTimeout:
            return gateway_error(503, "Service Unavailable"), route.reference
        except BrokenProcessPool:
            self.workers.replace_broken()
            return gateway_error(502, "the worker running the function died"), route.reference
        if not outcome.ok:
            reason = outcome.payload.decode("utf-8", "replace")
            self.log(f"  {route.reference} failed: {reason}")
            return gateway_error(502, f"Internal Server Error: {reason}"), route.reference
        try:
            answer = json.loads(outcome.payload)
        except ValueError:
            answer = outcome.payload.decode("utf-8", "replace")
        return proxy_response(answer), route.reference


def _handler_class(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without this, Nagle and delayed ACKs
        # add ~40 ms to every keep-alive request.
        disable_nagle_algorithm = True
        server_version = "asml-serve"

        def _serve(self) -> None:
            started = time.perf_counter()
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(self.command, self.path, list(self.headers.items()), body,
                              self.client_address[0])  # fmt: skip
            try:
                response, ran = gateway.handle(request)
            except Exception as error:  # a bug in asml: answer, and keep serving
                response, ran = gateway_error(500, f"asml serve failed: {error}"), "-"
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("content-length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
            elapsed = (time.perf_counter() - started) * 1000
            gateway.log(f"{self.command} {self.path} -> {ran} {response.status} {elapsed:.1f} ms")

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request comes from _serve

    return Handler


class Server:
    def __init__(self, gateway: Gateway, port: int) -> None:
        self.gateway = gateway
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_class(gateway))
        self.httpd.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.httpd.serve_forever, name="asml-serve", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def stderr_log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
