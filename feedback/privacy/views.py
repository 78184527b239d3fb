"""'My data': what the app holds about her, as a page and as a download, and erasing it."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from feedback.common.access import staff_required
from feedback.members import services as members
from feedback.privacy import services

bp = Blueprint("privacy", __name__)


def _confirmed() -> bool:
    return request.form.get("confirm") == "yes"


@bp.route("/me/data")
@login_required
def my_data():
    return render_template("privacy/my_data.html", data=services.my_data(current_user),
                           can_erase=current_user.is_member_only)


@bp.route("/me/data.json")
@login_required
def download():
    body = json.dumps(services.my_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})


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
    flash(_("Your data is deleted. Thank you for taking part."), "info")
    resp = redirect(url_for("auth.login"))
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'
    return resp


@bp.route("/staff/<int:program_id>/members/<int:user_id>/erase", methods=["POST"])
@staff_required
def staff_erase(program_id: int, user_id: int):
    """On her request, staff erase a member's data (for a member who has no phone, say)."""
    user = members.get_member(program_id, user_id)
    if user is None:
        abort(404)
    if not user.is_member_only:
        abort(403)
    if not _confirmed():
        flash(_("Tick the box to say that you are sure."), "error")
        return redirect(url_for("members.edit", program_id=program_id, user_id=user_id) + "#erase")
    services.erase(user)
    flash(_("The member's data is deleted."), "success")
    return redirect(url_for("members.index", program_id=program_id))
