"""When a schedule fires: EventBridge's ``rate(...)`` and ``cron(...)`` expressions, in UTC.

``rate(N unit)`` fires every N units from when ``asml serve`` starts (EventBridge counts from
when the rule was created). ``cron(min hour day-of-month month day-of-week year)`` is read by
croniter once it is in croniter's dialect: ``?`` is ``*`` and AWS numbers the days of the week
1-7 from Sunday where croniter counts 0-6. What croniter cannot read (``5L``, the last Friday)
runs on demand only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\((.+)\)$")
_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Timing:
    """Either every ``interval`` seconds, or at the times of a croniter expression (and the
    years it allows); neither when the expression can only run on demand."""

    interval: float | None = None
    cron: str | None = None
    years: str = "*"

    def next_after(self, moment: datetime) -> datetime | None:
        """The first time after ``moment`` that it fires; None for on demand only."""
        if self.interval is not None:
            return moment + timedelta(seconds=self.interval)
        if self.cron is None:
            return None
        from croniter import croniter  # only `asml serve` with a cron schedule needs it

        found = croniter(self.cron, moment)
        for _ in range(1000):  # a cron whose years never come
            candidate: datetime = found.get_next(datetime)
            if _year_allowed(self.years, candidate.year):
                return candidate
        return None


def timing_of(expression: str) -> Timing:
    rate = _RATE.match(expression)
    if rate:
        unit = rate.group(2).rstrip("s")
        return Timing(interval=float(int(rate.group(1)) * _SECONDS[unit]))
    cron = _CRON.match(expression)
    if cron is None:
        return Timing()
    fields = cron.group(1).split()
    if len(fields) != 6:
        return Timing()
    minutes, hours, day, month, weekday, years = fields
    translated = " ".join([minutes, hours, _any(day), month, _weekdays(_any(weekday))])
    try:
        from croniter import croniter

        if not croniter.is_valid(translated):
            return Timing()
    except ImportError:  # pragma: no cover - a dependency of asml
        return Timing()
    return Timing(cron=translated, years=years)


def _any(field: str) -> str:
    return "*" if field == "?" else field


def _weekdays(field: str) -> str:
    # AWS: 1-7 is SUN-SAT; croniter: 0-6. Names (MON-FRI) mean the same in both.
    return re.sub(r"(?<![#/\d])([1-7])(?!\d)", lambda m: str(int(m.group(1)) - 1), field)


def _year_allowed(field: str, year: int) -> bool:
    if field in ("*", "?"):
        return True
    for part in field.split(","):
        low, _, high = part.partition("-")
        readable = low.isdigit() and (high.isdigit() or not high)
        if readable and int(low) <= year <= int(high or low):
            return True
    return False
