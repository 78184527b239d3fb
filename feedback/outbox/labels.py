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

# Why staff cannot choose a channel for her on the member form.
STAFF_WHY_NOT = {
    Channel.SMS: _l("She has no phone number. Write it above, or choose another way."),
    Channel.EMAIL: _l("She has no e-mail address. Write it above, or choose another way."),
    Channel.PUSH: _l("Messages on her phone are turned on from her phone, on her page “News by SMS or e-mail”."),
}


def channel_label(channel: str) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
