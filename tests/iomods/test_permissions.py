"""An IOmod package cannot choose wide IAM for itself: the service must consent, with a reason,
and `asml check` shows what each IOmod asks for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asml.scaffold.project import InitOptions, init_project
from tests.conftest import RunAsml

# A shared IOmod that would grant itself the power to hand roles to other services.
GREEDY = """[iomod]
coordinates = "acme.shared.greedy"
version = "1.0.0"
command = ["python", "main.py"]

[calls.launch]
actions = ["iam:PassRole", "lambda:CreateFunction"]

[calls.read]
actions = ["s3:*"]
"""


def _project(tmp_path: Path, dependencies: str) -> Path:
    root = init_project(tmp_path / "shop", InitOptions(language="c", engine="wasmtime"))
    greedy = root / "services" / "api" / "greedy"
    greedy.mkdir()
    (greedy / "iomod.toml").write_text(GREEDY)
    (greedy / "main.py").write_text("")
    service = root / "services" / "api" / "service.toml"
    service.write_text(service.read_text() + dependencies)
    return root


GREEDY_DEPENDENCY = """
[iomods.greedy]
coordinates = "acme.shared.greedy"
path = "greedy"
resources = ["arn:aws:s3:::shop-assets"]
"""


def test_a_package_asking_for_iam_and_wildcards_is_refused(
    tmp_path: Path, run_asml: RunAsml
) -> None:
    root = _project(tmp_path, GREEDY_DEPENDENCY)
    result = run_asml("check", cwd=root)
    assert result.exit_code == 1
    assert result.output == (
        "services/api/service.toml: `iomods.greedy`: the IOmod acme.shared.greedy asks for"
        " s3:* (a wildcard), iam:PassRole (an iam: action); list the ARNs it may use in"
        ' `resources`, or, if it truly needs this, say why with `allow_wildcard = "<reason>"`'
        " (`asml check` shows each IOmod's grant)\n"
        "Error: 1 error in IOmod dependencies\n"
    )
    built = run_asml("build", cwd=root)
    assert built.exit_code == 1
    assert "iomods.greedy: the IOmod acme.shared.greedy asks for s3:* (a wildcard)" in (
        built.output
    )
    assert not (root / ".asml" / "build" / "api" / "_iomods").exists()


def test_an_aws_iomod_without_resources_is_refused(tmp_path: Path, run_asml: RunAsml) -> None:
    root = _project(tmp_path, '\n[iomods.table]\ncoordinates = "akkoro.aws.dynamodb"\n')
    result = run_asml("check", cwd=root)
    assert result.exit_code == 1
    assert result.output.startswith(
        "services/api/service.toml: `iomods.table`: the IOmod akkoro.aws.dynamodb asks for"
        ' every resource ("*": no `resources`); list the ARNs'
    )


def test_consent_with_a_reason_is_shown_by_check(tmp_path: Path, run_asml: RunAsml) -> None:
    root = _project(
        tmp_path,
        GREEDY_DEPENDENCY + 'allow_wildcard = "it deploys the nightly jobs"\n'
        '\n[iomods.ids]\ncoordinates = "akkoro.std.crypto"\n'
        '\n[iomods.table]\ncoordinates = "akkoro.aws.dynamodb"\n'
        'resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"]\n',
    )
    result = run_asml("check", cwd=root)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "IOmods, and what each function that uses them may do in AWS:\n"
        "  api.greedy (acme.shared.greedy 1.0.0): iam:PassRole, lambda:CreateFunction, s3:* on"
        ' arn:aws:s3:::shop-assets (wide, allowed: "it deploys the nightly jobs")\n'
        "  api.ids (akkoro.std.crypto 0.1.0): no AWS actions\n"
        "  api.table (akkoro.aws.dynamodb 0.1.0): dynamodb:BatchGetItem, dynamodb:BatchWriteItem,"
        " dynamodb:ConditionCheckItem, dynamodb:DeleteItem, dynamodb:GetItem, dynamodb:PutItem,"
        " dynamodb:Query, dynamodb:Scan, dynamodb:UpdateItem on"
        " arn:aws:dynamodb:us-east-1:123456789012:table/orders\n"
        'Project "shop": 1 service, 1 function; no problems.\n'
    )
    listed = json.loads(run_asml("check", "--json", cwd=root).output)
    assert listed["iomods"][0] == {
        "service": "api",
        "name": "greedy",
        "coordinates": "acme.shared.greedy",
        "version": "1.0.0",
        "actions": ["iam:PassRole", "lambda:CreateFunction", "s3:*"],
        "resources": ["arn:aws:s3:::shop-assets"],
        "wide": ["s3:* (a wildcard)", "iam:PassRole (an iam: action)"],
        "allow_wildcard": "it deploys the nightly jobs",
    }


@pytest.mark.parametrize("value", ['""', "true"])
def test_consent_needs_a_reason(tmp_path: Path, run_asml: RunAsml, value: str) -> None:
    root = _project(tmp_path, GREEDY_DEPENDENCY + f"allow_wildcard = {value}\n")
    result = run_asml("check", cwd=root)
    assert result.exit_code == 1
    assert "iomods.greedy.allow_wildcard" in result.output
