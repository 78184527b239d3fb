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
    PostgreSQL stamps both rows with its id (xmin) and puts them where they arrive (ctid). So
    there every anonymous write rewrites all of the proposal's ballots (random order, new ids),
    and a write that put her on the roll rewrites the roll too (in member order): afterwards
    the ballots carry one stamp, the roll lines one stamp (the same one when the roll was
    written), and nothing in them tells which ballot came with which voter, while voting is
    still open too. A change of mind leaves the roll as it was: it writes no roll line to pair
    with, and rewriting the roll was almost half the cost of a secret ballot (bench/vote_load).
    SQLite keeps rows in the order of their keys (a random id; the roll has no row id) and stamps
    nothing, so it needs no rewrite until voting closes."""
    rewrite = proposal.anonymous and db.session.get_bind().dialect.name == "postgresql"
    if rewrite:
        # One anonymous write at a time per proposal: each rewrites all its rows.
        db.session.execute(sa.select(Proposal.id).where(Proposal.id == proposal.id).with_for_update())
    if proposal.anonymous:
        new_voter = insert_ignore(
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
                "choice": choice,
                "reason": reason,
                "channel": channel,
            },
            conflict=["ballot_key"],
            update=["choice", "reason", "channel"],
        )
        if rewrite:
            scatter_anonymous_ballots(proposal.id, roll=new_voter)
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


# The ballots move out and back in a random order, with new random 62-bit ids (from
# gen_random_uuid, PostgreSQL's strong random source); the roll comes back in member order.
_PG_SCATTER_BALLOTS = sa.text("""
    WITH moved AS (
        DELETE FROM votes WHERE proposal_id = :p AND user_id IS NULL
        RETURNING proposal_id, ballot_key, choice, reason, channel)
    INSERT INTO votes (id, proposal_id, ballot_key, choice, reason, channel)
    SELECT ('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint & 4611686018427387903,
           proposal_id, ballot_key, choice, reason, channel
    FROM moved ORDER BY gen_random_uuid()""")
_PG_REWRITE_ROLL = sa.text("""
    WITH moved AS (DELETE FROM voter_roll WHERE proposal_id = :p RETURNING proposal_id, user_id)
    INSERT INTO voter_roll (proposal_id, user_id) SELECT proposal_id, user_id FROM moved ORDER BY user_id""")


def scatter_anonymous_ballots(proposal_id: int, roll: bool = True) -> None:
    """Write an anonymous vote's ballots again in a random order with new ids, and (unless
    roll is False) its voter roll in the order of the members' ids, all in the caller's
    transaction: after this, nothing in the tables (order, ids, PostgreSQL's row stamps) lines a
    ballot up with a voter. Done on every anonymous write on PostgreSQL (see store_ballot) and
    when voting closes. The caller commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Two statements instead of one per row: this runs on every secret ballot there.
        db.session.execute(_PG_SCATTER_BALLOTS, {"p": proposal_id})
        if roll:
            db.session.execute(_PG_REWRITE_ROLL, {"p": proposal_id})
        return
    anonymous = sa.and_(Vote.proposal_id == proposal_id, Vote.user_id.is_(None))
    ballots = [dict(row._mapping) for row in db.session.execute(
        sa.select(Vote.proposal_id, Vote.ballot_key, Vote.choice, Vote.reason, Vote.channel).where(anonymous))]
    secrets.SystemRandom().shuffle(ballots)
    db.session.execute(sa.delete(Vote).where(anonymous))
    if ballots:  # written one after the other in the shuffled order, with ids as random
        db.session.execute(sa.insert(Vote), [{**b, "id": new_ballot_id()} for b in ballots])
    if roll:
        voters = list(db.session.scalars(
            sa.select(VoterRoll.user_id).where(VoterRoll.proposal_id == proposal_id).order_by(VoterRoll.user_id)))
        db.session.execute(sa.delete(VoterRoll).where(VoterRoll.proposal_id == proposal_id))
        if voters:
            db.session.execute(sa.insert(VoterRoll), [{"proposal_id": proposal_id, "user_id": u} for u in voters])


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
    row = db.session.execute(sa.select(Vote.choice, Vote.reason).where(cond)).first()
    return MyVote(row.choice, row.reason) if row else None


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


@cache
def _results_statement() -> sa.Select:
    # Built once: a live-results vote counts after every ballot, and building the select cost a
    # third of the count (bench/request_cpu --profile vote).
    return (
        sa.select(Vote.choice, Vote.channel, sa.func.count())
        .where(Vote.proposal_id == sa.bindparam("proposal_id"))
        .group_by(Vote.choice, Vote.channel)
    )


def results(proposal_id: int) -> Results:
    rows = db.session.execute(_results_statement(), {"proposal_id": proposal_id}).all()
    counts = dict.fromkeys(CHOICES, 0)
    by_hand = 0
    for choice, channel, n in rows:
        counts[choice] += n
        if channel == "staff":
            by_hand += n
    return Results(counts, sum(counts.values()), by_hand)


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
        for key, choice in db.session.execute(
            sa.select(Vote.ballot_key, Vote.choice).where(Vote.ballot_key.in_(list(keys)))
        ):
            out[keys[key]] = choice
    return out


def results_many(proposal_ids: list[int]) -> dict[int, Results]:
    """Results of several proposals in one query."""
    counts = {pid: dict.fromkeys(CHOICES, 0) for pid in proposal_ids}
    by_hand = dict.fromkeys(proposal_ids, 0)
    if proposal_ids:
        for pid, choice, channel, n in db.session.execute(
            sa.select(Vote.proposal_id, Vote.choice, Vote.channel, sa.func.count())
            .where(Vote.proposal_id.in_(proposal_ids))
            .group_by(Vote.proposal_id, Vote.choice, Vote.channel)
        ):
            counts[pid][choice] += n
            if channel == "staff":
                by_hand[pid] += n
    return {pid: Results(c, sum(c.values()), by_hand[pid]) for pid, c in counts.items()}


def reasons(proposal_id: int) -> list[tuple[str, str]]:
    """The reasons members gave, without names: staff and the steering group read what was
    said, never who said it."""
    rows = db.session.execute(
        sa.select(Vote.choice, Vote.reason)
        .where(Vote.proposal_id == proposal_id, Vote.reason.is_not(None))
        .order_by(Vote.choice, Vote.reason)
    ).all()
    return [(r.choice, r.reason) for r in rows]


def voters_count(proposal: Proposal) -> int:
    """How many members have voted (the same for named and anonymous proposals)."""
    if proposal.anonymous:
        q = sa.select(sa.func.count()).select_from(VoterRoll).where(VoterRoll.proposal_id == proposal.id)
    else:
        q = sa.select(sa.func.count()).select_from(Vote).where(Vote.proposal_id == proposal.id)
    return db.session.scalar(q) or 0
