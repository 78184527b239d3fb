"""What her certificate says, gathered for one member and one program.

Only her own part and the group's: her name, the program, the period she took part, the
meetings she came to, and what the group worked on meanwhile (decisions and program changes
done). Nothing about how she voted, what she wrote or anything else she did: a certificate
goes to employers, and her votes are hers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.audit.models import AuditEntry
from feedback.auth.models import User
from feedback.changes.models import ChangeStatus, ProgramChange
from feedback.common.clock import day_start_utc, local_now, utc_to_local
from feedback.decisions.models import Decision
from feedback.extensions import db
from feedback.meetings.models import Attendance, Meeting
from feedback.programs.models import Membership, Program, Role
from feedback.proposals.models import Proposal

# The certificate is written in Swedish, or in English on request: employers read one of them.
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
# At most this many things the group worked on, newest first: a page, not a report.
MAX_WORK = 10


@dataclass(frozen=True)
class AttendedMeeting:
    on: date
    title: str


@dataclass(frozen=True)
class WorkItem:
    kind: str  # "decision" or "change"
    on: date
    title: str
    language: str  # the language the title is in (a title without an English version stays Swedish)


@dataclass(frozen=True)
class Certificate:
    language: str
    member_name: str
    program_name: str
    program_city: str | None
    since: date
    until: date
    left: bool  # she has left the group: `until` is the day she left
    meetings: list[AttendedMeeting]
    work: list[WorkItem]
    coordinator: str | None
    issued_on: date

    @property
    def meeting_count(self) -> int:
        return len(self.meetings)


def certificate_language(asked: str | None) -> str:
    """English when asked for, else Swedish: any other value gives the Swedish certificate."""
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def membership_of(program_id: int, user: User) -> Membership | None:
    """Her member role in the program, also when she has left it."""
    return db.session.scalar(sa.select(Membership).where(
        Membership.user_id == user.id, Membership.program_id == program_id, Membership.role == Role.MEMBER))


def coordinator_for(program_id: int) -> str | None:
    """Who signs when she downloads it herself: the program's staff member who most recently made
    or logged one of its meetings (the audit log knows), else its longest-serving staff member;
    only people who are staff of the program now. None when the program has no staff."""
    staff_now = (
        sa.select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.program_id == program_id, Membership.role == Role.STAFF, Membership.left_at.is_(None),
               User.active.is_(True), User.erased_at.is_(None))
    )
    latest = db.session.scalar(
        sa.select(User.name)
        .join(AuditEntry, AuditEntry.actor_id == User.id)
        .where(AuditEntry.program_id == program_id, AuditEntry.record_type == Meeting.__tablename__,
               User.id.in_(staff_now))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    )
    if latest:
        return latest
    return db.session.scalar(
        sa.select(User.name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.program_id == program_id, Membership.role == Role.STAFF, User.id.in_(staff_now))
        .order_by(Membership.created_at, Membership.id)
        .limit(1)
    )


def gather(user: User, program_id: int, language: str = DEFAULT_LANGUAGE,
           coordinator: str | None = None) -> Certificate | None:
    """Her certificate for one program. `coordinator` is the name of the staff member who prints
    it; without one, coordinator_for picks the program's. None when she was never a member of
    the program, or her data is erased (there is no one left to certify)."""
    language = certificate_language(language)
    membership = membership_of(program_id, user)
    if membership is None or user.erased_at is not None:
        return None
    program = db.session.get(Program, program_id)
    now = local_now()
    # The period she took part: until the moment she left, else until now (wall-clock time).
    end = utc_to_local(membership.left_at) if membership.left_at else now
    came = db.session.execute(
        sa.select(Meeting.starts_at, Meeting.title)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.user_id == user.id, Attendance.present.is_(True), Meeting.program_id == program_id,
               Meeting.starts_at <= end)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    meetings = [AttendedMeeting(at.date(), title) for at, title in came]
    # Staff often add a member after her first meetings: then her period starts at the first one.
    since = utc_to_local(membership.created_at).date()
    if meetings and meetings[0].on < since:
        since = meetings[0].on
    until = end.date()
    return Certificate(
        language=language,
        member_name=user.name,
        program_name=program.name,
        program_city=program.city,
        since=since,
        until=until,
        left=membership.left_at is not None,
        meetings=meetings,
        work=_group_work(program_id, since, until, language),
        coordinator=coordinator or coordinator_for(program_id),
        issued_on=now.date(),
    )


def _group_work(program_id: int, since: date, until: date, language: str) -> list[WorkItem]:
    """What the group worked on in her period: the steering group's decisions in force on the
    group's proposals, and the program changes done; newest first, at most MAX_WORK."""
    start_utc, end_utc = day_start_utc(since), day_start_utc(until + timedelta(days=1))
    decided = db.session.scalars(
        sa.select(Decision)
        .where(Decision.program_id == program_id, Decision.replaced_at.is_(None),
               Decision.decided_at >= start_utc, Decision.decided_at < end_utc)
        .options(so.joinedload(Decision.proposal).selectinload(Proposal.translations))
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(MAX_WORK)
    ).all()
    done = db.session.scalars(
        sa.select(ProgramChange)
        .where(ProgramChange.program_id == program_id, ProgramChange.status == ChangeStatus.DONE,
               ProgramChange.changed_on >= since, ProgramChange.changed_on <= until)
        .options(so.selectinload(ProgramChange.translations))
        .order_by(ProgramChange.changed_on.desc(), ProgramChange.id.desc())
        .limit(MAX_WORK)
    ).all()
    items = []
    for d in decided:
        text = d.proposal.text_in(language)
        items.append(WorkItem("decision", utc_to_local(d.decided_at).date(), text.title, text.language))
    for c in done:
        title, _description, in_language = c.text_in(language)
        items.append(WorkItem("change", c.changed_on, title, in_language))
    items.sort(key=lambda i: (i.on, i.kind == "change"), reverse=True)
    return items[:MAX_WORK]
