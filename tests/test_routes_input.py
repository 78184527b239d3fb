"""Bad input through the web: each refused request changes nothing, and user text is escaped."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from feedback.auth.services import issue_member_link
from feedback.extensions import db
from feedback.votes import services as votes
from feedback.votes.models import Vote, VoterRoll
from tests.routes_support import count, is_login_redirect, new_client, snapshot

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def voting(make, login, app):
    """A program with a member logged in (in English) and a proposal open for voting."""
    prog = make.program()
    member = make.member(prog, language="en")
    p = make.proposal(prog, "voting")
    client = login(member, new_client(app))
    return prog, member, p, client


def votes_of(p) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        sa.select(Vote.user_id, Vote.choice, Vote.reason).where(Vote.proposal_id == p.id)).all()


# --- votes -------------------------------------------------------------------------


@pytest.mark.parametrize("form", [
    {}, {"choice": ""}, {"choice": "yes"}, {"choice": "AGREE"}, {"choice": "agree "}, {"choice": "agree' OR 1=1"},
    {"choice": ["agree", "disagree"]},
])
def test_invalid_choice_is_400_and_changes_nothing(voting, form):
    _prog, member, p, client = voting
    votes.cast_vote(p, member, "unsure", "first")
    before = snapshot()
    resp = client.post(f"/p/{p.id}/vote", data=form)
    if form.get("choice") == ["agree", "disagree"]:
        # Two values: the first counts, like any form field; still one vote.
        assert resp.status_code == 302
        assert votes_of(p) == [(member.id, "agree", None)]
        return
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Choose one of the answers." in html
    assert "<html" in html
    assert snapshot() == before


def test_second_vote_changes_the_vote_and_adds_no_row(voting):
    _prog, member, p, client = voting
    assert client.post(f"/p/{p.id}/vote", data={"choice": "agree", "reason": "good"}).status_code == 302
    assert client.post(f"/p/{p.id}/vote", data={"choice": "disagree"}).status_code == 302
    assert client.post(f"/p/{p.id}/vote", data={"choice": "disagree"}).status_code == 302
    assert votes_of(p) == [(member.id, "disagree", None)]


def test_second_anonymous_vote_changes_the_ballot(app, make, login):
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, "voting", anonymous=True)
    client = login(member, new_client(app))
    for choice in ("agree", "unsure", "disagree"):
        assert client.post(f"/p/{p.id}/vote", data={"choice": choice}).status_code == 302
    db.session.expire_all()
    rows = db.session.execute(sa.select(Vote.user_id, Vote.choice).where(Vote.proposal_id == p.id)).all()
    assert rows == [(None, None)]  # one ballot, sealed while voting is open
    assert votes.my_vote(p, member).choice == "disagree"
    assert count(VoterRoll, VoterRoll.proposal_id == p.id) == 1


@pytest.mark.parametrize(("status", "expected"), [("draft", 404), ("on_agenda", 404), ("voted", 409)])
def test_no_vote_unless_voting_is_open(app, make, login, status, expected):
    prog = make.program()
    member = make.member(prog)
    p = make.proposal(prog, status)
    client = login(member, new_client(app))
    before = snapshot()
    assert client.post(f"/p/{p.id}/vote", data={"choice": "agree"}).status_code == expected
    assert snapshot() == before


def test_closed_voting_keeps_the_old_vote(voting, make):
    _prog, member, p, client = voting
    votes.cast_vote(p, member, "agree")
    p.move_to("voted", None)
    db.session.commit()
    before = snapshot()
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "disagree"})
    assert resp.status_code == 409
    assert "Voting is closed" in resp.get_data(as_text=True)
    assert snapshot() == before


def test_no_vote_on_another_programs_proposal(voting, make):
    _prog, _member, _p, client = voting
    other = make.proposal(make.program(), "voting")
    before = snapshot()
    assert client.post(f"/p/{other.id}/vote", data={"choice": "agree"}).status_code == 404
    assert snapshot() == before


def test_reason_of_500_letters_is_kept_501_refused(voting):
    _prog, member, p, client = voting
    before = snapshot()
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "agree", "reason": "x" * 501})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "at most 500" in html
    assert "x" * 501 in html  # her text is given back to her, not lost
    assert snapshot() == before
    # Letters, not bytes: 500 Arabic letters are fine.
    assert client.post(f"/p/{p.id}/vote", data={"choice": "agree", "reason": "ع" * 500}).status_code == 302
    assert votes_of(p) == [(member.id, "agree", "ع" * 500)]


def test_oversized_body_is_413(voting):
    _prog, _member, p, client = voting
    before = snapshot()
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "agree", "reason": "x" * (1024 * 1024 + 10)})
    assert resp.status_code == 413
    assert "too big" in resp.get_data(as_text=True)
    assert snapshot() == before


def test_oversized_body_is_413_with_csrf_on(app, voting):
    _prog, _member, p, client = voting
    app.config["WTF_CSRF_ENABLED"] = True
    before = snapshot()
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "agree", "reason": "x" * (2 * 1024 * 1024)})
    assert resp.status_code == 413
    assert snapshot() == before


def test_oversized_login_is_413(app):
    resp = new_client(app).post("/login", data={"email": "a@example.org", "password": "x" * (1024 * 1024 + 1)})
    assert resp.status_code == 413


# --- CSRF ----------------------------------------------------------------------------


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_vote_without_csrf_token_is_400_with_a_clear_message(app, voting):
    _prog, _member, p, client = voting
    app.config["WTF_CSRF_ENABLED"] = True
    client.get(f"/p/{p.id}")  # a real session with a CSRF secret in it
    before = snapshot()
    for data in ({"choice": "agree"}, {"choice": "agree", "csrf_token": "forged"}):
        resp = client.post(f"/p/{p.id}/vote", data=data)
        assert resp.status_code == 400
        html = resp.get_data(as_text=True)
        assert "This form was too old or not complete" in html
        assert "<html" in html
    assert snapshot() == before


def test_vote_with_csrf_token_works(app, voting):
    _prog, member, p, client = voting
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_from(client.get(f"/p/{p.id}").get_data(as_text=True))
    assert client.post(f"/p/{p.id}/vote", data={"choice": "agree", "csrf_token": token}).status_code == 302
    # htmx sends the token in a header (hx-headers on <body>) instead.
    html = client.get(f"/p/{p.id}").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "unsure"},
                       headers={"HX-Request": "true", "X-CSRFToken": header_token})
    assert resp.status_code == 200
    assert votes_of(p) == [(member.id, "unsure", None)]


def test_htmx_vote_without_csrf_token_gets_the_message_as_a_fragment(app, voting):
    _prog, _member, p, client = voting
    app.config["WTF_CSRF_ENABLED"] = True
    client.get(f"/p/{p.id}")
    before = snapshot()
    resp = client.post(f"/p/{p.id}/vote", data={"choice": "agree"}, headers={"HX-Request": "true"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "This form was too old or not complete" in html and "<html" not in html
    assert snapshot() == before


def test_csrf_token_of_another_session_is_refused(app, make, login, voting):
    _prog, _member, p, client = voting
    app.config["WTF_CSRF_ENABLED"] = True
    other = login(make.member(p.program), new_client(app))
    token = csrf_from(other.get(f"/p/{p.id}").get_data(as_text=True))
    client.get(f"/p/{p.id}")
    before = snapshot()
    assert client.post(f"/p/{p.id}/vote", data={"choice": "agree", "csrf_token": token}).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/login", "/logout", "/language"])
def test_auth_posts_need_csrf(app, make, path):
    app.config["WTF_CSRF_ENABLED"] = True
    make.staff(make.program(), email="s@example.org", password="long-enough-password")
    client = new_client(app)
    client.get("/login")
    resp = client.post(path, data={"email": "s@example.org", "password": "long-enough-password", "lang": "en"})
    assert resp.status_code == 400
    assert is_login_redirect(client.get("/"))


def test_staff_post_without_csrf_changes_nothing(app, make, login):
    app.config["WTF_CSRF_ENABLED"] = True
    prog = make.program()
    staff = make.staff(prog)
    p = make.proposal(prog, "draft")
    client = login(staff, new_client(app))
    client.get(f"/staff/{prog.id}/proposals/{p.id}")
    before = snapshot()
    assert client.post(f"/staff/{prog.id}/proposals/{p.id}/open").status_code == 400
    assert snapshot() == before


# --- member links ---------------------------------------------------------------------


def test_revoked_link_is_410_and_not_logged_in(app, make):
    member = make.member(make.program(), language="en")
    raw = issue_member_link(member, None)
    issue_member_link(member, None)
    db.session.commit()
    client = new_client(app)
    resp = client.get(f"/in/{raw}")
    assert resp.status_code == 410
    assert "<html" in resp.get_data(as_text=True)
    assert is_login_redirect(client.get("/me"))


def test_unknown_link_is_404(app):
    client = new_client(app)
    assert client.get("/in/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").status_code == 404
    assert is_login_redirect(client.get("/me"))


def test_link_of_a_deactivated_member_is_410(app, make):
    member = make.member(make.program())
    raw = issue_member_link(member, None)
    member.active = False
    db.session.commit()
    client = new_client(app)
    assert client.get(f"/in/{raw}").status_code == 410
    assert is_login_redirect(client.get("/me"))


# --- escaping ---------------------------------------------------------------------------


def assert_escaped(html: str) -> None:
    assert XSS not in html
    assert "<script>alert" not in html
    assert XSS_ESCAPED in html


def test_user_text_is_escaped_on_every_page(app, make, login):
    prog = make.program(name=f"Prog {XSS}")
    member = make.member(prog, name=f"Mona {XSS}")
    staff = make.staff(prog, name=f"Sara {XSS}")
    admin = make.user(None, "admin", is_admin=True)
    p = make.proposal(prog, "voting", title=f"Title {XSS}", summary=f"Summary {XSS}", body=f"Body {XSS}")
    draft = make.proposal(prog, "draft", title=f"Draft {XSS}")
    meeting = make.meeting(prog, title=f"Meeting {XSS}", place=f"Place {XSS}", notes=f"Notes {XSS}")
    from feedback.meetings.services import add_to_agenda
    from feedback.proposals.services import set_translation

    add_to_agenda(meeting, draft, None)
    set_translation(p, "en", f"EnTitle {XSS}", f"EnSummary {XSS}", None)
    votes.cast_vote(p, member, "agree", f"Reason {XSS}")

    member_client = login(member, new_client(app))
    for url in ("/me", f"/p/{p.id}"):
        assert_escaped(member_client.get(url).get_data(as_text=True))
    assert XSS not in member_client.get(f"/p/{p.id}/results").get_data(as_text=True)
    resp = member_client.post(f"/p/{p.id}/vote", data={"choice": "unsure", "reason": f"Again {XSS}"},
                              headers={"HX-Request": "true"})
    assert XSS not in resp.get_data(as_text=True)  # her reason stays in her form: the answer has no copy
    assert_escaped(page := member_client.get(f"/p/{p.id}").get_data(as_text=True))
    assert f"Again {XSS_ESCAPED}" in page
    resp = member_client.post(f"/p/{p.id}/vote", data={"choice": "bad", "reason": f"Bad {XSS}"})
    assert_escaped(resp.get_data(as_text=True))

    staff_client = login(staff, new_client(app))
    for url in (f"/staff/{prog.id}/", f"/staff/{prog.id}/members/", f"/staff/{prog.id}/members/{member.id}/edit",
                f"/staff/{prog.id}/meetings/", f"/staff/{prog.id}/meetings/{meeting.id}",
                f"/staff/{prog.id}/meetings/{meeting.id}/edit", f"/staff/{prog.id}/proposals/",
                f"/staff/{prog.id}/proposals/{p.id}", f"/staff/{prog.id}/proposals/{p.id}/edit"):
        assert_escaped(staff_client.get(url).get_data(as_text=True))
    resp = staff_client.post(f"/staff/{prog.id}/members/{member.id}/card")
    assert_escaped(resp.get_data(as_text=True))
    resp = staff_client.post(f"/staff/{prog.id}/members/new", data={"name": f"New {XSS}", "preferred_language": "sv"})
    assert resp.status_code == 200
    assert_escaped(resp.get_data(as_text=True))

    admin_client = login(admin, new_client(app))
    for url in ("/admin/programs", f"/admin/programs/{prog.id}/edit", "/admin/users",
                f"/admin/users/{staff.id}/edit"):
        assert_escaped(admin_client.get(url).get_data(as_text=True))


def test_flash_messages_escape_names(app, make, login):
    prog = make.program()
    staff = make.staff(prog, language="en")
    member = make.member(prog, name=f"Mona {XSS}")
    client = login(staff, new_client(app))
    resp = client.post(f"/staff/{prog.id}/members/{member.id}/revoke", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "is stopped" in html
    assert_escaped(html)


def test_sql_like_text_is_just_text(voting):
    _prog, member, p, client = voting
    reason = "'); DROP TABLE votes; --"
    assert client.post(f"/p/{p.id}/vote", data={"choice": "agree", "reason": reason}).status_code == 302
    assert votes_of(p) == [(member.id, "agree", reason)]


def test_ids_from_the_query_or_a_form_must_fit_the_database():
    from feedback.common.ids import DB_INT_MAX, parse_id

    assert parse_id("12") == 12 and parse_id(" 7 ") == 7 and parse_id(DB_INT_MAX) == DB_INT_MAX
    for bad in (None, "", "0", "-1", "1.5", "abc", "٣x", str(DB_INT_MAX + 1), str(10**30)):
        assert parse_id(bad) is None, bad


def test_a_null_byte_in_a_multipart_form_is_refused(app, make, login):
    from werkzeug.datastructures import MultiDict
    from werkzeug.test import encode_multipart

    prog = make.program()
    staff = login(make.staff(prog, language="en"), new_client(app))
    before = snapshot()
    boundary, body = encode_multipart(MultiDict({"name": "A\x00B", "icon": "idea"}))
    resp = staff.post(f"/staff/{prog.id}/topics/new", data=body,
                      content_type=f'multipart/form-data; boundary="{boundary}"')
    assert resp.status_code == 400
    assert snapshot() == before


def test_a_calendar_key_with_letters_outside_ascii_is_a_plain_404(client, make):
    member = make.member(make.program())
    assert client.get(f"/calendar/{member.id}/%C3%A4%E2%82%AC.ics").status_code == 404
