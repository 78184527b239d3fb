"""Databases built by the Alembic migrations rather than by create_all: tests/test_migrations.py
checks the migrations with them, tests/test_backup.py copies data between them."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import flask_migrate
import sqlalchemy as sa

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db
from tests.databases import PG_URL, USE_POSTGRES, with_psycopg


@contextmanager
def keep_logging() -> Iterator[None]:
    """migrations/env.py calls logging.config.fileConfig, which disables every logger that
    exists and replaces the root handlers: undo that for the rest of the test run."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    disabled = {name: lg.disabled for name, lg in logging.Logger.manager.loggerDict.items()
                if isinstance(lg, logging.Logger)}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, lg in logging.Logger.manager.loggerDict.items():
            if isinstance(lg, logging.Logger):
                lg.disabled = disabled.get(name, False)


@contextmanager
def fresh_database(kind: str | None = None) -> Iterator[str]:
    """A new, empty database: SQLite or PostgreSQL (by default the one the suite runs on)."""
    if (kind or ("postgres" if USE_POSTGRES else "sqlite")) == "sqlite":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/migrated.db"
        return
    name = f"feedback_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(with_psycopg(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield with_psycopg(PG_URL).rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_app(kind: str | None = None) -> Iterator:
    with fresh_database(kind) as url:

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Config)
        try:
            with app.app_context(), keep_logging():
                flask_migrate.upgrade()
                yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
