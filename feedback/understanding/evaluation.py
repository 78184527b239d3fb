""""How was today's meeting?": three faces, an optional reason in text or voice, anonymous by
default.

When: from the end of the live meeting (ended_at), or for a meeting logged without live mode
from its start, until WINDOW later in real time (72 hours, counted in UTC, so a night when the
clocks change is still 72 hours). Before and after, she is told it is closed.

How it is stored: one row per member per meeting, found by answer_key = HMAC(BALLOT_SECRET,
"evaluation", meeting, member), so a second answer replaces the first and she can change it.
The row has a random id and no time. user_id is stored only when she ticks "staff may see my
name"; otherwise nothing but the key, which only the app can compute, ties it to her (as with a
secret ballot). On PostgreSQL every answer rewrites the meeting's anonymous answers in a random
order with new ids, so the place and transaction stamp of a row do not line up with her session.

Privacy: named answers are in her data and deleted when she is erased; anonymous ones stay, but
get a random key and lose their voice (her voice would tell who she is), written together with
every answer of her groups' meetings (feedback/privacy/rekey.py), so nothing marks hers. Voice messages are deleted
after the program's voice retention period, counted from the meeting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.clock import local_now, local_to_utc, utcnow
from feedback.common.errors import RuleError
from feedback.common.security import ballot_secret, keyed_digest
from feedback.common.upsert import upsert
from feedback.extensions import db
from feedback.meetings.models import Meeting, MeetingStatus
from feedback.privacy.rekey import rekey
from feedback.programs.models import Program, Role
from feedback.threads.services import check_voice
from feedback.understanding.models import FACES, Face, MeetingEvaluation, new_answer_id

WINDOW = timedelta(hours=72)
REASON_MAX = 500
FACE_ICONS = {Face.GOOD: "agree", Face.OK: "unsure", Face.BAD: "disagree"}


def face_labels() -> dict[str, str]:
    return {Face.GOOD: str(_l("Good")), Face.OK: str(_l("OK")), Face.BAD: str(_l("Not good"))}


def answer_key(meeting_id: int, user_id: int) -> str:
    return keyed_digest(ballot_secret(), "evaluation", meeting_id, user_id)


def opens_at(meeting: Meeting) -> datetime | None:
    """UTC: the end of the live meeting, or the start of one that never ran live; None while a
    live meeting runs."""
    if meeting.ended_at is not None:
        return meeting.ended_at
    if meeting.started_at is None and meeting.status != MeetingStatus.OPEN:
        return local_to_utc(meeting.starts_at)
    return None


def closes_at(meeting: Meeting) -> datetime | None:
    start = opens_at(meeting)
    return start + WINDOW if start is not None else None


def state(meeting: Meeting, now: datetime | None = None) -> str:
    """'not_yet', 'open' or 'closed'."""
    now = now if now is not None else utcnow()
    start = opens_at(meeting)
    if start is None or now < start:
        return "not_yet"
    return "open" if now < start + WINDOW else "closed"


def is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return state(meeting, now) == "open"


def check_can_answer(meeting: Meeting, user: User) -> None:
    if Role.MEMBER not in user.roles_in(meeting.program_id):
        raise RuleError(_l("Only members of the group can answer."), status=403)
    s = state(meeting)
    if s == "not_yet":
        raise RuleError(_l("You can answer when the meeting is over."), status=409)
    if s == "closed":
        raise RuleError(_l("It is too late to answer. You could answer for 3 days after the meeting."), status=409)


def clean_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise RuleError(_l("Your text is too long. Write at most %(n)s letters.", n=REASON_MAX), field="reason")
    return reason or None


@dataclass(frozen=True)
class MyAnswer:
    answer: str
    reason: str | None
    named: bool
    has_voice: bool


def answer(meeting: Meeting, user: User, face: str, reason: str | None = None, voice: bytes | None = None,
           named: bool = False, keep_voice: bool = True) -> MyAnswer:
    """Store or change her answer. A new voice message replaces the old one; without one, the old
    one stays unless keep_voice is False. Raises RuleError and changes nothing when a rule says no."""
    if face not in FACES:
        raise RuleError(_l("Choose one of the faces."), field="answer")
    reason = clean_reason(reason)
    sound = check_voice(voice)
    check_can_answer(meeting, user)
    values = {"id": new_answer_id(), "meeting_id": meeting.id, "answer_key": answer_key(meeting.id, user.id),
              "user_id": user.id if named else None, "answer": face, "reason": reason}
    update = ["user_id", "answer", "reason"]
    if sound is not None or not keep_voice:
        values.update(voice_mime=sound.mime if sound else None, voice_ms=sound.duration_ms if sound else None,
                      voice_data=voice if sound else None)
        update += ["voice_mime", "voice_ms", "voice_data"]
    upsert(db.session, MeetingEvaluation.__table__, values, conflict=["answer_key"], update=update)
    scatter(meeting.id)
    mine = answer_of(meeting, user)
    assert mine is not None
    return mine


_PG_SCATTER = sa.text("""
    WITH moved AS (
        DELETE FROM meeting_evaluations WHERE meeting_id = :m AND user_id IS NULL
        RETURNING meeting_id, answer_key, answer, reason, voice_mime, voice_ms, voice_data)
    INSERT INTO meeting_evaluations (id, meeting_id, answer_key, user_id, answer, reason, voice_mime, voice_ms, voice_data)
    SELECT 1 + floor(random() * 2147483646)::int, meeting_id, answer_key, NULL, answer, reason,
           voice_mime, voice_ms, voice_data
    FROM moved ORDER BY gen_random_uuid()""")


def scatter(meeting_id: int) -> None:
    """On PostgreSQL, the meeting's anonymous answers again, in a random order with new ids."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_PG_SCATTER, {"m": meeting_id})


