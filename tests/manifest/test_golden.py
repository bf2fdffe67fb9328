"""Golden tests: each project under golden/<case>/project is checked, and the exact output of
`asml check` is compared with golden/<case>/expected.txt.

Set ASML_UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import RunAsml

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "project").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_check_output(case: str, run_asml: RunAsml) -> None:
    project = GOLDEN / case / "project"
    result = run_asml("-C", str(project), "check")
    actual = f"{result.output}exit code: {result.exit_code}\n"
    expected_file = GOLDEN / case / "expected.txt"
    if os.environ.get("ASML_UPDATE_GOLDEN") == "1":
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_case_has_expected_output() -> None:
    assert CASES, "no golden cases found"
    for case in CASES:
        assert (GOLDEN / case / "expected.txt").is_file(), f"{case} has no expected.txt"
