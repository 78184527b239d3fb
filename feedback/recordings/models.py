"""A spoken version of a text for members: a proposal, a decision's reason, a program change or a
meeting's summary for members, in one language.

Recordings are program content that staff (or the interpreter, on staff's device) make, like the
texts they read aloud: they are not a member's personal data, so "my data" and "delete my data"
leave them alone, and the voice-message retention period does not apply to them. They go when
their text goes (ON DELETE CASCADE from each text, and from the program). The sound lives in the
database, like voice messages, so every app server and every backup has it; the audit log
records who recorded what, never the sound itself (the "data" column is never copied there)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db

# The texts a recording can speak, and the column that points at each.
KINDS = {"proposal": "proposal_id", "decision": "decision_id", "change": "change_id", "meeting": "meeting_id"}


def _one_subject() -> str:
    return " + ".join(f"(CASE WHEN {col} IS NULL THEN 0 ELSE 1 END)" for col in KINDS.values()) + " = 1"


class Recording(db.Model):
    __tablename__ = "recordings"
    __table_args__ = (
        sa.CheckConstraint(_one_subject(), name="one_subject"),
        # One per text and language: a new recording replaces the old one.
        *(sa.UniqueConstraint(col, "language", name=f"uq_recordings_{kind}_language") for kind, col in KINDS.items()),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    proposal_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    decision_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("decisions.id", ondelete="CASCADE"))
    change_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("program_changes.id", ondelete="CASCADE"))
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    mime: so.Mapped[str] = so.mapped_column(sa.String(40))
    size: so.Mapped[int]
    duration_ms: so.Mapped[int]
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    @property
    def kind(self) -> str:
        return next(kind for kind, col in KINDS.items() if getattr(self, col) is not None)

    @property
    def subject_id(self) -> int:
        return getattr(self, KINDS[self.kind])
