"""Words for the outbox's channels and states (staff pages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from feedback.outbox.models import Channel, State

CHANNEL_LABELS = {Channel.SMS: _l("SMS"), Channel.EMAIL: _l("E-mail"), Channel.PUSH: _l("Push message")}
STATE_LABELS = {
    State.QUEUED: _l("Waiting"),
    State.SENDING: _l("Being sent"),
    State.SENT: _l("Sent"),
    State.FAILED: _l("Not sent: gave up"),
    State.DROPPED: _l("Not sent on purpose"),
}


def channel_label(channel: str) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
