"""An office user's own account: her password and the browsers she is logged in on.

Members have no password; their phones are listed on "My data" and staff can end them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from feedback.account.forms import ChangePasswordForm
from feedback.auth import services as auth
from feedback.auth import sessions
from feedback.common.errors import RuleError, show_on_form
from feedback.common.security import verify_password
from feedback.extensions import db, limiter

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def office_only():
    if current_user.is_member_only:
        abort(404)
    return None


def _page(form: ChangePasswordForm | None = None, status: int = 200):
    record = sessions.find(session.get(sessions.COOKIE_KEY))
    return render_template("account/index.html", form=form or ChangePasswordForm(),
                           sessions=sessions.active(current_user), this_session=record.id if record else None), status


@bp.route("/")
def index():
    return _page()


@bp.route("/password", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])  # her password now can be guessed here too
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    user = current_user._get_current_object()
    try:
        if not verify_password(user.password_hash, form.current.data):
            raise RuleError(_("Your password now is not right."), field="current")
        auth.set_password(user, form.password.data)  # ends every session, this one too
    except RuleError as e:
        db.session.rollback()
        show_on_form(form, e, "password")
        return _page(form, 400)
    db.session.commit()
    # This browser goes on with a fresh session; every other one is logged out.
    session.clear()
    login_user(user)
    session[sessions.COOKIE_KEY] = sessions.start(user, request.user_agent.string)
    flash(_("Your password is changed. You are logged out on every other computer and phone."), "success")
    return redirect(url_for("account.index"))


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
def end_session(session_id: int):
    if not sessions.end_one(current_user, session_id):
        abort(404)
    flash(_("That browser is logged out."), "success")
    return redirect(url_for("account.index") + "#sessions")
