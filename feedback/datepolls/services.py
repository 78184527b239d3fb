"""The rules of a date poll: staff propose 2 to 8 dates, members answer yes / if needed / no for
each and say what they need to come, staff see the best dates first and make one the meeting.

Services flush and never commit; a refusal raises RuleError and changes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.clock import local_now, utcnow
from feedback.common.errors import RuleError
from feedback.common.ids import parse_id
from feedback.common.locks import lock, lock_shared
from feedback.common.upsert import upsert
from feedback.datepolls.models import DateAnswer, DateNeed, DateOption, DatePoll, DateVote, PollStatus
from feedback.extensions import db
from feedback.meetings import replies
from feedback.meetings.models import Meeting
from feedback.meetings.services import check_times, save_meeting
from feedback.programs.models import Membership, Role

OPTIONS_MIN, OPTIONS_MAX = 2, 8
TITLE_MAX, NOTE_MAX, PLACE_MAX = 160, 2000, 200
ANSWERS: tuple[str, ...] = tuple(a.value for a in DateAnswer)
CAN_COME = (DateAnswer.YES, DateAnswer.IF_NEEDED)
# The vote's three signs, so the words and pictures stay the same everywhere.
ANSWER_ICONS = {DateAnswer.YES: "agree", DateAnswer.IF_NEEDED: "unsure", DateAnswer.NO: "disagree"}


def answer_labels() -> dict[str, str]:
    """The three answers in her words (translated once per call)."""
    return {
        DateAnswer.YES: str(_l("Yes, I can")),
        DateAnswer.IF_NEEDED: str(_l("If needed")),
        DateAnswer.NO: str(_l("No, I can't")),
    }


# --- staff: make and close a poll --------------------------------------------------------------


@dataclass(frozen=True)
class OptionInput:
    """A proposed date as staff typed it; row says which row of the form, for the message."""

    starts_at: datetime
    ends_at: datetime | None = None
    place: str | None = None
    row: int = 0


def _field(row: int, name: str) -> str:
    return f"option-{row}-{name}"


def check_options(options: Sequence[OptionInput], now: datetime | None = None) -> None:
    if len(options) < OPTIONS_MIN:
        raise RuleError(_l("Give at least %(n)s dates.", n=OPTIONS_MIN), field="options")
    if len(options) > OPTIONS_MAX:
        raise RuleError(_l("Give at most %(n)s dates.", n=OPTIONS_MAX), field="options")
    now = now if now is not None else local_now()
    seen: set[datetime] = set()
    for o in options:
        _check_option(o, now, seen)
        seen.add(o.starts_at)


def _check_option(o: OptionInput, now: datetime, taken: set[datetime]) -> None:
    check_times(o.starts_at, o.ends_at, (_field(o.row, "start"), _field(o.row, "end")), day_field=_field(o.row, "day"))
    if o.starts_at <= now:
        raise RuleError(_l("This date has passed. Choose a date in the future."), field=_field(o.row, "day"))
    if o.starts_at in taken:
        raise RuleError(_l("This date and time is in the list twice."), field=_field(o.row, "start"))
    if o.place and len(o.place.strip()) > PLACE_MAX:
        raise RuleError(_l("Write the place in at most %(n)s characters.", n=PLACE_MAX), field=_field(o.row, "place"))


def create_poll(program_id: int, title: str, note: str | None, options: Sequence[OptionInput],
                actor_id: int | None) -> DatePoll:
    """A new open poll; members are told ("Help us choose a date") by the outbox."""
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise RuleError(_l("Write a title in at most %(n)s characters.", n=TITLE_MAX), field="title")
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise RuleError(_l("Write the note in at most %(n)s characters.", n=NOTE_MAX), field="note")
    check_options(options)
    poll = DatePoll(program_id=program_id, title=title, note=note, created_by_id=actor_id, status=PollStatus.OPEN)
    poll.options = [DateOption(starts_at=o.starts_at, ends_at=o.ends_at, place=(o.place or "").strip() or None)
                    for o in sorted(options, key=lambda o: o.starts_at)]
    db.session.add(poll)
    db.session.flush()
    from feedback.datepolls import messages

    messages.poll_opened(poll)
    return poll


def _check_open(poll: DatePoll) -> None:
    if not poll.is_open:
        raise RuleError(_l("The poll is closed, so its dates cannot change."), status=409)


def add_option(poll: DatePoll, o: OptionInput, now: datetime | None = None) -> DateOption:
    """One more date on an open poll; members who have answered see it unanswered."""
    # Every write on a poll's dates locks the poll first, so two of them (two staff, a double
    # click, an answer while a date is removed) run one after the other, each on the dates the
    # one before left: the same date added twice is then "in the list twice", not a 500.
    lock(poll)
    _check_open(poll)
    if len(poll.options) >= OPTIONS_MAX:
        raise RuleError(_l("Give at most %(n)s dates.", n=OPTIONS_MAX), field="options")
    _check_option(o, now if now is not None else local_now(), {x.starts_at for x in poll.options})
    option = DateOption(starts_at=o.starts_at, ends_at=o.ends_at, place=(o.place or "").strip() or None)
    poll.options.append(option)
    db.session.flush()
    return option


def remove_option(poll: DatePoll, option: DateOption) -> None:
    """A date taken off an open poll, with the answers given for it."""
    lock(poll)
    _check_open(poll)
    if option not in poll.options:
        return  # removed by the request just before this one (a double click): nothing to do
    if len(poll.options) <= OPTIONS_MIN:
        raise RuleError(_l("A date poll needs at least %(n)s dates.", n=OPTIONS_MIN), status=409)
    db.session.execute(sa.delete(DateVote).where(DateVote.option_id == option.id))
    poll.options.remove(option)
    db.session.flush()


def close_poll(poll: DatePoll) -> None:
    lock(poll)
    if not poll.is_open:
        raise RuleError(_l("This poll is already closed."), status=409)
    poll.status, poll.closed_at = PollStatus.CLOSED, utcnow()
    db.session.flush()


# --- members: answer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MyAnswers:
    answers: dict[int, str]  # option id -> answer
    children: int = 0
    interpreter: bool = False


def can_answer(user: User, poll: DatePoll) -> bool:
    return replies.is_member(user, poll.program_id)


def has_date_ahead(poll: DatePoll, now: datetime | None = None) -> bool:
    """Whether a date of the poll is still to come (the program's wall clock, as dates keep
    it). A poll whose dates have all passed is over for her, even when staff left it open."""
    now = now if now is not None else local_now()
    return any(o.starts_at > now for o in poll.options)


def interpreter_language(user: User) -> str | None:
    """Her language, when an interpreter could help her: not for Swedish."""
    lang = user.preferred_language
    return lang if lang and lang != "sv" else None


def _clean_answers(poll: DatePoll, raw: Mapping) -> dict[int, str]:
    known = {o.id for o in poll.options}
    answers: dict[int, str] = {}
    for key, answer in raw.items():
        option_id = parse_id(key)
        if option_id is None or option_id not in known:
            raise RuleError(_l("This date is not in this poll."), field="answers")
        if answer not in ANSWERS:
            raise RuleError(_l("Choose one of the answers."), field="answers")
        answers[option_id] = answer
    if set(answers) != known:
        raise RuleError(_l("Choose an answer for every date."), field="answers")
    return answers


def answer(poll: DatePoll, user: User, raw_answers: Mapping, children: int | str | None = 0,
           interpreter: bool = False) -> MyAnswers:
    """Store her answer for every date of the poll and what she needs, or change them (a second
    send is the same answers). Refused, changing nothing, for a closed poll, one whose dates have
    all passed, a date of another poll, a missing or unknown answer. The caller commits."""
    if not can_answer(user, poll):
        raise RuleError(_l("Only members of the group can answer."), status=403)
    # Her answers are checked against the dates there are when they are stored: staff may not
    # add or remove one in between (a vote for a removed date broke its foreign key).
    lock_shared(poll)
    if not poll.is_open:
        raise RuleError(_l("This poll is closed. You cannot change your answers now."), status=409)
    if not has_date_ahead(poll):
        raise RuleError(_l("All the dates have passed. You cannot answer now."), status=409)
    answers = _clean_answers(poll, raw_answers)
    may_come = any(a in CAN_COME for a in answers.values())
    kids = replies.clean_children(children) if may_come else 0
    needs_interpreter = bool(interpreter) and may_come and interpreter_language(user) is not None
    now = utcnow()
    for option_id, a in answers.items():
        upsert(db.session, DateVote.__table__,
               {"option_id": option_id, "user_id": user.id, "answer": a, "updated_at": now},
               conflict=["option_id", "user_id"], update=["answer", "updated_at"])
    upsert(db.session, DateNeed.__table__,
           {"poll_id": poll.id, "user_id": user.id, "children": kids, "interpreter": needs_interpreter,
            "updated_at": now},
           conflict=["poll_id", "user_id"], update=["children", "interpreter", "updated_at"])
    return MyAnswers(answers, kids, needs_interpreter)


def answers_of(poll: DatePoll, user_id: int) -> MyAnswers | None:
    """Her answers to this poll, or None when she has not answered."""
    need = db.session.execute(
        sa.select(DateNeed.children, DateNeed.interpreter)
        .where(DateNeed.poll_id == poll.id, DateNeed.user_id == user_id)
    ).first()
    if need is None:
        return None
    answers = dict(db.session.execute(
        sa.select(DateVote.option_id, DateVote.answer)
        .join(DateOption, DateOption.id == DateVote.option_id)
        .where(DateOption.poll_id == poll.id, DateVote.user_id == user_id)
    ).all())
    return MyAnswers(answers, need.children, need.interpreter)


def open_unanswered(user: User, program_ids: Sequence[int]) -> list[DatePoll]:
    """The open polls of her groups with a date still ahead that she has not answered: for her
    home page. A poll she answered comes back when staff add a date to it; one whose dates have
    all passed does not, even open and after retention deleted her answers."""
    if not program_ids:
        return []
    unanswered = sa.select(DateOption.poll_id).where(
        DateOption.starts_at > local_now(),
        ~sa.exists().where(DateVote.option_id == DateOption.id, DateVote.user_id == user.id))
    return list(db.session.scalars(
        sa.select(DatePoll)
        .where(DatePoll.program_id.in_(program_ids), DatePoll.status == PollStatus.OPEN,
               DatePoll.id.in_(unanswered))
        .order_by(DatePoll.created_at, DatePoll.id)
    ))


# --- results -----------------------------------------------------------------------------------


@dataclass
class OptionResult:
    option: DateOption
    yes: int = 0
    if_needed: int = 0
    no: int = 0
    not_answered: int = 0
    children: int = 0  # childcare places for those who can come (yes or if needed)
    interpreters: dict[str, int] = field(default_factory=dict)  # language -> members who can come and need one
    best: bool = False

    @property
    def rank(self) -> tuple:
        """Best first: most yes, then fewest no, then most "if needed"; then the earlier date."""
        return (-self.yes, self.no, -self.if_needed)


def _current_members(program_id: int) -> sa.Select:
    return sa.select(Membership.user_id).where(
        Membership.program_id == program_id, Membership.role == Role.MEMBER, Membership.left_at.is_(None))


def results(poll: DatePoll) -> list[OptionResult]:
    """Each date with its counts, of the group's members now, best first; the best (and any date
    as good) marked. Four queries whatever the number of dates and members."""
    members = _current_members(poll.program_id)
    by_id = {o.id: OptionResult(o) for o in poll.options}
    in_poll = DateOption.poll_id == poll.id
    for option_id, a, n in db.session.execute(
        sa.select(DateVote.option_id, DateVote.answer, sa.func.count())
        .join(DateOption, DateOption.id == DateVote.option_id)
        .where(in_poll, DateVote.user_id.in_(members))
        .group_by(DateVote.option_id, DateVote.answer)
    ):
        setattr(by_id[option_id], a, n)
    can_come = (DateOption, DateVote.option_id == DateOption.id)
    need_of_voter = (DateNeed, sa.and_(DateNeed.poll_id == poll.id, DateNeed.user_id == DateVote.user_id))
    for option_id, kids in db.session.execute(
        sa.select(DateVote.option_id, sa.func.sum(DateNeed.children))
        .join(*can_come).join(*need_of_voter)
        .where(in_poll, DateVote.user_id.in_(members), DateVote.answer.in_(CAN_COME))
        .group_by(DateVote.option_id)
    ):
        by_id[option_id].children = kids or 0
    for option_id, lang, n in db.session.execute(
        sa.select(DateVote.option_id, User.preferred_language, sa.func.count())
        .join(*can_come).join(*need_of_voter).join(User, User.id == DateVote.user_id)
        .where(in_poll, DateVote.user_id.in_(members), DateVote.answer.in_(CAN_COME),
               DateNeed.interpreter.is_(True))
        .group_by(DateVote.option_id, User.preferred_language)
        .order_by(User.preferred_language)
    ):
        by_id[option_id].interpreters[lang] = n
    total = db.session.scalar(sa.select(sa.func.count()).select_from(members.subquery())) or 0
    ranked = sorted(by_id.values(), key=lambda r: (*r.rank, r.option.starts_at))
    for r in ranked:
        r.not_answered = max(total - r.yes - r.if_needed - r.no, 0)
        r.best = bool(ranked[0].yes + ranked[0].if_needed) and r.rank == ranked[0].rank
    return ranked


@dataclass(frozen=True)
class AnswerRow:
    """One member's answers, for staff: it is a planning poll, so it is named."""

    name: str
    answers: dict[int, str]
    children: int
    interpreter: bool
    language: str


