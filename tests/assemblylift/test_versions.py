"""One AssemblyLift project per manifest version (0.1, 0.2, 0.3, 0.4-alpha, 0.4-beta), each
written in that version's shape, through `asml check`, the HCL `asml cast` writes, and
`asml migrate`. Expected outputs are snapshots under projects/<version>/:

    check.txt     what `asml check` prints for the project as AssemblyLift wrote it
    net/          the HCL (with stand-in zips, as tests/generate does)
    migrate.txt   what `asml migrate` prints
    migrate-dry-run.txt   what `asml migrate --dry-run` prints: the diff, then the report
    migrated/     the manifests `asml migrate` writes

``ASML_UPDATE_GOLDEN=1`` rewrites them; review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from asml.generate.net import write_net
from asml.generate.render import render
from asml.generate.resolve import resolve
from asml.generate.user_tf import declared_variables
from asml.manifest import load_project
from tests.conftest import RunAsml
from tests.generate.conftest import stand_in_packaged
from tests.terraform import Terraform, make_terraform

PROJECTS = Path(__file__).parent / "projects"
VERSIONS = ["0.1", "0.2", "0.3", "0.4-alpha", "0.4-beta"]
UPDATE = os.environ.get("ASML_UPDATE_GOLDEN") == "1"


def _manifests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted([root / "assemblylift.toml", *root.glob("services/*/service.toml")])
    }


def _snapshot(actual: str, expected: Path) -> None:
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8"), f"differs from {expected}"


def _hcl(root: Path) -> dict[str, str]:
    project = load_project(root)
    packaged, package_root = stand_in_packaged(project)
    return render(resolve(project, packaged, package_root, declared_variables(project.root)))


@pytest.fixture(scope="module")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    return make_terraform(tmp_path_factory.mktemp("terraform"))


def _copy(version: str, tmp_path: Path) -> Path:
    root = tmp_path / version
    shutil.copytree(PROJECTS / version / "project", root)
    return root


def test_every_version_is_here() -> None:
    assert sorted(p.name for p in PROJECTS.iterdir() if (p / "project").is_dir()) == sorted(
        VERSIONS
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_check_reads_it_as_assemblylift_did(version: str, run_asml: RunAsml) -> None:
    result = run_asml("-C", str(PROJECTS / version / "project"), "check")
    _snapshot(f"{result.output}exit code: {result.exit_code}\n", PROJECTS / version / "check.txt")
    assert result.exit_code == 0


@pytest.mark.parametrize("version", VERSIONS)
def test_the_hcl_it_casts(version: str, tmp_path: Path) -> None:
    files = _hcl(_copy(version, tmp_path))
    expected = PROJECTS / version / "net"
    if UPDATE:
        shutil.rmtree(expected, ignore_errors=True)
        for relative, text in files.items():
            (expected / relative).parent.mkdir(parents=True, exist_ok=True)
            (expected / relative).write_text(text, encoding="utf-8")
    kept = {
        p.relative_to(expected).as_posix(): p.read_text()
        for p in expected.rglob("*")
        if p.is_file()
    }
    assert files == kept


@pytest.mark.parametrize("version", ["0.3", "0.4-alpha", "0.4-beta"])
def test_the_hcl_is_valid_terraform(version: str, tmp_path: Path, terraform: Terraform) -> None:
    """With the real AWS provider: the certificate, its DNS validation and the zone lookup
    that AssemblyLift's domains become (0.4), the authorizers and the S3 backend (0.3)."""
    project = load_project(_copy(version, tmp_path))
    packaged, package_root = stand_in_packaged(project)
    net = resolve(project, packaged, package_root, declared_variables(project.root))
    write_net(project.root / "net", render(net), packaged, package_root)
    terraform.validate(project.root / "net")


@pytest.mark.parametrize("version", VERSIONS)
def test_migrate_rewrites_it_in_asmls_format(
    version: str, tmp_path: Path, run_asml: RunAsml
) -> None:
    root = _copy(version, tmp_path)
    original_hcl = _hcl(root)
    dry = run_asml("-C", str(root), "migrate", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert _manifests(root) == _manifests(PROJECTS / version / "project"), "--dry-run wrote"
    result = run_asml("-C", str(root), "migrate")
    assert result.exit_code == 0, result.output
    _snapshot(result.output, PROJECTS / version / "migrate.txt")
    # The dry run shows the diff it would make (snapshot: a wrong or empty diff shows), then
    # reports the same changes.
    _snapshot(dry.output, PROJECTS / version / "migrate-dry-run.txt")
    assert dry.output.endswith(
        result.output.replace("rewritten.", "would be rewritten (--dry-run: nothing changed).")
    )
    migrated = _manifests(root)
    for relative, text in migrated.items():
        _snapshot(text, PROJECTS / version / "migrated" / relative)
    # Same resources from the rewritten files as from AssemblyLift's.
    assert _hcl(root) == original_hcl
    # Nothing AssemblyLift-specific is left to note, and a second run changes nothing.
    check = run_asml("-C", str(root), "check")
    assert check.exit_code == 0, check.output
    assert not [line for line in check.output.splitlines() if "AssemblyLift" in line], check.output
    again = run_asml("-C", str(root), "migrate")
    assert again.output == "Nothing to migrate: every manifest is in asml's format.\n"
    assert _manifests(root) == migrated


def test_migrate_drops_the_keys_no_one_reads(tmp_path: Path, run_asml: RunAsml) -> None:
    """`asml check` notes them as read by neither AssemblyLift nor asml; migrate removes them
    and says so, rather than writing files that no longer read."""
    root = tmp_path / "project"
    golden = Path(__file__).parents[1] / "manifest" / "golden" / "assemblylift-unknown-keys"
    shutil.copytree(golden / "project", root)
    result = run_asml("-C", str(root), "migrate")
    assert result.exit_code == 0, result.output
    for dropped in ("`project.x`", "`terraform.region`", "`metadata`", "`service.description`"):
        assert f"  {dropped}: dropped: neither AssemblyLift nor asml reads it\n" in result.output
    texts = _manifests(root)
    assert (
        "x = 1" not in texts["assemblylift.toml"] and "[metadata]" not in texts["assemblylift.toml"]
    )
    assert "description" not in texts["services/orders/service.toml"]
    check = run_asml("-C", str(root), "check")
    assert check.exit_code == 0 and "note:" not in check.output, check.output
