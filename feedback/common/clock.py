"""The one clock. Every "now" and "today" of the app comes from here.

The database stores naive UTC for moments (votes, posts, events) and naive wall-clock time of
the program's zone for meetings, which people plan by the clock on the wall. Tests move time
with time-machine, which moves these functions with it; nothing else in the app may read the
system clock (tests/test_clock.py fails when something does)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Europe/Stockholm"
# The days a person may type. A year such as 0001 or 9999 is a typo, and at the edges of what
# datetime holds the conversion to UTC (and a calendar file's) overflows: refused, not a 500.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def zone(tz_name: str | None = None) -> ZoneInfo:
    """The program's zone: the one named, else the app's, else Stockholm."""
    if tz_name is None:
        tz_name = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(tz_name)


def utcnow() -> datetime:
    # Naive UTC keeps SQLite and PostgreSQL "timestamp without time zone" identical.
    return datetime.now(UTC).replace(tzinfo=None)


def epoch_seconds() -> int:
    """Whole seconds since 1970, for small counters kept in the session cookie."""
    return int(datetime.now(UTC).timestamp())


def local_now(tz_name: str | None = None) -> datetime:
    """The program's wall-clock time now, naive, to compare with meeting times."""
    return datetime.now(zone(tz_name)).replace(tzinfo=None)


def local_today(tz_name: str | None = None) -> date:
    """Today in the program's zone: at 23:30 UTC on new year's eve it is already 1 January."""
    return local_now(tz_name).date()


def utc_to_local(at: datetime, tz_name: str | None = None) -> datetime:
    """A stored UTC moment as the program's wall-clock time (naive)."""
    return at.replace(tzinfo=UTC).astimezone(zone(tz_name)).replace(tzinfo=None)


def local_to_utc(wall: datetime, tz_name: str | None = None) -> datetime:
    """A wall-clock time of the program as naive UTC. An hour that happens twice (the autumn
    switch) is taken the first time, in summer time, as RFC 5545 reads it too."""
    return wall.replace(tzinfo=zone(tz_name), fold=0).astimezone(UTC).replace(tzinfo=None)


def day_start_utc(day: date, tz_name: str | None = None) -> datetime:
    """The first moment of a day of the program's calendar (its 00:00) as naive UTC. A local
    day is 23 or 25 hours long on the switch days: [day_start_utc(d), day_start_utc(d + 1 day))
    is the whole of it, where day_start_utc(d) + 24 hours is not."""
    return local_to_utc(datetime.combine(day, time()), tz_name)


def within_years(day: date) -> bool:
    """Whether a typed day is one the app takes (FIRST_DAY to LAST_DAY)."""
    return FIRST_DAY <= day <= LAST_DAY


def parse_day(value: str | None) -> date | None:
    """A day typed as 2027-03-28, or None when it is no date or outside FIRST_DAY..LAST_DAY."""
    try:
        parsed = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return parsed if within_years(parsed) else None


def wall_time_problem(wall: datetime, tz_name: str | None = None) -> str | None:
    """'missing' for a clock time that the spring switch skips (02:30 on the last Sunday of
    March in Stockholm), 'twice' for one that the autumn switch repeats, None otherwise."""
    tz = zone(tz_name)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    # A time that exists comes back unchanged from a round trip through UTC; a skipped one
    # comes back an hour off.
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return "twice" if back == wall else "missing"


def add_months(day: date, months: int) -> date:
    """The same day some months later (or earlier, with a negative number); a day the target
    month lacks becomes its last day: 31 January + 1 month is 28 (or 29) February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
