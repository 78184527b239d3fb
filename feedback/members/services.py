"""Members of a program's expert group."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth.models import User
from feedback.auth.services import create_user, normalise_email
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.programs.models import Membership, Role


def program_members(program_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership)
            .where(Membership.program_id == program_id, Membership.role == Role.MEMBER)
            .order_by(User.name, User.id)
        )
    )


def member_count(program_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(Membership.program_id == program_id, Membership.role == Role.MEMBER)
        )
        or 0
    )


def get_member(program_id: int, user_id: int) -> User | None:
    return db.session.scalar(
        sa.select(User)
        .join(Membership)
        .where(User.id == user_id, Membership.program_id == program_id, Membership.role == Role.MEMBER)
    )


def add_member(program_id: int, name: str, language: str, phone: str | None = None, email: str | None = None) -> User:
    user = create_user(name, email, language=language, phone=phone)
    db.session.add(Membership(user_id=user.id, program_id=program_id, role=Role.MEMBER))
    db.session.commit()
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
    user.phone = (phone or "").strip() or None
    user.email = email
    db.session.commit()
