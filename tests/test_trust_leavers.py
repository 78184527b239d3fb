"""A woman who left one group and goes on in another is that group's to manage: staff of the
group she left still open her page (her data, its deletion date, "she came back"), but no longer
change her details or log her out, or they could put their own number on her account and have
her lost card sent to it (found by an authorization review)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from feedback.auth.models import UserSession
from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.outbox.worker import claim, deliver
from tests.routes_support import left_a_now_in_b, new_client, snapshot

NOON = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm: no quiet hours for SMS
LINK = re.compile(r"https?://[^\s]+/in/([A-Za-z0-9_-]+)")
STAFF_PHONE = "+46709999999"


def _new_phone(client, w, member, phone: str):
    return client.post(f"/staff/{w.prog.id}/members/{member.id}/edit",
                       data={"name": "Mona Member", "preferred_language": "en", "phone": phone,
                             "email": "", "message_channel": ""})


def test_staff_of_the_group_she_left_see_her_page_but_change_nothing(app, login, english_world):
    w = english_world
    mona = left_a_now_in_b(w)
    staff_a = login(w.users["staff"], new_client(app))
    page = staff_a.get(f"/staff/{w.prog.id}/members/{mona.id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert mona.name in html and 'name="phone"' not in html and "Log out this phone" not in html
    before = snapshot()
    assert _new_phone(staff_a, w, mona, STAFF_PHONE).status_code == 404
    assert snapshot() == before


def test_staff_of_the_group_she_left_cannot_log_her_out(app, login, english_world):
    w = english_world
    mona = left_a_now_in_b(w)
    phone = login(mona, new_client(app))  # her phone, in B
    session_id = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == mona.id,
                                                                   UserSession.ended_at.is_(None)))
    staff_a = login(w.users["staff"], new_client(app))
    resp = staff_a.post(f"/staff/{w.prog.id}/members/{mona.id}/sessions/{session_id}/end")
    assert resp.status_code == 404
    assert phone.get(f"/p/{w.p_other.id}").status_code == 200
    # Staff of the group she is in still can.
    staff_b = login(w.users["other_staff"], new_client(app))
    assert staff_b.post(f"/staff/{w.other_prog.id}/members/{mona.id}/sessions/{session_id}/end").status_code == 302
    assert phone.get(f"/p/{w.p_other.id}").status_code != 200


class _Sms:
    name = "fake-sms"

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return f"fake-{len(self.sent)}"


def test_no_way_into_her_account_through_the_group_she_left(app, login, english_world, time_machine):
    """The whole chain: a number of their own on her account, a lost card asked for with it, and
    the new link logs them in as a member of B."""
    time_machine.move_to(NOON)
    w = english_world
    mona = left_a_now_in_b(w)
    staff_a = login(w.users["staff"], new_client(app))
    _new_phone(staff_a, w, mona, STAFF_PHONE)
    new_client(app).post("/login/lost-card", data={"phone": "070-999 99 99"})
    sms = _Sms()
    for i in claim(20, utcnow()):
        deliver(i, {"sms": sms, "email": None})
    assert sms.sent == []
    db.session.refresh(mona)
    assert mona.phone != STAFF_PHONE
