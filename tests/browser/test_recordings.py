"""Recorded speech on a phone (360 px): the Listen button plays the recording in her language
first, then the phone's voice for her language, then the Swedish recording with a note; without
JavaScript an audio element plays it. And staff record one in the browser (fake microphone)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from feedback.extensions import db
from feedback.proposals.models import Proposal
from feedback.recordings import services
from feedback.recordings.models import Recording

from .support import Live, record_two_seconds

pytestmark = [pytest.mark.browser]

WEBM = (Path(__file__).parent.parent / "fixtures" / "voice-1s.webm").read_bytes()


def voices(*langs: str) -> str:
    """The phone's speech voices, as a stub: which languages it has, and what it was asked to say."""
    return """
(() => {
  const voices = LANGS.map((lang) => ({lang: lang, name: lang}));
  window.__spoken = [];
  Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
    speaking: false, getVoices: () => voices, cancel() {}, addEventListener() {},
    speak(u) { window.__spoken.push({lang: u.lang, text: u.text}); },
  }});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
""".replace("LANGS", json.dumps(list(langs)))


def recorded(live: Live, proposal_id: int, *langs: str) -> dict[str, int]:
    with live.ctx():
        p = db.session.get(Proposal, proposal_id)
        return {lang: services.save("proposal", p, lang, WEBM, None).id for lang in langs}


def _listen(page: Page):
    return page.locator("article.proposal button[data-speak]")


def test_her_recording_plays_first(page: Page, live: Live):
    member = live.member("so")
    pid = live.proposal(translations={"so": ("Kafee", "Waxaan cabnaa kafee.")})
    ids = recorded(live, pid, "so", "sv")
    page.add_init_script(voices("so-SO", "sv-SE"))  # even with a Somali voice on the phone
    page.goto(member.link)
    page.goto(f"{live.url}/p/{pid}")
    listen = _listen(page)
    expect(listen).to_be_visible()
    expect(page.locator("article.proposal [data-listen-note]")).to_have_count(0)
    with page.expect_request(re.compile(rf"/recordings/{ids['so']}$")):
        listen.click()
    player = page.locator("article.proposal audio[data-listen-audio]")
    assert player.evaluate("a => a.currentSrc").endswith(f"/recordings/{ids['so']}")
    assert page.evaluate("window.__spoken") == []


def test_without_a_recording_or_a_voice_the_swedish_recording_plays_with_a_note(page: Page, live: Live):
    member = live.member("ti")
    pid = live.proposal(translations={"ti": ("ቡን", "ቡን ንሰቲ።")})
    ids = recorded(live, pid, "sv")
    page.add_init_script(voices("sv-SE"))  # a Swedish voice only: none for Tigrinya
    page.goto(member.link)
    page.goto(f"{live.url}/p/{pid}")
    note = page.locator("article.proposal [data-listen-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text(live.t("ti", "Only in Swedish"))
    with page.expect_request(re.compile(rf"/recordings/{ids['sv']}$")):
        _listen(page).click()
    assert page.evaluate("window.__spoken") == []


def test_no_voices_at_all_still_plays_the_swedish_recording(page: Page, live: Live):
    member = live.member("ti")
    pid = live.proposal()
    ids = recorded(live, pid, "sv")
    page.add_init_script(voices())
    page.goto(member.link)
    page.goto(f"{live.url}/p/{pid}")
    expect(page.locator("article.proposal [data-listen-note]")).to_be_visible()
    with page.expect_request(re.compile(rf"/recordings/{ids['sv']}$")):
        _listen(page).click()


def test_with_her_phone_voice_and_no_recording_the_phone_reads(page: Page, live: Live):
    member = live.member("ti")
    pid = live.proposal(translations={"ti": ("ቡን", "ቡን ንሰቲ።")})
    recorded(live, pid, "sv")  # there is a Swedish one, but her own phone's voice comes first
    page.add_init_script(voices("ti-ER", "sv-SE"))
    page.goto(member.link)
    page.goto(f"{live.url}/p/{pid}")
    expect(page.locator("article.proposal [data-listen-note]")).to_be_hidden()
    requested = []
    page.on("request", lambda r: requested.append(r.url) if "/recordings/" in r.url else None)
    _listen(page).click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "ti" and "ቡን" in spoken[0]["text"]
    assert requested == []


def test_without_javascript_the_audio_element_plays_hers_or_the_swedish_one(nojs_page: Page, live: Live):
    so, ti = live.member("so"), live.member("ti")
    pid = live.proposal()
    ids = recorded(live, pid, "so", "sv")
    nojs_page.goto(so.link)
    nojs_page.goto(f"{live.url}/p/{pid}")
    player = nojs_page.locator("article.proposal audio[controls]")
    expect(player).to_be_visible()
    expect(player).to_have_attribute("src", f"/recordings/{ids['so']}")
    expect(player).to_have_attribute("preload", "none")
    expect(nojs_page.locator("article.proposal [data-listen-note]")).to_have_count(0)
    got = nojs_page.request.get(f"{live.url}/recordings/{ids['so']}")
    assert got.status == 200 and got.headers["content-type"] == "audio/webm" and got.body() == WEBM

    nojs_page.context.clear_cookies()
    nojs_page.goto(ti.link)
    nojs_page.goto(f"{live.url}/p/{pid}")
    expect(player).to_have_attribute("src", f"/recordings/{ids['sv']}")
    expect(nojs_page.locator("article.proposal [data-listen-note]")).to_contain_text(live.t("ti", "Only in Swedish"))


def _proposal_recordings(live: Live, pid: int) -> dict[str, tuple[str, int]]:
    with live.ctx():
        return {r.language: (r.mime, r.size) for r in db.session.scalars(
            db.select(Recording).where(Recording.proposal_id == pid))}


def test_staff_record_a_somali_version_in_the_browser(staff_page: Page, live: Live):
    pid = live.proposal()
    staff_page.goto(f"{live.url}/staff/{live.program_id}/proposals/{pid}")
    block = staff_page.locator("#rec-proposal-so")
    record_two_seconds(block)
    block.locator("button[type=submit]").click()
    expect(staff_page.locator(".flash")).to_contain_text(live.t("sv", "The recording is saved."))
    expect(staff_page.locator("#rec-proposal-so audio[src^='/recordings/']")).to_be_visible()
    assert _proposal_recordings(live, pid)["so"][0] == "audio/webm"


def test_staff_upload_a_file_without_javascript_and_a_wrong_file_is_refused(new_context, staff_state, live: Live,
                                                                             tmp_path):
    page = new_context(java_script_enabled=False, storage_state=staff_state).new_page()
    pid = live.proposal()
    page.goto(f"{live.url}/staff/{live.program_id}/proposals/{pid}")
    bad = tmp_path / "photo.webm"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 500)
    page.locator("#rec-proposal-ti-file").set_input_files(str(bad))
    page.locator("#rec-proposal-ti button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text(live.t("sv", "This file is not a sound recording. Record your voice again."))
    assert _proposal_recordings(live, pid) == {}
    good = tmp_path / "tigrinya.webm"
    good.write_bytes(WEBM)
    page.locator("#rec-proposal-ti-file").set_input_files(str(good))
    page.locator("#rec-proposal-ti button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text(live.t("sv", "The recording is saved."))
    assert _proposal_recordings(live, pid) == {"ti": ("audio/webm", len(WEBM))}
