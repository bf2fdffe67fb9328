"""When `asml serve` fires a schedule, from EventBridge's expressions, in UTC. The expected
times are worked out by hand from AWS's rules (days of the week 1-7 from Sunday, `?` for any,
a sixth field for the year)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from asml.serve.schedules import timing_of

# Tuesday 2026-12-08, 01:00 UTC.
START = datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc)


def _at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("rate(5 minutes)", _at(8, 1, 5)),
        ("rate(1 hour)", _at(8, 2)),
        ("rate(2 days)", _at(10, 1)),
        ("cron(0 3 * * ? *)", _at(8, 3)),
        ("cron(15 10 ? * 6 *)", _at(11, 10, 15)),  # 6 is Friday in AWS's numbering
        ("cron(0 9 ? * 2-6 *)", _at(8, 9)),  # Monday-Friday: today, a Tuesday
        ("cron(0 9 ? * 1 *)", _at(13, 9)),  # 1 is Sunday
        ("cron(0 9 ? * MON *)", _at(14, 9)),
        ("cron(0 12 ? * 6#3 *)", _at(18, 12)),  # the third Friday of December
        ("cron(0 0 1 * ? 2028)", _at(1, 0, month=1, year=2028)),  # only in 2028
        ("cron(0/30 * * * ? *)", _at(8, 1, 30)),
        ("cron(0 10 15W * ? *)", _at(15, 10)),  # the weekday nearest the 15th: a Tuesday
        ("cron(0 10 L * ? *)", _at(31, 10)),
    ],
)
def test_the_next_time_a_schedule_fires(expression: str, expected: datetime) -> None:
    assert timing_of(expression).next_after(START) == expected


@pytest.mark.parametrize("expression", ["cron(0 10 ? * 6L *)", "cron(0 10 * * ? 2020)"])
def test_what_serve_cannot_time_runs_on_demand_only(expression: str) -> None:
    assert timing_of(expression).next_after(START) is None
