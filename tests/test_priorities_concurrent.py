"""Parallel requests never give a member more dots than she has, nor an option more than its
most (PostgreSQL, where requests really run at once; SQLite serialises writers)."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from feedback.extensions import db
from feedback.priorities import services as prio
from feedback.priorities.models import PriorityBallot, PriorityDot, PriorityVoterRoll
from tests.databases import USE_POSTGRES
from tests.priority_support import make_poll
from tests.routes_support import new_client

THREADS = 12

pytestmark = pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")


def parallel_posts(app, login, member, poll, option_ids: list[int], step: str = "add") -> list[int]:
    """One logged-in client per thread, all released together, each posting one + or -."""
    clients = [login(member, new_client(app)) for _ in option_ids]
    # Read before the threads start: after the commit the poll is expired, and threads loading it
    # again would share the test's own session, which is not for two threads at once.
    url = f"/me/priorities/{poll.id}/dots"
    db.session.commit()  # the test's own session holds no transaction while the requests run
    barrier = threading.Barrier(len(option_ids))
    codes: list[int] = []
    errors: list[BaseException] = []

    def worker(c, option_id: int) -> None:
        try:
            with app.app_context():  # each request on its own session and connection
                barrier.wait(timeout=30)
                resp = c.post(url, data={"option": str(option_id), "step": step})
                codes.append(resp.status_code)
                db.session.remove()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(c, o)) for c, o in zip(clients, option_ids, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert errors == []
    return codes


def her_rows(poll) -> tuple[int, dict[int, int]]:
    db.session.commit()
    used = db.session.scalar(sa.select(sa.func.sum(PriorityBallot.dots_used)).where(PriorityBallot.poll_id == poll.id))
    on = dict(db.session.execute(
        sa.select(PriorityDot.option_id, PriorityDot.dots).join(PriorityBallot)
        .where(PriorityBallot.poll_id == poll.id)).all())
    return used, on


@pytest.mark.parametrize("anonymous", [False, True])
def test_parallel_plus_requests_never_exceed_her_dots(app, login, make, anonymous):
    prog = make.program()
    member = make.member(prog)
    poll = make_poll(prog, options=4, dots_per_member=3, max_per_option=2, anonymous=anonymous)
    ids = [o.id for o in poll.options]
    codes = parallel_posts(app, login, member, poll, [ids[i % 4] for i in range(THREADS)])
    assert sorted(codes).count(302) == 3 and sorted(codes).count(409) == THREADS - 3
    used, on = her_rows(poll)
    assert used == 3 == sum(on.values()) and max(on.values()) <= 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityBallot)) == 1
    if anonymous:
        assert db.session.scalars(sa.select(PriorityVoterRoll.user_id)).all() == [member.id]


def test_parallel_plus_on_one_option_stops_at_its_most(app, login, make):
    prog = make.program()
    member = make.member(prog)
    poll = make_poll(prog, dots_per_member=5, max_per_option=2)
    codes = parallel_posts(app, login, member, poll, [poll.options[0].id] * THREADS)
    assert codes.count(302) == 2
    assert her_rows(poll) == (2, {poll.options[0].id: 2})


def test_parallel_minus_requests_never_go_below_zero(app, login, make):
    prog = make.program()
    member = make.member(prog)
    poll = make_poll(prog, dots_per_member=3, max_per_option=3)
    a = poll.options[0].id
    for _ in range(2):
        prio.add_dot(poll, member, a)
    db.session.commit()
    codes = parallel_posts(app, login, member, poll, [a] * THREADS, step="remove")
    assert codes.count(302) == 2
    assert her_rows(poll) == (0, {a: 0})


@pytest.mark.parametrize("anonymous", [False, True])
def test_many_members_at_once_give_exact_totals(app, login, make, anonymous):
    prog = make.program()
    members = [make.member(prog) for _ in range(THREADS)]
    poll = make_poll(prog, options=3, dots_per_member=1, max_per_option=1, anonymous=anonymous)
    clients = [login(m, new_client(app)) for m in members]
    db.session.commit()
    barrier = threading.Barrier(THREADS)
    codes: list[int] = []

    options = [o.id for o in poll.options]
    url = f"/me/priorities/{poll.id}/dots"  # read here: the threads must not load the test's objects

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            codes.append(clients[i].post(url,
                                         data={"option": str(options[i % 3]), "step": "add"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [302] * THREADS
    db.session.expire_all()
    ranked = prio.ranking(poll)
    assert ranked.voters == THREADS and ranked.dots == THREADS
    assert sorted(r.dots for r in ranked.rows) == [THREADS // 3] * 3


def test_the_check_constraint_holds_even_without_the_rules(app, make):
    prog = make.program()
    member = make.member(prog)
    poll = make_poll(prog, dots_per_member=2)
    prio.add_dot(poll, member, poll.options[0].id)
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(PriorityBallot).values(dots_used=PriorityBallot.dots_used + 5))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(PriorityDot).values(dots=PriorityDot.dots + 5))
        db.session.flush()
    db.session.rollback()


def test_a_new_secret_ballot_leaves_no_stamp_that_pairs_it_with_its_voter(make):
    """PostgreSQL stamps each row with the transaction that wrote it (xmin): after a new voter's
    first dot, every ballot, dot and roll line of the poll carries that same stamp."""
    prog = make.program()
    alice, bea = make.member(prog), make.member(prog)
    poll = make_poll(prog, anonymous=True)
    prio.add_dot(poll, alice, poll.options[0].id)
    db.session.commit()
    prio.add_dot(poll, bea, poll.options[1].id)
    db.session.commit()
    stamps = {
        table: set(db.session.scalars(sa.text(f"SELECT xmin::text FROM {table}")))
        for table in ("priority_ballots", "priority_dots", "priority_voter_roll")
    }
    assert len(set().union(*stamps.values())) == 1, stamps
