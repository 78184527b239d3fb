from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from feedback.common.forms import Form


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SetPasswordForm(Form):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=200)],  # the rules are the service's (check_new_password)
        description=_l("At least 12 characters. A few words that do not belong together are easy to remember and hard to guess."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords are not the same."))],
    )


class CodeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The 6 digits your app shows now, or one of your recovery codes."))


class LanguageForm(Form):
    """The language picker in every page's footer; an unknown code is ignored by the view."""

    lang = StringField()
    next = HiddenField()
