"""``asml cast`` end to end: a real build and package, then net/ that Terraform accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asml.generate.resolve import GenerateError, resolve
from asml.manifest import load_project
from asml.scaffold.edit import add_function, add_service
from asml.scaffold.project import InitOptions, init_project
from tests.conftest import RunAsml
from tests.generate.conftest import materialize, stand_in_packaged
from tests.terraform import Terraform


def _project(parent: Path) -> Path:
    """A C function on wasmtime (quick to precompile), with an IOmod and a second service."""
    root = init_project(parent / "shop", InitOptions(language="c", engine="wasmtime"))
    add_service(root, "jobs")
    add_function(root, "jobs", "nightly", "c", None)
    service = root / "services" / "api" / "service.toml"
    service.write_text(
        service.read_text() + '\n[iomods.table]\ncoordinates = "akkoro.aws.dynamodb"\n'
        'resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"]\n'
    )
    text = service.read_text().replace(
        'http = { verb = "GET", path = "/hello" }',
        'http = { verb = "GET", path = "/hello" }\niomods = ["table"]',
    )
    service.write_text(text)
    return root


def _files(net: Path) -> dict[str, bytes]:
    return {
        p.relative_to(net).as_posix(): p.read_bytes()
        for p in sorted(net.rglob("*"))
        if p.is_file() and ".terraform" not in p.parts
    }


@pytest.fixture(scope="module")
def checkouts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _project(tmp_path_factory.mktemp("one")), _project(tmp_path_factory.mktemp("two"))


def test_cast_writes_the_same_bytes_in_two_checkouts(
    checkouts: tuple[Path, Path], run_asml: RunAsml, terraform: Terraform
) -> None:
    first, second = checkouts
    for root in checkouts:
        result = run_asml("cast", cwd=root)
        assert result.exit_code == 0, result.output
        assert "net/: " in result.stdout and "2 functions in 2 services" in result.stdout
        # The cache is empty: each layer says on stderr that it is being packaged, and when done.
        assert "Packag" not in result.stdout
        layers = ["runtime layer python3.12 (wasmtime VERSION, x86_64)",
                  "IOmod layer of service api (python3.12, x86_64)"]  # fmt: skip
        progress = re.sub(r"wasmtime [0-9.]+,", "wasmtime VERSION,", result.stderr)
        progress = re.sub(r" in [0-9]+\.[0-9] s$", " in N s", progress, flags=re.MULTILINE)
        assert [line for line in progress.splitlines() if line.startswith("Packag")] == [
            line
            for layer in layers
            for line in (f"Packaging {layer} ...", f"Packaged {layer} in N s")
        ]
    assert _files(first / "net") == _files(second / "net")
    names = set(_files(first / "net"))
    assert {"service_api.tf", "service_jobs.tf", "dist/functions/api/hello.zip",
            "modules/lambda-function/main.tf"} <= names  # fmt: skip
    assert any(re.fullmatch(r"dist/layers/asml-iomods-shop-api-python312-x86_64\.zip", n)
               for n in names)  # fmt: skip
    assert terraform.fmt_problems(first / "net") == []
    terraform.validate(first / "net")


def test_a_second_cast_changes_nothing(checkouts: tuple[Path, Path], run_asml: RunAsml) -> None:
    root = checkouts[0]
    before = _files(root / "net")
    result = run_asml("cast", cwd=root)
    assert result.exit_code == 0, result.output
    assert "0 files written" in result.output
    assert "Packaging" not in result.output  # every layer comes from the cache
    assert _files(root / "net") == before


def test_cast_removes_what_it_no_longer_writes_and_keeps_the_rest(
    checkouts: tuple[Path, Path], run_asml: RunAsml
) -> None:
    root = checkouts[1]
    net = root / "net"
    (net / "mine.tf").write_text("# mine\nlocals {\n  x = 1\n}\n")
    (net / ".terraform").mkdir(exist_ok=True)
    (net / ".terraform" / "kept").write_text("state of terraform init\n")
    manifest = root / "assemblylift.toml"
    manifest.write_text(
        manifest.read_text().replace('services = ["api", "jobs"]', 'services = ["api"]')
    )
    result = run_asml("cast", cwd=root)
    assert result.exit_code == 0, result.output
    assert "removed  net/service_jobs.tf" in result.output
    assert not (net / "service_jobs.tf").exists()
    assert not (net / "dist" / "functions" / "jobs").exists()
    assert (net / "mine.tf").read_text().startswith("# mine")
    assert (net / ".terraform" / "kept").is_file()
    assert '"jobs.nightly"' not in (net / "outputs.tf").read_text()


def test_unreadable_user_terraform_is_named_without_a_traceback(
    checkouts: tuple[Path, Path], run_asml: RunAsml
) -> None:
    root = checkouts[1]
    before = _files(root / "net")
    (root / "user_tf").mkdir()
    (root / "user_tf" / "main.tf").write_text('resource "x" {\n  broken = \n')
    try:
        result = run_asml("cast", cwd=root)
    finally:
        (root / "user_tf" / "main.tf").unlink()
        (root / "user_tf").rmdir()
    assert result.exit_code == 1
    assert "user_tf/main.tf: asml cannot read this Terraform" in result.output
    assert "Traceback" not in result.output
    assert _files(root / "net") == before


def test_two_things_that_would_share_a_module_label_are_refused(tmp_path: Path) -> None:
    project = materialize("one-function", tmp_path)
    service = project.root / "services" / "api" / "service.toml"
    service.write_text(
        service.read_text()
        + '\n[functions.http_api]\nlanguage = "c"\nhttp = { verb = "GET", path = "/x" }\n'
    )
    (service.parent / "http_api").mkdir()
    project = load_project(project.root)
    packaged, package_root = stand_in_packaged(project)
    with pytest.raises(GenerateError) as caught:
        resolve(project, packaged, package_root)
    assert str(caught.value) == (
        'the HTTP API of service "api" and function "api.http_api" would both be Terraform'
        ' module "api_http_api"; rename one of them'
    )
