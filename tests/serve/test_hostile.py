"""`asml serve` against hostile requests and runaway guests, over real HTTP and real processes.

examples/hello gains a guest that spins forever and one that allocates until it cannot; each
test checks that the server answers as API Gateway would and keeps serving the good route.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asml.manifest import load_project
from asml.serve.server import is_loopback_host
from tests.serving import Served, copy_example, processes_in, serving

# Spins forever when asked to (?spin=1), else answers.
SPIN = """#include <asml.h>

static int asked_to_spin(const asml_event *event) {
    const char *wanted = "spin=1";
    for (uint32_t i = 0; i + 6 <= event->len; i++)
        if (memcmp(event->data + i, wanted, 6) == 0) return 1;
    return 0;
}

ASML_HANDLER(handler) {
    volatile unsigned long turns = 0;
    if (asked_to_spin(event))
        for (;;) turns++;
    return asml_http_json(200, "{\\"spun\\":false}");
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


def engine_of(root: Path) -> str:
    return load_project(root).manifest.project.engine


def timed_out(body: object, engine: str) -> bool:
    """The 502 of a guest that ran past its 2 s timeout: wasmtime stops the guest itself;
    a wasmer guest cannot be stopped, so serve kills its worker."""
    message = body["message"] if isinstance(body, dict) else ""
    if engine == "wasmtime":
        return bool(message == "Internal Server Error: GuestTimeout: the guest ran past its"
                    " deadline (2.000 s)")  # fmt: skip
    return bool(message == "Internal Server Error: GuestTimeout: ran past its timeout (2 s)")


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


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


def test_a_spinning_guest_is_stopped_and_its_worker_replaced(
    served: Served, hostile_root: Path
) -> None:
    engine = engine_of(hostile_root)
    assert served.json("GET", "/spin") == (200, {"spun": False})
    started = time.monotonic()
    status, body = served.json("GET", "/spin?spin=1")
    elapsed = time.monotonic() - started
    assert (status, timed_out(body, engine)) == (502, True), body
    assert 2 <= elapsed < 10
    # the same function answers at once: its only worker was stopped, not left spinning
    started = time.monotonic()
    assert served.json("GET", "/spin") == (200, {"spun": False})
    assert time.monotonic() - started < 5
    # and nothing of it is still burning a CPU
    workers = processes_in(hostile_root)
    before = cpu_seconds(workers)
    time.sleep(1.0)
    assert cpu_seconds(workers) - before < 0.5
    if engine != "wasmtime":
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
        spinning = threading.Thread(target=running.json, args=("GET", "/spin?spin=1"),
                                    daemon=True)  # fmt: skip
        spinning.start()
        time.sleep(1.0)  # the guest is spinning now
        stopping = time.monotonic()
    # serving() sent SIGTERM, waited for exit and checked that no worker or IOmod is left
    assert time.monotonic() - stopping < 8
    assert not processes_in(root)


def test_invoke_stops_a_spinning_guest_at_its_timeout(hostile_root: Path) -> None:
    # a real process, as a user runs it: its worker (and multiprocessing's helper) go with it
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "asml", "invoke", "api.spin", "--event", "-"],
        cwd=hostile_root, input='{"rawQueryString": "spin=1"}', capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    if engine_of(hostile_root) == "wasmtime":
        assert result.stderr.strip().endswith(
            "api.spin failed: GuestTimeout: the guest ran past its deadline (2.000 s)"
        )
    else:
        assert result.stderr.strip().endswith(
            "api.spin ran past its timeout of 2 s and was stopped; raise `timeout_seconds` if"
            " it needs longer"
        )
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 60  # the build is cached; the guest gets 2 s


@pytest.mark.parametrize(
    ("host", "ours"),
    [
        ("localhost", True), ("LOCALHOST:8080", True), ("localhost.", True),
        ("app.localhost:3000", True), ("127.0.0.1", True), ("127.0.0.2:80", True),
        ("[::1]", True), ("[::1]:8080", True), ("[0:0:0:0:0:0:0:1]", True), (None, True),
        ("evil.example", False), ("[::1]evil.com", False), ("[::1]@x", False),
        ("localhost:evil", False), ("localhost.evil.example", False), ("10.0.0.1", False),
        ("[::2]", False), ("", False), ("127.0.0.1.nip.io:80", False),
    ],
)  # fmt: skip
def test_which_hosts_name_this_machine(host: str | None, ours: bool) -> None:
    assert is_loopback_host(host) is ours


def test_a_request_that_stalls_is_dropped_and_never_runs(tmp_path: Path) -> None:
    root = copy_example("hello", tmp_path)  # its own copy: processes_in looks for leftovers
    add_hostile_functions(root)
    with serving(root, "--no-watch", "--workers", "1",
                 env={"ASML_SERVE_REQUEST_TIMEOUT": "2"}) as running:  # fmt: skip
        host, port = running.url.removeprefix("http://").split(":")
        # a body that stops halfway: the connection is closed after the request timeout
        with socket.create_connection((host, int(port)), timeout=20) as connection:
            connection.sendall(b"GET /spin HTTP/1.1\r\nHost: localhost\r\n"
                               b"Content-Length: 100\r\n\r\n0123456789")  # fmt: skip
            started = time.monotonic()
            assert connection.recv(1024) == b""
            assert 1.5 < time.monotonic() - started < 10
        # a head sent a byte at a time is cut off too, however steady
        with socket.create_connection((host, int(port)), timeout=20) as connection:
            started = time.monotonic()
            closed = False
            for byte in b"GET /spin HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 100:
                try:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.1)
                    closed = connection.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b""
                except BlockingIOError:  # nothing to read: still open
                    pass
                except OSError:  # reset, or a broken pipe: closed
                    closed = True
                if closed or time.monotonic() - started > 10:
                    break
            assert closed
            assert 1.5 < time.monotonic() - started < 10
        # a client that goes away before its body ends: nothing runs
        with socket.create_connection((host, int(port)), timeout=20) as connection:
            connection.sendall(b"GET /spin?spin=1 HTTP/1.1\r\nHost: localhost\r\n"
                               b"Content-Length: 100\r\n\r\n0123")  # fmt: skip
        time.sleep(1.0)
    assert not any(line.startswith("GET /spin -> api.spin") for line in running.log)
    assert any("client went away before its body ended" in line for line in running.log)


def test_blank_lines_do_not_keep_a_connection_open(served: Served) -> None:
    # httptools skips the blank lines before a request without beginning one
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as connection:
        connection.sendall(b"\r\n")
        started = time.monotonic()
        assert connection.recv(1) == b""
        assert time.monotonic() - started < 45  # the request timeout: 30 s