def answer_of(meeting: Meeting, user: User) -> MyAnswer | None:
    row = db.session.execute(
        sa.select(MeetingEvaluation.answer, MeetingEvaluation.reason, MeetingEvaluation.user_id,
                  MeetingEvaluation.voice_mime)
        .where(MeetingEvaluation.answer_key == answer_key(meeting.id, user.id))
    ).first()
    return MyAnswer(row.answer, row.reason, row.user_id is not None, row.voice_mime is not None) if row else None


@dataclass(frozen=True)
class StaffRow:
    id: int
    answer: str
    reason: str | None
    name: str | None  # only when she let staff see it
    voice_ms: int | None


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    rows: list[StaffRow]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def for_staff(meeting_id: int) -> Summary:
    """The counts per face and the answers with a reason or a voice, names only where she allowed;
    ordered by face and text, never by when they came."""
    counts = dict.fromkeys(FACES, 0)
    for face, n in db.session.execute(
            sa.select(MeetingEvaluation.answer, sa.func.count()).where(MeetingEvaluation.meeting_id == meeting_id)
            .group_by(MeetingEvaluation.answer)):
        counts[face] = n
    order = sa.case({Face.GOOD: 0, Face.OK: 1, Face.BAD: 2}, value=MeetingEvaluation.answer)
    rows = [StaffRow(*r) for r in db.session.execute(
        sa.select(MeetingEvaluation.id, MeetingEvaluation.answer, MeetingEvaluation.reason, User.name,
                  MeetingEvaluation.voice_ms)
        .outerjoin(User, User.id == MeetingEvaluation.user_id)
        .where(MeetingEvaluation.meeting_id == meeting_id,
               sa.or_(MeetingEvaluation.reason.is_not(None), MeetingEvaluation.voice_mime.is_not(None)))
        .order_by(order, MeetingEvaluation.reason, MeetingEvaluation.id))]
    return Summary(counts, rows)


@dataclass(frozen=True)
class TrendRow:
    meeting_id: int
    program_id: int
    title: str
    starts_at: datetime
    good: int
    ok: int
    bad: int

    @property
    def total(self) -> int:
        return self.good + self.ok + self.bad


