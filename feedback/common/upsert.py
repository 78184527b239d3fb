"""INSERT ... ON CONFLICT for both SQLite and PostgreSQL.

A plain "select, then insert or update" races when the same member taps twice or
two phones send at once; letting the database resolve the conflict is atomic."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert_for(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(dialect)


def upsert(session: Session, table: Any, values: dict, conflict: list[str], update: list[str]) -> None:
    stmt = _insert_for(session, table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=conflict, set_={col: stmt.excluded[col] for col in update})
    session.execute(stmt)


def insert_ignore(session: Session, table: Any, values: dict, conflict: list[str]) -> bool:
    """Insert unless the row exists; True when a row was inserted."""
    stmt = _insert_for(session, table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    return session.execute(stmt).rowcount == 1
