"""Date arithmetic in SQL that reads the same on SQLite and PostgreSQL.

Dashboards group by month and by elapsed days inside the database; the two dialects spell
these differently, so each construct compiles to the form its dialect knows."""

from __future__ import annotations

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


def whole_days(start, end):
    """Elapsed whole days, rounded down, for grouping into a distribution."""
    return sa.cast(sa.func.floor(days_between(start, end)), sa.Integer)
