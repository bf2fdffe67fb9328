"""The module calls for a service's schedules, queues and buckets, and what each function's
role and configuration gain from them.

Each trigger's IAM is exactly what it needs: a queue's consumer may receive, delete and
extend the visibility of that queue's messages; schedules and buckets invoke through a
resource policy (``aws_lambda_permission``) and need nothing on the role; a failure
destination gets the one action that sends to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from asml.generate.hcl import Expr, Value, template, value
from asml.generate.iam import statement_key
from asml.generate.model import FunctionCall, Statement, TriggerCall
from asml.manifest.model import Function, ServiceManifest
from asml.manifest.triggers import AsyncInvoke

QUEUE_ACTIONS = (
    "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
)  # fmt: skip
# What the execution role needs to send a failed event to each kind of destination.
_DESTINATION_ACTIONS = {
    "sqs": "sqs:SendMessage", "sns": "sns:Publish", "lambda": "lambda:InvokeFunction",
    "events": "events:PutEvents",
}  # fmt: skip
# AWS's advice for a queue's visibility timeout: six times the function's timeout.
VISIBILITY_FACTOR = 6


def trigger_calls(
    service: str,
    spec: ServiceManifest,
    functions: Mapping[str, FunctionCall],
    take: Callable[[str, str], str],
    kms_key: Expr | None = None,
) -> tuple[TriggerCall, ...]:
    """Every schedule, queue and bucket of the service, in that order, each by name."""
    found = []
    for name, schedule in sorted(spec.schedules.items()):
        function = functions[schedule.function]
        arguments: dict[str, Value] = {
            "name": template(Expr("local.prefix"), f"-{service}-{name}"),
            "description": f"Runs {service}.{schedule.function} on {schedule.expression}",
            "schedule_expression": schedule.expression,
            "function_name": Expr(f"module.{function.label}.function_name"),
            "function_arn": Expr(f"module.{function.label}.arn"),
        }
        if schedule.input is not None:
            arguments["input"] = Expr(f"jsonencode({value(_json(schedule.input), 1)})")
        if not schedule.enabled:
            arguments["enabled"] = False
        label = take(f"{service}_schedule_{name}".replace("-", "_"), f"schedule {name}")
        found.append(TriggerCall(f"schedules.{name}", label, "schedule", arguments))
    for name, queue in sorted(spec.queues.items()):
        function = functions[queue.function]
        consumer = spec.functions[queue.function]
        arguments = {
            "name": template(Expr("local.prefix"), f"-{service}-{name}"),
            "function_name": Expr(f"module.{function.label}.function_name"),
        }
        if queue.arn is not None:
            arguments["queue_arn"] = queue.arn
        else:
            visibility = queue.visibility_timeout_seconds
            arguments["visibility_timeout_seconds"] = (
                VISIBILITY_FACTOR * consumer.timeout_seconds if visibility is None else visibility
            )
            if queue.max_receive_count != 5:
                arguments["max_receive_count"] = queue.max_receive_count
            if kms_key is not None:
                arguments["kms_key_arn"] = kms_key
        if queue.batch_size != 10:
            arguments["batch_size"] = queue.batch_size
        if queue.batching_window_seconds:
            arguments["maximum_batching_window_in_seconds"] = queue.batching_window_seconds
        if not queue.report_batch_item_failures:
            arguments["report_batch_item_failures"] = False
        label = take(f"{service}_queue_{name}".replace("-", "_"), f"queue {name}")
        found.append(TriggerCall(f"queues.{name}", label, "sqs-trigger", arguments))
    for name, bucket in sorted(spec.buckets.items()):
        notifications: list[Value] = []
        for notification in bucket.notify:
            function = functions[notification.function]
            entry: dict[str, Value] = {
                "function_name": Expr(f"module.{function.label}.function_name"),
                "function_arn": Expr(f"module.{function.label}.arn"),
                "events": list(notification.events),
            }
            if notification.prefix is not None:
                entry["prefix"] = notification.prefix
            if notification.suffix is not None:
                entry["suffix"] = notification.suffix
            notifications.append(entry)
        arguments = {"name": template(Expr("local.prefix"), f"-{service}-{name}")}
        if bucket.arn is not None:
            arguments["bucket_arn"] = bucket.arn
        elif kms_key is not None:
            arguments["kms_key_arn"] = kms_key
        arguments["notifications"] = notifications
        label = take(f"{service}_bucket_{name}".replace("-", "_"), f"bucket {name}")
        found.append(TriggerCall(f"buckets.{name}", label, "bucket-events", arguments))
    return tuple(found)


def queue_statements(
    spec: ServiceManifest, function: str, calls: tuple[TriggerCall, ...]
) -> tuple[Statement, ...]:
    """What a function's role needs for the queues it reads: their messages, nothing else."""
    labels = {call.reference: call.label for call in calls}
    return tuple(
        Statement(
            statement_key("Queue", name),
            QUEUE_ACTIONS,
            (Expr(f"module.{labels[f'queues.{name}']}.queue_arn"),),
        )
        for name, queue in sorted(spec.queues.items())
        if queue.function == function
    )


def async_settings(
    function: Function, label: str, kms_key: Expr | None = None
) -> tuple[dict[str, Value], tuple[Statement, ...]]:
    """The lambda-function module's async_invoke, and the role's right to use the destination
    (and, for the queue asml creates under the project's KMS key, to encrypt with that key)."""
    settings: AsyncInvoke | None = function.async_invoke
    if settings is None:
        return {}, ()
    found: dict[str, Value] = {
        "maximum_retry_attempts": settings.retries,
        "maximum_event_age_in_seconds": settings.max_event_age_seconds,
    }
    if settings.on_failure is None:
        return {"async_invoke": found}, ()
    if settings.on_failure == "queue":
        found["create_failure_queue"] = True
        action = _DESTINATION_ACTIONS["sqs"]
    else:
        found["on_failure_arn"] = settings.on_failure
        action = _DESTINATION_ACTIONS[settings.on_failure.split(":")[2]]
    destination = Statement(
        "FailureDestination", (action,), (Expr(f"module.{label}.failure_destination_arn"),)
    )
    if settings.on_failure == "queue" and kms_key is not None:
        # SendMessage to an SSE-KMS queue makes a data key; the role's Decrypt does not cover it.
        key = Statement("FailureDestinationKey", ("kms:GenerateDataKey",), (kms_key,))
        return {"async_invoke": found}, (destination, key)
    return {"async_invoke": found}, (destination,)


def _json(data: object) -> Value:
    """A schedule's input as HCL: the TOML table, through JSON so only JSON types remain."""
    loaded: Value = json.loads(json.dumps(data, default=str))
    return loaded
