"""The benchmark harness still runs (tiny sizes), so it cannot rot between `make bench` runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.wasmer
def test_bench_quick_runs(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT, check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    text = out.read_text()
    assert "### Precompile per engine" in text
    assert "| hello (c) |" in text
    assert "| warm cache (nothing changed) |" in text
    assert "### Cold start: fresh process to first response" in text
    assert "| hello, wasmer-llvm |" in text
    assert "| geomean vs native | 1.00x |" in text
    assert (
        "### Cold start: wasmer-llvm hello on the custom runtime vs the managed python3.10" in text
    )
    assert "| under the Lambda emulator, provided.al2023 (/opt/bootstrap, awslambdaric) |" in text
    assert "### Runtime layer size" in text
    assert "| CPython 3.10 interpreter layer (custom runtime) |" in text
    assert "### IOmod round trip: guest -> IOmod process -> guest" in text
    assert "| guest on wasmer-llvm | 1 MB |" in text
    assert "### `asml plan` vs raw `terraform plan`" in text
    assert "| `terraform plan` |" in text
    assert "| `asml deploy --code-only --yes` |" in text
    assert "### `asml serve`: GET /hello (examples/hello, wasmer-llvm)" in text
