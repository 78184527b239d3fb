"""Members' answers to a coming meeting (feedback/meetings/replies.py), on the services and through
the member's and the staff's pages."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings import replies
from feedback.meetings.models import MeetingReply, MeetingStatus
from tests.moments import local
from tests.routes_support import new_client, snapshot


def rows(meeting) -> list[tuple]:
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(
        sa.select(MeetingReply.user_id, MeetingReply.answer, MeetingReply.children, MeetingReply.interpreter)
        .where(MeetingReply.meeting_id == meeting.id).order_by(MeetingReply.user_id))]


@pytest.fixture
def group(make):
    prog = make.program()
    amina = make.member(prog, name="Amina", language="ar")
    leyla = make.member(prog, name="Leyla", language="sv")
    meeting = make.meeting(prog, childcare=True, interpreter_languages="ar,so")
    return prog, amina, leyla, meeting


def test_she_answers_and_changes_her_answer(group):
    _prog, amina, _leyla, m = group
    assert replies.reply(m, amina, "coming", "2", True) == replies.MyReply("coming", 2, True)
    assert rows(m) == [(amina.id, "coming", 2, True)]
    replies.reply(m, amina, "maybe")
    assert rows(m) == [(amina.id, "maybe", 0, False)]
    assert replies.answer_of(m.id, amina.id) == replies.MyReply("maybe", 0, False)


def test_a_double_tap_is_one_reply(group):
    _prog, amina, _leyla, m = group
    replies.reply(m, amina, "coming", 1)
    db.session.commit()
    replies.reply(m, amina, "coming", 1)
    db.session.commit()
    assert rows(m) == [(amina.id, "coming", 1, False)]


@pytest.mark.parametrize("answer", ["", "yes", "COMING", "agree", None])
def test_only_the_three_answers(group, answer):
    _prog, amina, _leyla, m = group
    with pytest.raises(RuleError) as e:
        replies.reply(m, amina, answer)
    assert e.value.status == 400
    assert rows(m) == []


@pytest.mark.parametrize("children", ["-1", "11", "two", "1.5", "99999999999999999999", -1, 11])
def test_children_from_0_to_10(group, children):
    _prog, amina, _leyla, m = group
    with pytest.raises(RuleError) as e:
        replies.reply(m, amina, "coming", children)
    assert e.value.field == "children"
    assert rows(m) == []


@pytest.mark.parametrize(("children", "stored"), [("0", 0), ("10", 10), (" 3 ", 3), ("", 0), (None, 0)])
def test_children_bounds_accepted(group, children, stored):
    _prog, amina, _leyla, m = group
    replies.reply(m, amina, "coming", children)
    assert rows(m) == [(amina.id, "coming", stored, False)]


@pytest.mark.parametrize("answer", ["not_coming", "maybe"])
def test_support_is_ignored_when_she_does_not_come(group, answer):
    _prog, amina, _leyla, m = group
    replies.reply(m, amina, answer, "not a number", True)  # not asked, so not judged
    assert rows(m) == [(amina.id, answer, 0, False)]


def test_support_is_ignored_when_the_meeting_does_not_offer_it(make):
    prog = make.program()
    amina = make.member(prog, language="ar")
    bare = make.meeting(prog)  # no childcare, no interpreter
    somali_only = make.meeting(prog, childcare=True, interpreter_languages="so")
    assert replies.reply(bare, amina, "coming", "3", True) == replies.MyReply("coming", 0, False)
    assert replies.reply(somali_only, amina, "coming", "1", True) == replies.MyReply("coming", 1, False)
    assert rows(bare) == [(amina.id, "coming", 0, False)]
    assert rows(somali_only) == [(amina.id, "coming", 1, False)]
    assert replies.interpreter_language(somali_only, amina) is None


def test_member_of_another_program_and_staff_are_refused(group, make):
    prog, _amina, _leyla, m = group
    outsider = make.member(make.program())
    staff = make.staff(prog)
    for who in (outsider, staff):
        with pytest.raises(RuleError) as e:
            replies.reply(m, who, "coming")
        assert e.value.status == 403
    assert rows(m) == []


def test_a_member_who_left_is_refused(group):
    from feedback.members.services import leave

    _prog, amina, _leyla, m = group
    leave(m.program_id, amina)
    with pytest.raises(RuleError):
        replies.reply(m, amina, "coming")
    assert rows(m) == []


@pytest.mark.parametrize("status", [MeetingStatus.OPEN, MeetingStatus.CLOSED])
def test_closed_once_running_or_over(group, status):
    _prog, amina, _leyla, m = group
    m.status = status
    with pytest.raises(RuleError) as e:
        replies.reply(m, amina, "coming")
    assert e.value.status == 409
    assert rows(m) == []


# Meetings at 10:00 on the days the clocks change (Stockholm): the wall clock decides, not UTC
# with the offset of another season.
@pytest.mark.parametrize(("day", "before", "after"), [
    (datetime(2027, 3, 28, 10, 0), local(2027, 3, 28, 9, 59), local(2027, 3, 28, 10, 0)),   # spring: 08:00 UTC
    (datetime(2027, 10, 31, 10, 0), local(2027, 10, 31, 9, 59), local(2027, 10, 31, 10, 0)),  # autumn: 09:00 UTC
    (datetime(2028, 1, 1, 0, 15), local(2028, 1, 1, 0, 14), local(2028, 1, 1, 0, 15)),  # new year: 23:15 UTC
])
def test_closed_when_the_meeting_starts_on_awkward_days(make, time_machine, day, before, after):
    from feedback.meetings.services import create_meeting

    time_machine.move_to(local(2027, 1, 10), tick=False)
    prog = make.program()
    amina = make.member(prog)
    m = create_meeting(prog.id, "Träff", day)
    db.session.commit()
    time_machine.move_to(before, tick=False)
    assert replies.is_open(m)
    replies.reply(m, amina, "coming")
    time_machine.move_to(after, tick=False)
    assert not replies.is_open(m)
    with pytest.raises(RuleError):
        replies.reply(m, amina, "not_coming")
    assert rows(m) == [(amina.id, "coming", 0, False)]


def test_the_utc_hour_is_not_the_wall_clock_on_the_spring_switch(make, time_machine):
    """09:30 UTC on 28 March 2027 is 11:30 in Stockholm: a 10:30 meeting has begun (with the winter
    offset it would look like 10:30, and still open)."""
    from feedback.meetings.services import create_meeting

    time_machine.move_to(local(2027, 3, 1), tick=False)
    prog = make.program()
    m = create_meeting(prog.id, "Träff", datetime(2027, 3, 28, 11, 0))
    db.session.commit()
    time_machine.move_to(datetime.fromisoformat("2027-03-28T08:59:00+00:00"), tick=False)  # 10:59 local
    assert replies.is_open(m)
    time_machine.move_to(datetime.fromisoformat("2027-03-28T09:30:00+00:00"), tick=False)  # 11:30 local
    assert not replies.is_open(m)


def test_counts_for_staff(make):
    prog = make.program()
    m = make.meeting(prog, childcare=True, interpreter_languages="ar,so")
    a1, a2 = make.member(prog, name="A1", language="ar"), make.member(prog, name="A2", language="ar")
    s1 = make.member(prog, name="S1", language="so")
    sv1, sv2 = make.member(prog, name="Sv1"), make.member(prog, name="Sv2")
    make.member(prog, name="Quiet")
    outsider = make.member(make.program(), language="ar")
    replies.reply(m, a1, "coming", 2, True)
    replies.reply(m, a2, "coming", 1, True)
    replies.reply(m, s1, "coming", 0, True)
    replies.reply(m, sv1, "maybe", 4, True)
    replies.reply(m, sv2, "not_coming")
    other = make.meeting(outsider.memberships[0].program, childcare=True, interpreter_languages="ar")
    replies.reply(other, outsider, "coming", 5, True)  # another group's meeting: not counted here
    db.session.commit()
    assert replies.counts(m) == replies.ReplyCounts(
        coming=3, maybe=1, not_coming=1, not_answered=1, children=3, interpreters={"ar": 2, "so": 1})
    assert [(r.name, r.answer, r.children, r.interpreter) for r in replies.for_meeting(m.id)] == [
        ("A1", "coming", 2, True), ("A2", "coming", 1, True), ("S1", "coming", 0, True),
        ("Sv1", "maybe", 0, False), ("Sv2", "not_coming", 0, False)]
    assert replies.coming_user_ids(m.id) == sorted([a1.id, a2.id, s1.id])
    assert outsider.id not in replies.coming_user_ids(m.id)


def test_counts_leave_out_members_who_left(group):
    from feedback.members.services import leave

    prog, amina, leyla, m = group
    replies.reply(m, amina, "coming", 2, True)
    replies.reply(m, leyla, "coming", 1)
    leave(prog.id, amina)
    assert replies.counts(m) == replies.ReplyCounts(coming=1, not_answered=0, children=1, interpreters={})
    assert [r.name for r in replies.for_meeting(m.id)] == ["Leyla"]


def test_counts_are_three_queries_whatever_the_replies(make, count_queries):
    prog = make.program()
    m = make.meeting(prog, childcare=True, interpreter_languages="ar")
    for i in range(6):
        replies.reply(m, make.member(prog, language="ar"), "coming", i % 3, True)
    db.session.commit()
    assert m.program_id  # the meeting is loaded, as on the staff page
    with count_queries() as statements:
        assert replies.counts(m).coming == 6
    assert len(statements) == 3


def test_old_replies_are_deleted_after_the_meeting(group, make):
    _prog, amina, leyla, m = group
    replies.reply(m, amina, "coming", 2, True)
    later = make.meeting(m.program, days_ahead=40)
    replies.reply(later, leyla, "maybe")
    db.session.commit()
    assert replies.delete_old(30) == 0
    assert replies.delete_old(30, now=m.starts_at + timedelta(days=30, minutes=-1)) == 0
    assert replies.delete_old(30, now=m.starts_at + timedelta(days=30, minutes=1)) == 1
    assert rows(m) == [] and rows(later) == [(leyla.id, "maybe", 0, False)]


# --- through HTTP --------------------------------------------------------------


def test_member_page_shows_the_meeting_and_her_form(app, login, group):
    _prog, amina, leyla, m = group
    m.place, m.bring, m.travel_costs = "Stadsbiblioteket <b>", "Ditt CV", True
    db.session.commit()
    c = login(leyla, new_client(app))
    html = c.get(f"/me/meetings/{m.id}").get_data(as_text=True)
    assert "Stadsbiblioteket &lt;b&gt;" in html and "Ditt CV" in html
    assert f'href="/me/meetings/{m.id}.ics"' in html
    assert 'name="children"' in html
    assert 'name="interpreter"' not in html  # Swedish: no interpreter for her language
    a = login(amina, new_client(app))
    assert 'name="interpreter"' in a.get(f"/me/meetings/{m.id}").get_data(as_text=True)
    home = c.get("/me").get_data(as_text=True)
    assert f'href="/me/meetings/{m.id}"' in home


def test_post_without_javascript_redirects_with_a_message(app, login, group):
    _prog, amina, _leyla, m = group
    c = login(amina, new_client(app))
    resp = c.post(f"/me/meetings/{m.id}", data={"answer": "coming", "children": "2", "interpreter": "yes"})
    assert resp.status_code == 302 and resp.location.endswith(f"/me/meetings/{m.id}#reply-panel")
    assert rows(m) == [(amina.id, "coming", 2, True)]
    page = c.get(f"/me/meetings/{m.id}").get_data(as_text=True)
    assert 'role="status"' in page  # the flash
    assert 'value="coming" checked' in page and 'value="2"' in page


def test_post_with_htmx_returns_the_panel(app, login, group):
    _prog, amina, _leyla, m = group
    c = login(amina, new_client(app))
    resp = c.post(f"/me/meetings/{m.id}", data={"answer": "maybe"}, headers={"HX-Request": "true"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith("<section id=\"reply-panel\"")
    assert "<html" not in html
    assert rows(m) == [(amina.id, "maybe", 0, False)]


@pytest.mark.parametrize("data", [{"answer": "party"}, {"answer": "coming", "children": "12"}, {}])
def test_bad_input_changes_nothing(app, login, group, data):
    _prog, amina, _leyla, m = group
    replies.reply(m, amina, "maybe")
    db.session.commit()
    c = login(amina, new_client(app))
    before = snapshot()
    resp = c.post(f"/me/meetings/{m.id}", data=data)
    assert resp.status_code == 400
    assert 'role="alert"' in resp.get_data(as_text=True)
    assert snapshot() == before


def test_closed_meeting_shows_her_answer_read_only(app, login, group):
    _prog, amina, _leyla, m = group
    replies.reply(m, amina, "coming", 2, True)
    m.status = MeetingStatus.CLOSED
    db.session.commit()
    c = login(amina, new_client(app))
    html = c.get(f"/me/meetings/{m.id}").get_data(as_text=True)
    assert "<form method=\"post\" action=\"/me/meetings/" not in html
    assert "choice-coming" not in html
    assert c.post(f"/me/meetings/{m.id}", data={"answer": "not_coming"}).status_code == 409
    assert rows(m) == [(amina.id, "coming", 2, True)]


def test_other_program_gets_404_and_unknown_meeting_404(app, login, group, make):
    _prog, _amina, _leyla, m = group
    outsider = make.member(make.program())
    c = login(outsider, new_client(app))
    assert c.get(f"/me/meetings/{m.id}").status_code == 404
    assert c.post(f"/me/meetings/{m.id}", data={"answer": "coming"}).status_code == 404
    assert c.get("/me/meetings/999999").status_code == 404
    assert rows(m) == []


def test_staff_page_shows_counts_and_who_comes(app, login, group, make):
    prog, amina, leyla, m = group
    replies.reply(m, amina, "coming", 2, True)
    replies.reply(m, leyla, "maybe")
    amina.name = "Amina <script>"
    db.session.commit()
    staff = make.staff(prog)
    html = login(staff, new_client(app)).get(f"/staff/{prog.id}/meetings/{m.id}").get_data(as_text=True)
    assert '<dd id="count-coming">1</dd>' in html
    assert '<dd id="count-maybe">1</dd>' in html
    assert '<dd id="count-not-answered">0</dd>' in html
    assert '<dd id="count-children">2</dd>' in html
    assert '<dd data-interpreter="ar">1</dd>' in html
    assert "Amina &lt;script&gt;" in html
    assert "Amina <script>" not in html


def test_her_replies_are_in_her_data_and_erased_with_her(group):
    from feedback.privacy.services import erase, my_data

    _prog, amina, _leyla, m = group
    replies.reply(m, amina, "coming", 2, True)
    data = my_data(amina)
    assert [(r["meeting"], r["answer"], r["children_in_childcare"], r["interpreter"])
            for r in data["your_answers_to_meetings"]] == [(m.title, "coming", 2, True)]
    assert my_data(amina, program_id=m.program_id)["your_answers_to_meetings"]
    assert my_data(amina, program_id=m.program_id + 1000)["your_answers_to_meetings"] == []
    erase(amina)
    assert rows(m) == []


def test_her_replies_stay_out_of_the_audit_log(app, login, make):
    """A member who is also steering answers: nothing in the audit log (like votes and posts)."""
    from feedback.audit.models import AuditEntry
    from feedback.programs.models import Membership

    prog = make.program()
    her = make.member(prog, language="ar")
    db.session.add(Membership(user_id=her.id, program_id=prog.id, role="steering"))
    db.session.commit()
    m = make.meeting(prog, childcare=True)
    c = login(her, new_client(app))
    assert c.post(f"/me/meetings/{m.id}", data={"answer": "coming", "children": "1"}).status_code == 302
    assert rows(m) == [(her.id, "coming", 1, False)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.record_type == "meeting_replies")) == 0


def test_the_database_keeps_the_rules_after_migrating():
    """One reply per member and meeting, the three answers and 0-10 children, in the migrated schema."""
    from tests.migration_support import migrated_app

    with migrated_app():
        from feedback.auth.services import create_user
        from feedback.meetings.services import create_meeting
        from feedback.programs.services import create_program

        prog = create_program("C", "c", with_topics=False)
        user = create_user("U")
        m = create_meeting(prog.id, "M", datetime(2030, 1, 1, 18, 0))
        db.session.add(MeetingReply(meeting_id=m.id, user_id=user.id, answer="coming", children=10))
        db.session.commit()
        for bad in ({"answer": "coming"}, {"answer": "yes"}, {"answer": "coming", "children": 11},
                    {"answer": "coming", "children": -1}):
            other = user if bad == {"answer": "coming"} else create_user("V")
            db.session.add(MeetingReply(meeting_id=m.id, user_id=other.id, **bad))
            with pytest.raises(sa.exc.IntegrityError):
                db.session.commit()
            db.session.rollback()


def test_flask_retention_deletes_answers_to_old_meetings(group, runner, time_machine):
    _prog, amina, _leyla, m = group
    replies.reply(m, amina, "coming", 1)
    db.session.commit()
    result = runner.invoke(args=["retention"])
    assert "Deleted 0 answers to meetings more than 30 days ago." in result.output
    from datetime import UTC

    from feedback.common.clock import utcnow

    time_machine.move_to(utcnow().replace(tzinfo=UTC) + timedelta(days=40), tick=False)
    result = runner.invoke(args=["retention"])
    assert "Deleted 1 answers to meetings more than 30 days ago." in result.output
    assert rows(m) == []
