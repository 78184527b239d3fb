"""Ids that come in from a request, in the query string or a form.

The address converter (`<int:...>`) and get_or_404 already deal with ids in the path; ids from
elsewhere must also fit the database's integer (PostgreSQL's is 32 bits) before they reach a
query, or the database refuses the query with an error instead of finding nothing."""

from __future__ import annotations

from typing import Any

DB_INT_MAX = 2**31 - 1


def fits(value: int) -> bool:
    return 0 < value <= DB_INT_MAX


def parse_id(raw: Any) -> int | None:
    """A record id, or None when raw is not one (not a number, 0 or less, or too big)."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if fits(value) else None
