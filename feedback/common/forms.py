"""Forms shared by every part of the app."""

from __future__ import annotations

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A bare button: no fields, only the CSRF token (checked by CSRFProtect for every POST anyway)."""
