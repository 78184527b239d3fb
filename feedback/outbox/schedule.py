"""Messages that come due with the time rather than with a request: the reminders before a
meeting, the "did this change help?" question on its day, and the steering group's weekly list.

The worker runs this about once a minute. Every message has a key per event and person, so a
second run, or two workers running it at once, queue nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from feedback.auth.models import User
from feedback.changes.models import ChangeFeedback, ProgramChange
from feedback.common.clock import local_to_utc, utc_to_local, utcnow
from feedback.decisions.services import review_queue
from feedback.extensions import db
from feedback.meetings import replies
from feedback.meetings.models import Meeting, MeetingStatus, ReplyAnswer
from feedback.outbox import news
from feedback.outbox.choice import Kind
from feedback.programs.models import Program, Role
from feedback.programs.services import REMINDER_HOURS_MAX, reminder_hours

# A follow-up question older than this when the worker first sees it is not sent any more (a
# worker started after a long stop does not send a pile of old news).
FOLLOW_UP_FRESH = timedelta(days=7)
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 8  # Monday at 08:00, program time


def queue_due(now: datetime | None = None) -> int:
    """Queue what has come due by now (naive UTC); how many messages were queued."""
    now = now or utcnow()
    return meeting_reminders(now) + follow_ups(now) + weekly_digests(now)


def reminder_due(starts_utc: datetime, created_utc: datetime, hours: list[int], now: datetime) -> int | None:
    """Which reminder (hours before) is due now for a meeting, if any: the latest whose time has
    come. A reminder whose time had passed when the meeting was planned is not sent (the news of
    the meeting told her), and none is sent once the meeting has begun."""
    if now >= starts_utc:
        return None
    due = [h for h in hours if starts_utc - timedelta(hours=h) <= now and created_utc < starts_utc - timedelta(hours=h)]
    return min(due) if due else None


def meeting_reminders(now: datetime) -> int:
    # Meeting times are wall-clock times of the program: "48 hours before" is counted in real
    # hours, so a reminder across a daylight-saving switch still comes 48 hours before.
    horizon = now + timedelta(hours=REMINDER_HOURS_MAX + 26)  # a margin for the zone's offset
    meetings = db.session.scalars(
        sa.select(Meeting).join(Program, Program.id == Meeting.program_id)
        .where(Meeting.status == MeetingStatus.PLANNED, Program.active.is_(True),
               Meeting.starts_at >= now - timedelta(hours=26), Meeting.starts_at <= horizon)
    )
    queued = 0
    for meeting in meetings:
        hours = reminder_due(local_to_utc(meeting.starts_at), meeting.created_at, reminder_hours(meeting.program), now)
        if hours is not None:
            queued += news.meeting_reminder(meeting, hours, reminded_members(meeting))
    return queued


def reminded_members(meeting: Meeting) -> list[int]:
    """The members reminded of a meeting: all of them but those who said they cannot come."""
    away = set(replies.user_ids_answering(meeting.id, ReplyAnswer.NOT_COMING))
    return [m for m in news.holders(meeting.program_id, Role.MEMBER) if m not in away]


def follow_ups(now: datetime) -> int:
    today = utc_to_local(now).date()
    changes = db.session.scalars(
        sa.select(ProgramChange).where(
            ProgramChange.review_on.is_not(None), ProgramChange.review_on <= today,
            ProgramChange.review_on > today - FOLLOW_UP_FRESH)
    )
    queued = 0
    for change in changes:
        answered = sa.select(ChangeFeedback.user_id).where(ChangeFeedback.change_id == change.id)
        waiting = set(news.holders(change.program_id, Role.MEMBER)) - set(db.session.scalars(answered))
        queued += news.follow_up_open(change, waiting)
    return queued


def weekly_digests(now: datetime) -> int:
    local = utc_to_local(now)
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return 0
    year, week, _day = local.isocalendar()
    queued = 0
    for program in db.session.scalars(sa.select(Program).where(Program.active.is_(True))):
        waiting = review_queue(program.id)
        if waiting:
            queued += _digest(program, waiting, f"{year}-W{week:02d}", local)
    return queued


def _digest(program: Program, waiting: list, week: str, local: datetime) -> int:
    def write(user: User) -> tuple[str, str]:
        lines = [ngettext("%(num)s proposal waits for the steering group's decision, the oldest first:",
                          "%(num)s proposals wait for the steering group's decision, the oldest first:",
                          len(waiting))]
        for proposal in waiting:
            # Both are UTC: a vote closed at 00:30 on Monday (23:30 UTC on Sunday) waited 0 days.
            since = utc_to_local(proposal.voting_closed_at or proposal.created_at)
            days = max((local.date() - since.date()).days, 0)
            lines.append("- " + ngettext("%(title)s (waited %(num)s day)", "%(title)s (waited %(num)s days)",
                                         days, title=proposal.title))
        return _("Waiting for a decision: %(program)s", program=program.name), "\n".join(lines)

    return news.tell(news.holders(program.id, Role.STEERING), Kind.DIGEST, f"digest:{program.id}:{week}",
                     f"/staff/{program.id}/review/", write, program_id=program.id)
