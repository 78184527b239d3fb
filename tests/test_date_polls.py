"""Date polls (feedback/datepolls): staff propose dates, members answer yes / if needed / no with
what they need, staff see the best dates first and make one the meeting; on the services and
through the member's and the staff's pages."""
from __future__ import annotations

import re
from datetime import datetime, time

import pytest
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.common.errors import RuleError
from feedback.datepolls import services
from feedback.datepolls.models import DateNeed, DateOption, DatePoll, DateVote, PollStatus
from feedback.datepolls.services import OptionInput
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.outbox.models import OutboxMessage
from tests.databases import needs_postgres
from tests.datepoll_support import day_at, new_poll
from tests.moments import local
from tests.routes_support import at_once, new_client, snapshot


def votes(poll) -> list[tuple]:
    db.session.expire_all()
    return [tuple(r) for r in db.session.execute(
        sa.select(DateVote.user_id, DateOption.starts_at, DateVote.answer)
        .join(DateOption, DateOption.id == DateVote.option_id)
        .where(DateOption.poll_id == poll.id).order_by(DateVote.user_id, DateOption.starts_at))]


def needs(poll) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        sa.select(DateNeed.user_id, DateNeed.children, DateNeed.interpreter)
        .where(DateNeed.poll_id == poll.id).order_by(DateNeed.user_id))]


def all_yes(poll, answer="yes") -> dict:
    return {str(o.id): answer for o in poll.options}


@pytest.fixture
def group(make):
    prog = make.program()
    amina = make.member(prog, name="Amina", language="ar")
    leyla = make.member(prog, name="Leyla", language="sv")
    staff = make.staff(prog, name="Sara Staff")
    poll = new_poll(prog, actor_id=staff.id)
    return prog, amina, leyla, staff, poll


# --- making a poll ------------------------------------------------------------------------------


def test_a_poll_keeps_its_dates_in_order(make):
    prog = make.program()
    poll = new_poll(prog, days=(9, 7, 8))
    assert poll.status == PollStatus.OPEN
    assert [o.starts_at for o in poll.options] == [day_at(7), day_at(8), day_at(9)]
    assert all(o.place == "Stadsbiblioteket" and o.ends_at.time() == time(19, 30) for o in poll.options)


@pytest.mark.parametrize("days", [(), (7,), tuple(range(7, 16))])
def test_two_to_eight_dates(make, days):
    prog = make.program()
    with pytest.raises(RuleError) as e:
        new_poll(prog, days=days)
    assert e.value.field == "options"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DatePoll)) == 0


def test_eight_dates_are_fine(make):
    assert len(new_poll(make.program(), days=tuple(range(7, 15))).options) == 8


def _refused(prog, options, field):
    db.session.commit()
    with pytest.raises(RuleError) as e:
        services.create_poll(prog.id, "Träff", None, options, None)
    assert e.value.field == field
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DatePoll)) == 0
    return e.value


def test_a_date_in_the_past_is_refused(make):
    prog = make.program()
    _refused(prog, [OptionInput(day_at(3)), OptionInput(day_at(-1), row=1)], "option-1-day")
    _refused(prog, [OptionInput(day_at(3)), OptionInput(day_at(0, time(0, 0)), row=1)], "option-1-day")


def test_the_same_date_twice_is_refused(make):
    prog = make.program()
    _refused(prog, [OptionInput(day_at(3)), OptionInput(day_at(4), row=1), OptionInput(day_at(3), row=2)],
             "option-2-start")


def test_an_end_before_the_start_is_refused(make):
    prog = make.program()
    _refused(prog, [OptionInput(day_at(3), day_at(3, time(17, 0))), OptionInput(day_at(4), row=1)], "option-0-end")
    _refused(prog, [OptionInput(day_at(3), day_at(3, time(17, 30))), OptionInput(day_at(4), row=1)], "option-0-end")


def test_a_time_the_spring_switch_skips_is_refused(make, time_machine):
    time_machine.move_to(local(2027, 3, 1), tick=False)
    prog = make.program()
    error = _refused(prog, [OptionInput(datetime(2027, 3, 28, 2, 30)), OptionInput(datetime(2027, 3, 29, 17, 0), row=1)],
                     "option-0-start")
    assert "02:30" in str(error.message)
    # 03:00 that night exists, and 02:30 on the autumn switch comes twice but exists.
    poll = services.create_poll(prog.id, "Träff", None, [OptionInput(datetime(2027, 3, 28, 3, 0)),
                                                         OptionInput(datetime(2027, 10, 31, 2, 30), row=1)], None)
    assert len(poll.options) == 2


def test_a_date_just_after_midnight_on_new_years_eve(make, time_machine):
    """At 23:30 UTC on 31 December it is already 00:30 on 1 January in Stockholm: 00:15 that day
    has passed, 01:00 has not."""
    time_machine.move_to(datetime.fromisoformat("2027-12-31T23:30:00+00:00"), tick=False)
    prog = make.program()
    _refused(prog, [OptionInput(datetime(2028, 1, 1, 0, 15)), OptionInput(datetime(2028, 1, 2, 17), row=1)],
             "option-0-day")
    services.create_poll(prog.id, "Träff", None, [OptionInput(datetime(2028, 1, 1, 1, 0)),
                                                  OptionInput(datetime(2028, 1, 2, 17), row=1)], None)


@pytest.mark.parametrize("title", ["", "   ", "x" * 161])
def test_a_title_is_needed(make, title):
    prog = make.program()
    with pytest.raises(RuleError) as e:
        services.create_poll(prog.id, title, None, [OptionInput(day_at(3)), OptionInput(day_at(4), row=1)], None)
    assert e.value.field == "title"


