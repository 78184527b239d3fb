"""Her answer to a coming meeting on a phone (360 px), with JavaScript on (htmx swaps the panel) and
off (a plain post and a redirect with a message); then staff see the counts and who comes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from feedback.common.clock import local_now
from feedback.extensions import db
from feedback.meetings.models import MeetingReply

from .support import Live, assert_touch_targets

pytestmark = [pytest.mark.browser]


def _meeting(live: Live, title: str) -> int:
    from feedback.meetings.services import create_meeting

    with live.ctx():
        m = create_meeting(live.program_id, title, local_now().replace(second=0, microsecond=0) + timedelta(days=3),
                           place="Stadsbiblioteket", childcare=True, interpreter_languages="ar,so", travel_costs=True)
        return m.id


def _reply_of(live: Live, meeting_id: int, user_id: int) -> tuple | None:
    with live.ctx():
        r = db.session.scalar(db.select(MeetingReply).where(MeetingReply.meeting_id == meeting_id,
                                                            MeetingReply.user_id == user_id))
        return (r.answer, r.children, r.interpreter) if r else None


def _answer_coming(page: Page) -> None:
    page.locator("#reply-panel label.choice-coming").click()
    expect(page.locator("#reply-panel input[value=coming]")).to_be_checked()
    page.locator("#children").fill("2")
    page.locator("label[for=interpreter]").click()
    expect(page.locator("#interpreter")).to_be_checked()
    page.locator("#reply-panel button[type=submit]").click()


def _staff_sees(staff_page: Page, live: Live, meeting_id: int, name: str) -> None:
    staff_page.goto(f"/staff/{live.program_id}/meetings/{meeting_id}")
    expect(staff_page.locator("#count-coming")).to_have_text("1")
    expect(staff_page.locator("#count-maybe")).to_have_text("0")
    expect(staff_page.locator("#count-children")).to_have_text("2")
    expect(staff_page.locator("[data-interpreter=ar]")).to_have_text("1")
    expect(staff_page.locator("#coming-list tbody tr")).to_have_count(1)
    expect(staff_page.locator("#coming-list tbody tr")).to_contain_text(name)


def test_answer_with_htmx_and_staff_see_it(page: Page, staff_page: Page, live: Live):
    member = live.member(language="ar")
    mid = _meeting(live, "Träff om CV")
    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")
    page.goto(f"/me/meetings/{mid}")  # the address her "new meeting" message links to
    expect(page).to_have_url(f"{live.url}/me/meetings/{mid}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(f'a[href="/me/meetings/{mid}.ics"]')).to_be_visible()
    assert_touch_targets(page, "meeting reply")

    page.evaluate("window.__sameDocument = true")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/me/meetings/{mid}")) as sent:
        _answer_coming(page)
    assert sent.value.request.headers.get("hx-request") == "true"
    status = page.get_by_role("status")
    expect(status).to_contain_text(live.t("ar", "Thank you! Your answer is saved."))
    expect(status).to_contain_text(live.t("ar", "I will come"))
    assert page.evaluate("window.__sameDocument") is True
    # The form shows what she chose, ready to change.
    expect(page.locator("#children")).to_have_value("2")
    expect(page.locator("#interpreter")).to_be_checked()
    assert _reply_of(live, mid, member.id) == ("coming", 2, True)

    # A second tap with the same answer is still one reply.
    page.locator("#reply-panel button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert _reply_of(live, mid, member.id) == ("coming", 2, True)

    _staff_sees(staff_page, live, mid, member.name)


def test_answer_without_javascript_and_staff_see_it(nojs_page: Page, staff_page: Page, live: Live):
    page = nojs_page
    member = live.member(language="ar")
    mid = _meeting(live, "Träff om intervjuer")
    page.goto(member.link)
    page.goto(f"/me/meetings/{mid}")
    # Without JavaScript the questions for those who come are there (CSS shows them).
    expect(page.locator("#children")).to_be_visible()
    with page.expect_navigation():
        _answer_coming(page)
    expect(page).to_have_url(re.compile(rf"/me/meetings/{mid}#reply-panel$"))
    expect(page.locator(".flashes")).to_contain_text(live.t("ar", "Thank you! Your answer is saved."))
    expect(page.locator("#reply-panel input[value=coming]")).to_be_checked()
    expect(page.locator("#children")).to_have_value("2")
    expect(page.locator("#interpreter")).to_be_checked()
    assert _reply_of(live, mid, member.id) == ("coming", 2, True)

    # "I can't come": the questions for those who come go away, and nothing of them is kept.
    page.locator("#reply-panel label.choice-not_coming").click()
    expect(page.locator("#children")).to_be_hidden()
    with page.expect_navigation():
        page.locator("#reply-panel button[type=submit]").click()
    assert _reply_of(live, mid, member.id) == ("not_coming", 0, False)
    page.locator("#reply-panel label.choice-coming").click()
    expect(page.locator("#children")).to_be_visible()
    page.locator("#children").fill("2")
    page.locator("label[for=interpreter]").click()
    with page.expect_navigation():
        page.locator("#reply-panel button[type=submit]").click()
    assert _reply_of(live, mid, member.id) == ("coming", 2, True)
    _staff_sees(staff_page, live, mid, member.name)
