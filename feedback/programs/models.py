"""Programs and the roles users hold in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.auth.models import User


class Role(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    STEERING = "steering"
    ADMIN = "admin"


class Program(db.Model):
    __tablename__ = "programs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    slug: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    city: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Later issues: the public "you said, we did" page is off until staff switch it on.
    public_page: so.Mapped[bool] = so.mapped_column(default=False)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # How long the program keeps what it need not keep for ever; admins set both (`flask
    # retention` applies them daily). Voice messages: their written version stays. Members who
    # left: their personal data is erased this long after they left, unless they come back.
    voice_retention_days: so.Mapped[int] = so.mapped_column(default=365, server_default="365")
    left_retention_days: so.Mapped[int] = so.mapped_column(default=90, server_default="90")
    # Hours before a meeting when members get a reminder, e.g. "48,3"; empty: no reminders.
    reminder_hours: so.Mapped[str] = so.mapped_column(sa.String(20), default="48,3", server_default="48,3")

    memberships: so.Mapped[list[Membership]] = so.relationship(back_populates="program", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Program {self.slug}>"


class Membership(db.Model):
    """One role of one user in one program; a user may hold several."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "program_id", "role", name="uq_memberships_user_program_role"),
        sa.CheckConstraint("role IN ('member','staff','steering','admin')", name="role_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Set when she left the group: the role gives no access any more, and her personal data is
    # erased after the program's left_retention_days unless she comes back first.
    left_at: so.Mapped[datetime | None]

    user: so.Mapped[User] = so.relationship(back_populates="memberships")
    program: so.Mapped[Program] = so.relationship(back_populates="memberships")
