"""Manifests that name outputs of user_tf/ ("${user_tf.table_arn}"), deployed for real against
moto: each stage's roles and functions get that stage's own table, through net/'s modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import RunAsml
from tests.deploy.conftest import client, deployed, make_project

USER_TF = """\
variable "resource_prefix" {
  type = string
}

resource "aws_dynamodb_table" "orders" {
  name         = "${var.resource_prefix}-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sqs_queue" "events" {
  name = "${var.resource_prefix}-events"
}

output "table_arn" {
  value = aws_dynamodb_table.orders.arn
}

output "table_name" {
  value = aws_dynamodb_table.orders.name
}

output "queue_arn" {
  value = aws_sqs_queue.events.arn
}
"""

HELLO = """\
iomods = ["table"]
environment = { TABLE = "${user_tf.table_name}", INDEX = "${user_tf.table_arn}/index/by-day" }
permissions = [{ actions = ["sqs:SendMessage"], resources = ["${user_tf.queue_arn}"] }]
"""

TABLE = """
[iomods.table]
coordinates = "akkoro.aws.dynamodb"
resources = ["${user_tf.table_arn}"]
"""


def _policy(moto: str, role: str) -> dict[str, Any]:
    """The statements of a role's own policies, by Sid."""
    iam = client(moto, "iam")
    statements = {}
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            document = json.loads(document)
        statements.update({s["Sid"]: s for s in document["Statement"]})
    return statements


def _resources(statement: dict[str, Any]) -> list[str]:
    found = statement["Resource"]
    return sorted([found] if isinstance(found, str) else found)


def test_each_stage_gets_its_own_table_in_roles_and_environment(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(
        tmp_path, local_aws, '\n[stages.dev]\ntarget = "local"\n\n[stages.prod]\ntarget = "local"\n'
    )
    (root / "user_tf").mkdir()
    (root / "user_tf" / "main.tf").write_text(USER_TF)
    manifest = root / "services" / "api" / "service.toml"
    text = manifest.read_text()
    text = text.replace('path = "/hello" }\n', 'path = "/hello" }\n' + HELLO) + TABLE
    manifest.write_text(text)
    checked = run_asml("check", cwd=root)
    assert checked.exit_code == 0, checked.output

    for stage in ("dev", "prod"):
        planned = run_asml("plan", "--stage", stage, cwd=root)
        assert planned.exit_code == 0, planned.output
        applied = run_asml("apply", "--stage", stage, cwd=root)
        assert applied.exit_code == 0, applied.output

    tables = client(local_aws, "dynamodb")
    lambdas = client(local_aws, "lambda")
    for stage in ("dev", "prod"):
        table = tables.describe_table(TableName=f"asml-shop-{stage}-orders")["Table"]
        arn = table["TableArn"]
        queue = f"arn:aws:sqs:us-east-1:123456789012:asml-shop-{stage}-events"
        statements = _policy(local_aws, f"asml-shop-{stage}-api-hello")
        assert _resources(statements["IomodTable"]) == [arn, f"{arn}/index/*"]
        assert _resources(statements["Permission1"]) == [queue]
        function = lambdas.get_function(FunctionName=f"asml-shop-{stage}-api-hello")
        assert function["Configuration"]["Environment"]["Variables"] == {
            "TABLE": f"asml-shop-{stage}-orders",
            "INDEX": f"{arn}/index/by-day",
        }
    # the function without references has none of it
    assert set(_policy(local_aws, "asml-shop-dev-api-bye")) == {"Logs"}

    again = run_asml("plan", "--stage", "dev", "--detailed-exitcode", cwd=root)
    assert again.exit_code == 0, again.output
    for stage in ("dev", "prod"):
        destroyed = run_asml("destroy", "--stage", stage, "--yes", cwd=root)
        assert destroyed.exit_code == 0, destroyed.output
    assert deployed(local_aws)["functions"] == []
