"""The addresses a message carries: the page it is about, and a link that stops that kind of
message with one tap. A stop link lets its holder do that one thing and nothing else: it is
signed, not stored, and never logs anyone in."""

from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_request_context, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "outbox-stop"


def absolute(path: str) -> str:
    """The full address of a page of ours, also in the worker, where there is no request."""
    base = current_app.config.get("BASE_URL") or (request.host_url if has_request_context() else "")
    if not base:
        base = "http://localhost:5000"  # development: set BASE_URL in production (README)
    return base.rstrip("/") + path


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def stop_token(user_id: int, kind: str) -> str:
    return _signer().dumps([user_id, kind])


def path_for(endpoint: str, **values) -> str:
    """url_for's path, also in the worker (which has no request to build it from)."""
    with nullcontext() if has_request_context() else current_app.test_request_context():
        return url_for(endpoint, **values)


def stop_url(user_id: int, kind: str) -> str:
    return absolute(path_for("messages.stop", token=stop_token(user_id, kind)))


def read_stop_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind

