"""`asml logs` against the local AWS (moto): the events a function's log group holds, one line
each with its time and request id, in time order across streams; `--since` and `--filter`
narrow them; `--follow` prints an event written after it started and stops on Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from tests.conftest import RunAsml
from tests.deploy.conftest import client, make_project

LOCAL = ("--target", "local")
GROUP = "/aws/lambda/asml-shop-api-hello"
REQUEST_A = "8f5d3a51-9c1e-4c55-a7e3-0d5d2b6a9f10"
REQUEST_B = "0b7e4c29-6d2f-4e8b-9a41-5c3f1e2d7a66"


def _stamp(ms: int) -> str:
    """How a line shows a time, written out here rather than taken from asml."""
    when = datetime.fromtimestamp(ms // 1000, timezone.utc)
    return f"{when:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def _put(logs: object, stream: str, events: list[tuple[int, str]]) -> None:
    with contextlib.suppress(Exception):  # the stream exists already
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)  # type: ignore[attr-defined]
    logs.put_log_events(  # type: ignore[attr-defined]
        logGroupName=GROUP,
        logStreamName=stream,
        logEvents=[{"timestamp": t, "message": m} for t, m in events],
    )


def test_logs_prints_each_event_in_time_order_and_narrows_with_since_and_filter(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    logs = client(local_aws, "logs")
    logs.create_log_group(logGroupName=GROUP)
    now = int(time.time() * 1000)
    old, first, second, third, fourth = (
        now - 2 * 3600_000,
        now - 60_000,
        now - 50_000,
        now - 40_000,
        now - 30_000,
    )
    # Two execution environments, so two streams, whose events interleave in time.
    _put(logs, "2026/12/08/[$LATEST]aaaa", [
        (old, f"START RequestId: {REQUEST_A} Version: $LATEST\n"),
        (first, f"START RequestId: {REQUEST_A} Version: $LATEST\n"),
        (third, json.dumps({"timestamp": "x", "level": "ERROR", "requestId": REQUEST_A,
                            "message": "table missing"})),
    ])  # fmt: skip
    _put(logs, "2026/12/08/[$LATEST]bbbb", [
        (second, f"2026-12-08T10:00:00.000Z\t{REQUEST_B}\tINFO\tsaying hello\n"),
        (fourth, json.dumps({"time": "x", "type": "platform.report",
                             "record": {"requestId": REQUEST_B, "status": "success"}})),
    ])  # fmt: skip

    shown = run_asml("-C", str(root), "logs", "api.hello", *LOCAL)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == (
        f"{_stamp(first)} {REQUEST_A} START RequestId: {REQUEST_A} Version: $LATEST\n"
        f"{_stamp(second)} {REQUEST_B} 2026-12-08T10:00:00.000Z\t{REQUEST_B}\tINFO\tsaying hello\n"
        f"{_stamp(third)} {REQUEST_A} ERROR table missing\n"
        f'{_stamp(fourth)} {REQUEST_B} platform.report {{"status":"success"}}\n'
    )
    assert shown.stderr == f"Reading {GROUP} (stage default (local), us-east-1)\n"

    since = run_asml("-C", str(root), "logs", "api.hello", *LOCAL, "--since", "3h")
    assert since.stdout.splitlines()[0].startswith(_stamp(old)), since.output
    assert len(since.stdout.splitlines()) == 5
    recent = run_asml("-C", str(root), "logs", "api.hello", *LOCAL, "--since", "35s")
    assert [line[:24] for line in recent.stdout.splitlines()] == [_stamp(fourth)]

    filtered = run_asml("-C", str(root), "logs", "api.hello", *LOCAL, "--filter", "saying hello")
    assert filtered.stdout.splitlines() == [
        f"{_stamp(second)} {REQUEST_B} 2026-12-08T10:00:00.000Z\t{REQUEST_B}\tINFO\tsaying hello"
    ]


def test_logs_refuses_a_bad_since_and_a_missing_log_group(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    root = make_project(tmp_path, local_aws)
    bad = run_asml("-C", str(root), "logs", "api.hello", *LOCAL, "--since", "yesterday")
    assert bad.exit_code == 1
    assert bad.stderr == (
        'Error: --since "yesterday": write how long ago, like 30s, 10m, 2h or 1d, or a time'
        " like 2026-12-08T09:00 (UTC unless it names its offset)\n"
    )
    missing = run_asml("-C", str(root), "logs", "api.bye", *LOCAL)
    assert missing.exit_code == 1
    assert missing.stderr.endswith(
        "Error: there is no log group /aws/lambda/asml-shop-api-bye: the function is not"
        " deployed on this stage, or has not run since it was\n"
    ), missing.stderr
    assert "Traceback" not in missing.output


def test_logs_follow_prints_an_event_written_after_it_started(
    tmp_path: Path, local_aws: str
) -> None:
    root = make_project(tmp_path, local_aws)
    logs = client(local_aws, "logs")
    logs.create_log_group(logGroupName=GROUP)
    before = int(time.time() * 1000) - 5_000
    _put(logs, "s1", [(before, "before it started")])
    process = subprocess.Popen(
        [sys.executable, "-m", "asml", "logs", "api.hello", *LOCAL, "--follow"],
        cwd=root, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    lines: list[str] = []
    arrived = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if "written later" in line:
                arrived.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not lines and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lines == [f"{_stamp(before)} - before it started"], lines
        later = int(time.time() * 1000)
        _put(logs, "s2", [(later, "written later")])
        assert arrived.wait(30), lines
        assert lines == [
            f"{_stamp(before)} - before it started",
            f"{_stamp(later)} - written later",
        ]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
            raise
        finally:
            reader.join(timeout=5)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read()
    process.stderr.close()
    assert process.returncode == 0, errors
    assert "Traceback" not in errors, errors


def test_follow_prints_each_event_once_when_several_share_a_millisecond(local_aws: str) -> None:
    """Each poll starts at the newest millisecond printed (so an event written later in that
    millisecond is not lost), and skips the events it printed there already."""
    from asml.terraform.logs import LogEvent, follow

    logs = client(local_aws, "logs")
    logs.create_log_group(logGroupName=GROUP)
    at = int(time.time() * 1000) - 1_000
    _put(logs, "s1", [(at, "first")])
    printed: list[LogEvent] = []

    def rounds() -> Iterator[int]:
        yield 0
        _put(logs, "s2", [(at, "second, same millisecond")])
        yield 1
        yield 2

    follow(logs, GROUP, at - 10, None, printed.append, interval=0, rounds=rounds())
    assert [e.message for e in printed] == ["first", "second, same millisecond"]


def test_since_reads_durations_and_times() -> None:
    from asml.terraform.logs import since_ms

    now = datetime(2026, 12, 8, 12, 0, 0, tzinfo=timezone.utc)
    noon_ms = 1796731200000  # 2026-12-08T12:00:00Z, worked out by hand
    assert since_ms("10m", now) == noon_ms - 600_000
    assert since_ms("2h", now) == noon_ms - 7_200_000
    assert since_ms("1w", now) == noon_ms - 7 * 86_400_000
    assert since_ms("2026-12-08T12:00", now) == noon_ms
    assert since_ms("2026-12-08T13:00+01:00", now) == noon_ms


def test_python_text_lines_filters_with_quotes_and_accents(
    tmp_path: Path, local_aws: str, run_asml: RunAsml
) -> None:
    """The text layout asml's runtime writes ([LEVEL] time id message, awslambdaric's) shows
    its request id; --filter matches text with quotes and accents as written."""
    root = make_project(tmp_path, local_aws)
    logs = client(local_aws, "logs")
    logs.create_log_group(logGroupName=GROUP)
    at = int(time.time() * 1000) - 20_000
    _put(logs, "s1", [
        (at, f"[INFO]\t2026-12-08T10:00:00.000Z\t{REQUEST_A}\tsaid \"hi\" at the café\n"),
        (at + 1, f"[INFO]\t2026-12-08T10:00:00.001Z\t{REQUEST_B}\tsaid hi plainly\n"),
    ])  # fmt: skip
    shown = run_asml("-C", str(root), "logs", "api.hello", *LOCAL)
    assert [line.split(" ")[1] for line in shown.stdout.splitlines()] == [REQUEST_A, REQUEST_B]
    for text in ('said "hi"', "café"):
        found = run_asml("-C", str(root), "logs", "api.hello", *LOCAL, "--filter", text)
        assert [line.split(" ")[1] for line in found.stdout.splitlines()] == [REQUEST_A], text


def test_reading_goes_on_past_an_empty_page() -> None:
    """CloudWatch Logs can answer a page with no events and a nextToken: the events after it
    count. (A stand-in client: no local AWS pages like that.)"""
    from asml.terraform.logs import read_events

    class Pages:
        class exceptions:  # boto3's spelling
            ResourceNotFoundException = LookupError

        def __init__(self) -> None:
            self.calls: list[dict[str, object]] = []

        def filter_log_events(self, **arguments: object) -> dict[str, object]:
            self.calls.append(arguments)
            if "nextToken" not in arguments:
                return {"events": [], "nextToken": "a"}
            return {"events": [{"timestamp": 5, "eventId": "e", "message": "late"}]}

    pages = Pages()
    assert [e.message for e in read_events(pages, GROUP, 0)] == ["late"]
    assert len(pages.calls) == 2
