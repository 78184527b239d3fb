"""Telling people what is new: written when something happens, read as a badge and a list.

Callers add notifications inside their own transaction and commit with it, so a post and
the news of it are stored together or not at all."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so

from feedback.auth.models import User
from feedback.common.clock import utcnow
from feedback.extensions import db
from feedback.notifications.models import Kind, Notification
from feedback.programs.models import Membership, Role

_TARGETS = ("thread_id", "proposal_id", "meeting_id", "change_id")


def notify(user_ids: Iterable[int], program_id: int, kind: str, **target: int | None) -> int:
    """One unread notice per person and thing: a second reply in the same thread while she
    has not looked yet does not make a second badge. Returns how many were added."""
    target = {k: target.get(k) for k in _TARGETS}
    wanted = set(user_ids)
    if not wanted:
        return 0
    already = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.user_id.in_(wanted),
                Notification.kind == kind,
                Notification.read_at.is_(None),
                *(getattr(Notification, k).is_(None) if v is None else getattr(Notification, k) == v
                  for k, v in target.items()),
            )
        )
    )
    new = wanted - already
    db.session.add_all(
        Notification(user_id=uid, program_id=program_id, kind=kind, **target) for uid in sorted(new)
    )
    return len(new)


def _holders(program_id: int, *roles: str) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.program_id == program_id, Membership.role.in_(roles), Membership.left_at.is_(None),
                   User.active.is_(True))
            .distinct()
        )
    )


def notify_members(program_id: int, kind: str, **target: int | None) -> int:
    return notify(_holders(program_id, Role.MEMBER), program_id, kind, **target)


def notify_members_among(user_ids: Iterable[int], program_id: int, kind: str, **target: int | None) -> int:
    """notify, for those of them who are members of the group now: one who left (or whose
    account is closed) gets no notice of a conversation she can no longer open."""
    wanted = set(user_ids)
    if not wanted:
        return 0
    return notify(wanted.intersection(_holders(program_id, Role.MEMBER)), program_id, kind, **target)


def notify_staff(program_id: int, kind: str, exclude: int | None = None, **target: int | None) -> int:
    return notify(
        [u for u in _holders(program_id, Role.STAFF, Role.ADMIN) if u != exclude], program_id, kind, **target
    )


def unread_count(user: User, kinds: Iterable[str] | None = None) -> int:
    query = sa.select(sa.func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if kinds is not None:
        query = query.where(Notification.kind.in_(list(kinds)))
    return db.session.scalar(query) or 0


def latest(user: User, limit: int = 40) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .options(
                so.selectinload(Notification.thread),
                so.selectinload(Notification.proposal),
                so.selectinload(Notification.meeting),
                so.selectinload(Notification.change),
            )
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(user: User, *, kinds: Iterable[str] | None = None, **target: int) -> None:
    """She has seen it: the page that shows the thing clears its badge. Reads first and
    writes only when there is something to clear, so most page views write nothing."""
    where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    where += [getattr(Notification, k) == v for k, v in target.items()]
    if kinds is not None:
        where.append(Notification.kind.in_(list(kinds)))
    ids = list(db.session.scalars(sa.select(Notification.id).where(*where)))
    if ids:
        db.session.execute(sa.update(Notification).where(Notification.id.in_(ids)).values(read_at=utcnow()))
        db.session.flush()


MEMBER_KINDS = (Kind.REPLY, Kind.ANSWER, Kind.MEETING, Kind.VOTE, Kind.DECISION, Kind.CHANGE)
STAFF_KINDS = (Kind.NEW_POST, Kind.REPORT)
