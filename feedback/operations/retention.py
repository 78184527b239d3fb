"""Keeping data no longer than the admins set, per program: run daily by `flask retention`.

Voice messages go after the program's voice_retention_days (the written version of the post
stays). Members who left go after its left_retention_days: their personal data is erased the
same way as when they ask for it themselves, unless they came back before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.privacy.services import erase
from feedback.programs.models import Membership, Program, Role
from feedback.threads.models import Post, Thread, VoiceNote


@dataclass(frozen=True)
class Periods:
    voice_days: int
    left_days: int


def periods_for(user: User) -> Periods:
    """What her pages promise her: the longest periods of the groups she is in (the defaults
    when she is in none, say a staff member looking at her own page)."""
    ids = [m.program_id for m in user.memberships if m.role == Role.MEMBER]
    voice, left = db.session.execute(
        sa.select(sa.func.max(Program.voice_retention_days), sa.func.max(Program.left_retention_days))
        .where(Program.id.in_(ids))
    ).one()
    columns = Program.__table__.c
    return Periods(voice or columns.voice_retention_days.default.arg, left or columns.left_retention_days.default.arg)


def delete_old_voice_notes(now: datetime | None = None) -> int:
    """Voice messages older than their program keeps them are deleted; the posts stay."""
    now = now or utcnow()
    deleted = 0
    for program in db.session.scalars(sa.select(Program)):
        cutoff = now - timedelta(days=program.voice_retention_days)
        in_program = (
            sa.select(Post.id).join(Thread, Thread.id == Post.thread_id).where(Thread.program_id == program.id)
        )
        result = db.session.execute(
            sa.delete(VoiceNote).where(VoiceNote.created_at < cutoff, VoiceNote.post_id.in_(in_program))
        )
        deleted += result.rowcount or 0
    db.session.flush()
    return deleted


def due_for_erasure(now: datetime | None = None) -> list[User]:
    """Members who left every group they were in, longer ago than each group keeps their data."""
    now = now or utcnow()
    candidates = db.session.scalars(
        sa.select(User)
        .where(User.erased_at.is_(None), User.id.in_(sa.select(Membership.user_id).where(Membership.left_at.is_not(None))))
        .options(selectinload(User.memberships))
        .order_by(User.id)
    )
    programs = {p.id: p for p in db.session.scalars(sa.select(Program))}
    due = []
    for user in candidates:
        if user.is_admin or any(m.left_at is None for m in user.memberships):
            continue  # still in a group (or running the site): her data is still needed
        last_day = max(m.left_at + timedelta(days=programs[m.program_id].left_retention_days)
                       for m in user.memberships)
        if last_day <= now:
            due.append(user)
    return due


def erase_members_who_left(now: datetime | None = None) -> int:
    users = due_for_erasure(now)
    for user in users:
        erase(user)
    return len(users)


def delete_old_outbox_messages() -> int:
    """Messages that were sent, given up or dropped more than OUTBOX_KEEP_DAYS ago: staff see
    recent ones to help a member who got nothing; older ones serve no one."""
    from flask import current_app

    from feedback.outbox.models import OutboxMessage, State

    cutoff = utcnow() - timedelta(days=current_app.config["OUTBOX_KEEP_DAYS"])
    return db.session.execute(
        sa.delete(OutboxMessage).where(OutboxMessage.state.in_((State.SENT, State.FAILED, State.DROPPED)),
                                       OutboxMessage.created_at < cutoff)
    ).rowcount


def delete_old_meeting_replies() -> int:
    """Members' answers to meetings that started more than REPLY_KEEP_DAYS ago (see
    feedback/meetings/replies.py): staff needed them to book childcare and interpreters."""
    from flask import current_app

    from feedback.meetings import replies

    return replies.delete_old(current_app.config["REPLY_KEEP_DAYS"])
