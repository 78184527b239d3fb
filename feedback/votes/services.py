"""The voting rules: who may vote, when, and how results are counted."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.security import ballot_secret, keyed_digest
from feedback.common.upsert import insert_ignore, upsert
from feedback.extensions import db
from feedback.programs.models import Role
from feedback.proposals.models import Proposal, Status
from feedback.votes.models import CHOICES, Vote, VoterRoll, new_ballot_id
from feedback.votes.sealing import seal, unseal

REASON_MAX = 500


def ballot_key(proposal_id: int, user_id: int) -> str:
    return keyed_digest(ballot_secret(), "ballot", proposal_id, user_id)


def is_voter(user: User, program_id: int) -> bool:
    # Her memberships are already loaded on every member page (program_ids): no query of its own.
    return Role.MEMBER in user.roles_in(program_id)


def clean_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise RuleError(_l("Your reason is too long. Write at most %(n)s letters.", n=REASON_MAX), field="reason")
    return reason or None


def check_can_vote(proposal: Proposal, user: User) -> None:
    if not is_voter(user, proposal.program_id):
        raise RuleError(_l("Only members of the group can vote on this."), status=403)
    if proposal.status != Status.VOTING:
        if proposal.status in (Status.DRAFT, Status.ON_AGENDA):
            raise RuleError(_l("Voting has not started yet."), status=409)
        raise RuleError(_l("Voting is closed. You cannot vote now."), status=409)


def cast_vote(proposal: Proposal, user: User, choice: str, reason: str | None = None) -> MyVote:
    """Record or change the member's vote (the caller commits). Returns the vote as stored; raises
    RuleError and changes nothing when a rule says no."""
    if choice not in CHOICES:
        raise RuleError(_l("Choose one of the answers."), field="choice")
    reason = clean_reason(reason)
    check_can_vote(proposal, user)
    store_ballot(proposal, user, choice, reason, "phone")
    return MyVote(choice, reason)


def store_ballot(proposal: Proposal, user: User, choice: str, reason: str | None, channel: str) -> None:
    """Write her one ballot, inserting or replacing it: named, or anonymous with the voter
    roll beside it. The caller has checked the rules and commits.

    An anonymous ballot and her line on the voter roll are written in one transaction, and
    PostgreSQL stamps both rows with its id (xmin): so the ballot is sealed (votes.sealing),
    and the stamp ties her to a seal only the app can open. Closing the vote opens the seals
    and writes the ballots again in plain, all at once (scatter_anonymous_ballots)."""
    if proposal.anonymous:
        insert_ignore(
            db.session,
            VoterRoll.__table__,
            {"proposal_id": proposal.id, "user_id": user.id},
            ["proposal_id", "user_id"],
        )
        upsert(
            db.session,
            Vote.__table__,
            {
                "id": new_ballot_id(),
                "proposal_id": proposal.id,
                "ballot_key": ballot_key(proposal.id, user.id),
                "choice": None,
                "reason": None,
                "sealed": seal(proposal.id, choice, reason),
                "channel": channel,
            },
            conflict=["ballot_key"],
            update=["choice", "reason", "sealed", "channel"],
        )
        return
    now = utcnow()
    upsert(
        db.session,
        Vote.__table__,
        {
            "id": new_ballot_id(),
            "proposal_id": proposal.id,
            "user_id": user.id,
            "choice": choice,
            "reason": reason,
            "channel": channel,
            "created_at": now,
            "updated_at": now,
        },
        conflict=["proposal_id", "user_id"],
        update=["choice", "reason", "channel", "updated_at"],
    )


def scatter_anonymous_ballots(proposal_id: int) -> None:
    """Open an anonymous vote's sealed ballots and write all its ballots again, in plain, in a
    random order with new ids, and its voter roll in the order of the members' ids, all in the
    caller's transaction: after this, nothing in the tables (order, ids, PostgreSQL's row stamps)
    lines a ballot up with a voter. Done when voting closes. The caller commits."""
    anonymous = sa.and_(Vote.proposal_id == proposal_id, Vote.user_id.is_(None))
    ballots = [_opened(dict(row._mapping)) for row in db.session.execute(
        sa.select(Vote.proposal_id, Vote.ballot_key, Vote.choice, Vote.reason, Vote.sealed, Vote.channel)
        .where(anonymous))]
    secrets.SystemRandom().shuffle(ballots)
    db.session.execute(sa.delete(Vote).where(anonymous))
    if ballots:  # written one after the other in the shuffled order, with ids as random
        db.session.execute(sa.insert(Vote), [{**b, "id": new_ballot_id()} for b in ballots])
    voters = list(db.session.scalars(
        sa.select(VoterRoll.user_id).where(VoterRoll.proposal_id == proposal_id).order_by(VoterRoll.user_id)))
    db.session.execute(sa.delete(VoterRoll).where(VoterRoll.proposal_id == proposal_id))
    if voters:
        db.session.execute(sa.insert(VoterRoll), [{"proposal_id": proposal_id, "user_id": u} for u in voters])


def _opened(ballot: dict) -> dict:
    """A ballot row as a dict, its seal opened into choice and reason."""
    sealed = ballot.pop("sealed")
    if sealed is not None:
        ballot["choice"], ballot["reason"] = unseal(ballot["proposal_id"], sealed)
    return ballot


def cast_vote_and_count(
    proposal: Proposal, user: User, choice: str, reason: str | None = None
) -> tuple[MyVote, Results | None]:
    """cast_vote, plus the results she may see now (None while they are hidden), counted in the
    same transaction as her vote, so they include it."""
    mine = cast_vote(proposal, user, choice, reason)
    return mine, (results(proposal.id) if proposal.results_visible else None)


@dataclass(frozen=True)
class MyVote:
    choice: str
    reason: str | None


def my_vote(proposal: Proposal, user: User) -> MyVote | None:
    if proposal.anonymous:
        cond = Vote.ballot_key == ballot_key(proposal.id, user.id)
    else:
        cond = sa.and_(Vote.proposal_id == proposal.id, Vote.user_id == user.id)
    row = db.session.execute(sa.select(Vote.choice, Vote.reason, Vote.sealed).where(cond)).first()
    if row is None:
        return None
    return MyVote(*unseal(proposal.id, row.sealed)) if row.sealed is not None else MyVote(row.choice, row.reason)


def voted_on(proposals: list[Proposal], user: User) -> set[int]:
    """Which of these proposals she has voted on, in at most two queries however many there are."""
    named = [p.id for p in proposals if not p.anonymous]
    keys = {ballot_key(p.id, user.id): p.id for p in proposals if p.anonymous}
    done: set[int] = set()
    if named:
        done.update(
            db.session.scalars(sa.select(Vote.proposal_id).where(Vote.user_id == user.id, Vote.proposal_id.in_(named)))
        )
    if keys:
        done.update(keys[k] for k in db.session.scalars(sa.select(Vote.ballot_key).where(Vote.ballot_key.in_(keys))))
    return done


@dataclass(frozen=True)
class Results:
    counts: dict[str, int]
    total: int
    by_hand: int = 0  # recorded by staff for members without a phone

    def share(self, choice: str) -> int:
        """Whole percent, so the words and the bar agree."""
        return round(100 * self.counts[choice] / self.total) if self.total else 0

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        return [(c, self.counts[c], self.share(c)) for c in CHOICES]


def _counts_where(which: sa.ColumnElement[bool]) -> sa.Select:
    """Rows of (proposal, choice, channel, count) for the ballots of these proposals."""
    return (
        sa.select(Vote.proposal_id, Vote.choice, Vote.channel, sa.func.count())
        .where(which)
        .group_by(Vote.proposal_id, Vote.choice, Vote.channel)
    )


@cache
def _results_statement() -> sa.Select:
    # Built once: a live-results vote counts after every ballot, and building the select cost a
    # third of the count (bench/request_cpu --profile vote).
    return _counts_where(Vote.proposal_id == sa.bindparam("proposal_id"))


def results(proposal_id: int) -> Results:
    return _counted([proposal_id], db.session.execute(_results_statement(), {"proposal_id": proposal_id}))[proposal_id]


def my_choices(user: User, proposals: list[Proposal]) -> dict[int, str]:
    """Her choice on each of these proposals, named or secret, in at most two queries."""
    named = [p.id for p in proposals if not p.anonymous]
    keys = {ballot_key(p.id, user.id): p.id for p in proposals if p.anonymous}
    out: dict[int, str] = {}
    if named:
        out.update(db.session.execute(
            sa.select(Vote.proposal_id, Vote.choice).where(Vote.proposal_id.in_(named), Vote.user_id == user.id)
        ).all())
    if keys:
        for key, choice, sealed in db.session.execute(
            sa.select(Vote.ballot_key, Vote.choice, Vote.sealed).where(Vote.ballot_key.in_(list(keys)))
        ):
            out[keys[key]] = unseal(keys[key], sealed)[0] if sealed is not None else choice
    return out


def results_many(proposal_ids: list[int]) -> dict[int, Results]:
    """Results of several proposals in one query."""
    rows = db.session.execute(_counts_where(Vote.proposal_id.in_(proposal_ids))) if proposal_ids else []
    return _counted(proposal_ids, rows)


def _counted(proposal_ids: list[int], rows) -> dict[int, Results]:
    """The results from rows of (proposal, choice, channel, count). Sealed ballots count under
    no choice: only an open secret vote has them, and no page shows its results before it
    closes, so their seals are opened here in one more query only if some are there."""
    counts = {pid: dict.fromkeys(CHOICES, 0) for pid in proposal_ids}
    by_hand = dict.fromkeys(proposal_ids, 0)
    sealed: list[int] = []
    for pid, choice, channel, n in rows:
        if choice is None:
            sealed.append(pid)
            continue
        counts[pid][choice] += n
        if channel == "staff":
            by_hand[pid] += n
    if sealed:
        for pid, blob, channel in db.session.execute(
            sa.select(Vote.proposal_id, Vote.sealed, Vote.channel)
            .where(Vote.proposal_id.in_(sealed), Vote.sealed.is_not(None))
        ):
            counts[pid][unseal(pid, blob)[0]] += 1
            if channel == "staff":
                by_hand[pid] += 1
    return {pid: Results(c, sum(c.values()), by_hand[pid]) for pid, c in counts.items()}


def reasons(proposal_id: int) -> list[tuple[str, str]]:
    """The reasons members gave, without names: staff and the steering group read what was
    said, never who said it."""
    rows = db.session.execute(
        sa.select(Vote.choice, Vote.reason, Vote.sealed)
        .where(Vote.proposal_id == proposal_id, sa.or_(Vote.reason.is_not(None), Vote.sealed.is_not(None)))
    )
    opened = (unseal(proposal_id, sealed) if sealed is not None else (choice, reason) for choice, reason, sealed in rows)
    return sorted((choice, reason) for choice, reason in opened if reason)


def voters_count(proposal: Proposal) -> int:
    """How many members have voted (the same for named and anonymous proposals)."""
    if proposal.anonymous:
        q = sa.select(sa.func.count()).select_from(VoterRoll).where(VoterRoll.proposal_id == proposal.id)
    else:
        q = sa.select(sa.func.count()).select_from(Vote).where(Vote.proposal_id == proposal.id)
    return db.session.scalar(q) or 0