def test_members_are_told_once(make):
    prog = make.program()
    her = make.member(prog, name="Amina")
    her.phone = "+46701234567"
    make.staff(prog)
    db.session.commit()
    poll = new_poll(prog)
    sent = db.session.execute(sa.select(OutboxMessage.user_id, OutboxMessage.kind, OutboxMessage.body)).all()
    assert [(uid, kind) for uid, kind, _ in sent] == [(her.id, "date-poll")]
    assert f"/me/date-polls/{poll.id}" in sent[0].body


def test_a_member_who_stopped_the_kind_is_not_told(make):
    from feedback.outbox import choice

    prog = make.program()
    her = make.member(prog, name="Amina")
    her.phone = "+46701234567"
    choice.set_stopped(her.id, [choice.Kind.DATE_POLL], choice.MEMBER_KINDS)
    db.session.commit()
    new_poll(prog)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


# --- answering ---------------------------------------------------------------------------------


def test_she_answers_every_date_and_changes_her_answers(group):
    _prog, amina, _leyla, _staff, poll = group
    a, b, c = poll.options
    mine = services.answer(poll, amina, {str(a.id): "yes", str(b.id): "if_needed", str(c.id): "no"}, "2", True)
    assert mine == services.MyAnswers({a.id: "yes", b.id: "if_needed", c.id: "no"}, 2, True)
    assert votes(poll) == [(amina.id, a.starts_at, "yes"), (amina.id, b.starts_at, "if_needed"),
                           (amina.id, c.starts_at, "no")]
    assert needs(poll) == [(amina.id, 2, True)]
    services.answer(poll, amina, all_yes(poll, "no"), "2", True)
    assert [v[2] for v in votes(poll)] == ["no", "no", "no"]
    # She can come to none: childcare and interpreter are not needed.
    assert needs(poll) == [(amina.id, 0, False)]
    assert services.answers_of(poll, amina.id) == services.MyAnswers(dict.fromkeys([a.id, b.id, c.id], "no"))


def test_sending_twice_is_one_answer(group):
    _prog, amina, _leyla, _staff, poll = group
    for _ in range(2):
        services.answer(poll, amina, all_yes(poll), 1)
        db.session.commit()
    assert len(votes(poll)) == 3 and needs(poll) == [(amina.id, 1, False)]


def test_no_interpreter_for_swedish(group):
    _prog, _amina, leyla, _staff, poll = group
    services.answer(poll, leyla, all_yes(poll), 0, True)
    assert needs(poll) == [(leyla.id, 0, False)]


@pytest.mark.parametrize("answer", ["", "maybe", "YES", "agree", None])
def test_only_the_three_answers(group, answer):
    _prog, amina, _leyla, _staff, poll = group
    raw = {**all_yes(poll), str(poll.options[0].id): answer}
    with pytest.raises(RuleError):
        services.answer(poll, amina, raw)
    db.session.rollback()
    assert votes(poll) == [] and needs(poll) == []


def test_every_date_needs_an_answer(group):
    _prog, amina, _leyla, _staff, poll = group
    raw = all_yes(poll)
    raw.pop(str(poll.options[1].id))
    with pytest.raises(RuleError) as e:
        services.answer(poll, amina, raw)
    assert str(e.value.message) == str(_l("Choose an answer for every date."))
    db.session.rollback()
    assert votes(poll) == []


def test_a_date_of_another_poll_is_refused(group, make):
    prog, amina, _leyla, _staff, poll = group
    other = new_poll(prog, days=(20, 21), title="Another")
    services.answer(poll, amina, all_yes(poll))
    db.session.commit()
    raw = {**all_yes(poll, "no"), str(other.options[0].id): "yes"}
    with pytest.raises(RuleError) as e:
        services.answer(poll, amina, raw)
    assert e.value.status == 400 and str(e.value.message) == str(_l("This date is not in this poll."))
    db.session.rollback()
    assert [v[2] for v in votes(poll)] == ["yes", "yes", "yes"] and votes(other) == []


@pytest.mark.parametrize("key", ["abc", "0", "-3", "99999999999999999999"])
def test_a_date_that_is_no_id_is_refused(group, key):
    _prog, amina, _leyla, _staff, poll = group
    with pytest.raises(RuleError):
        services.answer(poll, amina, {**all_yes(poll), key: "yes"})


@pytest.mark.parametrize("children", ["-1", "11", "two", "1.5"])
def test_children_from_0_to_10(group, children):
    _prog, amina, _leyla, _staff, poll = group
    with pytest.raises(RuleError) as e:
        services.answer(poll, amina, all_yes(poll), children)
    assert e.value.field == "children"
    db.session.rollback()
    assert votes(poll) == []


def test_a_closed_poll_refuses_answers_and_keeps_hers(group):
    _prog, amina, leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    services.close_poll(poll)
    db.session.commit()
    for who in (amina, leyla):
        with pytest.raises(RuleError) as e:
            services.answer(poll, who, all_yes(poll, "no"))
        assert e.value.status == 409
        db.session.rollback()
    assert [v[2] for v in votes(poll)] == ["yes", "yes", "yes"]
    with pytest.raises(RuleError):
        services.close_poll(poll)


def test_only_members_of_the_group_answer(group, make):
    _prog, _amina, _leyla, staff, poll = group
    outsider = make.member(make.program())
    for who in (staff, outsider):
        with pytest.raises(RuleError) as e:
            services.answer(poll, who, all_yes(poll))
        assert e.value.status == 403


