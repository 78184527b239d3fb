"""The outbox: a message is a row written with the event that causes it, sent once by the worker
through a real protocol (SMTP to a mail server started here, 46elks' HTTP API to a server started
here), retried with backoff when the provider fails for a while, given up with a reason, held
during the night, and never sent to someone who left or was erased."""
from __future__ import annotations

import base64
import json
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.meetings.models import Meeting
from feedback.members import services as members
from feedback.outbox.models import OutboxMessage, State
from feedback.outbox.services import enqueue, for_program
from feedback.outbox.worker import backoff, claim, quiet_until, run_once
from feedback.privacy.services import my_data
from feedback.programs.models import Membership
from tests.databases import USE_POSTGRES
from tests.moments import local
from tests.routes_support import left_a_now_in_b, new_client

NOON = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm, a Tuesday


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _configure(app, monkeypatch, settings: dict) -> None:
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


def _mail_to_staff(make, key: str, body: str = "Ett nytt inlägg."):
    """Staff with an e-mail address, and a message to her in the outbox."""
    staff = make.staff(make.program(), email="sara@example.org")
    enqueue(staff, "email", "new_post", key, body, subject="Nytt inlägg")
    db.session.commit()
    return staff


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def member(make):
    program = make.program()
    m = make.member(program, name="Amina")
    m.phone, m.email = "+46701234567", "amina@example.org"
    db.session.commit()
    return m


# --- queueing ---------------------------------------------------------------------------


def test_the_same_event_queues_one_message(app, member):
    assert enqueue(member, "sms", "vote_open", "vote-open:7", "Röstningen har börjat.") is True
    assert enqueue(member, "sms", "vote_open", "vote-open:7", "Röstningen har börjat.") is False
    assert enqueue(member, "email", "vote_open", "vote-open:7", "Röstningen har börjat.", subject="Rösta") is True
    db.session.commit()
    assert [(m.channel, m.state) for m in _messages()] == [("sms", State.QUEUED), ("email", State.QUEUED)]


def test_a_message_is_rolled_back_with_its_event(app, member):
    enqueue(member, "sms", "vote_open", "vote-open:8", "Röstningen har börjat.")
    db.session.rollback()  # the event failed: its message was never there
    assert _messages() == []


def test_an_unknown_channel_is_refused(app, member):
    with pytest.raises(ValueError, match="unknown channel"):
        enqueue(member, "pigeon", "vote_open", "k", "x")


# --- sending ----------------------------------------------------------------------------


def test_the_console_sends_each_message_once(app, member, time_machine):
    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:1", "Röstningen har börjat.")
    enqueue(member, "email", "vote_open", "vote-open:1", "Röstningen har börjat.", subject="Rösta")
    db.session.commit()
    assert run_once(app) == {State.SENT: 2}
    sent = _messages()
    assert all(m.state == State.SENT and m.provider_id and m.attempts == 1 and m.sent_at for m in sent)
    assert run_once(app) == {}  # nothing is sent twice


@pytest.mark.parametrize(("change", "reason"), [
    (lambda u: setattr(u, "phone", None), "she has no phone number"),
    (lambda u: setattr(u, "active", False), "her account is stopped"),
    (lambda u: setattr(u, "erased_at", utcnow()), "her data was erased"),
    (lambda u: [setattr(m, "left_at", utcnow()) for m in u.memberships], "she is in no group any more"),
])
def test_nothing_is_sent_to_her_and_the_row_says_why(app, member, time_machine, change, reason):
    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "meeting", "meeting:1", "Träff på lördag.")
    change(member)
    db.session.commit()
    assert run_once(app) == {State.DROPPED: 1}
    (message,) = _messages()
    assert message.state == State.DROPPED and message.last_error == reason and message.attempts == 0


def test_a_number_typed_before_numbers_were_checked_is_checked_when_sent(app, make, member, elks, time_machine):
    from feedback.programs.models import Program

    time_machine.move_to(NOON, tick=False)
    member.phone = "070-765 43 21"  # written by hand, Swedish, without +46
    enqueue(member, "sms", "meeting", "meeting:3", "Träff på lördag.")
    other = make.member(db.session.get(Program, member.memberships[0].program_id), name="Nora")
    other.phone = "12"  # stored before numbers were checked
    enqueue(other, "sms", "meeting", "meeting:3", "Träff på lördag.")
    db.session.commit()
    assert run_once(app) == {State.SENT: 1, State.DROPPED: 1}
    assert [r["to"] for r in elks.received] == ["+46707654321"]
    assert _messages()[1].last_error == "her phone number is not one an SMS can go to"