def who_answered(poll: DatePoll) -> list[AnswerRow]:
    members = _current_members(poll.program_id)
    needs = db.session.execute(
        sa.select(User.id, User.name, DateNeed.children, DateNeed.interpreter, User.preferred_language)
        .join(DateNeed, DateNeed.user_id == User.id)
        .where(DateNeed.poll_id == poll.id, User.id.in_(members))
        .order_by(User.name, User.id)
    ).all()
    votes: dict[int, dict[int, str]] = {}
    for uid, option_id, a in db.session.execute(
        sa.select(DateVote.user_id, DateVote.option_id, DateVote.answer)
        .join(DateOption, DateOption.id == DateVote.option_id)
        .where(DateOption.poll_id == poll.id, DateVote.user_id.in_(members))
    ):
        votes.setdefault(uid, {})[option_id] = a
    return [AnswerRow(name, votes.get(uid, {}), kids, interp, lang) for uid, name, kids, interp, lang in needs]


# --- the chosen date becomes the meeting -------------------------------------------------------


def make_meeting(poll: DatePoll, option: DateOption) -> Meeting:
    """The meeting at this date, planned as staff plan any meeting (so members get the "new
    meeting" message and the reminders), with childcare when anyone who can come needs it and
    interpreters for their languages. Closes the poll and links it to the meeting."""
    # Pressed twice at once: the second waits here, then sees the meeting the first made.
    lock(poll)
    if option.poll_id != poll.id or option not in poll.options:
        raise RuleError(_l("This date is not in this poll."), status=404)
    if poll.meeting_id is not None:
        raise RuleError(_l("A meeting is already made from this poll."), status=409)
    if option.starts_at <= local_now():
        raise RuleError(_l("This date has passed. Choose a date in the future."), status=409)
    result = next(r for r in results(poll) if r.option.id == option.id)
    meeting = save_meeting(
        None, poll.program_id, title=poll.title, starts_at=option.starts_at, ends_at=option.ends_at,
        place=option.place, notes=poll.note, childcare=result.children > 0,
        interpreter_languages=",".join(result.interpreters) or None,
    )
    poll.meeting_id = meeting.id
    if poll.is_open:
        poll.status, poll.closed_at = PollStatus.CLOSED, utcnow()
    db.session.flush()
    return meeting


