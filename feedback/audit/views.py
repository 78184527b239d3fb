"""The audit log for site admins: read and filter, never change."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from feedback.audit import security
from feedback.audit.models import AuditEntry, SecurityEvent
from feedback.auth.models import User
from feedback.common.access import admin_required
from feedback.common.clock import day_start_utc, parse_day, utcnow
from feedback.common.ids import parse_id
from feedback.extensions import db
from feedback.programs.models import Program

bp = Blueprint("audit", __name__)
PAGE = 100


@bp.route("/admin/audit")
@admin_required
def log():
    query = sa.select(AuditEntry)
    filters = {k: (request.args.get(k) or "").strip() for k in ("program", "actor", "record_type", "action")}
    program_id = parse_id(filters["program"])
    if program_id is not None:
        query = query.where(AuditEntry.program_id == program_id)
    if filters["actor"]:
        query = query.where(AuditEntry.actor_name.ilike(f"%{filters['actor'][:60]}%"))
    if filters["record_type"]:
        query = query.where(AuditEntry.record_type == filters["record_type"][:60])
    if filters["action"] in ("create", "update", "delete"):
        query = query.where(AuditEntry.action == filters["action"])
    # Days of the program's calendar; one that is no date, or far outside the app's years, is
    # left out as the dashboards leave it out.
    since, until = parse_day(request.args.get("from")), parse_day(request.args.get("to"))
    if since:
        query = query.where(AuditEntry.at >= day_start_utc(since))
    if until:
        # To the start of the next local day: a switch day is 23 or 25 hours long.
        query = query.where(AuditEntry.at < day_start_utc(until + timedelta(days=1)))
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    rows = list(db.session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)))
    return render_template(
        "admin/audit.html",
        entries=[(e, json.loads(e.changes) if e.changes else {}) for e in rows[:PAGE]],
        more=len(rows) > PAGE,
        page=page,
        filters=filters,
        since=request.args.get("from", ""),
        until=request.args.get("to", ""),
        programs=list(db.session.scalars(sa.select(Program).order_by(Program.name))),
        record_types=list(db.session.scalars(sa.select(AuditEntry.record_type).distinct().order_by(AuditEntry.record_type))),
    )


@bp.route("/admin/security")
@admin_required
def security_events():
    """Refused logins and links, 403s and rate limits: for noticing an attack."""
    kind = request.args.get("kind", "")
    query = sa.select(SecurityEvent, User.name).outerjoin(User, User.id == SecurityEvent.user_id)
    if kind in security.KINDS:
        query = query.where(SecurityEvent.kind == kind)
    rows = db.session.execute(query.order_by(SecurityEvent.id.desc()).limit(PAGE)).all()
    counts = dict(db.session.execute(
        sa.select(SecurityEvent.kind, sa.func.count()).where(SecurityEvent.at >= utcnow() - timedelta(days=1))
        .group_by(SecurityEvent.kind)).all())
    return render_template("admin/security.html", rows=rows, kind=kind, kinds=security.KINDS, last_day=counts)
