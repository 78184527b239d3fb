"""What is new for a user since she last looked: the badge in the menu."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.changes.models import ProgramChange
    from feedback.meetings.models import Meeting
    from feedback.proposals.models import Proposal
    from feedback.threads.models import Thread


class Kind(StrEnum):
    REPLY = "reply"  # someone answered in a thread where she wrote
    ANSWER = "answer"  # the program's official answer to her thread
    MEETING = "meeting"  # a new meeting is planned
    VOTE = "vote"  # a vote is open
    NEW_POST = "new_post"  # for staff: a member wrote
    REPORT = "report"  # for staff: a post was reported
    DECISION = "decision"  # the steering group decided on a proposal the group voted on
    CHANGE = "change"  # the program changed because of the group


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.CheckConstraint(
            "kind IN ('reply','answer','meeting','vote','new_post','report','decision','change')", name="kind_known"
        ),
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    thread_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    proposal_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    change_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("program_changes.id", ondelete="CASCADE"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    read_at: so.Mapped[datetime | None]

    thread: so.Mapped[Thread | None] = so.relationship()
    proposal: so.Mapped[Proposal | None] = so.relationship()
    meeting: so.Mapped[Meeting | None] = so.relationship()
    change: so.Mapped[ProgramChange | None] = so.relationship()
