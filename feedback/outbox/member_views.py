"""Her choice of messages: the channel and the kinds (her settings page), and the one-tap stop
link that every SMS and e-mail carries (it works without logging in)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from feedback.auth.models import User
from feedback.common.errors import RuleError
from feedback.extensions import db, limiter
from feedback.outbox import choice, links
from feedback.outbox.choice import KIND_LABELS
from feedback.programs.models import Role

bp = Blueprint("messages", __name__)


def offered_kinds(user: User) -> list[str]:
    """The kinds of message her roles bring her, in the order of the settings page."""
    roles = {m.role for m in user.memberships if m.left_at is None}
    kinds: list[str] = []
    if Role.MEMBER in roles:
        kinds += choice.MEMBER_KINDS
    if user.is_admin or roles & {Role.STAFF, Role.ADMIN}:
        kinds += [choice.Kind.NEW_POSTS, choice.Kind.REPORTS]
    if Role.STEERING in roles:
        kinds.append(choice.Kind.DIGEST)
    return kinds


@bp.route("/me/messages", methods=["GET", "POST"])
@login_required
def settings():
    user: User = current_user._get_current_object()
    offered = offered_kinds(user)
    error = None
    if request.method == "POST":
        wanted = request.form.get("channel", "")
        try:
            choice.set_channel(user, wanted or None)
            choice.set_stopped(user.id, [k for k in offered if k not in request.form.getlist("kinds")], offered)
        except RuleError as e:
            error = str(e.message)
        else:
            flash(_("Saved. You get news the way you chose."), "success")
            return redirect(url_for("messages.settings"))
    return render_template(
        "outbox/settings.html", user=user, current=user.message_channel or choice.channel_for(user) or "none",
        offered=offered, stopped=choice.stopped_kinds(user.id), labels=KIND_LABELS, error=error,
        missing={c: choice.why_not_channel(user, c) for c in ("sms", "email")},
    ), 400 if error else 200


def _holder(token: str) -> tuple[User, str]:
    found = links.read_stop_token(token)
    if found is None:
        abort(404)
    user = db.session.get(User, found[0])
    if user is None or user.erased_at is not None or found[1] not in set(choice.Kind):
        abort(404)
    return user, found[1]


@bp.route("/stop/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def stop(token: str):
    """GET asks, POST stops: mail programs open links to check them, which must stop nothing."""
    user, kind = _holder(token)
    undo = request.form.get("undo") == "1"
    done = request.method == "POST"
    if done:
        (choice.restart if undo else choice.stop)(user.id, kind)
    stopped = kind in choice.stopped_kinds(user.id)
    with force_locale(user.preferred_language):
        return render_template("outbox/stop.html", token=token, kind_label=str(KIND_LABELS[kind]),
                               stopped=stopped, done=done, lang=user.preferred_language)
