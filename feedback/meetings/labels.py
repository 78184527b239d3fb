"""Words for action-item states and the buttons that change them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {"open": _l("Open"), "done": _l("Done"), "dropped": _l("Dropped")}
ACTION_BUTTONS = {"open": _l("Open again"), "done": _l("Mark done"), "dropped": _l("Drop")}


def action_label(status: str) -> str:
    return str(ACTION_LABELS.get(status, status))


def action_button_label(status: str) -> str:
    return str(ACTION_BUTTONS.get(status, status))
