"""Time helpers: the database stores naive UTC; pages show local time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    # Naive UTC keeps SQLite and PostgreSQL "timestamp without time zone" identical.
    return datetime.now(UTC).replace(tzinfo=None)


def local_now(tz_name: str) -> datetime:
    """The program's wall-clock time now, naive, to compare with meeting times."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz_name)).replace(tzinfo=None)
