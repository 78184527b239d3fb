"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db

# migrations/env.py (the older Flask-Migrate template) tries db.get_engine() first; Flask-SQLAlchemy
# 3.1 warns about it and env.py falls back to db.engine. Harmless, but the suite turns warnings
# into errors.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

USE_POSTGRES = os.environ.get("TEST_DB") == "postgres"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url)


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
    admin = sa.create_engine(_pg(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg(PG_URL).rsplit("/", 1)[0] + f"/{name}"
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


def schema_differences() -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        return compare_metadata(ctx, db.metadata)


def head_revision(app) -> str:
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_migrations_match_the_models():
    with migrated_app() as app:
        assert current_revision() == head_revision(app)
        assert schema_differences() == []
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables


def test_upgrade_again_is_a_no_op_and_keeps_data():
    from feedback.auth.services import create_user
    from feedback.programs.services import create_program
    from feedback.proposals.services import create_proposal
    from feedback.votes.models import Vote

    with migrated_app() as app:
        prog = create_program("Kept", "kept")
        user = create_user("Keeper", "keeper@example.org")
        db.session.commit()
        p = create_proposal(prog.id, user.id, title="Stays", summary="It stays.")
        db.session.add(Vote(proposal_id=p.id, user_id=user.id, choice="agree", channel="phone"))
        db.session.commit()
        db.session.remove()

        with keep_logging():
            flask_migrate.upgrade()
        assert current_revision() == head_revision(app)
        assert schema_differences() == []
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT slug FROM programs")).scalars().all() == ["kept"]
            assert conn.execute(sa.text("SELECT title FROM proposals")).scalars().all() == ["Stays"]
            assert conn.execute(sa.text("SELECT choice FROM votes")).scalars().all() == ["agree"]


def test_downgrade_to_base_and_up_again():
    with migrated_app() as app:
        with keep_logging():
            flask_migrate.downgrade(revision="base")
        assert current_revision() is None
        left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert left == set()
        with keep_logging():
            flask_migrate.upgrade()
        assert current_revision() == head_revision(app)
        assert schema_differences() == []


def test_database_constraints_exist_after_migrating():
    """The rules the design puts in the database, not only in Python."""
    from feedback.auth.services import create_user
    from feedback.programs.services import create_program
    from feedback.proposals.services import create_proposal
    from feedback.votes.models import Vote

    with migrated_app():
        prog = create_program("C", "c", with_topics=False)
        user = create_user("U")
        db.session.commit()
        p = create_proposal(prog.id, None, title="T", summary="S")
        db.session.add(Vote(proposal_id=p.id, user_id=user.id, choice="agree", channel="phone"))
        db.session.commit()
        for bad in (
            Vote(proposal_id=p.id, user_id=user.id, choice="unsure", channel="phone"),  # a second vote
            Vote(proposal_id=p.id, user_id=None, choice="maybe", channel="phone", ballot_key="k"),
            Vote(proposal_id=999999, user_id=None, choice="agree", channel="phone", ballot_key="k2"),
        ):
            db.session.add(bad)
            with pytest.raises(sa.exc.IntegrityError):
                db.session.commit()
            db.session.rollback()


def test_meeting_support_migration_keeps_existing_meetings():
    """0002 adds the support columns to a database that already has meetings in it."""
    with fresh_database() as url:

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Config)
        try:
            with app.app_context(), keep_logging():
                flask_migrate.upgrade(revision="0001")
                with db.engine.begin() as conn:
                    conn.execute(sa.text(
                        "INSERT INTO programs (id, name, slug, public_page, active, created_at) "
                        "VALUES (1, 'P', 'p', false, true, '2026-01-01 10:00:00')"))
                    conn.execute(sa.text(
                        "INSERT INTO meetings (id, program_id, title, starts_at, status, created_at) "
                        "VALUES (1, 1, 'March', '2026-03-12 17:30:00', 'closed', '2026-01-01 10:00:00')"))
                flask_migrate.upgrade()
                with db.engine.connect() as conn:
                    row = conn.execute(sa.text(
                        "SELECT title, childcare, travel_costs, bring, interpreter_languages FROM meetings")).one()
                assert tuple(row) == ("March", False, False, None, None)
                assert schema_differences() == []
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
