"""Staff pages: monthly meetings and their agenda."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError
from feedback.common.timeutil import local_now
from feedback.extensions import db
from feedback.meetings import services
from feedback.meetings.forms import AgendaAddForm, MeetingForm
from feedback.meetings.models import AgendaItem, Meeting
from feedback.proposals.models import Proposal, Status

bp = Blueprint("meetings", __name__, url_prefix="/staff/<int:program_id>/meetings")


@bp.route("/")
@staff_required
def index(program_id: int):
    meetings = list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.program_id == program_id).order_by(Meeting.starts_at.desc())
        )
    )
    now = local_now(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    coming = sorted((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at)
    past = [m for m in meetings if m.starts_at < now]
    return render_template("meetings/index.html", coming=coming, past=past)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new(program_id: int):
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(
                program_id, form.title.data, form.starts_at.data, form.place.data, form.ends_at.data, form.notes.data
            )
        except RuleError as e:
            form.ends_at.errors = [*form.ends_at.errors, e.message]
        else:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("meetings.show", program_id=program_id, meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None), 400 if form.errors else 200


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        if form.ends_at.data and form.ends_at.data <= form.starts_at.data:
            form.ends_at.errors = [*form.ends_at.errors, _("The end must be after the start.")]
        else:
            form.populate_obj(meeting)
            meeting.title = meeting.title.strip()
            meeting.place = (meeting.place or "").strip() or None
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("meetings.show", program_id=program_id, meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting), 400 if form.errors else 200


def _agenda_form(meeting: Meeting) -> AgendaAddForm:
    form = AgendaAddForm()
    on_agenda = {i.proposal_id for i in meeting.agenda}
    candidates = db.session.scalars(
        sa.select(Proposal)
        .where(
            Proposal.program_id == meeting.program_id,
            Proposal.status.in_([Status.DRAFT, Status.ON_AGENDA, Status.VOTING]),
        )
        .order_by(Proposal.title)
    )
    form.proposal_id.choices = [(p.id, p.title) for p in candidates if p.id not in on_agenda]
    return form


@bp.route("/<int:meeting_id>")
@staff_required
def show(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    return render_template("meetings/show.html", meeting=meeting, form=_agenda_form(meeting))


@bp.route("/<int:meeting_id>/agenda", methods=["POST"])
@staff_required
def agenda_add(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    form = _agenda_form(meeting)
    if not form.validate_on_submit():
        flash(_("Choose a proposal from the list."), "error")
        return render_template("meetings/show.html", meeting=meeting, form=form), 400
    proposal = get_or_404(Proposal, form.proposal_id.data, program_id)
    services.add_to_agenda(meeting, proposal, current_user.id)
    flash(_("Added to the agenda."), "success")
    return redirect(url_for("meetings.show", program_id=program_id, meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
@staff_required
def agenda_remove(program_id: int, meeting_id: int, item_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    item = get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        return render_template("error.html", status=404, message=_("We could not find this page.")), 404
    services.remove_from_agenda(meeting, item, current_user.id)
    flash(_("Removed from the agenda."), "success")
    return redirect(url_for("meetings.show", program_id=program_id, meeting_id=meeting.id))
