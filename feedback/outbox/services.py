"""Putting a message in the outbox. The caller's transaction holds the row: if the event that
causes the message is rolled back, so is the message, and if it commits, the message is there for
the worker (feedback/outbox/worker.py) even when the server stops the next moment."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

import sqlalchemy as sa
from flask_babel import gettext as _

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.common.upsert import insert_ignore
from feedback.extensions import db
from feedback.outbox.choice import Kind
from feedback.outbox.models import Channel, OutboxMessage, State
from feedback.programs.models import Membership

SUBJECT_MAX = 200


def enqueue(user: User, channel: str, kind: str, key: str, body: str, subject: str | None = None,
            not_before: datetime | None = None, link: str | None = None, *, program_id: int | None = None) -> bool:
    """One message to her on this channel; key names the event (e.g. "vote-open:17"), so the
    same event never queues the same message twice. True when it was queued now. program_id is
    the program whose event it is: only its staff see the message. None is for a message about
    her account alone (her link asked for on the login page): staff of every group she is in
    now see it."""
    if channel not in set(Channel):
        raise ValueError(f"unknown channel {channel!r}")
    now = utcnow()
    return insert_ignore(
        db.session,
        OutboxMessage.__table__,
        {
            "idempotency_key": f"{key}:{channel}:{user.id}"[:160],
            "user_id": user.id,
            "program_id": program_id,
            "channel": channel,
            "kind": kind,
            "subject": subject[:SUBJECT_MAX] if subject else None,
            "body": body,
            "link": link,
            "state": State.QUEUED,
            "attempts": 0,
            "next_attempt_at": max(not_before or now, now),
            "created_at": now,
        },
        ["idempotency_key"],
    )


def seen_by_program(program_id: int) -> sa.ColumnElement[bool]:
    """The messages staff of this program may see: those about its own events, and those about
    no program (her link by SMS, a test) to the people in it now. Not what another program sent
    to someone it shares with this one, nor anything sent to her after she left. Never reminders
    to vote: the worker drops one whose member has voted by then, so who got one would tell who
    had not voted, in a secret vote too."""
    in_it_now = sa.select(Membership.user_id).where(Membership.program_id == program_id,
                                                    Membership.left_at.is_(None))
    return sa.and_(OutboxMessage.kind != Kind.VOTE_REMINDER, sa.or_(
        OutboxMessage.program_id == program_id,
        sa.and_(OutboxMessage.program_id.is_(None), OutboxMessage.user_id.in_(in_it_now))))


def for_program(program_id: int, limit: int = 200) -> list[tuple[OutboxMessage, str]]:
    """The latest messages this program sent (and the program-less ones to its people now;
    never reminders to vote: seen_by_program), newest first, with each one's name: what staff see
    when a member says she got nothing."""
    return list(db.session.execute(
        sa.select(OutboxMessage, User.name)
        .join(User, User.id == OutboxMessage.user_id)
        .where(seen_by_program(program_id))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).tuples())


def send_test(user: User, program_id: int | None) -> list[str]:
    """A test message to her on every channel she has an address for; the channels queued. It
    shows on the Messages page of the program she sent it from."""
    key, body = f"test:{uuid4().hex}", _("This is a test message from the expert group app.")
    channels = []
    if user.email:
        enqueue(user, Channel.EMAIL, "test", key, body, subject=_("Test message"), program_id=program_id)
        channels.append(Channel.EMAIL)
    if user.phone:
        enqueue(user, Channel.SMS, "test", key, body, program_id=program_id)
        channels.append(Channel.SMS)
    return channels
