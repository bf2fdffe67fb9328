"""``asml serve`` throughput: requests per second and latency for examples/hello, with one and
with two worker processes, under concurrent keep-alive clients on 127.0.0.1."""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from pathlib import Path

from tests.serving import copy_example, serving

from asml.manifest import load_project
from bench.harness import Table, seconds

CLIENTS = 8


def _load(url: str, duration: float) -> list[float]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection.request("GET", "/hello")
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors.append(response.status)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise AssertionError(f"asml serve answered {len(errors)} requests with errors")
    return latencies


def tables(quick: bool) -> list[Table]:
    duration = 2.0 if quick else 15.0
    with tempfile.TemporaryDirectory(prefix="asml-bench-serve-") as scratch:
        root = copy_example("hello", Path(scratch))
        engine = load_project(root).manifest.project.engine
        table = Table(
            f"`asml serve`: GET /hello (examples/hello, {engine}), {CLIENTS} concurrent"
            " keep-alive clients",
            ["workers", "requests/s", "p50", "p99"],
        )
        for workers in (1, 2):
            with serving(root, "--no-watch", "--workers", str(workers)) as served:
                _load(served.url, 1.0)  # every worker loads the function once
                latencies = _load(served.url, duration)
            ordered = sorted(latencies)
            table.rows.append([
                str(workers),
                f"{len(latencies) / duration:,.0f}",
                seconds(statistics.median(ordered)),
                seconds(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]),
            ])  # fmt: skip
    table.notes.append(
        f"{duration:.0f} s per row after a 1 s warm-up; the clients run on the same 2 vCPUs as"
        " the server, so the numbers are a floor"
    )
    return [table]
