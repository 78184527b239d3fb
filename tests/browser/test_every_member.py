"""Every member can take part: by keyboard alone, on a 320 px screen, in Arabic and Persian
(right to left), and with no connection, where nothing is ever shown as saved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import Live

pytestmark = [pytest.mark.browser]

MEMBER_PAGES = ("/me", "/p/{pid}", "/talk", "/talk/t/{tid}", "/me/ideas", "/me/news", "/join")


def test_voting_with_the_keyboard_alone(page: Page, live: Live):
    member = live.member()
    pid = live.proposal(status="voting")
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    # From the top of the page: Tab until the first answer has focus, as she would.
    page.locator("body").press("Home")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "choice":
            break
    else:
        pytest.fail("Tab never reached the answers")
    focused = page.evaluate("document.activeElement.value")
    # The focus is visible: our focus ring, not the browser's default nothing.
    ring = page.evaluate("getComputedStyle(document.activeElement.closest('label')).outlineStyle"
                         " + getComputedStyle(document.activeElement).outlineStyle")
    assert "solid" in ring
    page.keyboard.press("ArrowDown")  # the next answer in the group
    chosen = page.evaluate("document.activeElement.value")
    assert chosen != focused
    page.keyboard.press("Tab")  # the reason
    page.keyboard.type("Bra för oss.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_be_visible()
    assert live.votes_on(pid) == [(member.id, chosen, "Bra för oss.")]


@pytest.mark.parametrize("lang", ["sv", "ar", "so"])
def test_member_pages_reflow_at_320_px(new_context, live: Live, lang: str):
    member = live.member(language=lang)
    pid = live.proposal(status="voting", title="Ett förslag med ett mycket långt ord: arbetsmarknadsutbildningen")
    tid, _post = live.thread(member, "Ett inlägg med en lång länk https://example.org/" + "a" * 60)
    page = new_context().new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(member.link)
    for path in MEMBER_PAGES:
        page.goto(path.format(pid=pid, tid=tid))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} ({lang}) is {width} px wide at 320 px"


def test_text_reflows_at_200_percent_zoom(new_context, live: Live):
    """200% zoom of a 640 px wide window: the page lays out as at 320 px, with no sideways scroll."""
    member = live.member()
    pid = live.proposal(status="voting")
    page = new_context().new_page()
    page.set_viewport_size({"width": 640, "height": 800})
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    page.evaluate("document.documentElement.style.zoom = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("lang", "post", "agree_word"), [
    ("ar", "أريد لقاءات يوم السبت.", "نعم، جيد"),
    ("fa", "من جلسه‌های روز شنبه را می‌خواهم.", "بله، خوب است"),
])
def test_arabic_and_persian_members_vote_and_post(page: Page, live: Live, lang: str, post: str, agree_word: str):
    member = live.member(language=lang)
    pid = live.proposal(status="voting")
    page.goto(member.link)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.goto(f"/p/{pid}")
    card = page.locator("#vote-panel label.choice-agree")
    expect(card).to_contain_text(agree_word)
    expect(card.locator("svg")).to_be_visible()  # an icon beside the word, never the word alone
    card.click()
    page.locator("#vote-panel button[type=submit]").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert live.votes_on(pid) == [(member.id, "agree", None)]

    page.goto(f"/talk/topic/{live.topic_id()}")
    page.locator("textarea[name=body]").first.fill(post)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text(post)).to_be_visible()
    # The layout mirrors: the page's start edge is on the right.
    box = page.locator("main h1").first.bounding_box()
    assert box is not None and box["x"] + box["width"] > page.viewport_size["width"] / 2


def test_offline_nothing_is_shown_as_saved(page: Page, live: Live):
    member = live.member(language="ar")
    pid = live.proposal(status="voting")
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker looks after the page
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    # The page told the worker her language, and it has stored the offline page in Arabic.
    page.wait_for_function("""() => caches.open("offline-v2").then(c => c.match("/offline/language"))
        .then(r => r ? r.text() : "").then(lang => lang === "ar")""")
    expect(page.locator("#vote-panel")).to_be_visible()

    page.context.set_offline(True)
    page.locator("#vote-panel label.choice-agree").click()
    page.locator("#vote-panel button[type=submit]").click()
    alert = page.locator("#live-errors [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("لم يُرسَل شيء")  # "nothing was sent", in Arabic
    expect(page.get_by_role("status")).to_have_count(0)  # no "your vote is saved"
    assert live.votes_on(pid) == []

    page.goto("/me/ideas")  # a new page with no connection: the offline page, in her language
    expect(page.locator("h1")).to_contain_text("لا يوجد اتصال")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.context.set_offline(False)
    page.get_by_role("link", name=re.compile("حاولي")).click()
    expect(page).to_have_url(re.compile(r"/me$"))
