"""The real AWS Lambda Runtime Interface Emulator, running our handler under ``awslambdaric``.

The emulator binary comes from the aws-sam-cli wheel (``scripts/bootstrap.sh`` puts it in the
venv's ``bin/``). It listens on 127.0.0.1 only and is stopped when the context exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HANDLER = "asml_runtime.lambda_handler.handler"
INVOCATIONS = "/2015-03-31/functions/function/invocations"


def emulator_binary() -> Path:
    beside = Path(sys.executable).parent / "aws-lambda-rie"
    found = beside if beside.is_file() else Path(shutil.which("aws-lambda-rie") or "")
    if not found.is_file():
        raise RuntimeError("aws-lambda-rie is missing: run scripts/bootstrap.sh")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Response:
    status: int  # the emulator's HTTP status: 200, or 502 when the runtime died
    body: Any  # the JSON the function returned, or Lambda's error object

    @property
    def error_type(self) -> str | None:
        if isinstance(self.body, dict) and "errorType" in self.body:
            return str(self.body["errorType"])
        return None


class Emulator:
    def __init__(
        self, process: subprocess.Popen[bytes], port: int, log: Path, task_root: Path
    ) -> None:
        self.process = process
        self.task_root = task_root
        self.url = f"http://127.0.0.1:{port}{INVOCATIONS}"
        self.log_path = log

    def invoke(self, event: Any, *, timeout: float = 60) -> Response:
        request = urllib.request.Request(self.url, data=json.dumps(event).encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                status, text = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        try:
            body = json.loads(text)
        except ValueError:
            body = text.decode("utf-8", "replace")
        return Response(status, body)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited at start:\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise RuntimeError("the emulator did not start listening within 10 s")


@contextlib.contextmanager
def lambda_emulator(
    function_dir: Path,
    *,
    log: Path,
    memory_mb: int = 512,
    timeout_s: int = 30,
    env: Mapping[str, str] | None = None,
    python: str = sys.executable,
    pythonpath: Path | Sequence[Path] | None = None,
    bootstrap: Path | None = None,
) -> Iterator[Emulator]:
    """Serve the function in ``function_dir`` as Lambda would (it is LAMBDA_TASK_ROOT).

    With ``bootstrap`` (a custom runtime's, from its unpacked layers) the emulator runs it,
    as Lambda runs ``/opt/bootstrap`` on ``provided.al2023``; otherwise ``python`` runs
    awslambdaric as Lambda's managed Python runtimes do.
    """
    port, api_port = free_port(), free_port()
    environment = {
        **os.environ,
        "LAMBDA_TASK_ROOT": str(function_dir),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(timeout_s),
        "AWS_LAMBDA_FUNCTION_NAME": "asml-test",
        "AWS_REGION": "us-east-1",
        "_HANDLER": HANDLER,
        **(env or {}),
    }
    environment.pop("ASML_FUNCTION_DIR", None)
    if pythonpath is not None:
        paths = [pythonpath] if isinstance(pythonpath, Path) else list(pythonpath)
        environment["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    if bootstrap is not None:  # a custom runtime gets no Python from Lambda
        for key in [k for k in environment if k.startswith("PYTHON") or k == "VIRTUAL_ENV"]:
            del environment[key]
    runtime = [str(bootstrap)] if bootstrap is not None else [python, "-m", "awslambdaric", HANDLER]
    argv = [
        str(emulator_binary()),
        "--runtime-interface-emulator-address", f"127.0.0.1:{port}",
        "--runtime-api-address", f"127.0.0.1:{api_port}",
        *runtime,
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            argv,
            cwd=function_dir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_listening(port, process, log)
        yield Emulator(process, port, log, function_dir)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
