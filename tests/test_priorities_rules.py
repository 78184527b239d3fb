"""The rules of priority polls ("give your dots"), on the services without HTTP."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.priorities import services as prio
from feedback.priorities.models import PriorityBallot, PriorityDot, PriorityVoterRoll
from feedback.proposals.models import Kind, Status
from tests.priority_support import make_poll


def said(error) -> str:
    """A refusal's message, in English."""
    with force_locale("en"):
        return str(error.value.message)


def dots_rows() -> list[tuple]:
    return sorted(db.session.execute(sa.select(PriorityDot.option_id, PriorityDot.dots)).all())


def test_member_places_and_moves_dots(make):
    prog = make.program()
    alice = make.member(prog)
    poll = make_poll(prog)
    a, b, _c = poll.options
    prio.add_dot(poll, alice, a.id)
    prio.add_dot(poll, alice, a.id)
    step = prio.add_dot(poll, alice, b.id)
    assert (step.option_id, step.dots, step.left) == (b.id, 1, 0)
    assert prio.my_dots(poll, alice).on == {a.id: 2, b.id: 1}
    step = prio.remove_dot(poll, alice, a.id)
    assert (step.option_id, step.dots, step.left) == (a.id, 1, 1)
    assert prio.my_dots(poll, alice).on == {a.id: 1, b.id: 1}
    step = prio.add_dot(poll, alice, b.id)
    assert (step.dots, step.used, step.allowed) == (2, 3, 3)
    assert prio.my_dots(poll, alice).on == {a.id: 1, b.id: 2}
    assert db.session.scalar(sa.select(PriorityBallot.user_id)) == alice.id


def test_no_dots_beyond_her_limit(make):
    prog = make.program()
    alice = make.member(prog)
    poll = make_poll(prog, dots_per_member=2, max_per_option=2)
    a, b, c = poll.options
    prio.add_dot(poll, alice, a.id)
    prio.add_dot(poll, alice, b.id)
    db.session.commit()
    before = dots_rows()
    with pytest.raises(RuleError) as e:
        prio.add_dot(poll, alice, c.id)
    assert e.value.status == 409 and "no dots left" in said(e)
    db.session.rollback()
    assert dots_rows() == before
    assert prio.my_dots(poll, alice).used == 2


def test_at_most_the_set_number_on_one_option(make):
    prog = make.program()
    alice = make.member(prog)
    poll = make_poll(prog, dots_per_member=3, max_per_option=2)
    a = poll.options[0]
    prio.add_dot(poll, alice, a.id)
    prio.add_dot(poll, alice, a.id)
    db.session.commit()
    with pytest.raises(RuleError) as e:
        prio.add_dot(poll, alice, a.id)
    assert "At most 2" in said(e)
    db.session.rollback()
    mine = prio.my_dots(poll, alice)
    assert mine.on == {a.id: 2} and mine.used == 2  # the ballot's count did not move either


def test_removing_a_dot_she_does_not_have_is_refused(make):
    prog = make.program()
    alice = make.member(prog)
    poll = make_poll(prog)
    a, b, _ = poll.options
    with pytest.raises(RuleError):
        prio.remove_dot(poll, alice, a.id)
    db.session.rollback()
    prio.add_dot(poll, alice, a.id)
    db.session.commit()
    with pytest.raises(RuleError) as e:
        prio.remove_dot(poll, alice, b.id)
    assert "no dot on this idea" in said(e)
    db.session.rollback()
    assert prio.my_dots(poll, alice).used == 1


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_no_dots_unless_the_poll_is_open(make, status):
    prog = make.program()
    alice = make.member(prog)
    poll = make_poll(prog, status=status)
    with pytest.raises(RuleError) as e:
        prio.add_dot(poll, alice, poll.options[0].id)
    assert e.value.status == 409
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityBallot)) == 0


def test_closed_poll_keeps_her_dots(make):
    prog = make.program()
    alice = make.member(prog)
    poll = make_poll(prog)
    prio.add_dot(poll, alice, poll.options[0].id)
    prio.close_poll(poll, None)
    db.session.commit()
    with pytest.raises(RuleError) as e:
        prio.remove_dot(poll, alice, poll.options[0].id)
    assert "closed" in said(e)
    db.session.rollback()
    assert prio.my_dots(poll, alice).on == {poll.options[0].id: 1}


def test_option_of_another_poll_is_refused(make):
    prog = make.program()
    alice = make.member(prog)
    poll, other = make_poll(prog), make_poll(prog)
    for bad in (other.options[0].id, "abc", 0, 2**40, None):
        with pytest.raises(RuleError) as e:
            prio.add_dot(poll, alice, bad)
        assert e.value.status == 404
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityBallot)) == 0


def test_only_members_of_the_program_give_dots(make):
    prog, other = make.program(), make.program()
    poll = make_poll(prog)
    for who in (make.member(other), make.staff(prog)):
        with pytest.raises(RuleError) as e:
            prio.add_dot(poll, who, poll.options[0].id)
        assert e.value.status == 403
        db.session.rollback()


