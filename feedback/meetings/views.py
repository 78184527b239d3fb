"""Staff pages: monthly meetings and their agenda (the log is in log_views.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.common.access import get_or_404, staff_required
from feedback.common.clock import local_now
from feedback.common.errors import RuleError, show_on_form
from feedback.extensions import db
from feedback.meetings import replies, services
from feedback.meetings.forms import (
    AgendaAddForm,
    AgendaFreeForm,
    AgendaTopicForm,
    MeetingForm,
)
from feedback.meetings.models import AgendaItem, Meeting
from feedback.proposals.models import Proposal, Status
from feedback.topics.models import Topic

bp = Blueprint("meetings", __name__, url_prefix="/staff/<int:program_id>/meetings")


@bp.route("/")
@staff_required
def index(program_id: int):
    meetings = list(
        db.session.scalars(
            sa.select(Meeting).where(Meeting.program_id == program_id).order_by(Meeting.starts_at.desc())
        )
    )
    now = local_now()
    coming = sorted((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at)
    past = [m for m in meetings if m.starts_at < now]
    return render_template(
        "meetings/index.html",
        next_meeting=coming[0] if coming else None,
        planned=services.by_month(coming[1:]),
        past=services.by_month(past),
    )


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_required
def form(program_id: int, meeting_id: int | None = None):
    meeting = get_or_404(Meeting, meeting_id, program_id) if meeting_id is not None else None
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        try:
            meeting = services.save_meeting(
                meeting,
                program_id,
                title=form.title.data,
                starts_at=form.starts_at.data,
                ends_at=form.ends_at.data,
                place=form.place.data,
                notes=form.notes.data,
                **form.support(),
            )
        except RuleError as e:
            show_on_form(form, e, "title")
        else:
            flash(_("The meeting is saved."), "success")
            note = services.repeated_hour_note(meeting)
            if note:
                flash(str(note), "info")
            return redirect(url_for("meetings.show", program_id=program_id, meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting), 400 if form.errors else 200


def _agenda_forms(meeting: Meeting) -> dict:
    """The three ways to add to an agenda: a proposal, a feedback topic, a free item."""
    proposal_form = AgendaAddForm()
    on_agenda = {i.proposal_id for i in meeting.agenda}
    candidates = db.session.scalars(
        sa.select(Proposal)
        .where(
            Proposal.program_id == meeting.program_id,
            Proposal.status.in_([Status.DRAFT, Status.ON_AGENDA, Status.VOTING]),
        )
        .order_by(Proposal.title)
    )
    proposal_form.proposal_id.choices = [(p.id, p.title) for p in candidates if p.id not in on_agenda]
    topic_form = AgendaTopicForm(prefix="t")
    topics = db.session.scalars(
        sa.select(Topic)
        .where(Topic.program_id == meeting.program_id, Topic.archived.is_(False))
        .order_by(Topic.position)
    )
    topic_form.topic_id.choices = [(t.id, t.name) for t in topics]
    return {"form": proposal_form, "topic_form": topic_form, "free_form": AgendaFreeForm(prefix="f")}


def _back(meeting: Meeting):
    return redirect(url_for("meetings.show", program_id=meeting.program_id, meeting_id=meeting.id) + "#agenda")


def _show(meeting: Meeting, forms: dict, status: int = 200):
    return render_template("meetings/show.html", meeting=meeting, clock_note=services.repeated_hour_note(meeting),
                           reply_counts=replies.counts(meeting), reply_rows=replies.for_meeting(meeting.id),
                           answer_labels=replies.answer_labels(), **forms), status


@bp.route("/<int:meeting_id>")
@staff_required
def show(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    return _show(meeting, _agenda_forms(meeting))


@bp.route("/<int:meeting_id>/agenda", methods=["POST"])
@staff_required
def agenda_add(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    forms = _agenda_forms(meeting)
    if not forms["form"].validate_on_submit():
        return _show(meeting, forms, 400)
    proposal = get_or_404(Proposal, forms["form"].proposal_id.data, program_id)
    services.add_to_agenda(meeting, proposal, current_user.id)
    flash(_("Added to the agenda."), "success")
    return _back(meeting)


@bp.route("/<int:meeting_id>/agenda/topic", methods=["POST"])
@staff_required
def agenda_topic(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    forms = _agenda_forms(meeting)
    if not forms["topic_form"].validate_on_submit():
        return _show(meeting, forms, 400)
    services.add_agenda_item(meeting, topic_id=forms["topic_form"].topic_id.data)
    flash(_("Added to the agenda."), "success")
    return _back(meeting)


@bp.route("/<int:meeting_id>/agenda/free", methods=["POST"])
@staff_required
def agenda_free(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    forms = _agenda_forms(meeting)
    if not forms["free_form"].validate_on_submit():
        return _show(meeting, forms, 400)
    services.add_agenda_item(meeting, title=forms["free_form"].title.data)
    flash(_("Added to the agenda."), "success")
    return _back(meeting)


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    return item


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/move/<any(up, down):direction>", methods=["POST"])
@staff_required
def agenda_move(program_id: int, meeting_id: int, item_id: int, direction: str):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    services.move_agenda_item(meeting, _item_or_404(meeting, item_id), -1 if direction == "up" else 1)
    return _back(meeting)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
@staff_required
def agenda_remove(program_id: int, meeting_id: int, item_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    services.remove_from_agenda(meeting, _item_or_404(meeting, item_id), current_user.id)
    flash(_("Removed from the agenda."), "success")
    return _back(meeting)
