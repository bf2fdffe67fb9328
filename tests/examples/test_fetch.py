"""examples/fetch through `asml serve`: an outside API (a loopback server here) reached through
akkoro.std.http, its address from a stage variable; the Rust health function."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import copy_example, serving


class Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/zen":
            body, status = b"Design for failure.\n", 200
        else:
            body, status = b"gone", 500
        self.send_response(status)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _pointed_at(tmp_path: Path, url: str) -> Path:
    root = copy_example("fetch", tmp_path)
    manifest = root / "services" / "api" / "service.toml"
    manifest.write_text(manifest.read_text().replace("https://api.github.com/zen", url))
    return root


def test_quote_comes_from_the_upstream_through_the_http_iomod(
    tmp_path: Path, upstream: str
) -> None:
    root = _pointed_at(tmp_path, f"{upstream}/zen")
    with serving(root, "--no-watch") as served:
        assert served.json("GET", "/quote") == (200, {"quote": "Design for failure."})
        status, health = served.json("GET", "/health")
        assert status == 200
        assert health["ok"] is True and health["upstream"] == f"{upstream}/zen"


def test_an_upstream_failure_is_a_502(tmp_path: Path, upstream: str) -> None:
    root = _pointed_at(tmp_path, f"{upstream}/broken")
    with serving(root, "--no-watch") as served:
        assert served.json("GET", "/quote") == (
            502, {"error": "the upstream API answered 500"}
        )  # fmt: skip
