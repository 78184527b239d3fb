"""The member pages as an app on the home screen: manifest, service worker and offline page,
each in the member's language."""
from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(("lang", "name", "direction"), [("sv", "Expertgruppen", "ltr"), ("ar", None, "rtl"),
                                                           ("fa", None, "rtl"), ("en", "Expert group", "ltr")])
def test_the_manifest_speaks_her_language(client, lang, name, direction):
    resp = client.get(f"/manifest.webmanifest?lang={lang}")
    assert resp.status_code == 200
    assert resp.mimetype == "application/manifest+json"
    manifest = json.loads(resp.data)
    assert manifest["lang"] == lang
    assert manifest["dir"] == direction
    if name:
        assert manifest["name"] == name
    assert manifest["start_url"] == "/me"
    assert manifest["display"] == "standalone"
    sizes = {i["sizes"] for i in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_an_unknown_language_gets_the_swedish_manifest(client):
    assert json.loads(client.get("/manifest.webmanifest?lang=xx").data)["lang"] == "sv"


def test_the_service_worker_is_served_from_the_root_and_not_cached_for_long(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.mimetype == "text/javascript"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert b"offlinePage" in resp.data
    # A new version waits until her pages are closed: one that took over at once could leave
    # the page she is opening loading for ever (tests/browser/test_languages.py).
    assert b"skipWaiting()" not in resp.data


@pytest.mark.parametrize(("lang", "words", "direction"), [
    ("sv", "Inget skickades", "ltr"), ("en", "Nothing was sent", "ltr"), ("ar", 'dir="rtl"', "rtl")])
def test_the_offline_page_says_nothing_was_sent_in_her_language(client, lang, words, direction):
    resp = client.get(f"/offline?lang={lang}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert words in page
    assert "<form" not in page  # nothing on it can send anything


def test_member_pages_register_the_service_worker_and_staff_pages_do_not(client, make, login):
    program = make.program()
    member = make.member(program, language="ar")
    login(member)
    page = client.get("/me").get_data(as_text=True)
    # One address in every language, so that changing language never replaces the worker.
    assert 'data-service-worker="/sw.js"' in page
    assert 'rel="manifest" href="/manifest.webmanifest?lang=ar"' in page
    staff = make.staff(program)
    login(staff)
    assert "data-service-worker" not in client.get(f"/staff/{program.id}/").get_data(as_text=True)
