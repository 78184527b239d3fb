"""The outbox worker: claims the messages whose time has come, sends each through its channel's
provider, and writes down what happened. Run by `flask outbox work` (a long-running process) or
`flask outbox run-once` (from cron).

Several workers may run at once on PostgreSQL: a claim locks the rows it reads (FOR UPDATE SKIP
LOCKED), so each worker takes other rows. Every claim is also a conditional update of the row's
state, which makes a double claim impossible on SQLite too (where one worker is the plan). A
message is claimed for CLAIM_FOR; a worker that dies leaves it to be claimed again after that,
which is the one case where a provider may see a message twice (it sent, we did not hear back).

This module commits: it runs outside any request, one transaction per claim and per message."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from feedback.auth.models import User
from feedback.common.clock import local_to_utc, utc_to_local, utcnow
from feedback.common.errors import RuleError
from feedback.common.phones import e164
from feedback.extensions import db
from feedback.outbox import login_links, schedule
from feedback.outbox.choice import Kind
from feedback.outbox.models import Channel, OutboxMessage, State
from feedback.outbox.providers import Outgoing, PermanentFailure, Provider, TemporaryFailure, providers_for
from feedback.outbox.push import has_subscription
from feedback.programs.models import Role

log = logging.getLogger(__name__)

# A claim's batch must be sent within this: 20 messages even at a 10 s provider timeout each.
CLAIM_FOR = timedelta(minutes=5)
ERROR_MAX = 500


def quiet_until(now_utc: datetime, quiet: tuple[int, int]) -> datetime | None:
    """When the quiet hours are over (UTC), if they are now in the app's zone; else None.
    quiet is (first hour, hour it ends), start != end (config._hours): (21, 8) from 21:00 across
    midnight to 08:00, (0, 7) from midnight to 07:00."""
    start, end = quiet
    wall = utc_to_local(now_utc)
    hour = wall.hour
    if not (start <= hour < end if start < end else hour >= start or hour < end):
        return None
    # The end on the wall clock, today or (in the evening part of a night) tomorrow, turned into
    # UTC on that day: the night of a switch is an hour shorter or longer.
    morning = wall.replace(hour=end, minute=0, second=0, microsecond=0)
    if hour >= end:
        morning += timedelta(days=1)
    return local_to_utc(morning)


def backoff(attempts: int, first_seconds: int) -> timedelta:
    """The wait before try number attempts + 1: the first wait, then doubling, at most a day."""
    return timedelta(seconds=min(first_seconds * 2 ** max(0, attempts - 1), 86400))


def address_of(user: User, channel: str) -> tuple[str | None, str | None]:
    """(her address on this channel, None) or (None, why nothing is sent to her)."""
    if user.erased_at is not None:
        return None, "her data was erased"
    if not user.active:
        return None, "her account is stopped"
    roles = [m for m in user.memberships if m.left_at is None]
    if not user.is_admin and not roles:
        return None, "she is in no group any more"
    if channel == Channel.SMS:
        if not user.phone:
            return None, "she has no phone number"
        # Numbers typed before they were checked on the form are checked here.
        number = e164(user.phone)
        return (number, None) if number else (None, "her phone number is not one an SMS can go to")
    if channel == Channel.PUSH:
        # Her subscriptions are looked up by the provider when it sends: her id is the address.
        return (str(user.id), None) if has_subscription(user.id) else (None, "she has no push subscription")
    if not user.email:
        return None, "she has no e-mail address"
    return user.email, None


def claim(limit: int, now: datetime) -> list[int]:
    """Up to limit due messages, now ours until now + CLAIM_FOR; their ids, oldest first."""
    due = sa.and_(
        OutboxMessage.next_attempt_at <= now,
        sa.or_(OutboxMessage.state == State.QUEUED,
               sa.and_(OutboxMessage.state == State.SENDING, OutboxMessage.claimed_until < now)),
    )
    query = sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = []
    for (message_id,) in db.session.execute(query).all():
        taken = db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id, due)
            .values(state=State.SENDING, claimed_until=now + CLAIM_FOR)
        ).rowcount
        if taken == 1:
            ids.append(message_id)
    db.session.commit()
    return ids


def deliver(message_id: int, providers: dict[str, Provider | None]) -> str:
    """Send one claimed message; returns what became of it (a State, or "held" for the night)."""
    app = current_app
    message = db.session.get(OutboxMessage, message_id)
    now = utcnow()
    if message.state != State.SENDING or message.claimed_until is None or message.claimed_until <= now:
        # Our claim ran out (slow providers): another worker may have taken it, so we leave it.
        db.session.rollback()
        return "claim lost"
    user = db.session.get(User, message.user_id)
    if message.kind == Kind.VOTE_REMINDER and not still_to_vote(message, user):
        # Gone without a trace: a row that said "she has voted" would tell staff who voted.
        db.session.delete(message)
        db.session.commit()
        return "not needed"
    address, why_not = address_of(user, message.channel)
    provider = providers.get(message.channel)
    if why_not is None and provider is None:
        why_not = f"no provider for {message.channel} is set up"
    if why_not is not None:
        return _finish(message, State.DROPPED, error=why_not)
    quiet = app.config["QUIET_HOURS"]
    # Her phone does not beep at night: SMS and push to members wait for the morning.
    if quiet and message.channel in (Channel.SMS, Channel.PUSH) and user.memberships and all(
        m.role == Role.MEMBER for m in user.memberships
    ):
        morning = quiet_until(now, quiet)
        if morning is not None:
            message.state, message.next_attempt_at, message.claimed_until = State.QUEUED, morning, None
            db.session.commit()
            return "held"
    message.attempts += 1
    body, new_link = message.body, message.kind == login_links.KIND
    if new_link:  # only now, after every reason not to send: her new card, in the text and not in the row
        try:
            body = login_links.with_new_link(message, user)
        except RuleError:
            return _finish(message, State.DROPPED, error="she works in a program and logs in with her password")
    try:
        provider_id = provider.send(Outgoing(address, message.subject, body, link=message.link,
                                             lang=user.preferred_language))
    except PermanentFailure as e:
        if new_link:
            login_links.keep_old_link(message)
        return _finish(message, State.FAILED, error=str(e))
    except TemporaryFailure as e:
        if new_link:
            login_links.keep_old_link(message)
        if message.attempts >= app.config["OUTBOX_MAX_ATTEMPTS"]:
            return _finish(message, State.FAILED, error=f"gave up after {message.attempts} tries: {e}")
        message.state, message.claimed_until = State.QUEUED, None
        message.next_attempt_at = now + backoff(message.attempts, app.config["OUTBOX_FIRST_RETRY_SECONDS"])
        message.last_error = str(e)[:ERROR_MAX]
        db.session.commit()
        return "retry"
    message.provider_id, message.sent_at = provider_id[:120], utcnow()
    return _finish(message, State.SENT)


def still_to_vote(message: OutboxMessage, user: User) -> bool:
    """A reminder to vote goes only to a member who has not voted, while the vote is open. The
    voter roll is read here, in the worker, and nothing about it is written down."""
    from feedback.proposals.models import Proposal, Status
    from feedback.votes.services import voted_on

    proposal_id = int(message.idempotency_key.split(":")[1])  # "vote-reminder:<proposal>:..."
    proposal = db.session.get(Proposal, proposal_id)
    return proposal is not None and proposal.status == Status.VOTING and not voted_on([proposal], user)


def _finish(message: OutboxMessage, state: str, error: str | None = None) -> str:
    message.state, message.claimed_until = state, None
    if error is not None:
        message.last_error = error[:ERROR_MAX]
    db.session.commit()
    return state


SCHEDULE_EVERY = timedelta(minutes=1)
_scheduled_at: datetime | None = None


def run_schedule(now: datetime) -> int:
    """Queue the messages the time has brought (feedback/outbox/schedule.py), at most once a
    minute per worker: their keys keep a second run, or a second worker, from doubling them."""
    global _scheduled_at
    if _scheduled_at is not None and now - _scheduled_at < SCHEDULE_EVERY:
        return 0
    _scheduled_at = now
    queued = schedule.queue_due(now)
    db.session.commit()
    return queued


def run_once(app: Flask, limit: int = 20) -> Counter:
    """Claim and send what is due now, once; what became of each message."""
    providers = providers_for(app)
    outcome: Counter = Counter()
    queued = run_schedule(utcnow())
    if queued:
        outcome["queued"] += queued
    while True:
        ids = claim(limit, utcnow())
        for message_id in ids:
            outcome[deliver(message_id, providers)] += 1
        if len(ids) < limit:
            return outcome


def work(app: Flask, idle_seconds: float = 5.0, stop=lambda: False) -> None:
    """Send as messages come due, until stop() says so (or the process is stopped)."""
    while not stop():
        done = run_once(app)
        if done:
            log.info("outbox: %s", dict(done))
        else:
            time.sleep(idle_seconds)
        db.session.remove()
