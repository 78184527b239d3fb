"""Log in and out: password for staff, personal link for members, language choice."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from feedback.audit import security
from feedback.auth import second_factor, services, sessions
from feedback.auth.forms import CodeForm, LanguageForm, LoginForm, SetPasswordForm
from feedback.auth.member_forms import LostCardForm
from feedback.auth.models import User
from feedback.common.clock import epoch_seconds, utcnow
from feedback.common.errors import RuleError
from feedback.common.phones import e164
from feedback.common.redirects import safe_next
from feedback.extensions import db, limiter
from feedback.members import lost_card
from feedback.outbox import push, push_views

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _link_limit() -> str:
    return current_app.config["LINK_RATE_LIMIT"]


@bp.before_app_request
def check_server_session():
    """A browser whose session was ended (logout elsewhere, staff, a new link) is logged out here."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    record = g.get("server_session")  # loaded with her by the user loader
    if record is None:
        logout_user()
        session.clear()
        return None
    hours = current_app.config["OFFICE_SESSION_HOURS"]
    if hours and not current_user.is_member_only and utcnow() - record.created_at > timedelta(hours=hours):
        lang = current_user.preferred_language
        sessions.end(session.get(sessions.COOKIE_KEY))
        logout_user()
        session.clear()
        session["lang"] = lang
        flash(_("You were logged out after %(hours)s hours. Please log in again.", hours=hours), "info")
        return redirect(url_for("auth.login"))
    sessions.touch(record)
    return None


def _account_limit() -> str:
    return current_app.config["ACCOUNT_LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return "login-account:" + (services.normalise_email(request.form.get("email")) or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
# Only wrong tries count against the account (a refused login answers 400).
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], deduct_when=lambda r: r.status_code == 400)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user and user.totp_since:
            # The password was right; the code from her app comes next, on its own page.
            session.clear()
            session[_PENDING] = {"uid": user.id, "v": user.session_version, "at": epoch_seconds(),
                                 "next": request.args.get("next")}
            return redirect(url_for("auth.second_step"))
        if user:
            _begin_session(user)
            return redirect(safe_next(request.args.get("next")))
        security.record(security.LOGIN_FAILED, services.normalise_email(form.email.data))
        flash(_("Wrong email or password."), "error")
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


_PENDING = "pending_login"
_PENDING_SECONDS = 300


def _pending_user():
    pending = session.get(_PENDING)
    if not isinstance(pending, dict) or epoch_seconds() - pending.get("at", 0) > _PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.active or user.session_version != pending.get("v") or not user.totp_since:
        return None
    return user


def _second_step_key() -> str:
    pending = session.get(_PENDING)
    return f"second-step:{pending.get('uid') if isinstance(pending, dict) else ''}"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_second_step_key, methods=["POST"], deduct_when=lambda r: r.status_code == 400)
