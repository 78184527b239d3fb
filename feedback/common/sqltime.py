"""Date arithmetic in SQL that reads the same on SQLite and PostgreSQL.

Dashboards group by month and by elapsed days inside the database; the two dialects spell
these differently, so each construct compiles to the form its dialect knows."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class days_between(FunctionElement):
    """Days (fractional) from the first to the second timestamp or date: later minus earlier."""

    type = sa.Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


@compiles(days_between, "postgresql")
def _days_between_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM (CAST({compiler.process(end, **kw)} AS TIMESTAMP)"
        f" - CAST({compiler.process(start, **kw)} AS TIMESTAMP))) / 86400.0)"
    )


class month_of(FunctionElement):
    """'YYYY-MM' of a timestamp or date."""

    type = sa.String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of)
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class local_month_of(FunctionElement):
    """'YYYY-MM' of a naive UTC timestamp as the program's calendar has it: a post at 00:30 on
    1 February in Stockholm belongs to February, though it is still 31 January in UTC.
    Called as local_month_of(column, zone_name)."""

    type = sa.String()
    inherit_cache = True
    name = "local_month_of"

    def __init__(self, column, zone_name: str):
        super().__init__(column, sa.literal(zone_name, sa.String()))


@compiles(local_month_of)
def _local_month_sqlite(element, compiler, **kw):
    at, zone_name = (compiler.process(c, **kw) for c in element.clauses)
    return f"feedback_local_month({at}, {zone_name})"


@compiles(local_month_of, "postgresql")
def _local_month_pg(element, compiler, **kw):
    at, zone_name = (compiler.process(c, **kw) for c in element.clauses)
    return f"to_char(({at} AT TIME ZONE 'UTC') AT TIME ZONE {zone_name}, 'YYYY-MM')"


def local_month(stored: str | None, zone_name: str) -> str | None:
    """SQLite's side of local_month_of, registered on every connection: the stored text of a
    naive UTC timestamp to 'YYYY-MM' in the zone."""
    if stored is None:
        return None
    at = datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZoneInfo(zone_name))
    return f"{at.year:04}-{at.month:02}"


def whole_days(start, end):
    """Elapsed whole days, rounded down, for grouping into a distribution."""
    return sa.cast(sa.func.floor(days_between(start, end)), sa.Integer)
