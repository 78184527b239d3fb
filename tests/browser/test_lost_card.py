"""A lost card on her phone, with JavaScript on and off: from the login page to the lost-card
page, a wrongly written number told how to write it, her number accepted with the same answer
anyone gets, and the link in the SMS the outbox sends logging her in (her old card stopped)."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, State
from feedback.outbox.providers import Outgoing
from feedback.outbox.worker import deliver

from .support import Live, assert_accessible, assert_touch_targets

pytestmark = [pytest.mark.browser]


class FakeSms:
    name = "fake-sms"

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    def send(self, message: Outgoing) -> str:
        self.sent.append(message)
        return f"fake-{len(self.sent)}"


def _with_number(live: Live, language: str) -> tuple[object, str]:
    member = live.member(language)
    typed = f"073-{random.randrange(100, 999)} {random.randrange(10, 99)} {random.randrange(10, 99)}"
    with live.ctx():
        db.session.get(User, member.id).phone = "+46" + re.sub(r"\D", "", typed)[1:]
    return member, typed


def _her_messages(live: Live, user_id: int) -> list[OutboxMessage]:
    with live.ctx():
        rows = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.user_id == user_id)))
        db.session.expunge_all()
        return rows


def _send(live: Live, message_id: int) -> FakeSms:
    """The outbox worker sends this one message (as `flask outbox work` would), by day."""
    sms = FakeSms()
    with live.ctx():
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            state=State.SENDING, claimed_until=utcnow() + timedelta(minutes=5)))
        db.session.commit()
        quiet, live.app.config["QUIET_HOURS"] = live.app.config["QUIET_HOURS"], None
        try:
            assert deliver(message_id, {"sms": sms, "email": None}) == State.SENT
        finally:
            live.app.config["QUIET_HOURS"] = quiet
    return sms


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_a_lost_card_is_replaced_by_sms(request, live: Live, js: bool):
    page: Page = request.getfixturevalue("page" if js else "nojs_page")
    member, typed = _with_number(live, "sv")
    old_link = member.link

    page.set_default_timeout(10_000)
    page.goto("/login")
    lang = page.locator("html").get_attribute("lang") or "sv"  # the phone's language
    with page.expect_navigation():
        page.get_by_role("link", name=live.t(lang, "Get a new link")).click()
    expect(page).to_have_url(f"{live.url}/login/lost-card")
    expect(page.locator("h1")).to_have_text(live.t(lang, "Lost your card?"))
    if js:  # axe and the measuring run as scripts in the page
        assert_accessible(page, "lost card page")
        assert_touch_targets(page, "lost card page")

    # A number written wrongly: told how to write it, next to the field; nothing is sent.
    page.fill("#phone", "0701")
    with page.expect_navigation():
        page.get_by_role("button", name=live.t(lang, "Send me a new link")).click()
    expect(page.locator("#phone-error")).to_have_text(
        live.t(lang, "We cannot send an SMS to this number. Write it like this: 070 123 45 67."))
    expect(page.locator("#phone")).to_have_attribute("aria-invalid", "true")
    assert _her_messages(live, member.id) == []

    # Her number as she writes it.
    page.fill("#phone", typed)
    with page.expect_navigation():
        page.get_by_role("button", name=live.t(lang, "Send me a new link")).click()
    expect(page).to_have_url(f"{live.url}/login/lost-card")
    expect(page.locator("main")).to_contain_text(
        live.t(lang, "Thank you. If the number is in the app, a new link comes by SMS soon."))
    (message,) = _her_messages(live, member.id)
    assert message.kind == "login-link" and "/in/{token}" in message.body

    # The outbox sends it: the link in the SMS logs her in; her old card no longer does.
    (sms,) = _send(live, message.id).sent
    new_link = re.search(r"/in/[\w-]+", sms.body).group(0)
    assert new_link != old_link
    page.goto(new_link)
    expect(page).to_have_url(f"{live.url}/me")
    other: Page = page.context.browser.new_context(
        base_url=live.url, viewport={"width": 360, "height": 740}, java_script_enabled=js).new_page()
    try:
        response = other.goto(old_link)
        assert response is not None and response.status == 410
    finally:
        other.context.close()

