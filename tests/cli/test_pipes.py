"""A command whose reader stops early (`| head`) ends quietly, not with an internal error."""

from __future__ import annotations

import subprocess
import sys


def test_a_closed_pipe_is_not_a_bug() -> None:
    # head exits after 10 bytes; the schema goes on writing into the closed pipe.
    asml = f"{sys.executable} -m asml"
    command = f"{asml} schema service | head -c 10; echo; {asml} schema project | head -c 0"
    result = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.startswith("{")
    assert "Internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
