"""Error pages: one plain message per status, as a whole page or, for htmx, in the page's error
region so that the form she was filling in stays where it is."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from htmx_flask import make_response as htmx_response
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from feedback.audit import security
from feedback.common.errors import RuleError
from feedback.extensions import db

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


def error_fragment(message, status: int):
    """The message alone, swapped by htmx into the page's error region (#live-errors)."""
    return htmx_response(
        render_template("_error_message.html", message=message), status, retarget="#live-errors", reswap="innerHTML"
    )


def render_error(status: int, message=None):
    text = message or ERROR_TEXT.get(status, ERROR_TEXT[500])
    if status in (403, 429):
        _security_event(security.FORBIDDEN if status == 403 else security.RATE_LIMITED, request.endpoint)
    if request.htmx:
        return error_fragment(text, status)
    return render_template("error.html", status=status, message=text), status


def _security_event(kind: str, detail: str | None) -> None:
    try:
        security.record(kind, detail)
    except SQLAlchemyError:  # the refusal still answers when the log cannot be written
        db.session.rollback()
        current_app.logger.warning("security event %s not written (database error)", kind, exc_info=True)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        db.session.rollback()  # nothing half-done in a refused request is kept
        return render_error(e.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(_e: CSRFError):
        _security_event(security.CSRF_REFUSED, request.endpoint)
        return render_error(400, _l("This form was too old or not complete. Go back, reload the page and try again."))

    @app.errorhandler(RuleError)
    def rule_error(e: RuleError):
        db.session.rollback()  # a rule said no: whatever the request had changed is undone
        return render_error(e.status, e.message)

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return render_error(500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unreachable(e):
        # The database is away (a restart, the network): nothing was saved. The pool throws the
        # broken connection away, so the next request after it is back just works.
        app.logger.error("database unreachable on %s %s: %s", request.method, request.endpoint, type(e).__name__)
        db.session.rollback()
        return render_error(503)
