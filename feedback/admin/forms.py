from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp


class ProgramForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Short name for web addresses"),
        validators=[DataRequired(), Length(max=60), Regexp(r"^[a-z0-9-]+$", message=_l("Use only a-z, 0-9 and -."))],
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    is_admin = BooleanField(_l("Admin of the whole site"))
    active = BooleanField(_l("Can log in"), default=True)
