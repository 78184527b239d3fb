"""Opening the live meeting's page changes nothing (issue 15, finding 11): she is marked present
by a POST, which htmx sends as the page loads and which is a button with JavaScript off."""

from __future__ import annotations

from feedback.extensions import db
from feedback.meetings import live, log
from feedback.meetings.models import Attendance
from tests.routes_support import count, new_client


def _running_meeting(make):
    program = make.program()
    member = make.member(program, language="en")
    staff = make.staff(program, language="en")
    meeting = make.meeting(program, days_ahead=0)
    live.start(meeting, 0)
    db.session.commit()
    return program, member, staff, meeting


def test_following_the_meeting_marks_nobody_present(app, make, login):
    _program, member, _staff, meeting = _running_meeting(make)
    phone = login(member, new_client(app))
    page = phone.get(f"/live/{meeting.id}").get_data(as_text=True)
    assert count(Attendance) == 0
    assert f'action="/live/{meeting.id}/here"' in page and 'hx-trigger="load"' in page and "I am here" in page


def test_i_am_here_marks_her_present_with_and_without_javascript(app, make, login):
    _program, member, _staff, meeting = _running_meeting(make)
    phone = login(member, new_client(app))
    resp = phone.post(f"/live/{meeting.id}/here", headers={"HX-Request": "true"})
    assert resp.status_code == 200 and "You are on the list for today" in resp.get_data(as_text=True)
    mine = log.attendance(meeting)[member.id]
    assert mine.present and mine.source == "self"
    assert "You are on the list for today" in phone.get(f"/live/{meeting.id}").get_data(as_text=True)
    # Without JavaScript: the button, then back to the meeting.
    again = phone.post(f"/live/{meeting.id}/here")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/live/{meeting.id}")
    assert count(Attendance) == 1


def test_only_members_mark_themselves_and_only_while_it_runs(app, make, login):
    _program, member, staff, meeting = _running_meeting(make)
    assert login(staff, new_client(app)).post(f"/live/{meeting.id}/here").status_code == 403
    live.end(meeting, meeting.live_version)
    db.session.commit()
    assert login(member, new_client(app)).post(f"/live/{meeting.id}/here").status_code == 409
    assert count(Attendance) == 0
