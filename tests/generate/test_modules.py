"""The Terraform modules in modules/: their READMEs, versions, examples, and use from outside."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from asml.generate.module_docs import updated
from asml.generate.net import ALL_MODULES as MODULES
from asml.generate.net import bundled_modules
from asml.generate.render import AWS_PROVIDER_VERSION, TERRAFORM_VERSION
from tests.terraform import Terraform

REPO = Path(__file__).resolve().parents[2]
EXTERNAL = Path(__file__).parent / "external"


def test_the_modules_are_found_in_the_checkout() -> None:
    assert bundled_modules() == REPO / "modules"
    assert sorted(p.name for p in (REPO / "modules").iterdir() if p.is_dir()) == list(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_readme_tables_match_the_variables_and_outputs(module: str) -> None:
    readme = (REPO / "modules" / module / "README.md").read_text(encoding="utf-8")
    assert updated(readme, REPO / "modules" / module) == readme, (
        f"modules/{module}/README.md is out of date: run `python -m asml.generate.module_docs`"
    )
    names = re.findall(r'^variable "([^"]+)"', (REPO / "modules" / module / "variables.tf")
                       .read_text(encoding="utf-8"), re.MULTILINE)  # fmt: skip
    for name in names:
        assert f"| `{name}` |" in readme


@pytest.mark.parametrize("module", MODULES)
def test_every_variable_has_a_description_and_type(module: str) -> None:
    text = (REPO / "modules" / module / "variables.tf").read_text(encoding="utf-8")
    blocks = re.split(r'^variable "', text, flags=re.MULTILINE)[1:]
    assert blocks
    for block in blocks:
        assert "  description = " in block and "  type " in block, block.splitlines()[0]


@pytest.mark.parametrize("module", MODULES)
def test_versions_are_minimums_only(module: str) -> None:
    text = (REPO / "modules" / module / "versions.tf").read_text(encoding="utf-8")
    constraints = re.findall(r'(?:required_version|version)\s*=\s*"([^"]+)"', text)
    assert constraints == [TERRAFORM_VERSION, AWS_PROVIDER_VERSION]


def _copy_modules(destination: Path) -> Path:
    shutil.copytree(REPO / "modules", destination / "modules")
    return destination / "modules"


def test_module_examples_are_fmt_clean_and_valid(tmp_path: Path, terraform: Terraform) -> None:
    modules = _copy_modules(tmp_path)
    assert terraform.fmt_problems(modules) == []
    for module in MODULES:
        terraform.validate(modules / module / "examples" / "basic")


def test_an_existing_root_module_can_call_the_modules(tmp_path: Path, terraform: Terraform) -> None:
    _copy_modules(tmp_path)
    shutil.copytree(EXTERNAL, tmp_path / "estate")
    assert terraform.fmt_problems(tmp_path / "estate") == []
    terraform.validate(tmp_path / "estate")


def test_a_bad_route_key_is_refused_by_the_module(tmp_path: Path, terraform: Terraform) -> None:
    _copy_modules(tmp_path)
    shutil.copytree(EXTERNAL, tmp_path / "estate")
    main = tmp_path / "estate" / "main.tf"
    main.write_text(main.read_text().replace('"GET /report"', '"FETCH report"'))
    terraform.run(tmp_path / "estate", "init", "-backend=false", "-input=false")
    result = terraform.run(tmp_path / "estate", "validate", "-no-color", check=False)
    assert result.returncode != 0
    assert 'Route keys are "VERB /path"' in result.stderr
