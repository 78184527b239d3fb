"""Members' replies to a coming meeting: "I will come", "I can't come" or "Not sure", and what
support she needs if she comes (childcare places, the interpreter in her language).

Staff see the counts (to book childcare and interpreters) and who comes. A reply is hers: it is
in her data file, goes when she is erased, is kept no longer than REPLY_KEEP_DAYS after the
meeting (flask retention), and stays out of the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.clock import local_now, utcnow
from feedback.common.errors import RuleError
from feedback.common.upsert import upsert
from feedback.extensions import db
from feedback.meetings.models import Meeting, MeetingReply, MeetingStatus, ReplyAnswer
from feedback.programs.models import Membership, Role

ANSWERS: tuple[str, ...] = tuple(a.value for a in ReplyAnswer)
CHILDREN_MAX = 10


def answer_labels() -> dict[str, str]:
    """The three answers in her words (translated once per call)."""
    return {
        ReplyAnswer.COMING: str(_l("I will come")),
        ReplyAnswer.NOT_COMING: str(_l("I can't come")),
        ReplyAnswer.MAYBE: str(_l("Not sure")),
    }


# Each answer's icon: the vote's three signs, so the words and pictures stay the same everywhere.
ANSWER_ICONS = {ReplyAnswer.COMING: "agree", ReplyAnswer.NOT_COMING: "disagree", ReplyAnswer.MAYBE: "unsure"}


@dataclass(frozen=True)
class MyReply:
    answer: str
    children: int = 0
    interpreter: bool = False


def is_member(user: User, program_id: int) -> bool:
    return Role.MEMBER in user.roles_in(program_id)


def is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Replies are taken until the meeting starts (the program's wall clock), and not for a
    meeting that is running or over."""
    now = now if now is not None else local_now()
    return meeting.status == MeetingStatus.PLANNED and meeting.starts_at > now


def interpreter_language(meeting: Meeting, user: User) -> str | None:
    """Her language when the meeting has an interpreter for it; else None."""
    lang = user.preferred_language
    return lang if lang in meeting.interpreter_codes else None


def check_can_reply(meeting: Meeting, user: User) -> None:
    if not is_member(user, meeting.program_id):
        raise RuleError(_l("Only members of the group can answer."), status=403)
    if not is_open(meeting):
        raise RuleError(_l("You cannot answer now. The meeting has started or is over."), status=409)


def clean_children(raw: int | str | None) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return 0
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= CHILDREN_MAX:
        raise RuleError(_l("Write a number from 0 to %(n)s.", n=CHILDREN_MAX), field="children")
    return n


def reply(meeting: Meeting, user: User, answer: str, children: int | str | None = 0,
          interpreter: bool = False) -> MyReply:
    """Store her answer, or change it (a double tap is one reply). Childcare and the interpreter
    count only when she comes and the meeting offers them; otherwise they are stored as none.
    Raises RuleError and changes nothing when a rule says no. The caller commits."""
    if answer not in ANSWERS:
        raise RuleError(_l("Choose one of the answers."), field="answer")
    check_can_reply(meeting, user)
    coming = answer == ReplyAnswer.COMING
    kids = clean_children(children) if coming and meeting.childcare else 0
    needs_interpreter = bool(interpreter) and coming and interpreter_language(meeting, user) is not None
    upsert(
        db.session,
        MeetingReply.__table__,
        {"meeting_id": meeting.id, "user_id": user.id, "answer": answer, "children": kids,
         "interpreter": needs_interpreter, "updated_at": utcnow()},
        conflict=["meeting_id", "user_id"],
        update=["answer", "children", "interpreter", "updated_at"],
    )
    return MyReply(answer, kids, needs_interpreter)


def answer_of(meeting_id: int, user_id: int) -> MyReply | None:
    row = db.session.execute(
        sa.select(MeetingReply.answer, MeetingReply.children, MeetingReply.interpreter)
        .where(MeetingReply.meeting_id == meeting_id, MeetingReply.user_id == user_id)
    ).first()
    return MyReply(*row) if row else None


