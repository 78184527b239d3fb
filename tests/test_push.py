"""Web Push as an outbox channel, against a push service started here on 127.0.0.1: it checks the
VAPID signature (an ES256 JWT verified with the public key, aud, exp, sub), the headers, and
decrypts the body (RFC 8291, aes128gcm) with the keys a browser made, as a real push service and
browser would. Plus subscribing from her phone, her data, and the key command."""
from __future__ import annotations

import base64
import json
import os
import re
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import http_ece
import pytest
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from feedback.auth.models import User
from feedback.common.clock import epoch_seconds
from feedback.extensions import db
from feedback.outbox import push
from feedback.outbox.models import OutboxMessage, State
from feedback.outbox.push import PushSubscription
from feedback.outbox.services import enqueue
from feedback.outbox.worker import run_once

NOON = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm
NIGHT = datetime(2027, 1, 12, 21, 30, tzinfo=UTC)  # 22:30 in Stockholm


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def to_json(self) -> dict:
        point = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": _b64(point), "auth": _b64(self.auth)}}


def _verify_vapid(header: str, origin: str, public_key: str) -> dict:
    """The Authorization header of RFC 8292: `vapid t=<JWT>, k=<key>`; the claims when it holds."""
    m = re.fullmatch(r"vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)", header)
    assert m, f"not a VAPID header: {header!r}"
    token, k = m.groups()
    assert k == public_key
    head, claims, signature = token.split(".")
    assert json.loads(_unb64(head)) == {"typ": "JWT", "alg": "ES256"}
    raw = _unb64(signature)
    assert len(raw) == 64
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(k))
    key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    claims = json.loads(_unb64(claims))
    assert claims["aud"] == origin
    assert epoch_seconds() < claims["exp"] <= epoch_seconds() + 24 * 3600
    assert claims["sub"] == "mailto:expertgrupp@example.org"
    return claims


class _PushService(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict] = []
    browsers: dict[str, Browser] = {}
    public_key = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        origin = f"http://127.0.0.1:{self.server.server_port}"
        browser = self.browsers.get(self.path)
        record: dict = {"path": self.path}
        try:
            record["claims"] = _verify_vapid(self.headers.get("Authorization", ""), origin, self.public_key)
            record["headers"] = {h: self.headers.get(h) for h in ("Content-Encoding", "TTL", "Urgency")}
            plain = http_ece.decrypt(body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm")
            record["payload"] = json.loads(plain)
            status = self.answers.pop(0) if self.answers else 201
        except (AssertionError, InvalidSignature, AttributeError, ValueError) as e:
            record["problem"] = repr(e)
            status = 400
        self.received.append(record)
        self.send_response(status)
        if status == 201:
            self.send_header("Location", f"{origin}/m/msg{len(self.received)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def service(app, monkeypatch):
    _PushService.answers, _PushService.received, _PushService.browsers = [], [], {}
    _PushService.public_key = push.public_key(app)
    server = HTTPServer(("127.0.0.1", _free_port()), _PushService)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    # The local push service speaks http at 127.0.0.1; real ones are https at known hosts.
    monkeypatch.setitem(app.config, "PUSH_ENDPOINT_SCHEMES", ("https", "http"))
    monkeypatch.setitem(app.config, "PUSH_ENDPOINT_HOSTS", "127.0.0.1")
    _PushService.base = f"http://127.0.0.1:{server.server_port}"
    yield _PushService
    server.shutdown()
    server.server_close()


def _browser(service, name: str) -> Browser:
    browser = Browser(f"{service.base}/push/{name}")
    service.browsers[f"/push/{name}"] = browser
    return browser


def _subscribe(user, browser: Browser) -> None:
    data = browser.to_json()
    push.subscribe(user.id, data["endpoint"], data["keys"]["p256dh"], data["keys"]["auth"])
    db.session.commit()


def _messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def _subscriptions() -> list[PushSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PushSubscription).order_by(PushSubscription.id)))


