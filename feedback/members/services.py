"""Members of a program's expert group: joining, changing, leaving and coming back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from feedback.auth.models import User
from feedback.auth.services import create_user, normalise_email, revoke_member_links
from feedback.common.clock import utcnow
from feedback.common.errors import RuleError
from feedback.common.phones import normalise_phone
from feedback.extensions import db
from feedback.programs.models import Membership, Program, Role


def program_members(program_id: int) -> list[User]:
    """The members of the group now: not those who left."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership)
            .where(Membership.program_id == program_id, Membership.role == Role.MEMBER, Membership.left_at.is_(None))
            .order_by(User.name, User.id)
        )
    )


def member_count(program_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.program_id == program_id, Membership.role == Role.MEMBER, Membership.left_at.is_(None))
        )
        or 0
    )


def get_member(program_id: int, user_id: int) -> User | None:
    """A member of the group, also one who left (staff still open her page until her data is gone)."""
    return db.session.scalar(
        sa.select(User)
        .join(Membership)
        .where(User.id == user_id, Membership.program_id == program_id, Membership.role == Role.MEMBER)
    )


def managed_member(program_id: int, user_id: int, *, current: bool = False) -> User:
    """A member whose account staff may manage: her cards and links, her details, her data file
    and her phones. Someone who also works in a program (staff, steering, admin) logs in with her
    password and is managed by an admin: a card would log staff in with her office roles.

    With current, only a member of the group now. What changes her account (her details, her
    links, her phones) is for the groups she is in: a woman who left this group and went on in
    another is that group's to manage, or staff here could put their own number on her account
    and have her lost card sent to it."""
    user = get_member(program_id, user_id)
    if user is None:
        raise RuleError(_l("There is no such member."), status=404)
    if not user.is_member_only:
        raise RuleError(_l("She also works in a program and logs in with her password. An admin manages her account."),
                        status=403)
    if current and membership(program_id, user).left_at is not None:
        raise RuleError(_l("She is not a member of this group now."), status=404)
    return user


def check_only_in(program_id: int, user: User) -> None:
    """Staff of one group erase a member's data only when this is her only group: her data in
    another group is that group's to keep or delete."""
    if any(m.program_id != program_id for m in user.memberships):
        raise RuleError(_l("She is also in another group, so her data cannot be deleted from here. Mark that she "
                           "has left this group: her data goes when no group keeps it any more."), status=409)


def office_user_ids(users: list[User]) -> set[int]:
    """Which of these users also hold an office role somewhere (one query)."""
    ids = [u.id for u in users]
    if not ids:
        return set()
    return set(db.session.scalars(
        sa.select(User.id).outerjoin(Membership)
        .where(User.id.in_(ids), sa.or_(User.is_admin.is_(True), Membership.role != Role.MEMBER))
    ))


def membership(program_id: int, user: User) -> Membership | None:
    return next((m for m in user.memberships if m.program_id == program_id and m.role == Role.MEMBER), None)


@dataclass(frozen=True)
class Leaver:
    user: User
    left_at: datetime
    # When `flask retention` erases her personal data, unless she comes back; None while she
    # is still in another group (her data is kept for that one).
    erase_on: datetime | None


def erase_on(user: User, left_at: datetime, program: Program) -> datetime | None:
    if any(m.left_at is None for m in user.memberships):
        return None
    return left_at + timedelta(days=program.left_retention_days)


def left_members(program_id: int) -> list[Leaver]:
    program = db.session.get(Program, program_id)
    rows = db.session.execute(
        sa.select(User, Membership.left_at)
        .join(Membership)
        .where(Membership.program_id == program_id, Membership.role == Role.MEMBER, Membership.left_at.is_not(None))
        .options(selectinload(User.memberships))  # erase_on looks at her other groups: one query, not one each
        .order_by(Membership.left_at.desc(), User.id)
    ).all()
    return [Leaver(user, left_at, erase_on(user, left_at, program)) for user, left_at in rows]


def leave(program_id: int, user: User) -> bool:
    """She left the group: no more access to it, and her personal data has a deletion date.
    True when that was her last group, so her links were stopped and her phones logged out."""
    mine = membership(program_id, user)
    if mine is None or mine.left_at is not None:
        raise RuleError(_l("She is not a member of this group now."), status=409)
    mine.left_at = utcnow()
    last = not any(m.left_at is None for m in user.memberships)
    if last:  # no group left that she takes part in: nothing should still let her in
        revoke_member_links(user)
    db.session.flush()
    return last


def come_back(program_id: int, user: User) -> None:
    mine = membership(program_id, user)
    if mine is None or mine.left_at is None:
        raise RuleError(_l("She has not left this group."), status=409)
    mine.left_at = None
    db.session.flush()


def add_member(program_id: int, name: str, language: str, phone: str | None = None, email: str | None = None) -> User:
    user = create_user(name, email, language=language, phone=phone)
    db.session.add(Membership(user_id=user.id, program_id=program_id, role=Role.MEMBER))
    db.session.flush()
    return user


def update_member(user: User, name: str, language: str, phone: str | None, email: str | None) -> None:
    email = normalise_email(email)
    if user.password_hash is not None and email != user.email:
        # Her email is her login to staff pages: only an admin may change it.
        raise RuleError(_l("This person logs in with email and password; an admin changes her email."))
    if email and email != user.email and db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise RuleError(_l("A user with this email already exists."))
    user.name = name.strip()
    user.preferred_language = language
    user.phone = normalise_phone(phone)
    user.email = email
    db.session.flush()
