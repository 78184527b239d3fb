"""'My data': what the app holds about her, as a page and as a download, and erasing it."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from feedback.auth import sessions
from feedback.common.access import staff_required
from feedback.common.clock import epoch_seconds
from feedback.common.redirects import safe_next
from feedback.members import services as members
from feedback.operations import retention
from feedback.outbox.choice import KIND_LABELS
from feedback.privacy import services
from feedback.privacy.forms import ConfirmForm, ConsentForm
from feedback.understanding import evaluation

bp = Blueprint("privacy", __name__)


# Pages she can open before saying yes: what is kept, her data, logging out, the app shell.
_BEFORE_CONSENT = ("privacy.", "auth.", "pwa.")


@bp.before_app_request
def end_idle_office_sessions():
    """An office session left open on a shared computer ends by itself."""
    if not current_user.is_authenticated or current_user.is_member_only:
        return None
    now = epoch_seconds()
    seen = session.get("seen")
    session["seen"] = now
    limit = current_app.config["STAFF_IDLE_MINUTES"] * 60
    if isinstance(seen, int) and limit and now - seen > limit:
        lang = current_user.preferred_language
        sessions.end(session.get(sessions.COOKIE_KEY))
        logout_user()
        session.clear()
        session["lang"] = lang
        flash(_("You were logged out because you were away for a while. Please log in again."), "info")
        return redirect(url_for("auth.login"))
    return None


@bp.before_app_request
def ask_for_consent():
    if not current_app.config.get("CONSENT_REQUIRED") or not current_user.is_authenticated:
        return None
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.startswith(_BEFORE_CONSENT):
        return None
    if current_user.consented_at is not None or not current_user.is_member_only:
        return None
    target = request.full_path if request.method == "GET" and not request.htmx else None
    return redirect(url_for("privacy.consent", next=target))


@bp.route("/me/welcome", methods=["GET", "POST"])
@login_required
def consent():
    if request.method == "POST":
        form = ConsentForm()
        if form.agree.data != "yes":
            flash(_("Tick the box to say that you are sure."), "error")
            return redirect(url_for("privacy.consent", next=form.next.data))
        services.give_consent(current_user._get_current_object())
        return redirect(safe_next(form.next.data, "portal.home"))
    return render_template("privacy/consent.html", next=request.args.get("next", ""),
                           periods=retention.periods_for(current_user))


def _confirmed() -> bool:
    return ConfirmForm().confirm.data == "yes"


@bp.route("/me/data")
@login_required
def my_data():
    return render_template("privacy/my_data.html", data=services.my_data(current_user),
                           can_erase=current_user.is_member_only, periods=retention.periods_for(current_user),
                           faces=evaluation.face_labels(), message_kinds=KIND_LABELS)


def _data_file(user, program_id: int | None = None) -> Response:
    body = json.dumps(services.my_data(user, program_id=program_id), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"',
                             "Cache-Control": "no-store"})


@bp.route("/me/data.json")
@login_required
def download():
    return _data_file(current_user)


@bp.route("/staff/<int:program_id>/members/<int:user_id>/data.json")
@staff_required
def staff_download(program_id: int, user_id: int):
    """On her request, staff give a member everything kept about her (for a member who has no
    phone, say): the same file she downloads herself."""
    return _data_file(members.managed_member(program_id, user_id), program_id)


@bp.route("/me/data/erase", methods=["POST"])
@login_required
def erase():
    # Office accounts are closed by a site admin: they carry decisions others must be able to trace.
    if not current_user.is_member_only:
        abort(403)
    if not _confirmed():
        flash(_("Tick the box to say that you are sure."), "error")
        return redirect(url_for("privacy.my_data") + "#erase")
    lang = current_user.preferred_language
    services.erase(current_user._get_current_object())
    logout_user()
    session.clear()
    session["lang"] = lang  # the goodbye in her language
    resp = redirect(url_for("privacy.goodbye"))
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'
    return resp


@bp.route("/goodbye")
def goodbye():
    return render_template("privacy/goodbye.html")


@bp.route("/staff/<int:program_id>/members/<int:user_id>/sessions/<int:session_id>/end", methods=["POST"])
@staff_required
def end_session(program_id: int, user_id: int, session_id: int):
    """A lost or shared phone: staff log her out of that one phone."""
    if not sessions.end_one(members.managed_member(program_id, user_id, current=True), session_id):
        abort(404)
    flash(_("She is logged out on that phone."), "success")
    return redirect(url_for("members.edit", program_id=program_id, user_id=user_id) + "#sessions")


@bp.route("/staff/<int:program_id>/members/<int:user_id>/erase", methods=["POST"])
@staff_required
def staff_erase(program_id: int, user_id: int):
    """On her request, staff erase a member's data (for a member who has no phone, say)."""
    user = members.managed_member(program_id, user_id)
    members.check_only_in(program_id, user)
    if not _confirmed():
        flash(_("Tick the box to say that you are sure."), "error")
        return redirect(url_for("members.edit", program_id=program_id, user_id=user_id) + "#erase")
    services.erase(user)
    flash(_("The member's data is deleted."), "success")
    return redirect(url_for("members.index", program_id=program_id))