@pytest.fixture
def member(make):
    return make.member(make.program(), name="Amina", language="ar")


def _queue(member, key="vote-open:1", link="/p/17"):
    enqueue(member, "push", "vote_open", key, "بدأ التصويت.", subject="صوّتي الآن")
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.user_id == member.id).values(link=link))
    db.session.commit()


# --- sending ------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [201, 200])
def test_a_push_reaches_her_phone_signed_encrypted_and_in_her_language(app, member, service, time_machine, answer):
    time_machine.move_to(NOON, tick=False)
    _subscribe(member, _browser(service, "phone1"))
    _queue(member)
    service.answers = [answer]
    assert run_once(app) == {State.SENT: 1}
    (got,) = service.received
    assert "problem" not in got, got.get("problem")
    assert got["headers"] == {"Content-Encoding": "aes128gcm", "TTL": "43200", "Urgency": "normal"}
    assert got["payload"] == {"title": "صوّتي الآن", "body": "بدأ التصويت.", "url": "/p/17", "lang": "ar", "dir": "rtl"}
    (m,) = _messages()
    assert m.state == State.SENT and m.attempts == 1 and m.provider_id
    if answer == 201:
        assert m.provider_id == "msg1"  # from the push service's Location
    assert _subscriptions()[0].last_used_at == NOON.replace(tzinfo=None)


def test_every_phone_of_hers_gets_it_and_a_gone_one_is_forgotten(app, member, service, time_machine):
    time_machine.move_to(NOON, tick=False)
    _subscribe(member, _browser(service, "old"))
    _subscribe(member, _browser(service, "new"))
    _queue(member)
    service.answers = [410, 201]
    assert run_once(app) == {State.SENT: 1}
    assert [r["path"] for r in service.received] == ["/push/old", "/push/new"]
    assert [s.endpoint.rsplit("/", 1)[1] for s in _subscriptions()] == ["new"]


@pytest.mark.parametrize("gone", [410, 404])
def test_when_all_her_phones_are_gone_the_message_fails_with_the_reason(app, make, login, member, service,
                                                                       time_machine, gone):
    from feedback.programs.models import Program
    from tests.routes_support import new_client

    time_machine.move_to(NOON, tick=False)
    _subscribe(member, _browser(service, "gone"))
    _queue(member)
    service.answers = [gone]
    assert run_once(app) == {State.FAILED: 1}
    (m,) = _messages()
    assert m.state == State.FAILED and "gone" in m.last_error and str(gone) in m.last_error
    assert _subscriptions() == []
    program = db.session.get(Program, member.memberships[0].program_id)
    staff = login(make.staff(program, language="en"), new_client(app))
    page = staff.get(f"/staff/{program.id}/messages/").get_data(as_text=True)
    assert "her push subscriptions are gone" in page and "webpush" in page
    assert service.base not in page  # staff never see her phone's address


@pytest.mark.parametrize("busy", [500, 503, 429])
def test_a_busy_push_service_is_tried_again_later(app, member, service, monkeypatch, time_machine, busy):
    monkeypatch.setitem(app.config, "OUTBOX_FIRST_RETRY_SECONDS", 60)
    time_machine.move_to(NOON, tick=False)
    _subscribe(member, _browser(service, "phone"))
    _queue(member)
    service.answers = [busy]
    assert run_once(app) == {"retry": 1}
    (m,) = _messages()
    assert m.state == State.QUEUED and m.attempts == 1 and f"answered {busy}" in m.last_error
    assert m.next_attempt_at == NOON.replace(tzinfo=None) + timedelta(seconds=60)
    assert len(_subscriptions()) == 1
    time_machine.move_to(NOON + timedelta(seconds=61), tick=False)
    assert run_once(app) == {State.SENT: 1}
    assert len(service.received) == 2 and service.received[1]["payload"]["body"] == "بدأ التصويت."


