"""Consent at first login: before she takes part, a member reads, in her language and in easy
words, what is kept, who sees it and how to delete it, and says yes."""
from __future__ import annotations

import pytest

from feedback.auth.models import User
from feedback.auth.services import issue_member_link
from feedback.extensions import db
from tests.routes_support import new_client


@pytest.fixture
def consent_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSENT_REQUIRED", True)


@pytest.fixture
def member(make):
    program = make.program()
    return make.member(program, language="en")


def test_her_link_opens_the_welcome_page_first_in_her_language(app, consent_on, member):
    c = new_client(app)
    token = issue_member_link(member, None)
    resp = c.get(f"/in/{token}", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.request.path == "/me/welcome"
    assert "Before you start: this is what the app keeps about you." in page
    assert "Nobody sees what you voted in a secret vote." in page
    assert "/me/data" in page  # how to see and delete it


def test_every_member_page_waits_for_her_yes(app, consent_on, member, login):
    c = login(member, new_client(app))
    for path in ("/me", "/talk", "/me/ideas", "/me/news"):
        resp = c.get(path)
        assert resp.status_code == 302
        assert resp.headers["Location"].startswith("/me/welcome?next=")
    assert c.get("/me/data").status_code == 200  # her data, before and without a yes


def test_saying_yes_is_kept_and_takes_her_where_she_was_going(app, consent_on, member, login):
    c = login(member, new_client(app))
    resp = c.post("/me/welcome", data={"agree": "yes", "next": "/me/ideas"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/me/ideas"
    assert db.session.get(User, member.id).consented_at is not None
    assert c.get("/me").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_the_next_page_is_never_another_site(app, consent_on, member, login, target):
    c = login(member, new_client(app))
    resp = c.post("/me/welcome", data={"agree": "yes", "next": target})
    assert resp.headers["Location"] == "/me"


def test_without_the_tick_nothing_is_kept(app, consent_on, member, login):
    c = login(member, new_client(app))
    resp = c.post("/me/welcome", data={"next": "/me"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/me/welcome")
    assert db.session.get(User, member.id).consented_at is None


def test_staff_are_not_asked(app, consent_on, make, login):
    program = make.program()
    staff = make.staff(program)
    c = login(staff, new_client(app))
    assert c.get(f"/staff/{program.id}/").status_code == 200
