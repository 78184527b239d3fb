"""What a dashboard looks at: which programs, which period, which topic.

Read from the query string so that a view can be shared as a link; every value is checked,
and a value that makes no sense falls back to the default instead of failing the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from feedback.common.clock import add_months, day_start_utc, local_today

PERIODS = ("12m", "year", "last_year", "all", "custom")


@dataclass(frozen=True)
class Scope:
    program_ids: tuple[int, ...]
    start: date | None  # first day, inclusive; None: since the beginning
    end: date  # last day, inclusive
    topic_id: int | None = None
    period: str = "12m"
    today: date = field(default_factory=local_today)
    timezone: str = "Europe/Stockholm"

    @property
    def comparing(self) -> bool:
        return len(self.program_ids) > 1

    def utc_bounds(self) -> tuple[datetime | None, datetime]:
        """The period as naive UTC timestamps, for columns stored in UTC: [start, end)."""
        start = day_start_utc(self.start, self.timezone) if self.start else None
        return start, day_start_utc(self.end + timedelta(days=1), self.timezone)

    def local_bounds(self) -> tuple[datetime | None, datetime]:
        """The period as local wall-clock timestamps, for meeting times."""
        return (
            datetime.combine(self.start, time()) if self.start else None,
            datetime.combine(self.end + timedelta(days=1), time()),
        )


def period_bounds(period: str, today: date, start: date | None, end: date | None) -> tuple[date | None, date]:
    if period == "year":
        return date(today.year, 1, 1), today
    if period == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if period == "all":
        return None, today
    if period == "custom" and (start or end):
        end = end or today
        if start and start > end:
            start, end = end, start
        return start, end
    # The last twelve months, this month included.
    return add_months(today.replace(day=1), -11), today

