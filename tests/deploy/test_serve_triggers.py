"""`asml serve --target local` delivers what wakes functions besides HTTP, from the local AWS
(moto): messages sent to a queue are processed in batches, a message the function reports as
failed comes back and is retried until the queue's redrive policy moves it to the dead-letter
queue, an object put into a bucket reaches its function (within the notification's prefix),
and a schedule fires on demand (SIGUSR1)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
from pathlib import Path

import pytest

from asml.scaffold.edit import add_function
from asml.scaffold.project import InitOptions, init_project
from tests.deploy.conftest import client
from tests.serving import serving, wait_for

GUEST = Path(__file__).parent / "guests" / "triggered.c"
TRIGGERS = """
[queues.jobs]
function = "work"

[buckets.uploads]
notify = [
  { function = "work", events = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], prefix = "in/" },
]

[schedules.tick]
function = "work"
expression = "rate(1 day)"
"""


@pytest.fixture
def project(tmp_path: Path, local_aws: str) -> Path:
    root = init_project(tmp_path / "shop", InitOptions(language="c", engine="wasmtime"))
    add_function(root, "api", "work", "c", None)
    shutil.copy(GUEST, root / "services" / "api" / "work" / "main.c")
    service = root / "services" / "api" / "service.toml"
    service.write_text(service.read_text() + TRIGGERS)
    manifest = root / "assemblylift.toml"
    manifest.write_text(manifest.read_text() + f'\n[local]\nendpoint = "{local_aws}"\n')
    return root


def _count(log: list[str], text: str) -> int:
    return sum(1 for line in log if line.endswith(text))


def test_serve_delivers_queue_batches_bucket_objects_and_schedules(
    project: Path, local_aws: str
) -> None:
    # What `asml apply --target local` would create (tests/deploy/test_triggers.py does).
    sqs, s3 = client(local_aws, "sqs"), client(local_aws, "s3")
    dead = sqs.create_queue(QueueName="asml-shop-api-jobs-dead-letter")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 3})
    queue = sqs.create_queue(QueueName="asml-shop-api-jobs",
                             Attributes={"RedrivePolicy": redrive})["QueueUrl"]  # fmt: skip
    s3.create_bucket(Bucket="asml-shop-api-uploads")

    with serving(project, "--no-watch", "--target", "local") as served:
        for body in ("good-1", "bad", "good-2"):
            sqs.send_message(QueueUrl=queue, MessageBody=body)
        both = ("handled good-1", "handled good-2")
        wait_for(lambda: all(_count(served.log, text) for text in both), timeout=60,
                 what=lambda: "\n".join(served.log))  # fmt: skip

        # The failed one returns and is retried, until its third receive moves it aside.
        def queues() -> str:
            counts = {url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
                      ["Attributes"] for url in (queue, dead)}  # fmt: skip
            return "\n".join([*served.log, str(counts)])

        wait_for(lambda: sqs.receive_message(QueueUrl=dead).get("Messages"), timeout=120,
                 what=queues)  # fmt: skip
        assert _count(served.log, "failing bad") == 3, "\n".join(served.log)
        assert _count(served.log, "handled good-1") == 1  # handled once: deleted
        left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
        assert (
            left["ApproximateNumberOfMessages"],
            left["ApproximateNumberOfMessagesNotVisible"],
        ) == ("0", "0")

        s3.put_object(Bucket="asml-shop-api-uploads", Key="out/skipped.txt", Body=b"x")
        s3.put_object(Bucket="asml-shop-api-uploads", Key="in/photo.txt", Body=b"hello")
        wait_for(lambda: _count(served.log, "object ObjectCreated:Put in/photo.txt"), timeout=30,
                 what=lambda: "\n".join(served.log))  # fmt: skip
        assert not any("out/skipped.txt" in line for line in served.log)
        # S3 sends keys URL-encoded; a plain bucket's DELETE is ObjectRemoved:Delete.
        s3.put_object(Bucket="asml-shop-api-uploads", Key="in/my photo.txt", Body=b"x")
        s3.delete_object(Bucket="asml-shop-api-uploads", Key="in/photo.txt")
        for seen in ("object ObjectCreated:Put in/my+photo.txt",
                     "object ObjectRemoved:Delete in/photo.txt"):  # fmt: skip
            wait_for(lambda: _count(served.log, seen), timeout=30,  # noqa: B023 - waited at once
                     what=lambda: "\n".join(served.log))  # fmt: skip

        assert not _count(served.log, "scheduled")  # rate(1 day): not yet
        found = re.search(r"kill -USR1 (\d+)", "\n".join(served.log))
        assert found, "\n".join(served.log)
        os.kill(int(found.group(1)), signal.SIGUSR1)
        wait_for(lambda: _count(served.log, "scheduled"), timeout=30,
                 what=lambda: "\n".join(served.log))  # fmt: skip
        assert _count(served.log, "scheduled") == 1
    listed = [line for line in served.log if line.startswith(("  schedule", "  queue", "  bucket"))]
    assert listed == [
        "  schedule api.tick                 rate(1 day) -> api.work",
        "  queue    api.jobs                 -> api.work",
        "  bucket   api.uploads              -> api.work",
    ]
