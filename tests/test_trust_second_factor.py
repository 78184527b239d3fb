"""The second step of an office login (ASVS 5.0 level 2, issue 15): a TOTP code from an app or a
recovery code, each used once; required for admins and the steering group where configured."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import pyotp
import pytest
import sqlalchemy as sa

from feedback.audit import security
from feedback.audit.models import SecurityEvent
from feedback.auth.models import RecoveryCode
from feedback.extensions import db
from feedback.programs.models import Membership
from tests.moments import local
from tests.routes_support import new_client

PASSWORD = "the right password 123"


def _log_in(app, email: str):
    client = new_client(app)
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    return client, resp


def _code(secret: str, moment) -> str:
    return pyotp.TOTP(secret).at(moment)


def _turn_on(app, client, time_machine, moment) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="link-box">([A-Z2-7]+)</code>', page).group(1)
    assert "data:image/svg+xml" in page  # the QR code for the app
    wrong = client.post("/account/two-factor", data={"code": "000000", "current": PASSWORD})
    assert wrong.status_code == 400
    # Someone at her open session cannot bind an app of their own: the password is asked too.
    no_password = client.post("/account/two-factor", data={"code": _code(secret, moment), "current": "a guess 12345"})
    assert no_password.status_code == 400 and "Your password now is not right" in no_password.get_data(as_text=True)
    resp = client.post("/account/two-factor", data={"code": _code(secret, moment), "current": PASSWORD})
    assert resp.status_code == 200
    codes = re.findall(r"<code>((?:[a-z2-7]{4}-){5}[a-z2-7]{4})</code>", resp.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10  # 24 base-32 letters: 120 bits each
    return secret, codes


class Karin(NamedTuple):
    program: Any
    staff: Any
    client: Any
    secret: str
    codes: list[str]


@pytest.fixture
def karin_on(app, make, time_machine):
    """Karin (staff) has just turned the second step on, at 09:00 on 4 May 2027: her program, her,
    the client she did it on, her app's secret and her recovery codes."""
    program = make.program()
    karin = make.staff(program, email="karin@example.org", password=PASSWORD, language="en")
    time_machine.move_to(local(2027, 5, 4, 9, 0), tick=False)
    client, _ = _log_in(app, "karin@example.org")
    secret, codes = _turn_on(app, client, time_machine, local(2027, 5, 4, 9, 0))
    return Karin(program, karin, client, secret, codes)


def test_setting_it_up_and_logging_in_with_a_code(app, make, time_machine):
    program = make.program()
    staff = make.staff(program, email="karin@example.org", password=PASSWORD, language="en")
    start = local(2027, 5, 4, 9, 0)
    time_machine.move_to(start, tick=False)
    client, _ = _log_in(app, "karin@example.org")
    secret, _codes = _turn_on(app, client, time_machine, start)
    db.session.refresh(staff)
    assert staff.totp_since is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 10
    # Next login: the password alone is not enough.
    time_machine.move_to(local(2027, 5, 4, 10, 0), tick=False)
    phone, resp = _log_in(app, "karin@example.org")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/code")
    assert phone.get(f"/staff/{program.id}/").status_code == 302  # not logged in yet
    wrong = phone.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 400
    assert db.session.scalar(sa.select(SecurityEvent.kind).order_by(SecurityEvent.id.desc())) == \
        security.SECOND_FACTOR_FAILED
    now = local(2027, 5, 4, 10, 0)
    ok = phone.post("/login/code", data={"code": _code(secret, now)})
    assert ok.status_code == 302
    assert phone.get(f"/staff/{program.id}/").status_code == 200
    # The same code cannot be used twice (another login in the same 30 seconds).
    again, _ = _log_in(app, "karin@example.org")
    assert again.post("/login/code", data={"code": _code(secret, now)}).status_code == 400


