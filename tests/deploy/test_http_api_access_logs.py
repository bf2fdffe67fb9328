"""The http-api module's access logs, applied against moto with the real AWS provider: on by
default, JSON, to a log group of the module's with a retention and optionally a KMS key; a
second plan shows no changes, and destroy removes the log group with the API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.deploy.conftest import client
from tests.terraform import Terraform

REPO = Path(__file__).resolve().parents[2]

ROOT = """\
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}

resource "aws_kms_key" "logs" {
  description             = "logs"
  deletion_window_in_days = 7
}

module "plain" {
  source = "./modules/http-api"

  name   = "asml-shop-api"
  routes = {}
}

module "guarded" {
  source = "./modules/http-api"

  name                  = "asml-shop-admin"
  routes                = {}
  log_retention_in_days = 90
  kms_key_arn           = aws_kms_key.logs.arn
  tags                  = { team = "platform" }
}

output "plain" {
  value = [
    module.plain.api_id,
    module.plain.access_log_group_name,
    module.plain.access_log_group_arn,
  ]
}

output "guarded" {
  value = [
    module.guarded.api_id,
    module.guarded.access_log_group_name,
    module.guarded.access_log_group_arn,
  ]
}
"""

# What an incident review needs from each line, as API Gateway names it
FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "integrationErrorMessage": "$context.integrationErrorMessage",
}


def _root(tmp_path: Path) -> Path:
    root = tmp_path / "estate"
    shutil.copytree(REPO / "modules" / "http-api", root / "modules" / "http-api")
    (root / "main.tf").write_text(ROOT, encoding="utf-8")
    return root


def test_access_logs_are_on_with_retention_and_a_kms_key(
    tmp_path: Path, local_aws: str, terraform_config: Terraform
) -> None:
    env = {
        **terraform_config.env,
        "AWS_ENDPOINT_URL": local_aws,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    terraform = Terraform(terraform_config.binary, env)
    root = _root(tmp_path)
    terraform.run(root, "init", "-input=false", "-no-color")
    terraform.run(root, "apply", "-auto-approve", "-input=false", "-no-color")
    outputs = json.loads(terraform.run(root, "output", "-json").stdout)

    logs = client(local_aws, "logs")
    apis = client(local_aws, "apigatewayv2")
    key = client(local_aws, "kms").list_keys()["Keys"][0]["KeyArn"]
    for name, retention, kms in (("plain", 30, None), ("guarded", 90, key)):
        api_id, group_name, group_arn = outputs[name]["value"]
        assert group_name == f"/aws/apigateway/asml-shop-{'api' if name == 'plain' else 'admin'}"
        (group,) = logs.describe_log_groups(logGroupNamePrefix=group_name)["logGroups"]
        assert group["retentionInDays"] == retention
        assert group.get("kmsKeyId") == kms
        (stage,) = apis.get_stages(ApiId=api_id)["Items"]
        assert stage["StageName"] == "$default"
        settings = stage["AccessLogSettings"]
        assert settings["DestinationArn"] == group_arn
        assert not group_arn.endswith(":*")  # API Gateway refuses a log group ARN with :*
        fields = json.loads(settings["Format"])
        assert fields.items() >= FIELDS.items()
        assert all(value.startswith("$context.") for value in fields.values())
    tags = logs.list_tags_for_resource(resourceArn=outputs["guarded"]["value"][2])["tags"]
    assert tags == {"team": "platform"}

    again = terraform.run(root, "plan", "-detailed-exitcode", "-input=false", "-no-color",
                          check=False)  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr

    terraform.run(root, "destroy", "-auto-approve", "-input=false", "-no-color")
    left = logs.describe_log_groups(logGroupNamePrefix="/aws/apigateway/")["logGroups"]
    assert left == []


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("log_retention_in_days = 42", "CloudWatch Logs accepts 0 (forever), 1, 3, 5"),
        ('kms_key_arn = "alias/logs"', "kms_key_arn is the ARN of a KMS key"),
    ],
)
def test_a_bad_retention_or_kms_key_is_refused_by_the_module(
    setting: str, message: str, tmp_path: Path, terraform_config: Terraform
) -> None:
    root = _root(tmp_path)
    main = root / "main.tf"
    main.write_text(
        main.read_text().replace(
            '  name   = "asml-shop-api"\n', f'  name   = "asml-shop-api"\n  {setting}\n'
        )
    )
    terraform_config.run(root, "init", "-backend=false", "-input=false", "-no-color")
    result = terraform_config.run(root, "validate", "-no-color", check=False)
    assert result.returncode != 0
    assert message in " ".join(result.stderr.split())
