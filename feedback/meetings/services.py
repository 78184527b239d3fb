"""Meetings: creating them and finding the one that matters now."""

from __future__ import annotations

import re
from datetime import datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so
from babel import Locale, UnknownLocaleError
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from feedback.common.clock import FIRST_DAY, LAST_DAY, local_now, wall_time_problem, within_years
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Meeting, MeetingStatus
from feedback.proposals.models import Proposal, Status
from feedback.topics.models import Topic


def clean_language_codes(text: str | None) -> str | None:
    """'Arabic'-free input: language codes such as "ar, so, ti", checked against CLDR so
    that members see each name in their own language. Returns "ar,so,ti" or None."""
    codes = []
    for raw in re.split(r"[\s,;]+", (text or "").strip().lower()):
        if not raw:
            continue
        try:
            Locale.parse(raw)
        except (ValueError, UnknownLocaleError):
            raise RuleError(
                _l("Unknown language code: %(code)s. Use codes such as ar, so, ti.", code=raw),
                field="interpreter_languages",
            ) from None
        if raw not in codes:
            codes.append(raw)
    return ",".join(codes) or None


def check_times(starts_at: datetime, ends_at: datetime | None, fields: tuple[str, str] = ("starts_at", "ends_at"),
                day_field: str | None = None) -> None:
    """Refuses a date outside the app's years, a clock time that the spring switch skips, and an
    end that is not after the start (for meetings and the dates of a date poll; day_field names
    the form's field for the day when it has one of its own)."""
    for name, wall in zip(fields, (starts_at, ends_at), strict=True):
        # First: a year such as 9999 (a typo) overflows in the UTC conversions below, and later
        # in every calendar file the meeting is in.
        if wall is not None and not within_years(wall.date()):
            raise RuleError(_l("Choose a date in the years %(first)s to %(last)s.",
                               first=FIRST_DAY.year, last=LAST_DAY.year), field=day_field or name)
        if wall is not None and wall_time_problem(wall) == "missing":
            raise RuleError(
                _l("The clocks go forward one hour that night, so %(time)s does not exist on %(date)s. "
                   "Choose another time.", time=wall.strftime("%H:%M"), date=format_date(wall.date(), "d MMMM y")),
                field=name,
            )
    if ends_at and ends_at <= starts_at:
        raise RuleError(_l("The end must be after the start."), field=fields[1])


def save_meeting(
    meeting: Meeting | None,
    program_id: int,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str | None = None,
    notes: str | None = None,
    bring: str | None = None,
    childcare: bool = False,
    interpreter_languages: str | None = None,
    travel_costs: bool = False,
) -> Meeting:
    """Create (meeting None) or change a meeting; refuses an end before the start, and a clock
    time that the spring switch skips."""
    check_times(starts_at, ends_at)
    languages = clean_language_codes(interpreter_languages)
    is_new = meeting is None
    if meeting is None:
        meeting = Meeting(program_id=program_id)
        db.session.add(meeting)
    meeting.title, meeting.starts_at, meeting.ends_at = title.strip(), starts_at, ends_at
    meeting.place = (place or "").strip() or None
    meeting.notes = (notes or "").strip() or None
    meeting.bring = (bring or "").strip() or None
    meeting.childcare, meeting.travel_costs = bool(childcare), bool(travel_costs)
    meeting.interpreter_languages = languages
    if is_new and starts_at >= local_now():
        from feedback.notifications import services as notifications
        from feedback.notifications.models import Kind
        from feedback.outbox import news

        db.session.flush()
        notifications.notify_members(program_id, Kind.MEETING, meeting_id=meeting.id)
        news.meeting_planned(meeting)
    db.session.flush()
    return meeting


def create_meeting(
    program_id: int,
    title: str,
    starts_at: datetime,
    place: str | None = None,
    ends_at: datetime | None = None,
    notes: str | None = None,
    **support,
) -> Meeting:
    return save_meeting(
        None, program_id, title=title, starts_at=starts_at, place=place, ends_at=ends_at, notes=notes, **support
    )


