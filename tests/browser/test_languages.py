"""Languages: Arabic right-to-left with translated proposals, and the language switcher."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .support import Live

pytestmark = [pytest.mark.browser]

AR_TITLE = "دروس في ركوب الدراجة"
AR_SUMMARY = "نتعلم ركوب الدراجة معًا. هكذا نصل إلى العمل بسهولة."


def test_arabic_member_reads_right_to_left_and_votes(page: Page, live: Live):
    member = live.member(language="ar")
    pid = live.proposal(
        title="Cykelkurs för gruppen",
        summary="Vi lär oss cykla tillsammans. Då kommer vi lätt till jobbet.",
        body="Kursen är på lördagar.",
        translations={"ar": (AR_TITLE, AR_SUMMARY), "en": ("Cycling lessons", "We learn to cycle together.")},
    )

    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    # The page really is laid out right to left, not only marked so.
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    link = page.locator(f"a[href='/p/{pid}']")
    expect(link.locator("[lang=ar]")).to_have_text(AR_TITLE)
    link.click()
    expect(page).to_have_url(f"{live.url}/p/{pid}")
    expect(html).to_have_attribute("dir", "rtl")
    text = page.locator("#proposal-text")
    expect(text).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text(AR_TITLE)
    expect(text.locator(".summary")).to_have_text(AR_SUMMARY)
    expect(page.locator("article button[data-speak]")).to_have_attribute("data-lang", "ar")

    page.locator("#vote-panel label.choice-agree").click()
    page.locator("#reason").fill("فكرة جيدة")
    page.locator("#vote-panel button[type=submit]").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(live.t("ar", "Thank you! Your vote is saved."))
    expect(status).to_contain_text(live.t("ar", "Yes, good"))
    assert live.votes_on(pid) == [(member.id, "agree", "فكرة جيدة")]


def test_language_switcher_changes_swedish_to_english(page: Page, live: Live):
    member = live.member(language="sv")
    pid = live.proposal(
        title="Träffar i parken",
        summary="På sommaren träffas vi i parken.",
        translations={"en": ("Meetings in the park", "In summer we meet in the park.")},
    )

    page.goto(member.link)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(f"a[href='/p/{pid}']")).to_contain_text("Träffar i parken")

    form = page.locator("footer form.language-form")
    form.get_by_role("combobox").select_option("en")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{live.url}/me")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-select")).to_have_value("en")
    expect(page.locator("h1")).to_have_text(live.t("en", "Hello %(name)s!", name=member.name))
    expect(page.locator(f"a[href='/p/{pid}']")).to_contain_text("Meetings in the park")
    assert live.language_of(member) == "en"  # remembered for her next visit

    page.goto(f"/p/{pid}")
    expect(page.locator("h1")).to_have_text("Meetings in the park")
    expect(page.locator("#proposal-text")).to_have_attribute("lang", "en")


# The page's own registration, awaited: a worker address that changed would show up here as a
# second worker, installing or waiting.
SERVICE_WORKERS = """() => navigator.serviceWorker.register(document.body.dataset.serviceWorker, {scope: "/"})
    .then(r => [r.installing, r.waiting, r.active].filter(Boolean).map(w => w.scriptURL))"""
KEPT_LANGUAGE = """() => caches.open("offline-v2").then(c => c.match("/offline/language"))
    .then(r => r ? r.text() : "")"""


def test_a_new_language_keeps_the_service_worker_and_moves_its_offline_page(page: Page, live: Live):
    member = live.member(language="sv")
    page.goto(member.link)
    page.evaluate("() => navigator.serviceWorker.ready")
    workers = page.evaluate(SERVICE_WORKERS)
    assert len(workers) == 1
    page.wait_for_function(f"() => ({KEPT_LANGUAGE})().then(lang => lang === 'sv')")

    # Several quick changes, each followed at once by a new page: every page loads, since the
    # worker that looks after them is never replaced on the way.
    for lang in ("so", "en", "ti"):
        form = page.locator("footer form.language-form")
        form.get_by_role("combobox").select_option(lang)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        page.goto("/me/ideas", timeout=10_000)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert page.evaluate(SERVICE_WORKERS) == workers

    page.wait_for_function(f"() => ({KEPT_LANGUAGE})().then(lang => lang === 'ti')")
    page.context.set_offline(True)
    page.goto("/me")  # no connection: the offline page in the language she chose last
    expect(page.locator("html")).to_have_attribute("lang", "ti")
    expect(page.locator("h1")).to_contain_text(live.t("ti", "No connection"))
    page.context.set_offline(False)