def test_her_home_page_polls_are_the_open_ones_she_has_not_answered(group):
    prog, amina, leyla, _staff, poll = group
    assert services.open_unanswered(amina, [prog.id]) == [poll]
    services.answer(poll, amina, all_yes(poll))
    assert services.open_unanswered(amina, [prog.id]) == []
    services.add_option(poll, OptionInput(day_at(12)))  # staff add a date: she is asked again
    assert services.open_unanswered(amina, [prog.id]) == [poll]
    services.answer(poll, amina, all_yes(poll, "no"))
    assert services.open_unanswered(amina, [prog.id]) == []
    services.close_poll(poll)
    assert services.open_unanswered(leyla, [prog.id]) == []
    assert services.open_unanswered(leyla, []) == []


def test_a_poll_whose_dates_have_passed_is_not_asked_again_after_retention(app, make, login, time_machine):
    time_machine.move_to(local(2027, 5, 3, 12), tick=False)
    prog = make.program()
    amina = make.member(prog, name="Amina", language="en")
    poll = new_poll(prog)  # 10, 11 and 12 May 2027 at 17:30
    services.answer(poll, amina, all_yes(poll))
    db.session.commit()
    assert services.open_unanswered(amina, [prog.id]) == []
    # Staff forgot to close it; six weeks later the nightly retention deletes her answers.
    time_machine.move_to(local(2027, 6, 14, 12), tick=False)
    services.delete_old(app.config["REPLY_KEEP_DAYS"])
    db.session.commit()
    assert services.open_unanswered(amina, [prog.id]) == []
    assert "Help us choose a date" not in login(amina, new_client(app)).get("/me").get_data(as_text=True)


def test_retention_keeps_how_many_answered_for_the_dashboards(app, make, time_machine):
    """Found by a review: retention deleted the answers and the dashboards' count of who answered
    a poll went to 0 with them. The number stays on the poll, without who; twice is the same."""
    time_machine.move_to(local(2027, 5, 3, 12), tick=False)
    prog = make.program()
    members = [make.member(prog, name=n) for n in ("Amina", "Leyla", "Hodan")]
    poll, other = new_poll(prog), new_poll(prog, days=(70, 71))
    for member in members[:2]:
        services.answer(poll, member, all_yes(poll))
    services.answer(other, members[2], all_yes(other))
    db.session.commit()

    def answered() -> dict[int, int]:
        return {p.poll_id: p.answered for p in services.participation([prog.id])}

    assert answered() == {poll.id: 2, other.id: 1}
    time_machine.move_to(local(2027, 6, 14, 12), tick=False)  # the first poll's dates are 30+ days old
    for _ in range(2):
        assert services.delete_old(app.config["REPLY_KEEP_DAYS"]) in (2, 0)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DateNeed).where(DateNeed.poll_id == poll.id)) == 0
        assert answered() == {poll.id: 2, other.id: 1}


def test_her_home_page_asks_while_a_date_she_has_not_answered_is_ahead(make, time_machine):
    time_machine.move_to(local(2027, 5, 3, 12), tick=False)
    prog = make.program()
    amina = make.member(prog)
    poll = new_poll(prog)  # 10, 11 and 12 May 2027 at 17:30
    time_machine.move_to(local(2027, 5, 12, 17, 29), tick=False)
    assert services.open_unanswered(amina, [prog.id]) == [poll]
    time_machine.move_to(local(2027, 5, 12, 17, 30), tick=False)  # the last date begins
    assert services.open_unanswered(amina, [prog.id]) == []


def test_a_poll_whose_dates_have_passed_is_over_for_her_and_staff_still_close_it(app, make, login, time_machine):
    time_machine.move_to(local(2027, 5, 3, 12), tick=False)
    prog = make.program()
    amina = make.member(prog, name="Amina", language="en")
    staff = make.staff(prog)
    poll = new_poll(prog)  # 10, 11 and 12 May 2027 at 17:30
    services.answer(poll, amina, all_yes(poll))
    db.session.commit()
    time_machine.move_to(local(2027, 5, 12, 17, 30), tick=False)
    with pytest.raises(RuleError) as e:
        services.answer(poll, amina, all_yes(poll, "no"))
    assert e.value.status == 409 and str(e.value.message) == str(_l("All the dates have passed. You cannot answer now."))
    db.session.rollback()
    c = login(amina, new_client(app))
    html = c.get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    assert "All the dates have passed." in html and 'type="radio"' not in html and "You said:" in html
    assert c.post(f"/me/date-polls/{poll.id}", data=_form(poll, "no")).status_code == 409
    assert [v[2] for v in votes(poll)] == ["yes"] * 3
    # Staff still see it and close it; a passed date makes no meeting, as before.
    office = login(staff, new_client(app))
    base = f"/staff/{prog.id}/date-polls/{poll.id}"
    assert office.get(base).status_code == 200
    assert office.post(f"{base}/options/{poll.options[0].id}/meeting").status_code == 409
    assert office.post(f"{base}/close").status_code == 302
    assert db.session.get(DatePoll, poll.id).status == PollStatus.CLOSED


# --- results -----------------------------------------------------------------------------------


