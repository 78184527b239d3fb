"""Who did what to which record: every change that staff, steering or admins make."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        sa.CheckConstraint("action IN ('create','update','delete')", name="action_known"),
        sa.Index("ix_audit_log_program_at", "program_id", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: so.Mapped[str] = so.mapped_column(sa.String(120))  # kept if the user is removed
    program_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="SET NULL"))
    action: so.Mapped[str] = so.mapped_column(sa.String(10))
    record_type: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    record_id: so.Mapped[str] = so.mapped_column(sa.String(60))
    changes: so.Mapped[str | None] = so.mapped_column(sa.Text)  # JSON: field -> [before, after]


class SecurityEvent(db.Model):
    """A refused or suspicious request: a wrong password, a stopped link, a 403, a rate limit.

    For admins to notice an attack. Never a secret in it (no password, no token), and the
    address cut to its network (the last part of an IPv4 address, the last 80 bits of IPv6)."""

    __tablename__ = "security_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    network: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    path: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    detail: so.Mapped[str | None] = so.mapped_column(sa.String(200))