def test_a_push_service_that_does_not_answer_is_tried_again(app, member, monkeypatch, time_machine):
    time_machine.move_to(NOON, tick=False)
    monkeypatch.setitem(app.config, "OUTBOX_PROVIDER_TIMEOUT", 0.3)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        _subscribe(member, Browser(f"http://127.0.0.1:{silent.getsockname()[1]}/push/x"))
        _queue(member)
        assert run_once(app) == {"retry": 1}
    (m,) = _messages()
    assert m.state == State.QUEUED and "could not be reached" in m.last_error and "Timeout" in m.last_error


def test_a_refusal_that_is_not_gone_fails_and_keeps_the_subscription(app, member, service, time_machine):
    time_machine.move_to(NOON, tick=False)
    _subscribe(member, _browser(service, "phone"))
    _queue(member)
    service.answers = [403]  # e.g. the phone subscribed with another VAPID key
    assert run_once(app) == {State.FAILED: 1}
    assert "answered 403" in _messages()[0].last_error and len(_subscriptions()) == 1


def test_without_a_subscription_nothing_is_sent_and_the_row_says_why(app, member, service, time_machine):
    time_machine.move_to(NOON, tick=False)
    _queue(member)
    assert run_once(app) == {State.DROPPED: 1}
    assert _messages()[0].last_error == "she has no push subscription" and service.received == []


def test_without_a_vapid_key_push_is_off(app, member, service, monkeypatch, time_machine):
    from feedback.outbox.providers import providers_for

    time_machine.move_to(NOON, tick=False)
    _subscribe(member, _browser(service, "phone"))
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "")
    assert providers_for(app)["push"] is None
    _queue(member)
    assert run_once(app) == {State.DROPPED: 1}
    assert _messages()[0].last_error == "no provider for push is set up" and service.received == []


def test_a_push_to_a_member_waits_for_the_morning(app, make, member, service, time_machine):
    time_machine.move_to(NIGHT, tick=False)
    _subscribe(member, _browser(service, "phone"))
    staff = make.staff(make.program())
    _subscribe(staff, _browser(service, "office"))
    _queue(member)
    enqueue(staff, "push", "new_post", "new-post:1", "Ett nytt inlägg.", subject="Nytt inlägg")
    db.session.commit()
    assert run_once(app) == {"held": 1, State.SENT: 1}  # staff chose to get it at night
    held = next(m for m in _messages() if m.user_id == member.id)
    assert held.state == State.QUEUED and held.attempts == 0 and held.next_attempt_at == datetime(2027, 1, 13, 7, 0)
    time_machine.move_to(datetime(2027, 1, 13, 7, 0, 1, tzinfo=UTC), tick=False)
    assert run_once(app) == {State.SENT: 1}
    assert [r["path"] for r in service.received] == ["/push/office", "/push/phone"]


@pytest.mark.parametrize(("link", "url"), [
    ("/p/17", "/p/17"), ("/me?x=1#a", "/me?x=1#a"), (None, "/"), ("https://evil.example/x", "/"),
    ("//evil.example/x", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), ("/a b", "/"),
])
def test_only_a_page_of_this_site_opens_from_a_message(link, url):
    assert push.safe_link(link) == url


def test_a_message_without_a_subject_is_titled_with_the_app_s_name_in_her_language(app):
    from feedback.outbox.providers import Outgoing

    sent = json.loads(push.payload(Outgoing("1", None, "Träff på lördag.", lang="sv")))
    assert sent == {"title": "Expertgruppen", "body": "Träff på lördag.", "url": "/", "lang": "sv", "dir": "ltr"}


# --- subscribing from her phone ---------------------------------------------------------------


def _post(client, url: str, body, headers=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, data=data, content_type=content_type, headers=headers or {})


@pytest.fixture
def phone(app, member, login):
    from tests.routes_support import new_client

    return login(member, new_client(app))


