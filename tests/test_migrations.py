"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from feedback import create_app
from feedback.config import TestConfig
from feedback.extensions import db
from tests.migration_support import fresh_database, keep_logging, migrated_app

# migrations/env.py (the older Flask-Migrate template) tries db.get_engine() first; Flask-SQLAlchemy
# 3.1 warns about it and env.py falls back to db.engine. Harmless, but the suite turns warnings
# into errors.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

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


def test_going_back_past_sealed_ballots_waits_until_they_are_opened():
    """0028's downgrade cannot open a seal (it has no ballot key): it refuses and changes nothing
    while an open secret vote holds sealed ballots, and goes back once the vote is closed."""
    from feedback.auth.services import create_user
    from feedback.programs.models import Membership
    from feedback.programs.services import create_program
    from feedback.proposals import services as proposals
    from feedback.votes import services as votes

    with migrated_app():
        prog = create_program("S", "s", with_topics=False)
        member = create_user("M")
        db.session.add(Membership(user_id=member.id, program_id=prog.id, role="member"))
        db.session.commit()
        p = proposals.create_proposal(prog.id, None, title="T", summary="S", anonymous=True)
        proposals.open_voting(p, None)
        votes.cast_vote(p, member, "agree", "Why not.")
        db.session.commit()
        pid = p.id
        db.session.remove()
        with keep_logging():  # from 0028 itself: on PostgreSQL a refused downgrade undoes the later steps too
            flask_migrate.downgrade(revision="0028")
        with keep_logging(), pytest.raises(SystemExit):  # Flask-Migrate logs the message and exits
            flask_migrate.downgrade(revision="0027")
        assert current_revision() == "0028"
        proposals.close_voting(db.session.get(type(p), pid), None)
        db.session.commit()
        db.session.remove()
        with keep_logging():
            flask_migrate.downgrade(revision="0027")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT choice, reason FROM votes")).all() == [("agree", "Why not.")]


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
            Vote(proposal_id=p.id, user_id=None, choice=None, channel="phone", ballot_key="k3"),  # no choice
            # sealed and in plain at once, or sealed with her name on it
            Vote(proposal_id=p.id, user_id=None, choice="agree", sealed=b"x", channel="phone", ballot_key="k4"),
            Vote(proposal_id=p.id, user_id=None, reason="Why", sealed=b"x", channel="phone", ballot_key="k5"),
            Vote(proposal_id=p.id, user_id=user.id, sealed=b"x", channel="phone"),
        ):
            db.session.add(bad)
            with pytest.raises(sa.exc.IntegrityError):
                db.session.commit()
            db.session.rollback()


FIRST_DATA = [
    "INSERT INTO programs (id, name, slug, public_page, active, created_at) "
    "VALUES (1, 'P', 'p', false, true, '2026-01-01 10:00:00')",
    "INSERT INTO users (id, name, email, preferred_language, is_admin, active, session_version, created_at) "
    "VALUES (1, 'Amina', 'amina@example.org', 'ar', false, true, 3, '2026-01-01 10:00:00')",
    "INSERT INTO memberships (id, user_id, program_id, role, created_at) VALUES (1, 1, 1, 'member', '2026-01-01 10:00:00')",
    "INSERT INTO login_tokens (id, user_id, purpose, token_hash, created_at) "
    "VALUES (1, 1, 'member', 'aaaa', '2026-01-01 10:00:00')",
    "INSERT INTO topics (id, program_id, name, icon, position, archived) VALUES (1, 1, 'Meetings', 'calendar', 0, false)",
    "INSERT INTO proposals (id, program_id, topic_id, title, summary, icon, source_language, status, origin, anonymous, "
    "results_live, created_at, updated_at) VALUES (1, 1, 1, 'Saturdays', 'We meet on Saturdays.', 'calendar', 'sv', "
    "'voted', 'staff', true, false, '2026-01-01 10:00:00', '2026-01-01 10:00:00')",
    "INSERT INTO proposal_translations (id, proposal_id, language, title, summary) VALUES (1, 1, 'ar', 'T', 'S')",
    "INSERT INTO proposal_events (id, proposal_id, to_status, at) VALUES (1, 1, 'voted', '2026-01-01 10:00:00')",
    "INSERT INTO voter_roll (proposal_id, user_id) VALUES (1, 1)",
    "INSERT INTO votes (id, proposal_id, ballot_key, choice, channel) VALUES (1, 1, 'k', 'agree', 'phone')",
    "INSERT INTO meetings (id, program_id, title, starts_at, status, created_at) "
    "VALUES (1, 1, 'March', '2026-03-12 17:30:00', 'closed', '2026-01-01 10:00:00')",
    "INSERT INTO meetings (id, program_id, title, starts_at, status, created_at) "
    "VALUES (2, 1, 'April', '2026-04-12 17:30:00', 'planned', '2026-01-01 10:00:00')",
    "INSERT INTO agenda_items (id, meeting_id, position, kind, proposal_id) VALUES (1, 1, 0, 'proposal', 1)",
]


