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
