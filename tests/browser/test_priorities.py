"""A member gives and moves her dots on a 360 px phone, with JavaScript on (htmx swaps the panel)
and off (plain form posts); refusals say why; the pages pass axe and the 44 px rule."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import FAKE_VOICES, Live, assert_accessible, assert_touch_targets

pytestmark = [pytest.mark.browser]


def _count(page: Page, option_id: int):
    return page.locator(f"#count-{option_id}")


def _open_poll(page: Page, live: Live, link: str, poll_id: int) -> None:
    page.goto(link)
    expect(page).to_have_url(f"{live.url}/me")
    page.locator(f"a[href='/me/priorities/{poll_id}']").click()
    expect(page).to_have_url(f"{live.url}/me/priorities/{poll_id}")


def test_place_and_move_dots_with_htmx(page: Page, live: Live):
    member = live.member()
    poll_id, (a, b, c) = live.priority_poll(dots_per_member=3, max_per_option=2)
    _open_poll(page, live, member.link, poll_id)
    expect(page.locator("#dots-left")).to_contain_text(live.nt("sv", "You have %(num)s dot left.",
                                                               "You have %(num)s dots left.", 3) % {"num": 3})
    page.evaluate("window.__sameDocument = true")  # a full page load would wipe it

    def press(button_id: str) -> None:
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/dots")) as resp:
            page.locator(f"#{button_id}").click()
        assert resp.value.request.headers.get("hx-request") == "true" and resp.value.status == 200

    press(f"plus-{a}")
    press(f"plus-{a}")
    expect(_count(page, a)).to_contain_text("2 prickar")
    expect(page.locator(f"#plus-{a}")).to_be_focused()  # she can press again without looking for it
    press(f"plus-{a}")  # a third on one idea: refused, with the reason
    expect(page.get_by_role("alert")).to_contain_text(live.t("sv", "At most %(n)s dots on one idea.", n=2))
    expect(_count(page, a)).to_contain_text("2 prickar")
    press(f"minus-{a}")
    expect(_count(page, a)).to_contain_text("1 prick")
    press(f"plus-{b}")
    press(f"plus-{b}")
    expect(page.locator("#dots-left")).to_contain_text("Du har 0 prickar kvar.")
    press(f"plus-{c}")
    expect(page.get_by_role("alert")).to_contain_text(
        live.t("sv", "You have no dots left. Take one back from another idea first."))
    assert page.evaluate("window.__sameDocument") is True
    assert live.dots_of(poll_id, member) == {a: 1, b: 2}
    expect(page.locator("#dots-result")).to_contain_text(
        live.nt("sv", "%(num)s member has voted.", "%(num)s members have voted.", 1) % {"num": 1})
    expect(page.locator(f"#option-{b}")).to_have_css("border-top-width", "3px")  # an idea with her dots stands out
    assert page.locator(f"#option-{c}").evaluate("e => getComputedStyle(e).borderTopWidth") != "3px"
    assert_accessible(page, "priority poll after htmx swaps")
    assert_touch_targets(page, "priority poll")
    live.close_poll(poll_id)  # staff close it while her page is open: the whole panel comes back
    press(f"minus-{b}")
    expect(page.get_by_role("alert")).to_contain_text(live.t("sv", "The vote is closed. You cannot change your dots now."))
    expect(page.locator(f"#plus-{a}")).to_have_count(0)
    assert live.dots_of(poll_id, member) == {a: 1, b: 2}


def test_place_and_move_dots_without_javascript(nojs_page: Page, live: Live):
    page = nojs_page
    member = live.member()
    poll_id, (a, b, _c) = live.priority_poll(dots_per_member=2, max_per_option=2)
    _open_poll(page, live, member.link, poll_id)
    with page.expect_navigation():
        page.locator(f"#plus-{b}").click()
    expect(page).to_have_url(re.compile(rf"/me/priorities/{poll_id}#option-{b}$"))
    expect(_count(page, b)).to_contain_text("1 prick")
    for _ in range(2):
        with page.expect_navigation():
            page.locator(f"#plus-{a}").click()
    expect(page.get_by_role("alert")).to_contain_text(live.t("sv", "You have no dots left. Take one back from another idea first."))
    with page.expect_navigation():
        page.locator(f"#minus-{b}").click()
    with page.expect_navigation():
        page.locator(f"#plus-{a}").click()
    expect(_count(page, a)).to_contain_text("2 prickar")
    assert live.dots_of(poll_id, member) == {a: 2}


def test_arabic_reads_right_to_left_and_the_closed_poll_shows_the_ranking(page: Page, live: Live):
    member = live.member(language="ar")
    poll_id, (a, b, _c) = live.priority_poll(max_per_option=2)
    live.give_dot(poll_id, member, b)
    live.close_poll(poll_id)
    page.goto(member.link)
    page.goto(f"/me/priorities/{poll_id}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#dots-panel")).to_contain_text(live.t("ar", "The vote is closed."))
    expect(page.locator("#dots-result li").first).to_contain_text("فكرة 1")  # her language's title of b
    expect(page.locator(f"#minus-{a}")).to_have_count(0)  # nothing to press once it is closed
    assert_accessible(page, "closed priority poll in Arabic")
    assert_touch_targets(page, "closed priority poll in Arabic")


def test_each_idea_is_read_aloud_after_a_swap_too(page: Page, live: Live):
    member = live.member()
    poll_id, (a, b, _c) = live.priority_poll()
    page.add_init_script(FAKE_VOICES)
    page.goto(member.link)
    page.goto(f"/me/priorities/{poll_id}")
    page.locator(f"#plus-{a}").click()
    expect(_count(page, a)).to_contain_text("1 prick")  # the panel was swapped in
    listen = page.locator(f"#option-{b} button[data-speak]")
    expect(listen).to_be_visible()
    listen.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[-1]["lang"] == "sv" and "Besök på ett företag" in spoken[-1]["text"]


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_an_option_of_its_own_shows_its_photo_with_its_alt_text(live: Live, new_context, staff_state, js: bool,
                                                                  tmp_path):
    from tests import photo_support as ps

    poll_id, (_from_proposal, own, _other) = live.priority_poll(status="draft")
    photo = tmp_path / "bus.jpg"
    photo.write_bytes(ps.jpeg(1200, 900, noise=True))
    staff = new_context(storage_state=staff_state, java_script_enabled=js).new_page()
    staff.goto(f"/staff/{live.program_id}/priorities/{poll_id}")
    form = f"#option-{own}-photo"
    staff.set_input_files(f"{form}-file", str(photo))
    staff.fill(f"{form}-alt", "En buss framför ett kontor.")
    staff.fill(f"{form}-alt-ar", "حافلة أمام مكتب.")  # the option is translated into Arabic
    with staff.expect_navigation():
        staff.locator(f"{form} form[enctype] button[type=submit]").click()
    assert staff.url.endswith(f"/priorities/{poll_id}#option-{own}"), staff.locator("main").inner_text()[:600]
    expect(staff.locator(f"{form} img")).to_have_attribute("alt", "En buss framför ett kontor.")
    with staff.expect_navigation():
        staff.get_by_role("button", name=live.t("sv", "Open voting")).click()

    for language, alt in (("sv", "En buss framför ett kontor."), ("ar", "حافلة أمام مكتب.")):
        member = live.member(language=language)
        page = new_context(java_script_enabled=js).new_page()
        page.goto(member.link)
        page.goto(f"/me/priorities/{poll_id}")
        img = page.locator(f"#option-{own} img.proposal-photo-img")
        expect(img).to_have_attribute("alt", alt)
        expect(img).to_have_attribute("lang", language)
        expect(img).to_have_attribute("loading", "lazy")
        expect(page.locator("img.proposal-photo-img")).to_have_count(1)  # the others have none
        assert page.request.get(img.get_attribute("src")).status == 200
        if js:
            img.scroll_into_view_if_needed()
            page.wait_for_function(f"document.querySelector('#option-{own} img').naturalWidth > 0")
            assert_accessible(page, f"priority poll with an option photo ({language})")
            assert_touch_targets(page, f"priority poll with an option photo ({language})")
