"""Proposals, their translations and their lifecycle events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.common.translated import Translated
from feedback.extensions import db

if TYPE_CHECKING:
    from feedback.meetings.models import AgendaItem
    from feedback.programs.models import Program
    from feedback.topics.models import Topic


class Status(StrEnum):
    DRAFT = "draft"
    ON_AGENDA = "on_agenda"
    VOTING = "voting"
    VOTED = "voted"
    IN_REVIEW = "in_review"
    DECIDED = "decided"
    IMPLEMENTED = "implemented"


# The one place that says which lifecycle steps are allowed.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.ON_AGENDA, Status.VOTING},
    Status.ON_AGENDA: {Status.DRAFT, Status.VOTING},
    Status.VOTING: {Status.VOTED},
    Status.VOTED: {Status.VOTING, Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.DECIDED},
    Status.DECIDED: {Status.IMPLEMENTED, Status.IN_REVIEW},  # back to review: the steering group reopens
    Status.IMPLEMENTED: set(),
}


class InvalidTransition(ValueError):
    pass


class Origin(StrEnum):
    STAFF = "staff"
    MEMBER_FEEDBACK = "member_feedback"
    STEERING = "steering"


_STATUS_SQL = ",".join(f"'{s.value}'" for s in Status)


class Kind(StrEnum):
    PROPOSAL = "proposal"  # one idea the group votes on
    PRIORITIES = "priorities"  # the ranked result of a priority poll, for the steering group; no vote of its own


class Proposal(Translated, db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        sa.CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_known"),
        sa.CheckConstraint("origin IN ('staff','member_feedback','steering')", name="origin_known"),
        sa.CheckConstraint("kind IN ('proposal','priorities')", name="kind_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("topics.id", ondelete="SET NULL"))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.String(600))
    body: so.Mapped[str | None] = so.mapped_column(sa.Text)
    icon: so.Mapped[str] = so.mapped_column(sa.String(30), default="idea")
    source_language: so.Mapped[str] = so.mapped_column(sa.String(10), default="sv")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=Status.DRAFT, index=True)
    origin: so.Mapped[str] = so.mapped_column(sa.String(20), default=Origin.STAFF)
    kind: so.Mapped[str] = so.mapped_column(sa.String(12), default=Kind.PROPOSAL, server_default=Kind.PROPOSAL.value)
    anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    results_live: so.Mapped[bool] = so.mapped_column(default=False)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    voting_opened_at: so.Mapped[datetime | None]
    voting_closed_at: so.Mapped[datetime | None]

    program: so.Mapped[Program] = so.relationship()
    topic: so.Mapped[Topic | None] = so.relationship()
    translations: so.Mapped[list[ProposalTranslation]] = so.relationship(
        back_populates="proposal", cascade="all, delete-orphan"
    )
    events: so.Mapped[list[ProposalEvent]] = so.relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalEvent.id"
    )
    agenda_items: so.Mapped[list[AgendaItem]] = so.relationship(back_populates="proposal")

    @property
    def voting_open(self) -> bool:
        return self.status == Status.VOTING

    @property
    def secret_and_open(self) -> bool:
        """A secret vote still open: nobody sees counts, shares or reasons, since reloading them
        after each ballot would tell who voted what. Only how many have voted."""
        return self.anonymous and self.status == Status.VOTING

    @property
    def results_visible(self) -> bool:
        """Results are shown to members once voting has closed, or live if staff chose so (never
        for a secret vote)."""
        if self.status == Status.VOTING:
            return self.results_live and not self.anonymous
        return self.voting_closed_at is not None

    def can_move_to(self, new_status: str) -> bool:
        return new_status in TRANSITIONS[self.status]

    def move_to(self, new_status: str, actor_id: int | None, note: str | None = None) -> ProposalEvent:
        """Change status and record the event; refuses steps the lifecycle does not allow."""
        if not self.can_move_to(new_status):
            raise InvalidTransition(f"{self.status} -> {new_status}")
        event = ProposalEvent(from_status=self.status, to_status=new_status, actor_id=actor_id, note=note)
        self.status = new_status
        now = utcnow()
        if new_status == Status.VOTING:
            self.voting_opened_at = now
            self.voting_closed_at = None
        elif new_status == Status.VOTED:
            self.voting_closed_at = now
        self.events.append(event)
        return event

    def text_in(self, lang: str) -> ProposalText:
        """Title, summary and body in lang, falling back to the source text."""
        if t := self.translation_in(lang, "title"):
            return ProposalText(t.title, t.summary or self.summary, t.body or self.body, lang)
        return ProposalText(self.title, self.summary, self.body, self.source_language)


class ProposalText:
    __slots__ = ("body", "language", "summary", "title")

    def __init__(self, title: str, summary: str, body: str | None, language: str) -> None:
        self.title, self.summary, self.body, self.language = title, summary, body, language


class ProposalTranslation(db.Model):
    __tablename__ = "proposal_translations"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "language", name="uq_proposal_translations_proposal_language"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    proposal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.String(600))
    body: so.Mapped[str | None] = so.mapped_column(sa.Text)

    proposal: so.Mapped[Proposal] = so.relationship(back_populates="translations")


class ProposalEvent(db.Model):
    """A lifecycle step: the source of truth for 'how long from feedback to change'."""

    __tablename__ = "proposal_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    proposal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    from_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(20))
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    note: so.Mapped[str | None] = so.mapped_column(sa.String(500))

    proposal: so.Mapped[Proposal] = so.relationship(back_populates="events")
