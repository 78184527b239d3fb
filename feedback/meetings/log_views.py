"""Staff pages: the log of a meeting (attendance, summaries, recommendations, action items)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.common.access import get_or_404, staff_required
from feedback.common.clock import add_months, local_today
from feedback.common.errors import RuleError, show_on_form
from feedback.common.i18n import translation_languages
from feedback.meetings import log
from feedback.meetings.forms import ActionForm, ActionStatusForm, AttendanceForm, RecommendForm, SummaryForm
from feedback.meetings.models import ActionItem, Meeting
from feedback.meetings.views import bp
from feedback.members.services import program_members
from feedback.proposals.models import Proposal


def _log_page(meeting: Meeting, status: int = 200, **forms):
    forms.setdefault("summary_form", SummaryForm(obj=meeting, prefix="s"))
    forms.setdefault("attendance_form", AttendanceForm(obj=meeting, prefix="a"))
    if "action_form" not in forms:
        # Most action items are followed up at the next monthly meeting: due in one month.
        forms["action_form"] = ActionForm(prefix="x", due_on=add_months(local_today(), 1))
    return render_template(
        "meetings/log.html",
        meeting=meeting,
        members=program_members(meeting.program_id),
        attendance=log.attendance(meeting),
        actions=log.meeting_actions(meeting),
        summary_languages=translation_languages(),
        summary_translations={t.language: t.member_summary for t in meeting.summary_translations},
        **forms,
    ), status


def _to_log(meeting: Meeting, anchor: str):
    return redirect(url_for("meetings.log_page", program_id=meeting.program_id, meeting_id=meeting.id) + anchor)


@bp.route("/<int:meeting_id>/log")
@staff_required
def log_page(program_id: int, meeting_id: int):
    return _log_page(get_or_404(Meeting, meeting_id, program_id))


@bp.route("/<int:meeting_id>/log/summary", methods=["POST"])
@staff_required
def log_summary(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    form = SummaryForm(prefix="s")
    if not form.validate_on_submit():
        return _log_page(meeting, 400, summary_form=form)
    translations = {code: request.form.get(f"s-member_summary-{code}", "") for code in translation_languages()}
    try:
        log.save_summaries(meeting, form.summary.data, form.member_summary.data, translations)
    except RuleError as e:
        form.member_summary.errors = [str(e.message)]
        return _log_page(meeting, 400, summary_form=form)
    flash(_("Saved."), "success")
    return _to_log(meeting, "#summary")


@bp.route("/<int:meeting_id>/log/attendance", methods=["POST"])
@staff_required
def log_attendance(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    form = AttendanceForm(prefix="a")
    try:
        present = {int(v) for v in request.form.getlist("present")}
    except ValueError:
        present = None
    if not form.validate_on_submit() or present is None:
        return _log_page(meeting, 400, attendance_form=form)
    log.set_attendance(meeting, present, form.guests.data)
    flash(_("Attendance is saved."), "success")
    return _to_log(meeting, "#attendance")


@bp.route("/<int:meeting_id>/log/actions", methods=["POST"])
@staff_required
def log_action(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    form = ActionForm(prefix="x")
    if form.validate_on_submit():
        today = local_today()
        try:
            log.add_action(meeting, form.title.data, form.owner.data, form.due_on.data, today, current_user.id)
        except RuleError as e:
            show_on_form(form, e, "title")
        else:
            flash(_("The action item is saved."), "success")
            return _to_log(meeting, "#actions")
    return _log_page(meeting, 400, action_form=form)


@bp.route("/actions")
@staff_required
def actions(program_id: int):
    return render_template(
        "meetings/actions.html",
        actions=log.open_actions(program_id),
        today=local_today(),
    )


@bp.route("/actions/<int:action_id>/<any(open, done, dropped):status>", methods=["POST"])
@staff_required
def action_status(program_id: int, action_id: int, status: str):
    item = get_or_404(ActionItem, action_id, program_id)
    log.set_action_status(item, status)
    flash(_("Saved."), "success")
    back = ActionStatusForm().back.data
    if back == "log" and item.meeting_id:
        return redirect(url_for("meetings.log_page", program_id=program_id, meeting_id=item.meeting_id) + "#actions")
    return redirect(url_for("meetings.actions", program_id=program_id))


@bp.route("/<int:meeting_id>/log/recommend/<int:proposal_id>", methods=["POST"])
@staff_required
def log_recommend(program_id: int, meeting_id: int, proposal_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    proposal = get_or_404(Proposal, proposal_id, program_id)
    try:
        log.recommend(proposal, meeting, RecommendForm().recommendation.data or "", current_user.id)
    except RuleError as e:
        flash(e.message, "error")
        return _log_page(meeting, e.status)
    flash(_("Sent to the steering group."), "success")
    return _to_log(meeting, "#recommend")


@bp.route("/<int:meeting_id>/log/notes", methods=["POST"])
@staff_required
def log_notes(program_id: int, meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, program_id)
    notes = {}
    for key, value in request.form.items():
        if key and key.startswith("notes-"):  # a field whose name could not be read has None
            try:
                notes[int(key.removeprefix("notes-"))] = value
            except ValueError:
                raise RuleError(_("This item is not on this meeting's agenda."), status=404) from None
    log.save_item_notes(meeting, notes)
    flash(_("Saved."), "success")
    return _to_log(meeting, "#notes")
