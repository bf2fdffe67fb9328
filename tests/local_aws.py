"""A local AWS for tests: moto_server on 127.0.0.1, started and stopped by the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.lambda_emulator import free_port


def moto_server_binary() -> str:
    beside = Path(sys.executable).parent / "moto_server"
    found = str(beside) if beside.is_file() else shutil.which("moto_server")
    if not found:
        raise RuntimeError("moto_server is missing: run scripts/bootstrap.sh")
    return found


@contextmanager
def running_moto(log: Path) -> Iterator[str]:
    """A moto server on a free loopback port while the block runs; its URL."""
    port = free_port()
    environment = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [moto_server_binary(), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def reset(url: str) -> None:
    """Forget everything moto holds."""
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
