"""The steering group's decisions on proposals the expert group has voted on."""

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
    from feedback.auth.models import User
    from feedback.proposals.models import Proposal


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    ADAPTED = "adapted"
    DECLINED = "declined"
    POSTPONED = "postponed"


class Decision(Translated, db.Model):
    """One decision; a reopened proposal keeps its old decision, marked as replaced."""

    __tablename__ = "decisions"
    __table_args__ = (
        sa.CheckConstraint("outcome IN ('accepted','adapted','declined','postponed')", name="outcome_known"),
        sa.CheckConstraint("outcome <> 'adapted' OR changes IS NOT NULL", name="adapted_says_how"),
        sa.CheckConstraint("outcome <> 'postponed' OR postponed_until IS NOT NULL", name="postponed_says_until"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    proposal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    outcome: so.Mapped[str] = so.mapped_column(sa.String(20))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)  # easy Swedish, for members
    changes: so.Mapped[str | None] = so.mapped_column(sa.Text)  # for "adapted": what is different
    postponed_until: so.Mapped[date | None]
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    replaced_at: so.Mapped[datetime | None]  # set when the proposal is reopened for a new decision

    proposal: so.Mapped[Proposal] = so.relationship()
    decided_by: so.Mapped[User | None] = so.relationship()
    translations: so.Mapped[list[DecisionTranslation]] = so.relationship(
        back_populates="decision", cascade="all, delete-orphan"
    )

    def reason_in(self, lang: str) -> tuple[str, str | None, str]:
        """Reason and changes in lang, else in Swedish; with the language they are in."""
        if t := self.translation_in(lang, "reason"):
            return t.reason, t.changes or self.changes, lang
        return self.reason, self.changes, "sv"


class DecisionTranslation(db.Model):
    __tablename__ = "decision_translations"
    __table_args__ = (sa.UniqueConstraint("decision_id", "language", name="uq_decision_translations_language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    decision_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("decisions.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    changes: so.Mapped[str | None] = so.mapped_column(sa.Text)

    decision: so.Mapped[Decision] = so.relationship(back_populates="translations")
