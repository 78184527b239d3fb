"""Test set-up: an app on a fresh database (SQLite, or PostgreSQL with TEST_DB=postgres),
emptied after every test, and small factories for the domain."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db
from tests.databases import PG_URL, USE_POSTGRES, with_psycopg


def pytest_addoption(parser):
    parser.addoption(
        "--at", default=os.environ.get("FEEDBACK_TEST_AT") or None, metavar="MOMENT",
        help="run the whole session from this moment (ISO 8601; UTC unless it names an offset, e.g. "
             "2027-12-31T23:30Z): the app, the demo builder and the browser-test server all see it, "
             "and the clock ticks on from there. Also FEEDBACK_TEST_AT.")


def pytest_configure(config):
    config.addinivalue_line("markers", "real_password_hashing: hash passwords with the app's own Argon2id "
                            "parameters instead of the cheap ones every other test uses")
    at = config.getoption("--at")
    if at:
        import time_machine

        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        config.stash[_TRAVEL] = traveller = time_machine.travel(moment, tick=True)
        traveller.start()


def pytest_unconfigure(config):
    traveller = config.stash.get(_TRAVEL, None)
    if traveller is not None:
        traveller.stop()


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run keeps only the tests that reach a database: one that uses no database
    fixture, in a module that opens no database of its own, checks the same thing on both runs."""
    if not USE_POSTGRES:
        return
    keep, drop = [], []
    for item in items:
        module = vars(getattr(item, "module", None) or object)
        own_database = any(name in module for name in ("USE_POSTGRES", "PG_URL", "fresh_database"))
        (keep if "database_url" in item.fixturenames or own_database else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_report_header(config):
    at = config.getoption("--at")
    return f"the clock starts at {at}" if at else None


_TRAVEL = pytest.StashKey()
@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A database of our own: a temporary SQLite file, or a new PostgreSQL database."""
    if not USE_POSTGRES:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
        return
    name = f"feedback_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(with_psycopg(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # A test database need not survive a crash: a commit that does not wait for its WAL to reach the
        # disk (131 us of fdatasync here) took the PostgreSQL run from 176 s to 158 s. Each commit is
        # still atomic and seen at once by every other connection.
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    base = with_psycopg(PG_URL).rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _app(database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fast_hashing(request, monkeypatch):
    """Argon2id still, with the cheapest parameters: the real ones take a fifth of a second a
    hash, and most tests log someone in. A test marked real_password_hashing keeps them."""
    if request.node.get_closest_marker("real_password_hashing"):
        return
    from argon2 import PasswordHasher

    from feedback.common import security

    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(autouse=True)
def _new_connections_after_time_travel(request):
    """A test that moved the clock leaves pooled connections stamped with its moment. Back in
    the present, the pool's "invalidated at" time (a restart of PostgreSQL) is older than that
    stamp, so those dead connections would be handed out again: start the next test afresh."""
    yield
    if "time_machine" in request.fixturenames and "_app" in request.fixturenames:
        app = request.getfixturevalue("_app")
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(_app):
    """The app with an empty database; every table is emptied after the test."""
    from tests.routes_support import Client, reset_database

    # Each test-client request must start with an empty g, as on a real server.
    _app.test_client_class = Client
    _app.config.update(WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="10000 per minute", ACCOUNT_LOGIN_RATE_LIMIT="10000 per minute",
                       LINK_RATE_LIMIT="10000 per minute", POST_RATE_LIMIT="10000 per minute",
                       TAP_RATE_LIMIT="10000 per minute", LOST_CARD_RATE_LIMIT="10000 per minute",
                       LOST_CARD_NUMBER_RATE_LIMIT="10000 per minute", PDF_RATE_LIMIT="10000 per minute")
    with _app.app_context():
        yield _app
        reset_database()


@pytest.fixture
def count_queries(app) -> Callable[..., AbstractContextManager[list[str]]]:
    """`with count_queries() as statements:` the SQL statements the block sends, in order
    (len(statements) is how many), on whichever engine the suite runs (SQLite or PostgreSQL),
    or on the one given: count_queries(engine)."""

    @contextmanager
    def counting(engine: sa.Engine | None = None) -> Iterator[list[str]]:
        engine = engine if engine is not None else db.engine
        statements: list[str] = []

        def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Small builders for test data; each commits (services only flush: the caller commits)."""

    def __init__(self) -> None:
        self.n = 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    def program(self, name: str | None = None):
        from feedback.programs.services import create_program

        n = self._next()
        return create_program(name or f"Program {n}", f"program-{n}")

    def user(self, program=None, role: str = "member", name: str | None = None,
             email: str | None = None, password: str | None = None, language: str = "sv", is_admin=False):
        from feedback.auth.services import create_user
        from feedback.programs.models import Membership

        n = self._next()
        if role != "member" and email is None:
            email = f"user{n}@example.org"
        user = create_user(name or f"User {n}", email, password, language=language, is_admin=is_admin)
        if program is not None:
            db.session.add(Membership(user_id=user.id, program_id=program.id, role=role))
        db.session.commit()
        return user

    def member(self, program, **kw):
        return self.user(program, "member", **kw)

    def staff(self, program, **kw):
        return self.user(program, "staff", **kw)

    def proposal(self, program, status: str = "draft", **kw):
        from feedback.proposals import services
        from feedback.proposals.models import Status

        fields = {"title": "Meetings on Saturdays", "summary": "We meet on a Saturday.", **kw}
        p = services.create_proposal(program.id, None, **fields)
        if status in (Status.ON_AGENDA,):
            p.move_to(Status.ON_AGENDA, None)
        elif status in (Status.VOTING, Status.VOTED):
            p.move_to(Status.VOTING, None)
            if status == Status.VOTED:
                p.move_to(Status.VOTED, None)
        db.session.commit()
        return p

    def meeting(self, program, days_ahead: int = 7, **kw):
        from datetime import timedelta

        from feedback.common.clock import local_now
        from feedback.meetings.services import create_meeting

        meeting = create_meeting(program.id, kw.pop("title", "Meeting"),
                                 local_now().replace(microsecond=0) + timedelta(days=days_ahead), **kw)
        db.session.commit()
        return meeting


@pytest.fixture
def make(app) -> Factory:
    return Factory()


@pytest.fixture
def world(make):
    """Two programs, one user in every role, and a record of each kind (tests/routes_support.py)."""
    from tests.routes_support import build_world

    return build_world(make)


@pytest.fixture
def english_world(make):
    """The same world, with everyone reading in English so that tests can check the messages."""
    from tests.routes_support import build_english_world

    return build_english_world(make)


@pytest.fixture
def known(app):
    """A program whose dashboard figures are known in advance (tests/dashboard_support.py)."""
    from tests.dashboard_support import build_known

    return build_known()


@pytest.fixture
def login(client):
    """Log a user in on the test client without going through a form (with a server session)."""
    from feedback.auth.sessions import start as start_session

    def _login(user, c=None):
        c = c or client
        with c.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["sid"] = start_session(user, "pytest")
            sess["_fresh"] = True
        db.session.commit()  # the test is the caller here: a refused request must not undo her login
        return c

    return _login