def test_best_dates_first(make):
    prog = make.program()
    m = [make.member(prog, name=f"M{i}", language=lang) for i, lang in enumerate(["ar", "so", "sv", "ar", "ti"])]
    make.member(prog, name="Quiet")
    poll = new_poll(prog, days=(7, 8, 9, 10))
    a, b, c, d = poll.options
    answers = [  # a: 2 yes 2 no 1 if needed; b: 2 yes 0 no 3 if needed; c: 3 yes 2 no; d: 2 yes 1 no 2 if needed
        {a.id: "yes", b.id: "yes", c.id: "yes", d.id: "yes"},
        {a.id: "yes", b.id: "yes", c.id: "yes", d.id: "yes"},
        {a.id: "no", b.id: "if_needed", c.id: "yes", d.id: "if_needed"},
        {a.id: "if_needed", b.id: "if_needed", c.id: "no", d.id: "if_needed"},
        {a.id: "no", b.id: "if_needed", c.id: "no", d.id: "no"},
    ]
    kids = [2, 0, 1, 3, 0]
    for member, raw, k in zip(m, answers, kids, strict=True):
        services.answer(poll, member, raw, k, True)
    db.session.commit()
    ranked = services.results(poll)
    assert [r.option.id for r in ranked] == [c.id, b.id, d.id, a.id]
    top = ranked[0]
    assert (top.yes, top.if_needed, top.no, top.not_answered) == (3, 0, 2, 1)
    assert top.children == 3 and top.interpreters == {"ar": 1, "so": 1}
    assert [r.best for r in ranked] == [True, False, False, False]
    by_id = {r.option.id: r for r in ranked}
    assert by_id[a.id].children == 2 + 0 + 3  # yes and "if needed" both count
    assert by_id[a.id].interpreters == {"ar": 2, "so": 1}
    assert by_id[b.id].interpreters == {"ar": 2, "so": 1, "ti": 1}  # M2 (sv) needs none


def test_equal_dates_are_both_best_and_nothing_is_best_without_answers(make):
    prog = make.program()
    her = make.member(prog)
    poll = new_poll(prog, days=(7, 8))
    assert [r.best for r in services.results(poll)] == [False, False]
    services.answer(poll, her, all_yes(poll))
    ranked = services.results(poll)
    assert [r.best for r in ranked] == [True, True]
    assert [r.option.starts_at for r in ranked] == [day_at(7), day_at(8)]  # the earlier first


def test_results_leave_out_members_who_left(group):
    from feedback.members.services import leave

    prog, amina, leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    services.answer(poll, leyla, all_yes(poll))
    leave(prog.id, amina)
    db.session.commit()
    top = services.results(poll)[0]
    assert (top.yes, top.not_answered) == (1, 0)
    assert [r.name for r in services.who_answered(poll)] == ["Leyla"]


def test_results_are_four_queries_whatever_the_answers(make, count_queries):
    prog = make.program()
    members = [make.member(prog) for _ in range(6)]
    poll = new_poll(prog, days=(7, 8, 9, 10, 11))
    for member in members:
        services.answer(poll, member, all_yes(poll), 1, True)
    db.session.commit()
    poll = db.session.get(DatePoll, poll.id)
    _ = poll.options
    with count_queries() as queries:
        services.results(poll)
    assert len(queries) == 4


# --- the chosen date becomes the meeting -------------------------------------------------------


def test_make_the_meeting_from_the_best_date(group, make):
    _prog, amina, leyla, _staff, poll = group
    amina.phone = "+46701234567"
    db.session.commit()
    a, b, _c = poll.options
    services.answer(poll, amina, {str(a.id): "no", str(b.id): "yes", str(_c.id): "no"}, 2, True)
    services.answer(poll, leyla, {str(a.id): "yes", str(b.id): "if_needed", str(_c.id): "no"}, 0, False)
    db.session.commit()
    meeting = services.make_meeting(poll, b)
    db.session.commit()
    assert (meeting.title, meeting.starts_at, meeting.ends_at, meeting.place) == (
        poll.title, b.starts_at, b.ends_at, "Stadsbiblioteket")
    assert meeting.childcare is True and meeting.interpreter_codes == ["ar"]
    assert poll.meeting_id == meeting.id and poll.status == PollStatus.CLOSED
    # Planned as any meeting: members get "new meeting" (the reminders follow from the meeting).
    kinds = set(db.session.scalars(sa.select(OutboxMessage.kind).where(OutboxMessage.user_id == amina.id)))
    assert "meeting" in kinds
    # Nobody's RSVP is answered for her.
    from feedback.meetings.models import MeetingReply

    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingReply)) == 0
    # Once only.
    with pytest.raises(RuleError) as e:
        services.make_meeting(poll, a)
    assert e.value.status == 409
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1


def test_no_support_when_nobody_who_can_come_needs_it(group):
    _prog, amina, _leyla, _staff, poll = group
    a, b, c = poll.options
    services.answer(poll, amina, {str(a.id): "no", str(b.id): "yes", str(c.id): "yes"}, 2, True)
    meeting = services.make_meeting(poll, a)
    assert meeting.childcare is False and meeting.interpreter_languages is None


def test_a_date_of_another_poll_or_a_past_date_makes_no_meeting(group, time_machine):
    prog, _amina, _leyla, _staff, poll = group
    other = new_poll(prog, days=(20, 21), title="Another")
    with pytest.raises(RuleError) as e:
        services.make_meeting(poll, other.options[0])
    assert e.value.status == 404
    db.session.rollback()
    time_machine.move_to(datetime.combine(day_at(8).date(), time(12)).astimezone(), tick=False)
    with pytest.raises(RuleError):
        services.make_meeting(poll, db.session.get(DateOption, poll.options[0].id))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


# --- her data ----------------------------------------------------------------------------------


def test_her_answers_are_in_her_data_and_erased_with_her(group):
    from feedback.privacy.services import erase, my_data

    prog, amina, leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll, "if_needed"), 2, True)
    services.answer(poll, leyla, all_yes(poll))
    db.session.commit()
    data = my_data(amina)["your_answers_to_date_polls"]
    assert data == [{"poll": poll.title, "children_in_childcare": 2, "interpreter": True,
                     "dates": [{"date": o.starts_at.isoformat(timespec="minutes"), "answer": "if_needed",
                                "at": data[0]["dates"][i]["at"]} for i, o in enumerate(poll.options)]}]
    assert len(my_data(amina, program_id=prog.id)["your_answers_to_date_polls"]) == 1
    assert my_data(amina, program_id=prog.id + 1000)["your_answers_to_date_polls"] == []
    erase(amina)
    db.session.commit()
    assert {v[0] for v in votes(poll)} == {leyla.id} and [n[0] for n in needs(poll)] == [leyla.id]


