"""Her phone says yes (or no more) to push messages: the browser's subscription, sent as JSON by
static/js/app.js with the CSRF token in the X-CSRFToken header. Any logged-in person may keep
subscriptions of her own; a refused one is a 400 with the reason, and nothing is stored."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request, session
from flask_login import current_user, login_required

from feedback.common.errors import RuleError
from feedback.outbox import choice, push
from feedback.outbox.models import Channel

bp = Blueprint("push", __name__, url_prefix="/me/push")
# This browser's subscription, kept in its session so that logging out can forget it.
SESSION_KEY = "push"


def _refused(why: str):
    # The RuleError already undid the request's changes; the 400 keeps it from committing.
    return jsonify({"ok": False, "error": why}), 400


def _json_body() -> object:
    """The request's JSON, at most push.BODY_MAX bytes; RuleError for anything else."""
    if not request.mimetype == "application/json":
        raise RuleError("send the subscription as application/json", status=400)
    if request.content_length is not None and request.content_length > push.BODY_MAX:
        raise RuleError("the subscription is too long", status=400)
    raw = request.stream.read(push.BODY_MAX + 1)
    if len(raw) > push.BODY_MAX:
        raise RuleError("the subscription is too long", status=400)
    try:
        data = json.loads(raw.decode("utf-8"))
        _check_storable(data)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: "[[[[..." under the size limit
        raise RuleError("the subscription is not JSON", status=400) from None
    return data


def _check_storable(value: object) -> None:
    """ValueError for a NUL or a lone surrogate anywhere in it (JSON's \\u0000 and \\ud800): no
    database stores either, and the row would fail on its way in."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL")
        value.encode("utf-8")  # UnicodeEncodeError, a ValueError, for a lone surrogate
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key)
            _check_storable(item)
    elif isinstance(value, list):
        for item in value:
            _check_storable(item)


@bp.route("/subscribe", methods=["POST"])
@login_required
def subscribe():
    c = current_app.config
    if not c.get("VAPID_PRIVATE_KEY"):
        return jsonify({"ok": False, "error": "push messages are not set up on this server"}), 404
    try:
        endpoint, p256dh, auth = push.check_subscription(
            _json_body(), tuple(c["PUSH_ENDPOINT_SCHEMES"]), c["PUSH_ENDPOINT_HOSTS"])
    except RuleError as e:
        return _refused(str(e.message))
    session[SESSION_KEY] = push.subscribe(current_user.id, endpoint, p256dh, auth).id
    # Turning messages on for this phone is choosing them: her news goes here from now on.
    choice.set_channel(current_user._get_current_object(), Channel.PUSH)
    return jsonify({"ok": True})


@bp.route("/unsubscribe", methods=["POST"])
@login_required
def unsubscribe():
    try:
        data = _json_body()
        endpoint = data.get("endpoint") if isinstance(data, dict) else None
        if not isinstance(endpoint, str) or not endpoint or len(endpoint) > push.ENDPOINT_MAX:
            raise RuleError("send the endpoint to stop", status=400)
    except RuleError as e:
        return _refused(str(e.message))
    session.pop(SESSION_KEY, None)
    return jsonify({"ok": True, "stopped": push.unsubscribe(current_user.id, endpoint)})


@bp.app_template_global()
def vapid_public_key() -> str:
    """For the push button (templates/macros/push.html): "" when push is off."""
    return push.public_key(current_app)
