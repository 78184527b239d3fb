"""Cross-cutting web concerns: security headers, error pages, template helpers."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from feedback.audit import security
from feedback.audit.labels import security_kind_label
from feedback.common import i18n
from feedback.common.errors import RuleError
from feedback.common.icons import CHOICE_ICONS, ICONS, icon, icon_path
from feedback.common.lix import readability
from feedback.common.text import linkify
from feedback.extensions import db
from feedback.meetings.labels import action_button_label, action_label
from feedback.programs.labels import role_label
from feedback.proposals.labels import status_label
from feedback.votes.labels import CHOICE_LABELS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

ERROR_TEXT = {
    400: _l("Something in the form was not right. Please try again."),
    403: _l("You do not have access to this page."),
    404: _l("We could not find this page."),
    405: _l("This action is not possible here."),
    410: _l("This link does not work any more."),
    413: _l("What you sent is too big."),
    429: _l("Too many tries. Wait a minute and try again."),
    503: _l("We cannot reach our data right now. Nothing was saved. Try again in a minute."),
    500: _l("Something went wrong on our side. Please try again later."),
}


def _security_event(kind: str, detail: str | None) -> None:
    try:
        security.record(kind, detail)
    except SQLAlchemyError:  # the refusal still answers when the log cannot be written
        db.session.rollback()
        current_app.logger.warning("security event %s not written (database error)", kind, exc_info=True)


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def accepts_upload(max_bytes: int):
    """Marks a view that takes a file of up to max_bytes. The larger body limit is set before
    anything reads the body (refuse_null_bytes below reads every form's text fields)."""
    def mark(view):
        view.upload_limit = max_bytes
        return view
    return mark


def init_app(app: Flask) -> None:
    @app.after_request
    def buffer_static(resp):
        # Registered after Flask-Compress, so it runs before it: our static files are small,
        # and read into memory they get compressed like any page (htmx: 52 KB -> 16 KB).
        if request.endpoint == "static" and resp.status_code == 200 and resp.is_streamed:
            stream = resp.response
            resp.direct_passthrough = False
            data = b"".join(resp.iter_encoded())
            if hasattr(stream, "close"):
                stream.close()
            resp.set_data(data)
        if request.endpoint == "static" and request.args.get("v"):
            resp.cache_control.immutable = True  # the URL changes whenever the file does
        return resp

    @app.before_request
    def refuse_null_bytes():
        # No person types a null byte; PostgreSQL cannot store one. Refused here, for every
        # form, multipart ones too (their text fields; files are bytes and stay as they are).
        limit = getattr(app.view_functions.get(request.endpoint), "upload_limit", None)
        if limit and request.method == "POST":
            request.max_content_length = limit
        values = [*request.args.values(), *(request.form.values() if request.method != "GET" else ())]
        if any("\x00" in v for v in values) or "\x00" in request.path:
            abort(400)

    @app.after_request
    def security_headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")  # login links stay out of referrers
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Permissions-Policy", "camera=(), geolocation=(), microphone=(self)")
        if app.config.get("PRODUCTION"):
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Pages carry personal data: never store them in shared caches.
            resp.headers.setdefault("Cache-Control", "no-store")
            resp.vary.add("Cookie")
        return resp

    def render_error(status: int, message=None):
        text = message or ERROR_TEXT.get(status, ERROR_TEXT[500])
        if status in (403, 429):
            _security_event(security.FORBIDDEN if status == 403 else security.RATE_LIMITED, request.endpoint)
        if is_htmx():
            # Shown in the page's error region, so the form she was filling in stays where it is.
            headers = {"HX-Retarget": "#live-errors", "HX-Reswap": "innerHTML"}
            return render_template("_error_message.html", message=text), status, headers
        return render_template("error.html", status=status, message=text), status

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return render_error(e.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(_e: CSRFError):
        _security_event(security.CSRF_REFUSED, request.endpoint)
        return render_error(400, _l("This form was too old or not complete. Go back, reload the page and try again."))

    @app.errorhandler(RuleError)
    def rule_error(e: RuleError):
        return render_error(e.status, e.message)

    @app.errorhandler(500)
    def server_error(_e):
        return render_error(500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unreachable(e):
        # The database is away (a restart, the network): nothing was saved. The pool throws the
        # broken connection away, so the next request after it is back just works.
        app.logger.error("database unreachable on %s %s: %s", request.method, request.endpoint, type(e).__name__)
        db.session.rollback()
        return render_error(503)

    @app.context_processor
    def template_helpers():
        lang = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "lang": lang,
            "text_dir": i18n.text_direction(lang),
            "languages": i18n.languages,
            "language_info": i18n.language_info,
            "language_name": lambda code: i18n.language_name(code, lang),
            "asset": asset_url,
            "ICONS": ICONS,
            "icon_path": icon_path,
            "status_label": status_label,
            "role_label": role_label,
            "security_kind_label": security_kind_label,
            "action_label": action_label,
            "action_button_label": action_button_label,
            "CHOICE_ICONS": CHOICE_ICONS,
            "is_htmx": is_htmx,
            "unread_news": _unread_news,
        }

    @app.route("/")
    def index():
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        if current_user.is_admin:
            return redirect(url_for("admin.programs"))
        staff_programs = current_user.program_ids("staff", "admin", "steering")
        if staff_programs:
            return redirect(url_for("staff.overview", program_id=staff_programs[0]))
        return redirect(url_for("portal.home"))

    @app.route("/healthz")
    def healthz():
        """For the load balancer: 200 when this server can reach the database, else 503."""
        try:
            db.session.execute(sa.text("SELECT 1"))
            db.session.rollback()
        except SQLAlchemyError:
            db.session.rollback()
            return jsonify(status="unavailable", database="unreachable"), 503
        return jsonify(status="ok", database="ok"), 200

    app.jinja_env.globals["g"] = g
    app.jinja_env.globals["icon"] = icon
    app.jinja_env.globals["choice_label"] = lambda choice: str(CHOICE_LABELS.get(choice, choice))
    app.jinja_env.globals["readability"] = readability
    app.jinja_env.globals["lix_band_label"] = lix_band_label
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["reject_page"] = lambda args: {k: v for k, v in args.items() if k != "page"}
    app.jinja_env.filters["duration"] = _duration

    @app.template_filter("wallclock")
    def wallclock(value, fmt: str = "medium"):
        # Meeting times are stored as the program's wall-clock time: show them as they are.
        return format_datetime(value, fmt, rebase=False)


LIX_BANDS = {
    "very_easy": _l("very easy"),
    "easy": _l("easy"),
    "medium": _l("medium"),
    "hard": _l("hard"),
    "very_hard": _l("very hard"),
}


def lix_band_label(band: str) -> str:
    return str(LIX_BANDS[band])


def _unread_news() -> int:
    """The badge in the menu: called only by the pages that show it."""
    if not current_user.is_authenticated:
        return 0
    from feedback.notifications.services import unread_count

    if "unread_news" not in g:
        g.unread_news = unread_count(current_user)
    return g.unread_news


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


@lru_cache(maxsize=128)
def _file_version(path: str, mtime: float) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """A static URL with a content hash, so it can be cached for a year."""
    from flask import current_app

    path = os.path.join(current_app.static_folder or "", filename)
    try:
        version = _file_version(path, os.path.getmtime(path))
    except OSError:
        version = "missing"
    return url_for("static", filename=filename, v=version)
