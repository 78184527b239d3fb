"""The one exception services raise when a rule says no."""

from __future__ import annotations


class RuleError(Exception):
    """A business rule refused the action. message is a (lazy) translated string
    that can be shown to the user as it is; status is the HTTP status to use."""

    def __init__(self, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.field = field  # the form field the message belongs next to, when there is one
