"""A schedule, a created queue and a created bucket, deployed to moto with the real provider:
apply, replan with no changes, destroy; and what each trigger leaves in the account."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunAsml
from tests.deploy.conftest import client, make_project

LOCAL = ("--target", "local")
TRIGGERS = """
[schedules.nightly]
function = "hello"
expression = "cron(0 3 * * ? *)"
input = { kind = "nightly" }

[queues.jobs]
function = "bye"
batch_size = 5

[buckets.uploads]
notify = [{ function = "hello", events = ["s3:ObjectCreated:*"], prefix = "in/" }]
"""


def test_triggers_deploy_replan_clean_and_destroy(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    service = root / "services" / "api" / "service.toml"
    text = service.read_text() + TRIGGERS
    text = text.replace(
        "[functions.hello]\n",
        '[functions.hello]\nasync_invoke = { retries = 1, on_failure = "queue" }\n',
    )
    service.write_text(text)
    planned = run_asml("-C", str(root), "plan", *LOCAL)
    assert planned.exit_code == 0, planned.output
    applied = run_asml("-C", str(root), "apply", *LOCAL)
    assert applied.exit_code == 0, applied.output

    events = client(local_aws, "events")
    rule = events.describe_rule(Name="asml-shop-api-nightly")
    assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    (target,) = events.list_targets_by_rule(Rule="asml-shop-api-nightly")["Targets"]
    assert target["Arn"].endswith(":function:asml-shop-api-hello")
    assert json.loads(target["Input"]) == {"kind": "nightly"}

    lambdas = client(local_aws, "lambda")
    (mapping,) = lambdas.list_event_source_mappings(FunctionName="asml-shop-api-bye")[
        "EventSourceMappings"
    ]
    assert mapping["EventSourceArn"].endswith(":asml-shop-api-jobs")
    assert mapping["BatchSize"] == 5
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    sqs = client(local_aws, "sqs")
    url = sqs.get_queue_url(QueueName="asml-shop-api-jobs")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"].endswith(
        ":asml-shop-api-jobs-dead-letter"
    )
    assert attributes["VisibilityTimeout"] == "30"  # six times the function's 5 s timeout

    notification = client(local_aws, "s3").get_bucket_notification_configuration(
        Bucket="asml-shop-api-uploads"
    )
    (lambda_config,) = notification["LambdaFunctionConfigurations"]
    assert lambda_config["LambdaFunctionArn"].endswith(":function:asml-shop-api-hello")
    assert lambda_config["Events"] == ["s3:ObjectCreated:*"]

    iam = client(local_aws, "iam")
    policy = iam.get_role_policy(RoleName="asml-shop-api-bye", PolicyName="least-privilege")
    queue = next(s for s in policy["PolicyDocument"]["Statement"] if s["Sid"] == "QueueJobs")
    assert queue["Resource"].endswith(":asml-shop-api-jobs")
    hello = iam.get_role_policy(RoleName="asml-shop-api-hello", PolicyName="least-privilege")
    sids = {s["Sid"] for s in hello["PolicyDocument"]["Statement"]}
    assert "QueueJobs" not in sids and "FailureDestination" in sids

    replanned = run_asml("-C", str(root), "plan", *LOCAL, "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output
    destroyed = run_asml("-C", str(root), "destroy", *LOCAL, "--yes")
    assert destroyed.exit_code == 0, destroyed.output
    assert not events.list_rules(NamePrefix="asml-")["Rules"]
