"""The second step of an office login: a code from an authenticator app (TOTP, RFC 6238, with
pyotp), or one of her recovery codes for a lost phone.

Required for admins and the steering group where TWO_FACTOR_REQUIRED is on (production), offered
to staff. A code works once: the last time step used is kept."""

from __future__ import annotations

import base64
import hmac
import re
import secrets

import pyotp
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from feedback.auth.models import RecoveryCode, User
from feedback.common.clock import epoch_seconds, utcnow
from feedback.common.errors import RuleError
from feedback.common.security import hash_token
from feedback.extensions import db
from feedback.programs.models import Role

ISSUER = "Expertgruppen"
RECOVERY_COUNT = 10
_STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code holds: the authenticator app reads the secret and names the account."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email or user.name, issuer_name=ISSUER)


def required_for(user: User) -> bool:
    if not current_app.config.get("TWO_FACTOR_REQUIRED"):
        return False
    return user.is_admin or any(m.role in (Role.STEERING, Role.ADMIN) and m.left_at is None for m in user.memberships)


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step whose code this is: now, or one step either side (a phone's clock a little
    off), and later than the last one used."""
    totp, now = pyotp.TOTP(secret), epoch_seconds() // _STEP
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.at(step * _STEP), code):
            return step
    return None


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def _recovery_form(code: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (code or "").lower())


def check(user: User, code: str) -> bool:
    """Her code from the app, or an unused recovery code; marks it used. The caller commits."""
    if not user.totp_secret:
        return False
    digits = _digits(code)
    if digits.isdigit() and len(digits) == 6:
        step = _matching_step(user.totp_secret, digits, user.totp_last_step)
        if step is None:
            return False
        user.totp_last_step = step
        return True
    found = db.session.scalar(sa.select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_token(_recovery_form(code)),
        RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    found.used_at = utcnow()
    return True


def turn_on(user: User, secret: str, code: str) -> list[str]:
    """Switch the second step on once she has shown a code from the new secret; her recovery codes."""
    step = _matching_step(secret, _digits(code), None)
    if step is None:
        raise RuleError(_l("That code is not right. Type the 6 digits your app shows now."), field="code")
    user.totp_secret, user.totp_since, user.totp_last_step = secret, utcnow(), step
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Ten new codes (the old ones stop); shown once, only their hashes are kept."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    # 120 random bits each (ASVS 6.5.2 asks 112 for a code kept as a plain hash), in groups of four.
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = base64.b32encode(secrets.token_bytes(15)).decode().lower()
        codes.append("-".join(raw[i:i + 4] for i in range(0, len(raw), 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(_recovery_form(c))) for c in codes)
    return codes


def unused_codes(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def turn_off(user: User) -> None:
    if required_for(user):
        raise RuleError(_l("Admins and the steering group must use the second step."), status=409)
    user.totp_secret = user.totp_since = user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
