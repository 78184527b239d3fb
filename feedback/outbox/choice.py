"""What each person chose to get: the channel her messages go to, and the kinds of message she
stopped. The outbox asks here before it queues anything for her."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.common.errors import RuleError
from feedback.common.upsert import insert_ignore
from feedback.extensions import db
from feedback.outbox.labels import STAFF_WHY_NOT
from feedback.outbox.models import NO_MESSAGES, Channel, MessageStop
from feedback.programs.models import Role


class Kind(StrEnum):
    """The kinds of message, each of which she can stop on its own."""

    MEETING = "meeting"  # a new meeting, with a link to say if she comes
    REMINDER = "reminder"  # a meeting is soon (48 h and 3 h before, per program)
    VOTE = "vote"  # voting opened
    VOTE_REMINDER = "vote-reminder"  # voting closes soon, and she has not voted
    DECISION = "decision"  # the steering group decided about an idea she voted on or wrote
    FOLLOW_UP = "follow-up"  # "Did this change help?" is open
    DATE_POLL = "date-poll"  # staff ask which dates suit her for the next meeting
    NEW_POSTS = "new-posts"  # staff: posts wait for an answer
    REPORTS = "reports"  # staff: a post was reported
    DIGEST = "digest"  # steering group: what waits for a decision, weekly


MEMBER_KINDS = (Kind.MEETING, Kind.REMINDER, Kind.VOTE, Kind.VOTE_REMINDER, Kind.DECISION, Kind.FOLLOW_UP,
                Kind.DATE_POLL)
KIND_LABELS = {
    Kind.MEETING: _l("New meetings"),
    Kind.REMINDER: _l("Reminders before a meeting"),
    Kind.VOTE: _l("A new vote"),
    Kind.VOTE_REMINDER: _l("A reminder when you have not voted"),
    Kind.DECISION: _l("Decisions about your ideas"),
    Kind.FOLLOW_UP: _l("Questions about changes"),
    Kind.DATE_POLL: _l("Questions about the date of a meeting"),
    Kind.NEW_POSTS: _l("New posts that wait for an answer"),
    Kind.REPORTS: _l("Reported posts"),
    Kind.DIGEST: _l("The weekly list of what waits for a decision"),
}
CHOICES = (Channel.SMS, Channel.EMAIL, Channel.PUSH, NO_MESSAGES)


def _office(user: User) -> bool:
    return user.is_admin or any(m.role != Role.MEMBER and m.left_at is None for m in user.memberships)


def channel_for(user: User) -> str | None:
    """Where her messages go now; None for nowhere. Until she chooses, the office gets e-mail
    and a member gets SMS when staff have her number, else e-mail when she has an address."""
    chosen = user.message_channel
    if chosen == NO_MESSAGES:
        return None
    if chosen in set(Channel):
        return chosen
    if _office(user):
        return Channel.EMAIL if user.email else None
    if user.phone:
        return Channel.SMS
    return Channel.EMAIL if user.email else None


def why_not_channel(user: User, channel: str):
    """Why this channel cannot reach her (in words for her, translated when shown), or None."""
    if channel == Channel.SMS and not user.phone:
        return _l("The app has no phone number for you. Ask the staff to add it.")
    if channel == Channel.EMAIL and not user.email:
        return _l("The app has no e-mail address for you. Ask the staff to add it.")
    if channel == Channel.PUSH:
        from feedback.outbox.push import has_subscription

        if not has_subscription(user.id):
            return _l("First press “Get messages on this phone” on the phone where you want them.")
    return None


def set_channel(user: User, channel: str | None, by_staff: bool = False) -> None:
    """Her choice (or staff's for her, at the meeting); None goes back to the default."""
    if channel is not None and channel not in CHOICES:
        raise RuleError(_l("Choose how you want to get messages."), field="message_channel")
    if channel is not None:
        why = why_not_channel(user, channel)
        if why:
            raise RuleError(STAFF_WHY_NOT[channel] if by_staff else why, field="message_channel")
    user.message_channel = channel
    db.session.flush()


def stopped_kinds(user_id: int) -> set[str]:
    return set(db.session.scalars(sa.select(MessageStop.kind).where(MessageStop.user_id == user_id)))


def stop(user_id: int, kind: str) -> None:
    if kind not in set(Kind):
        raise RuleError(_l("This kind of message is not known."), status=404)
    insert_ignore(db.session, MessageStop.__table__, {"user_id": user_id, "kind": kind}, ["user_id", "kind"])


def restart(user_id: int, kind: str) -> None:
    db.session.execute(sa.delete(MessageStop).where(MessageStop.user_id == user_id, MessageStop.kind == kind))


def set_stopped(user_id: int, stopped: Iterable[str], offered: Iterable[str]) -> None:
    """Her settings form: of the kinds offered to her, these are stopped and the rest go out."""
    stopped = set(stopped)
    for kind in offered:
        (stop if kind in stopped else restart)(user_id, kind)
    db.session.flush()


def recipients(user_ids: Iterable[int], kind: str) -> list[tuple[User, str]]:
    """Of these people, who gets a message of this kind, and on which channel: not those who
    stopped it, chose no messages, or left; people with no way to reach them are left out."""
    wanted = set(user_ids)
    if not wanted:
        return []
    stopped = set(db.session.scalars(
        sa.select(MessageStop.user_id).where(MessageStop.user_id.in_(wanted), MessageStop.kind == kind)))
    users = db.session.scalars(
        sa.select(User).where(User.id.in_(wanted - stopped), User.active.is_(True), User.erased_at.is_(None))
        .order_by(User.id)
    )
    out = []
    for user in users:
        channel = channel_for(user)
        if channel is not None:
            out.append((user, channel))
    return out
