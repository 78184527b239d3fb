from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from feedback.auth.forms import SetPasswordForm


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Your password now"), validators=[DataRequired(), Length(max=200)])

