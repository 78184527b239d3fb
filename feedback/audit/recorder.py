"""Writes the audit log by itself: after every flush made in a request by a user with an
office role (staff, steering, program admin or site admin), one row per record that changed.

Done as a session event rather than a call in each service, so that no write can forget it.
Members' own actions are not logged here: their votes (secret ones above all), posts and
answers stay out of a log that staff can read."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context
from flask_login import current_user

from feedback.audit.models import AuditEntry

# Tables whose rows are members' own, or bookkeeping that says nothing about a decision.
SKIPPED = {
    "audit_log", "votes", "voter_roll", "post_agreements", "post_reports", "notifications",
    "change_feedback", "voice_notes", "attendance", "user_sessions", "recovery_codes", "security_events",
    "outbox_messages", "meeting_replies", "priority_ballots", "priority_dots", "priority_voter_roll",
    "date_votes", "date_needs",
}
# Columns never copied into the log.
SECRET = {"password_hash", "token_hash", "ballot_key", "author_key", "data", "session_version", "join_salt", "join_code_hash",
          "totp_secret", "totp_last_step", "code_hash", "key_hash"}
_MAX = 300
_AS_MEMBER = "audit_as_member"


def _actor():
    if not has_request_context():
        return None
    user = current_user._get_current_object() if current_user else None
    if user is None or not user.is_authenticated:
        return None
    if user.is_admin or any(m.role != "member" for m in user.memberships):
        return user
    return None


def _program_id(obj: Any, seen: frozenset[int] = frozenset()) -> int | None:
    """The program a record belongs to, through the records it hangs on (an option's photo:
    its option, then the option's poll). `seen` stops a walk that comes back round."""
    seen = seen | {id(obj)}
    for path in ("program_id", "proposal", "thread", "meeting", "decision", "post", "poll", "option", "photo"):
        value = getattr(obj, path, None)
        if path == "program_id" and isinstance(value, int):
            return value
        if value is not None and path != "program_id" and id(value) not in seen:
            found = _program_id(value, seen)
            if found is not None:
                return found
    return None


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _MAX:
        return value[:_MAX] + "…"
    return value


def _changes(state: so.state.InstanceState, action: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET:
            continue
        hist = state.attrs[key].history
        if action == "create":
            value = getattr(state.obj(), key, None)
            if value is not None:
                out[key] = [None, _short(value)]
        elif action == "delete":
            value = (hist.unchanged or hist.deleted or [None])[0]
            if value is not None:
                out[key] = [_short(value), None]
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before != after:
                out[key] = [_short(before), _short(after)]
    for rel in state.mapper.relationships:
        if not rel.uselist or rel.viewonly or rel.secondary is None:
            continue
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            out[rel.key] = [sorted(o.id for o in hist.deleted), sorted(o.id for o in hist.added)]
    return out


def as_member(session: so.Session) -> None:
    """What this transaction writes, its user writes as a member of the group (a post, a reply):
    not audited, even when she also holds an office role. Staff, steering and admins read the
    audit log; a steering member's anonymous post must not show up there under her name."""
    session.info[_AS_MEMBER] = True


def _end_of_transaction(session: so.Session, *_args) -> None:
    session.info.pop(_AS_MEMBER, None)


def _record(session: so.Session, _flush_context) -> None:
    if session.info.get(_AS_MEMBER):
        return
    actor = _actor()
    if actor is None:
        return
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in SKIPPED:
                continue
            state = sa.inspect(obj)
            changes = _changes(state, action)
            if action == "update" and not changes:
                continue
            ident = state.mapper.primary_key_from_instance(obj)
            rows.append({
                "actor_id": actor.id,
                "actor_name": actor.name,
                "program_id": _program_id(obj),
                "action": action,
                "record_type": table,
                "record_id": ",".join(str(i) for i in ident),
                "changes": json.dumps(changes, default=str, ensure_ascii=False) if changes else None,
            })
    if rows:
        session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def install() -> None:
    if not sa.event.contains(so.Session, "after_flush", _record):
        sa.event.listen(so.Session, "after_flush", _record)
        sa.event.listen(so.Session, "after_commit", _end_of_transaction)
        sa.event.listen(so.Session, "after_rollback", _end_of_transaction)
