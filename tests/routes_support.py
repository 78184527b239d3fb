"""Shared helpers for the route tests (not a test module itself).

Why a client of our own: the `app` fixture keeps one application context open for the
whole test, and Flask reuses it for every request of the test client. Flask's `g` lives
on that context, so Flask-Login's cached user (g._login_user), Flask-Babel's cached
locale and Flask-WTF's cached CSRF token would leak from one request to the next, and
from one client to another. `Client` empties `g` before each request, like a real
server where every request gets its own context.
"""
from __future__ import annotations

import functools
import re
import threading
import weakref
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from unittest import mock

import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from feedback.extensions import db


class Client(FlaskClient):
    def open(self, *args: Any, **kwargs: Any):
        for key in list(vars(g)):
            delattr(g, key)
        db.session.expire_all()
        return super().open(*args, **kwargs)


def new_client(app) -> Client:
    return Client(app, app.response_class, use_cookies=True)


def client_as(app, login, world: World, role: str | None) -> Client:
    """A new client, logged in as the world's user in this role (None: nobody)."""
    c = new_client(app)
    if role:
        login(world.users[role], c)
    return c


def text(resp) -> str:
    return resp.get_data(as_text=True)


def at_once(app, posts: list[tuple[Client, str, dict]]) -> list[int | str]:
    """The posts (client, url, form; a form with a file goes as multipart) sent from threads
    released together, as a double click or two staff on one page are on PostgreSQL: each
    thread's status code, or what it raised instead (a 500 in production), in finishing order.
    Each request has its own context, session and connection; the test's session commits first,
    so it holds no transaction while they run, and forgets what it had loaded after."""
    db.session.commit()
    barrier = threading.Barrier(len(posts))
    out: list[int | str] = []

    def worker(c: Client, url: str, data: dict) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                out.append(c.post(url, data=data).status_code)
            except Exception as e:  # reported to the test, which says what it expected
                out.append(repr(e)[:300])
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=p) for p in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    db.session.expire_all()
    return out


def upload(c, url, data: bytes, filename: str, body: str = "", **extra):
    """A multipart post built here: for big files the test client would spool to a temporary
    file of its own and leave it open."""
    boundary = "voice-boundary-7d3f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in {"body": body, **extra}.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="voice"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
    )
    payload = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return c.post(url, data=payload, content_type=f"multipart/form-data; boundary={boundary}")


# Logging a test client in writes a session; a refused request writes a security event by design
# (tests/test_trust_security_log.py checks those).
_NOT_SNAPSHOT = ("user_sessions", "security_events")


def left_a_now_in_b(world) -> Any:
    """The world's member went on in program B and left A: a member of B only."""
    from feedback.members.services import leave
    from feedback.programs.models import Membership

    member = world.users["member"]
    db.session.add(Membership(user_id=member.id, program_id=world.other_prog.id, role="member"))
    db.session.commit()
    leave(world.prog.id, member)
    db.session.commit()
    assert member.program_ids() == [world.other_prog.id]
    return member


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read on a connection of its own; read again only when a commit
    since the last snapshot wrote to a table it holds (most snapshots are taken around requests
    that were refused and wrote nothing: reading every table each time was a third of the slowest
    tests)."""
    db.session.commit()  # end the test's read transaction so we see what requests committed
    engine = db.engine
    watch = _WATCHES.get(engine)
    if watch is None:
        watch = _WATCHES[engine] = _WriteWatch(engine)
    if watch.snapshot is None:
        tables = [t for t in sorted_tables() if t.name not in _NOT_SNAPSHOT]
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                watch.snapshot = _one_trip_snapshot(conn, tables)
            else:
                # The values as SQLite keeps them (moments as text): turning each into its Python
                # type was most of the time a snapshot took, and snapshots are only compared with
                # snapshots taken the same way.
                watch.snapshot = {t.name: sorted(conn.exec_driver_sql(_select_all(t)).all(), key=repr) for t in tables}
    return dict(watch.snapshot)


def sorted_tables() -> tuple[sa.Table, ...]:
    """The tables, parents first: worked out once (sorting them was a tenth of emptying them),
    and again if a model's module is imported later."""
    return _sorted_tables(len(db.metadata.tables))


@functools.cache
def _sorted_tables(_how_many: int) -> tuple[sa.Table, ...]:
    return tuple(db.metadata.sorted_tables)


