"""A lost card replaced by SMS: she types her number on the login page, or staff press "Send her
link by SMS" on her page. Either way an SMS is queued whose new link the outbox worker mints when
it sends it (feedback/outbox/login_links.py), so no working link is ever stored."""

from __future__ import annotations

import hashlib
import hmac
import json

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from feedback.audit.models import AuditEntry
from feedback.auth.models import User
from feedback.common.errors import RuleError
from feedback.common.phones import e164
from feedback.extensions import db
from feedback.outbox import login_links
from feedback.programs.models import Membership, Role


def member_with_number(number: str) -> User | None:
    """The one member this E.164 number belongs to: active, not erased, in a group now, and
    logging in with a link alone (an office account never gets one). None when no one or more
    than one person has it (a shared phone: we cannot tell whose link to send)."""
    in_a_group = (
        sa.select(Membership.user_id)
        .where(Membership.role == Role.MEMBER, Membership.left_at.is_(None))
    )
    candidates = db.session.scalars(
        sa.select(User).where(
            User.active.is_(True), User.erased_at.is_(None), User.id.in_(in_a_group),
            # Numbers are stored in E.164; one typed before they were checked is compared as E.164 too.
            sa.or_(User.phone == number, sa.and_(User.phone.is_not(None), sa.not_(User.phone.startswith("+")))),
        )
    ).all()
    matches = [u for u in candidates if e164(u.phone) == number]
    if len(matches) != 1 or not matches[0].is_member_only:
        return None
    return matches[0]


def number_tag(number: str) -> str:
    """A number as the security log may keep it: a keyed hash (the app's secret key), the same
    for the same number, so that many requests for one number show, without the number."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:12]


def ask_by_phone(number: str) -> bool:
    """She lost her card and typed her number (E.164): a new link to her by SMS when it is a
    member's. True when an SMS was queued; the page says the same either way."""
    user = member_with_number(number)
    return user is not None and login_links.queue(user, None)


def send_by_staff(program_id: int, user: User, by: User) -> None:
    """Staff send her link by SMS: queued like her own request, and written in the audit log
    (the outbox is not audited, and the new link itself is minted later by the worker)."""
    if e164(user.phone) is None:
        raise RuleError(_l("She has no mobile number that an SMS can go to. Add her number first."), status=409)
    login_links.queue(user, program_id)
    db.session.add(AuditEntry(
        actor_id=by.id, actor_name=by.name, program_id=program_id, action="create",
        record_type="link_by_sms", record_id=str(user.id), changes=json.dumps({"channel": [None, "sms"]}),
    ))
    db.session.flush()