def repeated_hour_note(meeting: Meeting) -> str | None:
    """What staff need to know about a start in the hour that the autumn switch repeats."""
    if wall_time_problem(meeting.starts_at) != "twice":
        return None
    return _l("The clocks go back one hour that night, so %(time)s comes twice on %(date)s. The meeting starts "
              "the first time, in summer time; calendars read it the same way.",
              time=meeting.starts_at.strftime("%H:%M"), date=format_date(meeting.starts_at.date(), "d MMMM y"))


def by_month(meetings: list[Meeting]) -> list[tuple[datetime, list[Meeting]]]:
    """Meetings grouped by calendar month, in the order given."""
    groups: list[tuple[datetime, list[Meeting]]] = []
    for m in meetings:
        month = m.starts_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if groups and groups[-1][0] == month:
            groups[-1][1].append(m)
        else:
            groups.append((month, [m]))
    return groups


def with_agenda() -> tuple:
    """Loads the agenda with its proposals in their languages, for a page that lists them: three
    queries whatever the length of the agenda. (A function: the models are all mapped by then.)"""
    return (so.selectinload(Meeting.agenda).selectinload(AgendaItem.proposal).selectinload(Proposal.translations),)


def current_or_next(program_ids: list[int], now: datetime, options: tuple = ()) -> Meeting | None:
    """An open meeting if there is one, else the next planned one (today's counts).

    `now` is the program's wall-clock time, as meeting times are."""
    if not program_ids:
        return None
    open_one = db.session.scalar(
        sa.select(Meeting)
        .options(*options)
        .where(Meeting.program_id.in_(program_ids), Meeting.status == MeetingStatus.OPEN)
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if open_one:
        return open_one
    # A meeting of today stays "the meeting" all day (staff may open it late), and one that runs
    # past midnight until it ends; yesterday's evening meeting is not "next" at 00:30 on new year's day.
    midnight = datetime.combine(now.date(), time())
    return db.session.scalar(
        sa.select(Meeting)
        .options(*options)
        .where(
            Meeting.program_id.in_(program_ids),
            Meeting.status == MeetingStatus.PLANNED,
            sa.or_(Meeting.starts_at >= midnight, Meeting.ends_at > now),
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
    db.session.flush()
    return item


def add_agenda_item(meeting: Meeting, *, topic_id: int | None = None, title: str | None = None) -> AgendaItem:
    """A feedback topic to discuss, or a free item with its own title."""
    if meeting.status == MeetingStatus.CLOSED:
        raise RuleError(_l("This meeting is over; choose a coming one."))
    if topic_id is not None:
        topic = db.session.get(Topic, topic_id)
        if topic is None or topic.program_id != meeting.program_id:
            raise RuleError(_l("Choose a topic from the list."))
        item = AgendaItem(kind="topic", topic_id=topic.id, title=topic.name)
    else:
        title = (title or "").strip()
        if not title or len(title) > 200:
            raise RuleError(_l("Write what the item is about, in at most 200 characters."))
        item = AgendaItem(kind="free", title=title)
    item.position = max((i.position for i in meeting.agenda), default=0) + 1
    meeting.agenda.append(item)
    db.session.flush()
    return item


def move_agenda_item(meeting: Meeting, item: AgendaItem, step: int) -> None:
    """Move an item one place up (step -1) or down (+1); the ends stay where they are."""
    items = sorted(meeting.agenda, key=lambda i: (i.position, i.id))
    index = items.index(item)
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    # Renumber all, so equal or missing positions from older data end up in a clean order.
    for n, it in enumerate(items, start=1):
        it.position = n
    db.session.flush()


def remove_from_agenda(meeting: Meeting, item: AgendaItem, actor_id: int | None) -> None:
    proposal = item.proposal
    meeting.agenda.remove(item)
    db.session.flush()
    if proposal is not None and proposal.status == Status.ON_AGENDA and not proposal.agenda_items:
        proposal.move_to(Status.DRAFT, actor_id)
    db.session.flush()
