"""Every `next` goes through one check (issue 15, finding 7): after logging in, saying yes on the
consent page or changing language, she lands on a page of this site, never on another."""

from __future__ import annotations

import pytest

from feedback.common.redirects import safe_next
from tests.routes_support import new_client

HOSTILE = [
    "/\t/evil.example",          # browsers drop the tab: //evil.example
    "/%09/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/\r\nLocation: //evil.example",
    "/ok\x7f",
    " //evil.example",
    "",
    None,
]


@pytest.mark.parametrize("target", HOSTILE)
def test_the_check_refuses_every_way_out(app, target):
    with app.test_request_context():
        assert safe_next(target, "portal.home") == "/me"


@pytest.mark.parametrize("target", ["/me", "/p/3?x=1", "/staff/1/meetings/#agenda"])
def test_a_path_on_this_site_is_kept(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "//evil.example", "/\r\n/x"])
def test_saying_yes_on_the_consent_page_stays_on_this_site(app, make, login, target):
    member = make.member(make.program())
    client = login(member, new_client(app))
    resp = client.post("/me/welcome", data={"agree": "yes", "next": target})
    assert resp.status_code == 302
    assert resp.headers["Location"] in ("/me", "http://localhost/me")


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/%0d%0aX:%20y"])
def test_logging_in_stays_on_this_site(app, make, target):
    program = make.program()
    make.staff(program, email="karin@example.org", password="a long enough password")
    resp = new_client(app).post(f"/login?next={target}",
                                data={"email": "karin@example.org", "password": "a long enough password"})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location