def _select_all(table: sa.Table) -> str:
    return "SELECT " + ", ".join(f'"{c.name}"' for c in table.columns) + f' FROM "{table.name}"'


# A statement that cannot change a snapshotted row; anything else counts as a write.
_READS = re.compile(r"\s*(SELECT|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|SHOW)\b", re.IGNORECASE)
_WRITE_TO = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class _WriteWatch:
    """The last snapshot of one engine's database, forgotten when a transaction that wrote to a
    snapshotted table commits. Every statement of the engine passes here (SQLAlchemy's events);
    writes undone by a rollback keep it, and anything unclear (DDL, a write before a savepoint
    was rolled back) forgets it: at worst a snapshot is read again."""

    def __init__(self, engine: sa.Engine) -> None:
        self.snapshot: dict[str, list[tuple]] | None = None
        # Connections whose transaction has written. Not in conn.info: that reaches the DBAPI
        # connection, which raises once the database has dropped it (tests/test_faults.py).
        self._pending: weakref.WeakSet[sa.Connection] = weakref.WeakSet()
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(engine, "commit", self._commit)
        sa.event.listen(engine, "rollback", self._rollback)

    def _statement(self, conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
        if _READS.match(statement):
            return
        written = _WRITE_TO.match(statement)
        if written is None:
            self.snapshot = None  # DDL and the like may commit by themselves
        if written is None or written.group(1) not in _NOT_SNAPSHOT:
            self._pending.add(conn)

    def _commit(self, conn) -> None:
        if conn in self._pending:
            self._pending.discard(conn)
            self.snapshot = None

    def _rollback(self, conn) -> None:
        self._pending.discard(conn)


_WATCHES: weakref.WeakKeyDictionary[sa.Engine, _WriteWatch] = weakref.WeakKeyDictionary()


def _one_trip_snapshot(conn: sa.Connection, tables: list[sa.Table]) -> dict[str, list[tuple]]:
    """The same, in one round trip to PostgreSQL instead of one per table: a snapshot is taken
    around every refused request. Rows come as JSON arrays in column order (moments as text),
    compared only with snapshots taken the same way."""
    def rows_of(t: sa.Table) -> str:
        columns = ", ".join(f'"{c.name}"' for c in t.columns)
        return f"""SELECT '{t.name}', (SELECT coalesce(json_agg(json_build_array({columns})), '[]') FROM "{t.name}")"""

    result = conn.exec_driver_sql(" UNION ALL ".join(rows_of(t) for t in tables))
    return {name: sorted((tuple(r) for r in rows), key=repr) for name, rows in result}


def empty_tables(conn: sa.Connection) -> None:
    """Delete every row of every table, children first."""
    tables = sorted_tables()[::-1]
    if conn.dialect.name == "postgresql":
        # One round trip instead of one per table: this runs after every test.
        conn.exec_driver_sql("; ".join(f'DELETE FROM "{t.name}"' for t in tables))
        return
    # A test writes to a few of the tables: one statement finds them, instead of a DELETE for
    # every table (a twelfth of the SQLite run went there).
    found = {name for (name,) in conn.exec_driver_sql(" UNION ALL ".join(
        f"""SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM "{t.name}")""" for t in tables))}
    for table in tables:
        if table.name in found:
            conn.exec_driver_sql(f'DELETE FROM "{table.name}"')


def reset_database() -> None:
    """Empty every table, as the app fixture does after each test."""
    from feedback.extensions import limiter

    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as conn:
        empty_tables(conn)
    limiter.reset()


def count(model, *where) -> int:
    db.session.expire_all()
    q = sa.select(sa.func.count()).select_from(model)
    if where:
        q = q.where(*where)
    return db.session.scalar(q)


def is_login_redirect(resp) -> bool:
    return resp.status_code == 302 and resp.headers["Location"].split("?")[0].endswith("/login")


PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def fill(rule: str, values: dict[str, Any]) -> str:
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), rule)


@dataclass
class World:
    """Two programs, one user in every role and two with two roles, plus a record of each kind in program A."""

    prog: Any
    other_prog: Any
    users: dict[str, Any]
    target: Any  # a member of A that staff act on
    p_voting: Any
    p_draft: Any
    p_agenda: Any
    p_other: Any  # a voting proposal of program B
    meeting: Any
    other_meeting: Any
    item: Any
    other_member: Any
    link_token: str
    password_token: str
    topic: Any = None
    thread: Any = None
    post: Any = None  # by the target member, with a voice note
    own_post: Any = None  # by "member", just written
    staff_post: Any = None
    p_voted: Any = None  # voted, waiting for the steering group
    p_decided: Any = None
    change: Any = None  # a program change asking "did it help?" from today
    poll: Any = None  # an open priority poll of A, its first option from p_voting
    poll_draft: Any = None  # a priority poll of A being written


