"""Backup and restore of every table (voice notes included: they live in the database), from and
to SQLite or PostgreSQL alike.

The file is gzipped JSON lines: a header with the schema revision, then for each table a line
with its columns and one line per row. Values that JSON cannot hold are tagged: dates, times and
bytes. The dump is read in one transaction, so it is one consistent moment of the database; a
restore goes into an empty database at the same schema revision, in the order of the foreign
keys, and sets PostgreSQL's id counters past the restored rows."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.migration import MigrationContext

from feedback.common.clock import utcnow
from feedback.extensions import db

FORMAT = "feedback-backup"
# 2: the file ends with a line that counts its rows, so a copy cut off at a line's end is not
# taken for a whole backup. Files of version 1 (no such line) are still read.
VERSION = 2
READS = (1, 2)
BATCH = 500


class BackupError(Exception):
    pass


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return date.fromisoformat(value["$d"])
        if "$b64" in value:
            return base64.b64decode(value["$b64"])
    return value


def _revision(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)  # parents before children


def backup(path: str | Path) -> dict[str, int]:
    """Write every row of every table to path; returns the number of rows per table."""
    counts: dict[str, int] = {}
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for the whole dump, without blocking anyone who writes meanwhile.
            conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        else:
            conn.exec_driver_sql("BEGIN")  # SQLite: a read transaction sees one moment
        header = {"format": FORMAT, "version": VERSION, "revision": _revision(conn),
                  "made": utcnow().isoformat(), "dialect": conn.dialect.name}
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(json.dumps(header) + "\n")
            for table in _tables():
                columns = [c.name for c in table.columns]
                out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
                n = 0
                order = list(table.primary_key.columns) or list(table.columns)
                for row in conn.execute(sa.select(*table.columns).order_by(*order)).yield_per(BATCH):
                    out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                    n += 1
                counts[table.name] = n
            out.write(json.dumps({"end": sum(counts.values())}) + "\n")
        conn.rollback()
    return counts


def _read(path: str | Path) -> Iterator[tuple[str, Any]]:
    try:
        yield from _lines(path)
    except (OSError, EOFError, UnicodeDecodeError) as e:  # not gzip (gzip.BadGzipFile is an OSError), or cut off
        raise BackupError("not a backup file, or one that is damaged or cut off") from e


def _lines(path: str | Path) -> Iterator[tuple[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        first = fh.readline()
        try:
            header = json.loads(first)
        except json.JSONDecodeError as e:
            raise BackupError("not a backup file") from e
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") not in READS:
            raise BackupError("not a backup file of this app")
        yield "header", header
        rows, end = 0, None
        for line in fh:
            try:
                item = json.loads(line)
            except json.JSONDecodeError as e:
                raise BackupError("the backup is damaged or cut off (a line that is not whole)") from e
            if isinstance(item, dict) and "end" in item:
                end = item["end"]
                continue
            if not isinstance(item, dict):
                rows += 1
            yield ("table", item) if isinstance(item, dict) else ("row", item)
        if header["version"] >= 2 and end != rows:
            raise BackupError(f"the backup is cut off: {rows} rows, and its last line is missing")


def restore(path: str | Path) -> dict[str, int]:
    """Load a backup into this database, which must be empty and at the same schema revision."""
    tables = {t.name: t for t in _tables()}
    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        for table in tables.values():
            if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                raise BackupError(f"the database is not empty (table {table.name} has rows)")
        table, columns, batch = None, [], []

        def flush() -> None:
            if batch:
                conn.execute(table.insert(), batch)
                counts[table.name] = counts.get(table.name, 0) + len(batch)
                batch.clear()

        for kind, item in _read(path):
            if kind == "header":
                if item["revision"] != _revision(conn):
                    raise BackupError(f"the backup is of schema {item['revision']}, this database is at "
                                      f"{_revision(conn)}: run flask db upgrade to the same revision first")
            elif kind == "table":
                flush()
                if item["table"] not in tables:
                    raise BackupError(f"unknown table {item['table']}")
                table, columns = tables[item["table"]], item["columns"]
                counts.setdefault(table.name, 0)
            else:
                batch.append(dict(zip(columns, (_decode(v) for v in item), strict=True)))
                if len(batch) >= BATCH:
                    flush()
        flush()
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, tables.values())
    return counts


def _reset_sequences(conn: sa.Connection, tables) -> None:
    """New rows after a restore must get ids after the restored ones."""
    for table in tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, sa.Integer) and column.autoincrement in (True, "auto") and \
                    len(table.primary_key.columns) == 1:
                seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                   {"t": table.name, "c": column.name}).scalar()
                if seq:
                    conn.execute(sa.text(f"SELECT setval('{seq}', COALESCE((SELECT MAX({column.name}) FROM "
                                         f"{table.name}), 0) + 1, false)"))
