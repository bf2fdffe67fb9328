"""What an estate requires ([aws]), deployed for real against moto: a permissions boundary and
path on every role, extra tags, a customer-managed KMS key, X-Ray tracing and access logs;
apply, a second plan with no changes, destroy."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunAsml
from tests.deploy.conftest import client, deployed, make_project

LOCAL = ("--target", "local")


def test_estate_settings_apply_replan_clean_and_destroy(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    iam, kms = client(local_aws, "iam"), client(local_aws, "kms")
    document = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}  # fmt: skip
    boundary = iam.create_policy(PolicyName="asml-boundary",
                                 PolicyDocument=json.dumps(document))["Policy"]["Arn"]  # fmt: skip
    key = kms.create_key(Description="asml test")["KeyMetadata"]["Arn"]
    settings = (
        f'\n[aws]\npermissions_boundary = "{boundary}"\nrole_path = "/asml/"\n'
        f'tags = {{ team = "payments" }}\nkms_key_arn = "{key}"\nlog_retention_days = 90\n'
        "tracing = true\n"
    )
    root = make_project(tmp_path, local_aws, settings)
    assert run_asml("plan", *LOCAL, cwd=root).exit_code == 0
    applied = run_asml("apply", *LOCAL, cwd=root)
    assert applied.exit_code == 0, applied.output

    role = iam.get_role(RoleName="asml-shop-api-hello")["Role"]
    assert role["Path"] == "/asml/"
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    policy = iam.get_role_policy(RoleName="asml-shop-api-hello", PolicyName="least-privilege")
    sids = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert sids["DecryptEnvironment"]["Action"] == "kms:Decrypt"
    assert sids["DecryptEnvironment"]["Resource"] == key
    assert sorted(sids["Tracing"]["Action"]) == [
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
    ]
    function = client(local_aws, "lambda").get_function(FunctionName="asml-shop-api-hello")
    assert function["Configuration"]["KMSKeyArn"] == key
    assert function["Configuration"]["TracingConfig"] == {"Mode": "Active"}
    assert function["Tags"]["team"] == "payments"
    assert function["Tags"]["asml:project"] == "shop"
    groups = client(local_aws, "logs").describe_log_groups(logGroupNamePrefix="/aws/")
    by_name = {g["logGroupName"]: g for g in groups["logGroups"]}
    assert by_name["/aws/lambda/asml-shop-api-hello"]["retentionInDays"] == 90
    assert by_name["/aws/lambda/asml-shop-api-hello"]["kmsKeyId"] == key
    access = by_name["/aws/apigateway/asml-shop-api"]
    assert access["retentionInDays"] == 90 and access["kmsKeyId"] == key

    again = run_asml("plan", *LOCAL, "--detailed-exitcode", cwd=root)
    assert again.exit_code == 0, again.output
    assert run_asml("destroy", *LOCAL, "--yes", cwd=root).exit_code == 0
    assert deployed(local_aws)["roles"] == [] and deployed(local_aws)["functions"] == []
