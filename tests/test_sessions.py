"""Sessions kept on the server: logging out ends the session for real, staff see on which
phones a member is logged in and can end one, a new link or password ends them all."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from feedback.auth.models import UserSession
from feedback.auth.services import issue_member_link
from feedback.auth.sessions import TOUCH_EVERY, describe
from feedback.extensions import db
from tests.routes_support import is_login_redirect, new_client

ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1"


@pytest.mark.parametrize(("agent", "name"), [(ANDROID, "Android phone · Chrome"), (IPHONE, "iPhone · Safari"),
                                              ("", "–"), ("curl/8", "–")])
def test_a_browser_is_named_and_no_more(agent, name):
    assert describe(agent) == name


def _phone(app, member, agent=ANDROID, link=None):
    c = new_client(app)
    c.get(f"/in/{link or issue_member_link(member, None)}", headers={"User-Agent": agent})
    assert c.get("/me").status_code == 200
    return c


def test_logging_out_ends_the_session_on_the_server(app, make):
    member = make.member(make.program())
    phone = _phone(app, member)
    stolen = phone.get_cookie("session").value  # a copy of her cookie, taken before she logs out
    phone.post("/logout")
    thief = new_client(app)
    thief.set_cookie("session", stolen)
    assert is_login_redirect(thief.get("/me"))
    assert db.session.scalar(db.select(UserSession.ended_at).where(UserSession.user_id == member.id)) is not None


def test_staff_see_her_phones_and_log_one_out(app, make, login):
    program = make.program()
    member = make.member(program)
    link = issue_member_link(member, None)  # her card, opened on two phones
    android, iphone = _phone(app, member, ANDROID, link), _phone(app, member, IPHONE, link)
    staff = login(make.staff(program), new_client(app))
    page = staff.get(f"/staff/{program.id}/members/{member.id}/edit").get_data(as_text=True)
    assert "Android phone · Chrome" in page and "iPhone · Safari" in page
    android_id = db.session.scalar(db.select(UserSession.id).where(UserSession.device == "Android phone · Chrome"))
    resp = staff.post(f"/staff/{program.id}/members/{member.id}/sessions/{android_id}/end")
    assert resp.status_code == 302
    assert is_login_redirect(android.get("/me"))
    assert iphone.get("/me").status_code == 200  # only that phone
    # Ending it again, or a session of someone else, is a 404.
    assert staff.post(f"/staff/{program.id}/members/{member.id}/sessions/{android_id}/end").status_code == 404
    other = make.member(program)
    assert staff.post(f"/staff/{program.id}/members/{other.id}/sessions/{android_id}/end").status_code == 404


def test_a_new_link_ends_every_session(app, make):
    member = make.member(make.program())
    phone = _phone(app, member)
    issue_member_link(member, None)  # staff print a new card: the old one stops
    assert is_login_redirect(phone.get("/me"))
    assert db.session.scalar(db.select(db.func.count()).select_from(UserSession).where(
        UserSession.user_id == member.id, UserSession.ended_at.is_(None))) == 0


def test_seen_at_is_written_rarely(app, make):
    member = make.member(make.program())
    phone = _phone(app, member)
    record = db.session.scalar(db.select(UserSession).where(UserSession.user_id == member.id))
    first = record.last_seen_at
    phone.get("/me")
    db.session.expire_all()
    assert db.session.get(UserSession, record.id).last_seen_at == first  # no write per request
    record = db.session.get(UserSession, record.id)
    record.last_seen_at = first - TOUCH_EVERY * 2
    db.session.commit()
    phone.get("/me")
    db.session.expire_all()
    assert db.session.get(UserSession, record.id).last_seen_at > first - TOUCH_EVERY


def test_a_cookie_without_a_server_session_is_not_enough(app, make):
    member = make.member(make.program())
    c = new_client(app)
    with c.session_transaction() as s:
        s["_user_id"] = member.get_id()  # forged or left over from before: no session on the server
    assert is_login_redirect(c.get("/me"))


def _sets_session_cookie(resp) -> bool:
    return any(h.startswith("session=") for h in resp.headers.getlist("Set-Cookie"))


def test_her_cookie_is_renewed_once_a_day_and_lives_on(app, make):
    """Flask would sign the cookie again on every answer; once a day moves its expiry as far."""
    with time_machine.travel(datetime(2026, 12, 31, 22, 50, tzinfo=UTC), tick=False) as moment:
        member = make.member(make.program())
        phone = _phone(app, member)
        assert not _sets_session_cookie(phone.get("/me"))  # the same day: nothing to sign
        moment.move_to(datetime(2027, 1, 1, 0, 10, tzinfo=UTC))  # a new day (UTC) in the new year
        first_of_day = phone.get("/me")
        assert first_of_day.status_code == 200 and _sets_session_cookie(first_of_day)
        expires = phone.get_cookie("session").expires
        assert expires > datetime(2027, 6, 29, tzinfo=UTC)  # 180 days from today, not from her login
        assert not _sets_session_cookie(phone.get("/me"))
        # A change to the session is written at once, whatever the day.
        assert _sets_session_cookie(phone.post("/language", data={"lang": "en"}))


def _open(app, cookie: str):
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}) as ctx:
        return app.session_interface.open_session(app, ctx.request)


def test_a_cookie_opened_before_is_still_checked_on_every_request(app):
    """A worker keeps the cookies it has opened (common/cookie_session.py): the same cookie opens
    the same, but one too old, from before it was signed, or changed, opens empty as before."""
    from feedback.common import cookie_session

    signed_at = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    lifetime = app.permanent_session_lifetime
    with time_machine.travel(signed_at, tick=False) as moment:
        cookie = app.session_interface.get_signing_serializer(app).dumps({"_user_id": "7:1", "sid": "abc"})
        first = _open(app, cookie)
        assert dict(first) == {"_user_id": "7:1", "sid": "abc"}
        assert (app.secret_key, cookie) in cookie_session._OPENED
        first["sid"] = "changed in this request"
        assert dict(_open(app, cookie)) == {"_user_id": "7:1", "sid": "abc"}  # from memory, unchanged
        moment.move_to(signed_at + lifetime)
        assert dict(_open(app, cookie)) == {"_user_id": "7:1", "sid": "abc"}  # the last second of its life
        moment.move_to(signed_at + lifetime + timedelta(seconds=1))
        assert dict(_open(app, cookie)) == {}
        moment.move_to(signed_at - timedelta(seconds=1))
        assert dict(_open(app, cookie)) == {}
        moment.move_to(signed_at)
        changed = cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1]
        assert dict(_open(app, changed)) == {}
        assert (app.secret_key, changed) not in cookie_session._OPENED


def test_a_session_holding_a_list_is_opened_afresh_each_time(app):
    """Flashed messages are a list that a request changes in place: such a cookie is not kept."""
    from feedback.common import cookie_session

    cookie = app.session_interface.get_signing_serializer(app).dumps({"_flashes": [["message", "Saved."]]})
    _open(app, cookie)["_flashes"].append(["message", "Again."])
    assert (app.secret_key, cookie) not in cookie_session._OPENED
    assert _open(app, cookie)["_flashes"] == [["message", "Saved."]]


def test_the_kept_cookies_are_bounded(app, monkeypatch):
    from feedback.common import cookie_session

    monkeypatch.setattr(cookie_session, "OPENED_MAX", 3)
    monkeypatch.setattr(cookie_session, "_OPENED", {})
    dumps = app.session_interface.get_signing_serializer(app).dumps
    for n in range(5):
        assert dict(_open(app, dumps({"n": n}))) == {"n": n}
        assert len(cookie_session._OPENED) <= 3
