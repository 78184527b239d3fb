"""The member's core flow on a phone: personal link -> home -> proposal -> vote -> change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import FAKE_VOICES, Live

pytestmark = [pytest.mark.browser]


def _open_home(page: Page, live: Live, link: str) -> None:
    page.goto(link)
    expect(page).to_have_url(f"{live.url}/me")


def _vote(page: Page, choice: str, reason: str | None = None) -> None:
    page.locator(f"#vote-panel label.choice-{choice}").click()
    expect(page.locator(f"#vote-panel input[value={choice}]")).to_be_checked()
    if reason is not None:
        page.locator("#reason").fill(reason)
    page.locator("#vote-panel button[type=submit]").click()


def _expect_confirmation(page: Page, live: Live, lang: str, choice_word: str) -> None:
    status = page.get_by_role("status")
    expect(status).to_be_visible()
    expect(status).to_contain_text(live.t(lang, "Thank you! Your vote is saved."))
    expect(status).to_contain_text(live.t(lang, choice_word))


def test_vote_and_change_it_with_htmx(page: Page, live: Live):
    member = live.member()
    pid = live.proposal(title="Läxhjälp på biblioteket", summary="Volontärer hjälper barnen med läxor.")

    _open_home(page, live, member.link)
    expect(page.locator("h1")).to_contain_text(member.name)
    page.get_by_role("link", name=re.compile("Läxhjälp på biblioteket")).click()
    expect(page).to_have_url(f"{live.url}/p/{pid}")
    proposal_url = page.url

    # A full page load would wipe this marker; an htmx swap keeps it.
    page.evaluate("window.__sameDocument = true")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/p/{pid}/vote")) as first:
        _vote(page, "agree", "Mina barn behöver hjälp.")
    assert first.value.request.headers.get("hx-request") == "true"
    assert first.value.status == 200
    _expect_confirmation(page, live, "sv", "Yes, good")
    expect(page.get_by_role("status")).to_be_focused()  # announced to screen readers
    assert page.url == proposal_url
    assert page.evaluate("window.__sameDocument") is True
    # The answer changed the heading and the button; her form kept what she gave.
    expect(page.locator("#vote-panel-h")).to_have_text(live.t("sv", "Your vote"))
    expect(page.locator("#vote-send")).to_have_text(live.t("sv", "Change my vote"))
    expect(page.locator("#reason")).to_have_value("Mina barn behöver hjälp.")

    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/p/{pid}/vote")) as second:
        _vote(page, "disagree")
    assert second.value.request.headers.get("hx-request") == "true"
    _expect_confirmation(page, live, "sv", "No, not good")
    expect(page.locator("#vote-panel .confirm")).to_have_count(1)
    expect(page.locator("#vote-panel input[value=disagree]")).to_be_checked()
    assert page.url == proposal_url
    assert page.evaluate("window.__sameDocument") is True

    assert live.votes_on(pid) == [(member.id, "disagree", "Mina barn behöver hjälp.")]


def test_a_new_vote_replaces_what_the_page_said_of_the_old_one(page: Page, live: Live):
    """She voted before: the page says so, with live results. A new vote with htmx changes the
    heading's note, the results and nothing else."""
    member, other = live.member(), live.member()
    pid = live.proposal(title="Fika varje gång", results_live=True)
    live.vote(pid, member, "agree")
    live.vote(pid, other, "agree")
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    note = page.locator("#vote-head .voted-note")
    expect(note).to_contain_text(live.t("sv", "Yes, good"))
    results = page.locator("#results")
    expect(results).to_contain_text(live.t("sv", "%(n)s of %(total)s (%(pct)s%%)", n=2, total=2, pct=100))

    with page.expect_response(lambda r: r.url.endswith(f"/p/{pid}/vote")):
        _vote(page, "unsure")
    _expect_confirmation(page, live, "sv", "Not sure")
    expect(note).to_have_count(0)  # "You said: Yes, good" is gone with the old heading
    expect(results.locator(".result-unsure")).to_contain_text(
        live.t("sv", "%(n)s of %(total)s (%(pct)s%%)", n=1, total=2, pct=50))
    assert sorted(live.votes_on(pid)) == sorted([(other.id, "agree", None), (member.id, "unsure", None)])


