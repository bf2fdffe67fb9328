"""What else wakes a function besides an HTTP route: schedules, SQS queues and S3 buckets.

They are tables of the service (``[schedules.NAME]``, ``[queues.NAME]``, ``[buckets.NAME]``)
that name the function they wake, because a bucket's events can go to several functions and
a service reads better with its event sources in one place. Cross-key rules (the function
exists, the queue is in the project's region, S3 filters do not overlap) are in checks.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME_PATTERN = r"^[a-z][a-z0-9_-]*$"
Name = Annotated[str, Field(pattern=NAME_PATTERN, max_length=64)]
SQS_ARN_PATTERN = r"^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,75}(\.fifo)?$"
S3_ARN_PATTERN = r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
FAILURE_ARN_PATTERN = r"^arn:aws[a-z-]*:(sqs|sns|lambda|events):[a-z0-9-]+:[0-9]{12}:.+$"
# What S3 can notify a function of (the AWS names; ":*" for every event of a kind).
S3_EVENTS = (
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
    "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
    "s3:LifecycleExpiration:*", "s3:ObjectAcl:Put",
)  # fmt: skip

_RATE = re.compile(r"^rate\((?P<value>[0-9]+) (?P<unit>minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((?P<fields>[^()]*)\)$")
_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"
# (name, lowest, highest, names, what else the field accepts) of EventBridge's six fields
_CRON_FIELDS = (
    ("minutes", 0, 59, "", ""),
    ("hours", 0, 23, "", ""),
    ("day-of-month", 1, 31, "", "?LW"),
    ("month", 1, 12, _MONTHS, ""),
    ("day-of-week", 1, 7, _DAYS, "?L#"),
    ("year", 1970, 2199, "", ""),
)


def check_schedule(expression: str) -> str:
    """An EventBridge schedule expression, or ValueError saying what to write."""
    rate = _RATE.match(expression)
    if rate:
        value, unit = int(rate["value"]), rate["unit"]
        if value < 1:
            raise ValueError(f'"{expression}": the rate must be at least 1')
        if (value == 1) != (not unit.endswith("s")):
            right = unit.rstrip("s") if value == 1 else unit.rstrip("s") + "s"
            raise ValueError(f'"{expression}": write "rate({value} {right})"')
        return expression
    cron = _CRON.match(expression)
    if not cron:
        raise ValueError(
            f'"{expression}" is not a schedule; write "rate(5 minutes)" or'
            ' "cron(0 3 * * ? *)" (minutes hours day-of-month month day-of-week year, UTC)'
        )
    fields = cron["fields"].split()
    if len(fields) != len(_CRON_FIELDS):
        raise ValueError(
            f'"{expression}" has {len(fields)} fields; EventBridge\'s cron has 6: minutes hours'
            ' day-of-month month day-of-week year, e.g. "cron(0 3 * * ? *)"'
        )
    for text, (name, low, high, names, extra) in zip(fields, _CRON_FIELDS, strict=True):
        _check_cron_field(expression, text, name, low, high, names, extra)
    if (fields[2] == "?") == (fields[4] == "?"):
        raise ValueError(
            f'"{expression}": one of day-of-month and day-of-week must be "?" (and only one),'
            ' e.g. "cron(0 3 * * ? *)" for every day at 03:00 UTC'
        )
    return expression


def _check_cron_field(
    expression: str, text: str, name: str, low: int, high: int, names: str, extra: str
) -> None:
    words = f"|{names}" if names else ""
    atom = rf"([0-9]+{words})"
    pattern = rf"^(\*|\?|{atom}(-{atom})?(/[0-9]+)?|\*/[0-9]+)(,{atom}(-{atom})?(/[0-9]+)?)*$"
    special = extra and re.fullmatch(rf"[0-9]*[{re.escape(extra)}][0-9]*(#[0-9])?", text)
    if text == "?" and "?" not in extra:
        raise ValueError(f'"{expression}": {name} cannot be "?"')
    if not special and not re.fullmatch(pattern, text, re.IGNORECASE):
        raise ValueError(f'"{expression}": "{text}" is not a {name} field')
    for number in re.findall(r"(?<![/#0-9])[0-9]+", text):
        if not low <= int(number) <= high:
            raise ValueError(f'"{expression}": {name} {number} is outside {low}-{high}')


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Schedule(_Strict):
    """Invoke a function on a schedule (an EventBridge rule), with a fixed input."""

    function: Name = Field(description="The function of this service it invokes.")
    expression: str = Field(
        description='"rate(5 minutes)", "rate(1 day)" or "cron(0 3 * * ? *)" (UTC).'
    )
    input: dict[str, Any] | None = Field(
        default=None,
        description="The event the function gets, as a table; default: EventBridge's"
        " scheduled event.",
    )
    enabled: bool = Field(default=True, description="false keeps the rule but stops it.")

    @field_validator("expression")
    @classmethod
    def _expression(cls, value: str) -> str:
        return check_schedule(value)


class Queue(_Strict):
    """Deliver an SQS queue's messages to a function, in batches (an event source mapping).
    Without ``arn``, asml creates the queue, and a dead-letter queue behind it."""

    function: Name = Field(description="The function of this service that receives batches.")
    arn: str | None = Field(
        default=None, pattern=SQS_ARN_PATTERN,
        description="An existing queue, in the project's region; default: a queue asml creates.",
    )  # fmt: skip
    batch_size: int = Field(
        default=10, ge=1, le=10000, description="Most messages in one batch (1-10000)."
    )
    batching_window_seconds: int = Field(
        default=0, ge=0, le=300,
        description="Wait up to this long to fill a batch (0-300); at least 1 when"
        " batch_size is over 10.",
    )  # fmt: skip
    report_batch_item_failures: bool = Field(
        default=True,
        description="The function may answer which messages failed (batchItemFailures):"
        " only those come back to the queue.",
    )
    max_receive_count: int = Field(
        default=5, ge=1, le=1000,
        description="A created queue's message goes to its dead-letter queue after this many"
        " receives.",
    )  # fmt: skip
    visibility_timeout_seconds: int | None = Field(
        default=None, ge=0, le=43200,
        description="A created queue's visibility timeout; default: 6 times the function's"
        " timeout, as AWS advises.",
    )  # fmt: skip


class BucketNotification(_Strict):
    function: Name = Field(description="The function of this service S3 invokes.")
    events: list[str] = Field(
        default_factory=lambda: ["s3:ObjectCreated:*"],
        min_length=1,
        description='S3 event types, e.g. ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"].',
    )
    prefix: str | None = Field(
        default=None, min_length=1, description='Only keys under it, e.g. "uploads/".'
    )
    suffix: str | None = Field(
        default=None, min_length=1, description='Only keys ending so, e.g. ".png".'
    )

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        for event in value:
            if event not in S3_EVENTS:
                raise ValueError(
                    f'"{event}" is not an S3 event type; use one of {", ".join(S3_EVENTS)}'
                )
        return value


class Bucket(_Strict):
    """Invoke functions when objects change in an S3 bucket. Without ``arn``, asml creates
    the bucket (private, encrypted, versioned)."""

    arn: str | None = Field(
        default=None, pattern=S3_ARN_PATTERN,
        description="An existing bucket (arn:aws:s3:::NAME): asml then manages all of its"
        " event notifications.",
    )  # fmt: skip
    notify: list[BucketNotification] = Field(
        min_length=1, description="The functions to invoke, with the events and keys each wants."
    )


class AsyncInvoke(_Strict):
    """How Lambda retries an asynchronous invocation (schedules, S3 events) that fails."""

    retries: int = Field(default=2, ge=0, le=2, description="Retries after a failure (0-2).")
    max_event_age_seconds: int = Field(
        default=21600, ge=60, le=21600,
        description="Drop an event older than this (60-21600 s).",
    )  # fmt: skip
    on_failure: str | None = Field(
        default=None,
        description='Where an event that still fails goes: "queue" (a dead-letter queue asml'
        " creates) or the ARN of an SQS queue, SNS topic, function or event bus.",
    )

    @field_validator("on_failure")
    @classmethod
    def _on_failure(cls, value: str | None) -> str | None:
        if value is not None and value != "queue" and not re.fullmatch(FAILURE_ARN_PATTERN, value):
            raise ValueError(
                f'"{value}" is neither "queue" nor the ARN of an SQS queue, SNS topic, Lambda'
                " function or EventBridge bus"
            )
        return value
