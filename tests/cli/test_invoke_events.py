"""`asml invoke SVC.FN --event sqs|s3|schedule|http [--set KEY=VALUE]`: a sample event in the
shape Lambda delivers, filled in from the function's own trigger, run through the runtime by a
guest that answers with the event it got. The expected events are written out here, from
AWS's documented shapes, not taken from asml."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunAsml

ECHO = Path(__file__).parents[1] / "runtime" / "guests" / "echo.wat"
PROJECT = """manifest_version = 1

[project]
name = "shop"
region = "eu-west-1"
engine = "wasmtime"
services = ["jobs"]
"""
SERVICE = """manifest_version = 1

[functions.work]
language = "wat"
source = "echo.wat"

[functions.thumbs]
language = "wat"
source = "echo.wat"

[functions.nightly]
language = "wat"
source = "echo.wat"

[functions.web]
language = "wat"
source = "echo.wat"
http = { verb = "GET", path = "/items/{id}" }

[queues.orders]
function = "work"

[buckets.uploads]
notify = [
  { function = "thumbs", events = ["s3:ObjectCreated:*"], prefix = "images/", suffix = ".png" },
]

[schedules.report]
function = "nightly"
expression = "cron(0 3 * * ? *)"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("events") / "shop"
    (root / "services" / "jobs").mkdir(parents=True)
    (root / "assemblylift.toml").write_text(PROJECT)
    (root / "services" / "jobs" / "service.toml").write_text(SERVICE)
    shutil.copy(ECHO, root / "services" / "jobs" / "echo.wat")
    return root


def _invoked(run_asml: RunAsml, project: Path, *args: str) -> Any:
    result = run_asml("-C", str(project), "invoke", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_sqs_sample_names_the_functions_queue_and_set_edits_it(
    run_asml: RunAsml, project: Path
) -> None:
    event = _invoked(run_asml, project, "jobs.work", "--event", "sqs",
                     "--set", 'Records.0.body={"id": 7}')  # fmt: skip
    (record,) = event["Records"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:eu-west-1:123456789012:asml-shop-jobs-orders"
    assert record["awsRegion"] == "eu-west-1"
    assert record["body"] == '{"id": 7}'  # an SQS body is text, even when it holds JSON
    assert record["md5OfBody"] == hashlib.md5(b'{"id": 7}').hexdigest()  # follows the body
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert set(record) == {"messageId", "receiptHandle", "body", "attributes",
                           "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                           "awsRegion"}  # fmt: skip
    # Without --event, a function that only a queue wakes gets the SQS sample.
    assert _invoked(run_asml, project, "jobs.work")["Records"][0]["eventSource"] == "aws:sqs"


def test_an_s3_sample_is_an_object_the_notification_would_deliver(
    run_asml: RunAsml, project: Path
) -> None:
    (record,) = _invoked(run_asml, project, "jobs.thumbs", "--event", "s3")["Records"]
    assert record["eventSource"] == "aws:s3"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["bucket"] == {
        "name": "asml-shop-jobs-uploads",
        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
        "arn": "arn:aws:s3:::asml-shop-jobs-uploads",
    }
    assert record["s3"]["object"]["key"] == "images/example.png"  # inside prefix and suffix


def test_a_schedule_sample_is_eventbridges_scheduled_event(
    run_asml: RunAsml, project: Path
) -> None:
    event = _invoked(run_asml, project, "jobs.nightly", "--event", "schedule",
                     "--set", "detail.note=by hand", "--set", "detail.count=3")  # fmt: skip
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"] == [
        "arn:aws:events:eu-west-1:123456789012:rule/asml-shop-jobs-report"
    ]
    assert event["detail"] == {"note": "by hand", "count": 3}  # a new key: JSON where it reads


def test_an_http_sample_is_a_get_of_the_route(run_asml: RunAsml, project: Path) -> None:
    event = _invoked(run_asml, project, "jobs.web", "--event", "http")
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/example"
    assert event["pathParameters"] == {"id": "example"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--event", "kafka"),
         "Error: --event kafka: cannot read it (No such file or directory); give a JSON file,"
         " - for standard input, or one of http, sqs, s3, schedule for a sample\n"),
        (("--event", "sqs", "--set", "Records.3.body=x"),
         'Error: --set "Records.3.body=x": Records.3 is not one of the 1 items there (0 to 0)\n'),
        (("--event", "sqs", "--set", "Records"),
         'Error: --set "Records": write KEY=VALUE, e.g. Records.0.body=hello\n'),
        (("--event", "sqs", "--set", "Records.0.body.x=1"),
         'Error: --set "Records.0.body.x=1": Records.0.body is a value, not a table\n'),
    ],
)  # fmt: skip
def test_bad_events_and_sets_are_clear_errors(
    run_asml: RunAsml, project: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_asml("-C", str(project), "invoke", "jobs.work", *args)
    assert result.exit_code == 1
    assert result.stderr.endswith(message), result.stderr
    assert "Traceback" not in result.output
