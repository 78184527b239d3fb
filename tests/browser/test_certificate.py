"""Her certificate on a phone (360 px), with JavaScript on and off: the home page offers it in
Swedish and in English, explained in her language, and each link downloads a PDF of her own."""

from __future__ import annotations

import io

import pypdf
import pytest
from playwright.sync_api import Page, expect

from .support import Live, assert_touch_targets

pytestmark = [pytest.mark.browser]


def _pdf_text(page: Page, link_id: str) -> str:
    with page.expect_download() as download:
        page.locator(f"#{link_id}").click()
    assert download.value.suggested_filename.startswith("certificate-")
    with open(download.value.path(), "rb") as fh:
        body = fh.read()
    assert body.startswith(b"%PDF")
    return " ".join("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages).split())


def _check(page: Page, live: Live, lang: str) -> None:
    member = live.member(language=lang, name=f"Certifierad {lang}")
    page.goto(member.link)
    expect(page).to_have_url(f"{live.url}/me")
    block = page.locator("#certificate")
    block.scroll_into_view_if_needed()
    expect(block.get_by_role("heading")).to_have_text(live.t(lang, "My certificate"))
    expect(block).to_contain_text(live.t(lang, "It is in Swedish or in English. Choose one."))
    expect(page.locator("#certificate-sv")).to_have_attribute("href", "/me/certificate.pdf")
    expect(page.locator("#certificate-en")).to_have_attribute("href", "/me/certificate.pdf?lang=en")
    expect(page.locator("#certificate-sv")).to_contain_text(live.t(lang, "Certificate in Swedish"))
    assert_touch_targets(page, "home page with the certificate")

    swedish = _pdf_text(page, "certificate-sv")
    assert "Intyg om deltagande" in swedish and member.name in swedish
    english = _pdf_text(page, "certificate-en")
    assert "Certificate of participation" in english and member.name in english
    # The downloads leave her on her home page.
    expect(page).to_have_url(f"{live.url}/me")


def test_certificate_with_javascript(page: Page, live: Live):
    _check(page, live, "so")


def test_certificate_without_javascript(nojs_page: Page, live: Live):
    _check(nojs_page, live, "ar")
