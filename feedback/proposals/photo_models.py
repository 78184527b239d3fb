"""The photo of a proposal, or of a priority poll's own option: WebP renditions at phone sizes,
and its alt text in each language.

Kept in the database, like voice notes: every app server and every backup has them, a
restore brings them back with its owner, and they go when the proposal or option goes (foreign
keys with ON DELETE CASCADE). A photo is a few renditions of at most some tens of KB each."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.priorities.models import PriorityOption
from feedback.proposals.models import Proposal

ALT_MAX = 250
# What a photo can belong to, and the column that points at each: exactly one is set.
OWNERS = {"proposal": "proposal_id", "option": "option_id"}


def _one_owner() -> str:
    return " + ".join(f"(CASE WHEN {col} IS NULL THEN 0 ELSE 1 END)" for col in OWNERS.values()) + " = 1"


class ProposalPhoto(db.Model):
    """One photo per proposal or per own option of a priority poll. `version` is in the photo's
    addresses, so a new photo gets new addresses and a phone's cached copy (a year, immutable) is
    never stale."""

    __tablename__ = "proposal_photos"
    __table_args__ = (sa.CheckConstraint(_one_owner(), name="one_owner"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    proposal_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("proposals.id", ondelete="CASCADE"), unique=True
    )
    option_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("priority_options.id", ondelete="CASCADE"), unique=True
    )
    version: so.Mapped[str] = so.mapped_column(sa.String(16))
    alt_text: so.Mapped[str] = so.mapped_column(sa.String(ALT_MAX))  # in Swedish (the source language)
    width: so.Mapped[int]  # of the largest rendition
    height: so.Mapped[int]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    proposal: so.Mapped[Proposal | None] = so.relationship(
        backref=so.backref("photo", uselist=False, cascade="all, delete-orphan", passive_deletes=True)
    )
    option: so.Mapped[PriorityOption | None] = so.relationship(
        backref=so.backref("photo", uselist=False, cascade="all, delete-orphan", passive_deletes=True)
    )
    renditions: so.Mapped[list[PhotoRendition]] = so.relationship(
        back_populates="photo", cascade="all, delete-orphan", passive_deletes=True, order_by="PhotoRendition.width"
    )
    alts: so.Mapped[list[PhotoAlt]] = so.relationship(
        back_populates="photo", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    def alt_in(self, lang: str) -> tuple[str, str]:
        """Her language's alt text and its language; the Swedish one where hers is missing."""
        for a in self.alts:
            if a.language == lang and a.alt_text:
                return a.alt_text, lang
        return self.alt_text, self.owner.source_language

    @property
    def owner(self) -> Proposal | PriorityOption:
        return self.proposal if self.proposal is not None else self.option


class PhotoRendition(db.Model):
    """The photo re-encoded as WebP at one width, without any metadata."""

    __tablename__ = "proposal_photo_renditions"
    __table_args__ = (sa.UniqueConstraint("photo_id", "width", name="uq_proposal_photo_renditions_photo_width"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    photo_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("proposal_photos.id", ondelete="CASCADE"))
    width: so.Mapped[int]
    height: so.Mapped[int]
    size: so.Mapped[int]
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)

    photo: so.Mapped[ProposalPhoto] = so.relationship(back_populates="renditions")


class PhotoAlt(db.Model):
    """The alt text in one translation language."""

    __tablename__ = "proposal_photo_alts"
    __table_args__ = (sa.UniqueConstraint("photo_id", "language", name="uq_proposal_photo_alts_photo_language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    photo_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("proposal_photos.id", ondelete="CASCADE"))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    alt_text: so.Mapped[str] = so.mapped_column(sa.String(ALT_MAX))

    photo: so.Mapped[ProposalPhoto] = so.relationship(back_populates="alts")
