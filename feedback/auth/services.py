"""Logging in: passwords for staff, personal links for members."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from feedback.auth import sessions
from feedback.auth.models import LoginToken, TokenPurpose, User
from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.phones import normalise_phone
from feedback.common.security import (
    hash_password,
    hash_token,
    new_token,
    verify_password,
)
from feedback.extensions import db

# ASVS 5.0 level 2: at least 12 characters, up to 128 (no rules about kinds of characters), and
# not one that is easy to guess (zxcvbn knows the common passwords, names and keyboard runs).
PASSWORD_MIN, PASSWORD_MAX = 12, 128
_PASSWORD_SCORE = 3


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user and ok and user.active:
        return user
    return None


def check_new_password(password: str, user: User | None = None) -> None:
    if len(password) < PASSWORD_MIN:
        raise RuleError(_l("The password must have at least %(n)s characters.", n=PASSWORD_MIN), field="password")
    if len(password) > PASSWORD_MAX:
        raise RuleError(_l("The password can have at most %(n)s characters.", n=PASSWORD_MAX), field="password")
    about_her = [p for p in ((user.name, user.email) if user else ()) if p]
    # zxcvbn's time grows with the length; the first 64 characters tell enough.
    if zxcvbn(password[:64], user_inputs=about_her)["score"] < _PASSWORD_SCORE:
        raise RuleError(_l("This password is too easy to guess. Use a few words that do not belong together."),
                        field="password")


def set_password(user: User, password: str) -> None:
    check_new_password(password, user)
    user.password_hash = hash_password(password)
    user.session_version += 1  # log out every other session
    sessions.end_all(user)


def _make_token(user: User, purpose: str, by: User | None, expires_in: timedelta | None) -> str:
    raw = new_token()
    # Through her collection, so a later step of the same transaction (the next link revoking
    # this one) sees it without a reload.
    user.tokens.append(
        LoginToken(
            purpose=purpose,
            token_hash=hash_token(raw),
            expires_at=utcnow() + expires_in if expires_in else None,
            created_by_id=by.id if by else None,
        )
    )
    return raw


def revoke_member_links(user: User) -> int:
    """Revoke her links and log her out on every phone."""
    now = utcnow()
    n = 0
    for t in user.tokens:
        if t.purpose == TokenPurpose.MEMBER_LINK and t.revoked_at is None:
            t.revoked_at = now
            n += 1
    # A member's only way in is her link, so stopping it logs her out everywhere. Someone who
    # also logs in with a password (staff who joined the group) keeps those sessions.
    if user.password_hash is None:
        user.session_version += 1
        sessions.end_all(user)
    return n


def issue_member_link(user: User, by: User | None) -> str:
    """A new personal link; earlier links stop working. Returns the raw token,
    which is shown once and never stored. Only for accounts that log in with a link alone: a
    link to an office account would let whoever holds it act with her office roles."""
    if not user.is_member_only:
        raise RuleError(_l("She also works in a program and logs in with her password. An admin manages her account."),
                        status=403)
    revoke_member_links(user)
    raw = _make_token(user, TokenPurpose.MEMBER_LINK, by, None)
    db.session.flush()
    return raw


def active_member_link(user: User) -> LoginToken | None:
    return next(
        (t for t in user.tokens if t.purpose == TokenPurpose.MEMBER_LINK and t.revoked_at is None),
        None,
    )


def _find_token(raw: str, purpose: str) -> LoginToken | None:
    if not raw or len(raw) > 100:
        return None
    return db.session.scalar(
        sa.select(LoginToken).where(LoginToken.token_hash == hash_token(raw), LoginToken.purpose == purpose)
    )


def member_link_owner(raw: str) -> User | None:
    """Whose working link this is, without using it."""
    token = _find_token(raw, TokenPurpose.MEMBER_LINK)
    if token is None or token.revoked_at is not None or not token.user.active or not token.user.is_member_only:
        return None
    return token.user


def login_with_member_link(raw: str) -> User:
    token = _find_token(raw, TokenPurpose.MEMBER_LINK)
    if token is None:
        raise RuleError(_l("This link does not work. Ask the staff for a new link."), status=404)
    if token.revoked_at is not None or not token.user.active:
        raise RuleError(_l("This link has been stopped. Ask the staff for a new link."), status=410)
    if not token.user.is_member_only:
        # Made before she was given an office role: it never logs in an office account.
        token.revoked_at = utcnow()
        db.session.commit()  # on its own: the refusal below rolls the request back, the stop must stay
        raise RuleError(_l("This link has been stopped. Ask the staff for a new link."), status=410)
    token.used_at = utcnow()
    db.session.flush()
    return token.user


def _revoke_password_links(user: User) -> None:
    now = utcnow()
    for t in user.tokens:
        if t.purpose == TokenPurpose.PASSWORD_SET and t.revoked_at is None and t.used_at is None:
            t.revoked_at = now


def create_password_link(user: User, by: User | None, hours: int) -> str:
    """A new link to set her password; links made before it stop working."""
    _revoke_password_links(user)
    raw = _make_token(user, TokenPurpose.PASSWORD_SET, by, timedelta(hours=hours))
    db.session.flush()
    return raw


def check_password_link(raw: str) -> LoginToken:
    token = _find_token(raw, TokenPurpose.PASSWORD_SET)
    if token is None:
        raise RuleError(_l("This link is not valid."), status=404)
    if token.used_at is not None or token.revoked_at is not None:
        raise RuleError(_l("This link has already been used. Ask an admin for a new one."), status=410)
    if token.expires_at is not None and token.expires_at < utcnow():
        raise RuleError(_l("This link has expired. Ask an admin for a new one."), status=410)
    if not token.user.active:
        raise RuleError(_l("This account is closed. Ask an admin."), status=410)
    return token


def use_password_link(raw: str, password: str) -> User:
    token = check_password_link(raw)
    set_password(token.user, password)
    token.used_at = utcnow()
    _revoke_password_links(token.user)  # any other link she was sent stops with this one
    db.session.flush()
    return token.user


def create_user(
    name: str,
    email: str | None = None,
    password: str | None = None,
    *,
    language: str = "sv",
    phone: str | None = None,
    is_admin: bool = False,
) -> User:
    email = normalise_email(email)
    if email and db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise RuleError(_l("A user with this email already exists."))
    user = User(
        name=name.strip(),
        email=email,
        phone=normalise_phone(phone),
        preferred_language=language,
        is_admin=is_admin,
        session_version=1,
        active=True,
    )
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user
