"""Users and their login tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.programs.models import Membership, Role


class TokenPurpose(StrEnum):
    MEMBER_LINK = "member_link"  # reusable personal link / QR card, until revoked
    PASSWORD_SET = "password_set"  # one-time, short-lived


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    # Least data: members need neither; staff log in with email.
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254), unique=True)
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    preferred_language: so.Mapped[str] = so.mapped_column(sa.String(10), default="sv")
    is_admin: so.Mapped[bool] = so.mapped_column(default=False)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # Bumped on revoke or password change: every remembered phone is logged out.
    session_version: so.Mapped[int] = so.mapped_column(default=1)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Set when her personal data was erased: the row stays (without a name) so that counts of
    # past meetings stay right, but nothing in it tells who she was.
    erased_at: so.Mapped[datetime | None]
    # When she said yes to what the app keeps, on her first visit (members only).
    consented_at: so.Mapped[datetime | None]
    # The second step of an office login (TOTP, RFC 6238): the shared secret, since when it is
    # on, and the last time step used, so that a code works once.
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    totp_since: so.Mapped[datetime | None]
    totp_last_step: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    # Where her messages go: "sms", "email", "push" or "none"; empty until she (or staff for
    # her) chooses, when the outbox takes the first address she has (feedback/outbox/choice.py).
    message_channel: so.Mapped[str | None] = so.mapped_column(sa.String(10))

    memberships: so.Mapped[list[Membership]] = so.relationship(back_populates="user", cascade="all, delete-orphan")
    tokens: so.Mapped[list[LoginToken]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="LoginToken.user_id"
    )

    # Flask-Login: the id carries the version so that revoking ends old sessions.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def roles_in(self, program_id: int) -> set[str]:
        return {m.role for m in self.memberships if m.program_id == program_id and m.left_at is None}

    def has_role(self, program_id: int, *roles: str) -> bool:
        mine = self.roles_in(program_id)
        if Role.ADMIN in mine or self.is_admin:
            return True
        return bool(mine.intersection(roles))

    def program_ids(self, *roles: str) -> list[int]:
        return sorted({m.program_id for m in self.memberships if m.left_at is None and (not roles or m.role in roles)})

    @property
    def is_member_only(self) -> bool:
        return not self.is_admin and all(m.role == Role.MEMBER for m in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class LoginToken(db.Model):
    """A login or password link; only the SHA-256 of the token is stored."""

    __tablename__ = "login_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: so.Mapped[str] = so.mapped_column(sa.String(20))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime | None]
    used_at: so.Mapped[datetime | None]
    revoked_at: so.Mapped[datetime | None]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    user: so.Mapped[User] = so.relationship(back_populates="tokens", foreign_keys=[user_id])


class UserSession(db.Model):
    """One logged-in browser (a phone, a computer). The cookie holds a random key; only its
    SHA-256 is stored. Ending the row logs that browser out, whatever its cookie says."""

    __tablename__ = "user_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    device: so.Mapped[str] = so.mapped_column(sa.String(80))  # "Android phone · Chrome": no more than that
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    ended_at: so.Mapped[datetime | None]


class RecoveryCode(db.Model):
    """A one-time code for the second step, for a lost phone; only its SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    used_at: so.Mapped[datetime | None]
