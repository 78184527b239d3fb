"""Sessions kept on the server: logging out, a new link, a new password or staff ending a
session logs that browser out for real, not just by asking it to forget its cookie."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.auth.models import User, UserSession
from feedback.common.clock import utcnow
from feedback.extensions import db

COOKIE_KEY = "sid"
# Seen-at is written at most this often: a phone polling a live meeting must not write each time.
TOUCH_EVERY = timedelta(minutes=10)

_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android phone"), ("Windows", "Windows computer"),
            ("Mac OS", "Mac"), ("CrOS", "Chromebook"), ("Linux", "Linux computer"))
_BROWSERS = (("SamsungBrowser", "Samsung Internet"), ("Edg/", "Edge"), ("Firefox", "Firefox"), ("Chrome", "Chrome"),
             ("Safari", "Safari"))


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def describe(user_agent: str) -> str:
    """A browser named well enough to recognise it ("Android phone · Chrome"), and no more."""
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    browser = next((name for token, name in _BROWSERS if re.search(re.escape(token), user_agent)), "")
    return " · ".join(p for p in (system, browser) if p) or "–"


def start(user: User, user_agent: str) -> str:
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key), device=describe(user_agent or "")[:80]))
    db.session.flush()
    return key


@cache
def _user_and_session_statement() -> sa.Select:
    # Built once: every request of a logged-in browser runs it, and building it costs more than
    # SQLAlchemy's compiled cache saves.
    return (
        sa.select(User, UserSession)
        .outerjoin(UserSession, sa.and_(UserSession.user_id == User.id, UserSession.key_hash == sa.bindparam("key"),
                                        UserSession.ended_at.is_(None)))
        .where(User.id == sa.bindparam("user_id"))
        .options(so.joinedload(User.memberships))
    )


def user_and_session(user_id: int, key: str | None) -> tuple[User | None, UserSession | None]:
    """The user with her memberships, and the open server session her cookie names (None when it
    was ended), in one query: every request of a logged-in browser asks for both."""
    row = db.session.execute(
        _user_and_session_statement(), {"user_id": user_id, "key": _hash(key or "")}
    ).unique().first()
    return (row[0], row[1]) if row else (None, None)


def find(key: str | None) -> UserSession | None:
    if not key:
        return None
    return db.session.scalar(
        sa.select(UserSession).where(UserSession.key_hash == _hash(key), UserSession.ended_at.is_(None))
    )


def touch(record: UserSession) -> None:
    now = utcnow()
    if now - record.last_seen_at > TOUCH_EVERY:
        record.last_seen_at = now
        db.session.flush()


def end(key: str | None) -> None:
    record = find(key)
    if record is not None:
        record.ended_at = utcnow()
        db.session.flush()


def end_one(user: User, session_id: int) -> bool:
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or record.ended_at is not None:
        return False
    record.ended_at = utcnow()
    db.session.flush()
    return True


def end_all(user: User) -> None:
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


def active(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ))
