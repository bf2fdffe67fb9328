"""``asml serve`` as a user runs it: a real process on 127.0.0.1, stopped by the test."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.runtime.conftest import AVAILABLE_ENGINES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
_LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


def copy_example(name: str, destination: Path) -> Path:
    """A copy of ``examples/<name>`` (without build output) to change and build freely."""
    ignored = shutil.ignore_patterns(".asml", "net", "node_modules", ".zig-cache", "target")
    shutil.copytree(EXAMPLES / name, destination / name, ignore=ignored)
    if "wasmer-llvm" not in AVAILABLE_ENGINES:  # CPython 3.11+: serve them on wasmtime
        manifest = destination / name / "assemblylift.toml"
        text = manifest.read_text(encoding="utf-8")
        assert 'engine = "wasmer-llvm"' in text
        manifest.write_text(text.replace('engine = "wasmer-llvm"', 'engine = "wasmtime"'))
    return destination / name


@dataclass
class Served:
    url: str
    log: list[str]

    def request(
        self, method: str, path: str, body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers=dict(headers or {}))  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(self, method: str, path: str, payload: Any = None,
             headers: Mapping[str, str] | None = None) -> tuple[int, Any]:  # fmt: skip
        body = json.dumps(payload).encode() if payload is not None else None
        status, _, data = self.request(method, path, body, headers)
        return status, json.loads(data) if data else None


@contextmanager
def serving(root: Path, *args: str, env: Mapping[str, str] | None = None) -> Iterator[Served]:
    """``asml serve --port 0 ARGS`` in ``root`` until the block ends; fails on a leftover."""
    command = [sys.executable, "-m", "asml", "serve", "--port", "0", *args]
    environment = {**os.environ, **(env or {})}
    process = subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stderr is not None
    log: list[str] = []
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line.rstrip("\n"))
            match = _LISTENING.search(line)
            if match:
                found.append(match.group(1))
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(600) or not found:
            raise AssertionError("asml serve did not start:\n" + "\n".join(log))
        yield Served(found[0], log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError("asml serve did not stop on SIGTERM") from None
        reader.join(timeout=10)
        process.stderr.close()
    assert process.returncode == 0, "\n".join(log)
    wait_for(lambda: not processes_in(root), timeout=20, what=lambda: _describe(processes_in(root)))


def processes_in(root: Path) -> list[int]:
    """Processes working in ``root``: serve's workers and the IOmods they start."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cwd = (entry / "cwd").resolve()
            except OSError:
                continue
            if cwd == root.resolve() or root.resolve() in cwd.parents:
                found.append(int(entry.name))
    return found


def wait_for(check: Any, timeout: float = 120, what: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out" + (f": {what()}" if what else ""))
        time.sleep(0.5)


def command_line(pid: int) -> bytes:
    """A process's command line, NUL-separated (empty once it has gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _describe(pids: list[int]) -> str:
    """What the processes are, for a failure message."""
    found = []
    for pid in pids:
        try:
            parent = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1]
            command = Path(f"/proc/{pid}/cmdline").read_bytes()[:160]
            found.append(f"{pid} (parent {parent}) {command!r}")
        except OSError:
            continue
    return "; ".join(found)