def test_answers_go_with_the_poll(group):
    _prog, amina, _leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    db.session.commit()
    db.session.delete(db.session.get(DatePoll, poll.id))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DateVote)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DateNeed)) == 0


# --- through the pages -------------------------------------------------------------------------


def _form(poll, answer="yes", **extra) -> dict:
    return {**{f"option-{o.id}": answer for o in poll.options}, **extra}


def test_member_page_shows_the_dates_in_her_language(app, login, group):
    _prog, amina, leyla, _staff, poll = group
    html = login(leyla, new_client(app)).get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    from flask_babel import force_locale, format_datetime

    with app.test_request_context(), force_locale("sv"):
        written = format_datetime(poll.options[0].starts_at, "EEEE d MMMM, HH:mm", rebase=False)
    assert written in html and "–<time datetime=\"" in html and ">19:30</time>" in html
    assert html.count('type="radio"') == 9
    assert 'name="children"' in html and 'name="interpreter"' not in html
    a = login(amina, new_client(app))
    assert 'name="interpreter"' in a.get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    home = a.get("/me").get_data(as_text=True)
    assert f'href="/me/date-polls/{poll.id}"' in home


def test_post_without_javascript_redirects_with_a_message(app, login, group):
    _prog, amina, _leyla, _staff, poll = group
    c = login(amina, new_client(app))
    resp = c.post(f"/me/date-polls/{poll.id}", data=_form(poll, "if_needed", children="2", interpreter="yes"))
    assert resp.status_code == 302 and resp.location.endswith(f"/me/date-polls/{poll.id}#poll-panel")
    assert needs(poll) == [(amina.id, 2, True)]
    page = c.get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    assert 'role="status"' in page
    assert page.count('value="if_needed" checked') == 3 and 'value="2"' in page
    # answered: no card on her home page any more
    assert f'href="/me/date-polls/{poll.id}"' not in c.get("/me").get_data(as_text=True)


