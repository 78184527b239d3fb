"""Priority polls ("give your dots"): options, each member's ballot of dots, and the voter roll
that guards secret polls."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.common.translated import Translated
from feedback.extensions import db
from feedback.votes.models import new_ballot_id

if TYPE_CHECKING:
    from feedback.proposals.models import Proposal
    from feedback.proposals.photo_models import ProposalPhoto

DOTS_MAX = 10  # dots one member may get in a poll, at most


class PollStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class PriorityPoll(Translated, db.Model):
    """Staff ask the group to share out dots among several options. Closing it puts the ranked
    result to the steering group as one item: a proposal of the kind "priorities" (proposal_id)."""

    __tablename__ = "priority_polls"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft','open','closed')", name="status_known"),
        sa.CheckConstraint(f"dots_per_member BETWEEN 1 AND {DOTS_MAX}", name="dots_in_range"),
        sa.CheckConstraint("max_per_option BETWEEN 1 AND dots_per_member", name="max_per_option_in_range"),
        sa.CheckConstraint("NOT (anonymous AND results_live)", name="secret_not_live"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.String(600), default="")
    source_language: so.Mapped[str] = so.mapped_column(sa.String(10), default="sv")
    dots_per_member: so.Mapped[int] = so.mapped_column(default=3)
    max_per_option: so.Mapped[int] = so.mapped_column(default=2)
    anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    results_live: so.Mapped[bool] = so.mapped_column(default=False)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=PollStatus.DRAFT, index=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    opened_at: so.Mapped[datetime | None]
    closed_at: so.Mapped[datetime | None]
    # The steering group's item, made when the poll closes.
    proposal_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("proposals.id", ondelete="SET NULL"), unique=True
    )

    options: so.Mapped[list[PriorityOption]] = so.relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="(PriorityOption.position, PriorityOption.id)"
    )
    translations: so.Mapped[list[PriorityPollTranslation]] = so.relationship(
        back_populates="poll", cascade="all, delete-orphan"
    )
    proposal: so.Mapped[Proposal | None] = so.relationship()

    @property
    def is_open(self) -> bool:
        return self.status == PollStatus.OPEN

    @property
    def secret_and_open(self) -> bool:
        """A secret poll still open: nobody sees counts, only how many have voted."""
        return self.anonymous and self.status == PollStatus.OPEN

    @property
    def results_visible(self) -> bool:
        """The same rule as for proposals: after closing, or live when staff chose so (never secret)."""
        if self.status == PollStatus.OPEN:
            return self.results_live and not self.anonymous
        return self.status == PollStatus.CLOSED

    def text_in(self, lang: str) -> tuple[str, str, str]:
        """Title, summary and their language."""
        if t := self.translation_in(lang, "title"):
            return t.title, t.summary or self.summary, lang
        return self.title, self.summary, self.source_language


class PriorityPollTranslation(db.Model):
    __tablename__ = "priority_poll_translations"
    __table_args__ = (sa.UniqueConstraint("poll_id", "language", name="uq_priority_poll_translations_poll_language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_polls.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.String(600), default="")

    poll: so.Mapped[PriorityPoll] = so.relationship(back_populates="translations")


class PriorityOption(Translated, db.Model):
    """One idea to give dots to: an existing proposal (its text, translations and photo are
    used), or a short text of its own."""

    __tablename__ = "priority_options"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_polls.id", ondelete="CASCADE"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    proposal_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="SET NULL"))
    icon: so.Mapped[str] = so.mapped_column(sa.String(30), default="idea")
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.String(600), default="")
    source_language: so.Mapped[str] = so.mapped_column(sa.String(10), default="sv")

    poll: so.Mapped[PriorityPoll] = so.relationship(back_populates="options")
    proposal: so.Mapped[Proposal | None] = so.relationship()
    translations: so.Mapped[list[PriorityOptionTranslation]] = so.relationship(
        back_populates="option", cascade="all, delete-orphan"
    )

    def text_in(self, lang: str) -> tuple[str, str, str]:
        """Title, summary and their language: the proposal's text when the option is one."""
        if self.proposal is not None:
            text = self.proposal.text_in(lang)
            return text.title, text.summary, text.language
        if t := self.translation_in(lang, "title"):
            return t.title, t.summary or self.summary, lang
        return self.title, self.summary, self.source_language

    @property
    def shown_photo(self) -> ProposalPhoto | None:
        """The proposal's photo when the option is one, else its own (`photo`, a backref of
        ProposalPhoto.option)."""
        return self.proposal.photo if self.proposal is not None else self.photo


class PriorityOptionTranslation(db.Model):
    __tablename__ = "priority_option_translations"
    __table_args__ = (
        sa.UniqueConstraint("option_id", "language", name="uq_priority_option_translations_option_language"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    option_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_options.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    summary: so.Mapped[str] = so.mapped_column(sa.String(600), default="")

    option: so.Mapped[PriorityOption] = so.relationship(back_populates="translations")


class PriorityBallot(db.Model):
    """A member's dots in one poll: how many she may give (copied from the poll) and how many she
    has given. Every + and - updates this row first, so the CHECK holds her limit and her own
    parallel requests wait for each other. In a secret poll user_id is NULL and no time is kept;
    ballot_key (an HMAC only the app can compute) finds her ballot again."""

    __tablename__ = "priority_ballots"
    __table_args__ = (
        sa.UniqueConstraint("poll_id", "user_id", name="uq_priority_ballots_poll_user"),
        sa.CheckConstraint("dots_used >= 0 AND dots_used <= dots_allowed", name="dots_within_allowed"),
        sa.CheckConstraint("user_id IS NULL OR ballot_key IS NULL", name="named_or_secret"),
    )

    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=False,
        default=new_ballot_id,
    )
    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_polls.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    ballot_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    dots_allowed: so.Mapped[int]
    dots_used: so.Mapped[int] = so.mapped_column(default=0)
    updated_at: so.Mapped[datetime | None]


class PriorityDot(db.Model):
    """How many of a ballot's dots lie on one option; max_dots is copied from the poll, so the
    CHECK holds the limit per option."""

    __tablename__ = "priority_dots"
    __table_args__ = (
        sa.CheckConstraint("dots >= 0 AND dots <= max_dots", name="dots_within_max"),
        {"sqlite_with_rowid": False},
    )

    ballot_id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        sa.ForeignKey("priority_ballots.id", ondelete="CASCADE"), primary_key=True,
    )
    option_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("priority_options.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    dots: so.Mapped[int] = so.mapped_column(default=0)
    max_dots: so.Mapped[int]


class PriorityVoterRoll(db.Model):
    """Who has given dots in a secret poll, kept apart from the dots; no id, no time, and on
    SQLite no hidden row id (see votes.models.VoterRoll)."""

    __tablename__ = "priority_voter_roll"
    __table_args__ = {"sqlite_with_rowid": False}

    poll_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_polls.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
