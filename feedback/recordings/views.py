"""Recordings: staff record or upload one per language and take it away; whoever may read the
text hears it (the audio route)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.common.access import get_or_404, staff_required
from feedback.common.errors import RuleError
from feedback.common.request_guards import accepts_upload
from feedback.recordings import services
from feedback.recordings.models import Recording
from feedback.threads import audio

bp = Blueprint("recordings", __name__)

# The staff page where each kind of text is recorded: a decision on its proposal's page, a meeting's
# summary for members on the meeting log, where it is written.
_STAFF_PAGES = {
    "proposal": lambda s: url_for("proposals.show", program_id=s.program_id, proposal_id=s.id),
    "decision": lambda s: url_for("proposals.show", program_id=s.program_id, proposal_id=s.proposal_id),
    "change": lambda s: url_for("changes.edit", program_id=s.program_id, change_id=s.id),
    "meeting": lambda s: url_for("meetings.log_page", program_id=s.program_id, meeting_id=s.id),
}
STAFF_KINDS = f"any({', '.join(_STAFF_PAGES)})"


def _back(kind: str, subject, language: str):
    return redirect(_STAFF_PAGES[kind](subject) + f"#rec-{kind}-{language}", code=303)


def _subject(program_id: int, kind: str, subject_id: int, lang_code: str):
    """The text, of this program, and a language the app offers; 404 otherwise."""
    if lang_code not in current_app.config["LANGUAGES"]:
        abort(404)
    return get_or_404(services.SUBJECT_MODELS[kind], subject_id, program_id)


def _upload() -> bytes | None:
    storage = request.files.get("voice")
    return storage.read() if storage else None


@bp.route(f"/staff/<int:program_id>/recordings/<{STAFF_KINDS}:kind>/<int:subject_id>/<lang_code>", methods=["POST"])
@accepts_upload(audio.MAX_BYTES + 512 * 1024)
@staff_required
def upload(program_id: int, kind: str, subject_id: int, lang_code: str):
    subject = _subject(program_id, kind, subject_id, lang_code)
    try:
        services.save(kind, subject, lang_code, _upload(), current_user.id)
    except RuleError as e:
        flash(e.message, "error")
    else:
        flash(_("The recording is saved."), "success")
    return _back(kind, subject, lang_code)


@bp.route(f"/staff/<int:program_id>/recordings/<{STAFF_KINDS}:kind>/<int:subject_id>/<lang_code>/delete",
          methods=["POST"])
@staff_required
def delete(program_id: int, kind: str, subject_id: int, lang_code: str):
    subject = _subject(program_id, kind, subject_id, lang_code)
    if services.delete(kind, subject_id, lang_code):
        flash(_("The recording is removed."), "success")
    return _back(kind, subject, lang_code)


@bp.route("/recordings/<int:recording_id>")
@login_required
def play(recording_id: int):
    """The sound, only for people who may read its text: never a public file."""
    rec = get_or_404(Recording, recording_id)
    if not services.can_hear(current_user, rec):
        abort(404)
    # A new recording replaces the old one under the same address: the tag tells them apart.
    return audio.sound_response(rec.data, rec.mime, f"recording-{rec.id}-{rec.language}",
                                etag=f"rec-{rec.id}-{int(rec.created_at.timestamp())}-{rec.size}",
                                cache="private, no-cache")


@bp.app_template_global()
def recordings_of(kind: str, subject_id: int) -> dict[str, Recording]:
    """For the staff page: which languages have a recording."""
    return services.recorded(kind, subject_id)


@bp.app_template_global()
def playback_of(kind: str, subject_id: int, language: str) -> services.Playback:
    """For a member's page: what her Listen control plays."""
    return services.playback(kind, subject_id, language)
