"""One transaction per request. Services change state and flush; they never commit. The end of
a request commits what it changed when it succeeded, and rolls everything back when it was
refused: an error status, or a rule that said no (a RuleError raised while it ran, even one a
view caught to show its message next to a field: the raise itself rolls back, so no view has to).
CLI commands commit once at their end.

A few writes must outlive the refusal they belong to, and commit on their own (each says why):
security events (feedback/audit/security.py) and a member link stopped because its holder
became staff (feedback/auth/services.py)."""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy.exc import InterfaceError, OperationalError

from feedback.extensions import db


def refuse() -> None:
    """A rule said no (RuleError calls this): whatever this request changed is undone now, so the
    page that shows the message shows the data as it was, and nothing after it is committed."""
    if has_request_context() and not g.get("asking"):
        db.session.rollback()
        g.refused = True


def asked(check, *args) -> bool:
    """A rule asked as a question ("may she write here?"): a no answers False and refuses nothing."""
    from feedback.common.errors import RuleError

    in_request = has_request_context()
    if in_request:
        g.asking = True
    try:
        check(*args)
    except RuleError:
        return False
    finally:
        if in_request:
            g.asking = False
    return True


def init_app(app: Flask) -> None:
    @app.after_request
    def end_transaction(resp):
        session = db.session()
        if not session.in_transaction():  # a static file, or nothing read: nothing to end
            return resp
        if resp.status_code >= 400 or g.get("refused"):
            db.session.rollback()
            return resp
        # The page is rendered: nothing reads these objects again, so don't expire them.
        session.expire_on_commit = False
        try:
            db.session.commit()
        except (OperationalError, InterfaceError):
            # The database went away before the commit: nothing was saved, and she is told so.
            from feedback.common.error_pages import render_error

            db.session.rollback()
            app.logger.error("database unreachable at commit on %s", resp.status_code)
            return app.make_response(render_error(503))
        finally:
            session.expire_on_commit = True
        return resp
