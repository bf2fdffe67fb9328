"""Projects deployed for real: asml drives Terraform and the real AWS provider against moto."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from asml.scaffold.edit import add_function
from asml.scaffold.project import InitOptions, init_project
from tests.local_aws import reset
from tests.terraform import Terraform, make_terraform


@pytest.fixture(scope="session")
def terraform_config(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    return make_terraform(tmp_path_factory.mktemp("terraform"))


@pytest.fixture
def local_aws(
    moto: str, terraform_config: Terraform, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Terraform's offline configuration in the environment, and a clean moto afterwards."""
    for key in ("TF_CLI_CONFIG_FILE", "CHECKPOINT_DISABLE"):
        monkeypatch.setenv(key, terraform_config.env[key])
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield moto
    reset(moto)


def make_project(parent: Path, moto: str, extra: str = "") -> Path:
    """Two C functions on wasmtime (quick to build), deploying to ``moto`` as target local."""
    root = init_project(parent / "shop", InitOptions(language="c", engine="wasmtime"))
    add_function(root, "api", "bye", "c", ("GET", "/bye"))
    manifest = root / "assemblylift.toml"
    manifest.write_text(manifest.read_text() + f'\n[local]\nendpoint = "{moto}"\n{extra}')
    return root


def hash_in_net(root: Path, function: str) -> str:
    """The source_code_hash net/ gives api.<function>."""
    text = (root / "net" / "service_api.tf").read_text()
    block = text[text.index(f'module "api_{function}" {{') :]
    found = re.search(r'source_code_hash = "([^"]+)"', block)
    assert found is not None
    return found.group(1)


def client(moto: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def deployed(moto: str) -> dict[str, list[str]]:
    """What asml can leave in an account, by kind: everything named asml-."""
    lambdas = client(moto, "lambda")
    functions = [f["FunctionName"] for f in lambdas.list_functions()["Functions"]]
    layers = [layer["LayerName"] for layer in lambdas.list_layers()["Layers"]]
    roles = [r["RoleName"] for r in client(moto, "iam").list_roles()["Roles"]]
    apis = [a["Name"] for a in client(moto, "apigatewayv2").get_apis()["Items"]]
    groups = client(moto, "logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/asml-")
    found = {
        "functions": functions,
        "layers": layers,
        "roles": roles,
        "apis": apis,
        "log groups": [g["logGroupName"] for g in groups["logGroups"]],
    }
    return {kind: sorted(n for n in names if "asml-" in n) for kind, names in found.items()}