def test_data_from_the_first_migration_survives_every_later_one():
    """A database made by 0001 and filled, then upgraded step by step to the latest: every row is
    still there, the new columns have their defaults, and the app reads it all through its models."""
    from feedback.auth.models import User
    from feedback.meetings import live
    from feedback.meetings.models import Meeting
    from feedback.proposals.models import Proposal
    from feedback.votes import services as votes

    with fresh_database() as url:

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Config)
        try:
            with app.app_context(), keep_logging():
                flask_migrate.upgrade(revision="0001")
                with db.engine.begin() as conn:
                    for statement in FIRST_DATA:
                        conn.execute(sa.text(statement))
                # A meeting running while 0013 is deployed: its plain join code goes away.
                flask_migrate.upgrade(revision="0012")
                with db.engine.begin() as conn:
                    conn.execute(sa.text("UPDATE meetings SET status = 'open', join_code = 'ACDEFG' WHERE id = 2"))
                flask_migrate.upgrade()
                assert current_revision() == head_revision(app)
                assert schema_differences() == []

                with db.engine.connect() as conn:
                    counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                              for t in ("programs", "users", "memberships", "login_tokens", "topics", "proposals",
                                        "proposal_translations", "proposal_events", "voter_roll", "votes",
                                        "meetings", "agenda_items")}
                    row = conn.execute(sa.text(
                        "SELECT title, childcare, travel_costs, bring, interpreter_languages FROM meetings WHERE id = 1"
                    )).one()
                assert counts == dict.fromkeys(counts, 1) | {"meetings": 2}
                assert tuple(row) == ("March", False, False, None, None)

                user = db.session.get(User, 1)
                assert (user.name, user.email, user.preferred_language, user.session_version) == (
                    "Amina", "amina@example.org", "ar", 3)
                assert user.erased_at is None and user.consented_at is None
                proposal = db.session.get(Proposal, 1)
                assert (proposal.title, proposal.status, proposal.anonymous) == ("Saturdays", "voted", True)
                assert votes.results(1).counts["agree"] == 1  # a plain secret ballot from before sealing
                running = db.session.get(Meeting, 2)
                assert running.status == "open" and live.join_code(running) is None
                live.new_code(running)  # staff make a new code and the meeting goes on
                assert live.find_by_code(live.join_code(running)) == running
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_0029_gives_the_stored_messages_the_program_of_their_event():
    """Messages stored before 0029 get their program from their key, which names the event; a
    link by SMS, a test, or a key whose event is not found stays without a program. The events are
    made at the latest revision, the messages at 0028 (the schema they were written in)."""
    from datetime import date, datetime

    from feedback.auth.services import create_user
    from feedback.changes.models import ProgramChange
    from feedback.decisions.models import Decision
    from feedback.meetings.services import create_meeting
    from feedback.programs.models import Membership
    from feedback.programs.services import create_program
    from feedback.proposals.services import create_proposal
    from feedback.threads.services import start_thread
    from tests.datepoll_support import new_poll
    from tests.priority_support import make_poll

    with migrated_app():
        a, b = create_program("A", "a", with_topics=False), create_program("B", "b", with_topics=False)
        her, staff = create_user("Hawa"), create_user("Sara", "sara@example.org")
        db.session.add_all([Membership(user_id=her.id, program_id=a.id, role="member"),
                            Membership(user_id=her.id, program_id=b.id, role="member"),
                            Membership(user_id=staff.id, program_id=a.id, role="staff")])
        db.session.commit()
        meeting = create_meeting(a.id, "March", datetime(2031, 3, 4, 18, 0))
        proposal = create_proposal(b.id, None, title="Saturdays", summary="We meet on Saturdays.")
        thread = start_thread(her, meeting, "Can I bring my child?")
        decision = Decision(program_id=b.id, proposal_id=proposal.id, outcome="accepted", reason="Yes.")
        change = ProgramChange(program_id=a.id, title="Child care", description="There is child care.",
                               changed_on=date(2031, 1, 1))
        db.session.add_all([decision, change])
        db.session.commit()
        priorities, date_poll = make_poll(b, status="draft"), new_poll(a)
        u, s = her.id, staff.id
        expected = {
            f"meeting:{meeting.id}:sms:{u}": a.id,
            f"reminder-48h:{meeting.id}:sms:{u}": a.id,
            f"vote:{proposal.id}:sms:{u}": b.id,  # before votes had rounds
            f"vote:{proposal.id}:20310101120000:email:{u}": b.id,
            f"vote-reminder:{proposal.id}:20310101120000:sms:{u}": b.id,
            f"priorities:{priorities.id}:push:{u}": b.id,
            f"date-poll:{date_poll.id}:sms:{u}": a.id,
            f"decision:{decision.id}:sms:{u}": b.id,
            f"follow-up:{change.id}:sms:{u}": a.id,
            f"new-posts:{thread.id}:2031-01-12:email:{s}": a.id,
            f"report:{thread.posts[0].id}:email:{s}": a.id,
            f"digest:{b.id}:2031-W02:email:{s}": b.id,
            f"login-link:{'ab12' * 8}:sms:{u}": None,
            f"test:{'cd34' * 8}:email:{s}": None,
            f"meeting:999999:sms:{u}": None,  # no such meeting
        }
        # More than one batch of the migration (500 rows)
        expected |= {f"reminder-{h}h:{meeting.id}:sms:{u}": a.id for h in range(100, 1200)}
        # What the app queued itself (the member's post told staff): its program comes back the same.
        with db.engine.connect() as conn:
            queued = dict(conn.execute(sa.text("SELECT idempotency_key, program_id FROM outbox_messages")).all())
        assert [(key.startswith(f"new-posts:{thread.id}:"), program) for key, program in queued.items()] == [
            (True, a.id)]
        db.session.remove()

        with keep_logging():
            flask_migrate.downgrade(revision="0028")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO outbox_messages (idempotency_key, user_id, channel, kind, body, state, attempts, "
                "next_attempt_at, created_at) VALUES (:key, :user, :channel, 'x', :body, 'sent', 1, "
                "'2031-01-01 10:00:00', '2031-01-01 10:00:00')"),
                [{"key": key, "user": int(key.rsplit(":", 1)[1]), "channel": key.rsplit(":", 2)[1], "body": key}
                 for key in expected])
        with keep_logging():
            flask_migrate.upgrade()
        assert current_revision() >= "0029"  # the head, 0029 or later
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT idempotency_key, program_id, body FROM outbox_messages")).all()
        assert {key: program for key, program, _body in rows} == expected | queued
        assert all(body == key for key, _program, body in rows if key in expected)  # kept as they were
