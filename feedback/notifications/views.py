"""What is new for me: the list behind the badge."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from feedback.notifications import services

bp = Blueprint("notifications", __name__)


@bp.route("/me/news")
@login_required
def news():
    items = services.latest(current_user)
    unread = {n.id for n in items if n.read_at is None}
    services.mark_read(current_user)  # she has seen the list; the links still work afterwards
    return render_template("notifications/news.html", items=items, unread=unread)
