"""Erasing her leaves nothing that singles out what stays of her: not to the group (who know who
left), not to someone reading the database who knows whom staff erased. Her anonymous posts keep
their label, her keyed rows get keys of a real key's shape, the voter rolls keep their count,
and on PostgreSQL no row she had carries the stamp of her user row alone (feedback/privacy/rekey.py)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine

from feedback.extensions import db
from feedback.privacy import services as privacy
from feedback.proposals import services as proposals
from feedback.threads import services as threads
from feedback.topics.models import Topic
from feedback.votes import by_hand
from feedback.votes import services as votes
from feedback.votes.models import Vote
from tests.databases import USE_POSTGRES
from tests.moments import local
from tests.priority_support import make_poll
from tests.routes_support import new_client

postgres_only = pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres")


def _shape(row, columns) -> tuple:
    """What a database reader sees of a row besides its content: which columns are empty, how long."""
    return tuple((getattr(row, c) is None, len(str(getattr(row, c) or ""))) for c in columns)


def _odd(rows, columns) -> list:
    shapes = [_shape(r, columns) for r in rows]
    return [r for r, s in zip(rows, shapes, strict=True) if shapes.count(s) == 1]


# --- to the group -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fully", [False, True], ids=["anonymous-to-members", "fully-anonymous"])
def test_her_anonymous_posts_keep_their_label(app, login, make, fully):
    program = make.program()
    staff = make.staff(program, language="en")
    warda = make.member(program, name="Warda", language="en")
    bea = make.member(program, name="Bea", language="en")
    reader = make.member(program, name="Reader", language="en")
    topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == program.id).limit(1))
    room = threads.start_thread(staff, topic, "Say anything.", fully_anonymous=fully)
    for member in (warda, bea):
        threads.reply(member, room, f"Words of {member.name} without a name.", anonymous=True)
    named = threads.start_thread(staff, topic, "Say it with your name.")
    threads.reply(warda, named, "Words of Warda with her name.")
    db.session.commit()

    def label_of(text: str, thread_id: int = room.id) -> str:
        """The author line above the post with this text, as the reader sees it."""
        page = login(reader, new_client(app)).get(f"/talk/t/{thread_id}").get_data(as_text=True)
        assert text in page
        before_text = page.split(text)[0]
        author = before_text[before_text.rindex('class="post-author"'):]
        return author[author.index("<strong>"):author.index("</span>")]

    assert label_of("Words of Warda") == label_of("Words of Bea") == "<strong>A member</strong>"
    privacy.erase(warda)
    db.session.commit()
    # Everyone in the group knows who asked to be deleted (or left): the label must not change.
    assert label_of("Words of Warda") == label_of("Words of Bea") == "<strong>A member</strong>"
    assert label_of("Words of Warda with her name.", named.id) == "<strong>A former member</strong>"


# --- to a reader of the database ----------------------------------------------------------------------


def test_her_ballot_in_a_closed_secret_vote_does_not_stand_out(make):
    program = make.program()
    warda = make.member(program, name="Warda")
    others = [make.member(program) for _ in range(3)]
    secret = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.",
                                       anonymous=True)
    proposals.open_voting(secret, None)
    votes.cast_vote(secret, warda, "disagree")
    for o in others:
        votes.cast_vote(secret, o, "agree")
    proposals.close_voting(secret, None)
    db.session.commit()
    columns = [c.key for c in Vote.__table__.columns if c.key not in ("id", "choice", "reason", "sealed")]

    privacy.erase(warda)  # staff know whom they erased, or she says goodbye to the group
    db.session.commit()
    db.session.expire_all()
    ballots = list(db.session.scalars(sa.select(Vote).where(Vote.proposal_id == secret.id)))
    assert len(ballots) == 4
    odd = [b.choice for b in _odd(ballots, columns)]
    assert not odd, f"after her erasure one ballot stands out ({columns}): its choice is {odd}"


def test_her_ballot_in_an_open_secret_vote_is_not_taken_for_a_show_of_hands(make):
    """A ballot with neither voter nor key is a show of hands, which staff may count again."""
    program = make.program()
    warda, bea = make.member(program, name="Warda"), make.member(program)
    secret = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.",
                                       anonymous=True)
    proposals.open_voting(secret, None)
    votes.cast_vote(secret, warda, "disagree", "Mine.")
    votes.cast_vote(secret, bea, "agree")
    db.session.commit()
    privacy.erase(warda)
    db.session.commit()
    assert by_hand.hand_counts(secret.id) == {"agree": 0, "unsure": 0, "disagree": 0}
    by_hand.set_hand_counts(secret, {"agree": 2})
    proposals.close_voting(secret, None)
    db.session.commit()
    assert votes.results(secret.id).counts == {"agree": 3, "unsure": 0, "disagree": 1}
    assert votes.reasons(secret.id) == []


def test_her_secret_dots_do_not_stand_out(make):
    from feedback.priorities import services as prio
    from feedback.priorities.models import PriorityBallot

    program = make.program()
    warda = make.member(program, name="Warda")
    others = [make.member(program) for _ in range(3)]
    poll = make_poll(program, title="Hemlig", anonymous=True)
    prio.add_dot(poll, warda, poll.options[2].id)
    for o in others:
        prio.add_dot(poll, o, poll.options[0].id)
    prio.close_poll(poll, None)
    db.session.commit()
    columns = [c.key for c in PriorityBallot.__table__.columns if c.key not in ("id", "dots_used", "dots_allowed")]

    privacy.erase(warda)
    db.session.commit()
    db.session.expire_all()
    ballots = list(db.session.scalars(sa.select(PriorityBallot).where(PriorityBallot.poll_id == poll.id)))
    assert len(ballots) == 4 and [r.dots for r in prio.ranking(poll).rows if r.dots] == [3, 1]
    assert not _odd(ballots, columns), f"after her erasure one secret ballot stands out ({columns}); its dots are hers"


def test_her_anonymous_meeting_evaluation_does_not_stand_out(make):
    from feedback.understanding import evaluation
    from feedback.understanding.models import MeetingEvaluation

    program = make.program()
    warda = make.member(program, name="Warda")
    others = [make.member(program) for _ in range(3)]
    with time_machine.travel(local(2027, 5, 10, 12), tick=False):
        meeting = make.meeting(program, days_ahead=0)
    with time_machine.travel(local(2027, 5, 10, 15), tick=False):
        evaluation.answer(meeting, warda, "bad", "The coordinator ignored me.")
        for o in others:
            evaluation.answer(meeting, o, "good", "Nice.")
        db.session.commit()
        privacy.erase(warda)
        db.session.commit()
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(MeetingEvaluation).where(MeetingEvaluation.meeting_id == meeting.id)))
    odd = [(r.answer, r.reason) for r in _odd(rows, ["answer_key", "user_id", "voice_mime", "voice_ms"])]
    assert len(rows) == 4 and not odd, f"after her erasure one anonymous answer stands out: {odd}"


def test_how_many_voted_in_a_secret_vote_stays_after_her_erasure(make):
    program = make.program()
    warda = make.member(program, name="Warda")
    others = [make.member(program) for _ in range(3)]
    named = proposals.create_proposal(program.id, None, title="Named", summary="We meet on Sundays.")
    secret = proposals.create_proposal(program.id, None, title="Secret", summary="We meet on Saturdays.",
                                       anonymous=True)
    running = proposals.create_proposal(program.id, None, title="Running", summary="We meet at noon.",
                                        anonymous=True)
    for p in (named, secret, running):
        proposals.open_voting(p, None)
        for voter in (warda, *others):
            votes.cast_vote(p, voter, "agree")
    for p in (named, secret):
        proposals.close_voting(p, None)
    db.session.commit()
    assert [votes.voters_count(p) for p in (named, secret, running)] == [4, 4, 4]

    privacy.erase(warda)
    db.session.commit()
    assert [votes.results(p.id).total for p in (named, secret)] == [4, 4]  # her ballots still count
    # The staff page of a proposal says "%(num)s members have voted" from voters_count; during an
    # open secret vote a drop would tell staff she had voted.
    assert [votes.voters_count(p) for p in (named, secret, running)] == [4, 4, 4]
    proposals.close_voting(running, None)  # closing writes the roll again, her line with the rest
    db.session.commit()
    assert votes.voters_count(running) == 4 and votes.results(running.id).total == 4


# --- PostgreSQL: the row stamps (xmin) --------------------------------------------------------------


def _stamped(uid: int, table: str, columns: str, where: str, params: dict) -> tuple[list, list]:
    """The rows of `table` matching `where` that carry her user row's stamp, and all of them."""
    stamp = db.session.scalar(sa.text("SELECT xmin::text FROM users WHERE id = :u"), {"u": uid})
    rows = db.session.execute(sa.text(f"SELECT {columns}, xmin::text = :x FROM {table} WHERE {where}"),
                              {**params, "x": stamp}).all()
    return sorted(tuple(r[:-1]) for r in rows if r[-1]), sorted(tuple(r[:-1]) for r in rows)


