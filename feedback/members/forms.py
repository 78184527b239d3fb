from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
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
    message_channel = SelectField(
        _l("Messages"),
        choices=[SelectChoice("", _l("Not chosen: SMS when she has a phone number, else e-mail")),
                 SelectChoice("sms", _l("SMS")), SelectChoice("email", _l("E-mail")),
                 SelectChoice("push", _l("A message on her phone (she turns it on in the app)")),
                 SelectChoice("none", _l("No messages"))],
        validators=[Optional()],
        description=_l("How she gets news of meetings, votes and decisions. She can change it herself."),
    )
