"""Rules for a service's schedules, queues and buckets that span keys or files."""

from __future__ import annotations

from asml import naming
from asml.manifest.model import ProjectManifest, ServiceManifest
from asml.manifest.problems import KeyPath
from asml.manifest.report import FileReport
from asml.manifest.triggers import BucketNotification

# S3 bucket names: at most 63 characters, lowercase letters, digits and hyphens.
_BUCKET_NAME_LIMIT = 63
_RULE_LIMIT = 64  # EventBridge rule names
_QUEUE_LIMIT = 80  # SQS queue names


def check_triggers(
    service: str,
    spec: ServiceManifest,
    manifest: ProjectManifest | None,
    report: FileReport,
    pruned: frozenset[tuple[str, str]],
) -> None:
    def exists(function: str, where: KeyPath) -> bool:
        if function in spec.functions or ("functions", function) in pruned:
            return ("functions", function) not in pruned
        known = ", ".join(f'"{f}"' for f in spec.functions) or "none"
        report.error(
            where,
            f'"{function}" is not a function of this service (its functions: {known}); name'
            " one of them, or add it",
        )
        return False

    for name, schedule in spec.schedules.items():
        exists(schedule.function, ("schedules", name, "function"))
    for name, queue in spec.queues.items():
        path: KeyPath = ("queues", name)
        if queue.batch_size > 10 and queue.batching_window_seconds == 0:
            report.error(
                (*path, "batching_window_seconds"),
                f"must be at least 1 with batch_size = {queue.batch_size}: Lambda waits for a"
                " batch over 10 messages only within a window",
            )
        if queue.arn is not None:
            region = queue.arn.split(":")[3]
            if manifest is not None and region != manifest.project.region:
                report.error(
                    (*path, "arn"),
                    f"the queue is in {region}, but the project deploys to"
                    f" {manifest.project.region}: Lambda reads queues of its own region only;"
                    " use a queue there, or leave out `arn` for asml to create one",
                )
            if queue.arn.endswith(".fifo") and queue.batch_size > 10:
                report.error((*path, "batch_size"), "a FIFO queue delivers at most 10 at once")
            for key in ("max_receive_count", "visibility_timeout_seconds"):
                if key in queue.model_fields_set:
                    report.error(
                        (*path, key), "only a queue asml creates uses it; remove it or `arn`"
                    )
        if exists(queue.function, (*path, "function")):
            timeout = spec.functions[queue.function].timeout_seconds
            visibility = queue.visibility_timeout_seconds
            if visibility is not None and visibility < timeout:
                report.error(
                    (*path, "visibility_timeout_seconds"),
                    f"{visibility} s is shorter than the function's timeout ({timeout} s): a"
                    " message would come back while it is still being handled; AWS advises"
                    f" {6 * timeout}",
                )
    for name, bucket in spec.buckets.items():
        path = ("buckets", name)
        for index, notification in enumerate(bucket.notify):
            exists(notification.function, (*path, "notify", index, "function"))
            for other in range(index):
                if _overlap(bucket.notify[other], notification):
                    report.error(
                        (*path, "notify", index),
                        f"overlaps notify[{other}] (the same events for keys both filters"
                        " match), which S3 refuses; give them different prefixes or suffixes",
                    )
        if bucket.arn is None and "_" in name:
            report.error(
                path,
                f'"{name}": S3 bucket names take no "_"; name it with "-" instead'
                f" (e.g. [buckets.{name.replace('_', '-')}])",
            )
        if bucket.arn is None:
            _fits(manifest, service, path, "bucket", "S3", _BUCKET_NAME_LIMIT, "", report)
    for name in spec.schedules:
        _fits(manifest, service, ("schedules", name), "rule", "EventBridge", _RULE_LIMIT, "",
              report)  # fmt: skip
    for name, queue in spec.queues.items():
        if queue.arn is None:  # the longer of the two queues asml makes
            _fits(manifest, service, ("queues", name), "dead-letter queue", "SQS",
                  _QUEUE_LIMIT, "-dead-letter", report)  # fmt: skip


def _fits(
    manifest: ProjectManifest | None, service: str, path: KeyPath, what: str, where: str,
    limit: int, suffix: str, report: FileReport,
) -> None:  # fmt: skip
    """The name asml gives the resource fits the service's limit, on every stage."""
    if manifest is None:
        return
    longest = max([None, *manifest.stages], key=lambda s: len(s or ""))
    created = (
        naming.service_resource_name(manifest.project.name, service, str(path[1]), longest) + suffix
    )
    if len(created) > limit:
        report.error(
            path,
            f'the {what} would be named "{created}" ({len(created)} characters; {where}'
            f" allows {limit}); shorten the {str(path[0])[:-1]}'s, service's or project's name",
        )


def _overlap(one: BucketNotification, other: BucketNotification) -> bool:
    def same_kind(a: str, b: str) -> bool:
        kind_a, kind_b = a.rsplit(":", 1), b.rsplit(":", 1)
        return (kind_a[0] == kind_b[0] and "*" in (kind_a[1], kind_b[1])) or a == b

    events = any(same_kind(a, b) for a in one.events for b in other.events)
    prefixes = (
        one.prefix is None
        or other.prefix is None
        or one.prefix.startswith(other.prefix)
        or other.prefix.startswith(one.prefix)
    )
    suffixes = (
        one.suffix is None
        or other.suffix is None
        or one.suffix.endswith(other.suffix)
        or other.suffix.endswith(one.suffix)
    )
    return events and prefixes and suffixes
