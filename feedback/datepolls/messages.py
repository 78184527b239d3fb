"""The message to members when staff open a date poll: "Help us choose a date", in her language,
with the link to the poll; a kind of message she can stop on /me/messages."""

from __future__ import annotations

from flask_babel import gettext as _

from feedback.auth.models import User
from feedback.outbox.choice import Kind
from feedback.outbox.news import holders, tell
from feedback.programs.models import Role


def poll_opened(poll) -> int:
    def write(user: User) -> tuple[str, str]:
        return _("Help us choose a date"), _("When can you come to the next meeting? Tell us here:")

    return tell(holders(poll.program_id, Role.MEMBER), Kind.DATE_POLL, f"date-poll:{poll.id}",
                f"/me/date-polls/{poll.id}", write, program_id=poll.program_id)