def test_post_with_htmx_returns_the_panel(app, login, group):
    _prog, amina, _leyla, _staff, poll = group
    c = login(amina, new_client(app))
    resp = c.post(f"/me/date-polls/{poll.id}", data=_form(poll, "no"), headers={"HX-Request": "true"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="poll-panel"') and "<html" not in html
    assert [v[2] for v in votes(poll)] == ["no"] * 3


@pytest.mark.parametrize("bad", ["party", "missing", "children", "other-poll"])
def test_bad_input_changes_nothing(app, login, group, bad):
    prog, amina, _leyla, _staff, poll = group
    other = new_poll(prog, days=(20, 21), title="Another")
    services.answer(poll, amina, all_yes(poll))
    db.session.commit()
    data = _form(poll, "no")
    if bad == "party":
        data[f"option-{poll.options[0].id}"] = "party"
    elif bad == "missing":
        data.pop(f"option-{poll.options[0].id}")
    elif bad == "children":
        data = _form(poll, "yes", children="12")
    else:
        data[f"option-{other.options[0].id}"] = "yes"
    c = login(amina, new_client(app))
    before = snapshot()
    resp = c.post(f"/me/date-polls/{poll.id}", data=data)
    assert resp.status_code == 400
    assert 'role="alert"' in resp.get_data(as_text=True)
    assert snapshot() == before


def test_closed_poll_shows_her_answers_read_only(app, login, group):
    _prog, amina, _leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    services.close_poll(poll)
    db.session.commit()
    c = login(amina, new_client(app))
    html = c.get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    assert 'type="radio"' not in html
    assert c.post(f"/me/date-polls/{poll.id}", data=_form(poll, "no")).status_code == 409
    assert [v[2] for v in votes(poll)] == ["yes"] * 3


def test_members_see_totals_never_names(app, login, group):
    _prog, amina, leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    db.session.commit()
    html = login(leyla, new_client(app)).get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    assert "Amina" not in html and "date-totals" in html


def test_other_program_gets_404(app, login, group, make):
    _prog, _amina, _leyla, _staff, poll = group
    outsider = make.member(make.program())
    c = login(outsider, new_client(app))
    assert c.get(f"/me/date-polls/{poll.id}").status_code == 404
    assert c.post(f"/me/date-polls/{poll.id}", data=_form(poll)).status_code == 404
    assert c.get("/me/date-polls/999999").status_code == 404


def _new_form(**extra) -> dict:
    return {"title": "Träff i mars", "note": "Välj de dagar som passar.", "rows": "4",
            "option-0-day": day_at(10).date().isoformat(), "option-0-start": "17:30", "option-0-end": "19:30",
            "option-0-place": "Biblioteket",
            "option-2-day": day_at(12).date().isoformat(), "option-2-start": "10:00", **extra}


def test_staff_make_a_poll_without_javascript(app, login, group):
    prog, _amina, _leyla, staff, _poll = group
    c = login(staff, new_client(app))
    page = c.get(f"/staff/{prog.id}/date-polls/new").get_data(as_text=True)
    assert page.count('type="date"') == 4
    more = c.post(f"/staff/{prog.id}/date-polls/new", data=_new_form(more="1"))
    assert more.status_code == 200
    html = more.get_data(as_text=True)
    assert html.count('type="date"') == 5 and "Biblioteket" in html
    resp = c.post(f"/staff/{prog.id}/date-polls/new", data=_new_form())
    assert resp.status_code == 302
    poll = db.session.scalar(sa.select(DatePoll).where(DatePoll.title == "Träff i mars"))
    assert [(o.starts_at, o.ends_at, o.place) for o in poll.options] == [
        (day_at(10), day_at(10, time(19, 30)), "Biblioteket"), (day_at(12, time(10)), None, None)]
    assert resp.location.endswith(f"/staff/{prog.id}/date-polls/{poll.id}")


@pytest.mark.parametrize(("extra", "where"), [
    ({"option-2-day": "", "option-2-start": ""}, 'id="date-errors"'),
    ({"option-2-start": "25:00"}, 'id="option-2-start-error"'),
    ({"option-2-day": "2027-02-30"}, 'id="option-2-day-error"'),
    ({"option-0-end": "16:00"}, 'id="option-0-end-error"'),
    ({"option-2-day": "2020-01-01"}, 'id="option-2-day-error"'),
    ({"option-2-day": "9999-12-31"}, 'id="option-2-day-error"'),  # outside the app's years
    ({"option-2-day": "0001-01-01"}, 'id="option-2-day-error"'),  # was a 500 (before the first UTC moment)
    ({"option-0-day": "", "option-0-start": "", "option-0-end": "", "option-0-place": "",
      "option-1-day": day_at(12).date().isoformat(), "option-1-start": "10:00"}, 'id="option-2-start-error"'),  # twice
    ({"title": ""}, 'id="title-error"'),
])
def test_staff_bad_poll_changes_nothing(app, login, group, extra, where):
    prog, _amina, _leyla, staff, _poll = group
    c = login(staff, new_client(app))
    before = snapshot()
    resp = c.post(f"/staff/{prog.id}/date-polls/new", data=_new_form(**extra))
    assert resp.status_code == 400
    assert where in resp.get_data(as_text=True)
    assert snapshot() == before


def test_staff_see_the_best_date_and_who_answered(app, login, group):
    prog, amina, leyla, staff, poll = group
    a, b, c = poll.options
    services.answer(poll, amina, {str(a.id): "no", str(b.id): "yes", str(c.id): "if_needed"}, 2, True)
    services.answer(poll, leyla, {str(a.id): "no", str(b.id): "yes", str(c.id): "yes"})
    db.session.commit()
    html = login(staff, new_client(app)).get(f"/staff/{prog.id}/date-polls/{poll.id}").get_data(as_text=True)
    best = html.index(f'id="option-{b.id}"')
    assert best < html.index(f'id="option-{c.id}"') < html.index(f'id="option-{a.id}"')
    assert 'class="best-date"' in html[best - 30:best + 60]
    assert "Amina" in html and "Leyla" in html
    index = login(staff, new_client(app)).get(f"/staff/{prog.id}/date-polls/").get_data(as_text=True)
    assert poll.title in index


def test_staff_close_and_make_the_meeting(app, login, group):
    prog, amina, _leyla, staff, poll = group
    c = login(staff, new_client(app))
    option = poll.options[1]
    resp = c.post(f"/staff/{prog.id}/date-polls/{poll.id}/options/{option.id}/meeting")
    assert resp.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert resp.location.endswith(f"/staff/{prog.id}/meetings/{meeting.id}#agenda")
    assert meeting.starts_at == option.starts_at
    again = c.post(f"/staff/{prog.id}/date-polls/{poll.id}/options/{option.id}/meeting")
    assert again.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1
    # Her page links to the meeting now.
    html = login(amina, new_client(app)).get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    assert f'href="/me/meetings/{meeting.id}"' in html


def test_a_date_of_another_poll_is_404_for_staff(app, login, group):
    prog, _amina, _leyla, staff, poll = group
    other = new_poll(prog, days=(20, 21), title="Another")
    c = login(staff, new_client(app))
    before = snapshot()
    assert c.post(f"/staff/{prog.id}/date-polls/{poll.id}/options/{other.options[0].id}/meeting").status_code == 404
    assert snapshot() == before


def test_her_answers_stay_out_of_the_audit_log(app, login, make):
    from feedback.audit.models import AuditEntry

    prog = make.program()
    her = make.member(prog)
    make.user(prog, "steering", name="Also steering")
    poll = new_poll(prog)
    c = login(her, new_client(app))
    c.post(f"/me/date-polls/{poll.id}", data=_form(poll))
    tables = set(db.session.scalars(sa.select(AuditEntry.record_type)))
    assert not tables & {"date_votes", "date_needs"}


def test_a_poll_of_another_program_is_404_for_staff(app, login, group, make):
    _prog, _amina, _leyla, _staff, poll = group
    other = make.program()
    other_staff = make.staff(other)
    c = login(other_staff, new_client(app))
    before = snapshot()
    base = f"/staff/{other.id}/date-polls/{poll.id}"
    assert c.get(base).status_code == 404
    assert c.post(f"{base}/close").status_code == 404
    assert c.post(f"{base}/options/{poll.options[0].id}/meeting").status_code == 404
    assert snapshot() == before


def test_the_dashboard_counts_who_answered_each_poll(app, login, group, make):
    prog, amina, leyla, staff, poll = group
    make.member(prog, name="Quiet")
    services.answer(poll, amina, all_yes(poll))
    services.answer(poll, leyla, all_yes(poll, "no"))
    staff.preferred_language = "en"
    db.session.commit()
    c = login(staff, new_client(app))
    html = c.get(f"/staff/{prog.id}/dashboard?period=all").get_data(as_text=True)
    assert "1 date poll for a meeting; on average 67% of the members answered." in html
    csv = c.get(f"/staff/{prog.id}/dashboard/date_polls.csv?period=all")
    assert csv.status_code == 200
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].lstrip("\ufeff") == "Date poll,Opened,Answered,Members,Share"
    assert lines[1].startswith(f"{poll.title},") and ",2,3,67%" in lines[1]


def test_flask_retention_deletes_answers_to_old_polls(group, runner, time_machine):
    from datetime import UTC, timedelta

    from feedback.common.clock import utcnow

    _prog, amina, _leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    db.session.commit()
    result = runner.invoke(args=["retention"])
    assert "Deleted the answers of 0 members to date polls whose dates are more than 30 days ago." in result.output
    # The last date is 9 days ahead: 38 days from now, its answers are still kept; 40 days, gone.
    time_machine.move_to(utcnow().replace(tzinfo=UTC) + timedelta(days=38), tick=False)
    assert "answers of 0 members" in runner.invoke(args=["retention"]).output
    time_machine.move_to(utcnow().replace(tzinfo=UTC) + timedelta(days=2), tick=False)
    assert "answers of 1 members" in runner.invoke(args=["retention"]).output
    assert votes(poll) == [] and needs(poll) == []
    assert db.session.get(DatePoll, poll.id) is not None  # the poll and its dates stay


# --- staff change the dates of an open poll ------------------------------------------------------


def test_a_date_added_to_an_open_poll_takes_its_place_in_order(group):
    _prog, amina, _leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    added = services.add_option(poll, OptionInput(day_at(6), None, " Folkets hus ", row=0))
    db.session.commit()
    assert [o.starts_at for o in poll.options] == [day_at(6), day_at(7), day_at(8), day_at(9)]
    assert added.place == "Folkets hus"
    mine = services.answers_of(poll, amina.id)
    assert added.id not in mine.answers and len(mine.answers) == 3  # hers stay; the new one is unanswered


@pytest.mark.parametrize(("option", "message", "field"), [
    (lambda: OptionInput(day_at(8)), _l("This date and time is in the list twice."), "start"),
    (lambda: OptionInput(day_at(-1)), _l("This date has passed. Choose a date in the future."), "day"),
    (lambda: OptionInput(day_at(10), day_at(10, time(16))), None, "end"),  # ends before it starts
    (lambda: OptionInput(day_at(10), None, "x" * 201), _l("Write the place in at most %(n)s characters.", n=200),
     "place"),
])
def test_a_date_the_rules_refuse_is_not_added(group, option, message, field):
    poll = group[-1]
    with pytest.raises(RuleError) as refused:
        services.add_option(poll, option())
    assert refused.value.field == f"option-0-{field}"
    assert message is None or str(refused.value.message) == str(message)


def test_no_ninth_date_and_no_change_once_closed(make):
    prog = make.program()
    full = new_poll(prog, days=tuple(range(7, 15)))
    with pytest.raises(RuleError) as refused:
        services.add_option(full, OptionInput(day_at(20)))
    assert str(refused.value.message) == str(_l("Give at most %(n)s dates.", n=8))
    poll = new_poll(prog, days=(20, 21, 22), title="Closed")
    services.close_poll(poll)
    closed = str(_l("The poll is closed, so its dates cannot change."))
    with pytest.raises(RuleError) as refused:
        services.add_option(poll, OptionInput(day_at(30)))
    assert str(refused.value.message) == closed
    with pytest.raises(RuleError) as refused:
        services.remove_option(poll, poll.options[0])
    assert str(refused.value.message) == closed and len(poll.options) == 3


def test_a_removed_date_takes_its_answers_and_two_dates_stay(group):
    _prog, amina, leyla, _staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    services.answer(poll, leyla, all_yes(poll, "no"))
    first = poll.options[0]
    services.remove_option(poll, first)
    db.session.commit()
    assert [o.starts_at for o in poll.options] == [day_at(8), day_at(9)]
    assert db.session.get(DateOption, first.id) is None
    assert {starts for _user, starts, _answer in votes(poll)} == {day_at(8), day_at(9)} and len(votes(poll)) == 4
    with pytest.raises(RuleError) as refused:
        services.remove_option(poll, poll.options[0])
    assert str(refused.value.message) == str(_l("A date poll needs at least %(n)s dates.", n=2))


def test_staff_add_and_remove_a_date_without_javascript(app, login, group):
    prog, amina, _leyla, staff, poll = group
    services.answer(poll, amina, all_yes(poll))
    staff.preferred_language = "en"  # the page's words checked below
    db.session.commit()
    c = login(staff, new_client(app))
    base = f"/staff/{prog.id}/date-polls/{poll.id}"
    page = c.get(base).get_data(as_text=True)
    assert 'id="add-date-h"' in page and f'action="{base}/options"' in page
    assert page.count("Remove this date") == 3
    day = day_at(11).date().isoformat()
    resp = c.post(f"{base}/options", data={"option-0-day": day, "option-0-start": "18:00", "option-0-place": "Café"})
    db.session.expire_all()
    added = db.session.scalar(sa.select(DateOption).where(DateOption.poll_id == poll.id, DateOption.place == "Café"))
    assert resp.status_code == 302 and resp.location.endswith(f"{base}#option-{added.id}")
    assert added.starts_at == datetime.combine(day_at(11).date(), time(18))
    resp = c.post(f"{base}/options/{poll.options[0].id}/delete")
    assert resp.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(DatePoll, poll.id).options) == 3 and len(votes(poll)) == 2


