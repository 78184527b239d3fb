"""The awkward moments of the year in the program's zone, as aware datetimes for time-machine.

Each is a moment where a naive reading of the clock goes wrong: a date that differs between UTC
and Stockholm, a month that ends early, a day with 23 or 25 hours."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0, fold: int = 0) -> datetime:
    """A wall-clock moment in Stockholm, as an aware datetime in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM, fold=fold).astimezone(UTC)


# 23:30 UTC on 31 December is already 00:30 on 1 January in Stockholm.
NEW_YEARS_EVE = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)
# The last day of a 31-day month, in the evening, when UTC and Stockholm agree on the date.
MONTH_END = local(2027, 1, 31, 20)
# 29 February of a leap year.
LEAP_DAY = local(2028, 2, 29, 15)
# The last Sunday of March: at 02:00 the clocks go forward to 03:00 (02:30 does not exist).
SPRING_SWITCH = local(2027, 3, 28, 12)
# The last Sunday of October: at 03:00 the clocks go back to 02:00 (02:30 happens twice).
AUTUMN_SWITCH = local(2027, 10, 31, 12)
# Exactly midnight in Stockholm (22:00 UTC in summer).
MIDNIGHT = local(2027, 7, 1, 0, 0)

AWKWARD = {
    "new-years-eve": NEW_YEARS_EVE,
    "month-end": MONTH_END,
    "leap-day": LEAP_DAY,
    "spring-switch": SPRING_SWITCH,
    "autumn-switch": AUTUMN_SWITCH,
    "midnight": MIDNIGHT,
}