# --- retention ---------------------------------------------------------------------------------


def delete_old(keep_days: int, now: datetime | None = None) -> int:
    """Members' answers to polls whose last date is more than keep_days ago (the program's wall
    clock): they served the planning, as replies to a meeting do. How many members' answers went."""
    cutoff = (now if now is not None else local_now()) - timedelta(days=keep_days)
    old = (sa.select(DateOption.poll_id).group_by(DateOption.poll_id)
           .having(sa.func.max(DateOption.starts_at) < cutoff))
    # How many answered stays on the poll for the dashboards, without who (one answer a member).
    answered = (sa.select(sa.func.count(DateNeed.id)).where(DateNeed.poll_id == DatePoll.id)
                .correlate(DatePoll).scalar_subquery())
    db.session.execute(sa.update(DatePoll).where(DatePoll.id.in_(old), DatePoll.answered_before_deletion.is_(None))
                       .values(answered_before_deletion=answered)
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.delete(DateVote).where(
        DateVote.option_id.in_(sa.select(DateOption.id).where(DateOption.poll_id.in_(old)))))
    return db.session.execute(sa.delete(DateNeed).where(DateNeed.poll_id.in_(old))).rowcount or 0


# --- dashboards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    poll_id: int
    program_id: int
    title: str
    created_at: datetime  # UTC
    answered: int  # members who answered (after retention deleted the answers, how many had)


def participation(program_ids: Sequence[int], start: datetime | None = None,
                  end: datetime | None = None) -> list[Participation]:
    """How many members answered each date poll of these programs opened in [start, end) (UTC):
    one query whatever the number of polls."""
    answered = (sa.select(sa.func.count(DateNeed.id)).where(DateNeed.poll_id == DatePoll.id)
                .correlate(DatePoll).scalar_subquery())
    # After retention the answers are gone and their number is on the poll (delete_old).
    answered = sa.func.coalesce(DatePoll.answered_before_deletion, 0) + answered
    period = [*((DatePoll.created_at >= start,) if start else ()), *((DatePoll.created_at < end,) if end else ())]
    rows = db.session.execute(
        sa.select(DatePoll.id, DatePoll.program_id, DatePoll.title, DatePoll.created_at, answered)
        .where(DatePoll.program_id.in_(program_ids), *period)
        .order_by(DatePoll.created_at, DatePoll.id)
    ).all()
    return [Participation(*r) for r in rows]