@pytest.mark.parametrize(("form", "where"), [
    ({}, 'id="option-0-day-error"'),
    ({"option-0-day": "2027-02-30", "option-0-start": "18:00"}, 'id="option-0-day-error"'),
    ({"option-0-day": "2020-01-01", "option-0-start": "18:00"}, 'id="option-0-day-error"'),
    ({"option-0-day": "9999-12-31", "option-0-start": "23:00"}, 'id="option-0-day-error"'),
    ({"option-0-start": "18:00"}, 'id="option-0-day-error"'),
    ({"option-0-day": "DAY8", "option-0-start": "17:30"}, 'id="option-0-start-error"'),  # already in the poll
])
def test_staff_bad_new_date_gets_a_message_and_changes_nothing(app, login, group, form, where):
    prog, _amina, _leyla, staff, poll = group
    form = {k: (day_at(8).date().isoformat() if v == "DAY8" else v) for k, v in form.items()}
    c = login(staff, new_client(app))
    before = snapshot()
    resp = c.post(f"/staff/{prog.id}/date-polls/{poll.id}/options", data=form)
    assert resp.status_code in (400, 409) and where in resp.get_data(as_text=True)
    assert 'id="date-errors"' in resp.get_data(as_text=True)
    assert snapshot() == before


def test_a_closed_poll_or_two_dates_refuse_removal_with_a_message(app, login, group, make):
    prog, _amina, _leyla, staff, poll = group
    other = make.program()
    two = new_poll(prog, days=(20, 21), title="Two")
    services.close_poll(poll)
    staff.preferred_language = "en"  # the messages checked below
    db.session.commit()
    base, two_first, closed_first = f"/staff/{prog.id}/date-polls", two.options[0].id, poll.options[0].id
    c = login(staff, new_client(app))
    before = snapshot()
    for poll_id, option_id, message in ((poll.id, closed_first, "The poll is closed, so its dates cannot change."),
                                        (two.id, two_first, "A date poll needs at least 2 dates.")):
        resp = c.post(f"{base}/{poll_id}/options/{option_id}/delete", follow_redirects=True)
        assert message in resp.get_data(as_text=True)
    assert "Add a date" not in c.get(f"{base}/{poll.id}").get_data(as_text=True)
    assert c.post(f"{base}/{poll.id}/options/{two_first}/delete").status_code == 404  # a date of another poll
    assert c.post(f"/staff/{other.id}/date-polls/{poll.id}/options").status_code in (403, 404)
    assert snapshot() == before


