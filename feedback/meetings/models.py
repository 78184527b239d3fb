"""Monthly meetings of the expert group ("sessions" in DESIGN.md) and their agenda.

Called Meeting in code so that it is never confused with a database or HTTP session.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.common.translated import Translated
from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.priorities.models import PriorityPoll
    from feedback.programs.models import Program
    from feedback.proposals.models import Proposal


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


class Meeting(Translated, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (sa.CheckConstraint("status IN ('planned','open','closed')", name="status_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    starts_at: so.Mapped[datetime] = so.mapped_column(index=True)  # local time of the program
    ends_at: so.Mapped[datetime | None]
    place: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # What members need to know to come: what to bring and the support offered.
    bring: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    childcare: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    interpreter_languages: so.Mapped[str | None] = so.mapped_column(sa.String(100))  # "ar,so"; empty: none
    travel_costs: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=MeetingStatus.PLANNED)
    # The staff log: the record for staff and steering, and a short easy summary for members.
    summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    member_summary: so.Mapped[str | None] = so.mapped_column(sa.Text)
    guests: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # The live meeting. No foreign key on current_item_id: agenda_items already points here,
    # and a cycle of keys would make every migration of these tables harder.
    current_item_id: so.Mapped[int | None]
    results_revealed: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # The join code is never stored: it is derived from the app's secret key and this salt,
    # and only its hash is kept to find the meeting. Someone with the database alone can
    # neither read the code off it nor join; a new salt revokes the old code.
    join_salt: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    join_code_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    # Bumped on every change of the live state: the cheap "has anything changed?" for polling
    # phones, and the guard against two staff acting on an old view of the meeting.
    live_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    started_at: so.Mapped[datetime | None]
    ended_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    program: so.Mapped[Program] = so.relationship()
    agenda: so.Mapped[list[AgendaItem]] = so.relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )

    translations_attr = "summary_translations"
    summary_translations: so.Mapped[list[MeetingSummaryTranslation]] = so.relationship(
        cascade="all, delete-orphan", order_by="MeetingSummaryTranslation.language"
    )

    def member_summary_in(self, lang: str) -> tuple[str | None, str]:
        """The members' summary in lang, else in Swedish; with the language it is in."""
        if t := self.translation_in(lang, "member_summary"):
            return t.member_summary, lang
        return self.member_summary, "sv"

    @property
    def current_item(self) -> AgendaItem | None:
        return next((i for i in self.agenda if i.id == self.current_item_id), None)

    @property
    def interpreter_codes(self) -> list[str]:
        return [c for c in (self.interpreter_languages or "").split(",") if c]


class MeetingSummaryTranslation(db.Model):
    """The members' summary of a meeting in another language than Swedish."""

    __tablename__ = "meeting_summary_translations"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "language", name="uq_meeting_summary_translations_language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    member_summary: so.Mapped[str] = so.mapped_column(sa.Text)


class AgendaItem(db.Model):
    """One line of a meeting's agenda: a proposal, a priority poll, a topic to discuss or a free item."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "proposal_id", name="uq_agenda_items_meeting_proposal"),
        sa.CheckConstraint("kind IN ('proposal','topic','free','priority')", name="kind_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10), default="proposal")
    proposal_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("topics.id", ondelete="SET NULL"))
    # kind "priority": the priority poll the meeting runs at this item
    poll_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("priority_polls.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    notes: so.Mapped[str | None] = so.mapped_column(sa.Text)  # the staff log, per item

    meeting: so.Mapped[Meeting] = so.relationship(back_populates="agenda")
    proposal: so.Mapped[Proposal | None] = so.relationship(back_populates="agenda_items")
    poll: so.Mapped[PriorityPoll | None] = so.relationship()


class Attendance(db.Model):
    """Whether a member was at a meeting; marked by staff, or by herself opening the live meeting."""

    __tablename__ = "attendance"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_attendance_meeting_user"),
        sa.CheckConstraint("source IN ('staff','self')", name="source_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    present: so.Mapped[bool] = so.mapped_column(default=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(10), default="staff")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ActionItem(db.Model):
    """Something someone promised to do after a meeting."""

    __tablename__ = "action_items"
    __table_args__ = (sa.CheckConstraint("status IN ('open','done','dropped')", name="status_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    meeting_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    owner: so.Mapped[str] = so.mapped_column(sa.String(120))  # a name: owners may be outside the app
    due_on: so.Mapped[date]
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=ActionStatus.OPEN, index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    closed_at: so.Mapped[datetime | None]

    meeting: so.Mapped[Meeting | None] = so.relationship()


class ReplyAnswer(StrEnum):
    COMING = "coming"
    NOT_COMING = "not_coming"
    MAYBE = "maybe"


class MeetingReply(db.Model):
    """A member's answer to a coming meeting: will she come, and what support she needs there.

    Hers alone (like a vote): in her data file, gone when she is erased, and not in the audit log."""

    __tablename__ = "meeting_replies"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_meeting_replies_meeting_user"),
        sa.CheckConstraint("answer IN ('coming','not_coming','maybe')", name="answer_known"),
        sa.CheckConstraint("children >= 0 AND children <= 10", name="children_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer: so.Mapped[str] = so.mapped_column(sa.String(12))
    # Childcare places she needs; 0 unless she comes and the meeting has childcare.
    children: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # She needs the interpreter in her language; only when she comes and the meeting has one.
    interpreter: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
