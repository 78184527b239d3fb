"""Programs and the staff, steering and admin roles in them."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from feedback.auth import sessions
from feedback.auth.models import User
from feedback.auth.services import revoke_member_links
from feedback.common.errors import RuleError
from feedback.extensions import db
from feedback.programs.models import Membership, Program, Role
from feedback.topics.models import Topic

OFFICE_ROLES = (Role.STAFF, Role.STEERING, Role.ADMIN)

# The program's training themes and other natural topics (WORDS.md), with icons.
DEFAULT_TOPICS = [
    ("Jag och mina mål", "star"),
    ("Arbeta i Sverige", "work"),
    ("CV och personligt brev", "document"),
    ("Intervjuträning", "chat"),
    ("Vägen framåt", "road"),
    ("Mentorskap", "people"),
    ("Nätverksträffar", "heart"),
    ("Praktiskt (tider, plats, barnpassning)", "clock"),
]


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "program"


def create_program(
    name: str,
    slug: str | None = None,
    city: str | None = None,
    description: str | None = None,
    with_topics: bool = True,
) -> Program:
    slug = slugify(slug or name)
    if db.session.scalar(sa.select(Program.id).where(Program.slug == slug)):
        raise RuleError(_l("A program with this short name already exists."))
    program = Program(
        name=name.strip(), slug=slug, city=(city or "").strip() or None, description=(description or "").strip() or None
    )
    db.session.add(program)
    db.session.flush()
    if with_topics:
        for i, (topic, icon) in enumerate(DEFAULT_TOPICS):
            db.session.add(Topic(program_id=program.id, name=topic, icon=icon, position=i))
    db.session.flush()
    return program


# The periods admins may set: long enough to follow up a meeting, short enough to matter.
RETENTION_DAYS_MIN, RETENTION_DAYS_MAX = 7, 3650


def set_retention(program: Program, voice_days: int, left_days: int) -> None:
    for days in (voice_days, left_days):
        if not RETENTION_DAYS_MIN <= days <= RETENTION_DAYS_MAX:
            raise RuleError(_l("Choose between %(low)s and %(high)s days.", low=RETENTION_DAYS_MIN,
                               high=RETENTION_DAYS_MAX))
    program.voice_retention_days, program.left_retention_days = voice_days, left_days
    db.session.flush()


# Reminders before a meeting: at most three, up to two weeks ahead.
REMINDERS_MAX, REMINDER_HOURS_MAX = 3, 14 * 24


def parse_reminder_hours(text: str | None) -> list[int]:
    """ "48, 3" -> [48, 3]: the hours before a meeting when members are reminded, latest last."""
    hours = set()
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= REMINDER_HOURS_MAX:
            raise RuleError(_l("Write whole hours between 1 and %(high)s, with commas between them.",
                               high=REMINDER_HOURS_MAX), field="reminder_hours")
        hours.add(int(part))
    if len(hours) > REMINDERS_MAX:
        raise RuleError(_l("Choose at most %(n)s reminders.", n=REMINDERS_MAX), field="reminder_hours")
    return sorted(hours, reverse=True)


def set_reminder_hours(program: Program, text: str | None) -> None:
    program.reminder_hours = ",".join(str(h) for h in parse_reminder_hours(text))
    db.session.flush()


def reminder_hours(program: Program) -> list[int]:
    try:
        return parse_reminder_hours(program.reminder_hours)
    except RuleError:  # not possible through the form; a hand-edited row reminds no one
        return []


def update_program(program: Program, name: str, slug: str, city: str | None, description: str | None) -> None:
    slug = slugify(slug)
    if db.session.scalar(sa.select(Program.id).where(Program.slug == slug, Program.id != program.id)):
        raise RuleError(_l("A program with this short name already exists."))
    program.name, program.slug = name.strip(), slug
    program.city = (city or "").strip() or None
    program.description = (description or "").strip() or None
    db.session.flush()


def all_programs() -> list[Program]:
    return list(db.session.scalars(sa.select(Program).order_by(Program.name)))


def set_office_roles(user: User, wanted: dict[int, set[str]]) -> None:
    """Make the user's staff/steering/admin roles exactly `wanted` (program id -> roles).
    Member roles are left alone: staff manage those."""
    known = {p.id for p in all_programs()}
    was_member_only = user.is_member_only
    for program_id, roles in wanted.items():
        if program_id not in known or not roles <= set(OFFICE_ROLES):
            raise RuleError(_l("Unknown program or role."))
    for m in list(user.memberships):
        if m.role in OFFICE_ROLES and m.role not in wanted.get(m.program_id, set()):
            user.memberships.remove(m)
    have = {(m.program_id, m.role) for m in user.memberships}
    for program_id, roles in wanted.items():
        for role in roles:
            if (program_id, role) not in have:
                user.memberships.append(Membership(program_id=program_id, role=role))
    if was_member_only and not user.is_member_only:
        # Her card and the phones it logged in would now carry office roles: stop them all.
        # From now on she logs in with a password.
        revoke_member_links(user)
        user.session_version += 1
        sessions.end_all(user)
    db.session.flush()


def office_users() -> list[User]:
    """Everyone who logs in with a password: not the members."""
    return list(db.session.scalars(sa.select(User).where(User.email.is_not(None)).order_by(User.name)))
