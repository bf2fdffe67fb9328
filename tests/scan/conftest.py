"""The scan's summary: per directory the checks checkov passed, waived and failed, printed at
the end of the run so that `make test` shows them."""

from __future__ import annotations

import re

import pytest

# Lines of the summary, one per directory scanned, in the order the tests ran.
SUMMARY = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "checkov: runs checkov (from .venv-checkov) over Terraform")
    config.stash[SUMMARY] = []


@pytest.fixture
def checkov_summary(request: pytest.FixtureRequest) -> list[str]:
    return request.config.stash[SUMMARY]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("checkov")
        for line in lines:
            terminalreporter.write_line(line)
        totals = [0, 0, 0]
        for line in lines:
            counts = re.findall(r"(\d+) (?:passed|waived|failed)", line)
            totals = [t + int(c) for t, c in zip(totals, counts, strict=True)]
        terminalreporter.write_line(
            f"total, {len(lines)} directories: {totals[0]} passed, {totals[1]} waived,"
            f" {totals[2]} failed"
        )
