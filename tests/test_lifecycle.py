"""Proposal lifecycle: allowed steps, refused steps, and the events they leave."""
from __future__ import annotations

import pytest

from feedback.common.errors import RuleError
from feedback.meetings import services as meetings
from feedback.proposals import services
from feedback.proposals.models import InvalidTransition, Status


def test_events_record_every_step_with_actor(make):
    prog = make.program()
    staff = make.staff(prog)
    p = services.create_proposal(prog.id, staff.id, title="T", summary="S")
    m = make.meeting(prog)
    meetings.add_to_agenda(m, p, staff.id)
    services.open_voting(p, staff.id)
    services.close_voting(p, staff.id)
    steps = [(e.from_status, e.to_status, e.actor_id) for e in p.events]
    assert steps == [
        (None, "draft", staff.id),
        ("draft", "on_agenda", staff.id),
        ("on_agenda", "voting", staff.id),
        ("voting", "voted", staff.id),
    ]
    assert p.voting_opened_at and p.voting_closed_at and p.voting_closed_at >= p.voting_opened_at


@pytest.mark.parametrize(("start", "target"), [
    ("draft", Status.VOTED), ("draft", Status.DECIDED), ("voting", Status.DRAFT),
    ("voted", Status.IMPLEMENTED), ("on_agenda", Status.IN_REVIEW),
])
def test_invalid_transitions_are_refused(make, start, target):
    p = make.proposal(make.program(), start)
    n = len(p.events)
    with pytest.raises(InvalidTransition):
        p.move_to(target, None)
    assert p.status == start
    assert len(p.events) == n


def test_close_when_not_open_is_a_rule_error(make):
    p = make.proposal(make.program(), "draft")
    with pytest.raises(RuleError):
        services.close_voting(p, None)
    assert p.status == "draft"


def test_reopen_after_close(make):
    p = make.proposal(make.program(), "voted")
    services.open_voting(p, None)
    assert p.status == "voting" and p.voting_closed_at is None


def test_agenda_rules(make):
    prog, other = make.program(), make.program()
    p = make.proposal(prog)
    m = make.meeting(prog)
    item = meetings.add_to_agenda(m, p, None)
    assert p.status == "on_agenda"
    with pytest.raises(RuleError):
        meetings.add_to_agenda(m, p, None)
    with pytest.raises(RuleError):
        meetings.add_to_agenda(make.meeting(other), make.proposal(prog), None)
    meetings.remove_from_agenda(m, item, None)
    assert p.status == "draft"


def test_secret_vote_cannot_be_switched_once_voting(make):
    p = make.proposal(make.program(), "voting")
    with pytest.raises(RuleError):
        services.update_proposal(p, title="T", summary="S", body=None, icon="idea", topic_id=None,
                                 anonymous=True, results_live=False)
    assert p.anonymous is False


def test_translation_fallback(make):
    p = make.proposal(make.program(), title="Svensk titel", summary="Kort text.")
    services.set_translation(p, "ar", "عنوان", "نص قصير", None)
    assert p.text_in("ar").title == "عنوان"
    assert p.text_in("en").title == "Svensk titel"
    assert p.text_in("en").language == "sv"
    services.set_translation(p, "ar", "", "", None)
    assert p.text_in("ar").title == "Svensk titel"


def test_unknown_icon_or_foreign_topic_refused(make):
    prog, other = make.program(), make.program()
    with pytest.raises(RuleError):
        services.create_proposal(prog.id, None, title="T", summary="S", icon="nope")
    foreign_topic = other_topic_id(other)
    with pytest.raises(RuleError):
        services.create_proposal(prog.id, None, title="T", summary="S", topic_id=foreign_topic)


def other_topic_id(program) -> int:
    from feedback.extensions import db
    from feedback.topics.models import Topic

    return db.session.scalar(db.select(Topic.id).where(Topic.program_id == program.id).limit(1))


# The whole lifecycle, written out by hand (not read from the code) so that a change to the
# table of allowed steps has to be made here as well, on purpose.
ALLOWED = {
    ("draft", "on_agenda"), ("draft", "voting"),
    ("on_agenda", "draft"), ("on_agenda", "voting"),
    ("voting", "voted"),
    ("voted", "voting"), ("voted", "in_review"),
    ("in_review", "decided"),
    ("decided", "implemented"), ("decided", "in_review"),
}
ALL_STEPS = [(a.value, b.value) for a in Status for b in Status if a != b]


@pytest.mark.parametrize(("start", "target"), ALL_STEPS, ids=[f"{a}->{b}" for a, b in ALL_STEPS])
def test_every_step_of_the_lifecycle(make, start, target):
    p = make.proposal(make.program(), "draft")
    p.status = start
    n = len(p.events)
    if (start, target) in ALLOWED:
        event = p.move_to(target, None)
        assert (event.from_status, event.to_status) == (start, target) and p.status == target
        assert len(p.events) == n + 1
    else:
        with pytest.raises(InvalidTransition):
            p.move_to(target, None)
        assert p.status == start and len(p.events) == n
