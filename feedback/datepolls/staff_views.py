"""Staff pages of date polls: make one, see the best dates, close it, make a date the meeting."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError
from feedback.datepolls import services
from feedback.datepolls.forms import PollForm, Rows, blank_rows, read_rows, row_count
from feedback.datepolls.models import DateOption, DatePoll
from feedback.extensions import db

bp = Blueprint("datepolls", __name__, url_prefix="/staff/<int:program_id>/date-polls")


@bp.route("/")
@staff_required
def index(program_id: int):
    polls = list(db.session.scalars(
        sa.select(DatePoll).where(DatePoll.program_id == program_id)
        .order_by(DatePoll.status.desc(), DatePoll.created_at.desc(), DatePoll.id.desc())
    ))
    answered = {p.poll_id: p.answered for p in services.participation([program_id])}
    return render_template("datepolls/index.html", polls=polls, answered=answered)


def _new_page(form: PollForm, rows, status: int = 200, **extra):
    return render_template("datepolls/new.html", form=form, rows=rows, max_rows=services.OPTIONS_MAX, **extra), status


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new(program_id: int):
    form = PollForm()
    if request.method == "GET":
        return _new_page(form, blank_rows())
    count = row_count(request.form)
    rows = read_rows(request.form, count)
    if "more" in request.form:  # "Add another date": the same form, one row more, nothing saved
        rows.errors.clear()
        return _new_page(form, rows, focus_row=count - 1)
    if form.validate_on_submit() and not rows.errors:
        try:
            poll = services.create_poll(program_id, form.title.data, form.note.data, rows.options, current_user.id)
        except RuleError as e:
            if e.field in ("title", "note"):
                getattr(form, e.field).errors = [e.message]
            else:
                rows.errors[e.field or "options"] = str(e.message)
        else:
            flash(_("The date poll is open. Members can answer now."), "success")
            return redirect(url_for("datepolls.show", program_id=program_id, poll_id=poll.id))
    return _new_page(form, rows, 400)


def _show(poll: DatePoll, status: int = 200, new_date: Rows | None = None):
    return render_template("datepolls/show.html", poll=poll, results=services.results(poll),
                           rows=services.who_answered(poll), labels=services.answer_labels(),
                           answer_icons=services.ANSWER_ICONS, new_date=new_date or blank_rows(1),
                           options_min=services.OPTIONS_MIN, options_max=services.OPTIONS_MAX), status


@bp.route("/<int:poll_id>")
@staff_required
def show(program_id: int, poll_id: int):
    return _show(get_or_404(DatePoll, poll_id, program_id))


@bp.route("/<int:poll_id>/close", methods=["POST"])
@staff_required
def close(program_id: int, poll_id: int):
    poll = get_or_404(DatePoll, poll_id, program_id)
    try:
        services.close_poll(poll)
    except RuleError as e:
        flash(str(e.message), "error")
    else:
        flash(_("The date poll is closed."), "success")
    return redirect(url_for("datepolls.show", program_id=program_id, poll_id=poll.id))


def _poll_and_option(program_id: int, poll_id: int, option_id: int) -> tuple[DatePoll, DateOption]:
    poll = get_or_404(DatePoll, poll_id, program_id)
    option = get_or_404(DateOption, option_id)
    if option.poll_id != poll.id:
        abort(404)  # a date of another poll
    return poll, option


@bp.route("/<int:poll_id>/options", methods=["POST"])
@staff_required
def add_option(program_id: int, poll_id: int):
    poll = get_or_404(DatePoll, poll_id, program_id)
    row = read_rows(request.form, 1)
    if not row.errors and not row.options:
        row.errors["option-0-day"] = _("Write the date, for example 2027-02-09.")
    if not row.errors:
        try:
            option = services.add_option(poll, row.options[0])
        except RuleError as e:
            row.errors[e.field if (e.field or "").startswith("option-") else "option-0-day"] = str(e.message)
            return _show(poll, e.status, row)
        flash(_("The date is added. Members can answer it now."), "success")
        return redirect(url_for("datepolls.show", program_id=program_id, poll_id=poll.id) + f"#option-{option.id}")
    return _show(poll, 400, row)


@bp.route("/<int:poll_id>/options/<int:option_id>/delete", methods=["POST"])
@staff_required
def remove_option(program_id: int, poll_id: int, option_id: int):
    poll, option = _poll_and_option(program_id, poll_id, option_id)
    try:
        services.remove_option(poll, option)
    except RuleError as e:
        flash(str(e.message), "error")
    else:
        flash(_("The date is removed, with its answers."), "success")
    return redirect(url_for("datepolls.show", program_id=program_id, poll_id=poll.id))


@bp.route("/<int:poll_id>/options/<int:option_id>/meeting", methods=["POST"])
@staff_required
def make_meeting(program_id: int, poll_id: int, option_id: int):
    poll, option = _poll_and_option(program_id, poll_id, option_id)
    try:
        meeting = services.make_meeting(poll, option)
    except RuleError as e:
        flash(str(e.message), "error")
        return _show(poll, e.status)
    flash(_("The meeting is planned. Members get a message. Now fill in the agenda."), "success")
    return redirect(url_for("meetings.show", program_id=program_id, meeting_id=meeting.id) + "#agenda")

