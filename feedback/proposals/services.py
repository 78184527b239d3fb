"""Writing proposals and moving them through their lifecycle."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from feedback.common.errors import RuleError
from feedback.common.icons import ICONS
from feedback.common.locks import lock
from feedback.extensions import db
from feedback.proposals.models import (
    InvalidTransition,
    Proposal,
    ProposalEvent,
    ProposalTranslation,
    Status,
)
from feedback.topics.models import Topic

EDITABLE = (Status.DRAFT, Status.ON_AGENDA)


def _check_fields(program_id: int, icon: str, topic_id: int | None) -> None:
    if icon not in ICONS:
        raise RuleError(_l("Choose an icon from the list."))
    if topic_id is not None:
        topic = db.session.get(Topic, topic_id)
        if topic is None or topic.program_id != program_id:
            raise RuleError(_l("Choose a topic from the list."))


def _check_secrecy(anonymous: bool, results_live: bool) -> None:
    if anonymous and results_live:
        raise RuleError(_l("A secret vote shows its result only when voting closes. Untick \"Show results while "
                           "voting is open\"."), field="results_live")


def create_proposal(
    program_id: int,
    actor_id: int | None,
    *,
    title: str,
    summary: str,
    body: str | None = None,
    icon: str = "idea",
    topic_id: int | None = None,
    anonymous: bool = False,
    results_live: bool = False,
    origin: str = "staff",
    source_language: str = "sv",
    kind: str = "proposal",
    commit: bool = True,
) -> Proposal:
    _check_fields(program_id, icon, topic_id)
    _check_secrecy(anonymous, results_live)
    proposal = Proposal(
        program_id=program_id,
        created_by_id=actor_id,
        title=title.strip(),
        summary=summary.strip(),
        body=(body or "").strip() or None,
        icon=icon,
        topic_id=topic_id,
        anonymous=anonymous,
        results_live=results_live,
        origin=origin,
        source_language=source_language,
        kind=kind,
        status=Status.DRAFT,
    )
    db.session.add(proposal)
    db.session.flush()
    # The first event: the proposal exists. Lifecycle durations start here.
    proposal.events.append(ProposalEvent(from_status=None, to_status=Status.DRAFT, actor_id=actor_id))
    if commit:
        db.session.flush()
    else:
        db.session.flush()
    return proposal


def update_proposal(
    proposal: Proposal,
    *,
    title: str,
    summary: str,
    body: str | None,
    icon: str,
    topic_id: int | None,
    anonymous: bool,
    results_live: bool,
) -> None:
    _check_fields(proposal.program_id, icon, topic_id)
    _check_secrecy(anonymous, results_live)
    # Text may be corrected while voting, but the secrecy of the ballot may not change
    # once votes exist.
    if proposal.status not in EDITABLE and anonymous != proposal.anonymous:
        raise RuleError(_l("Anonymous voting cannot be changed after voting has started."))
    proposal.title, proposal.summary = title.strip(), summary.strip()
    proposal.body = (body or "").strip() or None
    proposal.icon, proposal.topic_id = icon, topic_id
    proposal.anonymous, proposal.results_live = anonymous, results_live
    db.session.flush()


def set_translation(proposal: Proposal, language: str, title: str, summary: str, body: str | None) -> None:
    """Add, change or (with an empty title) remove the text in one language."""
    # Saved twice at once: the second waits here, then changes the row the first added (both
    # adding one was a unique violation, a 500).
    lock(proposal)
    existing = next((t for t in proposal.translations if t.language == language), None)
    title, summary = title.strip(), summary.strip()
    if not title:
        if existing:
            proposal.translations.remove(existing)
        db.session.flush()
        return
    if not summary:
        raise RuleError(_l("Write a short summary in this language too."))
    if existing is None:
        existing = ProposalTranslation(language=language)
        proposal.translations.append(existing)
    existing.title, existing.summary, existing.body = title, summary, (body or "").strip() or None
    db.session.flush()


def _move(proposal: Proposal, status: str, actor_id: int | None, message, also=None) -> None:
    # Two staff pressing "close" at once: the second waits for the first's row lock, then sees
    # the step already taken and is told so; the history gets one event, not two.
    db.session.refresh(proposal, with_for_update=True)
    try:
        proposal.move_to(status, actor_id)
    except InvalidTransition:
        raise RuleError(message, status=409) from None
    if also is not None:
        also()
    db.session.flush()


def open_voting(proposal: Proposal, actor_id: int | None) -> None:
    from feedback.notifications import services as notifications
    from feedback.notifications.models import Kind
    from feedback.outbox import news

    notifications.notify_members(proposal.program_id, Kind.VOTE, proposal_id=proposal.id)
    _move(proposal, Status.VOTING, actor_id, _l("Voting cannot be opened for this proposal now."))
    news.voting_opened(proposal)


def remind_non_voters(proposal: Proposal) -> int:
    """Staff remind the members who have not voted yet, once per opening of the vote; how many
    members the reminder may reach (who has voted is decided when it is sent)."""
    from feedback.outbox import news

    if proposal.status != Status.VOTING:
        raise RuleError(_l("Voting is not open, so there is nobody to remind."), status=409)
    return news.vote_reminder(proposal)


def close_voting(proposal: Proposal, actor_id: int | None) -> None:
    from feedback.votes.services import scatter_anonymous_ballots

    scatter = (lambda: scatter_anonymous_ballots(proposal.id)) if proposal.anonymous else None
    _move(proposal, Status.VOTED, actor_id, _l("Voting is not open, so it cannot be closed."), also=scatter)


def open_for_voting(program_ids: list[int]) -> list[Proposal]:
    if not program_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .options(so.selectinload(Proposal.translations))  # text_in: no query per proposal
            .where(Proposal.program_id.in_(program_ids), Proposal.status == Status.VOTING)
            .order_by(Proposal.voting_opened_at, Proposal.id)
        )
    )


def recently_closed(program_ids: list[int], limit: int = 5) -> list[Proposal]:
    if not program_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .options(so.selectinload(Proposal.translations))  # text_in: no query per proposal
            .where(
                Proposal.program_id.in_(program_ids),
                Proposal.voting_closed_at.is_not(None),
                Proposal.status != Status.VOTING,
            )
            .order_by(Proposal.voting_closed_at.desc())
            .limit(limit)
        )
    )


def program_proposals(program_id: int) -> list[Proposal]:
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.program_id == program_id)
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        )
    )
