"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page type: no serious or critical violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .support import STAFF_EMAIL, Live, assert_accessible, axe_problems

pytestmark = [pytest.mark.browser]

DEMO_TRANSLATED = "Mentorn och du träffas varje vecka"  # voting, with English and Arabic


# --- member pages --------------------------------------------------------------------


# Her home page, and every other page type in three languages: test_every_page.py.


def test_member_proposal_before_and_after_voting(page: Page, live: Live):
    member = live.member()
    pid = live.proposal(status="voting", body="Mer om förslaget.\nEn rad till.", results_live=True,
                        votes_cast=("agree", "unsure"))
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    assert_accessible(page, "member proposal, before voting")

    page.locator("#vote-panel label.choice-disagree").click()
    page.locator("#vote-panel button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page, "member proposal, after voting with the confirmation")


def test_member_proposal_confirmation_page_after_plain_post(page: Page, live: Live):
    # Without JavaScript the vote is a plain post that redirects to ?voted=1; this is that page.
    # (axe itself needs JavaScript, so it runs here with JavaScript on.)
    member = live.member()
    pid = live.proposal(status="voting")
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    page.locator("#vote-panel label.choice-agree").click()
    page.locator("#vote-panel button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    page.goto(f"/p/{pid}?voted=1#vote-panel")
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page, "member proposal, confirmation page after a plain form post")


def test_member_closed_proposal_with_results(page: Page, live: Live):
    member = live.member()
    pid = live.proposal(status="voted", votes_cast=("agree", "agree", "disagree", "unsure"))
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    expect(page.locator("#results")).to_be_visible()
    assert_accessible(page, "member proposal, closed with results")


def test_member_join_and_live_pages(page: Page, live: Live):
    member = live.member()
    page.goto(member.link)
    page.goto("/join")
    assert_accessible(page, "join with a code")
    page.locator("#code").fill("QQQQQQ")
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "join with a wrong code")
    page.goto(f"/live/{live.meeting_with_agenda()}")
    expect(page.locator("#live-now")).to_be_visible()
    assert_accessible(page, "follow the meeting")


def test_link_problem_page(page: Page, live: Live):
    member = live.member()
    live.revoke(member)
    response = page.goto(member.link)
    assert response is not None and response.status == 410
    assert_accessible(page, "link stopped page")


def test_login_page(page: Page, live: Live):
    page.goto("/login")
    assert_accessible(page, "login page")


def test_login_page_with_errors(page: Page, live: Live):
    page.goto("/login")
    page.fill("#email", STAFF_EMAIL)
    page.fill("#password", "wrong password")
    page.click("main form button[type=submit]")
    expect(page.locator(".flash-error")).to_be_visible()
    assert_accessible(page, "login page after a wrong password")


def test_not_found_page(page: Page, live: Live):
    member = live.member()
    page.goto(member.link)
    response = page.goto("/p/999999")
    assert response is not None and response.status == 404
    assert_accessible(page, "404 page")


# --- staff pages ---------------------------------------------------------------------

# The states of staff pages that test_every_page.py (every page type, in three languages) does
# not reach: the demo's own records, a new meeting, and the steering group's pages seen by staff.
STAFF_PAGES = {
    "meeting form, new": "/staff/{pid}/meetings/new",
    "meeting with agenda": "/staff/{pid}/meetings/{meeting}",
    "proposal with translations": "/staff/{pid}/proposals/{translated}",
    "review queue, as staff": "/staff/{pid}/review/",
    "decide page, as staff (read only)": "/staff/{pid}/review/{waiting}",
}


def _check_pages(page: Page, pages: dict[str, str]) -> None:
    """Visit each page in one logged-in tab; report every problem on every page at the end."""
    problems = []
    for name, path in pages.items():
        response = page.goto(path)
        if response is None or response.status != 200:
            problems.append(f"{name}: {path} answered {response and response.status}")
            continue
        problems += axe_problems(page, name)
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


def test_staff_pages(staff_page: Page, live: Live):
    ids = {"pid": live.program_id, "meeting": live.meeting_with_agenda(),
           "translated": live.proposal_titled(DEMO_TRANSLATED), "topic": live.topic_id(),
           "waiting": live.proposal(status="voted", votes_cast=("agree", "disagree"))}
    _check_pages(staff_page, {f"staff: {name}": path.format(**ids) for name, path in STAFF_PAGES.items()})


def test_staff_login_card_page(staff_page: Page, live: Live):
    member = live.member()
    page = staff_page
    page.goto(f"/staff/{live.program_id}/members/")
    # Her row's "New link and card" button: a real form post with its CSRF token.
    with page.expect_navigation():
        page.locator(f"tbody tr form[action$='/members/{member.id}/card'] button").click()
    expect(page.locator(".qr-card")).to_contain_text(member.name)
    expect(page.locator(".qr-card img")).to_be_visible()
    assert_accessible(page, "staff: login card")


# --- admin pages ---------------------------------------------------------------------


# The other admin pages are in test_every_page.py; the audit log (/admin/audit) also in test_outcomes.py.
ADMIN_PAGES = {
    "new user form": "/admin/users/new",
}


def test_admin_pages(admin_page: Page, live: Live):
    staff = live.user_by_email(STAFF_EMAIL)
    _check_pages(admin_page, {f"admin: {name}": path.format(staff=staff) for name, path in ADMIN_PAGES.items()})


def test_the_check_itself_finds_a_serious_problem(page: Page):
    """axe_problems reports what it should: a button without a name and an image without words are
    critical, and the same page with them mended is clean."""
    broken = ('<!doctype html><html lang="sv"><head><title>Prov</title></head><body><main><h1>Prov</h1>'
              '<button></button><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>')
    page.set_content(broken)
    found = axe_problems(page, "a planted problem")
    assert any("button-name [critical]" in p for p in found), found
    assert any("image-alt [critical]" in p for p in found), found
    page.set_content(broken.replace("<button></button>", "<button>Skicka</button>").replace("<img ", '<img alt="" '))
    assert axe_problems(page, "the same page, mended") == []
