"""A deployed function's CloudWatch log events: read once, or followed as they arrive.

Lambda writes a function's log to ``/aws/lambda/<function name>``, one stream per execution
environment. ``FilterLogEvents`` reads all streams at once, so events come back interleaved
by time; following polls it from the newest event seen, skipping the ones already printed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from asml.errors import AsmlError

_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# START RequestId: <id> Version: ..., END RequestId: <id>, REPORT RequestId: <id> ...
_PLATFORM_ID = re.compile(r"RequestId: ([0-9a-fA-F-]{36})")
# Lambda's text format for a function's own lines: <time>\t<request id>\t<level>\t<message>
# (Node's layout), or [<level>]\t<time>\t<request id>\t<message> (Python's, which asml's
# runtime writes through awslambdaric).
_TEXT_LINE = re.compile(r"^(?:\[[A-Z]+\]\t)?\S+\t([0-9a-fA-F-]{36})\t")


@dataclass(frozen=True)
class LogEvent:
    timestamp_ms: int
    event_id: str
    message: str

    @property
    def request_id(self) -> str | None:
        return request_id_of(self.message)

    def line(self) -> str:
        """``<time> <request id> <message>``: one line, whatever the log format."""
        when = datetime.fromtimestamp(self.timestamp_ms / 1000, timezone.utc)
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
        return f"{stamp} {self.request_id or '-'} {readable(self.message)}"


def since_ms(text: str, now: datetime) -> int:
    """``10m``, ``2h``, ``1d`` ago, or a time (``2026-12-08T09:00``, UTC unless it says)."""
    found = _DURATION.match(text.strip())
    if found:
        delta = timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
        return int((now - delta).timestamp() * 1000)
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AsmlError(
            f'--since "{text}": write how long ago, like 30s, 10m, 2h or 1d, or a time like'
            " 2026-12-08T09:00 (UTC unless it names its offset)"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp() * 1000)


def request_id_of(message: str) -> str | None:
    """The request an event belongs to, in Lambda's JSON or text log format."""
    stripped = message.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            record = data.get("record")
            found = data.get("requestId") or (
                record.get("requestId") if isinstance(record, dict) else None
            )
            return found if isinstance(found, str) else None
    for pattern in (_PLATFORM_ID, _TEXT_LINE):
        matched = pattern.search(message)
        if matched:
            return matched.group(1)
    return None


def readable(message: str) -> str:
    """A JSON log line as ``LEVEL message`` (or the platform event's type and record); any
    other line as written, on one line."""
    stripped = message.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            text = data.get("message")
            if isinstance(text, str):
                level = data.get("level")
                prefix = f"{level} " if isinstance(level, str) else ""
                return prefix + text.replace("\n", " ")
            if isinstance(data.get("type"), str):
                record = data.get("record")
                shown = {k: v for k, v in record.items() if k != "requestId"} if isinstance(
                    record, dict
                ) else record  # fmt: skip
                return f"{data['type']} {json.dumps(shown, separators=(',', ':'))}"
    return " ".join(stripped.splitlines())


def _pattern(text: str | None) -> dict[str, str]:
    # A quoted term: the text as it is, spaces and punctuation included, not filter syntax.
    # One with a quote in it is matched here alone: escaping quotes is where CloudWatch Logs
    # and local AWSs differ. Either way the events are checked here too (read_events).
    if not text or '"' in text:
        return {}
    return {"filterPattern": f'"{text}"'}


def read_events(client: Any, group: str, start_ms: int, text: str | None = None) -> list[LogEvent]:
    """Every event of ``group`` from ``start_ms`` on, oldest first."""
    events: list[LogEvent] = []
    arguments: dict[str, Any] = {"logGroupName": group, "startTime": start_ms, **_pattern(text)}
    try:
        while True:
            page = client.filter_log_events(**arguments)
            for event in page.get("events", []):
                if text is None or text in event["message"]:
                    events.append(
                        LogEvent(int(event["timestamp"]), str(event["eventId"]), event["message"])
                    )
            # A page can be empty and still not the last (CloudWatch searches in slices).
            token = page.get("nextToken")
            if not token or token == arguments.get("nextToken"):
                break
            arguments["nextToken"] = token
    except client.exceptions.ResourceNotFoundException:
        raise AsmlError(
            f"there is no log group {group}: the function is not deployed on this stage, or"
            " has not run since it was"
        ) from None
    return sorted(events, key=lambda e: (e.timestamp_ms, e.event_id))


def follow(
    client: Any,
    group: str,
    start_ms: int,
    text: str | None,
    emit: Callable[[LogEvent], None],
    interval: float = 2.0,
    rounds: Iterator[int] | None = None,
) -> None:
    """Print events as they arrive until interrupted (``rounds`` bounds the polls, for tests).

    Each poll starts at the newest timestamp printed, so an event that lands in the same
    millisecond is not lost; the ids seen at that millisecond keep it from printing twice.
    """
    newest, seen = start_ms, set[str]()
    for _ in rounds if rounds is not None else iter(int, 1):
        for event in read_events(client, group, newest, text):
            if event.timestamp_ms == newest and event.event_id in seen:
                continue
            if event.timestamp_ms > newest:
                newest, seen = event.timestamp_ms, set()
            seen.add(event.event_id)
            emit(event)
        time.sleep(interval)