def test_a_recovery_code_works_once(app, karin_on):
    codes = karin_on.codes
    first, _ = _log_in(app, "karin@example.org")
    assert first.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    second, _ = _log_in(app, "karin@example.org")
    assert second.post("/login/code", data={"code": codes[0]}).status_code == 400
    assert second.post("/login/code", data={"code": codes[1]}).status_code == 302


def test_a_waiting_login_expires(app, karin_on, time_machine):
    secret = karin_on.secret
    phone, _ = _log_in(app, "karin@example.org")
    later = local(2027, 5, 4, 9, 6)
    time_machine.move_to(later, tick=False)
    resp = phone.post("/login/code", data={"code": _code(secret, later)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")


def test_required_for_steering_and_admins_but_not_staff(app, make, login):
    app.config["TWO_FACTOR_REQUIRED"] = True
    try:
        program = make.program()
        steering = make.user(program, "steering", language="en")
        staff = make.staff(program, language="en")
        both = make.staff(program, language="en")
        db.session.add(Membership(user_id=both.id, program_id=program.id, role="steering"))
        db.session.commit()
        for user in (steering, both):
            client = login(user, new_client(app))
            resp = client.get(f"/staff/{program.id}/review/")
            assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/two-factor")
            assert "must use the second step" in client.get("/account/two-factor").get_data(as_text=True)
        assert login(staff, new_client(app)).get(f"/staff/{program.id}/").status_code == 200
        off = login(steering, new_client(app)).post("/account/two-factor/off", data={"current": PASSWORD})
        assert off.status_code == 302
    finally:
        app.config["TWO_FACTOR_REQUIRED"] = False


def test_turning_it_off_needs_her_password(karin_on):
    staff = karin_on.staff
    client = karin_on.client
    client.post("/account/two-factor/off", data={"current": "not my password 1"})
    db.session.refresh(staff)
    assert staff.totp_since is not None
    client.post("/account/two-factor/off", data={"current": PASSWORD})
    db.session.refresh(staff)
    assert staff.totp_since is None and staff.totp_secret is None


def test_the_secret_and_the_recovery_codes_stay_out_of_the_audit_log(karin_on):
    """Found by the ASVS review: turning the second step on wrote her TOTP secret into /admin/audit."""
    from feedback.audit.models import AuditEntry

    secret = karin_on.secret
    codes = karin_on.codes
    logged = " ".join(e.changes or "" for e in db.session.scalars(sa.select(AuditEntry)))
    assert secret not in logged and "totp_secret" not in logged and "code_hash" not in logged
    assert not any(c in logged for c in codes)


def test_a_password_link_does_not_skip_the_second_step(app, karin_on):
    """Found by the ASVS review: a password link logged her straight in past the second step."""
    from feedback.auth.services import create_password_link

    program = karin_on.program
    karin = karin_on.staff
    link = create_password_link(karin, None, 24)
    fresh = new_client(app)
    new = "violet kettle under seven bridges"
    resp = fresh.post(f"/password/{link}", data={"password": new, "confirm": new})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert fresh.get(f"/staff/{program.id}/").status_code == 302  # not logged in
    again = fresh.post("/login", data={"email": "karin@example.org", "password": new})
    assert again.headers["Location"].endswith("/login/code")


def test_turning_it_on_is_no_way_to_guess_her_password_without_limit(app, make):
    """Found by a review: turning the second step on checks her password, but unlike turning it
    off it had no limit, so someone at her open session could guess her password there."""
    program = make.program()
    make.staff(program, email="karin.limit@example.org", password=PASSWORD)
    db.session.commit()
    client, resp = _log_in(app, "karin.limit@example.org")
    assert resp.status_code == 302
    client.get("/account/two-factor")  # the new secret waits in her session
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    codes = [client.post("/account/two-factor", data={"code": "123456", "current": f"wrong guess {i}"}).status_code
             for i in range(4)]
    assert codes == [400, 400, 400, 429]
    assert client.get("/account/two-factor").status_code == 200  # the page itself is not counted
