"""Planning meetings: support offered, the agenda and its order, and calendar files."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from feedback.auth.services import revoke_member_links
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings import services
from feedback.meetings.calendar import feed_token
from feedback.topics.models import Topic
from tests.routes_support import new_client


def topic_of(program) -> Topic:
    return db.session.scalar(sa.select(Topic).where(Topic.program_id == program.id).limit(1))


def test_support_fields_are_saved_and_language_codes_checked(make):
    prog = make.program()
    m = services.create_meeting(prog.id, " May ", datetime(2030, 5, 12, 17, 30), bring=" CV ", childcare=True,
                                interpreter_languages="AR, so;ar", travel_costs=True)
    assert (m.title, m.bring, m.childcare, m.travel_costs) == ("May", "CV", True, True)
    assert m.interpreter_codes == ["ar", "so"]
    db.session.commit()
    with pytest.raises(RuleError) as e:
        services.save_meeting(m, prog.id, title="May", starts_at=m.starts_at, interpreter_languages="ar, klingon")
    assert e.value.field == "interpreter_languages"
    db.session.rollback()
    assert db.session.get(type(m), m.id).interpreter_languages == "ar,so"


def test_end_before_start_is_refused(make):
    with pytest.raises(RuleError) as e:
        services.create_meeting(make.program().id, "X", datetime(2030, 5, 12, 18), ends_at=datetime(2030, 5, 12, 17))
    assert e.value.field == "ends_at"


def test_meetings_grouped_by_month(make):
    prog = make.program()
    ms = [services.create_meeting(prog.id, t, d) for t, d in [
        ("a", datetime(2030, 5, 2, 18)), ("b", datetime(2030, 5, 20, 18)), ("c", datetime(2030, 6, 1, 18))]]
    groups = services.by_month(ms)
    assert [(month.month, [m.title for m in items]) for month, items in groups] == [(5, ["a", "b"]), (6, ["c"])]


def test_agenda_with_topics_free_items_and_order(make):
    prog, other = make.program(), make.program()
    m = make.meeting(prog)
    p = make.proposal(prog)
    services.add_to_agenda(m, p, None)
    services.add_agenda_item(m, topic_id=topic_of(prog).id)
    free = services.add_agenda_item(m, title="  Fika  ")
    assert [(i.kind, i.title) for i in m.agenda][1:] == [("topic", topic_of(prog).name), ("free", "Fika")]
    services.move_agenda_item(m, free, -1)
    services.move_agenda_item(m, free, -1)
    services.move_agenda_item(m, free, -1)  # already first: stays
    db.session.expire_all()
    assert [i.kind for i in m.agenda] == ["free", "proposal", "topic"]
    assert [i.position for i in m.agenda] == [1, 2, 3]
    services.move_agenda_item(m, free, 1)
    db.session.expire_all()
    assert [i.kind for i in m.agenda] == ["proposal", "free", "topic"]
    for bad in ({"topic_id": topic_of(other).id}, {"title": ""}, {"title": "x" * 201}):
        with pytest.raises(RuleError):
            services.add_agenda_item(m, **bad)
    assert len(m.agenda) == 3


def test_no_agenda_changes_after_the_meeting(make):
    m = make.meeting(make.program())
    m.status = "closed"
    db.session.commit()
    with pytest.raises(RuleError):
        services.add_agenda_item(m, title="Late")


def test_staff_reorder_and_add_items_through_the_pages(app, make, login):
    prog = make.program()
    staff = make.staff(prog)
    m = make.meeting(prog)
    client = login(staff, new_client(app))
    base = f"/staff/{prog.id}/meetings/{m.id}/agenda"
    assert client.post(f"{base}/free", data={"f-title": "Welcome"}).status_code == 302
    assert client.post(f"{base}/topic", data={"t-topic_id": topic_of(prog).id}).status_code == 302
    assert client.post(f"{base}/free", data={"f-title": ""}).status_code == 400
    first, second = sorted(m.agenda, key=lambda i: i.position)
    assert client.post(f"{base}/{second.id}/move/up").status_code == 302
    db.session.expire_all()
    assert [i.id for i in m.agenda] == [second.id, first.id]
    assert client.post(f"{base}/{second.id}/move/sideways").status_code == 404
    html = client.get(f"/staff/{prog.id}/meetings/{m.id}").get_data(as_text=True)
    assert "Welcome" in html and f"{base}/{second.id}/move/down" in html


def test_meeting_calendar_file_for_a_member(app, make, login):
    prog = make.program()
    member = make.member(prog, language="en")
    m = services.create_meeting(prog.id, "June meeting", datetime(2030, 6, 12, 17, 30), place="Library",
                                childcare=True, interpreter_languages="ar")
    client = login(member, new_client(app))
    resp = client.get(f"/me/meetings/{m.id}.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    event = next(c for c in Calendar.from_ical(resp.data).walk("VEVENT"))
    assert str(event["summary"]) == "June meeting" and str(event["location"]) == "Library"
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (17, 30, "Europe/Stockholm")
    assert "childcare" in str(event["description"]).lower()
    assert "Arabic" in str(event["description"]) or "العربية" in str(event["description"])
    html = client.get("/me").get_data(as_text=True)
    assert f"/me/meetings/{m.id}.ics" in html


def test_calendar_feed_needs_its_key_and_stops_with_her_link(app, make):
    prog = make.program()
    member = make.member(prog)
    services.create_meeting(prog.id, "Feed meeting", datetime(2030, 6, 12, 17, 30))
    services.create_meeting(make.program().id, "Not hers", datetime(2030, 6, 13, 17, 30))
    token = feed_token(member)
    client = new_client(app)
    resp = client.get(f"/calendar/{member.id}/{token}.ics")
    assert resp.status_code == 200
    titles = [str(e["summary"]) for e in Calendar.from_ical(resp.data).walk("VEVENT")]
    assert titles == ["Feed meeting"]
    assert client.get(f"/calendar/{member.id}/{'0' * 32}.ics").status_code == 404
    assert client.get(f"/calendar/999999/{token}.ics").status_code == 404
    revoke_member_links(member)
    db.session.commit()
    assert client.get(f"/calendar/{member.id}/{token}.ics").status_code == 404
