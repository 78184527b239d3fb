"""Office users' own account (ASVS 5.0 level 2, issue 15): passwords of 12 to 128 characters that
are not easy to guess, a page to change one, and her own sessions, each of which she can end."""

from __future__ import annotations

import pytest

from feedback.auth import services as auth
from feedback.common.errors import RuleError
from feedback.common.security import verify_password
from feedback.extensions import db
from tests.routes_support import new_client

OLD, NEW = "the right password 123", "violet kettle under seven bridges"


@pytest.mark.parametrize("password", ["short words", "x" * 129, "Password123!", "qwertyuiopasdf", "karinkarin2027"])
def test_easy_or_odd_passwords_are_refused(make, password):
    karin = make.staff(make.program(), name="Karin", email="karin2027@example.org")
    with pytest.raises(RuleError):
        auth.set_password(karin, password)


@pytest.mark.parametrize("password", [NEW, "x7#Lq!9zR2@w", "ö" * 6 + "ü7ß€K∂" * 2])
def test_long_or_random_passwords_are_taken(make, password):
    karin = make.staff(make.program())
    auth.set_password(karin, password)
    assert verify_password(karin.password_hash, password)


def _log_in(app, email: str, password: str):
    client = new_client(app)
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    return client


def test_changing_her_password_keeps_this_browser_and_logs_out_the_others(app, make):
    program = make.program()
    make.staff(program, email="karin@example.org", password=OLD, language="en")
    here, elsewhere = _log_in(app, "karin@example.org", OLD), _log_in(app, "karin@example.org", OLD)
    wrong = here.post("/account/password", data={"current": "not it at all 12", "password": NEW, "confirm": NEW})
    assert wrong.status_code == 400 and "Your password now is not right" in wrong.get_data(as_text=True)
    weak = here.post("/account/password", data={"current": OLD, "password": "Password123!", "confirm": "Password123!"})
    assert weak.status_code == 400 and "too easy to guess" in weak.get_data(as_text=True)
    ok = here.post("/account/password", data={"current": OLD, "password": NEW, "confirm": NEW})
    assert ok.status_code == 302
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302  # logged out there
    _log_in(app, "karin@example.org", NEW)
    assert new_client(app).post("/login", data={"email": "karin@example.org", "password": OLD}).status_code == 400


def test_she_sees_her_sessions_and_ends_one(app, make):
    program = make.program()
    make.staff(program, email="karin@example.org", password=OLD, language="en")
    other_user = make.staff(program, email="lena@example.org", password=OLD, language="en")
    laptop, phone = _log_in(app, "karin@example.org", OLD), _log_in(app, "karin@example.org", OLD)
    lena = _log_in(app, "lena@example.org", OLD)
    page = laptop.get("/account/").get_data(as_text=True)
    assert page.count("Log out there") == 1 and "this browser" in page
    from feedback.auth.models import UserSession

    sessions = {s.user_id: s.id for s in db.session.scalars(db.select(UserSession).order_by(UserSession.id))}
    lenas = sessions[other_user.id]
    assert laptop.post(f"/account/sessions/{lenas}/end").status_code == 404  # not hers
    assert lena.get("/account/").status_code == 200
    phone_id = max(s.id for s in db.session.scalars(db.select(UserSession)) if s.user_id != other_user.id)
    assert laptop.post(f"/account/sessions/{phone_id}/end").status_code == 302
    assert phone.get("/account/").status_code == 302 and laptop.get("/account/").status_code == 200


def test_members_have_no_account_page(app, make, login):
    member = make.member(make.program())
    assert login(member, new_client(app)).get("/account/").status_code == 404
