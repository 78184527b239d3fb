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
        # A refusal undoes its whole request, even when a view catches it to show the message.
        from feedback.common.transaction import refuse

        refuse()


def show_on_form(form, error: RuleError, default_field: str) -> None:
    """Put a refused rule's message next to its field, so the page says what to fix where."""
    field = getattr(form, error.field or default_field)
    field.errors = [*field.errors, error.message]
