"""A priority poll run by the live meeting: staff open and close it from the live control, the
projector counts who has voted and shows the ranking after reveal, members give dots right on the
live page."""
from __future__ import annotations

import pytest

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings import live
from feedback.priorities import services as prio
from tests.priority_support import make_poll
from tests.routes_support import client_as, text


def test_the_live_meeting_runs_a_priority_poll(make):
    prog = make.program()
    alice = make.member(prog)
    m = make.meeting(prog)
    poll = make_poll(prog, status="draft")
    item = prio.add_to_agenda(poll, m.id)
    assert item.kind == "priority" and item.poll == poll
    live.start(m, 0)
    assert m.current_item == item
    with pytest.raises(RuleError):
        live.reveal(m, m.live_version)  # nothing to show before it closes
    live.open_voting(m, None, m.live_version)
    assert poll.status == "open"
    prio.add_dot(poll, alice, poll.options[2].id)
    with pytest.raises(RuleError):
        live.reveal(m, m.live_version)
    live.close_voting(m, None, m.live_version)
    assert poll.status == "closed" and poll.proposal.status == "in_review"
    live.reveal(m, m.live_version)
    assert m.results_revealed


def test_a_poll_goes_on_a_coming_meeting_once(make):
    prog, other = make.program(), make.program()
    poll = make_poll(prog)
    m = make.meeting(prog)
    prio.add_to_agenda(poll, m.id)
    for bad in (m.id, make.meeting(other).id, "x"):
        with pytest.raises(RuleError):
            prio.add_to_agenda(poll, bad)
        db.session.rollback()


def test_projector_and_phones_during_the_poll(app, login, english_world):
    w = english_world
    poll = make_poll(w.prog, status="draft")
    prio.add_to_agenda(poll, w.meeting.id)
    db.session.commit()
    staff = client_as(app, login, w, "staff")
    control = f"/staff/{w.prog.id}/meetings/{w.meeting.id}/live"

    def act(action):
        version = text(staff.get(control)).split('name="version" value="')[1].split('"')[0]
        assert staff.post(f"{control}/{action}", data={"version": version}).status_code == 302

    act("start")
    while "What matters most?" not in text(staff.get(control)):
        act("next")
    act("open")
    member = client_as(app, login, w, "member")
    page = text(member.get(f"/live/{w.meeting.id}"))
    assert 'id="dots-panel"' in page and "You have 3 dots left." in page
    assert member.post(f"/me/priorities/{poll.id}/dots", data={"option": str(poll.options[0].id), "step": "add"},
                       headers={"HX-Request": "true"}).status_code == 200
    # Without JavaScript, a dot given on the live page comes back to the live page.
    b = poll.options[1].id
    assert f'name="live" value="{w.meeting.id}"' in text(member.get(f"/live/{w.meeting.id}"))
    resp = member.post(f"/me/priorities/{poll.id}/dots", data={"option": str(b), "step": "add", "live": str(w.meeting.id)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/live/{w.meeting.id}#option-{b}")
    resp = member.post(f"/me/priorities/{poll.id}/dots", data={"option": str(b), "step": "remove", "live": "//evil"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/me/priorities/{poll.id}#option-{b}")
    assert 'name="live"' not in text(member.get(f"/me/priorities/{poll.id}"))
    projector = text(staff.get(f"/staff/{w.prog.id}/meetings/{w.meeting.id}/projector"))
    assert "1 of" in projector and "have voted." in projector and "Place 1" not in projector
    act("close")
    assert "Place 1" not in text(staff.get(f"/staff/{w.prog.id}/meetings/{w.meeting.id}/projector"))
    act("reveal")
    projector = text(staff.get(f"/staff/{w.prog.id}/meetings/{w.meeting.id}/projector"))
    assert "Place 1:" in projector and "Idea 1" in projector
    page = text(member.get(f"/live/{w.meeting.id}"))
    assert "The vote is closed." in page and "Place 1:" in page
