from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from feedback.common.forms import Form


class MemberForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("The name the group knows her by. A first name is enough."),
    )
    preferred_language = SelectField(_l("Language"), validators=[DataRequired()])
    phone = StringField(
        _l("Phone (optional)"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9 +()\-]*$", message=_l("Use only digits, spaces and + - ( ).")),
        ],
    )
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Email(), Length(max=254)])
