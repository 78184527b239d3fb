"""Web Push: the app on her phone's home screen gets a message even when it is closed.

Her browser gives us a subscription (an address at her browser's push service and two keys);
we keep it with her id. The outbox worker sends a push message to each of her subscriptions,
encrypted for that browser (RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292), so
the push service knows it comes from us. A subscription the push service says is gone (404, 410)
is deleted. Without a VAPID private key the push channel is off."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
import sqlalchemy.orm as so
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from py_vapid import Vapid
from pywebpush import WebPusher

from feedback.common import i18n
from feedback.common.clock import epoch_seconds, utcnow
from feedback.common.errors import RuleError
from feedback.common.upsert import insert_ignore
from feedback.extensions import db
from feedback.outbox.models import Channel
from feedback.outbox.providers import Outgoing, PermanentFailure, TemporaryFailure

if TYPE_CHECKING:
    from feedback.auth.models import User

log = logging.getLogger(__name__)

ENDPOINT_MAX = 1000
P256DH_BYTES = 65  # an uncompressed P-256 point: 0x04, x, y
AUTH_BYTES = 16
BODY_MAX = 4096  # a subscription's JSON is about 400 bytes
PER_USER_MAX = 10  # her phones and browsers; the oldest goes when she adds one more
OK_STATUSES = (200, 201, 202)
GONE_STATUSES = (404, 410)


class PushSubscription(db.Model):
    """One browser of hers that said yes to messages: where to send and how to encrypt."""

    __tablename__ = "push_subscriptions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The push service's address for this browser: a secret of sorts, never shown to staff.
    endpoint: so.Mapped[str] = so.mapped_column(sa.String(ENDPOINT_MAX), unique=True)
    p256dh: so.Mapped[str] = so.mapped_column(sa.String(100))  # the browser's public key, base64url
    auth: so.Mapped[str] = so.mapped_column(sa.String(40))  # the browser's auth secret, base64url
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_used_at: so.Mapped[datetime | None]


# --- keys ----------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url (padding optional); ValueError for anything else."""
    if not isinstance(text, str) or not text or any(c not in _B64URL for c in text.rstrip("=")):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def load_private_key(value: str) -> ec.EllipticCurvePrivateKey:
    """VAPID_PRIVATE_KEY: a P-256 key as PEM, or its raw 32 bytes in base64url (what
    `flask outbox vapid-keys` prints). ValueError when it is neither."""
    value = value.strip()
    if value.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(value.replace("\\n", "\n").encode(), password=None)
    else:
        raw = b64url_decode(value)
        if len(raw) != 32:
            raise ValueError("a raw VAPID private key is 32 bytes (base64url)")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("the VAPID key must be a P-256 (prime256v1) key")
    return key


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    """The application server key browsers subscribe with: the uncompressed point, base64url."""
    return b64url(key.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint))


def new_key_pair() -> tuple[str, str]:
    """(private, public), both base64url, for VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big")), public_key_of(key)


def public_key(app: Flask) -> str:
    """VAPID_PUBLIC_KEY as set, else derived from the private key; "" when push is off."""
    c = app.config
    if not c.get("VAPID_PRIVATE_KEY"):
        return ""
    return c.get("VAPID_PUBLIC_KEY") or public_key_of(load_private_key(c["VAPID_PRIVATE_KEY"]))


def subject(app: Flask) -> str:
    """Who runs this server, for the push services (the VAPID "sub" claim)."""
    return app.config.get("VAPID_SUBJECT") or f"mailto:{app.config['MAIL_FROM']}"


# --- subscribing ---------------------------------------------------------------------------


def _refuse(why: str) -> RuleError:
    return RuleError(why, status=400)


def _allowed_host(host: str, allowed: str) -> bool:
    if allowed.strip() == "*":
        return True
    names = [h.strip().lower().lstrip(".") for h in allowed.split(",") if h.strip()]
    return any(host == n or host.endswith("." + n) for n in names)


def check_endpoint(endpoint: object, schemes: tuple[str, ...], hosts: str) -> str:
    """A push service's address: an absolute URL of an allowed scheme (https in production) at a
    known push service, without user or password, at most ENDPOINT_MAX characters."""
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > ENDPOINT_MAX:
        raise _refuse("the endpoint must be a URL of at most 1000 characters")
    if any(c.isspace() or ord(c) < 32 for c in endpoint):
        raise _refuse("the endpoint must be a URL")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise _refuse("the endpoint must be a URL") from None
    if parts.scheme.lower() not in schemes:
        raise _refuse(f"the endpoint must start with {' or '.join(s + '://' for s in schemes)}")
    if not host or parts.username is not None or parts.password is not None:
        raise _refuse("the endpoint must name a host, without a user or password")
    if not _allowed_host(host, hosts):
        raise _refuse("the endpoint is not at a known push service")
    return endpoint


def check_subscription(data: object, schemes: tuple[str, ...], hosts: str) -> tuple[str, str, str]:
    """PushSubscription.toJSON() from her browser -> (endpoint, p256dh, auth), or a RuleError."""
    if not isinstance(data, dict):
        raise _refuse("send the subscription as a JSON object")
    endpoint = check_endpoint(data.get("endpoint"), schemes, hosts)
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise _refuse("the subscription has no keys")
    try:
        p256dh, auth = b64url_decode(keys.get("p256dh")), b64url_decode(keys.get("auth"))
    except ValueError:
        raise _refuse("the keys must be base64url") from None
    if len(p256dh) != P256DH_BYTES or p256dh[0] != 4:
        raise _refuse("p256dh must be an uncompressed P-256 point (65 bytes)")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError:
        raise _refuse("p256dh is not a point on P-256") from None
    if len(auth) != AUTH_BYTES:
        raise _refuse("auth must be 16 bytes")
    return endpoint, b64url(p256dh), b64url(auth)


def subscribe(user_id: int, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep this browser's subscription for her. The endpoint is the browser's: a phone that
    subscribes again (after someone else logged in on it) now gets her messages, not theirs."""
    table = PushSubscription.__table__
    now = utcnow()
    inserted = insert_ignore(db.session, table, {"user_id": user_id, "endpoint": endpoint, "p256dh": p256dh,
                                                 "auth": auth, "created_at": now}, ["endpoint"])
    if not inserted:
        db.session.execute(sa.update(PushSubscription).where(PushSubscription.endpoint == endpoint)
                           .values(user_id=user_id, p256dh=p256dh, auth=auth, created_at=now, last_used_at=None)
                           .execution_options(synchronize_session=False))
    mine = list(db.session.scalars(sa.select(PushSubscription.id).where(PushSubscription.user_id == user_id)
                                   .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())))
    if len(mine) > PER_USER_MAX:
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(mine[PER_USER_MAX:]))
                           .execution_options(synchronize_session=False))
    db.session.flush()
    return db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint)
                             .execution_options(populate_existing=True))


