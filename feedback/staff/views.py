"""The staff and steering start page for a program."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, abort, g, render_template, request

from feedback.common import lix
from feedback.common.access import program_role_required
from feedback.common.clock import local_now
from feedback.decisions import services as decisions
from feedback.extensions import db
from feedback.meetings.services import current_or_next
from feedback.members.services import member_count
from feedback.programs.models import Role
from feedback.proposals.models import Proposal
from feedback.threads import services as threads

bp = Blueprint("staff", __name__, url_prefix="/staff/<int:program_id>")


@bp.route("/")
@program_role_required(Role.STAFF, Role.STEERING)
def overview(program_id: int):
    counts = dict(
        db.session.execute(
            sa.select(Proposal.status, sa.func.count())
            .where(Proposal.program_id == program_id)
            .group_by(Proposal.status)
        ).all()
    )
    members = member_count(program_id)
    return render_template(
        "staff/overview.html",
        counts=counts,
        members=members,
        meeting=current_or_next([program_id], local_now()),
        program=g.program,
        waiting=threads.waiting_count(program_id),
        reported=len(threads.reported_posts(program_id)),
        # The review queue is every voted or recommended proposal: counted above already.
        to_decide=sum(counts.get(s, 0) for s in decisions.WAITING),
    )


@bp.route("/readability", methods=["POST"])
@program_role_required(Role.STAFF, Role.STEERING)
def readability(program_id: int):
    """The LIX hint for the text being typed (htmx); it changes nothing."""
    field = request.form.get("lix_field", "")
    target = request.form.get("lix_target", "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,60}", target):
        abort(400)
    return render_template("_lix.html", r=lix.readability(request.form.get(field, "")), target_id=target)
