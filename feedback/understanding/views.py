""""I don't understand" buttons and the meeting's evaluation: the member's posts and page, the
staff's voice playback, and the template helpers the shared pages include."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.common.access import get_or_404, staff_required
from feedback.common.answer_forms import answer_post
from feedback.common.errors import RuleError
from feedback.common.request_guards import accepts_upload
from feedback.extensions import db
from feedback.meetings.models import AgendaItem, Meeting
from feedback.programs.models import Role
from feedback.threads import audio
from feedback.understanding import evaluation, presses
from feedback.understanding.models import MeetingEvaluation, TextKind

bp = Blueprint("understanding", __name__)


# --- "I don't understand" ----------------------------------------------------------------------


def _back_to(kind: str, text_id: int) -> str:
    if kind == TextKind.PROPOSAL:
        return url_for("portal.proposal", proposal_id=text_id) + f"#understand-{kind}-{text_id}"
    if kind == TextKind.DECISION:
        return url_for("outcomes.ideas") + f"#decision-{text_id}"
    meeting_id = db.session.scalar(db.select(AgendaItem.meeting_id).where(AgendaItem.id == text_id))
    return url_for("live.follow", meeting_id=meeting_id)


@bp.route("/me/understand/<any(proposal, decision, agenda_item):kind>/<int:text_id>", methods=["POST"])
@login_required
def press(kind: str, text_id: int):
    """Press, or take the press back (undo=1). Works as a plain form; htmx swaps the button."""
    undo = request.form.get("undo") == "1"
    pressed = (presses.undo if undo else presses.press)(kind, text_id, current_user)
    if request.htmx:
        return render_template("understanding/_button.html", kind=kind, text_id=text_id, pressed=pressed,
                               just_pressed=True)
    flash(_("Thank you. Staff will explain it again.") if pressed else _("OK. You took it back."), "success")
    return redirect(_back_to(kind, text_id))


# --- the evaluation ----------------------------------------------------------------------------


def _her_meeting(meeting_id: int) -> Meeting:
    meeting = get_or_404(Meeting, meeting_id)
    if not current_user.has_role(meeting.program_id, Role.MEMBER, Role.STAFF):
        abort(404)
    return meeting


def _context(meeting: Meeting, *, error: RuleError | None = None, form: dict | None = None,
             just_saved: object = None) -> dict:
    mine = evaluation.answer_of(meeting, current_user)
    form = form or {}
    return {
        "meeting": meeting,
        "mine": mine,
        "state": evaluation.state(meeting),
        "can_answer": Role.MEMBER in current_user.roles_in(meeting.program_id),
        "labels": evaluation.face_labels(),
        "face_icons": evaluation.FACE_ICONS,
        "reason_max": evaluation.REASON_MAX,
        "form_answer": form.get("answer", mine.answer if mine else None),
        "form_reason": form.get("reason", mine.reason if mine and mine.reason else ""),
        "form_named": form.get("named", mine.named if mine else False),
        "error": error.message if error else None,
        "error_field": error.field if error else None,
        "just_saved": just_saved is not None,
    }


def _voice_bytes() -> bytes | None:
    storage = request.files.get("voice")
    if not storage or (not storage.filename and not storage.content_length):
        return None
    return storage.read() or None


@bp.route("/me/meetings/<int:meeting_id>/evaluation", methods=["GET", "POST"])
@accepts_upload(audio.MAX_BYTES + 512 * 1024)
@login_required
def evaluate(meeting_id: int):
    meeting = _her_meeting(meeting_id)
    if request.method == "GET":
        return render_template("understanding/evaluation.html", meeting=meeting, ev=_context(meeting))
    form = {"answer": request.form.get("answer", ""), "reason": request.form.get("reason", ""),
            "named": request.form.get("named") == "yes"}
    return answer_post(
        lambda: evaluation.answer(meeting, current_user, form["answer"], form["reason"], _voice_bytes(), form["named"],
                                  keep_voice=request.form.get("drop_voice") != "yes"),
        lambda **kw: {"meeting": meeting, "ev": _context(meeting, **kw)}, form=form,
        page="understanding/evaluation.html", panel="understanding/_evaluation_panel.html",
        back=url_for("understanding.evaluate", meeting_id=meeting.id) + "#evaluation-panel")


@bp.route("/staff/<int:program_id>/meetings/<int:meeting_id>/evaluations/<int:answer_id>/voice")
@staff_required
def voice(program_id: int, meeting_id: int, answer_id: int):
    get_or_404(Meeting, meeting_id, program_id)
    row = db.session.execute(db.select(MeetingEvaluation.voice_mime, MeetingEvaluation.voice_data).where(
        MeetingEvaluation.id == answer_id, MeetingEvaluation.meeting_id == meeting_id)).first()
    if row is None or row.voice_mime is None:
        abort(404)
    return audio.sound_response(row.voice_data, row.voice_mime, f"evaluation-{answer_id}")


# --- for the shared templates ------------------------------------------------------------------


def _evaluation_context(meeting: Meeting) -> dict:
    return _context(meeting)


def _understand_pressed(kind: str, text_id: int) -> bool:
    return presses.is_pressed(kind, text_id, current_user)


def _may_press(program_id: int) -> bool:
    return current_user.is_authenticated and Role.MEMBER in current_user.roles_in(program_id)


def _evaluations_for_me() -> list[Meeting]:
    if not current_user.is_authenticated:
        return []
    return evaluation.open_for(current_user, current_user.program_ids(Role.MEMBER))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        understand_pressed=_understand_pressed,
        understand_may_press=_may_press,
        understand_count=presses.count,
        least_understood=presses.least_understood,
        evaluation_summary=evaluation.for_staff,
        evaluation_state=evaluation.state,
        evaluation_context=_evaluation_context,
        evaluations_for_me=_evaluations_for_me,
        evaluation_face_labels=evaluation.face_labels,
        evaluation_face_icons=evaluation.FACE_ICONS,
    )
