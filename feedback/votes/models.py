"""Votes, and the voter roll that guards anonymous ballots."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.extensions import db


class Choice(StrEnum):
    AGREE = "agree"
    UNSURE = "unsure"
    DISAGREE = "disagree"


CHOICES: tuple[str, ...] = tuple(c.value for c in Choice)


def new_ballot_id() -> int:
    """A random id: ids counting up would give the order ballots came in, which lines up with
    the voter roll and the member lists. 62 bits make a clash as good as impossible."""
    return secrets.randbelow(2**62 - 1) + 1


# A ballot holds its choice in plain, or sealed (an anonymous one, by her, while voting is open).
SEALED_OR_PLAIN = ("(sealed IS NULL AND choice IS NOT NULL) OR "
                   "(sealed IS NOT NULL AND choice IS NULL AND reason IS NULL AND user_id IS NULL)")


class Vote(db.Model):
    """A ballot. For an anonymous proposal user_id is NULL and the timestamps are
    not kept, so the database alone cannot tell who cast it; ballot_key (an HMAC
    only the app can compute) lets the member change it until voting closes. While an
    anonymous vote is open, its choice and reason are sealed (votes.sealing): choice and
    reason are NULL and sealed holds them, encrypted, until voting closes."""

    __tablename__ = "votes"
    __table_args__ = (
        # One vote per member per proposal, enforced by the database.
        sa.UniqueConstraint("proposal_id", "user_id", name="uq_votes_proposal_user"),
        sa.CheckConstraint("choice IN ('agree','unsure','disagree')", name="choice_known"),
        sa.CheckConstraint("channel IN ('phone','staff')", name="channel_known"),
        sa.CheckConstraint("user_id IS NULL OR ballot_key IS NULL", name="named_or_anonymous"),
        sa.CheckConstraint(SEALED_OR_PLAIN, name="sealed_or_plain"),
    )

    # SQLite's INTEGER key is 64 bits already (and only INTEGER is its row id).
    id: so.Mapped[int] = so.mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=False,
        default=new_ballot_id,
    )
    proposal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    ballot_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    choice: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    sealed: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary())
    # How the vote came in: her own phone, or recorded by staff at the meeting (next issue).
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="phone")
    created_at: so.Mapped[datetime | None]
    updated_at: so.Mapped[datetime | None]


class VoterRoll(db.Model):
    """Who has voted on an anonymous proposal, kept apart from what they voted.

    No surrogate id and no timestamp: an insertion order here could be lined up
    with the order of the ballots and undo the anonymity. For the same reason SQLite
    keeps it without its hidden row id (which counts up), in the order of its key."""

    __tablename__ = "voter_roll"
    __table_args__ = {"sqlite_with_rowid": False}

    proposal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
