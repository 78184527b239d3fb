"""The steering group's review: what waits for a decision, deciding, and reopening."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.clock import local_today, utcnow
from feedback.common.errors import RuleError
from feedback.decisions.models import Decision, DecisionTranslation, Outcome
from feedback.extensions import db
from feedback.notifications import services as notifications
from feedback.notifications.models import Kind
from feedback.outbox import news
from feedback.programs.models import Role
from feedback.proposals.models import Proposal, Status
from feedback.threads.models import Post, ProposalSource
from feedback.votes.models import Vote

REASON_MAX = 1500
WAITING = (Status.VOTED, Status.IN_REVIEW)


def is_steering(user: User, program_id: int) -> bool:
    return user.has_role(program_id, Role.STEERING)


def review_queue(program_id: int) -> list[Proposal]:
    """Proposals the group has voted on or recommended, waiting for a decision, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.program_id == program_id, Proposal.status.in_(WAITING))
            .options(so.selectinload(Proposal.events), so.selectinload(Proposal.agenda_items))
            .order_by(sa.func.coalesce(Proposal.voting_closed_at, Proposal.created_at), Proposal.id)
        )
    )


def current_decision(proposal_id: int) -> Decision | None:
    return db.session.scalar(
        sa.select(Decision)
        .where(Decision.proposal_id == proposal_id, Decision.replaced_at.is_(None))
        .order_by(Decision.id.desc())
        .limit(1)
    )


def decisions_of(program_id: int) -> list[Decision]:
    """The decisions in force, newest first."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.program_id == program_id, Decision.replaced_at.is_(None))
            .options(so.joinedload(Decision.proposal), so.selectinload(Decision.translations))
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
        )
    )


def _clean(text: str | None, field: str, required: bool, message) -> str | None:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise RuleError(message, field=field)
    if len(text) > REASON_MAX:
        raise RuleError(_l("The text is too long. Write at most %(n)s letters.", n=REASON_MAX), field=field)
    return text or None


def concerned_members(proposal: Proposal) -> set[int]:
    """Who hears of a decision by message: the members who voted on the proposal or wrote the
    posts it came from. A secret vote's voters are not looked up, since staff see who gets
    what in the outbox: then every member hears."""
    members = set(news.holders(proposal.program_id, Role.MEMBER))
    if proposal.anonymous:
        return members
    voters = set(db.session.scalars(sa.select(Vote.user_id).where(Vote.proposal_id == proposal.id)))
    writers = set(db.session.scalars(
        sa.select(Post.author_id).join(ProposalSource, ProposalSource.post_id == Post.id)
        .where(ProposalSource.proposal_id == proposal.id, Post.author_role == Role.MEMBER)
    ))
    return members & (voters | writers | {proposal.created_by_id})


def decide(
    user: User,
    proposal: Proposal,
    outcome: str,
    reason: str,
    changes: str | None = None,
    postponed_until: date | None = None,
    translations: dict[str, tuple[str, str | None]] | None = None,
) -> Decision:
    """Record the steering group's decision and tell the members. Refuses, changing nothing,
    when the group has not voted yet, when it is decided already (reopen first), or when the
    decision lacks what its kind needs."""
    if not is_steering(user, proposal.program_id):
        raise RuleError(_l("Only the steering group can decide."), status=403)
    if proposal.status in (Status.DECIDED, Status.IMPLEMENTED):
        raise RuleError(_l("This proposal is decided already. Reopen it first to decide again."), status=409)
    if proposal.status not in WAITING:
        raise RuleError(_l("The group has not voted on this proposal yet."), status=409)
    if outcome not in set(Outcome):
        raise RuleError(_l("Choose what the steering group decided."), field="outcome")
    reason_text = _clean(reason, "reason", True, _l("Write the reason in easy words. Members will read it."))
    changes_text = _clean(changes, "changes", outcome == Outcome.ADAPTED,
                          _l("Write what is different from the proposal."))
    if outcome == Outcome.POSTPONED:
        today = local_today()
        if postponed_until is None:
            raise RuleError(_l("Write until when the decision is postponed."), field="postponed_until")
        if postponed_until <= today:
            raise RuleError(_l("The new date must be after today."), field="postponed_until")
    else:
        postponed_until = None
    decision = Decision(
        program_id=proposal.program_id,
        proposal_id=proposal.id,
        outcome=outcome,
        reason=reason_text,
        changes=changes_text if outcome == Outcome.ADAPTED else None,
        postponed_until=postponed_until,
        decided_by_id=user.id,
    )
    for lang, (t_reason, t_changes) in (translations or {}).items():
        t_reason = (t_reason or "").strip()
        if t_reason:
            decision.translations.append(
                DecisionTranslation(language=lang, reason=t_reason[:REASON_MAX],
                                    changes=(t_changes or "").strip()[:REASON_MAX] or None)
            )
    if proposal.status == Status.VOTED:
        proposal.move_to(Status.IN_REVIEW, user.id)
    proposal.move_to(Status.DECIDED, user.id, note=outcome)
    db.session.add(decision)
    db.session.flush()
    notifications.notify_members(proposal.program_id, Kind.DECISION, proposal_id=proposal.id)
    news.decided(proposal, decision.id, concerned_members(proposal))
    db.session.flush()
    return decision


def reopen(user: User, proposal: Proposal, note: str | None = None) -> None:
    """Back to review: the decision stays on record, marked as replaced."""
    if not is_steering(user, proposal.program_id):
        raise RuleError(_l("Only the steering group can decide."), status=403)
    if proposal.status != Status.DECIDED:
        raise RuleError(_l("Only a decided proposal can be reopened."), status=409)
    old = current_decision(proposal.id)
    if old is not None:
        old.replaced_at = utcnow()
    proposal.move_to(Status.IN_REVIEW, user.id, note=(note or "").strip()[:500] or "reopened")
    db.session.flush()
