"""checkov, the IaC scanner platform teams run in CI, over the Terraform asml ships: each
example's committed net/ and each module's examples. Every check must pass or be waived in the
resource it applies to, with its reason (`# checkov:skip=CKV_AWS_NNN: reason`; docs/terraform.md
lists them all). A failed check is a gap to fix, or one that does not fit, to waive and say why.

checkov runs offline from its own venv (scripts/bootstrap.sh): no API key, no download of
policies or guidelines, no check for a newer version, no external checks.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKOV = Path(os.environ.get("ASML_CHECKOV") or REPO / ".venv-checkov" / "bin" / "checkov")
SCANNED = sorted([*REPO.glob("examples/*/net"), *REPO.glob("modules/*/examples/*")])

pytestmark = pytest.mark.checkov


@dataclass(frozen=True)
class Scan:
    passed: int
    skipped: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    parsing_errors: list[str]
    resources: int


def _where(directory: Path, check: dict[str, Any]) -> str:
    """file:line of a check's resource, relative to the repository."""
    path = Path(check.get("file_abs_path") or directory / check["file_path"].lstrip("/"))
    path = path.resolve()
    shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    return f"{shown.as_posix()}:{check['file_line_range'][0]}"


def checkov(directory: Path, scratch: Path) -> Scan:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BC_", "PRISMA_", "CKV_", "CHECKOV_"))
    }
    env.update(
        CKV_SKIP_PACKAGE_UPDATE_CHECK="true",  # it would ask PyPI for a newer checkov
        CKV_CACHE_DIR=str(scratch / "cache"),
        LOG_LEVEL="WARNING",
    )
    result = subprocess.run(
        [str(CHECKOV), "--directory", str(directory), "--framework", "terraform",
         "--output", "json", "--skip-download", "--download-external-modules", "false"],
        cwd=scratch, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    # 0: every check passed or was waived; 1: some failed; anything else is checkov's error
    assert result.returncode in (0, 1), f"checkov failed on {directory}:\n{result.stderr}"
    loaded = json.loads(result.stdout)
    reports = loaded if isinstance(loaded, list) else [loaded]
    terraform = [r for r in reports if r.get("check_type") == "terraform"]
    # with nothing to scan checkov prints a bare summary, without check_type or results
    assert terraform, f"checkov found no Terraform in {directory}: {result.stdout[:500]}"
    (report,) = terraform
    results, summary = report["results"], report["summary"]
    return Scan(
        passed=summary["passed"],
        skipped=results.get("skipped_checks", []),
        failed=results.get("failed_checks", []),
        parsing_errors=results.get("parsing_errors", []),
        resources=summary["resource_count"],
    )


@pytest.mark.parametrize("directory", SCANNED, ids=[str(d.relative_to(REPO)) for d in SCANNED])
def test_every_check_passes_or_is_waived_with_a_reason(
    directory: Path, tmp_path: Path, checkov_summary: list[str]
) -> None:
    assert CHECKOV.is_file(), f"{CHECKOV} is missing: run scripts/bootstrap.sh (make bootstrap)"
    scan = checkov(directory, tmp_path)
    checkov_summary.append(
        f"{directory.relative_to(REPO).as_posix()}: {scan.passed} passed,"
        f" {len(scan.skipped)} waived, {len(scan.failed)} failed ({scan.resources} resources)"
    )
    assert scan.parsing_errors == [], f"checkov could not parse: {scan.parsing_errors}"
    assert scan.resources > 0, f"checkov saw no resources in {directory}"
    unexplained = [
        f"{c['check_id']} {c['resource']} {_where(directory, c)}"
        for c in scan.skipped
        if not (c.get("check_result", {}).get("suppress_comment") or "").strip()
    ]
    assert unexplained == [], "waived without a reason (`# checkov:skip=ID: reason`)"
    failed = sorted(
        f"{c['check_id']} {c['resource']} {_where(directory, c)}  {c['check_name']}"
        for c in scan.failed
    )
    assert failed == [], (
        f"{len(failed)} check(s) failed in {directory.relative_to(REPO)}; fix the resource, or"
        " waive the check inside it with `# checkov:skip=ID: reason` and list it in"
        " docs/terraform.md:\n  " + "\n  ".join(failed)
    )


def test_every_example_and_module_example_is_scanned() -> None:
    names = {d.relative_to(REPO).as_posix() for d in SCANNED}
    assert {"examples/hello/net", "examples/fetch/net", "examples/todo/net"} <= names
    for module in (REPO / "modules").iterdir():
        if module.is_dir():
            assert f"modules/{module.name}/examples/basic" in names
