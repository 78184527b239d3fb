"""The signed session cookie, renewed once a day instead of on every request, and checked once
per worker instead of on every request.

Flask re-signs a permanent session's cookie on every response to push its expiry forward. With
a 180-day cookie a day's precision is plenty, and signing the cookie was a tenth of a vote's cost
(bench/vote_load --profile). Opening it (its signature checked, its JSON read) was another 5%: a
worker keeps the cookies it has opened, and opens the same cookie again from memory, its age
checked on every request as before. What the cookie proves does not change: only a cookie whose
signature was checked is kept, and every request still checks the server-side session
(auth/sessions.py)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.wrappers import Request, Response

from feedback.common.clock import epoch_seconds

# The day the cookie was last sent, in days since 1970 (UTC).
DAY_KEY = "_day"


def _today() -> int:
    return epoch_seconds() // 86400


# (secret key, cookie) -> (its contents, when it was signed, in epoch seconds). Bounded: emptied
# when full, so at worst a cookie's signature is checked again.
_OPENED: dict[tuple[Any, str], tuple[dict, int]] = {}
OPENED_MAX = 4096
_PLAIN = (str, int, float, bool, type(None))


class DailySessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:  # type: ignore[override]
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        opened = _OPENED.get((app.secret_key, cookie))
        if opened is not None:
            data, signed_at = opened
            if 0 <= epoch_seconds() - signed_at <= max_age:
                return self.session_class(data)
            return self.session_class()  # too old (or from the future), as itsdangerous would say
        try:
            data, signed = self.get_signing_serializer(app).loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        # Only flat values are kept: a list in the session (flashed messages) is changed in place.
        if all(isinstance(v, _PLAIN) for v in data.values()):
            if len(_OPENED) >= OPENED_MAX:
                _OPENED.clear()
            _OPENED[(app.secret_key, cookie)] = (data, int(signed.timestamp()))
        return self.session_class(data)

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
