"""Votes without a phone: staff record them at the meeting.

A member's own phone vote always wins: staff cannot record over it, and if she votes on her
phone after staff recorded for her, her vote replaces theirs (the same row, channel "phone")."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.proposals.models import Proposal, Status
from feedback.votes.models import CHOICES, Vote
from feedback.votes.services import ballot_key, is_voter, store_ballot

HANDS_MAX = 500


def _check_open(proposal: Proposal) -> None:
    if proposal.status != Status.VOTING:
        raise RuleError(_l("Voting is not open, so no votes can be recorded."), status=409)


def _existing_channel(proposal: Proposal, member: User) -> str | None:
    if proposal.anonymous:
        cond = Vote.ballot_key == ballot_key(proposal.id, member.id)
    else:
        cond = sa.and_(Vote.proposal_id == proposal.id, Vote.user_id == member.id)
    return db.session.scalar(sa.select(Vote.channel).where(cond))


def record_for_member(proposal: Proposal, member: User, choice: str) -> None:
    """A member present who voted by hand or on paper; marked as recorded by staff."""
    _check_open(proposal)
    if choice not in CHOICES:
        raise RuleError(_l("Choose one of the answers."))
    if not is_voter(member, proposal.program_id):
        raise RuleError(_l("Choose a member of this group."), status=404)
    if _existing_channel(proposal, member) == "phone":
        raise RuleError(
            _l("%(name)s has already voted on her phone. Her own vote counts.", name=member.name), status=409
        )
    store_ballot(proposal, member, choice, None, "staff")
    db.session.flush()


def set_hand_counts(proposal: Proposal, counts: dict[str, int]) -> None:
    """A show of hands: counts per choice, replacing the earlier counts for this proposal.
    They are ballots with no voter at all, so they can be corrected but never tied to anyone."""
    _check_open(proposal)
    if set(counts) - set(CHOICES) or any(n < 0 for n in counts.values()) or sum(counts.values()) > HANDS_MAX:
        raise RuleError(_l("Give a count from 0 for each answer, at most %(n)s in all.", n=HANDS_MAX))
    db.session.execute(
        sa.delete(Vote).where(Vote.proposal_id == proposal.id, Vote.user_id.is_(None), Vote.ballot_key.is_(None))
    )
    rows = [{"proposal_id": proposal.id, "choice": c, "channel": "staff"} for c, n in counts.items() for _ in range(n)]
    if rows:
        db.session.execute(sa.insert(Vote), rows)
    db.session.flush()


def hand_counts(proposal_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Vote.choice, sa.func.count())
        .where(Vote.proposal_id == proposal_id, Vote.user_id.is_(None), Vote.ballot_key.is_(None))
        .group_by(Vote.choice)
    ).all()
    return {**dict.fromkeys(CHOICES, 0), **dict(rows)}


@dataclass(frozen=True)
class Channels:
    phone: int
    staff: int


def by_channel(proposal_id: int) -> Channels:
    rows = dict(
        db.session.execute(
            sa.select(Vote.channel, sa.func.count()).where(Vote.proposal_id == proposal_id).group_by(Vote.channel)
        ).all()
    )
    return Channels(rows.get("phone", 0), rows.get("staff", 0))
