from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from feedback.auth.forms import SetPasswordForm
from feedback.common.forms import Form


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Your password now"), validators=[DataRequired(), Length(max=200)])



class TwoFactorCodeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The 6 digits your app shows now."))


class PasswordCheckForm(Form):
    current = PasswordField(_l("Your password now"), validators=[DataRequired(), Length(max=200)])


class TwoFactorSetupForm(TwoFactorCodeForm):
    current = PasswordField(_l("Your password now"), validators=[DataRequired(), Length(max=200)])
