"""The same member voting from many requests at once still leaves exactly one vote."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from feedback.auth.models import User
from feedback.extensions import db
from feedback.proposals.models import Proposal
from feedback.votes import services as votes
from feedback.votes.models import CHOICES, Vote, VoterRoll
from tests.databases import USE_POSTGRES

THREADS = 10


def vote_from_threads(app, proposal_id: int, user_id: int) -> list[BaseException]:
    """THREADS threads, each with its own app context (so its own session and connection),
    released together by a barrier, each casting a different choice."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            with app.app_context():
                proposal = db.session.get(Proposal, proposal_id)
                user = db.session.get(User, user_id)
                barrier.wait(timeout=30)
                votes.cast_vote(proposal, user, CHOICES[i % len(CHOICES)], f"thread {i}")
                db.session.commit()
                db.session.remove()
        except BaseException as e:  # reported to the test below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a voting thread hung"
    return errors


def _rows(proposal_id: int) -> list[tuple]:
    db.session.commit()
    return db.session.execute(
        sa.select(Vote.user_id, Vote.ballot_key, Vote.choice, Vote.reason).where(Vote.proposal_id == proposal_id)
    ).all()


def check_named(app, make) -> None:
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, "voting")
    pid, uid = p.id, member.id
    db.session.commit()  # the test's own session holds no transaction while the threads run
    errors = vote_from_threads(app, pid, uid)
    assert errors == []
    rows = _rows(pid)
    assert len(rows) == 1
    user_id, ballot_key, choice, reason = rows[0]
    assert user_id == uid and ballot_key is None
    assert choice in CHOICES and reason.startswith("thread ")
    assert votes.voters_count(db.session.get(Proposal, pid)) == 1


def check_anonymous(app, make) -> None:
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, "voting", anonymous=True)
    pid, uid = p.id, member.id
    db.session.commit()
    errors = vote_from_threads(app, pid, uid)
    assert errors == []
    rows = _rows(pid)
    assert len(rows) == 1
    assert rows[0].user_id is None and rows[0].ballot_key
    mine = votes.my_vote(db.session.get(Proposal, pid), db.session.get(User, uid))
    assert mine.choice in CHOICES and mine.reason.startswith("thread ")  # the last write, sealed whole
    roll = db.session.execute(sa.select(VoterRoll.user_id).where(VoterRoll.proposal_id == pid)).scalars().all()
    assert roll == [uid]
    assert votes.voters_count(db.session.get(Proposal, pid)) == 1


pg_only = pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")


@pytest.mark.postgres
@pg_only
def test_concurrent_votes_leave_one_vote_postgres(app, make):
    check_named(app, make)


@pytest.mark.postgres
@pg_only
def test_concurrent_anonymous_votes_leave_one_ballot_postgres(app, make):
    check_anonymous(app, make)


@pytest.mark.skipif(USE_POSTGRES, reason="the SQLite variant")
def test_concurrent_votes_leave_one_vote_sqlite(app, make):
    check_named(app, make)


@pytest.mark.skipif(USE_POSTGRES, reason="the SQLite variant")
def test_concurrent_anonymous_votes_leave_one_ballot_sqlite(app, make):
    check_anonymous(app, make)


# --- many members at once, and two staff at once (PostgreSQL) --------------------------------------


@pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")
@pytest.mark.parametrize("anonymous", [False, True])
def test_fifty_members_voting_and_changing_at_once_end_with_exact_counts(app, make, anonymous):
    program = make.program()
    members = [make.member(program) for _ in range(50)]
    proposal = make.proposal(program, "voting", anonymous=anonymous)
    pid, ids = proposal.id, [m.id for m in members]
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []
    last: dict[int, str] = {}

    def member_votes(i: int, user_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            for k in range(3):  # she votes, then changes her mind twice
                choice = CHOICES[(i + k) % 3]
                with app.app_context():
                    votes.cast_vote(db.session.get(Proposal, pid), db.session.get(User, user_id), choice)
                    db.session.commit()
                    db.session.remove()
                last[user_id] = choice
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=member_votes, args=(i, uid)) for i, uid in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.proposal_id == pid)) == 50
    counted = votes.results(pid).counts  # a secret vote's ballots are sealed: the app opens them
    assert counted == {c: list(last.values()).count(c) for c in CHOICES}
    assert [votes.my_vote(db.session.get(Proposal, pid), db.session.get(User, uid)).choice for uid in ids] == \
        [last[uid] for uid in ids]
    if anonymous:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(VoterRoll)
                                 .where(VoterRoll.proposal_id == pid)) == 50


@pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")
def test_two_staff_closing_the_same_vote_at_once_leave_one_result(app, make):
    from feedback.common.errors import RuleError
    from feedback.proposals import services as proposals
    from feedback.proposals.models import ProposalEvent

    program = make.program()
    proposal = make.proposal(program, "voting")
    pid = proposal.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close() -> None:
        with app.app_context():
            p = db.session.get(Proposal, pid)
            barrier.wait(timeout=30)
            try:
                proposals.close_voting(p, None)
                db.session.commit()
                outcomes.append("closed")
            except RuleError:
                outcomes.append("told it was closed")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=close) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["closed", "told it was closed"]
    db.session.expire_all()
    assert db.session.get(Proposal, pid).status == "voted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProposalEvent).where(
        ProposalEvent.proposal_id == pid, ProposalEvent.to_status == "voted")) == 1


@pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres: SQLite has one writer at a time")
@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_a_ballot_on_its_way_when_staff_close_is_in_before_the_close(app, make, login, monkeypatch, secret):
    """Found by a review: the vote read "voting" with no lock, staff closed it meanwhile, and
    the ballot was written after the close and counted (a secret one stayed sealed among the
    opened ballots). Her request now holds the proposal shared until her ballot is in: the
    close waits for it."""
    from feedback.proposals import services as proposals
    from tests.routes_support import new_client

    program = make.program()
    amal = make.member(program)
    p = make.proposal(program, "voting", anonymous=secret)
    phone = login(amal, new_client(app))
    db.session.commit()
    read, go = threading.Event(), threading.Event()
    cast = votes.cast_vote_and_count

    def paused(*args, **kwargs):  # her request has read the proposal and waits to write
        read.set()
        go.wait(timeout=30)
        return cast(*args, **kwargs)

    monkeypatch.setattr(votes, "cast_vote_and_count", paused)
    codes: list[int] = []

    def her_vote() -> None:
        with app.app_context():
            try:
                codes.append(phone.post(f"/p/{p.id}/vote", data={"choice": "agree"}).status_code)
            finally:
                db.session.remove()

    def staff_close() -> None:
        with app.app_context():
            try:
                proposals.close_voting(db.session.get(Proposal, p.id), None)
                db.session.commit()
            finally:
                db.session.remove()

    member = threading.Thread(target=her_vote)
    member.start()
    assert read.wait(timeout=30)
    closer = threading.Thread(target=staff_close)
    closer.start()
    closer.join(timeout=1)  # without the lock the close is done by now
    go.set()
    member.join(timeout=30)
    closer.join(timeout=30)
    db.session.expire_all()
    closed = db.session.get(Proposal, p.id)
    ballots = list(db.session.scalars(sa.select(Vote).where(Vote.proposal_id == p.id)))
    assert codes == [302] and closed.status == "voted"
    assert len(ballots) == 1 and ballots[0].sealed is None and ballots[0].choice == "agree"  # counted, and opened
    assert votes.results(p.id).total == 1
    if not secret:  # a secret ballot has no time; a named one was in before the vote closed
        assert ballots[0].updated_at <= closed.voting_closed_at
