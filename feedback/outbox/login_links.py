"""Her link by SMS (a lost card): the one kind of message whose text must carry a working login
link, which the outbox must never keep (its rows are shown to staff, kept for retries and put in
her data file). So the row keeps the text with a slot for the token (TOKEN_SLOT, inside the
link's address), and the worker mints a new card just before the provider sends it
(with_new_link): the text handed to the provider has the link, the row never does.

Minting stops her old links, as a new printed card does. A retry mints again (the last link
that reached her works), and a try that fails gives the new link back (keep_old_link), so a
refused number does not leave her without the card she has."""

from __future__ import annotations

from uuid import uuid4

from flask_babel import force_locale
from flask_babel import gettext as _

from feedback.auth.models import User
from feedback.auth.services import issue_member_link
from feedback.extensions import db
from feedback.members.cards import login_url
from feedback.outbox.models import Channel, OutboxMessage
from feedback.outbox.services import enqueue

KIND = "login-link"
TOKEN_SLOT = "{token}"


def link_template() -> str:
    """Her link's address with the slot where the token goes (needs a request, for the host)."""
    return login_url("x").rsplit("/", 1)[0] + "/" + TOKEN_SLOT


def sms_text(user: User) -> str:
    """The SMS in her language, with the slot for the token: short, no name, nothing personal."""
    link = link_template()
    with force_locale(user.preferred_language or "sv"):
        text = _("Here is your new link to the expert group: %(link)s Your old link does not work any more.",
                 link=link)
    # A translation that lost the link would send her nothing she can use: then the English text.
    return text if TOKEN_SLOT in text else (
        f"Here is your new link to the expert group: {link} Your old link does not work any more.")


def queue(user: User, program_id: int | None) -> bool:
    """An SMS with a new link to her: each request its own message (the callers limit how many).
    program_id: the program whose staff sent it (shown on its Messages page), None when she asked
    for it herself on the login page (then staff of every group she is in see it)."""
    return enqueue(user, Channel.SMS, KIND, f"{KIND}:{uuid4().hex}", sms_text(user), program_id=program_id)


def with_new_link(message: OutboxMessage, user: User) -> str:
    """The text to send: a new card for her, minted now (her old links stop). Raises RuleError
    when she may not have a link (she became staff meanwhile). Flushes, never commits."""
    return message.body.replace(TOKEN_SLOT, issue_member_link(user, None))


def keep_old_link(message: OutboxMessage) -> None:
    """The provider did not take it: the new link never reached her, so it is undone and her
    old one keeps working. The try still counts."""
    attempts = message.attempts
    db.session.rollback()
    message.attempts = attempts