@dataclass(frozen=True)
class ReplyRow:
    user_id: int
    name: str
    answer: str
    children: int
    interpreter: bool
    language: str


def _current_members(program_id) -> sa.Select:
    return sa.select(Membership.user_id).where(
        Membership.program_id == program_id, Membership.role == Role.MEMBER, Membership.left_at.is_(None))


def for_meeting(meeting_id: int) -> list[ReplyRow]:
    """Every reply of the group's members now, by answer (coming first) and name: for staff only."""
    order = sa.case({ReplyAnswer.COMING: 0, ReplyAnswer.MAYBE: 1, ReplyAnswer.NOT_COMING: 2}, value=MeetingReply.answer)
    rows = db.session.execute(
        sa.select(User.id, User.name, MeetingReply.answer, MeetingReply.children, MeetingReply.interpreter,
                  User.preferred_language)
        .join(MeetingReply, MeetingReply.user_id == User.id)
        .join(Meeting, Meeting.id == MeetingReply.meeting_id)
        .where(MeetingReply.meeting_id == meeting_id, User.id.in_(_current_members(Meeting.program_id)))
        .order_by(order, User.name, User.id)
    ).all()
    return [ReplyRow(*r) for r in rows]


def coming_user_ids(meeting_id: int) -> list[int]:
    return user_ids_answering(meeting_id, ReplyAnswer.COMING)


def user_ids_answering(meeting_id: int, answer: str) -> list[int]:
    return list(db.session.scalars(
        sa.select(MeetingReply.user_id)
        .where(MeetingReply.meeting_id == meeting_id, MeetingReply.answer == answer)
        .order_by(MeetingReply.user_id)
    ))


@dataclass(frozen=True)
class ReplyCounts:
    coming: int = 0
    maybe: int = 0
    not_coming: int = 0
    not_answered: int = 0
    children: int = 0  # childcare places for those who come
    interpreters: dict[str, int] = field(default_factory=dict)  # language -> members who come and need one


def counts(meeting: Meeting) -> ReplyCounts:
    """The counts staff plan with, of the group's members now; three queries whatever the size."""
    members = _current_members(meeting.program_id)
    by_answer = {
        answer: (n, kids or 0)
        for answer, n, kids in db.session.execute(
            sa.select(MeetingReply.answer, sa.func.count(), sa.func.sum(MeetingReply.children))
            .where(MeetingReply.meeting_id == meeting.id, MeetingReply.user_id.in_(members))
            .group_by(MeetingReply.answer)
        )
    }
    interpreters = dict(db.session.execute(
        sa.select(User.preferred_language, sa.func.count())
        .join(MeetingReply, MeetingReply.user_id == User.id)
        .where(MeetingReply.meeting_id == meeting.id, MeetingReply.user_id.in_(members),
               MeetingReply.answer == ReplyAnswer.COMING, MeetingReply.interpreter.is_(True))
        .group_by(User.preferred_language)
        .order_by(User.preferred_language)
    ).all())
    total = db.session.scalar(sa.select(sa.func.count()).select_from(members.subquery())) or 0
    answered = sum(n for n, _ in by_answer.values())
    return ReplyCounts(
        coming=by_answer.get(ReplyAnswer.COMING, (0, 0))[0],
        maybe=by_answer.get(ReplyAnswer.MAYBE, (0, 0))[0],
        not_coming=by_answer.get(ReplyAnswer.NOT_COMING, (0, 0))[0],
        not_answered=max(total - answered, 0),
        children=by_answer.get(ReplyAnswer.COMING, (0, 0))[1],
        interpreters=interpreters,
    )


def delete_old(keep_days: int, now: datetime | None = None) -> int:
    """Replies to meetings that started more than keep_days ago: they served the planning."""
    cutoff = (now if now is not None else local_now()) - timedelta(days=keep_days)
    old = sa.select(Meeting.id).where(Meeting.starts_at < cutoff)
    return db.session.execute(sa.delete(MeetingReply).where(MeetingReply.meeting_id.in_(old))).rowcount or 0
