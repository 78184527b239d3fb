"""Staff see what the outbox sent to the people of their program, and send themselves a test."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.common.access import staff_required
from feedback.outbox import services
from feedback.outbox.providers import providers_for

bp = Blueprint("outbox", __name__, url_prefix="/staff/<int:program_id>/messages")


def _channels() -> dict[str, str | None]:
    """Each channel's provider, by name (None: switched off), for the settings box."""
    providers = providers_for(current_app)
    described = {}
    for channel, provider in providers.items():
        if provider is None:
            described[channel] = None
        elif provider.name == "smtp":
            described[channel] = f"SMTP {current_app.config['SMTP_HOST']}:{current_app.config['SMTP_PORT']}"
        else:
            described[channel] = provider.name
    return described


@bp.route("/")
@staff_required
def index(program_id: int):
    return render_template("outbox/index.html", messages=services.for_program(program_id), channels=_channels())


@bp.route("/test", methods=["POST"])
@staff_required
def test(program_id: int):
    channels = services.send_test(current_user._get_current_object(), program_id)
    if channels:
        flash(_("A test message to you is in the outbox. It is sent within a minute when the outbox worker runs."),
              "success")
    else:
        flash(_("Your account has no e-mail address or phone number to send a test to."), "error")
    return redirect(url_for("outbox.index", program_id=program_id))
