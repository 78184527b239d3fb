"""An office user's own account: her password and the browsers she is logged in on.

Members have no password; their phones are listed on "My data" and staff can end them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from feedback.account.forms import ChangePasswordForm, PasswordCheckForm, TwoFactorCodeForm, TwoFactorSetupForm
from feedback.auth import second_factor, sessions
from feedback.auth import services as auth
from feedback.common.errors import RuleError, show_on_form
from feedback.common.security import verify_password
from feedback.extensions import limiter
from feedback.members.cards import qr_data_uri

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
        show_on_form(form, e, "password")
        return _page(form, 400)
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


# --- the second step ------------------------------------------------------------------------------

_SETUP = "totp_setup"


@bp.before_app_request
def require_second_factor():
    """Admins and the steering group set up the second step before anything else (production)."""
    if not current_user.is_authenticated or current_user.is_member_only or current_user.totp_since:
        return None
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.startswith("account.") or endpoint == "auth.logout":
        return None
    if second_factor.required_for(current_user):
        return redirect(url_for("account.two_factor"))
    return None


def _two_factor_page(code_form: TwoFactorCodeForm | TwoFactorSetupForm | None = None, status: int = 200):
    user = current_user._get_current_object()
    default_form = TwoFactorCodeForm() if current_user.totp_since else TwoFactorSetupForm()
    context = {"code_form": code_form or default_form, "off_form": PasswordCheckForm(),
               "required": second_factor.required_for(user), "unused": 0}
    if user.totp_since:
        context["unused"] = second_factor.unused_codes(user)
    else:
        # The new secret waits in her session until she shows a code made from it.
        secret = session.get(_SETUP) or second_factor.new_secret()
        session[_SETUP] = secret
        context.update(secret=secret, qr=qr_data_uri(second_factor.provisioning_uri(user, secret)))
    return render_template("account/two_factor.html", **context), status


@bp.route("/two-factor", methods=["GET", "POST"])
# Turning it on asks for her password: it must not be a way to guess it without limit.
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def two_factor():
    if request.method == "GET" or current_user.totp_since:
        return _two_factor_page()
    form = TwoFactorSetupForm()
    if not form.validate_on_submit() or not session.get(_SETUP):
        return _two_factor_page(form, 400)
    if not verify_password(current_user.password_hash, form.current.data):
        # Someone at her open session cannot bind an app of their own to her account.
        form.current.errors = [*form.current.errors, _("Your password now is not right.")]
        return _two_factor_page(form, 400)
    try:
        codes = second_factor.turn_on(current_user._get_current_object(), session[_SETUP], form.code.data)
    except RuleError as e:
        show_on_form(form, e, "code")
        return _two_factor_page(form, 400)
    session.pop(_SETUP, None)
    return render_template("account/recovery_codes.html", codes=codes)


@bp.route("/two-factor/codes", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def recovery_codes():
    form = TwoFactorCodeForm()
    user = current_user._get_current_object()
    if not user.totp_since:  # nothing to renew: the page to set it up
        return _two_factor_page(status=400)
    if not form.validate_on_submit() or not second_factor.check(user, form.code.data):
        form.code.errors = [*form.code.errors, _("That code is not right. Type the 6 digits your app shows now.")]
        return _two_factor_page(form, 400)
    codes = second_factor.new_recovery_codes(user)
    return render_template("account/recovery_codes.html", codes=codes)


@bp.route("/two-factor/off", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def two_factor_off():
    form = PasswordCheckForm()
    user = current_user._get_current_object()
    if not form.validate_on_submit() or not verify_password(user.password_hash, form.current.data):
        flash(_("Your password now is not right."), "error")
        return redirect(url_for("account.two_factor"))
    second_factor.turn_off(user)
    flash(_("The second step is off."), "success")
    return redirect(url_for("account.index"))
