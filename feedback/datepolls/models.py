"""Date polls: staff propose dates for the next meeting, members answer yes / if needed / no for
each, and say what support they would need to come.

A planning poll, not a vote: her answers are named (staff plan with who can come), but members
see only totals. Her answers are hers: in her data file, gone when she is erased, out of the
audit log, and deleted with the poll or the program."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class DateAnswer(StrEnum):
    YES = "yes"
    IF_NEEDED = "if_needed"
    NO = "no"


class DatePoll(db.Model):
    __tablename__ = "date_polls"
    __table_args__ = (sa.CheckConstraint("status IN ('open','closed')", name="status_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=PollStatus.OPEN)
    # The meeting the chosen date became ("Make this the meeting"); the poll is closed then.
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    closed_at: so.Mapped[datetime | None]
    # How many members had answered when retention deleted their answers (datepolls.delete_old):
    # the dashboards still count them. None while the answers are kept.
    answered_before_deletion: so.Mapped[int | None]

    options: so.Mapped[list[DateOption]] = so.relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="(DateOption.starts_at, DateOption.id)"
    )

    @property
    def is_open(self) -> bool:
        return self.status == PollStatus.OPEN


class DateOption(db.Model):
    """One proposed date and time; times are the program's wall-clock time, as meetings' are."""

    __tablename__ = "date_options"
    __table_args__ = (sa.UniqueConstraint("poll_id", "starts_at", name="uq_date_options_poll_start"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("date_polls.id", ondelete="CASCADE"), index=True)
    starts_at: so.Mapped[datetime]
    ends_at: so.Mapped[datetime | None]
    place: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    poll: so.Mapped[DatePoll] = so.relationship(back_populates="options")


class DateVote(db.Model):
    """Her answer for one date: yes, if needed, or no. One per member per date (a constraint)."""

    __tablename__ = "date_votes"
    __table_args__ = (
        sa.UniqueConstraint("option_id", "user_id", name="uq_date_votes_option_user"),
        sa.CheckConstraint("answer IN ('yes','if_needed','no')", name="answer_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    option_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("date_options.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer: so.Mapped[str] = so.mapped_column(sa.String(10))
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class DateNeed(db.Model):
    """What she would need to come, once per poll: childcare places, an interpreter in her language."""

    __tablename__ = "date_needs"
    __table_args__ = (
        sa.UniqueConstraint("poll_id", "user_id", name="uq_date_needs_poll_user"),
        sa.CheckConstraint("children >= 0 AND children <= 10", name="children_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("date_polls.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    children: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    interpreter: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
