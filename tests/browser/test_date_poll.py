"""A member answers a date poll on a phone (360 px), with JavaScript on (htmx swaps the panel) and
off (a plain post and a redirect with a message); staff see the best date first and make it the
meeting; axe on her page as it is before and after she answers."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from feedback.extensions import db

from .support import Live, assert_accessible, assert_touch_targets

pytestmark = [pytest.mark.browser]


def _poll(live: Live, title: str, days=(5, 6, 7)) -> tuple[int, list[int]]:
    from feedback.programs.models import Program
    from tests.datepoll_support import new_poll

    with live.ctx():
        poll = new_poll(db.session.get(Program, live.program_id), days=days, title=title)
        return poll.id, [o.id for o in poll.options]


def _answers_of(live: Live, poll_id: int, user_id: int) -> tuple[list[str], tuple | None]:
    from feedback.datepolls.models import DateNeed, DateOption, DateVote

    with live.ctx():
        answers = list(db.session.scalars(
            sa.select(DateVote.answer).join(DateOption, DateOption.id == DateVote.option_id)
            .where(DateOption.poll_id == poll_id, DateVote.user_id == user_id).order_by(DateOption.starts_at)))
        need = db.session.execute(sa.select(DateNeed.children, DateNeed.interpreter).where(
            DateNeed.poll_id == poll_id, DateNeed.user_id == user_id)).first()
        return answers, tuple(need) if need else None


def _answer(page: Page, options: list[int], answers: list[str], children: str | None = None,
            interpreter: bool = False) -> None:
    for option_id, a in zip(options, answers, strict=True):
        page.locator(f"#poll-panel label.choice-{a}:has(input[name=option-{option_id}])").click()
        expect(page.locator(f"input[name=option-{option_id}][value={a}]")).to_be_checked()
    if children is not None:
        page.locator("#children").fill(children)
    if interpreter:
        page.locator("label[for=interpreter]").click()
        expect(page.locator("#interpreter")).to_be_checked()
    page.locator("#poll-panel button[type=submit]").click()


def test_answer_with_htmx(page: Page, live: Live):
    member = live.member(language="ar")
    poll_id, options = _poll(live, "Träff i februari")
    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")
    # Her home page asks her; the card leads to the poll.
    page.locator(f'a[href="/me/date-polls/{poll_id}"]').click()
    expect(page).to_have_url(f"{live.url}/me/date-polls/{poll_id}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("fieldset.date-option")).to_have_count(3)
    assert_touch_targets(page, "date poll")
    assert_accessible(page, "date poll (ar, open)")

    page.evaluate("window.__sameDocument = true")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/me/date-polls/{poll_id}")) as sent:
        _answer(page, options, ["yes", "if_needed", "no"], "2", interpreter=True)
    assert sent.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("status")).to_contain_text(live.t("ar", "Thank you! Your answer is saved."))
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator(f"input[name=option-{options[1]}][value=if_needed]")).to_be_checked()
    expect(page.locator("#children")).to_have_value("2")
    assert _answers_of(live, poll_id, member.id) == (["yes", "if_needed", "no"], (2, True))
    assert_accessible(page, "date poll (ar, answered)")

    # She changes her mind: still one answer per date. (The thank-you of her first answer is
    # still on the page: wait for the answer itself.)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/me/date-polls/{poll_id}")):
        _answer(page, options, ["no", "yes", "yes"])
    expect(page.get_by_role("status")).to_be_visible()
    assert _answers_of(live, poll_id, member.id) == (["no", "yes", "yes"], (2, True))

    # Closed: her answers, read only, and the group's totals (axe on this state too; axe needs
    # JavaScript, so the test without it checks the same page by its content).
    from feedback.datepolls import services
    from feedback.datepolls.models import DatePoll

    with live.ctx():
        services.close_poll(db.session.get(DatePoll, poll_id))
    page.reload()
    expect(page.locator('input[type="radio"]')).to_have_count(0)
    expect(page.locator(".my-answer")).to_have_count(3)
    assert_accessible(page, "date poll (ar, closed)")


def test_answer_without_javascript_and_staff_make_the_meeting(nojs_page: Page, staff_page: Page, live: Live):
    page = nojs_page
    member = live.member(language="sv")
    poll_id, options = _poll(live, "Träff i mars", days=(8, 9))
    page.goto(member.link)
    page.goto(f"/me/date-polls/{poll_id}")
    expect(page.locator("#interpreter")).to_have_count(0)  # Swedish: no interpreter to ask for
    with page.expect_navigation():
        _answer(page, options, ["if_needed", "yes"], "1")
    expect(page).to_have_url(re.compile(rf"/me/date-polls/{poll_id}#poll-panel$"))
    expect(page.locator(".flashes")).to_contain_text(live.t("sv", "Thank you! Your answer is saved."))
    expect(page.locator(f"input[name=option-{options[1]}][value=yes]")).to_be_checked()
    assert _answers_of(live, poll_id, member.id) == (["if_needed", "yes"], (1, False))
    assert_touch_targets(page, "date poll without JavaScript")

    # Staff see the second date first, marked best, and make it the meeting.
    staff_page.goto(f"/staff/{live.program_id}/date-polls/{poll_id}")
    rows = staff_page.locator("#date-results tbody tr")
    expect(rows.first).to_have_attribute("id", f"option-{options[1]}")
    expect(rows.first).to_have_class("best-date")
    expect(staff_page.locator("#date-answers")).to_contain_text(member.name)
    assert_accessible(staff_page, "date poll results")
    with staff_page.expect_navigation():
        rows.first.locator("button[type=submit]").click()
    expect(staff_page).to_have_url(re.compile(rf"/staff/{live.program_id}/meetings/\d+#agenda$"))
    meeting_id = int(re.search(r"/meetings/(\d+)", staff_page.url).group(1))

    # Her page now says the date is chosen, with the way to the meeting, and no form.
    page.goto(f"/me/date-polls/{poll_id}")
    expect(page.locator('input[type="radio"]')).to_have_count(0)
    expect(page.locator(f'a[href="/me/meetings/{meeting_id}"]').first).to_be_visible()


def test_staff_make_a_poll_without_javascript(new_context, staff_state, live: Live):
    page = new_context(storage_state=staff_state, java_script_enabled=False).new_page()
    page.goto(f"/staff/{live.program_id}/date-polls/new")
    expect(page.locator("input[type=date]")).to_have_count(4)
    page.fill("#title", "Träff i april")
    page.fill("#option-0-day", "2031-04-08")
    page.fill("#option-0-start", "17:30")
    with page.expect_navigation():
        page.locator("button[name=more]").click()
    expect(page.locator("input[type=date]")).to_have_count(5)
    expect(page.locator("#option-0-day")).to_have_value("2031-04-08")
    page.fill("#option-4-day", "2031-04-10")
    page.fill("#option-4-start", "10:00")
    page.fill("#option-4-place", "Stadsbiblioteket")
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name=more])").click()
    expect(page).to_have_url(re.compile(rf"/staff/{live.program_id}/date-polls/\d+$"))
    expect(page.locator("#date-results tbody tr")).to_have_count(2)
    expect(page.locator("#date-results")).to_contain_text("Stadsbiblioteket")