def test_a_vote_closed_while_her_page_is_open_shows_the_closed_panel(page: Page, live: Live):
    member = live.member()
    pid = live.proposal(title="Kvällsträffar")
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    live.close_voting(pid)
    _vote(page, "agree")
    panel = page.locator("#vote-panel")
    expect(panel.locator("[role=alert]")).to_contain_text(live.t("sv", "Voting is closed. You cannot vote now."))
    expect(panel.locator("form")).to_have_count(0)
    expect(panel.locator("#vote-panel-h")).to_have_text(live.t("sv", "Voting is closed"))
    assert live.votes_on(pid) == []


def test_vote_and_change_it_without_javascript(nojs_page: Page, live: Live):
    page = nojs_page
    member = live.member()
    pid = live.proposal(title="Träffar på kvällen", summary="Vi träffas klockan sex på kvällen.")

    _open_home(page, live, member.link)
    page.get_by_role("link", name=re.compile("Träffar på kvällen")).click()
    expect(page).to_have_url(f"{live.url}/p/{pid}")

    with page.expect_navigation():
        _vote(page, "agree", "Jag jobbar på dagen.")
    # Post, then redirect back to the page with the confirmation.
    expect(page).to_have_url(re.compile(rf"/p/{pid}\?voted=1#vote-panel$"))
    _expect_confirmation(page, live, "sv", "Yes, good")

    with page.expect_navigation():
        _vote(page, "unsure", "Kanske svårt med barnen.")
    expect(page).to_have_url(re.compile(rf"/p/{pid}\?voted=1#vote-panel$"))
    _expect_confirmation(page, live, "sv", "Not sure")

    assert live.votes_on(pid) == [(member.id, "unsure", "Kanske svårt med barnen.")]


def test_read_aloud_reads_the_page_in_her_language(page: Page, nojs_page: Page, live: Live):
    member = live.member()
    pid = live.proposal(title="Läxhjälp på biblioteket")
    page.add_init_script(FAKE_VOICES)
    page.goto(member.link)
    page.goto(f"/p/{pid}")
    listen = page.locator(".page-tools button[data-speak]")
    expect(listen).to_be_visible()
    expect(listen).to_have_attribute("data-lang", "sv")
    listen.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["lang"] == "sv"
    assert "Läxhjälp på biblioteket" in spoken[0]["text"]
    assert "Lyssna" not in spoken[0]["text"].split("Läxhjälp")[1]  # the page's words, not the tools

    nojs_page.goto(member.link)
    nojs_page.goto(f"/p/{pid}")
    expect(nojs_page.locator("button[data-speak]").first).to_be_hidden()


def test_read_aloud_is_hidden_where_the_phone_has_no_voice(page: Page, live: Live):
    member = live.member(language="so")
    page.add_init_script(FAKE_VOICES)
    page.goto(member.link)
    expect(page.locator("#page-content")).to_be_visible()
    expect(page.locator(".page-tools button[data-speak]")).to_be_hidden()


def test_a_stale_form_shows_a_message_and_keeps_her_choice(page: Page, live: Live):
    member = live.member()
    pid = live.proposal(title="Kvällsträffar", summary="Vi träffas på kvällen.")
    _open_home(page, live, member.link)
    page.goto(f"/p/{pid}")
    # As if the form had been open for days and the session behind it had ended.
    page.evaluate("""() => {
        document.body.setAttribute("hx-headers", '{"X-CSRFToken": "stale"}');
        document.querySelector('#vote-panel input[name=csrf_token]').value = "stale";
    }""")
    _vote(page, "unsure", "Jag vet inte än.")
    expect(page.locator("#live-errors [role=alert]")).to_contain_text(
        live.t("sv", "This form was too old or not complete. Go back, reload the page and try again."))
    expect(page.locator("#vote-panel input[value=unsure]")).to_be_checked()
    expect(page.locator("#reason")).to_have_value("Jag vet inte än.")
    assert live.votes_on(pid) == []