def trend(program_ids: Sequence[int], start: datetime | None, end: datetime) -> list[TrendRow]:
    """Answers per face for the meetings with answers that started in [start, end) (local wall
    clock, as meetings keep their time), oldest first; one query, however many meetings."""
    n = lambda face: sa.func.sum(sa.case((MeetingEvaluation.answer == face, 1), else_=0))  # noqa: E731
    query = (
        sa.select(Meeting.id, Meeting.program_id, Meeting.title, Meeting.starts_at,
                  n(Face.GOOD), n(Face.OK), n(Face.BAD))
        .join(MeetingEvaluation, MeetingEvaluation.meeting_id == Meeting.id)
        .where(Meeting.program_id.in_(program_ids), Meeting.starts_at < end)
        .group_by(Meeting.id, Meeting.program_id, Meeting.title, Meeting.starts_at)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if start is not None:
        query = query.where(Meeting.starts_at >= start)
    return [TrendRow(*r[:4], int(r[4] or 0), int(r[5] or 0), int(r[6] or 0)) for r in db.session.execute(query)]


def open_for(user: User, program_ids: list[int], now: datetime | None = None) -> list[Meeting]:
    """Her group's meetings she can evaluate now (for the card on her home page): those that
    opened in the last 72 hours, or, logged without live mode, started in the last days."""
    if not program_ids:
        return []
    now = now if now is not None else utcnow()
    since = now - WINDOW - timedelta(days=1)  # the wall-clock start may be a day off UTC at most
    candidates = db.session.scalars(
        sa.select(Meeting).where(Meeting.program_id.in_(program_ids), sa.or_(
            Meeting.ended_at >= since,
            sa.and_(Meeting.started_at.is_(None), Meeting.starts_at >= since, Meeting.starts_at <= now + timedelta(days=1))))
        .order_by(Meeting.starts_at.desc()))
    return [m for m in candidates if is_open(m, now)]


def erase_member(user_id: int, program_ids: list[int]) -> None:
    """Named answers go; anonymous ones stay, under a random key and without her voice (as every
    anonymous answer without a voice message), written in one statement with every answer to
    the meetings of her groups (privacy.rekey)."""
    db.session.execute(sa.delete(MeetingEvaluation).where(MeetingEvaluation.user_id == user_id))
    if not program_ids:
        return
    her_meetings = sa.select(Meeting.id).where(Meeting.program_id.in_(program_ids))
    meetings = db.session.scalars(sa.select(MeetingEvaluation.meeting_id).distinct()
                                  .where(MeetingEvaluation.meeting_id.in_(her_meetings)))
    keys = [answer_key(mid, user_id) for mid in meetings]
    mine = db.session.scalars(sa.select(MeetingEvaluation.answer_key).where(
        MeetingEvaluation.answer_key.in_(keys))).all() if keys else []
    rekey(MeetingEvaluation, MeetingEvaluation.answer_key, MeetingEvaluation.meeting_id.in_(her_meetings), mine,
          blank=[MeetingEvaluation.voice_mime, MeetingEvaluation.voice_ms, MeetingEvaluation.voice_data])


def her_answers(user_id: int, program_ids: list[int] | None, *, staff_file: bool) -> dict:
    """For her data file: her named answers; in her own file also the anonymous ones (by her key)."""
    named = db.session.execute(
        sa.select(Meeting.title, Meeting.starts_at, MeetingEvaluation.answer, MeetingEvaluation.reason,
                  MeetingEvaluation.voice_ms)
        .join(Meeting, Meeting.id == MeetingEvaluation.meeting_id)
        .where(MeetingEvaluation.user_id == user_id,
               *((Meeting.program_id.in_(program_ids),) if program_ids is not None else ()))
        .order_by(Meeting.starts_at)).all()
    out = {"meeting_evaluations_with_your_name": [
        {"meeting": t, "starts": s.isoformat(timespec="minutes"), "answer": a, "reason": r,
         "voice_seconds": round(ms / 1000) if ms else None} for t, s, a, r, ms in named]}
    if not staff_file and program_ids:
        meetings = db.session.execute(sa.select(Meeting.id, Meeting.title, Meeting.starts_at).where(
            Meeting.program_id.in_(program_ids), Meeting.id.in_(sa.select(MeetingEvaluation.meeting_id)))).all()
        keys = {answer_key(mid, user_id): (t, s) for mid, t, s in meetings}
        rows = db.session.execute(sa.select(MeetingEvaluation.answer_key, MeetingEvaluation.answer,
                                            MeetingEvaluation.reason).where(
            MeetingEvaluation.answer_key.in_(list(keys)), MeetingEvaluation.user_id.is_(None))).all() if keys else []
        out["meeting_evaluations_without_your_name"] = sorted(
            ({"meeting": keys[k][0], "starts": keys[k][1].isoformat(timespec="minutes"), "answer": a, "reason": r}
             for k, a, r in rows), key=lambda d: d["starts"])
    return out


def delete_old_voice(now: datetime | None = None) -> int:
    """Voice messages of meetings longer ago than their program keeps voice messages. `now` is
    the program's wall-clock time, as Meeting.starts_at is."""
    now = now if now is not None else local_now()
    deleted = 0
    for program in db.session.scalars(sa.select(Program)):
        cutoff = now - timedelta(days=program.voice_retention_days)
        old = sa.select(Meeting.id).where(Meeting.program_id == program.id, Meeting.starts_at < cutoff)
        deleted += db.session.execute(
            sa.update(MeetingEvaluation).where(MeetingEvaluation.meeting_id.in_(old),
                                               MeetingEvaluation.voice_mime.is_not(None))
            .values(voice_mime=None, voice_ms=None, voice_data=None)).rowcount or 0
    return deleted
