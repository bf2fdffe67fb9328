"""`asml serve` against hostile requests and runaway guests, over real HTTP and real processes.

examples/hello gains a guest that spins forever and one that allocates until it cannot; each
test checks that the server answers as API Gateway would and keeps serving the good route.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunAsml
from tests.serving import Served, copy_example, processes_in, serving

SPIN = """#include <asml.h>

ASML_HANDLER(handler) {
    (void)event;
    volatile unsigned long turns = 0;
    for (;;) turns++;
}
"""

# Allocates 1 MB at a time, touching every page, until malloc gives up; answers how far it got.
ALLOCATE = """#include <asml.h>
#include <stdio.h>
#include <stdlib.h>

static char *volatile kept[4096]; /* volatile: the compiler may not elide the allocations */

ASML_HANDLER(handler) {
    (void)event;
    int megabytes = 0;
    while (megabytes < 4096) {
        volatile char *block = malloc(1 << 20);
        if (block == NULL) break;
        for (int page = 0; page < (1 << 20); page += 4096) block[page] = 1;
        kept[megabytes++] = (char *)block;
    }
    char answer[64];
    snprintf(answer, sizeof answer, "{\\"megabytes\\":%d}", megabytes);
    return asml_http_json(200, answer);
}
"""

FUNCTIONS = """
[functions.spin]
language = "c"
timeout_seconds = 2
http = { verb = "GET", path = "/spin" }

[functions.allocate]
language = "c"
memory_mb = 128
http = { verb = "GET", path = "/allocate" }
"""


def add_hostile_functions(root: Path, service_name: str = "api") -> None:
    service = root / "services" / service_name
    for name, source in (("spin", SPIN), ("allocate", ALLOCATE)):
        (service / name).mkdir()
        (service / name / "main.c").write_text(source)
    manifest = service / "service.toml"
    manifest.write_text(manifest.read_text() + FUNCTIONS)


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example("hello", tmp_path_factory.mktemp("hostile"))
    add_hostile_functions(root)
    return root


@pytest.fixture(scope="module")
def served(hostile_root: Path) -> Iterator[Served]:
    with serving(hostile_root, "--no-watch", "--workers", "1") as running:
        yield running


def raw(served: Served, data: bytes, *, read_for: float = 5.0) -> bytes:
    """Send ``data`` as is and return everything the server answers before it closes or
    ``read_for`` seconds pass."""
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=read_for) as connection:
        connection.sendall(data)
        received = b""
        deadline = time.monotonic() + read_for
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received and b"content-length: 0" not in received.lower():
                head, _, body = received.partition(b"\r\n\r\n")
                length = [line for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]  # fmt: skip
                if length and len(body) >= int(length[0].split(b":")[1]):
                    break
        return received


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ")[1])


@pytest.mark.parametrize("length", [b"abc", b"-1", b"1e12", b"12, 13"])
def test_a_malformed_content_length_is_a_400(served: Served, length: bytes) -> None:
    answer = raw(served, b"POST /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                 + length + b"\r\n\r\nhello")  # fmt: skip
    assert status_of(answer) == 400
    assert served.json("GET", "/hello")[0] == 200


def test_a_payload_over_10_mb_is_a_413_without_being_read(served: Served) -> None:
    declared = b"POST /hello HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60000000\r\n\r\n"
    assert status_of(raw(served, declared)) == 413
    # a chunked body has no length up front: it is cut off once it passes 10 MB
    chunk = b"x" * (1 << 20)
    chunked = b"POST /hello HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked += b"".join(b"100000\r\n" + chunk + b"\r\n" for _ in range(11)) + b"0\r\n\r\n"
    assert status_of(raw(served, chunked)) == 413
    exactly = b"x" * (10 * 1024 * 1024)
    status, _, _ = served.request("GET", "/hello", exactly)
    assert status == 200  # the limit itself is allowed


def test_a_request_head_that_never_ends_is_a_400(served: Served) -> None:
    head = b"GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + b"a" * 40000
    assert status_of(raw(served, head)) == 400


def test_an_idle_connection_is_closed(served: Served) -> None:
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as connection:
        started = time.monotonic()
        assert connection.recv(1) == b""  # closed by the server, having sent nothing
        assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io", "localhost.evil.example"]
)
def test_a_host_that_is_not_this_machine_is_refused(served: Served, host: str) -> None:
    status, _, body = served.request("GET", "/hello", headers={"Host": host})
    assert status == 403
    assert json.loads(body) == {
        "message": "asml serve answers only requests for localhost, 127.0.0.1 or [::1]"
    }


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "127.0.0.1:1", "app.localhost"])
def test_loopback_hosts_are_served(served: Served, host: str) -> None:
    assert served.request("GET", "/hello", headers={"Host": host})[0] == 200


def test_a_spinning_guest_is_stopped_and_its_worker_replaced(served: Served) -> None:
    started = time.monotonic()
    status, body = served.json("GET", "/spin")
    elapsed = time.monotonic() - started
    assert status == 502
    assert body == {"message": "Internal Server Error: GuestTimeout: ran past its timeout (2 s)"}
    assert 2 <= elapsed < 10
    # the next request to the same function gets a fresh worker (there is only one per function)
    started = time.monotonic()
    assert served.json("GET", "/spin")[0] == 502
    assert time.monotonic() - started < 10
    assert served.json("GET", "/hello")[0] == 200
    assert any("api.spin ran past its timeout of 2 s" in line for line in served.log)


def test_an_allocating_guest_is_held_to_its_memory_mb(served: Served) -> None:
    status, body = served.json("GET", "/allocate")
    assert status == 200, body
    # 128 MB for the whole worker, as on Lambda: the guest gets what the runtime leaves
    assert 16 <= body["megabytes"] < 128
    assert served.json("GET", "/hello")[0] == 200


def test_shutdown_during_a_spinning_guest_is_prompt(tmp_path: Path) -> None:
    root = copy_example("hello", tmp_path)  # its own copy: processes_in looks for leftovers
    add_hostile_functions(root)
    with serving(root, "--no-watch", "--workers", "1") as running:
        spinning = threading.Thread(target=running.json, args=("GET", "/spin"), daemon=True)
        spinning.start()
        time.sleep(1.0)  # the guest is spinning now
        stopping = time.monotonic()
    # serving() sent SIGTERM, waited for exit and checked that no worker or IOmod is left
    assert time.monotonic() - stopping < 8
    assert not processes_in(root)


def test_invoke_stops_a_spinning_guest_at_its_timeout(
    hostile_root: Path, run_asml: RunAsml
) -> None:
    started = time.monotonic()
    result = run_asml("invoke", "api.spin", cwd=hostile_root)
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "api.spin ran past its timeout of 2 s and was stopped; raise `timeout_seconds` if it"
        " needs longer"
    )
    assert time.monotonic() - started < 30  # the build is cached; the guest gets 2 s
