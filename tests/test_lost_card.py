"""A lost card replaced by SMS: she types her number on the login page (or staff press "Send her
link by SMS"), an SMS is queued whose text has a slot for the token, and the outbox worker mints
her new card just before the provider sends it. The row never holds a working link; the old card
stops when the new one goes; the page answers the same whether the number is a member's or not;
and both the address and the number are rate-limited."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from feedback.audit.models import AuditEntry, SecurityEvent
from feedback.auth.models import LoginToken, TokenPurpose
from feedback.auth.services import issue_member_link, login_with_member_link
from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.security import hash_token
from feedback.extensions import db
from feedback.members import lost_card
from feedback.outbox import login_links
from feedback.outbox.models import OutboxMessage, State
from feedback.outbox.providers import Outgoing, PermanentFailure, TemporaryFailure
from feedback.outbox.worker import claim, deliver
from feedback.programs.models import Membership, Role
from tests.routes_support import new_client

NOON = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm: no quiet hours
NUMBER = "+46701234567"
CSRF = re.compile(r'"[\w-]+\.[\w-]+\.[\w-]+"')  # each browser's own CSRF token (signed: three parts)
LINK = re.compile(r"https?://[^\s]+/in/([A-Za-z0-9_-]+)")


class FakeSms:
    """A provider that keeps what it was given; fails the next tries it is told to."""

    name = "fake-sms"

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []
        self.failures: list[Exception] = []

    def send(self, message: Outgoing) -> str:
        self.sent.append(message)
        if self.failures:
            raise self.failures.pop(0)
        return f"fake-{len(self.sent)}"


@pytest.fixture
def sms():
    return FakeSms()


@pytest.fixture
def program(make):
    return make.program()


@pytest.fixture
def amina(make, program):
    """A member with a number and a card she has now."""
    m = make.member(program, name="Amina", language="sv")
    m.phone = NUMBER
    db.session.commit()
    return m


def _old_card(user) -> str:
    raw = issue_member_link(user, None)
    db.session.commit()
    return raw


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _send_due(sms: FakeSms) -> list[str]:
    return [deliver(i, {"sms": sms, "email": None}) for i in claim(20, utcnow())]


def _ask(client, phone: str, address: str = "10.0.0.1"):
    return client.post("/login/lost-card", data={"phone": phone}, environ_base={"REMOTE_ADDR": address})


def _tokens_of(user) -> list[LoginToken]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(LoginToken).where(LoginToken.user_id == user.id, LoginToken.purpose == TokenPurpose.MEMBER_LINK)))


# --- whose number it is -----------------------------------------------------------------


def test_her_number_finds_her(app, amina):
    assert lost_card.member_with_number(NUMBER) == amina
    assert lost_card.member_with_number("+46701234568") is None


def test_a_number_stored_before_numbers_were_checked_finds_her_too(app, amina):
    amina.phone = "070-123 45 67"
    db.session.commit()
    assert lost_card.member_with_number(NUMBER) == amina


@pytest.mark.parametrize("change", [
    lambda u, make, p: setattr(u, "active", False),
    lambda u, make, p: setattr(u, "erased_at", utcnow()),
    lambda u, make, p: [setattr(m, "left_at", utcnow()) for m in u.memberships],
    # an office account never gets a link
    lambda u, make, p: db.session.add(Membership(user_id=u.id, program_id=make.program().id, role=Role.STAFF)),
    # a shared phone: we cannot tell whose link to send
    lambda u, make, p: setattr(make.member(p, name="Sister"), "phone", NUMBER),
], ids=["stopped", "erased", "left", "staff", "shared-phone"])
def test_no_link_for_a_number_that_is_not_one_members(app, make, program, amina, change):
    change(amina, make, program)
    db.session.commit()
    assert lost_card.member_with_number(NUMBER) is None
    with app.test_request_context():
        assert lost_card.ask_by_phone(NUMBER) is False
    assert _messages() == []


# --- the page ---------------------------------------------------------------------------


def test_the_login_page_leads_to_the_lost_card_page(app, client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/lost-card"' in page


def test_her_number_as_she_writes_it_queues_an_sms_without_a_working_link(app, client, amina):
    old = _old_card(amina)
    resp = _ask(client, "070-123 45 67")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/lost-card")
    (message,) = _messages()
    assert (message.user_id, message.channel, message.kind, message.state) == (amina.id, "sms", "login-link", "queued")
    assert message.program_id is None  # asked for on the login page: no group sent it
    # The row has the slot where the token goes, and no token that works.
    assert "/in/{token}" in message.body and "Amina" not in message.body
    tokens = {t.token_hash for t in _tokens_of(amina)}
    assert not any(hash_token(word) in tokens for word in re.split(r"[\s/]", message.body))
    # Her card works until the SMS is sent.
    assert login_with_member_link(old) == amina


def test_the_answer_is_the_same_for_a_number_that_is_not_a_members(app, amina):
    answers = []
    for phone in ("070-123 45 67", "070-999 99 99"):
        client = new_client(app)
        resp = _ask(client, phone)
        answers.append((resp.status_code, resp.headers["Location"],
                        CSRF.sub("", client.get(resp.headers["Location"]).get_data(as_text=True))))
    assert answers[0] == answers[1]
    assert "Om numret finns i appen får du snart en ny länk i ett sms." in answers[0][2]
    assert [m.user_id for m in _messages()] == [amina.id]  # only hers


def test_a_wrongly_written_number_is_told_how_to_write_it_and_changes_nothing(app, client, amina):
    for phone in ("0701", "call me", ""):
        resp = _ask(client, phone)
        assert resp.status_code == 400
        page = resp.get_data(as_text=True)
        assert "070 123 45 67" in page and 'aria-invalid="true"' in page
    assert _messages() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SecurityEvent)) == 0


def test_the_answer_is_in_the_language_of_the_page(app, client, amina):
    client.post("/language", data={"lang": "ar"})
    page = client.get(_ask(client, "0701234567").headers["Location"]).get_data(as_text=True)
    assert 'dir="rtl"' in page and "If the number is in the app" not in page


def test_a_request_is_in_the_security_log_without_the_number(app, client, amina):
    _ask(client, "070-123 45 67")
    _ask(client, "+46 70 123 45 67")
    events = list(db.session.scalars(sa.select(SecurityEvent).where(SecurityEvent.kind == "card_by_sms")))
    assert len(events) == 2 and events[0].detail == events[1].detail  # one number, one tag
    assert all("701234567" not in (e.detail or "") and "1234567" not in (e.detail or "") for e in events)
    assert events[0].network == "10.0.0.0/24"


def test_the_sms_is_in_her_language(app, make, program):
    farah = make.member(program, name="Farah", language="ar")
    farah.phone = "+46707654321"
    db.session.commit()
    with app.test_request_context():
        assert lost_card.ask_by_phone("+46707654321")
    (message,) = _messages()
    assert "{token}" in message.body and "Here is your new link" not in message.body
    assert re.search(r"[\u0600-\u06FF]", message.body)


# --- sending: the new card is made when the SMS goes --------------------------------------


def test_the_worker_sends_a_new_link_that_logs_her_in_and_stops_the_old_card(app, client, amina, sms, time_machine):
    time_machine.move_to(NOON, tick=False)
    old = _old_card(amina)
    _ask(client, "0701234567")
    body_before = _messages()[0].body
    assert _send_due(sms) == [State.SENT]
    (sent,) = sms.sent
    assert sent.to == NUMBER and sent.body.startswith("Här är din nya länk")
    new = LINK.search(sent.body).group(1)
    # The row keeps the slot, never the link it sent.
    (message,) = _messages()
    assert message.state == State.SENT and message.body == body_before and new not in message.body
    with pytest.raises(RuleError):
        login_with_member_link(old)
    phone = new_client(app)
    resp = phone.get(f"/in/{new}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me")
    assert phone.get("/me").status_code == 200


def test_a_retry_mints_again_and_a_failed_try_keeps_her_old_card(app, amina, sms, time_machine, monkeypatch):
    time_machine.move_to(NOON, tick=False)
    old = _old_card(amina)
    with app.test_request_context():
        lost_card.ask_by_phone(NUMBER)
    db.session.commit()
    sms.failures = [TemporaryFailure("the provider is busy")]
    assert _send_due(sms) == ["retry"]
    (message,) = _messages()
    assert message.state == State.QUEUED and message.attempts == 1
    # The link of the failed try never reached her and does not work; her card still does.
    failed = LINK.search(sms.sent[0].body).group(1)
    with pytest.raises(RuleError):
        login_with_member_link(failed)
    assert login_with_member_link(old) == amina
    db.session.commit()
    time_machine.move_to(NOON + timedelta(minutes=2), tick=False)
    assert _send_due(sms) == [State.SENT]
    second = LINK.search(sms.sent[1].body).group(1)
    assert second != failed and login_with_member_link(second) == amina
    with pytest.raises(RuleError):
        login_with_member_link(old)
    assert _messages()[0].attempts == 2


def test_a_refused_number_keeps_her_old_card(app, amina, sms, time_machine):
    time_machine.move_to(NOON, tick=False)
    old = _old_card(amina)
    with app.test_request_context():
        lost_card.ask_by_phone(NUMBER)
    db.session.commit()
    sms.failures = [PermanentFailure("46elks answered 403: number blocked")]
    assert _send_due(sms) == [State.FAILED]
    (message,) = _messages()
    assert message.attempts == 1 and "blocked" in message.last_error
    assert login_with_member_link(old) == amina
    assert len(_tokens_of(amina)) == 1


@pytest.mark.parametrize(("change", "reason"), [
    (lambda u: setattr(u, "erased_at", utcnow()), "her data was erased"),
    (lambda u: setattr(u, "active", False), "her account is stopped"),
    (lambda u: [setattr(m, "left_at", utcnow()) for m in u.memberships], "she is in no group any more"),
])
def test_no_card_is_made_for_her_once_she_is_gone(app, amina, sms, time_machine, change, reason):
    time_machine.move_to(NOON, tick=False)
    old = _old_card(amina)
    with app.test_request_context():
        lost_card.ask_by_phone(NUMBER)
    change(amina)
    db.session.commit()
    assert _send_due(sms) == [State.DROPPED]
    assert sms.sent == [] and _messages()[0].last_error == reason
    assert [t.token_hash for t in _tokens_of(amina)] == [hash_token(old)]


def test_no_card_is_made_for_her_when_she_became_staff_meanwhile(app, make, amina, sms, time_machine):
    time_machine.move_to(NOON, tick=False)
    with app.test_request_context():
        lost_card.ask_by_phone(NUMBER)
    db.session.add(Membership(user_id=amina.id, program_id=make.program().id, role=Role.STAFF))
    db.session.commit()
    assert _send_due(sms) == [State.DROPPED]
    assert sms.sent == [] and _tokens_of(amina) == []
    assert "password" in _messages()[0].last_error


def test_the_sms_is_held_at_night_and_the_card_made_in_the_morning(app, amina, sms, time_machine):
    time_machine.move_to(datetime(2027, 1, 12, 21, 30, tzinfo=UTC), tick=False)  # 22:30 in Stockholm
    old = _old_card(amina)
    with app.test_request_context():
        lost_card.ask_by_phone(NUMBER)
    db.session.commit()
    assert _send_due(sms) == ["held"]
    assert login_with_member_link(old) == amina and len(_tokens_of(amina)) == 1
    time_machine.move_to(datetime(2027, 1, 13, 7, 0, 1, tzinfo=UTC), tick=False)
    assert _send_due(sms) == [State.SENT]
    with pytest.raises(RuleError):
        login_with_member_link(old)


# --- rate limits ------------------------------------------------------------------------


def test_one_number_is_limited_from_any_address(app, amina):
    app.config["LOST_CARD_NUMBER_RATE_LIMIT"] = "3 per day"
    written = ["070-123 45 67", "0701234567", "+46 70 123 45 67", "0046701234567"]
    codes = [_ask(new_client(app), phone, f"10.0.{i}.1").status_code for i, phone in enumerate(written)]
    assert codes == [302, 302, 302, 429]
    assert len(_messages()) == 3
    # Another number is not affected, and wrongly written tries did not use up the count.
    assert _ask(new_client(app), "070-765 43 21", "10.9.0.1").status_code == 302


def test_wrongly_written_numbers_do_not_use_up_a_numbers_count(app, amina):
    app.config["LOST_CARD_NUMBER_RATE_LIMIT"] = "1 per day"
    for i in range(3):
        assert _ask(new_client(app), "0701", f"10.1.{i}.1").status_code == 400
    assert _ask(new_client(app), "0701234567", "10.2.0.1").status_code == 302


def test_one_address_is_limited_whatever_the_number(app, amina, time_machine):
    time_machine.move_to(NOON, tick=False)
    app.config["LOST_CARD_RATE_LIMIT"] = "5 per hour"
    client = new_client(app)
    codes = [_ask(client, f"070-123 45 6{i}").status_code for i in range(6)]
    assert codes == [302] * 5 + [429]
    resp = _ask(client, "070-123 45 67")
    assert resp.status_code == 429 and "försökt för många gånger" in resp.get_data(as_text=True)
    assert _messages() == []  # none of the numbers was a member's, and hers came after the limit
    assert _ask(new_client(app), "070-123 45 67", "10.7.0.1").status_code == 302  # another address
    assert [m.user_id for m in _messages()] == [amina.id]
    # The window moves: an hour later she may ask again.
    time_machine.move_to(NOON + timedelta(hours=1, minutes=1), tick=False)
    assert _ask(client, "070-123 45 69").status_code == 302


# --- staff: "Send her link by SMS" --------------------------------------------------------


def test_staff_send_her_link_by_sms(app, make, program, amina, login, client):
    staff = make.staff(program, name="Karin", language="en")
    login(staff)
    page = client.get(f"/staff/{program.id}/members/{amina.id}/edit").get_data(as_text=True)
    assert f"/staff/{program.id}/members/{amina.id}/send-link" in page
    resp = client.post(f"/staff/{program.id}/members/{amina.id}/send-link")
    assert resp.status_code == 302
    (message,) = _messages()
    assert (message.user_id, message.kind) == (amina.id, "login-link") and "{token}" in message.body
    assert message.program_id == program.id  # staff of this group sent it: on its Messages page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.record_type == "link_by_sms"))
    assert (entry.actor_id, entry.program_id, entry.record_id) == (staff.id, program.id, str(amina.id))
    assert "A new link is on its way to Amina by SMS." in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_staff_see_why_no_sms_can_go_to_a_member_without_a_number(app, make, program, login, client):
    nora = make.member(program, name="Nora")
    login(make.staff(program))
    page = client.get(f"/staff/{program.id}/members/{nora.id}/edit").get_data(as_text=True)
    assert "send-link" not in page
    resp = client.post(f"/staff/{program.id}/members/{nora.id}/send-link")
    assert resp.status_code == 302
    assert _messages() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.record_type == "link_by_sms")) == 0


def test_the_stored_text_has_the_slot_once_in_every_language(app, make, program):
    for lang in app.config["LANGUAGES"]:
        user = make.member(program, language=lang)
        with app.test_request_context():
            text = login_links.sms_text(user)
        assert text.count(login_links.TOKEN_SLOT) == 1 and len(text) < 300, lang