def test_secret_poll_stores_dots_without_the_member(make):
    prog = make.program()
    alice, bea = make.member(prog), make.member(prog)
    poll = make_poll(prog, anonymous=True)
    a, b, _ = poll.options
    prio.add_dot(poll, alice, a.id)
    prio.add_dot(poll, alice, b.id)
    prio.add_dot(poll, bea, a.id)
    db.session.commit()
    ballots = db.session.execute(sa.select(PriorityBallot.user_id, PriorityBallot.ballot_key,
                                           PriorityBallot.updated_at)).all()
    assert len(ballots) == 2 and all(r.user_id is None and r.ballot_key and r.updated_at is None for r in ballots)
    roll = db.session.scalars(sa.select(PriorityVoterRoll.user_id).order_by(PriorityVoterRoll.user_id)).all()
    assert roll == sorted([alice.id, bea.id])
    assert prio.my_dots(poll, alice).on == {a.id: 1, b.id: 1}
    assert prio.my_dots(poll, bea).on == {a.id: 1}
    assert prio.voters_count(poll) == 2
    prio.close_poll(poll, None)  # the rows are written again, and she still finds hers
    db.session.commit()
    assert prio.my_dots(poll, alice).on == {a.id: 1, b.id: 1}
    assert prio.ranking(poll).dots == 3


def test_results_visibility_follows_the_vote_rules(make):
    prog = make.program()
    assert not make_poll(prog, anonymous=True).results_visible
    assert not make_poll(prog).results_visible
    assert make_poll(prog, results_live=True).results_visible
    assert make_poll(prog, status="closed").results_visible
    with pytest.raises(RuleError):
        prio.create_poll(prog.id, None, title="x", anonymous=True, results_live=True)


@pytest.mark.parametrize(("dots", "most"), [(0, 1), (11, 2), (3, 0), (3, 4)])
def test_settings_out_of_range_are_refused(make, dots, most):
    prog = make.program()
    with pytest.raises(RuleError):
        prio.create_poll(prog.id, None, title="x", dots_per_member=dots, max_per_option=most)


def test_ranking_counts_exact_totals_and_shares_ranks(make):
    prog = make.program()
    members = [make.member(prog) for _ in range(4)]
    poll = make_poll(prog, options=4)
    a, b, c, d = poll.options
    for m in members:
        prio.add_dot(poll, m, b.id)
    prio.add_dot(poll, members[0], a.id)
    prio.add_dot(poll, members[1], a.id)
    prio.add_dot(poll, members[2], c.id)
    prio.add_dot(poll, members[2], c.id)
    ranked = prio.ranking(poll)
    assert [(r.option.id, r.dots, r.givers, r.rank) for r in ranked.rows] == [
        (b.id, 4, 4, 1), (a.id, 2, 2, 2), (c.id, 2, 1, 2), (d.id, 0, 0, 4)]
    assert ranked.voters == 4 and ranked.dots == 8


def test_closing_puts_the_ranking_to_the_steering_group(make):
    prog = make.program()
    alice = make.member(prog)
    poll = make_poll(prog)
    prio.add_dot(poll, alice, poll.options[1].id)
    item = prio.close_poll(poll, None)
    db.session.commit()
    assert item.kind == Kind.PRIORITIES and item.status == Status.IN_REVIEW
    assert poll.proposal_id == item.id and prio.poll_of_proposal(item) == poll
    assert "Idea 2" in item.summary
    assert [e.to_status for e in item.events] == ["draft", "in_review"]
    from feedback.decisions.services import review_queue
    assert item in review_queue(prog.id)
    with pytest.raises(RuleError):
        prio.close_poll(poll, None)


def test_options_from_proposals_and_only_in_a_draft(make):
    prog, other = make.program(), make.program()
    p = make.proposal(prog, "voting", title="Fika")
    poll = prio.create_poll(prog.id, None, title="Vad är viktigast?", proposal_ids=(p.id,))
    assert poll.options[0].proposal_id == p.id and poll.options[0].text_in("sv")[0] == "Fika"
    for bad in (make.proposal(other, "voting").id, p.id):
        with pytest.raises(RuleError):
            prio.add_option(poll, proposal_id=bad)
    with pytest.raises(RuleError):
        prio.open_poll(poll, None)  # one option is not a choice
    prio.add_option(poll, icon="bus", title="Resor")
    prio.open_poll(poll, None)
    with pytest.raises(RuleError):
        prio.add_option(poll, title="Sent")
    with pytest.raises(RuleError):
        prio.remove_option(poll, poll.options[0])


def test_translations_of_options_are_read_in_her_language(make):
    prog = make.program()
    poll = make_poll(prog, status="draft")
    prio.set_translation(poll.options[0], "en", "First idea", "Short.")
    prio.set_translation(poll, "en", "What first?", "")
    assert poll.options[0].text_in("en") == ("First idea", "Short.", "en")
    assert poll.options[0].text_in("ar") == ("Idea 1", "Kort text 1.", "sv")
    assert poll.text_in("en")[0] == "What first?"
    prio.set_translation(poll.options[0], "en", "", "")
    assert poll.options[0].text_in("en")[0] == "Idea 1"


def test_the_demo_has_a_poll_held_and_decided_and_one_open_on_the_next_agenda(app, runner):
    from feedback.changes.models import ProgramChange
    from feedback.priorities.models import PriorityPoll

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    held, voting = db.session.scalars(sa.select(PriorityPoll).order_by(PriorityPoll.id)).all()
    assert held.status == "closed" and held.proposal.status == "decided"
    assert prio.ranking(held).voters == 10 and prio.ranking(held).dots == 30
    change = db.session.scalar(sa.select(ProgramChange).where(ProgramChange.proposals.any(id=held.proposal_id)))
    assert change is not None and change.decisions
    assert voting.status == "open" and prio.voters_count(voting) == 5
    assert any(item.poll_id == voting.id for meeting in
               db.session.scalars(sa.select(Meeting).where(Meeting.status == "planned")) for item in meeting.agenda)
