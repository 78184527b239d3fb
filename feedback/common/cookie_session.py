"""The signed session cookie, renewed once a day instead of on every request.

Flask re-signs a permanent session's cookie on every response to push its expiry forward. With
a 180-day cookie a day's precision is plenty, and signing the cookie was a tenth of a vote's cost
(bench/vote_load --profile). What the cookie proves does not change: it is signed as before, and
every request still checks the server-side session (auth/sessions.py)."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.wrappers import Response

from feedback.common.clock import epoch_seconds

# The day the cookie was last sent, in days since 1970 (UTC).
DAY_KEY = "_day"


def _today() -> int:
    return epoch_seconds() // 86400


class DailySessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app: Flask, session: SecureCookieSession) -> bool:  # type: ignore[override]
        if session.modified:
            return True
        return bool(
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"] and session.get(DAY_KEY) != _today()
        )

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:  # type: ignore[override]
        if session and session.permanent and session.get(DAY_KEY) != _today():
            session[DAY_KEY] = _today()
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = DailySessionInterface()