@postgres_only
def test_postgres_her_presses_share_no_stamp_of_their_own_with_her_user_row(make):
    """The stamp lies on every press of her group, or on none: it tells neither her press nor
    which texts she pressed."""
    from feedback.understanding import presses

    program = make.program()
    warda = make.member(program, name="Warda")
    others = [make.member(program) for _ in range(3)]
    hard = make.proposal(program, "voting", title="Hard text")
    easy = make.proposal(program, "voting", title="Other text")
    presses.press("proposal", hard.id, warda)
    db.session.commit()
    for o in others:
        for p in (hard, easy):
            presses.press("proposal", p.id, o)
            db.session.commit()
    privacy.erase(warda)
    db.session.commit()
    tied, every = _stamped(warda.id, "understand_presses", "text_kind, text_id", "program_id = :p", {"p": program.id})
    assert len(every) == 7 and tied in ([], every), f"her user row's stamp singles out presses: {tied}"


@postgres_only
def test_postgres_her_secret_ballots_share_no_stamp_of_their_own_with_her_user_row(make):
    from feedback.priorities import services as prio

    program = make.program()
    warda = make.member(program, name="Warda")
    others = [make.member(program) for _ in range(3)]
    closed = proposals.create_proposal(program.id, None, title="Closed", summary="We meet on Saturdays.",
                                       anonymous=True)
    running = proposals.create_proposal(program.id, None, title="Open", summary="We meet at noon.", anonymous=True)
    for p in (closed, running):
        proposals.open_voting(p, None)
        for voter in (warda, *others):
            votes.cast_vote(p, voter, "agree" if voter is warda else "disagree")
            db.session.commit()
    proposals.close_voting(closed, None)
    poll = make_poll(program, title="Hemlig", anonymous=True)
    for voter in (warda, *others):
        prio.add_dot(poll, voter, poll.options[0].id)
        db.session.commit()
    privacy.erase(warda)
    db.session.commit()
    for p in (closed, running):
        tied, every = _stamped(warda.id, "votes", "id", "proposal_id = :p", {"p": p.id})
        assert len(every) == 4 and tied in ([], every), f"her user row's stamp is on {len(tied)} of 4 ballots"
    tied, every = _stamped(warda.id, "priority_ballots", "id", "poll_id = :p", {"p": poll.id})
    assert len(every) == 4 and tied in ([], every), f"her user row's stamp is on {len(tied)} of 4 secret dot ballots"


