"""Security events (ASVS 5.0 level 2, issue 15): refused logins and links, 403s and rate limits
are logged without secrets, and admins read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from feedback.audit import security
from feedback.audit.models import SecurityEvent
from feedback.common.clock import utcnow
from feedback.extensions import db
from tests.routes_support import new_client

SECRET_TRY = "my-secret-guess-42"


def _events() -> list[SecurityEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SecurityEvent).order_by(SecurityEvent.id)))


def test_refusals_are_logged_without_secrets(app, make, login):
    program = make.program()
    staff = make.staff(program, email="karin@example.org", password="the right password 123")
    client = new_client(app)
    assert client.post("/login", data={"email": "Karin@example.org", "password": SECRET_TRY}).status_code == 400
    assert client.get("/in/a-made-up-token-0123456789").status_code == 404
    assert client.get("/password/another-made-up-token").status_code == 404
    assert login(staff, new_client(app)).get("/admin/security").status_code == 403
    app.config["LINK_RATE_LIMIT"] = "1 per minute"
    limited = new_client(app)
    limited.get("/in/x-1")
    assert limited.get("/in/x-2").status_code == 429
    events = _events()
    kinds = [e.kind for e in events]
    assert kinds[:4] == [security.LOGIN_FAILED, security.LINK_REFUSED, security.PASSWORD_LINK_REFUSED,
                         security.FORBIDDEN]
    assert security.RATE_LIMITED in kinds
    assert events[0].detail == "karin@example.org" and events[3].user_id == staff.id
    everything = str([(e.kind, e.network, e.path, e.detail) for e in events])
    for secret in (SECRET_TRY, "a-made-up-token", "another-made-up-token"):
        assert secret not in everything
    assert all(e.network in (None, "127.0.0.0/24") for e in events)


def test_admins_read_the_security_log(app, make, login):
    admin = make.user(None, "member", email="admin@example.org", is_admin=True, language="en")
    new_client(app).post("/login", data={"email": "nobody@example.org", "password": SECRET_TRY})
    page = login(admin, new_client(app)).get("/admin/security").get_data(as_text=True)
    assert "Wrong password" in page and "nobody@example.org" in page and SECRET_TRY not in page
    filtered = login(admin, new_client(app)).get("/admin/security?kind=forbidden").get_data(as_text=True)
    assert "nobody@example.org" not in filtered


def test_old_events_are_deleted_by_retention(app, runner):
    security.record(security.LOGIN_FAILED, "old@example.org")
    security.record(security.LOGIN_FAILED, "new@example.org")
    old = _events()[0]
    old.at = utcnow() - timedelta(days=app.config["SECURITY_LOG_DAYS"] + 1)
    db.session.commit()
    result = runner.invoke(args=["retention"])
    assert "Deleted 1 security events" in result.output
    assert [e.detail for e in _events()] == ["new@example.org"]


@pytest.mark.parametrize(("address", "network"), [("203.0.113.77", "203.0.113.0/24"),
                                                   ("2001:db8:1:2:3::9", "2001:db8:1::/48"), ("junk", None)])
def test_only_the_network_is_kept(address, network):
    assert security.network_of(address) == network


def test_a_form_without_a_valid_csrf_token_is_a_security_event(app, make, login):
    member = make.member(make.program())
    client = login(member, new_client(app))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/language", data={"lang": "en", "csrf_token": "forged"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    event = _events()[-1]
    assert event.kind == security.CSRF_REFUSED and event.user_id == member.id and event.detail == "auth.set_language"
