"""The outbox: every message the app sends (SMS, e-mail, push), one row per recipient and
message, written in the same transaction as the event that causes it and sent later by a worker;
and what each person chose to get: her channel, and the kinds of message she stopped."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.common.clock import utcnow
from feedback.extensions import db


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PUSH = "push"  # Web Push to the app on her home screen


NO_MESSAGES = "none"  # her choice when she wants no messages at all (users.message_channel)


class State(StrEnum):
    QUEUED = "queued"  # waiting for its time (next_attempt_at)
    SENDING = "sending"  # claimed by a worker until claimed_until
    SENT = "sent"  # the provider took it (provider_id)
    FAILED = "failed"  # given up: last_error says why
    DROPPED = "dropped"  # not sent on purpose (she left, was erased, has no address): last_error says why


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.CheckConstraint("channel IN ('sms','email','push')", name="channel_known"),
        sa.CheckConstraint("state IN ('queued','sending','sent','failed','dropped')", name="state_known"),
        # What the worker asks for: the rows whose time has come.
        sa.Index("ix_outbox_messages_due", "state", "next_attempt_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # One message per event and recipient: the same key twice is the same message, never a second.
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The program whose event this is (its meeting, vote, decision, posts...): only that program's
    # staff see the message (feedback/outbox/services.py for_program). None for a message about
    # her account alone: her link asked for on the login page. Deleted with the program, as its
    # events are: a row set to None would become one that every group she is in may see.
    program_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(10))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    # Her address is looked up when the message is sent, so a new number is used and none is kept here.
    subject: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # The page the message is about ("/p/17"): in the text of an SMS or e-mail, opened by a push.
    link: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    state: so.Mapped[str] = so.mapped_column(sa.String(10), default=State.QUEUED)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    claimed_until: so.Mapped[datetime | None]
    provider_id: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    sent_at: so.Mapped[datetime | None]


class MessageStop(db.Model):
    """A kind of message she stopped (one tap on the link in such a message, or her settings)."""

    __tablename__ = "message_stops"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
