"""Personal links: a stopped link says so clearly and logs nobody in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .support import Live

pytestmark = [pytest.mark.browser]


def test_revoked_link_shows_link_stopped_page_and_logs_out(context: BrowserContext, page: Page, live: Live):
    member = live.member()

    # She used her card on this phone once and stays logged in ...
    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")
    # ... then the staff stop her link (a lost card).
    live.revoke(member)

    response = page.goto(member.link)
    assert response is not None and response.status == 410
    lang = page.locator("html").get_attribute("lang") or "sv"
    expect(page.locator("h1")).to_have_text(
        live.t(lang, "This link has been stopped. Ask the staff for a new link.")
    )
    expect(page.locator("main")).to_contain_text(
        live.t(lang, "The staff can give you a new link or card at the next meeting.")
    )
    # No way to log out or reach her pages: she is not logged in.
    expect(page.locator("form[action='/logout']")).to_have_count(0)
    assert not [c for c in context.cookies() if c["name"] == "remember_token"]
    page.goto("/me")
    expect(page).to_have_url(re.compile(re.escape(f"{live.url}/login?next=") + r"(%2F|/)me$"))


def test_unknown_link_is_not_found(page: Page, live: Live):
    response = page.goto("/in/not-a-real-token")
    assert response is not None and response.status == 404
    lang = page.locator("html").get_attribute("lang") or "sv"
    expect(page.locator("h1")).to_have_text(live.t(lang, "This link does not work. Ask the staff for a new link."))
