"""``asml serve``'s other doors: schedules, queues and bucket events, delivered as Lambda does.

Each runs in a thread of its own and hands its events to the same worker pools as HTTP:
- a schedule fires at its times (``rate`` from when serve starts, ``cron`` at its UTC times)
  and on demand (SIGUSR1 runs every schedule now), with its fixed input or EventBridge's
  scheduled event;
- a queue on the local AWS is long-polled; each batch goes to the function as Lambda's SQS
  event, and the messages it handled are deleted. The others (every message when the function
  fails, those in ``batchItemFailures`` when it reports partial failures) return to the queue
  at once, so a retry shows in seconds, where Lambda waits for the visibility timeout;
- a bucket on the local AWS is listed every second (moto sends no notifications): each object
  that appears or changes, and each that goes, within a notification's prefix and suffix, is
  delivered as S3's event for it.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from typing import Any

from asml.build.pipeline import BUILD_DIR
from asml.iomods.service import IOMODS_DIR
from asml.manifest import Project
from asml.naming import service_resource_name
from asml.serve import sample_events
from asml.serve.schedules import timing_of
from asml.serve.workers import Job, NoWorker, Outcome, WorkerDied, Workers, WorkerTimeout

Log = Callable[[str], None]
_POLL_SECONDS = 1.0


@dataclass
class Triggers:
    """The triggers of the served project; ``client`` makes a boto3 client of the local AWS
    (None: not --target local, so queues and buckets are not polled)."""

    project: Project
    workers: Workers
    log: Log
    client: Callable[[str], Any] | None = None

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._now = threading.Event()
        self._threads: list[threading.Thread] = []
        self._paused: list[tuple[Any, str]] = []  # (lambda client, mapping UUID)

    def describe(self) -> list[str]:
        lines = []
        for service in self.project.services:
            spec = service.manifest
            for name, schedule in sorted(spec.schedules.items()):
                kind = "" if timing_of(schedule.expression).next_after(_now()) else " (on demand)"
                state = "" if schedule.enabled else " (disabled)"
                lines.append(f"  schedule {service.name}.{name:<20} {schedule.expression}{kind}"
                             f"{state} -> {service.name}.{schedule.function}")  # fmt: skip
            for name, queue in sorted(spec.queues.items()):
                where = "" if self.client else " (needs --target local)"
                lines.append(f"  queue    {service.name}.{name:<20}{where} ->"
                             f" {service.name}.{queue.function}")  # fmt: skip
            for name, bucket in sorted(spec.buckets.items()):
                where = "" if self.client else " (needs --target local)"
                targets = ", ".join(f"{service.name}.{n.function}" for n in bucket.notify)
                lines.append(f"  bucket   {service.name}.{name:<20}{where} -> {targets}")
        return lines

    def start(self) -> None:
        for service in self.project.services:
            spec = service.manifest
            for name, schedule in sorted(spec.schedules.items()):
                if schedule.enabled:
                    self._spawn(self._schedule, service.name, name)
            if self.client is None:
                continue
            for name in sorted(spec.queues):
                self._spawn(self._queue, service.name, name)
            for name in sorted(spec.buckets):
                self._spawn(self._bucket, service.name, name)

    def run_schedules_now(self) -> None:
        self._now.set()

    def stop(self) -> None:
        self._stop.set()
        self._now.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._resume_local_delivery()

    def _spawn(self, target: Callable[[str, str], None], service: str, name: str) -> None:
        def run() -> None:
            # A trigger's thread must outlive what the local AWS or a guest does to it: say
            # what happened, wait a little, and carry on.
            while not self._stop.is_set():
                try:
                    target(service, name)
                    return
                except Exception as error:  # reported, then retried
                    self.log(f"{target.__name__.strip('_')} {service}.{name}: {error!r};"
                             " starting again in 5 s")  # fmt: skip
                    self._stop.wait(5)

        thread = threading.Thread(target=run, daemon=True, name=f"{service}-{name}")
        self._threads.append(thread)
        thread.start()

    # -- running one event -------------------------------------------------------------

    def _run(self, service: str, function: str, event: Any, what: str) -> Outcome | None:
        spec = self.project.service(service).manifest.functions[function]
        root = self.project.root / BUILD_DIR / service
        job = Job(str(root / function), str(root / IOMODS_DIR), spec.memory_mb,
                  json.dumps(event, separators=(",", ":")).encode(),
                  float(spec.timeout_seconds))  # fmt: skip
        reference = f"{service}.{function}"
        try:
            outcome = self.workers.run(job)
        except WorkerTimeout:
            self.log(f"{what} -> {reference}: ran past its timeout of {spec.timeout_seconds} s")
            return None
        except WorkerDied:
            self.log(f"{what} -> {reference}: its worker died; it will be replaced")
            return None
        except NoWorker:
            if not self._stop.is_set():
                self.log(f"{what} -> {reference}: no worker came free")
            return None
        if outcome.ok:
            self.log(f"{what} -> {reference}: ok")
        else:
            self.log(f"{what} -> {reference} failed: {outcome.payload.decode('utf-8', 'replace')}")
        return outcome

    # -- schedules ------------------------------------------------------------------------

    def _schedule(self, service: str, name: str) -> None:
        schedule = self.project.service(service).manifest.schedules[name]
        timing = timing_of(schedule.expression)
        event: Any = copy.deepcopy(schedule.input)
        if schedule.input is None:  # the rule of this schedule, not the function's first
            arn = sample_events.rule_arn(self.project, service, name)
            event = sample_events.schedule_event(arn, self.project.manifest.project.region)
        due = timing.next_after(_now())
        while not self._stop.is_set():
            wait = (due - _now()).total_seconds() if due is not None else None
            on_demand = self._now.wait(timeout=max(wait, 0) if wait is not None else None)
            if self._stop.is_set():
                return
            if on_demand:
                self._now.clear()
            elif due is not None:
                due = timing.next_after(due)
            if schedule.input is None:  # EventBridge's event says when; a fixed input is as given
                event["time"] = _now().strftime("%Y-%m-%dT%H:%M:%SZ")
            self._run(service, schedule.function, event, f"schedule {service}.{name}")

    # -- queues ---------------------------------------------------------------------------

    def _name(self, service: str, name: str) -> str:
        return service_resource_name(self.project.name, service, name)

    def _queue(self, service: str, name: str) -> None:
        assert self.client is not None
        queue = self.project.service(service).manifest.queues[name]
        sqs = self.client("sqs")
        region = self.project.manifest.project.region
        what = f"queue {service}.{name}"
        url, said = None, False
        while not self._stop.is_set():
            if url is None:
                url = self._queue_url(sqs, queue.arn or self._name(service, name), what, said)
                said = True
                if url is None:
                    self._stop.wait(5)
                    continue
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                    "Attributes"
                ]["QueueArn"]
                self._pause_local_delivery(arn, what)
            messages = self._batch(sqs, url, queue)
            if messages:
                self._deliver(sqs, url, (service, arn, region), queue, messages, what)

    def _batch(self, sqs: Any, url: str, queue: Any) -> list[dict[str, Any]]:
        """Up to ``batch_size`` messages: as many as one receive gives, or, with a batching
        window, what arrives within it (Lambda gathers batches over 10 the same way)."""
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + queue.batching_window_seconds
        while len(messages) < queue.batch_size and not self._stop.is_set():
            answer = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=min(queue.batch_size - len(messages), 10),
                WaitTimeSeconds=1, AttributeNames=["All"], MessageAttributeNames=["All"],
            )  # fmt: skip
            messages += answer.get("Messages", [])
            if not messages or time.monotonic() >= deadline:
                break
        return messages

    def _pause_local_delivery(self, queue_arn: str, what: str) -> None:
        """moto delivers a message itself to the queue's event source mapping, the moment it is
        sent, to a function it cannot run, and so consumes it: while serve polls the queue,
        those mappings are disabled on the local AWS, and enabled again when serve stops."""
        assert self.client is not None
        lambdas = self.client("lambda")
        found = lambdas.list_event_source_mappings(EventSourceArn=queue_arn)
        for mapping in found.get("EventSourceMappings", []):
            if mapping.get("State") in ("Enabled", "Enabling", "Creating", None):
                lambdas.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
                self._paused.append((lambdas, mapping["UUID"]))
                self.log(f"{what}: paused the local AWS's own delivery to"
                         f" {mapping['FunctionArn'].rsplit(':', 1)[-1]} while serving")  # fmt: skip

    def _resume_local_delivery(self) -> None:
        for lambdas, uuid in self._paused:
            try:
                lambdas.update_event_source_mapping(UUID=uuid, Enabled=True)
            except Exception as error:  # the local AWS went away: nothing to restore
                self.log(f"could not enable event source mapping {uuid} again: {error}")
        self._paused.clear()

    def _queue_url(self, sqs: Any, name_or_arn: str, what: str, said: bool) -> str | None:
        name = name_or_arn.rsplit(":", 1)[-1]
        try:
            url: str = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            return url
        except Exception:
            if not said:
                self.log(f"{what}: the local AWS has no queue {name} (deploy with"
                         " `asml apply --target local`); looking again every 5 s")  # fmt: skip
            return None

    def _deliver(self, sqs: Any, url: str, source: tuple[str, str, str], queue: Any,
                 messages: list[dict[str, Any]], what: str) -> None:  # fmt: skip
        service, arn, region = source
        event = {"Records": [_record(m, arn, region) for m in messages]}
        count = f"{len(messages)} message{'s' if len(messages) != 1 else ''}"
        outcome = self._run(service, queue.function, event, f"{what} ({count})")
        failed = {m["MessageId"] for m in messages}  # a failure returns the whole batch
        if outcome is not None and outcome.ok:
            reported = queue.report_batch_item_failures
            failed = _failed_items(outcome.payload, failed) if reported else set()
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(done[start:start + 10])
            ])  # fmt: skip
        back = [m for m in messages if m["MessageId"] in failed]
        for start in range(0, len(back), 10):
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(back[start:start + 10])
            ])  # fmt: skip
        if back:
            self.log(f"{what}: {len(back)} message{'s' if len(back) != 1 else ''} returned to"
                     " the queue")  # fmt: skip

    def _object_event(self, service: str, bucket: Any, bucket_name: str, key: str,
                      event_name: str, etag: str, size: int | None) -> None:  # fmt: skip
        region = self.project.manifest.project.region
        for notification in bucket.notify:
            if _wants(notification, key, event_name):
                event = _object_event_record(bucket_name, key, event_name, etag, size, region)
                self._run(service, notification.function, event, f"bucket {bucket_name} {key}")

    # -- buckets --------------------------------------------------------------------------

    def _bucket(self, service: str, name: str) -> None:
        assert self.client is not None
        bucket = self.project.service(service).manifest.buckets[name]
        s3 = self.client("s3")
        bucket_name = bucket.arn.rsplit(":", 1)[-1] if bucket.arn else self._name(service, name)
        what = f"bucket {service}.{name}"
        seen: dict[str, tuple[str, int, str]] | None = None
        said = False
        removed = "ObjectRemoved:Delete"
        while not self._stop.is_set():
            try:
                listed = _objects(s3, bucket_name)
                if seen is None and _versioned(s3, bucket_name):
                    # A plain DELETE in a versioned bucket (every bucket asml creates) leaves
                    # a delete marker, and S3 says so.
                    removed = "ObjectRemoved:DeleteMarkerCreated"
            except Exception:
                if not said:
                    said = True
                    self.log(f"{what}: the local AWS has no bucket {bucket_name} (deploy with"
                             " `asml apply --target local`); looking again every 5 s")  # fmt: skip
                self._stop.wait(5)
                continue
            if seen is not None:
                # Written again with the same bytes is still a Put: LastModified tells.
                changes: list[tuple[str, str, str, int | None]] = [
                    (k, "ObjectCreated:Put", e, s)
                    for k, (e, s, m) in listed.items()
                    if seen.get(k) != (e, s, m)
                ]
                changes += [
                    (k, removed, e, None) for k, (e, _, _) in seen.items() if k not in listed
                ]
                for key, event_name, etag, size in sorted(changes, key=lambda c: c[:2]):
                    self._object_event(service, bucket, bucket_name, key, event_name, etag, size)
            seen = listed
            self._stop.wait(_POLL_SECONDS)


def _objects(s3: Any, bucket: str) -> dict[str, tuple[str, int, str]]:
    """Every object's key -> (ETag, size, LastModified)."""
    found: dict[str, tuple[str, int, str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            found[item["Key"]] = (item["ETag"].strip('"'), int(item["Size"]),
                                  str(item["LastModified"]))  # fmt: skip
    return found


def _versioned(s3: Any, bucket: str) -> bool:
    return bool(s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled")


def _object_event_record(bucket: str, key: str, event_name: str, etag: str, size: int | None,
                         region: str) -> dict[str, Any]:  # fmt: skip
    event = sample_events.s3_event(bucket, "s3:" + event_name, key, region)
    record = event["Records"][0]
    record["eventTime"] = _now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    # S3 sends no size for a removed object, and the sample's sequencer means nothing here.
    shown = {"key": record["s3"]["object"]["key"], "eTag": etag}  # the sample's key is encoded
    record["s3"]["object"] = shown | ({"size": size} if size is not None else {})
    return event


def _wants(notification: Any, key: str, event_name: str) -> bool:
    if notification.prefix and not key.startswith(notification.prefix):
        return False
    if notification.suffix and not key.endswith(notification.suffix):
        return False
    return any(fnmatchcase("s3:" + event_name, pattern) for pattern in notification.events)


def _record(message: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    """One message as Lambda's SQS event shows it (its keys in camelCase, unlike the API's)."""
    attributes = {}
    for key, value in message.get("MessageAttributes", {}).items():
        if "StringValue" in value:
            shown = {"stringValue": value["StringValue"]}
        else:  # bytes from boto3; Lambda's event carries them in base64
            shown = {"binaryValue": base64.b64encode(value.get("BinaryValue", b"")).decode()}
        attributes[key] = {**shown, "stringListValues": [], "binaryListValues": [],
                           "dataType": value["DataType"]}  # fmt: skip
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


def _failed_items(payload: bytes, batch: set[str]) -> set[str]:
    """The messages a ``{"batchItemFailures": [{"itemIdentifier": ...}]}`` response names.
    As on Lambda, a malformed response, or one naming a message not in the batch, fails the
    whole batch; an empty or absent list means every message was handled."""
    try:
        answer = json.loads(payload)
    except ValueError:
        return set()  # not JSON: Lambda takes any other answer for success
    if not isinstance(answer, dict) or answer.get("batchItemFailures") is None:
        return set()
    items = answer["batchItemFailures"]
    if not isinstance(items, list):
        return set(batch)
    named = set()
    for item in items:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in batch:
            return set(batch)
        named.add(identifier)
    return named


def _now() -> datetime:
    return datetime.now(timezone.utc)