def test_a_date_added_after_she_answered_asks_her_again(app, login, group):
    _prog, _amina, leyla, _staff, poll = group
    leyla.preferred_language = "en"
    services.answer(poll, leyla, all_yes(poll))
    db.session.commit()
    phone = login(leyla, new_client(app))
    page = phone.get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    assert "You have answered." in page and "A new date is added." not in page
    assert f'href="/me/date-polls/{poll.id}"' not in phone.get("/me").get_data(as_text=True)
    added = services.add_option(poll, OptionInput(day_at(12)))
    db.session.commit()
    page = phone.get(f"/me/date-polls/{poll.id}").get_data(as_text=True)
    assert "A new date is added. Please answer it too." in page and "You have answered." not in page
    new_choices = re.findall(rf'name="option-{added.id}" value="\w+"[^>]*>', page)
    assert len(new_choices) == 3 and not any("checked" in c for c in new_choices)  # hers stay checked
    assert page.count("checked") == 3
    assert f'href="/me/date-polls/{poll.id}"' in phone.get("/me").get_data(as_text=True)  # her home calls her back


# --- two requests at once (PostgreSQL; SQLite lets one writer at a time) ---------------------------


ROUNDS = 3  # a race is not lost every time: each round is a new chance


@needs_postgres
def test_make_the_meeting_pressed_twice_at_once_makes_one(app, login, make):
    prog = make.program()
    staff = make.staff(prog)
    for n in range(ROUNDS):
        poll = new_poll(prog, title=f"Träff {n}")
        url = f"/staff/{prog.id}/date-polls/{poll.id}/options/{poll.options[0].id}/meeting"
        codes = at_once(app, [(login(staff, new_client(app)), url, {}) for _ in range(2)])
        assert sorted(codes, key=str) == [302, 409], codes  # the second is told the meeting is made
        made = db.session.scalars(sa.select(Meeting.id).where(Meeting.title == f"Träff {n}")).all()
        assert made == [db.session.get(DatePoll, poll.id).meeting_id], codes


@needs_postgres
def test_the_same_date_added_twice_at_once_is_added_once(app, login, make):
    prog = make.program()
    staff = make.staff(prog)
    poll = new_poll(prog)
    url = f"/staff/{prog.id}/date-polls/{poll.id}/options"
    for n in range(ROUNDS):
        form = {"option-0-day": day_at(12 + n).date().isoformat(), "option-0-start": "18:00"}
        codes = at_once(app, [(login(staff, new_client(app)), url, dict(form)) for _ in range(2)])
        assert sorted(codes, key=str) == [302, 400], codes  # the second: "in the list twice"
        assert db.session.scalar(sa.select(sa.func.count()).where(
            DateOption.poll_id == poll.id, DateOption.starts_at == datetime.combine(day_at(12 + n).date(), time(18)))) == 1


@needs_postgres
def test_answering_while_staff_remove_a_date_is_never_a_500(app, login, make):
    prog = make.program()
    staff, amina = make.staff(prog), make.member(prog)
    poll = new_poll(prog, days=(7, 8, 9, 10, 11, 12, 13, 14))
    while len(poll.options) > 2:
        gone = poll.options[-1].id
        codes = at_once(app, [
            (login(amina, new_client(app)), f"/me/date-polls/{poll.id}",
             {f"option-{o.id}": "yes" for o in poll.options}),
            (login(staff, new_client(app)), f"/staff/{prog.id}/date-polls/{poll.id}/options/{gone}/delete", {}),
        ])
        # Removed first: she is told a date is not in the poll (the page shows the dates there are).
        assert sorted(codes, key=str) in ([302, 302], [302, 400]), codes
        assert gone not in [o.id for o in poll.options]
        assert votes(poll) in ([], [(amina.id, o.starts_at, "yes") for o in poll.options]), codes