def unsubscribe(user_id: int, endpoint: str) -> bool:
    """This browser gets no more messages for her; True when she had it. Another person's
    subscription is left alone (an endpoint is not a key to someone else's phone)."""
    gone = db.session.execute(sa.delete(PushSubscription).where(
        PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint)).rowcount
    db.session.flush()
    return gone == 1


def forget_browser(user: User, subscription_id: int | None) -> None:
    """She logs out on this browser: it gets no more of her messages (phones are shared, and a
    lock screen shows them). When it was her last one, her news goes back to the default way
    (SMS or e-mail) instead of failing for want of a phone."""
    if subscription_id is None:
        return
    gone = db.session.execute(sa.delete(PushSubscription).where(
        PushSubscription.id == subscription_id, PushSubscription.user_id == user.id)).rowcount
    if gone and user.message_channel == Channel.PUSH and not has_subscription(user.id):
        user.message_channel = None
    db.session.flush()


def has_subscription(user_id: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(PushSubscription.user_id == user_id))) or False


def subscriptions_of(user_id: int) -> list[PushSubscription]:
    return list(db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user_id)
                                   .order_by(PushSubscription.created_at, PushSubscription.id)))


# --- sending -------------------------------------------------------------------------------


def safe_link(link: str | None) -> str:
    """Only a page of this site opens from a message: a path like "/p/17", else the home page."""
    if not link or not link.startswith("/") or link.startswith(("//", "/\\")) or any(c.isspace() for c in link):
        return "/"
    return link


def payload(message: Outgoing) -> bytes:
    """What her phone shows, in her language: title, text, the page it opens, language and direction."""
    lang = message.lang or "sv"
    with force_locale(lang):
        title = message.subject or _("Expert group")
    return json.dumps({"title": title, "body": message.body, "url": safe_link(message.link),
                       "lang": lang, "dir": i18n.text_direction(lang)}, ensure_ascii=False).encode("utf-8")


class WebPush:
    """Sends an outbox message to every subscription she has (Outgoing.to is her user id)."""

    name = "webpush"

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, sub: str, ttl: int, timeout: float) -> None:
        self.vapid = Vapid(private_key=private_key)
        self.sub, self.ttl, self.timeout = sub, ttl, timeout
        self.http = requests.Session()

    def _headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": epoch_seconds() + 12 * 3600, "sub": self.sub}
        return {**self.vapid.sign(claims), "Urgency": "normal"}

    def _send_one(self, subscription: PushSubscription, data: bytes) -> requests.Response:
        info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
        return WebPusher(info, requests_session=self.http).send(
            data, self._headers(subscription.endpoint), ttl=self.ttl, content_encoding="aes128gcm",
            timeout=self.timeout)

    def send(self, message: Outgoing) -> str:
        subscriptions = subscriptions_of(int(message.to))
        if not subscriptions:
            raise PermanentFailure("she has no push subscription")
        data = payload(message)
        sent: list[str] = []
        gone = 0
        later: list[str] = []
        refused: list[str] = []
        for subscription in subscriptions:
            host = urlsplit(subscription.endpoint).hostname
            try:
                resp = self._send_one(subscription, data)
            except requests.RequestException as e:
                later.append(f"{host} could not be reached: {type(e).__name__}")
                continue
            if resp.status_code in OK_STATUSES:
                subscription.last_used_at = utcnow()
                sent.append(resp.headers.get("Location", "").rsplit("/", 1)[-1] or f"{host}-{resp.status_code}")
            elif resp.status_code in GONE_STATUSES:
                db.session.delete(subscription)  # the browser unsubscribed or the phone is gone
                gone += 1
            elif resp.status_code == 429 or resp.status_code >= 500:
                later.append(f"{host} answered {resp.status_code}")
            else:
                refused.append(f"{host} answered {resp.status_code}: {resp.text[:120]}")
        db.session.flush()
        if sent:
            return ",".join(sent)
        if later:
            raise TemporaryFailure("; ".join(later))
        if refused:
            raise PermanentFailure("; ".join(refused))
        raise PermanentFailure(f"her push subscriptions are gone ({gone}: the push service answered 404 or 410)")


def provider_for(app: Flask, timeout: float) -> WebPush | None:
    """The push provider, or None when no VAPID private key is set (push is off)."""
    c = app.config
    if not c.get("VAPID_PRIVATE_KEY"):
        return None
    return WebPush(load_private_key(c["VAPID_PRIVATE_KEY"]), subject(app), c["PUSH_TTL_SECONDS"], timeout)