ROLES = ["anon", "member", "other_member", "staff", "other_staff", "steering", "prog_admin", "admin"]


def build_world(make) -> World:
    """Built in one transaction (the services' commits become flushes), and only once per test
    process: every later call puts the same rows back (SavedWorld), several times faster. Each
    call starts from empty tables and gives the world as first built, with the same ids."""
    if _SAVED:
        return _SAVED[0].restore()
    with mock.patch.object(db.session, "commit", db.session.flush):
        world = _build_world(make)
    db.session.commit()
    _SAVED.append(SavedWorld.of(world))
    return world


def build_english_world(make) -> World:
    """The world with its people reading in English, so that tests can check the messages."""
    world = build_world(make)
    for user in world.users.values():
        user.preferred_language = "en"
    db.session.commit()
    return world


@dataclass
class SavedWorld:
    """A world's rows, and its records as (model, id): put back with the same ids, it is the
    same world again, several times faster than building it (tests/test_property_input.py
    keeps its world the same way)."""

    rows: dict[str, list[dict[str, Any]]]
    refs: dict[str, Any]

    @classmethod
    def of(cls, world: World) -> SavedWorld:
        return cls(rows_now(), {f.name: _ref(getattr(world, f.name)) for f in fields(World)})

    def restore(self) -> World:
        """Every table emptied, then the saved rows put back; the world's records, loaded anew."""
        from feedback.extensions import limiter

        put_back(self.rows)
        limiter.reset()
        return revive_world(self.refs)


def revive_world(refs: dict[str, Any]) -> World:
    """The World of these references (its fields, records as (model, id)), loaded anew."""
    loaded = _load_all(refs)  # held: the session keeps only weak references to its records
    world = World(**{name: _revive(ref) for name, ref in refs.items()})
    del loaded
    return world


def _load_all(refs: dict[str, Any]) -> list[Any]:
    """The world's records, one query per model instead of one per record: _revive then finds
    them in the session, as long as the caller holds the list this returns."""
    wanted: dict[type, set[int]] = {}

    def collect(ref: Any) -> None:
        if isinstance(ref, dict):
            for value in ref.values():
                collect(value)
        elif isinstance(ref, tuple) and ref[:1] == ("record",):
            wanted.setdefault(ref[1], set()).add(ref[2])

    collect(refs)
    return [record for model, ids in wanted.items()
            for record in db.session.scalars(sa.select(model).where(model.id.in_(ids)))]


# The world of this test process, once built (build_world).
_SAVED: list[SavedWorld] = []


def rows_now() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as committed."""
    db.session.commit()
    with db.engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in sorted_tables()}


def put_back(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Every table emptied, then these rows written back with their ids."""
    db.session.rollback()
    with db.engine.begin() as conn:
        empty_tables(conn)
        for table in sorted_tables():
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
    db.session.expire_all()


def _ref(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _ref(v) for k, v in value.items()}
    if hasattr(value, "__table__"):
        return ("record", type(value), value.id)
    return value


def _revive(ref: Any) -> Any:
    if isinstance(ref, dict):
        return {k: _revive(v) for k, v in ref.items()}
    if isinstance(ref, tuple) and ref[:1] == ("record",):
        return db.session.get(ref[1], ref[2])
    return ref


