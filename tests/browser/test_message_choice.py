"""Her choice of messages on a phone (360 px), with JavaScript and without: the channel with
big icons, the kinds she wants, and the one-tap stop link from an SMS."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .support import Live

pytestmark = [pytest.mark.browser]


def _choose(page: Page, live: Live, lang: str) -> None:
    page.goto("/me/messages")
    expect(page.locator("h1")).to_have_text(live.t(lang, "How do you want to get news?"))
    expect(page.locator("input[name=channel][value=sms]")).to_be_checked()  # she has a number
    page.locator("label.choice-none").click()
    page.get_by_label(live.t(lang, "A new vote"), exact=True).uncheck()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text(live.t(lang, "Saved. You get news the way you chose."))).to_be_visible()
    expect(page.locator("input[name=channel][value=none]")).to_be_checked()
    expect(page.get_by_label(live.t(lang, "A new vote"), exact=True)).not_to_be_checked()


def test_she_chooses_no_messages_and_stops_one_kind(page: Page, live: Live):
    member = live.member_with_phone("+46701740650", language="so")
    page.goto(member.link)
    _choose(page, live, "so")
    assert live.message_choice(member) == ("none", {"vote"})
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_she_chooses_without_javascript(nojs_page: Page, live: Live):
    member = live.member_with_phone("+46701740651")
    nojs_page.goto(member.link)
    _choose(nojs_page, live, "sv")
    assert live.message_choice(member) == ("none", {"vote"})


def test_sms_without_a_number_is_refused_in_her_language(page: Page, live: Live):
    member = live.member(language="ar")
    page.goto(member.link)
    page.goto("/me/messages")
    page.locator("label.choice-sms").click()
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text(live.t("ar", "The app has no phone number for you. Ask the staff to add it."))
    assert live.message_choice(member) == (None, set())


@pytest.mark.parametrize("js", [True, False])
def test_the_stop_link_from_an_sms_stops_that_kind_with_one_tap(new_context, live: Live, js: bool):
    member = live.member_with_phone("+46701740652", language="ti")
    page = new_context(java_script_enabled=js).new_page()  # not logged in: a link from an SMS
    page.goto(live.stop_link(member.id, "reminder"))
    expect(page.locator("html")).to_have_attribute("lang", "ti")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(live.t("ti", "You get no more of these messages"))
    assert live.message_choice(member) == (None, {"reminder"})
    page.locator("main form button[type=submit]").click()  # by mistake: start them again
    expect(page.get_by_text(live.t("ti", "You get these messages again."))).to_be_visible()
    assert live.message_choice(member) == (None, set())