@postgres_only
def test_postgres_her_anonymous_answers_and_posts_share_no_stamp_of_their_own_with_her_user_row(make):
    from feedback.understanding import evaluation

    program = make.program()
    staff = make.staff(program)
    warda = make.member(program, name="Warda")
    others = [make.member(program) for _ in range(3)]
    topic = db.session.scalar(sa.select(Topic).where(Topic.program_id == program.id).limit(1))
    room = threads.start_thread(staff, topic, "Say anything, nobody sees who.", fully_anonymous=True)
    quiet = threads.start_thread(staff, topic, "Here too.", fully_anonymous=True)
    with time_machine.travel(local(2027, 5, 10, 12), tick=False):
        meeting = make.meeting(program, days_ahead=0)
    with time_machine.travel(local(2027, 5, 10, 15), tick=False):
        for member in (warda, *others):
            evaluation.answer(meeting, member, "ok", "Fine.")
            threads.reply(member, room, "Words without a name.")
            db.session.commit()
        threads.reply(others[0], quiet, "Only hers is not here.")
        db.session.commit()
        privacy.erase(warda)
        db.session.commit()
    tied, every = _stamped(warda.id, "meeting_evaluations", "answer_key", "meeting_id = :m", {"m": meeting.id})
    assert len(every) == 4 and tied in ([], every), f"her user row's stamp is on {len(tied)} of 4 answers"
    tied, every = _stamped(warda.id, "posts", "id", "thread_id IN (:a, :b)", {"a": room.id, "b": quiet.id})
    assert len(every) == 7 and tied in ([], every), f"her user row's stamp is on {len(tied)} of 7 posts"
