"""examples/jobs end to end on the local AWS: `asml apply --target local` creates its queue
(with a dead-letter queue), schedule, table and Rust functions; `asml serve --target local`
then does each job sent to the queue, records it in DynamoDB through the IOmod, sends a
message that is not a job to the dead-letter queue after its three tries without running the
good ones again, and records a nightly run when the schedule fires; `asml destroy` removes it
all."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

from tests.conftest import RunAsml
from tests.deploy.conftest import client
from tests.serving import copy_example, serving, wait_for

LOCAL = ("--target", "local")


@pytest.mark.wasmer
def test_jobs_deploys_works_its_queue_runs_its_schedule_and_goes(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = copy_example("jobs", tmp_path)
    manifest = root / "assemblylift.toml"
    manifest.write_text(manifest.read_text().replace("http://127.0.0.1:5000", local_aws))
    applied = run_asml("-C", str(root), "deploy", *LOCAL, "--yes")
    assert applied.exit_code == 0, applied.output

    sqs, table = client(local_aws, "sqs"), client(local_aws, "dynamodb")
    queue = sqs.get_queue_url(QueueName="asml-jobs-jobs-jobs")["QueueUrl"]
    dead = sqs.get_queue_url(QueueName="asml-jobs-jobs-jobs-dead-letter")["QueueUrl"]

    def recorded() -> dict[str, str]:
        items = table.scan(TableName="jobs")["Items"]
        return {item["id"]["S"]: item["task"]["S"] for item in items}

    with serving(root, "--no-watch", *LOCAL) as served:
        # moto would hand each message to the deployed event source mapping itself (and lose
        # it: it cannot run the function); serve pauses the mapping first.
        wait_for(lambda: any("paused the local AWS's own delivery" in line for line in served.log),
                 timeout=30, what=lambda: "\n".join(served.log))  # fmt: skip
        for body in ('{"id": "1", "task": "resize"}', "not a job", '{"id": "2", "task": "email"}'):
            sqs.send_message(QueueUrl=queue, MessageBody=body)
        wait_for(lambda: {"1", "2"} <= set(recorded()), timeout=120,
                 what=lambda: "\n".join(served.log))  # fmt: skip
        wait_for(lambda: sqs.receive_message(QueueUrl=dead).get("Messages"), timeout=120,
                 what=lambda: "\n".join(served.log))  # fmt: skip
        log = "\n".join(served.log)
        assert log.count("failed: not a job") == 3, log  # its three tries, then aside
        assert log.count('done: {"id": "1", "task": "resize"}') == 1, log  # never run again

        found = re.search(r"kill -USR1 (\d+)", log)
        assert found, log
        os.kill(int(found.group(1)), signal.SIGUSR1)
        wait_for(lambda: any(k.startswith("nightly-") for k in recorded()), timeout=60,
                 what=lambda: "\n".join(served.log))  # fmt: skip
    assert recorded()["1"] == "resize" and recorded()["2"] == "email"

    # Serve enabled the mapping again when it stopped: the stage is as deployed.
    replanned = run_asml("-C", str(root), "plan", *LOCAL, "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output
    destroyed = run_asml("-C", str(root), "destroy", *LOCAL, "--yes")
    assert destroyed.exit_code == 0, destroyed.output
    assert not [u for u in sqs.list_queues().get("QueueUrls", []) if "asml-jobs" in u]
