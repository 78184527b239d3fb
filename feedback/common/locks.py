"""Row locks for "look, then write" on rows that belong to one parent.

Two requests at once (a double click, two staff on one page) both look, find no row, and both
insert one: the second hits the unique constraint, a 500. Locking the parent row first makes them
run one after the other, and the second looks after the first has committed, so it sees the row.

PostgreSQL only: SQLAlchemy writes no FOR UPDATE on SQLite, which lets one writer at a time
anyway."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from feedback.extensions import db


def _lock(row: Any, **how: bool) -> None:
    # Only the row's key is selected: a refresh() would join its eager relationships, and
    # PostgreSQL locks no outer join. Expired, the row and its relationships load again on next
    # use, as they are now that it is locked; flushed first, so expiring loses no change of ours
    # (a select of plain columns does not flush by itself).
    db.session.flush()
    mapper = sa.inspect(row).mapper
    key = mapper.primary_key_from_instance(row)
    db.session.execute(sa.select(*mapper.primary_key)
                       .where(*(col == value for col, value in zip(mapper.primary_key, key, strict=True)))
                       .with_for_update(**how))
    db.session.expire(row)


def lock(row: Any) -> None:
    """This row locked until the transaction ends, and what was loaded of it forgotten. FOR NO
    KEY UPDATE: a vote or an answer that only points at the row (a foreign key) need not wait,
    but a second lock() of the same row does."""
    _lock(row, key_share=True)


def lock_shared(row: Any) -> None:
    """This row locked against lock() until the transaction ends (FOR SHARE): many members may
    answer at once, but not while staff change what they answer."""
    _lock(row, read=True)
