"""Meetings: creating them and finding the one that matters now."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Meeting, MeetingStatus
from feedback.proposals.models import Proposal, Status


def create_meeting(
    program_id: int,
    title: str,
    starts_at: datetime,
    place: str | None = None,
    ends_at: datetime | None = None,
    notes: str | None = None,
) -> Meeting:
    if ends_at and ends_at <= starts_at:
        raise RuleError(_l("The end must be after the start."))
    meeting = Meeting(
        program_id=program_id,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip() or None,
        notes=notes,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def current_or_next(program_ids: list[int], now: datetime) -> Meeting | None:
    """An open meeting if there is one, else the next planned one (today's counts)."""
    if not program_ids:
        return None
    open_one = db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.program_id.in_(program_ids), Meeting.status == MeetingStatus.OPEN)
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if open_one:
        return open_one
    return db.session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.program_id.in_(program_ids),
            Meeting.status == MeetingStatus.PLANNED,
            Meeting.starts_at >= now - timedelta(hours=12),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def add_to_agenda(meeting: Meeting, proposal: Proposal, actor_id: int | None) -> AgendaItem:
    if proposal.program_id != meeting.program_id:
        raise RuleError(_l("This proposal belongs to another program."), status=404)
    if meeting.status == MeetingStatus.CLOSED:
        raise RuleError(_l("This meeting is over; choose a coming one."))
    if any(item.proposal_id == proposal.id for item in meeting.agenda):
        raise RuleError(_l("This proposal is already on the agenda."))
    position = max((i.position for i in meeting.agenda), default=0) + 1
    item = AgendaItem(kind="proposal", proposal=proposal, position=position)
    meeting.agenda.append(item)
    if proposal.status == Status.DRAFT:
        proposal.move_to(Status.ON_AGENDA, actor_id)
    db.session.commit()
    return item


def remove_from_agenda(meeting: Meeting, item: AgendaItem, actor_id: int | None) -> None:
    proposal = item.proposal
    meeting.agenda.remove(item)
    db.session.flush()
    if proposal is not None and proposal.status == Status.ON_AGENDA and not proposal.agenda_items:
        proposal.move_to(Status.DRAFT, actor_id)
    db.session.commit()
