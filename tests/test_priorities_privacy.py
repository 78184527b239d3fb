"""Her dots in her data file, and what erasing her leaves: the counts, without her."""
from __future__ import annotations

import sqlalchemy as sa

from feedback.extensions import db
from feedback.priorities import services as prio
from feedback.priorities.models import PriorityBallot, PriorityVoterRoll
from feedback.privacy import services as privacy
from tests.priority_support import make_poll


def test_her_file_has_her_dots_and_staff_never_see_her_secret_ones(make):
    prog = make.program()
    alice = make.member(prog)
    named, secret = make_poll(prog, title="Öppen"), make_poll(prog, title="Hemlig", anonymous=True)
    prio.add_dot(named, alice, named.options[0].id)
    prio.add_dot(secret, alice, secret.options[1].id)
    prio.add_dot(secret, alice, secret.options[1].id)
    db.session.commit()
    mine = privacy.my_data(alice)
    assert mine["your_dots"] == [{"poll_id": named.id, "poll": "Öppen", "option": "Idea 1", "dots": 1}]
    assert mine["your_secret_dots"] == [{"poll_id": secret.id, "poll": "Hemlig", "option": "Idea 2", "dots": 2}]
    assert mine["secret_priority_polls_voted_in"] == [{"poll_id": secret.id, "poll": "Hemlig"}]
    staff_file = privacy.my_data(alice, program_id=prog.id)
    assert staff_file["your_dots"] == mine["your_dots"] and "your_secret_dots" not in staff_file
    assert staff_file["secret_priority_polls_voted_in"] == []  # still open: not even that she voted
    prio.close_poll(secret, None)
    db.session.commit()
    assert privacy.my_data(alice, program_id=prog.id)["secret_priority_polls_voted_in"] == [
        {"poll_id": secret.id, "poll": "Hemlig"}]


def test_erasing_her_keeps_the_dots_counting_without_her(make):
    prog = make.program()
    alice, bea = make.member(prog), make.member(prog)
    named, secret = make_poll(prog), make_poll(prog, anonymous=True)
    for poll in (named, secret):
        prio.add_dot(poll, alice, poll.options[0].id)
        prio.add_dot(poll, bea, poll.options[1].id)
    db.session.commit()
    privacy.erase(alice)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityBallot)
                             .where(PriorityBallot.user_id == alice.id)) == 0
    # Her line on the secret poll's roll stays (it names her emptied user row): "how many gave
    # dots" does not drop beside the counted dots.
    assert sorted(db.session.scalars(sa.select(PriorityVoterRoll.user_id))) == sorted([alice.id, bea.id])
    assert prio.ranking(secret).voters == 2
    assert prio.my_dots(secret, alice).used == 0  # her key finds nothing any more
    assert prio.my_dots(secret, bea).used == 1
    for poll in (named, secret):
        assert [r.dots for r in prio.ranking(poll).rows[:2]] == [1, 1]
