"""The live meeting with three screens at once: the projector and two members' phones."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .support import Live

pytestmark = [pytest.mark.browser]


def test_projector_and_two_phones_follow_the_meeting(new_context, staff_state, live: Live):
    pid = live.proposal(status="draft", title="Läxhjälp på lördagar", summary="Barnen får hjälp med läxor.")
    meeting_id = live.meeting(pid)
    amina, hodan = live.member(), live.member()
    live.run(meeting_id, "start")

    projector: Page = new_context(storage_state=staff_state).new_page()
    projector.goto(f"/staff/{live.program_id}/meetings/{meeting_id}/projector")
    phones = []
    for member in (amina, hodan):
        phone = new_context().new_page()
        phone.goto(member.link)
        phone.goto(f"/live/{meeting_id}")
        phone.evaluate("window.__sameDocument = true")
        phones.append(phone)

    # Staff open voting: both phones show the proposal without a reload, the projector counts 0.
    live.run(meeting_id, "open_voting", None)
    for phone in phones:
        expect(phone.get_by_role("link", name=re.compile(live.t("sv", "Vote now")))).to_be_visible(timeout=8000)
        assert phone.evaluate("window.__sameDocument") is True
    counter = projector.locator(".projector-count")
    expect(counter).to_contain_text(re.compile(r"\b0 (av|of) \d+"), timeout=8000)

    # Amina votes on her phone; the projector goes from 0 to 1 within a few seconds.
    phones[0].get_by_role("link", name=re.compile(live.t("sv", "Vote now"))).click()
    phones[0].locator("#vote-panel label.choice-agree").click()
    phones[0].locator("#vote-panel button[type=submit]").click()
    expect(phones[0].get_by_role("status")).to_be_visible()
    expect(counter).to_contain_text(re.compile(r"\b1 (av|of) \d+"), timeout=8000)

    # Hodan voted by hand: staff record it. Then staff close and reveal.
    live.record_by_hand(pid, hodan, "disagree")
    expect(counter).to_contain_text(re.compile(r"\b2 (av|of) \d+"), timeout=8000)
    live.run(meeting_id, "close_voting", None)
    live.run(meeting_id, "reveal")
    expect(projector.locator("#results")).to_be_visible(timeout=8000)
    expect(phones[1].locator("#results")).to_be_visible(timeout=8000)
    expect(phones[1].locator("#results")).to_contain_text(live.t("sv", "No, not good"))
    assert phones[1].evaluate("window.__sameDocument") is True
