"""Golden HCL: each project in golden/<case>/project renders to exactly golden/<case>/net.

``ASML_UPDATE_GOLDEN=1 pytest tests/generate`` rewrites the expected files; review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import hcl2
import pytest

from asml.generate.net import write_net
from asml.generate.render import render
from asml.generate.resolve import resolve
from asml.generate.user_tf import declared_variables
from tests.generate.conftest import CASES, GOLDEN, materialize, stand_in_packaged
from tests.terraform import Terraform

NOTES = "notes.txt"


def rendered(case: str, scratch: Path) -> tuple[dict[str, str], tuple[str, ...], Path]:
    project = materialize(case, scratch)
    packaged, package_root = stand_in_packaged(project)
    net = resolve(project, packaged, package_root, declared_variables(project.root))
    files = render(net)
    net_dir = project.root / "net"
    write_net(net_dir, files, packaged, package_root)
    return files, net.notes, net_dir


@pytest.mark.parametrize("case", CASES)
def test_renders_the_golden_files(case: str, tmp_path: Path) -> None:
    files, notes, _ = rendered(case, tmp_path)
    if notes:
        files = {**files, NOTES: "\n".join(notes) + "\n"}
    expected_dir = GOLDEN / case / "net"
    if os.environ.get("ASML_UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for relative, text in files.items():
            (expected_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / relative).write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(expected_dir.rglob("*"))
        if p.is_file()
    }
    assert sorted(files) == sorted(expected)
    assert not any("endpoints {" in text for text in files.values()), "no endpoint overrides"
    for relative, text in files.items():
        assert text == expected[relative], f"{case}/net/{relative} differs from the golden file"


@pytest.mark.parametrize("case", CASES)
def test_is_fmt_clean_valid_and_parseable(case: str, tmp_path: Path, terraform: Terraform) -> None:
    files, _, net_dir = rendered(case, tmp_path)
    assert terraform.fmt_problems(net_dir) == []
    terraform.validate(net_dir)
    for relative in files:
        if relative.endswith((".tf", ".tfvars")):
            hcl2.loads((net_dir / relative).read_text(encoding="utf-8"))


def test_golden_cases_cover_what_the_issue_names() -> None:
    assert {"one-function", "services", "authorizers", "iomods", "arm64-wasmtime",
            "custom-domain"} <= set(CASES)  # fmt: skip