FCM = "https://fcm.googleapis.com/fcm/send/dXk3b2Rpc2s6QVBBOTFi"


def test_her_phone_subscribes_and_unsubscribes(app, member, phone):
    browser = Browser(FCM)
    resp = _post(phone, "/me/push/subscribe", browser.to_json())
    assert resp.status_code == 200 and resp.json == {"ok": True}
    (s,) = _subscriptions()
    assert (s.user_id, s.endpoint, s.auth) == (member.id, FCM, _b64(browser.auth))
    assert _unb64(s.p256dh)[0] == 4 and len(_unb64(s.p256dh)) == 65
    db.session.expire_all()
    assert db.session.get(User, member.id).message_channel == "push"  # turning it on is choosing it
    # The same phone again (new keys): one row, the new keys.
    again = Browser(FCM)
    assert _post(phone, "/me/push/subscribe", again.to_json()).status_code == 200
    (s,) = _subscriptions()
    assert s.auth == _b64(again.auth)
    resp = _post(phone, "/me/push/unsubscribe", {"endpoint": FCM})
    assert resp.status_code == 200 and resp.json == {"ok": True, "stopped": True}
    assert _subscriptions() == []


def test_a_shared_phone_gets_the_messages_of_who_subscribed_last(app, make, member, phone, login):
    from tests.routes_support import new_client

    assert _post(phone, "/me/push/subscribe", Browser(FCM).to_json()).status_code == 200
    other = make.member(make.program(), name="Nora")
    other_phone = login(other, new_client(app))
    # She cannot stop Amina's phone by its address...
    assert _post(other_phone, "/me/push/unsubscribe", {"endpoint": FCM}).json == {"ok": True, "stopped": False}
    assert [s.user_id for s in _subscriptions()] == [member.id]
    # ...but when this browser subscribes for her, it is hers.
    assert _post(other_phone, "/me/push/subscribe", Browser(FCM).to_json()).status_code == 200
    assert [s.user_id for s in _subscriptions()] == [other.id]


def test_logging_out_forgets_this_phone_only(app, make, member, phone, login):
    from tests.routes_support import new_client

    tablet = login(member, new_client(app))
    tablet_url = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABtablet"
    assert _post(tablet, "/me/push/subscribe", Browser(tablet_url).to_json()).status_code == 200
    assert _post(phone, "/me/push/subscribe", Browser(FCM).to_json()).status_code == 200
    assert phone.post("/logout").status_code == 302
    assert [s.endpoint for s in _subscriptions()] == [tablet_url]
    db.session.expire_all()
    assert db.session.get(User, member.id).message_channel == "push"  # the tablet still gets them
    # The last one: her news goes back to SMS or e-mail rather than to no phone at all.
    assert tablet.post("/logout").status_code == 302
    assert _subscriptions() == []
    db.session.expire_all()
    assert db.session.get(User, member.id).message_channel is None
    # A browser that never subscribed logs out as before; another person's phone is never touched.
    other = make.member(make.program(), name="Nora")
    other_phone = login(other, new_client(app))
    assert _post(other_phone, "/me/push/subscribe", Browser(FCM).to_json()).status_code == 200
    assert login(member, new_client(app)).post("/logout").status_code == 302
    assert [s.user_id for s in _subscriptions()] == [other.id]


def test_she_keeps_at_most_ten_browsers(app, member, time_machine):
    start = NOON
    for i in range(12):
        time_machine.move_to(start + timedelta(minutes=i), tick=False)
        push.subscribe(member.id, f"{FCM}-{i}", Browser(FCM).to_json()["keys"]["p256dh"], _b64(os.urandom(16)))
    db.session.commit()
    assert {s.endpoint for s in _subscriptions()} == {f"{FCM}-{i}" for i in range(2, 12)}  # the two oldest went


def _with(keys=None, **fields):
    data = Browser(FCM).to_json()
    data["keys"].update(keys or {})
    data.update(fields)
    return data


