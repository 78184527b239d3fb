"""Program changes: what changed, and what led to it."""

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
    from feedback.decisions.models import Decision
    from feedback.proposals.models import Proposal
    from feedback.threads.models import Post
    from feedback.topics.models import Topic


class ChangeStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ChangeOrigin(StrEnum):
    """Where the change came from: only changes from the expert group count as its influence."""

    EXPERT_GROUP = "expert_group"
    STAFF = "staff"
    FUNDER = "funder"
    OTHER = "other"


class Helped(StrEnum):
    YES = "yes"
    A_LITTLE = "a_little"
    NO = "no"


change_decisions = sa.Table(
    "change_decisions",
    db.metadata,
    sa.Column("change_id", sa.ForeignKey("program_changes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("decision_id", sa.ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
)
change_proposals = sa.Table(
    "change_proposals",
    db.metadata,
    sa.Column("change_id", sa.ForeignKey("program_changes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("proposal_id", sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
)
change_posts = sa.Table(
    "change_posts",
    db.metadata,
    sa.Column("change_id", sa.ForeignKey("program_changes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
)


class ProgramChange(Translated, db.Model):
    __tablename__ = "program_changes"
    __table_args__ = (
        sa.CheckConstraint("status IN ('planned','in_progress','done')", name="status_known"),
        sa.CheckConstraint("origin IN ('expert_group','staff','funder','other')", name="origin_known"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    topic_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("topics.id", ondelete="SET NULL"))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    description: so.Mapped[str] = so.mapped_column(sa.Text)  # easy Swedish, for members
    changed_on: so.Mapped[date]
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ChangeStatus.PLANNED)
    progress: so.Mapped[int] = so.mapped_column(default=0)
    origin: so.Mapped[str] = so.mapped_column(sa.String(20), default=ChangeOrigin.EXPERT_GROUP)
    review_on: so.Mapped[date | None]  # from this day members are asked: did it help?
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    topic: so.Mapped[Topic | None] = so.relationship()
    decisions: so.Mapped[list[Decision]] = so.relationship(secondary=change_decisions, order_by="Decision.id")
    proposals: so.Mapped[list[Proposal]] = so.relationship(secondary=change_proposals, order_by="Proposal.id")
    posts: so.Mapped[list[Post]] = so.relationship(secondary=change_posts, order_by="Post.id")
    translations: so.Mapped[list[ChangeTranslation]] = so.relationship(
        back_populates="change", cascade="all, delete-orphan", order_by="ChangeTranslation.language"
    )

    def text_in(self, lang: str) -> tuple[str, str, str]:
        """Title and description in lang, else in Swedish; with the language they are in."""
        if t := self.translation_in(lang, "title"):
            return t.title, t.description or self.description, lang
        return self.title, self.description, "sv"


class ChangeTranslation(db.Model):
    """A change told in another language than Swedish, for members who read that language."""

    __tablename__ = "change_translations"
    __table_args__ = (sa.UniqueConstraint("change_id", "language", name="uq_change_translations_language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    change_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("program_changes.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)

    change: so.Mapped[ProgramChange] = so.relationship(back_populates="translations")


class ChangeFeedback(db.Model):
    """A member's answer to "Did this change help?"; one per member, she may change it."""

    __tablename__ = "change_feedback"
    __table_args__ = (sa.CheckConstraint("answer IN ('yes','a_little','no')", name="answer_known"),)

    change_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("program_changes.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    answer: so.Mapped[str] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    answered_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