@pytest.mark.parametrize(("typed", "stored"), [
    ("070-123 45 67", "+46701234567"), ("+46 70 123 45 67", "+46701234567"), ("0046701234567", "+46701234567"),
    ("+358 40 1234567", "+358401234567"), ("08-123 456 78", "+46812345678"),
    ("123", None), ("0701", None), ("", None), ("call me", None),
])
def test_phone_numbers_are_written_one_way(typed, stored):
    from feedback.common.phones import e164

    assert e164(typed) == stored


def test_a_form_with_a_wrong_number_is_told_how_to_write_it(app):
    from feedback.common.errors import RuleError
    from feedback.common.phones import normalise_phone

    assert normalise_phone("  ") is None
    with pytest.raises(RuleError) as refused:
        normalise_phone("0701")
    assert refused.value.field == "phone" and "070 123 45 67" in str(refused.value.message)


def test_no_sms_provider_means_nothing_is_sent(app, member, monkeypatch, time_machine):
    time_machine.move_to(NOON, tick=False)
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "")
    enqueue(member, "sms", "meeting", "meeting:2", "Träff på lördag.")
    db.session.commit()
    run_once(app)
    assert _messages()[0].last_error == "no provider for sms is set up"


# --- quiet hours ------------------------------------------------------------------------


@pytest.mark.parametrize(("now_utc", "morning_utc"), [
    (datetime(2027, 1, 12, 11, 0), None),  # noon
    (datetime(2027, 1, 12, 6, 59), datetime(2027, 1, 12, 7, 0)),  # 07:59 in Stockholm: wait a minute
    (datetime(2027, 1, 12, 20, 0), datetime(2027, 1, 13, 7, 0)),  # 21:00: until tomorrow 08:00 (UTC+1)
    (datetime(2026, 12, 31, 22, 30), datetime(2027, 1, 1, 7, 0)),  # 23:30 on new year's eve
    (datetime(2027, 3, 27, 22, 0), datetime(2027, 3, 28, 6, 0)),  # the night the clocks go forward
    (datetime(2027, 10, 30, 21, 0), datetime(2027, 10, 31, 7, 0)),  # the night they go back
])
def test_the_night_ends_at_eight_in_stockholm(app, now_utc, morning_utc):
    assert quiet_until(now_utc, (21, 8)) == morning_utc


@pytest.mark.parametrize(("quiet", "now", "until"), [
    # "21-8", across midnight, after the clocks have changed: the end is on the new offset.
    ((21, 8), local(2027, 3, 28, 3, 30), local(2027, 3, 28, 8)),  # 01:30 UTC; 06:00 UTC
    ((21, 8), local(2027, 10, 31, 2, 30, fold=1), local(2027, 10, 31, 8)),  # 01:30 UTC; 07:00 UTC
    ((21, 8), local(2027, 10, 30, 23, 0), local(2027, 10, 31, 8)),  # the evening before the switch
    # "0-7", from midnight: quiet until 07:00 of the same day, on either side of the switch.
    ((0, 7), local(2027, 3, 28, 0, 30), local(2027, 3, 28, 7)),  # 23:30 UTC on the 27th; 05:00 UTC
    ((0, 7), local(2027, 3, 28, 3, 0), local(2027, 3, 28, 7)),  # just after the switch
    ((0, 7), local(2027, 10, 31, 2, 30), local(2027, 10, 31, 7)),  # 02:30 summer time; 06:00 UTC
    ((0, 7), local(2027, 10, 31, 2, 30, fold=1), local(2027, 10, 31, 7)),  # 02:30 again, winter time
    ((0, 7), local(2027, 3, 27, 23, 59), None),  # the evening before is not quiet
    ((0, 7), local(2027, 3, 28, 7), None),
    ((0, 7), local(2027, 10, 31, 12), None),
    ((21, 8), local(2027, 10, 31, 12), None),
], ids=["21-8 spring after", "21-8 autumn after", "21-8 autumn before", "0-7 spring before", "0-7 spring after",
        "0-7 autumn first", "0-7 autumn second", "0-7 evening", "0-7 at seven", "0-7 noon", "21-8 noon"])
