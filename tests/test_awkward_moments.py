"""What people see on the awkward days of the year, in the program's zone (Europe/Stockholm):
new year's eve after 23:00 UTC, the ends of months and 29 February, both daylight-saving
switches, a meeting at midnight and voting that closes a minute before it. Each test moves
the clock with time-machine, so none depends on the day the suite runs."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from feedback.common import clock
from feedback.common.errors import RuleError
from feedback.dashboards import metrics
from feedback.dashboards.scope import Scope, period_bounds
from feedback.extensions import db
from feedback.meetings import services as meetings
from feedback.meetings.calendar import feed_token, to_ics
from feedback.meetings.models import Meeting
from feedback.proposals import services as proposals
from feedback.threads import services as threads
from feedback.topics.models import Topic
from feedback.votes import services as votes
from tests.moments import AUTUMN_SWITCH, LEAP_DAY, MIDNIGHT, MONTH_END, NEW_YEARS_EVE, SPRING_SWITCH, local
from tests.routes_support import count, new_client


def _events(ics: bytes) -> dict[str, dict]:
    """Each VEVENT by its summary: the decoded start and end, and the raw DTSTART line."""
    text = ics.decode()
    out = {}
    for event in Calendar.from_ical(ics).walk("VEVENT"):
        out[str(event["summary"])] = {"start": event.decoded("dtstart"), "end": event.decoded("dtend")}
    out["_text"] = text
    return out


def _utc(aware: datetime) -> datetime:
    return aware.astimezone(clock.zone("UTC")).replace(tzinfo=None)


@pytest.fixture
def group(make):
    program = make.program()
    member = make.member(program, language="en", name="Nadia")
    staff = make.staff(program, language="en")
    return program, member, staff


# -- New year's eve, 23:30 UTC: already 00:30 on 1 January in Stockholm ---------------------------

def test_new_years_eve_her_next_meeting_is_in_the_new_year(app, group, login, time_machine):
    program, member, staff = group
    time_machine.move_to(local(2027, 12, 1), tick=False)
    meetings.create_meeting(program.id, "December meeting", datetime(2027, 12, 31, 18, 0),
                            ends_at=datetime(2027, 12, 31, 20, 0))
    meetings.create_meeting(program.id, "January meeting", datetime(2028, 1, 12, 17, 30))
    time_machine.move_to(NEW_YEARS_EVE, tick=False)
    assert clock.local_today() == date(2028, 1, 1)

    home = login(member, new_client(app)).get("/me").get_data(as_text=True)
    next_card = home.split('id="meeting-h"')[1].split("</section>")[0]
    # Last night's meeting is over: it is not "the next meeting" any more.
    assert "January meeting" in next_card and "December meeting" not in next_card
    assert "Wednesday 12 January, 17:30" in next_card
    staff_home = login(staff, new_client(app)).get(f"/staff/{program.id}/").get_data(as_text=True)
    assert "January meeting" in staff_home and "December meeting" not in staff_home
    index = login(staff, new_client(app)).get(f"/staff/{program.id}/meetings/").get_data(as_text=True)
    upcoming, held = index.split("<h2>", 3)[1], index.split("<h2>", 3)[-1]
    assert "January meeting" in upcoming and "December meeting" in held


def test_new_years_eve_calendar_feed(app, group, time_machine):
    program, member, _staff = group
    time_machine.move_to(local(2027, 12, 1), tick=False)
    meetings.create_meeting(program.id, "December meeting", datetime(2027, 12, 31, 18, 0))
    meetings.create_meeting(program.id, "New year", datetime(2028, 1, 1, 0, 0))
    meetings.create_meeting(program.id, "January meeting", datetime(2028, 1, 12, 17, 30))
    time_machine.move_to(NEW_YEARS_EVE, tick=False)

    resp = new_client(app).get(f"/calendar/{member.id}/{feed_token(member)}.ics")
    assert resp.status_code == 200
    events = _events(resp.data)
    assert _utc(events["December meeting"]["start"]) == datetime(2027, 12, 31, 17, 0)
    assert _utc(events["New year"]["start"]) == datetime(2027, 12, 31, 23, 0)  # midnight, in winter time
    assert _utc(events["January meeting"]["start"]) == datetime(2028, 1, 12, 16, 30)
    assert "DTSTART;TZID=Europe/Stockholm:20280101T000000" in events["_text"]
    # The stamp says when the file was made, in UTC as RFC 5545 asks.
    assert "DTSTAMP:20271231T233000Z" in events["_text"]


def test_new_years_eve_dashboard_this_year_and_last_12_months(app, group, login, time_machine):
    program, member, staff = group
    other = db.session.get(type(member), member.id)
    proposal = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.")
    proposals.open_voting(proposal, None)
    # 23:45 on new year's eve in Stockholm: the old year. 00:15: the new one.
    time_machine.move_to(local(2027, 12, 31, 23, 45), tick=False)
    votes.cast_vote(proposal, other, "agree")
    thread = threads.start_thread(member, proposal, "Written in the old year.")
    time_machine.move_to(local(2028, 1, 1, 0, 15), tick=False)
    threads.reply(member, thread, "Written in the new year.")
    time_machine.move_to(NEW_YEARS_EVE, tick=False)

    today = clock.local_today()
    assert period_bounds("year", today, None, None) == (date(2028, 1, 1), date(2028, 1, 1))
    assert period_bounds("12m", today, None, None) == (date(2027, 2, 1), date(2028, 1, 1))
    assert period_bounds("last_year", today, None, None) == (date(2027, 1, 1), date(2027, 12, 31))

    def scope(period):
        start, end = period_bounds(period, today, None, None)
        return Scope((program.id,), start, end, None, period, today)

    assert metrics.post_kinds(scope("year")) == {"2028-01": (1, 0)}
    assert metrics.post_kinds(scope("12m")) == {"2027-12": (1, 0), "2028-01": (1, 0)}
    assert metrics.active_members(scope("last_year")) == {"2027-12": 1}
    client = login(staff, new_client(app))
    page = client.get(f"/staff/{program.id}/dashboard?period=year").get_data(as_text=True)
    assert "In 2028 so far" in page
    assert "In 2027" in client.get(f"/staff/{program.id}/dashboard?period=last_year").get_data(as_text=True)


# -- Month ends and 29 February --------------------------------------------------------------------

def test_meetings_are_grouped_by_their_own_month_at_month_ends(app, group, login, time_machine):
    program, _member, staff = group
    time_machine.move_to(MONTH_END, tick=False)  # 31 January 2027, 20:00
    for title, at in [("Late January", datetime(2027, 1, 31, 23, 30)), ("First of February", datetime(2027, 2, 1, 0, 0)),
                      ("Leap day", datetime(2028, 2, 29, 18, 0)), ("First of March", datetime(2028, 3, 1, 0, 0))]:
        meetings.create_meeting(program.id, title, at)
    groups = meetings.by_month(list(db.session.scalars(db.select(Meeting).order_by(Meeting.starts_at))))
    assert [(month.date(), [m.title for m in items]) for month, items in groups] == [
        (date(2027, 1, 1), ["Late January"]), (date(2027, 2, 1), ["First of February"]),
        (date(2028, 2, 1), ["Leap day"]), (date(2028, 3, 1), ["First of March"])]
    page = login(staff, new_client(app)).get(f"/staff/{program.id}/meetings/").get_data(as_text=True)
    headings = re.findall(r"<h3>([^<]+)</h3>", page)
    assert headings == ["February 2027", "February 2028", "March 2028"]  # the next one has its own card
    assert "Sunday 31 January 2027, 23:30" in page and "Tuesday 29 February 2028, 18:00" in page


@pytest.mark.parametrize(("moment", "month"), [
    (local(2027, 1, 31, 23, 30), "2027-01"),   # 22:30 UTC, the same day
    (local(2027, 2, 1, 0, 30), "2027-02"),     # 23:30 UTC on 31 January
    (local(2027, 7, 1, 0, 30), "2027-07"),     # 22:30 UTC on 30 June (summer time)
    (local(2028, 2, 29, 23, 59), "2028-02"),
    (local(2028, 3, 1, 1, 0), "2028-03"),      # 00:00 UTC on 1 March
])
def test_monthly_charts_count_a_post_in_the_month_she_wrote_it(group, time_machine, moment, month):
    program, member, _staff = group
    topic = db.session.scalar(db.select(Topic).where(Topic.program_id == program.id))
    time_machine.move_to(moment, tick=False)
    threads.start_thread(member, topic, "Hello.")
    today = clock.local_today()
    scope = Scope((program.id,), None, today, None, "all", today)
    assert metrics.post_kinds(scope) == {month: (1, 0)}
    assert metrics.active_members(scope) == {month: 1}


@pytest.mark.parametrize(("moment", "due"), [
    (MONTH_END, "2027-02-28"),
    (local(2028, 1, 31, 10), "2028-02-29"),   # a leap year
    (LEAP_DAY, "2028-03-29"),
    (local(2027, 3, 31, 10), "2027-04-30"),
    (NEW_YEARS_EVE, "2028-02-01"),             # already 1 January in Stockholm
])
def test_an_action_item_is_due_in_one_month_by_default(app, group, login, time_machine, moment, due):
    program, _member, staff = group
    time_machine.move_to(moment, tick=False)
    meeting = meetings.create_meeting(program.id, "Meeting", clock.local_now().replace(microsecond=0))
    page = login(staff, new_client(app)).get(f"/staff/{program.id}/meetings/{meeting.id}/log").get_data(as_text=True)
    assert re.search(rf'name="x-due_on"[^>]*value="{due}"', page) or re.search(rf'value="{due}"[^>]*name="x-due_on"', page)


def test_on_new_years_day_an_item_due_on_new_years_eve_is_late(app, group, login, time_machine):
    program, _member, staff = group
    time_machine.move_to(local(2027, 12, 30), tick=False)
    meeting = meetings.create_meeting(program.id, "Meeting", datetime(2027, 12, 30, 17, 0))
    from feedback.meetings import log

    log.add_action(meeting, "Book the room", "Karin", date(2027, 12, 31), clock.local_today(), None)
    log.add_action(meeting, "Send the minutes", "Karin", date(2028, 1, 1), clock.local_today(), None)
    db.session.commit()
    time_machine.move_to(NEW_YEARS_EVE, tick=False)
    page = login(staff, new_client(app)).get(f"/staff/{program.id}/meetings/actions").get_data(as_text=True)
    items = {title: "Late" in chunk for chunk in page.split("<li")[1:]
             for title in ("Book the room", "Send the minutes") if title in chunk}
    assert items == {"Book the room": True, "Send the minutes": False}
    # And an item cannot be given a due date that is already yesterday in Stockholm.
    resp = login(staff, new_client(app)).post(f"/staff/{program.id}/meetings/{meeting.id}/log/actions",
                                              data={"x-title": "Too late", "x-owner": "Karin", "x-due_on": "2027-12-31"})
    assert resp.status_code == 400 and "The due date has passed" in resp.get_data(as_text=True)


# -- The daylight-saving switches --------------------------------------------------------------------

def _plan(client, program_id, starts, ends=""):
    return client.post(f"/staff/{program_id}/meetings/new",
                       data={"title": "Night meeting", "starts_at": starts, "ends_at": ends, "place": "Library"})


def test_spring_switch_a_time_that_does_not_exist_is_refused_clearly(app, group, login, time_machine):
    program, _member, staff = group
    time_machine.move_to(local(2027, 3, 1), tick=False)
    client = login(staff, new_client(app))
    resp = _plan(client, program.id, "2027-03-28T02:30")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "02:30 does not exist on 28 March 2027" in page and "clocks go forward" in page
    assert count(Meeting) == 0
    resp = _plan(client, program.id, "2027-03-28T01:00", "2027-03-28T02:15")
    assert resp.status_code == 400 and "02:15 does not exist" in resp.get_data(as_text=True)
    assert count(Meeting) == 0
    # 03:30 is fine: 01:30 UTC, the first hour of summer time.
    assert _plan(client, program.id, "2027-03-28T03:30").status_code == 302
    meeting = db.session.scalar(db.select(Meeting))
    with app.test_request_context():
        events = _events(to_ics([meeting], "example.org", "Test"))
    assert _utc(events["Night meeting"]["start"]) == datetime(2027, 3, 28, 1, 30)
    # A meeting from 01:30 to 03:30 on that night lasts one hour, not two.
    meeting.starts_at, meeting.ends_at = datetime(2027, 3, 28, 1, 30), datetime(2027, 3, 28, 3, 30)
    with app.test_request_context():
        events = _events(to_ics([meeting], "example.org", "Test"))
    assert _utc(events["Night meeting"]["end"]) - _utc(events["Night meeting"]["start"]) == timedelta(hours=1)
    # The day itself is on the calendar as it happens: SPRING_SWITCH is noon in summer time.
    assert _utc(SPRING_SWITCH) == datetime(2027, 3, 28, 10, 0)


@pytest.mark.parametrize(("starts", "ends"), [
    ("9999-12-31T23:00", ""),  # accepted before, and every member's calendar feed gave a 500
    ("0001-01-01T00:30", ""),  # before the first UTC moment: a 500 on the form itself
    ("2027-06-10T17:30", "9999-12-31T19:30"),
    ("2101-01-01T17:30", ""),
], ids=["year-9999", "year-1", "end-in-9999", "year-2101"])
def test_a_meeting_outside_the_apps_years_is_refused_and_the_feeds_work(app, group, login, time_machine,
                                                                        starts, ends):
    program, member, staff = group
    time_machine.move_to(local(2027, 6, 1), tick=False)
    resp = _plan(login(staff, new_client(app)), program.id, starts, ends)
    assert resp.status_code == 400
    assert "Choose a date in the years 2000 to 2100." in resp.get_data(as_text=True)
    assert count(Meeting) == 0
    assert new_client(app).get(f"/calendar/{member.id}/{feed_token(member)}.ics").status_code == 200
    # The last day the app takes is fine, and so is its calendar file.
    assert _plan(login(staff, new_client(app)), program.id, "2100-12-31T23:00").status_code == 302
    assert new_client(app).get(f"/calendar/{member.id}/{feed_token(member)}.ics").status_code == 200


def test_autumn_switch_a_time_that_happens_twice_is_the_first_and_says_so(app, group, login, time_machine):
    program, member, staff = group
    time_machine.move_to(local(2027, 10, 1), tick=False)
    client = login(staff, new_client(app))
    resp = _plan(client, program.id, "2027-10-31T02:30", "2027-10-31T04:00")
    assert resp.status_code == 302
    meeting = db.session.scalar(db.select(Meeting))
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "02:30 comes twice on 31 October 2027" in page and "summer time" in page
    assert "Sunday 31 October 2027, 02:30" in page
    time_machine.move_to(AUTUMN_SWITCH, tick=False)
    member_client = login(member, new_client(app))
    ics = member_client.get(f"/me/meetings/{meeting.id}.ics")
    assert ics.status_code == 200
    events = _events(ics.data)
    assert "DTSTART;TZID=Europe/Stockholm:20271031T023000" in events["_text"]
    # Read as RFC 5545 says (the first of the two): 00:30 UTC, and the meeting lasts 2.5 hours.
    assert _utc(events["Night meeting"]["start"]) == datetime(2027, 10, 31, 0, 30)
    assert _utc(events["Night meeting"]["end"]) == datetime(2027, 10, 31, 3, 0)
    assert "BEGIN:VTIMEZONE" in events["_text"] and "TZID:Europe/Stockholm" in events["_text"]


# -- Midnight, and voting that closes at 23:59 -------------------------------------------------------

def test_a_meeting_at_midnight(app, group, login, time_machine):
    program, member, staff = group
    time_machine.move_to(local(2027, 6, 1), tick=False)
    meeting = meetings.create_meeting(program.id, "Midnight meeting", datetime(2027, 7, 1, 0, 0))
    client = login(member, new_client(app))
    for moment in (local(2027, 6, 30, 23, 59), MIDNIGHT, local(2027, 7, 1, 0, 30)):
        time_machine.move_to(moment, tick=False)
        card = client.get("/me").get_data(as_text=True).split('id="meeting-h"')[1].split("</section>")[0]
        assert "Midnight meeting" in card and "Thursday 1 July, 00:00" in card, moment
    ics = _events(client.get(f"/me/meetings/{meeting.id}.ics").data)
    assert _utc(ics["Midnight meeting"]["start"]) == datetime(2027, 6, 30, 22, 0)
    page = login(staff, new_client(app)).get(f"/staff/{program.id}/meetings/").get_data(as_text=True)
    assert "Thursday 1 July 2027, 00:00" in page


@pytest.mark.parametrize(("closes", "shown", "month"), [
    (local(2027, 12, 31, 23, 59), "31 Dec 2027", "2027-12"),
    (local(2027, 6, 30, 23, 59), "30 Jun 2027", "2027-06"),   # summer time: 21:59 UTC
    (local(2028, 1, 1, 0, 1), "1 Jan 2028", "2028-01"),       # still 31 December in UTC
])
def test_voting_that_closes_at_midnight_is_dated_by_the_local_day(app, make, login, time_machine, closes, shown, month):
    program = make.program()
    steering = make.user(program, "steering", language="en")
    voter = make.member(program, language="en")
    late = make.member(program, language="en")
    proposal = proposals.create_proposal(program.id, None, title="Saturdays", summary="We meet on Saturdays.")
    time_machine.move_to(closes - timedelta(days=3), tick=False)
    proposals.open_voting(proposal, None)
    time_machine.move_to(closes - timedelta(seconds=50), tick=False)
    votes.cast_vote(proposal, voter, "agree")
    time_machine.move_to(closes, tick=False)
    proposals.close_voting(proposal, None)
    time_machine.move_to(closes + timedelta(seconds=30), tick=False)
    db.session.commit()
    with pytest.raises(RuleError):
        votes.cast_vote(proposal, late, "disagree")
    db.session.rollback()
    queue = login(steering, new_client(app)).get(f"/staff/{program.id}/review/").get_data(as_text=True)
    assert f"Voting closed {shown}" in queue
    assert votes.results(proposal.id).total == 1
    today = clock.local_today()
    assert metrics.active_members(Scope((program.id,), None, today, None, "all", today)) == {month: 1}


# -- Time-outs count real time, also in the hour that happens twice ----------------------------------

def test_an_office_session_idles_out_by_real_minutes_across_the_autumn_switch(app, group, login, time_machine):
    program, _member, staff = group
    time_machine.move_to(local(2027, 10, 31, 2, 50), tick=False)  # the first 02:50, summer time
    client = login(staff, new_client(app))
    assert client.get(f"/staff/{program.id}/").status_code == 200
    # 30 real minutes later the wall clock reads 02:20 (winter time): still logged in.
    time_machine.move_to(local(2027, 10, 31, 2, 20, fold=1), tick=False)
    assert client.get(f"/staff/{program.id}/").status_code == 200
    # 61 real minutes after that (03:21 on the wall): logged out, though the wall clock moved 61 minutes too.
    time_machine.move_to(local(2027, 10, 31, 3, 21), tick=False)
    resp = client.get(f"/staff/{program.id}/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")


def test_a_password_link_lasts_its_hours_in_real_time_across_the_autumn_switch(app, group, time_machine):
    from feedback.auth import services as auth

    _program, _member, staff = group
    time_machine.move_to(local(2027, 10, 30, 12, 0), tick=False)  # Saturday noon, summer time
    link = auth.create_password_link(staff, None, 48)
    # 47 hours 59 minutes later it is 10:59 on Monday by the wall clock (the night had 25 hours).
    time_machine.move_to(local(2027, 11, 1, 10, 59), tick=False)
    assert auth.check_password_link(link).user_id == staff.id
    time_machine.move_to(local(2027, 11, 1, 11, 1), tick=False)
    with pytest.raises(RuleError) as refused:
        auth.check_password_link(link)
    assert refused.value.status == 410
