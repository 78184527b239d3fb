"""'I don't understand' presses, and members' evaluations of a meeting.

Both are stored so that one member counts once, without storing who she is (see presses.py and
evaluation.py for the reasons of each column)."""

from __future__ import annotations

import secrets
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.extensions import db


class TextKind(StrEnum):
    PROPOSAL = "proposal"
    DECISION = "decision"
    AGENDA_ITEM = "agenda_item"


TEXT_KINDS: tuple[str, ...] = tuple(k.value for k in TextKind)


class UnderstandPress(db.Model):
    """One member's "I don't understand" on one text.

    Only a keyed digest of (text, member) identifies the press: no user id, no surrogate id and no
    time. Without a row id SQLite keeps the rows in the order of that digest, which is random; on
    PostgreSQL every press rewrites the text's presses (presses.scatter), so nothing in the table
    lines a press up with a member."""

    __tablename__ = "understand_presses"
    __table_args__ = (
        sa.CheckConstraint("text_kind IN ('proposal','decision','agenda_item')", name="text_kind_known"),
        sa.Index("ix_understand_presses_text", "text_kind", "text_id"),
        {"sqlite_with_rowid": False},
    )

    press_key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    program_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    text_kind: so.Mapped[str] = so.mapped_column(sa.String(12))
    text_id: so.Mapped[int]


class Face(StrEnum):
    GOOD = "good"
    OK = "ok"
    BAD = "bad"


FACES: tuple[str, ...] = tuple(f.value for f in Face)


def new_answer_id() -> int:
    """A random id (it goes into the address of a voice message, so it fits 31 bits): ids counting
    up would tell the order members answered in."""
    return secrets.randbelow(2**31 - 2) + 1


class MeetingEvaluation(db.Model):
    """A member's answer to "How was today's meeting?".

    answer_key, a keyed digest of (meeting, member), keeps it one per member and lets her change
    it; user_id is set only when she lets staff see her name. No time is kept: the window is the
    meeting's, and the voice retention counts from the meeting."""

    __tablename__ = "meeting_evaluations"
    __table_args__ = (sa.CheckConstraint("answer IN ('good','ok','bad')", name="answer_known"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False, default=new_answer_id)
    meeting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    # Random once the member who wrote it was erased: the answer stays, nothing leads to her.
    answer_key: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answer: so.Mapped[str] = so.mapped_column(sa.String(8))
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    voice_mime: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    voice_ms: so.Mapped[int | None]
    voice_data: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary, deferred=True)