def test_quiet_hours_of_both_shapes_on_the_switch_nights(app, quiet, now, until):
    morning = quiet_until(now.replace(tzinfo=None), quiet)
    assert morning == (until.replace(tzinfo=None) if until else None)


def test_an_sms_to_a_member_waits_for_the_morning_and_email_does_not(app, member, time_machine):
    time_machine.move_to(datetime(2027, 1, 12, 21, 30, tzinfo=UTC), tick=False)  # 22:30 in Stockholm
    enqueue(member, "sms", "vote_open", "vote-open:3", "Röstningen har börjat.")
    enqueue(member, "email", "vote_open", "vote-open:3", "Röstningen har börjat.", subject="Rösta")
    db.session.commit()
    assert run_once(app) == {"held": 1, State.SENT: 1}
    sms = next(m for m in _messages() if m.channel == "sms")
    assert sms.state == State.QUEUED and sms.attempts == 0 and sms.next_attempt_at == datetime(2027, 1, 13, 7, 0)
    time_machine.move_to(datetime(2027, 1, 13, 7, 0, 1, tzinfo=UTC), tick=False)
    assert run_once(app) == {State.SENT: 1}


def test_without_quiet_hours_an_sms_goes_at_night_too(app, member, monkeypatch, time_machine):
    monkeypatch.setitem(app.config, "QUIET_HOURS", None)
    time_machine.move_to(datetime(2027, 1, 12, 21, 30, tzinfo=UTC), tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:16", "Röstningen har börjat.")
    db.session.commit()
    assert run_once(app) == {State.SENT: 1}


@pytest.mark.parametrize(("value", "hours"), [("21-8", (21, 8)), ("22-7", (22, 7)), ("0-7", (0, 7)),
                                             ("", None), (" ", None)])
def test_quiet_hours_come_from_the_environment(value, hours):
    from feedback.config import _hours

    assert _hours(value) == hours


@pytest.mark.parametrize(("value", "says"), [("8-8", "the same hour"), ("0-0", "the same hour"),
                                             ("21-24", "0 to 23"), ("night", "two hours"), ("21", "two hours")])
def test_quiet_hours_that_make_no_sense_stop_the_app_at_start(value, says):
    from feedback.config import _hours

    with pytest.raises(ValueError, match=says):
        _hours(value)


# --- 46elks, a real HTTP exchange ----------------------------------------------------------


class _Elks(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        auth = self.headers.get("Authorization", "")
        ok_auth = auth == "Basic " + base64.b64encode(b"u123:secret").decode()
        status = self.answers.pop(0) if self.answers else 200
        if self.path != "/a1/sms" or not ok_auth:
            status = 401
        self.received.append({"path": self.path, "auth": ok_auth, **{k: v[0] for k, v in parse_qs(body).items()}})
        payload = json.dumps({"id": f"s{len(self.received)}", "status": "created"} if status == 200
                             else {"error": "no"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def elks(app, monkeypatch):
    _Elks.answers, _Elks.received = [], []
    server = HTTPServer(("127.0.0.1", _free_port()), _Elks)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _configure(app, monkeypatch, {"SMS_PROVIDER": "46elks", "ELKS_URL": f"http://127.0.0.1:{server.server_port}",
                                  "ELKS_USERNAME": "u123", "ELKS_PASSWORD": "secret", "SMS_FROM": "Expert"})
    yield _Elks
    server.shutdown()
    server.server_close()


def test_46elks_gets_the_number_the_text_and_the_password(app, member, elks, time_machine):
    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:4", "Röstningen har börjat. Rösta i appen.")
    db.session.commit()
    assert run_once(app) == {State.SENT: 1}
    assert elks.received == [{"path": "/a1/sms", "auth": True, "from": "Expert", "to": "+46701234567",
                              "message": "Röstningen har börjat. Rösta i appen."}]
    assert _messages()[0].provider_id == "s1"


def test_a_failing_provider_is_tried_again_later_and_then_given_up(app, member, elks, monkeypatch, time_machine):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    monkeypatch.setitem(app.config, "OUTBOX_FIRST_RETRY_SECONDS", 60)
    elks.answers = [500, 503, 500]
    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:5", "Röstningen har börjat.")
    db.session.commit()
    assert run_once(app) == {"retry": 1}
    (m,) = _messages()
    assert m.state == State.QUEUED and m.attempts == 1 and "500" in m.last_error
    assert m.next_attempt_at == NOON.replace(tzinfo=None) + timedelta(seconds=60)
    assert run_once(app) == {}  # not before its time
    time_machine.move_to(NOON + timedelta(seconds=61), tick=False)
    assert run_once(app) == {"retry": 1}
    assert _messages()[0].next_attempt_at == NOON.replace(tzinfo=None) + timedelta(seconds=61 + 120)
    time_machine.move_to(NOON + timedelta(seconds=200), tick=False)
    assert run_once(app) == {State.FAILED: 1}
    (m,) = _messages()
    assert m.state == State.FAILED and m.attempts == 3 and m.last_error.startswith("gave up after 3 tries")
    assert len(elks.received) == 3


def test_a_refused_password_is_not_tried_again(app, member, elks, monkeypatch, time_machine):
    time_machine.move_to(NOON, tick=False)
    monkeypatch.setitem(app.config, "ELKS_PASSWORD", "wrong")
    enqueue(member, "sms", "vote_open", "vote-open:6", "Röstningen har börjat.")
    db.session.commit()
    assert run_once(app) == {State.FAILED: 1}
    assert "401" in _messages()[0].last_error and len(elks.received) == 1


def test_a_provider_that_does_not_answer_is_a_temporary_failure(app, member, monkeypatch, time_machine):
    time_machine.move_to(NOON, tick=False)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        _configure(app, monkeypatch, {"SMS_PROVIDER": "46elks", "OUTBOX_PROVIDER_TIMEOUT": 0.3,
                                      "ELKS_URL": f"http://127.0.0.1:{silent.getsockname()[1]}"})
        enqueue(member, "sms", "vote_open", "vote-open:9", "Röstningen har börjat.")
        db.session.commit()
        assert run_once(app) == {"retry": 1}
    assert "could not be reached" in _messages()[0].last_error


# --- e-mail, a real SMTP exchange ----------------------------------------------------------


class _MailBox:
    def __init__(self) -> None:
        self.mails: list = []
        self.answer: str | None = None  # e.g. "550 ..." to refuse

    async def handle_DATA(self, server, session, envelope):
        if self.answer:
            return self.answer
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"


@pytest.fixture
def mailbox(app, monkeypatch):
    box = _MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    _configure(app, monkeypatch, {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port, "SMTP_STARTTLS": False,
                                  "MAIL_FROM": "expertgrupp@example.org"})
    yield box
    controller.stop()


def test_an_email_reaches_the_mail_server_as_written(app, make, mailbox, time_machine):
    time_machine.move_to(NOON, tick=False)
    _mail_to_staff(make, "new-post:1", "Ett nytt inlägg väntar på svar.")
    assert run_once(app) == {State.SENT: 1}
    ((rcpt, mail),) = mailbox.mails
    assert rcpt == ["sara@example.org"]
    assert (mail["From"], mail["To"], mail["Subject"]) == ("expertgrupp@example.org", "sara@example.org", "Nytt inlägg")
    assert mail.get_content().strip() == "Ett nytt inlägg väntar på svar."
    assert _messages()[0].provider_id == mail["Message-ID"]


@pytest.mark.parametrize(("answer", "outcome"), [("550 No such user here", State.FAILED),
                                                 ("451 Try again later", "retry")])
def test_a_refusing_mail_server(app, make, mailbox, time_machine, answer, outcome):
    time_machine.move_to(NOON, tick=False)
    mailbox.answer = answer
    _mail_to_staff(make, "new-post:2")
    assert run_once(app) == {outcome: 1}
    assert answer[:3] in _messages()[0].last_error


# --- workers, retries, the command ---------------------------------------------------------


def test_backoff_doubles_and_stops_at_a_day():
    assert [backoff(n, 60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(30, 60) == timedelta(days=1)


def test_a_claimed_message_is_not_claimed_again_until_its_claim_runs_out(app, member, time_machine):
    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:10", "Röstningen har börjat.")
    db.session.commit()
    now = utcnow()
    assert len(claim(10, now)) == 1
    assert claim(10, now) == []  # a second worker finds nothing
    assert len(claim(10, now + timedelta(minutes=6))) == 1  # the first worker died: it is taken again


def test_a_worker_whose_claim_ran_out_leaves_the_message(app, member, time_machine):
    from feedback.outbox.providers import providers_for
    from feedback.outbox.worker import deliver

    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:17", "Röstningen har börjat.")
    db.session.commit()
    (message_id,) = claim(10, utcnow())
    time_machine.move_to(NOON + timedelta(minutes=6), tick=False)  # slow providers: the claim is over
    assert deliver(message_id, providers_for(app)) == "claim lost"
    (m,) = _messages()
    assert m.state == State.SENDING and m.attempts == 0 and m.sent_at is None


@pytest.mark.skipif(not USE_POSTGRES, reason="needs TEST_DB=postgres: SKIP LOCKED")
def test_two_workers_at_once_share_the_messages_and_send_each_once(app, make, time_machine):
    time_machine.move_to(NOON, tick=False)
    program = make.program()
    for i in range(40):
        m = make.member(program)
        m.phone = f"+4670000{i:04d}"
        enqueue(m, "sms", "vote_open", "vote-open:11", "Röstningen har börjat.")
    db.session.commit()
    results: list[list[int]] = [[], []]
    start = threading.Barrier(2)

    def worker(k: int) -> None:
        with app.app_context():
            start.wait()
            while ids := claim(3, utcnow()):
                results[k] += ids
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not set(results[0]) & set(results[1])
    assert len(results[0]) + len(results[1]) == 40


def test_the_command_sends_what_is_due(app, runner, member, time_machine):
    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:12", "Röstningen har börjat.")
    db.session.commit()
    result = runner.invoke(args=["outbox", "run-once"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert runner.invoke(args=["outbox", "run-once"]).output.strip() == "Outbox: nothing was due."
    # --limit 0 claimed nothing and asked again for ever, in a cron job (found by a review).
    zero = runner.invoke(args=["outbox", "run-once", "--limit", "0"])
    assert zero.exit_code == 2 and "--limit" in zero.output


# --- her data ------------------------------------------------------------------------------


def test_her_messages_are_in_her_data_and_go_when_she_is_erased(app, member, time_machine):
    from feedback.privacy.services import erase, my_data

    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:13", "Röstningen har börjat.")
    db.session.commit()
    run_once(app)
    assert my_data(member)["messages_to_you"] == [
        {"by": "sms", "about": "vote_open", "state": "sent", "made": "2027-01-12T11:00:00", "sent": "2027-01-12T11:00:00"}]
    erase(member)
    db.session.commit()
    assert _messages() == []


def test_retention_deletes_old_sent_messages_only(app, member, time_machine):
    from feedback.operations.retention import delete_old_outbox_messages

    time_machine.move_to(NOON, tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:14", "Gammalt.")
    db.session.commit()
    run_once(app)
    time_machine.move_to(NOON + timedelta(days=91), tick=False)
    enqueue(member, "sms", "vote_open", "vote-open:15", "Nytt, väntar.", not_before=utcnow() + timedelta(days=1))
    assert delete_old_outbox_messages() == 1
    db.session.commit()
    assert [m.body for m in _messages()] == ["Nytt, väntar."]


# --- the staff page ----------------------------------------------------------------------------


def test_staff_see_the_messages_of_their_own_group_only(app, make, login, member, time_machine):
    from feedback.programs.models import Program
    from tests.routes_support import new_client

    time_machine.move_to(NOON, tick=False)
    own = member.memberships[0].program_id
    stranger = make.member(make.program(), name="Olga Other")
    stranger.phone = "+46709999999"
    enqueue(member, "sms", "vote_open", "vote-open:20", "Röstningen har börjat.")
    enqueue(stranger, "sms", "vote_open", "vote-open:21", "Röstningen har börjat.")
    member.phone = None
    db.session.commit()
    run_once(app)
    staff = login(make.staff(db.session.get(Program, own), language="en"), new_client(app))
    page = staff.get(f"/staff/{own}/messages/").get_data(as_text=True)
    assert "Amina" in page and "Olga" not in page
    assert "she has no phone number" in page and "Not sent on purpose" in page
    assert "console-sms" in page  # how SMS are sent, as configured
    assert "Röstningen" not in page  # what was written to her is not shown to staff


def test_a_test_message_goes_to_her_own_address(app, make, login, time_machine):
    from tests.routes_support import new_client

    time_machine.move_to(NOON, tick=False)
    program = make.program()
    sara = make.staff(program, email="sara@example.org", language="en")
    client = login(sara, new_client(app))
    resp = client.post(f"/staff/{program.id}/messages/test")
    assert resp.status_code == 302
    (message,) = _messages()
    assert (message.user_id, message.channel, message.kind) == (sara.id, "email", "test")
    assert "A test message to you is in the outbox" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert run_once(app) == {State.SENT: 1}
    assert message.program_id == program.id  # on this group's page, not on another group's she works in


# --- one program's messages are not another's ----------------------------------------------------
# A woman can be in two groups at once, or go from one to another. Staff of a group see what their
# group sent her, and her links by SMS while she is in it; not what the other group sent her.


def _in_a_and_b(w) -> User:
    member = w.users["member"]
    db.session.add(Membership(user_id=member.id, program_id=w.other_prog.id, role="member"))
    member.phone = "+46701112233"
    db.session.commit()
    return member


def _plan_meeting(app, login, staff, program, title: str) -> None:
    client = login(staff, new_client(app))
    made = client.post(f"/staff/{program.id}/meetings/new", data={"title": title, "starts_at": "2031-03-04T18:00"})
    assert made.status_code == 302


def _listed_to(program_id: int, user: User) -> list[OutboxMessage]:
    return [m for m, _name in for_program(program_id) if m.user_id == user.id]


def test_staff_of_a_do_not_see_messages_about_program_b_in_their_outbox(app, login, english_world):
    w = english_world
    mona = left_a_now_in_b(w)
    mona.phone = "+46701112233"
    db.session.commit()
    staff_a = login(w.users["staff"], new_client(app))
    page_before = staff_a.get(f"/staff/{w.prog.id}/messages/").get_data(as_text=True)
    _plan_meeting(app, login, w.users["other_staff"], w.other_prog, "B's meeting")
    queued = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.user_id == mona.id,
                                                               OutboxMessage.kind == "meeting")).all()
    assert queued
    page_after = staff_a.get(f"/staff/{w.prog.id}/messages/").get_data(as_text=True)
    assert page_after.count("Mona Member") == page_before.count("Mona Member")


def test_the_data_file_staff_of_a_download_has_no_messages_program_b_sent_her(app, login, english_world):
    w = english_world
    mona = left_a_now_in_b(w)
    mona.phone = "+46701112233"
    db.session.commit()
    staff_a = login(w.users["staff"], new_client(app))
    url = f"/staff/{w.prog.id}/members/{mona.id}/data.json"
    before = staff_a.get(url).get_json()["messages_to_you"]
    _plan_meeting(app, login, w.users["other_staff"], w.other_prog, "B's meeting")
    after = staff_a.get(url).get_json()["messages_to_you"]
    assert after == before
    # Her own file still has every message to her, the other group's too.
    assert [m["about"] for m in my_data(mona)["messages_to_you"]] == [m["about"] for m in before] + ["meeting"]


def test_a_woman_in_both_groups_shows_on_each_page_with_that_groups_messages_only(app, login, english_world):
    w = english_world
    mona = _in_a_and_b(w)
    _plan_meeting(app, login, w.users["staff"], w.prog, "A's meeting")
    _plan_meeting(app, login, w.users["other_staff"], w.other_prog, "B's meeting")
    ours, theirs = (db.session.scalar(sa.select(Meeting.id).where(Meeting.title == t)) for t in ("A's meeting",
                                                                                                 "B's meeting"))
    assert [m.idempotency_key for m in _listed_to(w.prog.id, mona)] == [f"meeting:{ours}:sms:{mona.id}"]
    assert [m.idempotency_key for m in _listed_to(w.other_prog.id, mona)] == [f"meeting:{theirs}:sms:{mona.id}"]
    page = login(w.users["staff"], new_client(app)).get(f"/staff/{w.prog.id}/messages/").get_data(as_text=True)
    assert page.count("Mona Member") == 1
    file_a = my_data(mona, program_id=w.prog.id)["messages_to_you"]
    assert [m["about"] for m in file_a] == ["meeting"]
    assert len(my_data(mona)["messages_to_you"]) == 2


def test_her_link_sent_by_staff_shows_in_their_group_and_the_one_she_asked_for_in_each_of_hers(
        app, login, english_world):
    w = english_world
    mona = _in_a_and_b(w)
    client = login(w.users["staff"], new_client(app))
    assert client.post(f"/staff/{w.prog.id}/members/{mona.id}/send-link").status_code == 302
    (by_staff,) = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.user_id == mona.id)).all()
    assert (by_staff.kind, by_staff.program_id) == ("login-link", w.prog.id)
    page = client.get(f"/staff/{w.prog.id}/messages/").get_data(as_text=True)
    assert "Mona Member" in page and "login-link" in page
    assert _listed_to(w.other_prog.id, mona) == []
    # She asks for it herself on the login page: no group sent it, both of hers see it.
    assert new_client(app).post("/login/lost-card", data={"phone": "070-111 22 33"}).status_code == 302
    asked = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.user_id == mona.id,
                                                              OutboxMessage.program_id.is_(None)))
    assert {m.id for m in _listed_to(w.prog.id, mona)} == {by_staff.id, asked.id}
    assert [m.id for m in _listed_to(w.other_prog.id, mona)] == [asked.id]
    # Once she has left A, A's staff see what they sent her, and no longer the links she asks for.
    members.leave(w.prog.id, mona)
    db.session.commit()
    assert [m.id for m in _listed_to(w.prog.id, mona)] == [by_staff.id]
    assert [m["about"] for m in my_data(mona, program_id=w.prog.id)["messages_to_you"]] == ["login-link"]


@pytest.fixture
def tls_mailbox(app, monkeypatch, tmp_path):
    """A mail server that takes mail only after STARTTLS and a login, with a certificate of its own
    (made here with openssl) that the app trusts through SMTP_CA_FILE."""
    import ssl
    import subprocess

    from aiosmtpd.smtp import AuthResult

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    box = _MailBox()
    box.logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        box.logins.append((mechanism, auth_data.login, session.ssl is not None))
        ok = auth_data.login == b"outbox" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself

    controller = Controller(box, hostname="127.0.0.1", port=_free_port(), tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    _configure(app, monkeypatch, {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port, "SMTP_STARTTLS": True,
                                  "SMTP_USERNAME": "outbox", "SMTP_PASSWORD": "s3cret", "SMTP_CA_FILE": str(cert),
                                  "MAIL_FROM": "expertgrupp@example.org", "OUTBOX_PROVIDER_TIMEOUT": 5})
    yield box
    controller.stop()


def test_mail_goes_over_starttls_with_a_login(app, make, tls_mailbox, time_machine):
    time_machine.move_to(NOON, tick=False)
    _mail_to_staff(make, "new-post:3")
    assert run_once(app) == {State.SENT: 1}
    assert tls_mailbox.logins and tls_mailbox.logins[-1][1:] == (b"outbox", True)  # logged in inside TLS
    assert len(tls_mailbox.mails) == 1


@pytest.mark.parametrize(("setting", "value", "outcome", "words"), [
    ("SMTP_CA_FILE", "", "retry", "could not be reached"),  # a certificate nobody vouches for: not sent
    ("SMTP_PASSWORD", "wrong", State.FAILED, "refused the login"),
])
def test_a_mail_server_we_cannot_trust_or_log_in_to(app, make, tls_mailbox, monkeypatch, time_machine,
                                                    setting, value, outcome, words):
    time_machine.move_to(NOON, tick=False)
    monkeypatch.setitem(app.config, setting, value)
    _mail_to_staff(make, "new-post:4")
    assert run_once(app) == {outcome: 1}
    assert words in _messages()[0].last_error and tls_mailbox.mails == []