def second_step():
    """The second step of an office login: the 6 digits from her app, or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop(_PENDING, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.check(user, form.code.data):
            target = session[_PENDING].get("next")
            _begin_session(user)  # the step used is saved with her new session, at the end of this request
            return redirect(safe_next(target))
        security.record(security.SECOND_FACTOR_FAILED, user.email)
        form.code.errors = [*form.code.errors, _("That code is not right. Type the 6 digits your app shows now.")]
    return render_template("auth/code.html", form=form), 400 if request.method == "POST" else 200


def _begin_session(user: User, permanent: bool = False) -> None:
    """Log her in on this browser with a new server session. Whatever session the browser had
    before (another person's, or her own older one) ends on the server, so that a copy of the
    old cookie stops working too."""
    sessions.end(session.get(sessions.COOKIE_KEY))
    session.clear()
    session.permanent = permanent
    login_user(user, remember=False)
    session[sessions.COOKIE_KEY] = sessions.start(user, request.user_agent.string)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        push.forget_browser(current_user._get_current_object(), session.get(push_views.SESSION_KEY))
    sessions.end(session.get(sessions.COOKIE_KEY))
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    resp = redirect(url_for("auth.login"))
    # Phones are shared: the browser drops what it kept of her pages (and the service worker).
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'
    return resp


@bp.route("/in/<token>", methods=["GET", "POST"])
@limiter.limit(_link_limit)
def member_link(token: str):
    """Her personal link or QR card: logs her in and remembers her on this phone. A phone that
    is logged in as someone else asks first (a POST), so that a link sent to her cannot switch
    her account behind her back."""
    if request.method == "GET" and current_user.is_authenticated:
        owner = services.member_link_owner(token)
        if owner is not None and owner.id == current_user.id:
            return redirect(url_for("portal.home"))
        if owner is not None:
            return render_template("auth/switch.html", token=token)
    try:
        user = services.login_with_member_link(token)
    except RuleError as e:
        security.record(security.LINK_REFUSED, str(e.status))
        logout_user()
        return render_template("auth/link_problem.html", message=e.message), e.status
    _begin_session(user, permanent=True)  # her phone stays logged in for months, until she or staff end it
    return redirect(url_for("portal.home"))


def _lost_card_limit() -> str:
    return current_app.config["LOST_CARD_RATE_LIMIT"]


def _lost_card_number_limit() -> str:
    return current_app.config["LOST_CARD_NUMBER_RATE_LIMIT"]


def _lost_card_number_key() -> str:
    """One count per number, however it is written ("070-123 45 67" is "+46701234567")."""
    raw = (request.form.get("phone") or "")[:40]
    return "lost-card:" + (e164(raw) or raw.strip())


@bp.route("/login/lost-card", methods=["GET", "POST"])
@limiter.limit(_lost_card_limit, methods=["POST"])
# Only requests that could send an SMS count against the number (a wrongly written one answers 400).
@limiter.limit(_lost_card_number_limit, key_func=_lost_card_number_key, methods=["POST"],
               deduct_when=lambda r: r.status_code == 302)
def lost_card_page():
    """She lost her card: she types her phone number and gets a new link by SMS, if it is a
    member's. The answer is the same whether it is or not, so the page tells no one who is a member."""
    form = LostCardForm()
    if form.validate_on_submit():
        number = e164(form.phone.data)
        if number is None:
            form.phone.errors = [*form.phone.errors, _("We cannot send an SMS to this number. "
                                                       "Write it like this: 070 123 45 67.")]
        else:
            # Who asked for which number, for admins: the number only as a keyed hash, never as text.
            security.record(security.CARD_BY_SMS, "number " + lost_card.number_tag(number))
            lost_card.ask_by_phone(number)
            flash(_("Thank you. If the number is in the app, a new link comes by SMS soon."), "success")
            return redirect(url_for("auth.lost_card_page"))
    return render_template("auth/lost_card.html", form=form), 400 if form.errors else 200


@bp.route("/password/<token>", methods=["GET", "POST"])
@limiter.limit(_link_limit)
def set_password(token: str):
    try:
        services.check_password_link(token)
    except RuleError as e:
        security.record(security.PASSWORD_LINK_REFUSED, str(e.status))
        return render_template("auth/link_problem.html", message=e.message), e.status
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.use_password_link(token, form.password.data)
        except RuleError as e:
            form.password.errors = [*form.password.errors, e.message]
        else:
            flash(_("Your password is saved."), "info")
            if user.totp_since:
                # The link stands in for the password only: the second step still comes.
                sessions.end(session.get(sessions.COOKIE_KEY))
                logout_user()
                session.clear()
                return redirect(url_for("auth.login"))
            _begin_session(user)
            return redirect(url_for("index"))
    return render_template("auth/set_password.html", form=form), 400 if form.errors else 200


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    code = form.lang.data or ""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.preferred_language = code
    return redirect(safe_next(form.next.data))
