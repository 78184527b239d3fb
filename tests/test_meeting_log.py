"""The staff log: attendance, summaries and action items."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from feedback.common.clock import local_today
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings import log
from feedback.meetings.models import ActionItem, Attendance
from tests.routes_support import new_client, snapshot

TODAY = date(2030, 3, 1)


def test_attendance_marks_every_member_present_or_absent(make):
    prog = make.program()
    a, b = make.member(prog), make.member(prog)
    m = make.meeting(prog)
    log.set_attendance(m, {a.id}, guests=3)
    assert {u: x.present for u, x in log.attendance(m).items()} == {a.id: True, b.id: False}
    assert (log.present_count(m), m.guests) == (1, 3)
    log.set_attendance(m, {a.id, b.id}, guests=0)
    assert log.present_count(m) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 2


@pytest.mark.parametrize(("present", "guests"), [("outsider", 0), ("none", -1), ("none", 501)])
def test_attendance_refuses_bad_input(make, present, guests):
    prog, other = make.program(), make.program()
    a = make.member(prog)
    outsider = make.member(other)
    m = make.meeting(prog)
    ids = {outsider.id} if present == "outsider" else set()
    with pytest.raises(RuleError):
        log.set_attendance(m, ids, guests)
    db.session.rollback()
    assert log.attendance(m) == {} and m.guests == 0
    assert a  # a member exists, so an accepted call would have written a row


def test_action_items_due_dates_and_status(make):
    prog = make.program()
    m = make.meeting(prog)
    later = log.add_action(m, "Ask the library", "Karin", TODAY + timedelta(days=20), TODAY, None)
    soon = log.add_action(m, " Book childcare ", "Maria", TODAY, TODAY, None)
    assert soon.title == "Book childcare"
    assert [a.id for a in log.open_actions(prog.id)] == [soon.id, later.id]
    with pytest.raises(RuleError) as e:
        log.add_action(m, "Too late", "Karin", TODAY - timedelta(days=1), TODAY, None)
    assert e.value.field == "due_on"
    with pytest.raises(RuleError):
        log.add_action(m, "  ", "Karin", TODAY, TODAY, None)
    log.set_action_status(soon, "done")
    assert soon.closed_at is not None
    assert [a.id for a in log.open_actions(prog.id)] == [later.id]
    log.set_action_status(soon, "open")
    assert soon.closed_at is None
    with pytest.raises(RuleError):
        log.set_action_status(soon, "finished")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionItem)) == 2


def test_members_see_the_easy_summary_of_the_last_meeting(app, make, login):
    prog = make.program()
    member = make.member(prog)
    past = make.meeting(prog, days_ahead=-20, title="October meeting")
    log.save_summaries(past, "Long minutes for staff.", "Vi pratade om barnpassning. Nu frågar vi kommunen.")
    html = login(member, new_client(app)).get("/me").get_data(as_text=True)
    assert "Vi pratade om barnpassning." in html
    assert "Long minutes for staff." not in html


def test_staff_log_pages(app, make, login):
    prog = make.program()
    staff = make.staff(prog)
    member = make.member(prog, name="Hodan Present")
    m = make.meeting(prog, days_ahead=-1)
    client = login(staff, new_client(app))
    base = f"/staff/{prog.id}/meetings/{m.id}/log"
    assert "Hodan Present" in client.get(base).get_data(as_text=True)
    assert client.post(f"{base}/attendance", data={"present": member.id, "a-guests": "2"}).status_code == 302
    assert log.present_count(m) == 1 and m.guests == 2
    before = snapshot()
    assert client.post(f"{base}/attendance", data={"present": "x", "a-guests": "2"}).status_code == 400
    assert client.post(f"{base}/attendance", data={"a-guests": "-4"}).status_code == 400
    past_due = (local_today() - timedelta(days=2)).isoformat()
    assert client.post(f"{base}/actions", data={"x-title": "T", "x-owner": "O", "x-due_on": past_due}).status_code == 400
    assert client.post(f"{base}/actions", data={"x-title": "", "x-owner": "O", "x-due_on": "2031-01-01"}).status_code == 400
    assert snapshot() == before
    assert client.post(f"{base}/actions", data={"x-title": "Call the bus company", "x-owner": "Karin",
                                                "x-due_on": "2031-01-01"}).status_code == 302
    listing = client.get(f"/staff/{prog.id}/meetings/actions").get_data(as_text=True)
    assert "Call the bus company" in listing
    item = db.session.scalar(sa.select(ActionItem))
    assert client.post(f"/staff/{prog.id}/meetings/actions/{item.id}/done").status_code == 302
    assert "Call the bus company" not in client.get(f"/staff/{prog.id}/meetings/actions").get_data(as_text=True)
    assert client.post(f"/staff/{prog.id}/meetings/actions/{item.id}/finished").status_code == 404
    assert client.post(f"{base}/summary", data={"s-summary": "x" * 10_001}).status_code == 400


def test_recommendation_sends_a_voted_proposal_to_the_steering_group(app, make, login):
    from feedback.meetings.services import add_to_agenda
    from feedback.proposals import services as proposals

    prog = make.program()
    staff = make.staff(prog)
    m = make.meeting(prog)
    p = make.proposal(prog)
    add_to_agenda(m, p, staff.id)
    off_agenda = make.proposal(prog, "voted")
    with pytest.raises(RuleError) as e:
        log.recommend(p, m, "Do it", staff.id)
    assert e.value.status == 409  # still on the agenda, not voted
    proposals.open_voting(p, staff.id)
    proposals.close_voting(p, staff.id)
    with pytest.raises(RuleError):
        log.recommend(p, m, "", staff.id)
    with pytest.raises(RuleError) as e:
        log.recommend(off_agenda, m, "Do it", staff.id)
    assert e.value.status == 404
    client = login(staff, new_client(app))
    url = f"/staff/{prog.id}/meetings/{m.id}/log/recommend/{p.id}"
    assert client.post(url, data={"recommendation": "x" * 501}).status_code == 400
    assert p.status == "voted"
    assert client.post(url, data={"recommendation": "The group says yes, on Saturdays."}).status_code == 302
    db.session.expire_all()
    assert p.status == "in_review"
    assert (p.events[-1].note, p.events[-1].actor_id) == ("The group says yes, on Saturdays.", staff.id)
    assert client.post(url, data={"recommendation": "Again"}).status_code == 409
    assert "The group says yes, on Saturdays." in client.get(f"/staff/{prog.id}/meetings/{m.id}/log").get_data(
        as_text=True)


def test_notes_per_agenda_item(app, make, login):
    from feedback.meetings.services import add_agenda_item

    prog = make.program()
    staff = make.staff(prog)
    m, other = make.meeting(prog), make.meeting(prog)
    item = add_agenda_item(m, title="Welcome")
    foreign = add_agenda_item(other, title="Elsewhere")
    log.save_item_notes(m, {item.id: "  Ten came.  "})
    assert item.notes == "Ten came."
    db.session.commit()
    with pytest.raises(RuleError):
        log.save_item_notes(m, {foreign.id: "No"})
    db.session.rollback()
    client = login(staff, new_client(app))
    url = f"/staff/{prog.id}/meetings/{m.id}/log/notes"
    before = snapshot()
    assert client.post(url, data={f"notes-{foreign.id}": "No"}).status_code == 404
    assert client.post(url, data={"notes-abc": "No"}).status_code == 404
    assert client.post(url, data={f"notes-{item.id}": "x" * 10_001}).status_code == 400
    assert snapshot() == before
    assert client.post(url, data={f"notes-{item.id}": "Twelve came."}).status_code == 302
    db.session.expire_all()
    assert item.notes == "Twelve came."
    assert "Twelve came." in client.get(f"/staff/{prog.id}/meetings/{m.id}/log").get_data(as_text=True)
