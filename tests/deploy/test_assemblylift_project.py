"""An AssemblyLift 0.3 todo project, migrated, deployed to moto and served: its IOmods are the
service's, so each function may call both, exactly as AssemblyLift let it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import RunAsml
from tests.deploy.conftest import client
from tests.serving import serving

PROJECT = Path(__file__).parents[1] / "assemblylift" / "todo-0.3"
LOCAL = ("--target", "local")


@pytest.mark.wasmer
def test_a_migrated_03_project_deploys_and_answers(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    # Commands run with -C from tmp_path: the test's own process must not be in the project
    # when `serving` checks that asml serve left nothing running there.
    root = tmp_path / "tasks"
    shutil.copytree(PROJECT, root)
    migrated = run_asml("-C", str(root), "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert migrated.output.endswith("2 files rewritten.\n")
    service = (root / "services/todo/service.toml").read_text()
    assert service.count('iomods = ["dynamodb", "crypto"]') == 2, service
    manifest = root / "assemblylift.toml"
    manifest.write_text(manifest.read_text() + f'\n[local]\nendpoint = "{local_aws}"\n')

    assert run_asml("-C", str(root), "plan", *LOCAL).exit_code == 0
    applied = run_asml("-C", str(root), "apply", *LOCAL)
    assert applied.exit_code == 0, applied.output
    iam = client(local_aws, "iam")
    for function in ("create", "get"):
        # Both read DynamoDB through the IOmod the service declared, on its table alone.
        role = f"asml-tasks-todo-{function}"
        names = iam.list_role_policies(RoleName=role)["PolicyNames"]
        statements = [
            s
            for name in names
            for s in iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"][
                "Statement"
            ]
        ]
        table = [s for s in statements if "dynamodb:GetItem" in s["Action"]]
        resources = [
            r
            for s in table
            for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
        ]
        assert resources and all(":table/tasks" in r for r in resources), statements
        configuration = client(local_aws, "lambda").get_function(FunctionName=role)
        assert configuration["Configuration"]["MemorySize"] == 1024  # AssemblyLift's default
    replanned = run_asml("-C", str(root), "plan", *LOCAL, "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output

    with serving(root, *LOCAL, "--no-watch") as served:
        status, created = served.json("POST", "/tasks/milk")
        assert status == 201, (created, served.log)
        status, found = served.json("GET", f"/tasks/{created['id']}")
        assert status == 200, (found, served.log)
        assert found["Item"]["title"] == {"S": "milk"}
        status, _ = served.json("GET", "/tasks/no-such-id")
        assert status == 404
    stored = client(local_aws, "dynamodb").scan(TableName="tasks")["Items"]
    assert [item["title"]["S"] for item in stored] == ["milk"], json.dumps(stored)

    destroyed = run_asml("-C", str(root), "destroy", *LOCAL, "--yes")
    assert destroyed.exit_code == 0, destroyed.output
