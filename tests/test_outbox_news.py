"""Who hears what, and how: her choice of channel and of kinds, the one-tap stop link, the
messages each event queues (in her language, with the page and the stop link, never twice),
the reminder to non-voters that leaves no trace of who voted, and what the time brings
(meeting reminders across the daylight-saving switches, follow-up questions, the weekly list)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from feedback.auth.models import User
from feedback.changes.models import ProgramChange
from feedback.common.clock import local_now
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings import replies
from feedback.outbox import choice, links, news, push, schedule
from feedback.outbox.models import MessageStop, OutboxMessage, State
from feedback.outbox.services import for_program
from feedback.outbox.worker import run_once
from feedback.programs.models import Membership, Role
from feedback.programs.services import parse_reminder_hours
from feedback.proposals import services as proposals
from feedback.votes.services import cast_vote
from tests.moments import local

TUESDAY_NOON = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm


def _rows(kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def _to(rows: list[OutboxMessage]) -> set[int]:
    return {r.user_id for r in rows}


@pytest.fixture
def group(make, time_machine):
    """A program with four members (SMS in Swedish, e-mail in English, no address, SMS in
    Arabic) and one staff member with e-mail; the clock on a Tuesday at noon."""
    time_machine.move_to(TUESDAY_NOON, tick=False)
    program = make.program()
    sms = make.member(program, name="Amina")
    sms.phone = "+46701234567"
    mail = make.member(program, name="Hodan", language="en")
    mail.email = "hodan@example.org"
    nothing = make.member(program, name="Sara")
    arabic = make.member(program, name="Layla", language="ar")
    arabic.phone = "0701234568"
    staff = make.staff(program, email="staff@example.org")
    db.session.commit()
    return program, {"sms": sms, "mail": mail, "nothing": nothing, "arabic": arabic, "staff": staff}


# --- her choice -------------------------------------------------------------------------


def test_until_she_chooses_a_member_gets_sms_or_email_and_the_office_email(group):
    _, p = group
    assert choice.channel_for(p["sms"]) == "sms"
    assert choice.channel_for(p["mail"]) == "email"
    assert choice.channel_for(p["nothing"]) is None
    p["staff"].phone = "+46701111111"
    assert choice.channel_for(p["staff"]) == "email"  # the office gets e-mail even with a phone


def test_her_choice_wins_and_none_means_none(group):
    _, p = group
    p["sms"].email = "amina@example.org"
    choice.set_channel(p["sms"], "email")
    assert choice.channel_for(p["sms"]) == "email"
    choice.set_channel(p["sms"], "none")
    assert choice.channel_for(p["sms"]) is None
    with pytest.raises(RuleError):  # no phone of hers takes push messages yet
        choice.set_channel(p["sms"], "push")
    push.subscribe(p["sms"].id, "https://fcm.googleapis.com/fcm/send/abc", "key", "auth")
    choice.set_channel(p["sms"], "push")
    assert choice.channel_for(p["sms"]) == "push"
    choice.set_channel(p["sms"], None)
    assert choice.channel_for(p["sms"]) == "sms"


@pytest.mark.parametrize(("channel", "words"), [("sms", "phone number"), ("email", "e-mail address"),
                                                ("fax", "Choose how")])
def test_a_channel_without_an_address_is_refused(app, group, channel, words):
    _, p = group
    with pytest.raises(RuleError) as refused:
        choice.set_channel(p["nothing"], channel)
    with app.test_request_context(), force_locale("en"):
        assert words in str(refused.value.message)
    assert refused.value.field == "message_channel"


def test_recipients_leave_out_who_stopped_the_kind_has_no_address_or_was_erased(group):
    _, p = group
    choice.stop(p["mail"].id, choice.Kind.VOTE)
    p["arabic"].erased_at = p["arabic"].created_at
    people = choice.recipients([u.id for u in p.values()], choice.Kind.VOTE)
    assert [(u.id, c) for u, c in people] == [(p["sms"].id, "sms"), (p["staff"].id, "email")]
    # The stop is for that kind only.
    assert p["mail"].id in {u.id for u, _ in choice.recipients([p["mail"].id], choice.Kind.MEETING)}


def test_her_settings_keep_the_kinds_she_unticks_as_stopped(group):
    _, p = group
    choice.set_stopped(p["sms"].id, [choice.Kind.VOTE, choice.Kind.REMINDER], choice.MEMBER_KINDS)
    assert choice.stopped_kinds(p["sms"].id) == {"vote", "reminder"}
    choice.set_stopped(p["sms"].id, [choice.Kind.REMINDER], choice.MEMBER_KINDS)
    assert choice.stopped_kinds(p["sms"].id) == {"reminder"}


# --- the settings page ------------------------------------------------------------------


def test_settings_page_saves_channel_and_kinds(client, login, group):
    _, p = group
    login(p["sms"])
    page = client.get("/me/messages").get_data(as_text=True)
    assert 'value="sms" checked' in page
    assert "+46701234567" in page  # her own number, so she knows where the SMS go
    resp = client.post("/me/messages", data={"channel": "none", "kinds": ["meeting", "decision"]})
    assert resp.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, p["sms"].id)
    assert user.message_channel == "none"
    assert choice.stopped_kinds(user.id) == {"reminder", "vote", "vote-reminder", "follow-up", "date-poll"}


def test_settings_page_refuses_sms_without_a_number_and_changes_nothing(client, login, group):
    _, p = group
    login(p["nothing"])
    resp = client.post("/me/messages", data={"channel": "sms", "kinds": []})
    assert resp.status_code == 400
    assert "Appen har inget telefonnummer till dig." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, p["nothing"].id).message_channel is None
    assert choice.stopped_kinds(p["nothing"].id) == set()


def test_the_office_is_offered_its_own_kinds(client, login, group):
    _, p = group
    login(p["staff"])
    page = client.get("/me/messages").get_data(as_text=True)
    assert 'value="new-posts"' in page and 'value="reports"' in page
    assert 'value="vote"' not in page


# --- the stop link ----------------------------------------------------------------------


def test_a_stop_link_asks_first_stops_on_post_and_can_be_undone(client, group):
    _, p = group
    token = links.stop_token(p["arabic"].id, "vote")
    page = client.get(f"/stop/{token}")
    assert page.status_code == 200
    assert 'lang="ar" dir="rtl"' in page.get_data(as_text=True)  # her language, not logged in
    assert choice.stopped_kinds(p["arabic"].id) == set()  # a mail program opening the link stops nothing
    assert client.post(f"/stop/{token}").status_code == 200
    assert choice.stopped_kinds(p["arabic"].id) == {"vote"}
    client.post(f"/stop/{token}", data={"undo": "1"})
    assert choice.stopped_kinds(p["arabic"].id) == set()


@pytest.mark.parametrize("token", ["nonsense", "WzEsInZvdGUiXQ.wrongsignature"])
def test_a_stop_link_that_was_not_made_by_the_app_is_404(client, group, token):
    assert client.get(f"/stop/{token}").status_code == 404
    assert client.post(f"/stop/{token}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageStop)) == 0


def test_a_stop_link_for_an_unknown_kind_or_an_erased_member_is_404(client, group):
    _, p = group
    assert client.get(f"/stop/{links.stop_token(p['sms'].id, 'everything')}").status_code == 404
    p["sms"].erased_at = p["sms"].created_at
    db.session.commit()
    assert client.get(f"/stop/{links.stop_token(p['sms'].id, 'vote')}").status_code == 404


# --- events -----------------------------------------------------------------------------


def test_a_new_meeting_tells_each_member_in_her_language_with_its_page_and_a_stop_link(app, group):
    program, p = group
    from feedback.meetings.services import create_meeting

    meeting = create_meeting(program.id, "Januarimöte", local_now().replace(microsecond=0) + timedelta(days=9),
                             place="Folkets hus", childcare=True, interpreter_languages="ar")
    db.session.commit()
    rows = _rows("meeting")
    assert _to(rows) == {p["sms"].id, p["mail"].id, p["arabic"].id}  # no address: none; staff: none
    by = {r.user_id: r for r in rows}
    sv, en, ar = by[p["sms"].id], by[p["mail"].id], by[p["arabic"].id]
    assert sv.channel == "sms" and en.channel == "email" and en.subject == "New meeting"
    assert "Nytt möte i expertgruppen." in sv.body and "Folkets hus" in sv.body and "barnpassning" in sv.body
    assert "torsdag 21 januari, 12:00" in sv.body
    assert "tolk" not in sv.body  # the interpreter is for Arabic
    assert "مترجم" in ar.body  # ... which she reads
    assert f"/me/meetings/{meeting.id}\n" in en.body  # the whole address (BASE_URL), then the stop link
    assert sv.link == f"/me/meetings/{meeting.id}"
    stop = en.body.split("Stop these messages: ")[1].strip()
    assert links.read_stop_token(stop.rsplit("/", 1)[1]) == (p["mail"].id, "meeting")
    assert "Amina" not in en.body and "Hodan" not in sv.body  # no names of other members


def test_the_same_event_queues_nothing_twice(app, group):
    program, _ = group
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    proposals.open_voting(proposal, None)
    news.voting_opened(proposal)
    db.session.commit()
    assert len(_rows("vote")) == 3


def test_voting_opened_again_is_news_again(app, group, time_machine):
    program, _ = group
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    proposals.open_voting(proposal, None)
    proposals.close_voting(proposal, None)
    time_machine.move_to(TUESDAY_NOON + timedelta(days=1), tick=False)
    proposals.open_voting(proposal, None)
    db.session.commit()
    assert len(_rows("vote")) == 6


def test_a_priority_poll_that_opens_is_a_new_vote_in_her_language(app, group):
    from feedback.priorities import services as priorities

    program, p = group
    poll = priorities.create_poll(program.id, None, title="Vad är viktigast?")
    priorities.set_translation(poll, "en", "What matters most?", "")
    priorities.add_option(poll, title="Kaffe")
    priorities.add_option(poll, title="Barnpassning")
    db.session.commit()
    assert _rows("vote") == []  # a draft is news to nobody
    priorities.open_poll(poll, None)
    news.priorities_opened(poll)  # a second call (a retry) queues nothing more
    db.session.commit()
    rows = _rows("vote")
    assert _to(rows) == {p["sms"].id, p["mail"].id, p["arabic"].id}
    by = {r.user_id: r for r in rows}
    assert "Vad är viktigast?" in by[p["sms"].id].body and by[p["sms"].id].link == f"/me/priorities/{poll.id}"
    assert by[p["mail"].id].subject == "Give your dots" and "What matters most?" in by[p["mail"].id].body
    # She stopped "A new vote": no dots message either.
    choice.stop(p["arabic"].id, "vote")
    other = priorities.create_poll(program.id, None, title="Igen")
    priorities.add_option(other, title="A")
    priorities.add_option(other, title="B")
    priorities.open_poll(other, None)
    db.session.commit()
    assert p["arabic"].id not in _to([r for r in _rows("vote") if r.link == f"/me/priorities/{other.id}"])


def test_the_vote_message_carries_the_title_in_her_language(app, group):
    program, p = group
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    proposals.set_translation(proposal, "en", "Coffee", "We drink coffee.", None)
    proposals.open_voting(proposal, None)
    db.session.commit()
    by = {r.user_id: r.body for r in _rows("vote")}
    assert "Nu kan du rösta: Kaffe." in by[p["sms"].id]
    assert "You can vote now: Coffee." in by[p["mail"].id]


# --- the reminder to those who have not voted -------------------------------------------


@pytest.mark.parametrize("secret", [False, True])
def test_the_vote_reminder_reaches_only_who_has_not_voted_and_leaves_no_trace(app, group, secret):
    program, p = group
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.",
                                         anonymous=secret)
    proposals.open_voting(proposal, None)
    cast_vote(proposal, p["sms"], "agree")
    assert proposals.remind_non_voters(proposal) == 3  # queued for all: the roll is not read here
    db.session.commit()
    run_once(app)
    rows = _rows("vote-reminder")
    assert [(r.user_id, r.state) for r in rows] == [(p["mail"].id, State.SENT), (p["arabic"].id, State.SENT)]
    assert "You have not voted yet" in rows[0].body
    # Staff see no reminders at all: who got one would tell who had not voted. Neither on the
    # program's message page nor in the data file they download for her (found by a review);
    # her own file has hers.
    assert all(m.kind != "vote-reminder" for m, _ in for_program(program.id))
    from feedback.privacy.services import my_data

    assert all(m["about"] != "vote-reminder" for m in my_data(p["mail"], program_id=program.id)["messages_to_you"])
    assert any(m["about"] == "vote-reminder" for m in my_data(p["mail"])["messages_to_you"])


def test_a_vote_reminder_waiting_when_voting_closes_is_not_sent(app, group):
    program, _ = group
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    proposals.open_voting(proposal, None)
    proposals.remind_non_voters(proposal)
    proposals.close_voting(proposal, None)
    db.session.commit()
    run_once(app)
    assert _rows("vote-reminder") == []


def test_no_reminder_when_voting_is_not_open(app, group):
    program, _ = group
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    with pytest.raises(RuleError) as refused:
        proposals.remind_non_voters(proposal)
    assert refused.value.status == 409


def test_staff_press_remind_once_per_opening(client, login, group):
    program, p = group
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    proposals.open_voting(proposal, None)
    db.session.commit()
    login(p["staff"])
    url = f"/staff/{program.id}/proposals/{proposal.id}/remind"
    assert "inte har röstat än" in client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Ingen ny påminnelse" in client.post(url, follow_redirects=True).get_data(as_text=True)
    assert len(_rows("vote-reminder")) == 3


# --- decisions, follow-ups and posts -----------------------------------------------------


def test_a_decision_is_told_to_who_voted_or_wrote_and_for_a_secret_vote_to_everyone(app, make, group):
    from feedback.decisions.services import concerned_members

    program, p = group
    named = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    secret = proposals.create_proposal(program.id, None, title="Te", summary="Vi dricker te.", anonymous=True)
    for proposal in (named, secret):
        proposals.open_voting(proposal, None)
        cast_vote(proposal, p["mail"], "agree")
    assert concerned_members(named) == {p["mail"].id}
    assert concerned_members(secret) == {p["sms"].id, p["mail"].id, p["nothing"].id, p["arabic"].id}


def test_a_decision_queues_the_message_with_the_decision(app, make, group):
    from feedback.decisions.services import decide

    program, p = group
    steering = make.user(program, "steering", email="styr@example.org")
    proposal = proposals.create_proposal(program.id, None, title="Kaffe", summary="Vi dricker kaffe.")
    proposals.open_voting(proposal, None)
    cast_vote(proposal, p["mail"], "agree")
    proposals.close_voting(proposal, None)
    decide(steering, proposal, "accepted", "Vi gör det.")
    db.session.commit()
    rows = _rows("decision")
    assert _to(rows) == {p["mail"].id}
    assert rows[0].link == "/me/ideas" and "Coffee" not in rows[0].body and "Kaffe" in rows[0].body


def test_a_member_post_tells_staff_once_a_day_per_conversation(app, group, time_machine):
    from feedback.threads import services as threads

    program, p = group
    from feedback.topics.models import Topic

    topic = db.session.scalars(sa.select(Topic).where(Topic.program_id == program.id)).first()
    thread = threads.start_thread(p["sms"], topic, "Hej! Jag har en fråga.")
    threads.reply(p["mail"], thread, "Jag också.")
    db.session.commit()
    rows = _rows("new-posts")
    assert _to(rows) == {p["staff"].id} and len(rows) == 1
    assert rows[0].channel == "email" and "fråga" not in rows[0].body  # no post content
    time_machine.move_to(TUESDAY_NOON + timedelta(days=1), tick=False)
    threads.reply(p["arabic"], thread, "مرحبا")
    db.session.commit()
    assert len(_rows("new-posts")) == 2
    threads.report(p["mail"], thread.posts[0])
    db.session.commit()
    assert _to(_rows("reports")) == {p["staff"].id}


# --- what the time brings ----------------------------------------------------------------


def test_reminder_hours_are_checked():
    assert parse_reminder_hours("48, 3") == [48, 3]
    assert parse_reminder_hours("3;48;3") == [48, 3]
    assert parse_reminder_hours("") == []
    for bad in ("0", "two", "400", "1,2,3,4", "-3"):
        with pytest.raises(RuleError):
            parse_reminder_hours(bad)


START = datetime(2027, 3, 10, 17, 0)  # naive UTC


@pytest.mark.parametrize(("now", "due"), [
    (START - timedelta(hours=49), None),  # too early
    (START - timedelta(hours=48), 48),
    (START - timedelta(hours=20), 48),
    (START - timedelta(hours=3), 3),
    (START - timedelta(minutes=1), 3),
    (START, None),  # it has begun
])
def test_which_reminder_is_due(now, due):
    created = START - timedelta(days=10)
    assert schedule.reminder_due(START, created, [48, 3], now) == due


def test_a_reminder_whose_time_had_passed_when_the_meeting_was_planned_is_not_sent():
    created = START - timedelta(hours=30)  # planned 30 hours before: the news told her
    assert schedule.reminder_due(START, created, [48, 3], START - timedelta(hours=29)) is None
    assert schedule.reminder_due(START, created, [48, 3], START - timedelta(hours=2)) == 3


@pytest.mark.parametrize(("meeting_local", "reminded_local"), [
    # The Monday after the spring switch at 18:00: 48 real hours before is Saturday at 17:00.
    (datetime(2027, 3, 29, 18, 0), local(2027, 3, 27, 17, 0)),
    # The Monday after the autumn switch at 18:00: 48 real hours before is Saturday at 19:00.
    (datetime(2027, 11, 1, 18, 0), local(2027, 10, 30, 19, 0)),
])
def test_the_48_hour_reminder_counts_real_hours_across_a_daylight_saving_switch(
        app, make, time_machine, meeting_local, reminded_local):
    time_machine.move_to(reminded_local - timedelta(days=20), tick=False)
    program = make.program()
    member = make.member(program)
    member.phone = "+46701234567"
    from feedback.meetings.services import create_meeting

    create_meeting(program.id, "Möte", meeting_local)
    db.session.commit()
    just_before = (reminded_local - timedelta(minutes=1)).replace(tzinfo=None)
    assert schedule.meeting_reminders(just_before) == 0
    assert schedule.meeting_reminders(reminded_local.replace(tzinfo=None)) == 1
    assert schedule.meeting_reminders(reminded_local.replace(tzinfo=None) + timedelta(hours=1)) == 0  # once
    assert [r.kind for r in _rows("reminder")] == ["reminder"]


def test_reminders_go_out_48_and_3_hours_before_and_follow_the_program_setting(app, make, group, time_machine):
    program, p = group
    from feedback.meetings.services import create_meeting

    meeting = create_meeting(program.id, "Möte", datetime(2027, 1, 20, 18, 0))
    db.session.commit()
    starts = datetime(2027, 1, 20, 17, 0)  # UTC
    assert schedule.meeting_reminders(starts - timedelta(hours=47)) == 3
    assert schedule.meeting_reminders(starts - timedelta(hours=2)) == 3
    assert {r.idempotency_key.split(":")[0] for r in _rows("reminder")} == {"reminder-48h", "reminder-3h"}
    # Who said she cannot come is not reminded again; who is not sure is.
    replies.reply(meeting, p["sms"], "not_coming")
    replies.reply(meeting, p["mail"], "maybe")
    assert schedule.reminded_members(meeting) == sorted([p["mail"].id, p["nothing"].id, p["arabic"].id])
    assert all(r.link == f"/me/meetings/{meeting.id}" for r in _rows("reminder"))
    program.reminder_hours = ""
    other = create_meeting(program.id, "Möte 2", datetime(2027, 1, 27, 18, 0))
    db.session.commit()
    assert schedule.meeting_reminders(datetime(2027, 1, 27, 15, 0)) == 0
    assert other.id


def test_a_follow_up_question_is_sent_on_its_day_to_who_has_not_answered(app, group, time_machine):
    program, _ = group
    change = ProgramChange(program_id=program.id, title="Kvällsmöten", description="Vi träffas på kvällen.",
                           changed_on=date(2026, 12, 1), review_on=date(2027, 1, 12))
    old = ProgramChange(program_id=program.id, title="Fika", description="Vi fikar.",
                        changed_on=date(2026, 11, 1), review_on=date(2026, 12, 20))
    db.session.add_all([change, old])
    db.session.commit()
    assert schedule.follow_ups(datetime(2027, 1, 11, 22, 59)) == 0  # 23:59 on the 11th in Stockholm
    assert schedule.follow_ups(datetime(2027, 1, 11, 23, 0)) == 3  # midnight: the 12th
    assert schedule.follow_ups(datetime(2027, 1, 12, 9, 0)) == 0
    assert {r.idempotency_key.split(":")[1] for r in _rows("follow-up")} == {str(change.id)}


def test_the_steering_group_gets_the_weekly_list_on_monday_morning(app, make, group):
    program, _ = group
    steering = make.user(program, "steering", email="styr@example.org")
    first = make.proposal(program, "voted", title="Äldst")
    make.proposal(program, "voted", title="Nyare")
    first.voting_closed_at = datetime(2027, 1, 1, 10, 0)
    db.session.commit()
    sunday, monday_early, monday = local(2027, 1, 17, 9), local(2027, 1, 18, 7), local(2027, 1, 18, 8, 30)
    for moment in (sunday, monday_early):
        assert schedule.weekly_digests(moment.replace(tzinfo=None)) == 0
    assert schedule.weekly_digests(monday.replace(tzinfo=None)) == 1
    assert schedule.weekly_digests(monday.replace(tzinfo=None) + timedelta(hours=3)) == 0  # once a week
    (row,) = _rows("digest")
    assert row.user_id == steering.id and row.channel == "email"
    assert row.body.index("Äldst") < row.body.index("Nyare")
    assert "(har väntat 17 dagar)" in row.body


def test_the_weekly_list_counts_days_by_the_programs_calendar(app, make, group):
    program, _ = group
    steering = make.user(program, "steering", email="styr@example.org")
    proposal = make.proposal(program, "voted", title="Efter midnatt")
    # 00:30 on Monday 18 January in Stockholm: 23:30 UTC on Sunday.
    proposal.voting_closed_at = local(2027, 1, 18, 0, 30).replace(tzinfo=None)
    db.session.commit()
    assert schedule.weekly_digests(local(2027, 1, 18, 8, 30).replace(tzinfo=None)) == 1
    (row,) = _rows("digest")
    assert row.user_id == steering.id and "(har väntat 0 dagar)" in row.body, row.body


def test_the_worker_runs_the_schedule_at_most_once_a_minute(app, group, monkeypatch):
    from feedback.outbox import worker

    calls = []
    monkeypatch.setattr(worker, "_scheduled_at", None)
    monkeypatch.setattr(schedule, "queue_due", lambda now: calls.append(now) or 0)
    now = datetime(2027, 1, 12, 11, 0)
    worker.run_schedule(now)
    worker.run_schedule(now + timedelta(seconds=59))
    worker.run_schedule(now + timedelta(seconds=60))
    assert calls == [now, now + timedelta(seconds=60)]


# --- staff set it for her, and her data ---------------------------------------------------


def test_staff_choose_for_her_on_the_member_form(client, login, group):
    program, p = group
    login(p["staff"])
    url = f"/staff/{program.id}/members/{p['nothing'].id}/edit"
    resp = client.post(url, data={"name": "Sara", "preferred_language": "sv", "message_channel": "sms"})
    assert resp.status_code == 400
    assert "Hon har inget telefonnummer" in resp.get_data(as_text=True)
    resp = client.post(url, data={"name": "Sara", "preferred_language": "sv", "phone": "070-765 43 21",
                                  "message_channel": "sms"})
    assert resp.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, p["nothing"].id)
    assert (user.phone, user.message_channel) == ("+46707654321", "sms")


def test_her_choice_is_in_her_data_and_goes_when_she_is_erased(app, group):
    from feedback.privacy.services import erase, my_data

    _, p = group
    choice.set_channel(p["sms"], "none")
    choice.stop(p["sms"].id, "vote")
    data = my_data(p["sms"])
    assert data["about_you"]["messages_by"] == "none"
    assert data["about_you"]["messages_you_stopped"] == ["vote"]
    erase(p["sms"])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, p["sms"].id).message_channel is None
    assert choice.stopped_kinds(p["sms"].id) == set()


def test_someone_who_left_hears_nothing(app, group):
    program, p = group
    db.session.execute(sa.update(Membership).where(Membership.user_id == p["sms"].id)
                       .values(left_at=p["sms"].created_at))
    assert p["sms"].id not in news.holders(program.id, Role.MEMBER)
