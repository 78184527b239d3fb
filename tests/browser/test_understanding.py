"""On a phone (360 px), with JavaScript on (htmx swaps in place) and off (a plain post and a
redirect): "I don't understand" on a proposal, pressed and taken back, and staff see the count
but never who; "How was today's meeting?" answered with a face and a reason, anonymous unless
she ticks that staff may see her name."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from feedback.common.clock import local_now
from feedback.extensions import db
from feedback.understanding import presses
from feedback.understanding.models import MeetingEvaluation

from .support import Live, assert_touch_targets, axe_problems, record_two_seconds

pytestmark = [pytest.mark.browser]


def _count(live: Live, proposal_id: int) -> int:
    with live.ctx():
        return presses.count("proposal", proposal_id)


def _log_in(page: Page, live: Live, member) -> None:
    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")


def test_press_and_take_back_with_htmx(page: Page, staff_page: Page, live: Live):
    member = live.member(language="ar")
    pid = live.proposal(title="Kompetensutvecklingsinsatser för deltagare")
    _log_in(page, live, member)
    page.goto(f"/p/{pid}")
    button = page.locator(f"#understand-proposal-{pid} button")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button).to_contain_text(live.t("ar", "I don't understand"))
    assert_touch_targets(page, "proposal with I don't understand")
    page.evaluate("window.__sameDocument = true")
    with page.expect_response(lambda r: r.request.method == "POST" and "/me/understand/" in r.url) as sent:
        button.click()
    assert sent.value.request.headers.get("hx-request") == "true"
    button = page.locator(f"#understand-proposal-{pid} button")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status")).to_contain_text(live.t("ar", "Press again to take it back."))
    assert page.evaluate("window.__sameDocument") is True
    assert _count(live, pid) == 1
    assert not axe_problems(page, "pressed")

    # Staff see the count next to the LIX, never her name.
    staff_page.goto(f"/staff/{live.program_id}/proposals/{pid}")
    count = staff_page.locator(f"#understand-count-proposal-{pid}")
    expect(count).to_contain_text("1")
    expect(count).to_contain_text("LIX")
    expect(count).not_to_contain_text(member.name)  # (the page lists members only for votes by hand)

    page.reload()
    expect(page.locator(f"#understand-proposal-{pid} button")).to_have_attribute("aria-pressed", "true")
    page.locator(f"#understand-proposal-{pid} button").click()
    expect(page.locator(f"#understand-proposal-{pid} button")).to_have_attribute("aria-pressed", "false")
    assert _count(live, pid) == 0


def test_press_without_javascript(nojs_page: Page, live: Live):
    member = live.member()
    pid = live.proposal()
    _log_in(nojs_page, live, member)
    nojs_page.goto(f"/p/{pid}")
    nojs_page.locator(f"#understand-proposal-{pid} button").click()
    expect(nojs_page).to_have_url(f"{live.url}/p/{pid}#understand-proposal-{pid}")
    expect(nojs_page.locator(".flash-success")).to_contain_text(live.t("sv", "Thank you. Staff will explain it again."))
    expect(nojs_page.locator(f"#understand-proposal-{pid} button")).to_have_attribute("aria-pressed", "true")
    nojs_page.go_back()  # an old page pressed again is still one press
    nojs_page.goto(f"/p/{pid}")
    assert _count(live, pid) == 1


def _open_meeting(live: Live) -> int:
    """A meeting logged without live mode that started an hour ago: the evaluation is open."""
    from feedback.meetings.services import create_meeting

    with live.ctx():
        m = create_meeting(live.program_id, "Träff om CV", local_now().replace(second=0, microsecond=0)
                           - timedelta(hours=1))
        return m.id


def _answers(live: Live, meeting_id: int) -> list[tuple]:
    with live.ctx():
        return [tuple(r) for r in db.session.execute(
            sa.select(MeetingEvaluation.answer, MeetingEvaluation.reason, MeetingEvaluation.user_id)
            .where(MeetingEvaluation.meeting_id == meeting_id))]


def test_evaluation_with_htmx_is_anonymous(page: Page, staff_page: Page, live: Live):
    member = live.member(language="ar")
    mid = _open_meeting(live)
    _log_in(page, live, member)
    expect(page.locator(f'a[href="/me/meetings/{mid}/evaluation"]')).to_be_visible()  # the card on her home page
    page.goto(f"/me/meetings/{mid}/evaluation")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_touch_targets(page, "evaluation")
    assert not axe_problems(page, "evaluation form")
    page.evaluate("window.__sameDocument = true")
    page.locator("#evaluation-panel label.choice-ok").click()
    page.locator("#evaluation-reason").fill("Det var lite långt")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/evaluation")) as sent:
        page.locator("#evaluation-panel button[type=submit]").click()
    assert sent.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("status")).to_contain_text(live.t("ar", "Thank you! Your answer is saved."))
    assert page.evaluate("window.__sameDocument") is True
    assert _answers(live, mid) == [("ok", "Det var lite långt", None)]

    staff_page.goto(f"/staff/{live.program_id}/meetings/{mid}/log")
    expect(staff_page.locator("#eval-count-ok")).to_have_text("1")
    expect(staff_page.locator("#evaluation")).to_contain_text("Det var lite långt")
    expect(staff_page.locator("#evaluation")).not_to_contain_text(member.name)


def test_evaluation_without_javascript_with_her_name(nojs_page: Page, staff_page: Page, live: Live):
    member = live.member()
    mid = _open_meeting(live)
    _log_in(nojs_page, live, member)
    nojs_page.goto(f"/me/meetings/{mid}/evaluation")
    expect(nojs_page.locator("#evaluation-voice")).to_be_visible()  # the phone's own recorder, by the file field
    expect(nojs_page.locator("#evaluation-panel [data-recorder]")).to_be_hidden()
    nojs_page.locator("#evaluation-panel button[type=submit]").click()  # no face: the browser asks
    assert _answers(live, mid) == []
    nojs_page.locator("#evaluation-panel label.choice-good").click()
    nojs_page.locator("#evaluation-reason").fill("Bra fika")
    nojs_page.locator("label[for=evaluation-named]").click()
    nojs_page.locator("#evaluation-panel button[type=submit]").click()
    expect(nojs_page).to_have_url(f"{live.url}/me/meetings/{mid}/evaluation#evaluation-panel")
    expect(nojs_page.locator(".flash-success")).to_contain_text(live.t("sv", "Thank you! Your answer is saved."))
    expect(nojs_page.locator("#evaluation-named")).to_be_checked()
    assert _answers(live, mid) == [("good", "Bra fika", member.id)]

    staff_page.goto(f"/staff/{live.program_id}/meetings/{mid}/log")
    expect(staff_page.locator("#evaluation")).to_contain_text(member.name)


def test_evaluation_with_a_voice_recorded_in_the_page(page: Page, live: Live):
    member = live.member()
    mid = _open_meeting(live)
    _log_in(page, live, member)
    page.goto(f"/me/meetings/{mid}/evaluation")
    record_two_seconds(page.locator("#evaluation-panel"))
    page.locator("#evaluation-panel label.choice-good").click()
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/evaluation")):
        page.locator("#evaluation-panel button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text(live.t("sv", "Thank you! Your answer is saved."))
    with live.ctx():
        [(answer, ms)] = db.session.execute(
            sa.select(MeetingEvaluation.answer, MeetingEvaluation.voice_ms).where(MeetingEvaluation.meeting_id == mid)).all()
    assert answer == "good" and 1_000 <= ms <= 6_000, ms
