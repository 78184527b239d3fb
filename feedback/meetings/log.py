"""The staff log of a meeting: attendance, summaries and action items."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.i18n import translation_languages
from feedback.common.upsert import upsert
from feedback.extensions import db
from feedback.meetings.models import ActionItem, ActionStatus, Attendance, Meeting, MeetingSummaryTranslation
from feedback.members.services import program_members
from feedback.proposals.models import Proposal, Status

GUESTS_MAX = 500
SUMMARY_MAX = 10_000


def attendance(meeting: Meeting) -> dict[int, Attendance]:
    rows = db.session.scalars(sa.select(Attendance).where(Attendance.meeting_id == meeting.id))
    return {a.user_id: a for a in rows}


def set_attendance(meeting: Meeting, present_ids: set[int], guests: int) -> None:
    """Staff tick who was there. Every member of the program gets a row: present or absent."""
    if not 0 <= guests <= GUESTS_MAX:
        raise RuleError(_l("Guests must be a number from 0 to %(n)s.", n=GUESTS_MAX), field="guests")
    members = {m.id for m in program_members(meeting.program_id)}
    if not present_ids <= members:
        raise RuleError(_l("Choose members of this group only."), status=400)
    for user_id in members:
        upsert(
            db.session,
            Attendance.__table__,
            {
                "meeting_id": meeting.id,
                "user_id": user_id,
                "present": user_id in present_ids,
                "source": "staff",
                "updated_at": utcnow(),
            },
            conflict=["meeting_id", "user_id"],
            update=["present", "source", "updated_at"],
        )
    meeting.guests = guests
    db.session.flush()


def present_count(meeting: Meeting) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Attendance)
            .where(Attendance.meeting_id == meeting.id, Attendance.present.is_(True))
        )
        or 0
    )


def save_summaries(meeting: Meeting, summary: str | None, member_summary: str | None,
                   translations: dict[str, str] | None = None) -> None:
    """The minutes, the members' summary, and the members' summary in other languages (an empty
    one removes that language: members then see the Swedish, marked as Swedish)."""
    translations = translations or {}
    for text in (summary, member_summary, *translations.values()):
        if text and len(text) > SUMMARY_MAX:
            raise RuleError(_l("The text is too long: at most %(n)s characters.", n=SUMMARY_MAX))
    meeting.summary = (summary or "").strip() or None
    meeting.member_summary = (member_summary or "").strip() or None
    offered = set(translation_languages())
    existing = {t.language: t for t in meeting.summary_translations}
    for lang, text in translations.items():
        text = (text or "").strip()
        if lang not in offered:
            continue
        if not text:
            if lang in existing:
                meeting.summary_translations.remove(existing[lang])
        elif lang in existing:
            existing[lang].member_summary = text
        else:
            meeting.summary_translations.append(MeetingSummaryTranslation(language=lang, member_summary=text))
    db.session.flush()


def add_action(meeting: Meeting, title: str, owner: str, due_on: date, today: date, actor_id: int | None) -> ActionItem:
    title, owner = title.strip(), owner.strip()
    if not title or not owner:
        raise RuleError(_l("Write what is to be done and who does it."))
    if due_on < today:
        raise RuleError(_l("The due date has passed. Choose today or a later day."), field="due_on")
    item = ActionItem(
        program_id=meeting.program_id,
        meeting_id=meeting.id,
        title=title,
        owner=owner,
        due_on=due_on,
        status=ActionStatus.OPEN,
        created_by_id=actor_id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def set_action_status(item: ActionItem, status: str) -> None:
    if status not in {s.value for s in ActionStatus}:
        raise RuleError(_l("Unknown status."))
    item.status = status
    item.closed_at = None if status == ActionStatus.OPEN else utcnow()
    db.session.flush()


def open_actions(program_id: int) -> list[ActionItem]:
    """Open action items of every meeting, the most urgent first."""
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(ActionItem.program_id == program_id, ActionItem.status == ActionStatus.OPEN)
            .order_by(ActionItem.due_on, ActionItem.id)
        )
    )


def meeting_actions(meeting: Meeting) -> list[ActionItem]:
    return list(
        db.session.scalars(
            sa.select(ActionItem).where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.due_on, ActionItem.id)
        )
    )


def save_item_notes(meeting: Meeting, notes: dict[int, str]) -> None:
    """Notes per agenda item, from one form; items of other meetings are refused."""
    items = {i.id: i for i in meeting.agenda}
    if not set(notes) <= set(items):
        raise RuleError(_l("This item is not on this meeting's agenda."), status=404)
    for item_id, text in notes.items():
        if len(text) > SUMMARY_MAX:
            raise RuleError(_l("The text is too long: at most %(n)s characters.", n=SUMMARY_MAX))
        items[item_id].notes = text.strip() or None
    db.session.flush()


RECOMMENDATION_MAX = 500


def recommend(proposal: Proposal, meeting: Meeting, text: str, actor_id: int | None) -> None:
    """The group's recommendation on a voted proposal; it goes on to the steering group's review."""
    text = (text or "").strip()
    if not text or len(text) > RECOMMENDATION_MAX:
        raise RuleError(_l("Write the group's recommendation in at most %(n)s characters.", n=RECOMMENDATION_MAX))
    if proposal.program_id != meeting.program_id or all(i.meeting_id != meeting.id for i in proposal.agenda_items):
        raise RuleError(_l("This proposal is not on this meeting's agenda."), status=404)
    if not proposal.can_move_to(Status.IN_REVIEW):
        raise RuleError(_l("Close the voting first; then the proposal can go to the steering group."), status=409)
    proposal.move_to(Status.IN_REVIEW, actor_id, note=text)
    db.session.flush()


def last_summary(program_ids: list[int], now) -> Meeting | None:
    """The latest past meeting with a summary for members."""
    if not program_ids:
        return None
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.program_id.in_(program_ids), Meeting.starts_at < now, Meeting.member_summary.is_not(None))
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


def mark_self_present(meeting: Meeting, user_id: int) -> None:
    """She opened the live meeting, so she is there. A staff tick of her stays as staff set it
    only until she shows up: being on the live page is the stronger evidence."""
    upsert(
        db.session,
        Attendance.__table__,
        {"meeting_id": meeting.id, "user_id": user_id, "present": True, "source": "self", "updated_at": utcnow()},
        conflict=["meeting_id", "user_id"],
        update=["present"],
    )
    db.session.flush()