BAD = {
    "not JSON": "{endpoint:",
    "a list": "[1, 2]",
    "not UTF-8": b"\xff\xfe{}",
    "no endpoint": _with(endpoint=None),
    "http endpoint": _with(endpoint="http://fcm.googleapis.com/fcm/send/abc"),
    "javascript endpoint": _with(endpoint="javascript:alert(1)"),
    "an unknown push service": _with(endpoint="https://evil.example/push/abc"),
    "a local address": _with(endpoint="https://127.0.0.1/push"),
    "a user in the endpoint": _with(endpoint="https://me:pw@fcm.googleapis.com/fcm/send/abc"),
    "a long endpoint": _with(endpoint=FCM + "x" * 1000),
    "no keys": _with(keys=None) | {"keys": None},
    "a short p256dh": _with(keys={"p256dh": _b64(b"\x02" + os.urandom(32))}),
    "a p256dh off the curve": _with(keys={"p256dh": _b64(b"\x04" + bytes(64))}),
    "p256dh not base64url": _with(keys={"p256dh": "BP+/" + "A" * 83}),
    "a short auth": _with(keys={"auth": _b64(os.urandom(8))}),
    "auth a number": _with(keys={"auth": 16}),
    "too long a body": _with(padding="x" * 5000),
    # Found by a review of bad input: each was a 500 on its way into the database or out of json.
    "a lone surrogate in the endpoint": json.dumps(Browser(FCM).to_json()).replace(FCM, FCM + "\\ud800"),
    "nested deeper than json reads": "[" * 4000,
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_subscription_is_refused_and_nothing_is_stored(app, phone, case):
    body = BAD[case]
    resp = _post(phone, "/me/push/subscribe", body)
    assert resp.status_code == 400, resp.data
    assert resp.json["ok"] is False and resp.json["error"]
    assert _subscriptions() == []


@pytest.mark.parametrize("body", ['{"endpoint": "\\ud800"}', '{"endpoint": "a\\u0000b"}', "[" * 4000],
                         ids=["a lone surrogate", "a NUL", "deeply nested"])
def test_a_bad_unsubscribe_is_refused_and_nothing_changes(app, member, phone, body):
    _subscribe(member, Browser(FCM))
    db.session.commit()
    resp = _post(phone, "/me/push/unsubscribe", body)
    assert resp.status_code == 400 and resp.json["ok"] is False
    assert [s.endpoint for s in _subscriptions()] == [FCM]


def test_a_form_instead_of_json_is_refused(app, phone):
    resp = phone.post("/me/push/subscribe", data={"endpoint": FCM})
    assert resp.status_code == 400 and _subscriptions() == []
    assert phone.post("/me/push/unsubscribe", data={"endpoint": FCM}).status_code == 400


def test_subscribing_needs_the_csrf_token(app, member, phone, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    body = Browser(FCM).to_json()
    assert _post(phone, "/me/push/subscribe", body).status_code == 400
    assert _post(phone, "/me/push/subscribe", body, {"X-CSRFToken": "made-up"}).status_code == 400
    assert _subscriptions() == []
    page = phone.get("/me/data").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert _post(phone, "/me/push/subscribe", body, {"X-CSRFToken": token}).status_code == 200
    assert len(_subscriptions()) == 1
    assert _post(phone, "/me/push/unsubscribe", {"endpoint": FCM}).status_code == 400
    assert len(_subscriptions()) == 1


def test_subscribing_when_push_is_off_stores_nothing(app, phone, monkeypatch):
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "")
    assert _post(phone, "/me/push/subscribe", Browser(FCM).to_json()).status_code == 404
    assert _subscriptions() == []


def test_her_data_page_has_the_button_with_the_key(app, phone, monkeypatch):
    page = phone.get("/me/data").get_data(as_text=True)
    assert f'data-key="{push.public_key(app)}"' in page and "data-push-subscribe" in page
    assert "<script>" not in page  # the button works through app.js: no inline script
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", "")
    assert "data-push-subscribe" not in phone.get("/me/data").get_data(as_text=True)


# --- her data ---------------------------------------------------------------------------------


def test_her_phones_are_in_her_data_staff_see_only_the_service_and_erasing_deletes_them(app, member, time_machine):
    from feedback.privacy.services import erase, my_data

    time_machine.move_to(NOON, tick=False)
    push.subscribe(member.id, FCM, Browser(FCM).to_json()["keys"]["p256dh"], _b64(os.urandom(16)))
    db.session.commit()
    assert my_data(member)["push_messages_to"] == [{"endpoint": FCM, "since": "2027-01-12", "last_used": None}]
    staff_file = my_data(member, program_id=member.memberships[0].program_id)
    assert staff_file["push_messages_to"] == [{"push_service": "fcm.googleapis.com", "since": "2027-01-12",
                                               "last_used": None}]
    assert FCM not in json.dumps(staff_file)
    erase(member)
    db.session.commit()
    assert _subscriptions() == []


# --- keys -------------------------------------------------------------------------------------


def test_the_command_prints_a_key_pair_that_signs_and_verifies(app, runner):
    from feedback import create_app
    from feedback.config import TestConfig

    result = runner.invoke(args=["outbox", "vapid-keys"])
    assert result.exit_code == 0
    lines = dict(line.split("=", 1) for line in result.output.strip().splitlines())
    private, public = lines["VAPID_PRIVATE_KEY"], lines["VAPID_PUBLIC_KEY"]
    key = push.load_private_key(private)
    assert push.public_key_of(key) == public and len(_unb64(public)) == 65
    signed = push.WebPush(key, "mailto:expertgrupp@example.org", 60, 1)._headers("https://fcm.googleapis.com/x")
    assert _verify_vapid(signed["Authorization"], "https://fcm.googleapis.com", public)["aud"]
    # The app starts with it and derives the public key the browsers need.
    other = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                        "VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": ""})
    assert push.public_key(other) == public


