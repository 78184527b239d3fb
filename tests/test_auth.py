"""Logging in and out: staff passwords, member links and cards, password links, limits."""
from __future__ import annotations

import hashlib
import re
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from feedback.auth.models import LoginToken, TokenPurpose, User
from feedback.auth.services import create_password_link, issue_member_link
from feedback.common.clock import utcnow
from feedback.extensions import db
from tests.routes_support import is_login_redirect, new_client

PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff_user(make):
    prog = make.program()
    return make.staff(prog, email="Sara.Staff@Example.org", password=PASSWORD)


def logged_in_as(client) -> int | None:
    """The user id the next request runs as, read from a page only logged-in users see."""
    resp = client.get("/")
    if is_login_redirect(resp):
        return None
    with client.session_transaction() as sess:
        uid = sess.get("_user_id")
    return int(uid.split(":")[0]) if uid else None


def link_from(html: str) -> str:
    match = re.search(r"https?://[^\s\"'<]*(/in/[A-Za-z0-9_\-]+)", html)
    assert match, "no login link on the page"
    return match.group(1)


# --- staff password login --------------------------------------------------------------


@pytest.mark.real_password_hashing
def test_password_is_stored_as_argon2(make):
    user = make.staff(make.program(), password=PASSWORD)
    assert user.password_hash.startswith("$argon2id$")
    params = dict(p.split("=") for p in user.password_hash.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2  # at least the OWASP minimum
    assert PASSWORD not in user.password_hash


def test_staff_log_in_with_email_in_any_case(app, staff_user):
    client = new_client(app)
    resp = client.post("/login", data={"email": "  SARA.staff@example.ORG ", "password": PASSWORD})
    assert resp.status_code == 302
    assert client.get(resp.headers["Location"], follow_redirects=True).status_code == 200
    assert logged_in_as(client) == staff_user.id


@pytest.mark.parametrize(("email", "password"), [
    ("sara.staff@example.org", "wrong-password"),
    ("sara.staff@example.org", PASSWORD.upper()),
    ("nobody@example.org", PASSWORD),
    ("", PASSWORD),
    ("sara.staff@example.org", ""),
])
def test_wrong_login_is_400_and_logs_nobody_in(app, staff_user, email, password):
    client = new_client(app)
    resp = client.post("/login", data={"email": email, "password": password})
    assert resp.status_code == 400
    assert "<form" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_members_have_no_password_to_log_in_with(app, make):
    member = make.member(make.program(), email="mona@example.org")
    client = new_client(app)
    assert client.post("/login", data={"email": "mona@example.org", "password": "anything-at-all"}).status_code == 400
    assert logged_in_as(client) is None
    assert member.password_hash is None


def test_inactive_user_cannot_log_in(app, staff_user):
    staff_user.active = False
    db.session.commit()
    client = new_client(app)
    assert client.post("/login", data={"email": "sara.staff@example.org", "password": PASSWORD}).status_code == 400
    assert logged_in_as(client) is None


def test_login_rate_limit(app, staff_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = new_client(app)
    statuses = [client.post("/login", data={"email": "x@example.org", "password": "guess-guess"}).status_code
                for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Even the right password is refused while the limit holds.
    resp = client.post("/login", data={"email": "sara.staff@example.org", "password": PASSWORD})
    assert resp.status_code == 429
    assert logged_in_as(client) is None
    # Looking at the form is not limited.
    assert client.get("/login").status_code == 200


@pytest.mark.parametrize("target", ["/staff/1/", "/me?x=1"])
def test_login_follows_a_local_next(app, staff_user, target):
    client = new_client(app)
    resp = client.post("/login", query_string={"next": target}, data={"email": "sara.staff@example.org",
                                                                       "password": PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == target


EXTERNAL = ["https://evil.example/", "http://evil.example", "//evil.example/", "///evil.example", "/\\evil.example",
            "\\\\evil.example", "javascript:alert(1)", "evil.example", " //evil.example", "https:/evil.example"]


def _goes_off_site(location: str) -> bool:
    # What a browser does with it: it strips tabs and newlines, and treats \ as /.
    loc = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    return loc.startswith("//") or bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", loc))


@pytest.mark.parametrize("target", EXTERNAL)
def test_login_refuses_an_external_next(app, staff_user, target):
    client = new_client(app)
    resp = client.post("/login", query_string={"next": target}, data={"email": "sara.staff@example.org",
                                                                       "password": PASSWORD})
    assert resp.status_code == 302
    assert not _goes_off_site(resp.headers["Location"]), resp.headers["Location"]
    assert "evil" not in resp.headers["Location"]


# Werkzeug drops a tab from the Location header, so "/<TAB>/evil.example" becomes "//evil.example";
# a newline or CR would make Werkzeug raise "Header values must not contain newline characters" (500).


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example"])
def test_login_refuses_next_with_control_characters(app, staff_user, target):
    client = new_client(app)
    resp = client.post("/login", query_string={"next": target}, data={"email": "sara.staff@example.org",
                                                                       "password": PASSWORD})
    assert resp.status_code == 302
    assert not _goes_off_site(resp.headers["Location"]), resp.headers["Location"]


@pytest.mark.parametrize("target", EXTERNAL)
def test_language_choice_refuses_an_external_next(app, target):
    resp = new_client(app).post("/language", data={"lang": "en", "next": target})
    assert resp.status_code == 302
    assert not _goes_off_site(resp.headers["Location"])
    assert "evil" not in resp.headers["Location"]


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example"])
def test_language_choice_refuses_next_with_control_characters(app, target):
    resp = new_client(app).post("/language", data={"lang": "en", "next": target})
    assert resp.status_code == 302
    assert not _goes_off_site(resp.headers["Location"]), resp.headers["Location"]


def test_link_rate_limit(app):
    app.config["LINK_RATE_LIMIT"] = "3 per minute"
    client = new_client(app)
    assert [client.get("/in/guess-number-x").status_code for _ in range(4)] == [404, 404, 404, 429]


def test_language_choice_is_kept(app, make, login):
    member = make.member(make.program(), language="sv")
    client = login(member, new_client(app))
    assert client.post("/language", data={"lang": "ar", "next": "/me"}).headers["Location"] == "/me"
    db.session.refresh(member)
    assert member.preferred_language == "ar"
    html = client.get("/me").get_data(as_text=True)
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    # An unknown language is ignored.
    client.post("/language", data={"lang": "xx"})
    db.session.refresh(member)
    assert member.preferred_language == "ar"


def test_logout(app, staff_user, login):
    client = login(staff_user, new_client(app))
    assert logged_in_as(client) == staff_user.id
    assert client.get("/logout").status_code == 405  # never by a link or an image
    resp = client.post("/logout")
    assert is_login_redirect(resp)
    assert logged_in_as(client) is None
    assert is_login_redirect(client.get("/staff/1/"))


# --- member links --------------------------------------------------------------------


def test_member_link_logs_in_and_remembers_her_for_months(app, make):
    prog = make.program()
    member = make.member(prog)
    raw = issue_member_link(member, None)
    client = new_client(app)
    resp = client.get(f"/in/{raw}")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/me")
    assert client.get("/me").status_code == 200
    session_cookie = client.get_cookie("session")
    assert session_cookie.http_only
    assert session_cookie.expires is not None and session_cookie.expires > utcnow().replace(tzinfo=UTC) + timedelta(days=150)
    # No second, separate way back in: the one session is kept on the server, where it can be ended.
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert is_login_redirect(client.get("/me"))


def test_member_link_replaces_another_login_only_when_she_says_so(app, make, login, staff_user):
    """Opening a link while logged in as someone else asks first (issue 15, finding 11: a link sent
    to her must not switch her account behind her back); the POST from that page switches."""
    member = make.member(make.program())
    raw = issue_member_link(member, None)
    client = login(staff_user, new_client(app))
    page = client.get(f"/in/{raw}")
    assert page.status_code == 200 and f'action="/in/{raw}"' in page.get_data(as_text=True)
    assert logged_in_as(client) == staff_user.id
    assert db.session.scalar(sa.select(LoginToken.used_at).where(LoginToken.user_id == member.id)) is None
    assert client.post(f"/in/{raw}").status_code == 302
    assert logged_in_as(client) == member.id
    # Her own link on her own phone just takes her home.
    resp = client.get(f"/in/{raw}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/me")


def test_tokens_are_stored_hashed(app, make, staff_user):
    member = make.member(make.program())
    raws = [issue_member_link(member, None), create_password_link(staff_user, None, 24)]
    stored = db.session.execute(sa.select(LoginToken)).scalars().all()
    dump = repr([tuple(r) for r in db.session.execute(sa.select(LoginToken.__table__)).all()])
    for raw in raws:
        assert len(raw) >= 40
        assert raw not in dump
        assert hashlib.sha256(raw.encode()).hexdigest() in {t.token_hash for t in stored}


def test_unknown_link_is_404_and_logs_nobody_in(app):
    client = new_client(app)
    for raw in ("not-a-token", "x" * 43, "x" * 500):
        resp = client.get(f"/in/{raw}")
        assert resp.status_code == 404
        assert "<html" in resp.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_password_link_is_not_a_member_link(app, staff_user):
    raw = create_password_link(staff_user, None, 24)
    client = new_client(app)
    assert client.get(f"/in/{raw}").status_code == 404
    assert logged_in_as(client) is None


def test_revoking_logs_her_out_everywhere_and_stops_the_link(app, make, login):
    prog = make.program()
    member = make.member(prog)
    staff = make.staff(prog)
    raw = issue_member_link(member, None)
    phone = new_client(app)
    phone.get(f"/in/{raw}")
    assert phone.get("/me").status_code == 200

    office = login(staff, new_client(app))
    resp = office.post(f"/staff/{prog.id}/members/{member.id}/revoke")
    assert resp.status_code == 302

    assert is_login_redirect(phone.get("/me"))  # her open session ends
    phone.delete_cookie("session")
    assert is_login_redirect(phone.get("/me"))  # and the remember cookie no longer works
    resp = phone.get(f"/in/{raw}")
    assert resp.status_code == 410
    assert logged_in_as(phone) is None
    token = db.session.scalar(sa.select(LoginToken).where(LoginToken.user_id == member.id))
    assert token.revoked_at is not None


def test_revoked_link_logs_out_whoever_was_logged_in(app, make, login, staff_user):
    member = make.member(make.program())
    raw = issue_member_link(member, None)
    issue_member_link(member, None)  # the first link is now stopped
    db.session.commit()
    client = login(staff_user, new_client(app))
    assert client.get(f"/in/{raw}").status_code == 410
    assert logged_in_as(client) is None


def test_new_card_stops_the_old_link(app, make, login):
    prog = make.program()
    member = make.member(prog)
    staff = make.staff(prog)
    old = issue_member_link(member, None)
    phone = new_client(app)
    phone.get(f"/in/{old}")

    office = login(staff, new_client(app))
    resp = office.post(f"/staff/{prog.id}/members/{member.id}/card")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    new = link_from(html)
    assert "data:image/svg+xml" in html  # the QR code
    assert new != f"/in/{old}"

    assert is_login_redirect(phone.get("/me"))  # the old card's session ends too
    assert phone.get(f"/in/{old}").status_code == 410
    assert new_client(app).get(new).status_code == 302
    active = db.session.scalars(sa.select(LoginToken).where(
        LoginToken.user_id == member.id, LoginToken.purpose == TokenPurpose.MEMBER_LINK,
        LoginToken.revoked_at.is_(None))).all()
    assert len(active) == 1


def test_cards_for_everyone_give_each_member_one_working_link(app, make, login):
    prog = make.program()
    members = [make.member(prog, name=f"M{i}") for i in range(3)]
    staff = make.staff(prog)
    client = login(staff, new_client(app))
    html = client.post(f"/staff/{prog.id}/members/cards").get_data(as_text=True)
    links = re.findall(r"https?://[^\s\"'<]*(/in/[A-Za-z0-9_\-]+)", html)
    assert len(set(links)) == len(members)
    for link in set(links):
        c = new_client(app)
        assert c.get(link).status_code == 302
        assert c.get("/me").status_code == 200


# --- password links --------------------------------------------------------------------


def _password_link(app, login, admin, user) -> str:
    office = login(admin, new_client(app))
    resp = office.post(f"/admin/users/{user.id}/password-link")
    assert resp.status_code == 200
    match = re.search(r"https?://[^\s\"'<]*(/password/[A-Za-z0-9_\-]+)", resp.get_data(as_text=True))
    assert match
    return match.group(1)


def test_password_link_works_once(app, make, login, staff_user):
    admin = make.user(None, "admin", is_admin=True)
    path = _password_link(app, login, admin, staff_user)
    other_session = login(staff_user, new_client(app))

    client = new_client(app)
    assert client.get(path).status_code == 200
    resp = client.post(path, data={"password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert resp.status_code == 302
    assert logged_in_as(client) == staff_user.id
    db.session.refresh(staff_user)
    assert staff_user.password_hash.startswith("$argon2id$")

    assert is_login_redirect(other_session.get("/staff/1/"))  # a new password ends other sessions
    assert new_client(app).get(path).status_code == 410
    again = new_client(app).post(path, data={"password": "another-new-password", "confirm": "another-new-password"})
    assert again.status_code == 410
    c = new_client(app)
    assert c.post("/login", data={"email": "sara.staff@example.org", "password": "a-brand-new-password"}).status_code == 302
    assert new_client(app).post(
        "/login", data={"email": "sara.staff@example.org", "password": "another-new-password"}).status_code == 400


def test_password_link_refuses_a_short_or_mismatched_password_and_stays_valid(app, staff_user):
    raw = create_password_link(staff_user, None, 24)
    db.session.commit()
    client = new_client(app)
    before = staff_user.password_hash
    assert client.post(f"/password/{raw}", data={"password": "short", "confirm": "short"}).status_code == 400
    assert client.post(f"/password/{raw}", data={"password": "long-enough-1", "confirm": "long-enough-2"}
                       ).status_code == 400
    db.session.refresh(staff_user)
    assert staff_user.password_hash == before
    assert logged_in_as(client) is None
    assert client.get(f"/password/{raw}").status_code == 200


def test_expired_password_link_is_410(app, staff_user):
    raw = create_password_link(staff_user, None, 24)
    token = db.session.scalar(sa.select(LoginToken).where(LoginToken.purpose == TokenPurpose.PASSWORD_SET))
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = new_client(app)
    assert client.get(f"/password/{raw}").status_code == 410
    resp = client.post(f"/password/{raw}", data={"password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert resp.status_code == 410
    db.session.refresh(staff_user)
    assert staff_user.password_hash is not None
    assert new_client(app).post("/login", data={"email": "sara.staff@example.org", "password": PASSWORD}
                                ).status_code == 302


def test_unknown_password_link_is_404(app):
    assert new_client(app).get("/password/nothing-here").status_code == 404
    assert new_client(app).post("/password/nothing-here", data={"password": "x" * 12, "confirm": "x" * 12}
                                ).status_code == 404


def test_member_link_is_not_a_password_link(app, make):
    member = make.member(make.program())
    raw = issue_member_link(member, None)
    assert new_client(app).get(f"/password/{raw}").status_code == 404


def test_members_get_no_password_link(app, make, login):
    admin = make.user(None, "admin", is_admin=True)
    member = make.member(make.program())
    client = login(admin, new_client(app))
    resp = client.post(f"/admin/users/{member.id}/password-link")
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginToken)) == 0


def test_deactivated_user_is_logged_out(app, make, login, staff_user):
    admin = make.user(None, "admin", is_admin=True)
    victim = login(staff_user, new_client(app))
    prog_id = staff_user.memberships[0].program_id
    assert victim.get(f"/staff/{prog_id}/").status_code == 200
    office = login(admin, new_client(app))
    resp = office.post(f"/admin/users/{staff_user.id}/edit",
                       data={"name": "Sara", "email": "sara.staff@example.org", f"roles-{prog_id}": "staff"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, staff_user.id).active is False
    assert is_login_redirect(victim.get(f"/staff/{prog_id}/"))
    assert new_client(app).post("/login", data={"email": "sara.staff@example.org", "password": PASSWORD}
                                ).status_code == 400


def test_switching_to_another_link_ends_the_old_session_on_the_server(app, make, login, staff_user):
    """Found by the ASVS review: after switching accounts, a copy of the old cookie still worked."""
    from feedback.auth.models import UserSession

    member = make.member(make.program())
    raw = issue_member_link(member, None)
    client = login(staff_user, new_client(app))
    old_cookie = client.get_cookie("session").value
    assert client.post(f"/in/{raw}").status_code == 302
    assert db.session.scalar(sa.select(UserSession.ended_at).where(UserSession.user_id == staff_user.id)) is not None
    copy = new_client(app)
    copy.set_cookie("session", old_cookie)
    assert is_login_redirect(copy.get("/admin/users")) or logged_in_as(copy) is None
