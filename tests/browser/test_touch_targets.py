"""Our own rule for member pages: every button, link, choice card, select and summary is at
least 44 x 44 CSS px (axe's target-size only asks for 24 px, and only when targets crowd)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .support import FAKE_VOICES, MIN_TARGET, Live, assert_touch_targets

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_member_pages_have_big_touch_targets(page: Page, live: Live, language: str):
    member = live.member(language=language)
    open_id = live.proposal(status="voting", body="Här står mer om förslaget.",
                            translations={"ar": ("اقتراح للتجربة", "نجرب هذا الاقتراح.")})
    closed_id = live.proposal(status="voted", votes_cast=("agree", "disagree"))

    page.add_init_script(FAKE_VOICES)  # so that the Listen buttons show, and are measured too
    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")
    assert_touch_targets(page, "member home")

    page.goto(f"/p/{open_id}")
    expect(page.locator("details.more summary")).to_be_visible()
    expect(page.locator("article button[data-speak]")).to_be_visible()
    assert_touch_targets(page, "proposal, before voting")

    page.locator("#vote-panel label.choice-unsure").click()
    page.locator("#vote-panel button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert_touch_targets(page, "proposal, after voting")

    page.goto(f"/p/{closed_id}")
    expect(page.locator("#results")).to_be_visible()
    assert_touch_targets(page, "proposal, closed with results")

    response = page.goto("/p/999999")
    assert response is not None and response.status == 404
    assert_touch_targets(page, "404 page")


def test_link_problem_page_has_big_touch_targets(page: Page, live: Live):
    member = live.member()
    live.revoke(member)
    page.goto(member.link)
    assert_touch_targets(page, "link stopped page")

    # The check itself bites: a small link added to the page is reported.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<a href=\"/me\">x</a>')")
    with pytest.raises(AssertionError, match="smaller than 44 px"):
        assert_touch_targets(page, "link stopped page with a small link")


def test_skip_link_is_big_when_focused(page: Page, live: Live):
    member = live.member()
    page.goto(member.link)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, f"the focused skip link is {box}"
