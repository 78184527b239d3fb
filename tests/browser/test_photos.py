"""A proposal's photo in a real browser at 360 px, with JavaScript on and off: staff add it with
its alt texts on the staff page (a plain multipart form), and a member sees it on her proposal
page with the alt text in her language, loaded lazily as WebP; axe-core on both pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import photo_support as ps

from .support import Live, assert_accessible

pytestmark = [pytest.mark.browser]


def _add_photo(staff: Page, live: Live, pid: int, path: str, alt_sv: str, alts: dict[str, str]) -> None:
    staff.goto(f"/staff/{live.program_id}/proposals/{pid}")
    staff.set_input_files("#photo-file", path)
    staff.fill("#photo-alt", alt_sv)
    for lang, text in alts.items():
        staff.fill(f"#photo-alt-{lang}", text)
    with staff.expect_navigation():
        staff.locator("#photo form[enctype] button[type=submit]").click()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_staff_add_a_photo_and_she_sees_it_in_her_language(live: Live, new_context, staff_state, js: bool, tmp_path):
    pid = live.proposal("voting", translations={"en": ("Coffee", "We drink coffee together.")})
    photo = tmp_path / "coffee.jpg"  # the name says JPEG; so does its content, with GPS in its EXIF
    photo.write_bytes(ps.jpeg(1600, 1200, noise=True))
    staff = new_context(storage_state=staff_state, java_script_enabled=js).new_page()

    # Every alt text is required in the form (the browser asks before sending; the server refuses
    # what is missing all the same: tests/test_photos.py).
    staff.goto(f"/staff/{live.program_id}/proposals/{pid}")
    for field in ("#photo-alt", "#photo-alt-en", "#photo-file"):
        expect(staff.locator(field)).to_have_attribute("required", "")
    expect(staff.locator("#photo img")).to_have_count(0)

    _add_photo(staff, live, pid, str(photo), "En kopp kaffe på bordet.", {"en": "A cup of coffee on the table."})
    assert staff.url.endswith(f"/proposals/{pid}#photo"), staff.locator("main").inner_text()[:600]
    expect(staff.locator("#photo img")).to_have_attribute("alt", "En kopp kaffe på bordet.")
    if js:  # axe runs as a script in the page
        assert_accessible(staff, "the staff proposal page with a photo")

    for lang, alt in (("en", "A cup of coffee on the table."), ("ar", "En kopp kaffe på bordet.")):
        phone = new_context(java_script_enabled=js).new_page()  # her own phone
        member = live.member(lang)
        phone.goto(member.link)
        expect(phone).to_have_url(f"{live.url}/me")
        phone.goto(f"/p/{pid}")
        img = phone.locator("img.proposal-photo-img")
        expect(img).to_have_attribute("alt", alt)
        expect(img).to_have_attribute("lang", lang if lang == "en" else "sv")  # no Arabic alt text: Swedish
        expect(img).to_have_attribute("loading", "lazy")
        assert "360w" in img.get_attribute("srcset") and "1080w" in img.get_attribute("srcset")
        src = img.get_attribute("src")
        got = phone.request.get(src)  # with her cookies, as the page loads it
        assert got.status == 200 and got.headers["content-type"] == "image/webp"
        assert len(got.body()) <= 30 * 1024
        if js:
            img.scroll_into_view_if_needed()
            phone.wait_for_function("() => document.querySelector('img.proposal-photo-img').complete", timeout=10000)
            natural, shown, current = img.evaluate(
                "i => [i.naturalWidth, i.getBoundingClientRect().width, i.currentSrc]")
            assert natural in (360, 720, 1080) and current.endswith(".webp")
            assert shown <= 360
            assert_accessible(phone, f"the member proposal page with a photo ({lang})")
