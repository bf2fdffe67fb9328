"""Sample events for ``asml invoke --event KIND``: what Lambda hands a function when an HTTP
request, an SQS batch, an S3 notification or a schedule wakes it, filled in from the
function's own trigger (its queue's ARN, its bucket and prefix, its schedule's input) so that
a handler can be tried on the event it will get. ``--set key=value`` then edits one value.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from typing import Any

from asml.errors import AsmlError
from asml.manifest import Project
from asml.naming import service_resource_name
from asml.serve.events import Request, build_event
from asml.serve.routes import Route

KINDS = ("http", "sqs", "s3", "schedule")
# Sample values in the shape AWS gives them; fixed so that a sample is the same on every run.
_ACCOUNT = "123456789012"
_TIME = "2026-01-01T00:00:00Z"
_MESSAGE_ID = "059f36b4-87a3-44ab-83d2-661975830a7d"
_EVENT_ID = "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa"


def default_kind(project: Project, service: str, function: str) -> str | None:
    """What wakes the function, the first of: its route, a queue, a bucket, a schedule."""
    spec = project.service(service).manifest
    if spec.functions[function].http is not None:
        return "http"
    for kind, triggers in (
        ("sqs", spec.queues),
        ("s3", spec.buckets),
        ("schedule", spec.schedules),
    ):
        if _mine(kind, triggers, function):
            return kind
    return None


def sample_event(project: Project, service: str, function: str, kind: str) -> Any:
    spec = project.service(service).manifest
    region = project.manifest.project.region

    def named(name: str) -> str:
        return service_resource_name(project.name, service, name)

    if kind == "http":
        http = spec.functions[function].http
        route = Route(http.verb, http.path, service, function, None, None) if http else None
        return http_event(route)
    if kind == "sqs":
        queues = _mine("sqs", spec.queues, function)
        name, queue = queues[0] if queues else ("queue", None)
        arn = (queue.arn if queue else None) or f"arn:aws:sqs:{region}:{_ACCOUNT}:{named(name)}"
        return sqs_event(arn, region)
    if kind == "s3":
        buckets = _mine("s3", spec.buckets, function)
        if buckets:
            name, bucket = buckets[0]
            notification = next(n for n in bucket.notify if n.function == function)
            bucket_name = bucket.arn.rsplit(":", 1)[-1] if bucket.arn else named(name)
            event = notification.events[0]
            key = f"{notification.prefix or ''}example{notification.suffix or '.txt'}"
        else:
            bucket_name, event, key = named("bucket"), "s3:ObjectCreated:Put", "example.txt"
        return s3_event(bucket_name, event, key, region)
    schedules = _mine("schedule", spec.schedules, function)
    name, schedule = schedules[0] if schedules else ("schedule", None)
    if schedule is not None and schedule.input is not None:
        return schedule.input  # EventBridge delivers the fixed input instead of its event
    return schedule_event(rule_arn(project, service, name), region)


def rule_arn(project: Project, service: str, schedule: str) -> str:
    """The ARN of the EventBridge rule asml makes for a schedule (in the sample account)."""
    name = service_resource_name(project.name, service, schedule)
    return f"arn:aws:events:{project.manifest.project.region}:{_ACCOUNT}:rule/{name}"


def _mine(kind: str, triggers: dict[str, Any], function: str) -> list[tuple[str, Any]]:
    if kind == "s3":
        return [(n, t) for n, t in sorted(triggers.items())
                if any(x.function == function for x in t.notify)]  # fmt: skip
    return [(n, t) for n, t in sorted(triggers.items()) if t.function == function]


def http_event(route: Route | None) -> dict[str, Any]:
    """API Gateway's payload 2.0 for a GET of the route (``{}`` without one)."""
    if route is None:
        return {}
    path = "/".join("example" if s.startswith("{") else s for s in route.path.split("/"))
    method = "GET" if route.verb == "ANY" else route.verb
    request = Request(method, path or "/", [("host", "localhost")], b"")
    parameters = {s.strip("{}+"): "example" for s in route.path.split("/") if s.startswith("{")}
    return build_event(request, route, parameters)


def sqs_event(queue_arn: str, region: str, body: str = "Hello from SQS!") -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": _MESSAGE_ID,
                "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1767225600000",
                    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                    "ApproximateFirstReceiveTimestamp": "1767225600001",
                },
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        ]
    }


# What S3 sends for a notification's wildcard: the commonest event of its family.
_CONCRETE = {"ObjectCreated": "Put", "ObjectRemoved": "Delete", "ObjectRestore": "Completed",
             "ObjectTagging": "Put", "LifecycleExpiration": "Delete"}  # fmt: skip


def s3_event(bucket: str, event: str, key: str, region: str) -> dict[str, Any]:
    """S3's notification of one object; ``key`` as stored (the event carries it URL-encoded,
    as S3 sends it: "my photo.png" arrives as "my+photo.png")."""
    family, _, kind = event.removeprefix("s3:").partition(":")
    name = f"{family}:{_CONCRETE.get(family, 'Put') if kind == '*' else kind}"
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": _TIME.replace("Z", ".000Z"),
                "eventName": name,
                "userIdentity": {"principalId": "AWS:AIDAINPONIXQXHT3IKHL2"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "asml",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": urllib.parse.quote_plus(key, safe="/"),
                        "size": 1024,
                        "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                        "sequencer": "0A1B2C3D4E5F678901",
                    },
                },
            }
        ]
    }


def schedule_event(rule_arn: str, region: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": _EVENT_ID,
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": _ACCOUNT,
        "time": _TIME,
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


def refresh_digests(event: Any) -> None:
    """An SQS record's md5OfBody follows its body, as SQS computes it, after --set."""
    records = event.get("Records") if isinstance(event, dict) else None
    for record in records if isinstance(records, list) else []:
        if (
            isinstance(record, dict)
            and isinstance(record.get("body"), str)
            and "md5OfBody" in record
        ):
            record["md5OfBody"] = hashlib.md5(record["body"].encode(),
                                              usedforsecurity=False).hexdigest()  # fmt: skip


def apply_set(event: Any, assignment: str) -> Any:
    """``Records.0.body=hello``: the value at that path becomes ``hello``. Where the event
    holds text (an SQS body is a string, even of JSON) it stays text; elsewhere the value is
    JSON if it reads as JSON, else text. Keys that do not exist yet are added to their table."""
    path, equals, raw = assignment.partition("=")
    if not equals or not path:
        raise AsmlError(f'--set "{assignment}": write KEY=VALUE, e.g. Records.0.body=hello')

    def parsed(old: Any) -> Any:
        if isinstance(old, str):
            return raw
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    keys = path.split(".")
    if not isinstance(event, dict | list):
        raise AsmlError(f'--set "{assignment}": the event is not a JSON object to set keys in')
    node: Any = event
    for depth, key in enumerate(keys):
        last = depth == len(keys) - 1
        at = ".".join(keys[: depth + 1])
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                raise AsmlError(
                    f'--set "{assignment}": {at} is not one of the {len(node)} items there'
                    f" (0 to {len(node) - 1})"
                )
            if last:
                node[int(key)] = parsed(node[int(key)])
            else:
                node = node[int(key)]
        elif isinstance(node, dict):
            if last:
                node[key] = parsed(node.get(key))
            else:
                node = node.setdefault(key, {})
        else:
            raise AsmlError(
                f'--set "{assignment}": {".".join(keys[:depth])} is a value, not a table'
            )
    return event