def _build_world(make) -> World:
    from feedback.auth.services import create_password_link, create_user, issue_member_link
    from feedback.meetings.services import add_to_agenda
    from feedback.programs.models import Membership
    from feedback.programs.services import create_program

    n = make._next()
    a = create_program("Alpha", f"alpha-{n}", with_topics=True)
    b = create_program("Beta", f"beta-{n}", with_topics=False)

    def user(name, program=None, role="member", **kw):
        u = create_user(name, None if role == "member" else f"{name.split()[0].lower()}{n}@example.org", **kw)
        if program is not None:
            db.session.add(Membership(user_id=u.id, program_id=program.id, role=role))
        return u

    def also(u, *roles):
        for program, role in roles:
            db.session.add(Membership(user_id=u.id, program_id=program.id, role=role))
        return u

    users = {
        "member": user("Mona Member", a),
        "other_member": user("Olga Other", b),
        "staff": user("Sara Staff", a, "staff"),
        "other_staff": user("Otto Otherstaff", b, "staff"),
        "steering": user("Stina Steering", a, "steering"),
        "prog_admin": user("Pia Programadmin", a, "admin"),
        "admin": user("Ada Admin", None, "admin", is_admin=True),
        # Two people with more than one role (checked by tests/test_routes_access_mixed.py; not in
        # ROLES, which other tests go through one by one):
        # a member of A who is also in A's steering group,
        "member_steering": also(user("Maja Memberandsteering", a, "steering"), (a, "member")),
        # and a member of A who works as staff in B.
        "member_and_other_staff": also(user("Mira Memberandotherstaff", b, "staff"), (a, "member")),
    }
    target = user("Tove Target", a)
    db.session.commit()
    p_voting = make.proposal(a, "voting", title="Open question")
    p_draft = make.proposal(a, "draft", title="Draft idea")
    p_agenda = make.proposal(a, "draft", title="Agenda idea")
    p_other = make.proposal(b, "voting", title="Other program question")
    meeting = make.meeting(a)
    other_meeting = make.meeting(b)
    item = add_to_agenda(meeting, p_agenda, None)
    from datetime import date

    from feedback.meetings.models import ActionItem

    db.session.add(ActionItem(program_id=a.id, meeting_id=meeting.id, title="Book the room", owner="Sara",
                              due_on=date(2030, 1, 1)))
    link_token = issue_member_link(target, None)
    password_token = create_password_link(users["staff"], None, 24)
    world = World(a, b, users, target, p_voting, p_draft, p_agenda, p_other, meeting, other_meeting, item,
                  users["other_member"], link_token, password_token)
    _add_thread(world)
    _add_outcomes(world)
    _add_polls(world)
    return world


def _add_polls(w: World) -> None:
    from feedback.priorities import services as priorities

    w.poll = priorities.create_poll(w.prog.id, None, title="Vad är viktigast?", proposal_ids=(w.p_voting.id,))
    priorities.add_option(w.poll, icon="bus", title="Resor", summary="Vi åker till ett företag.")
    priorities.open_poll(w.poll, None)
    w.poll_draft = priorities.create_poll(w.prog.id, None, title="Utkast")
    priorities.add_option(w.poll_draft, icon="book", title="Kurs")
    priorities.add_option(w.poll_draft, icon="child", title="Barnpassning")


def _add_outcomes(w: World) -> None:
    """A proposal waiting for a decision, a decided one, and a change; the public page is on."""
    from feedback.changes import services as changes
    from feedback.decisions import services as decisions

    w.p_voted = _make_voted(w, "Voted idea")
    w.p_decided = _make_voted(w, "Decided idea")
    decisions.decide(w.users["steering"], w.p_decided, "accepted", "Ja. Vi gör det.")
    w.change = changes.create_change(w.users["staff"], w.prog.id, changes.ChangeFields(
        title="Childcare", description="Nu finns barnpassning.", changed_on=changes.today(), status="in_progress",
        progress=50, origin="expert_group", review_on=changes.today(), proposal_ids=(w.p_decided.id,)))
    w.prog.public_page = True


def _make_voted(w: World, title: str):
    from feedback.proposals import services as proposals
    from feedback.votes import services as votes

    p = proposals.create_proposal(w.prog.id, None, title=title, summary="Kort.")
    proposals.open_voting(p, None)
    votes.cast_vote(p, w.users["member"], "agree")
    proposals.close_voting(p, None)
    return p


VOICE = Path(__file__).parent / "fixtures" / "voice-1s.webm"


def _add_thread(w: World) -> None:
    """A conversation in program A: a member's voice post, a reply by "member", a staff answer."""
    from feedback.threads import services as threads
    from feedback.topics.models import Topic

    w.topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == w.prog.id).order_by(Topic.id).limit(1))
    w.thread = threads.start_thread(w.target, w.topic, "Can we meet on Saturdays?", VOICE.read_bytes())
    w.post = w.thread.posts[0]
    w.own_post = threads.reply(w.users["member"], w.thread, "Yes, Saturdays are good.")
    w.staff_post = threads.reply(w.users["staff"], w.thread, "We will ask the steering group.")
