"""The Lambda handler in a fresh process, as Lambda starts it: what a cold start imports (the
runtime keeps the heavy standard modules off its init path), and events it must survive.

Each of these costs milliseconds of every Lambda cold start (bench/RESULTS.md): logging (with
traceback, threading, weakref), dataclasses (with inspect, ast), typing, pathlib and hashlib
(OpenSSL). A change that brings one back at import fails here, not only in a benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ["logging", "dataclasses", "inspect", "typing", "pathlib", "hashlib", "importlib.util"]
PROBE = """
import json, sys
before = set(sys.modules)
from asml_runtime.lambda_handler import handler
print(json.dumps({"added": sorted(set(sys.modules) - before),
                  "answer": handler({"ping": 1}, None)}))
"""


@pytest.mark.wasmer
def test_a_cold_start_imports_none_of_the_heavy_modules(guests: Path) -> None:
    environment = {**os.environ, "ASML_FUNCTION_DIR": str(guests / "echo-wasmer-llvm")}
    environment.pop("ASML_LOG_LEVEL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout)
    assert found["answer"] == {"ping": 1}
    assert [name for name in HEAVY if name in found["added"]] == []
    assert "wasmer" in found["added"]  # the probe did load the function


@pytest.mark.wasmer
def test_an_event_with_a_lone_surrogate_reaches_the_guest_escaped(guests: Path) -> None:
    # ensure_ascii=False JSON of "\ud800" is no UTF-8: it once raised UnicodeEncodeError.
    probe = (
        "import json\n"
        "from asml_runtime.lambda_handler import handler\n"
        "print(json.dumps(handler({'text': 'a\\ud800b', 'ok': 'ü'}, None)))\n"
    )
    environment = {**os.environ, "ASML_FUNCTION_DIR": str(guests / "echo-wasmer-llvm")}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {"text": "a\ud800b", "ok": "ü"}


@pytest.mark.wasmer
def test_a_failure_still_logs_through_logging(guests: Path) -> None:
    # logging arrives when there is something to log, configured as before.
    probe = (
        "from asml_runtime.lambda_handler import handler\n"
        "try:\n"
        "    handler({}, None)\n"
        "except Exception as error:\n"
        "    print(type(error).__name__)\n"
    )
    environment = {**os.environ, "ASML_FUNCTION_DIR": str(guests / "trap-wasmer-llvm")}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout == "GuestTrap\n"
    assert "ERROR asml.runtime t.trap-wasmer-llvm: GuestTrap:" in result.stderr
    assert "guest backtrace" in result.stderr