def test_a_pem_key_works_too(app):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    assert push.public_key_of(push.load_private_key(pem)) == push.public_key_of(key)


@pytest.mark.parametrize(("private", "public", "words"), [
    ("not-a-key", "", "VAPID_PRIVATE_KEY"),
    (push.b64url(os.urandom(16)), "", "VAPID_PRIVATE_KEY"),
    (push.new_key_pair()[0], push.new_key_pair()[1], "VAPID_PUBLIC_KEY"),
], ids=["not a key", "16 bytes", "another key's public key"])
def test_the_app_refuses_to_start_with_keys_that_do_not_work(private, public, words):
    from feedback import create_app
    from feedback.config import TestConfig

    with pytest.raises(RuntimeError, match=words):
        create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                    "VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": public})


@pytest.mark.parametrize(("endpoint", "ok"), [
    ("https://fcm.googleapis.com/fcm/send/x", True),
    ("https://updates.push.services.mozilla.com/wpush/v2/x", True),
    ("https://web.push.apple.com/QGx", True),
    ("https://wns2-db5p.notify.windows.com/w/?token=x", True),
    ("https://notfcm.googleapis.com.evil.example/x", False),
    ("https://evilfcm.googleapis.com/x", False),
    ("https://fcm.googleapis.com:99999/x", False),
    ("https:///x", False),
    ("https://fcm.googleapis.com/x\n", False),
    ("", False),
])
def test_known_push_services_only(endpoint, ok):
    from feedback.common.errors import RuleError
    from feedback.config import Config

    if ok:
        assert push.check_endpoint(endpoint, ("https",), Config.PUSH_ENDPOINT_HOSTS) == endpoint
    else:
        with pytest.raises(RuleError):
            push.check_endpoint(endpoint, ("https",), Config.PUSH_ENDPOINT_HOSTS)
