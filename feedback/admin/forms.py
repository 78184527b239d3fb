from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

from feedback.common.forms import Form
from feedback.programs.services import RETENTION_DAYS_MAX, RETENTION_DAYS_MIN

_DAYS = [InputRequired(), NumberRange(min=RETENTION_DAYS_MIN, max=RETENTION_DAYS_MAX)]


class ProgramForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Short name for web addresses"),
        validators=[DataRequired(), Length(max=60), Regexp(r"^[a-z0-9-]+$", message=_l("Use only a-z, 0-9 and -."))],
    )
    city = StringField(_l("City"), validators=[Optional(), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    voice_retention_days = IntegerField(
        _l("Keep voice messages for (days)"), validators=_DAYS, default=365,
        description=_l("Then the recording is deleted; the post and its written version stay."),
    )
    left_retention_days = IntegerField(
        _l("Keep the data of members who left for (days)"), validators=_DAYS, default=90,
        description=_l("Counted from the day staff mark that she left. Then her name, contact details and links "
                       "are deleted; her votes still count and her posts stay without her name (“a former "
                       "member”, or “a member” where she wrote without her name)."),
    )
    reminder_hours = StringField(
        _l("Remind members before a meeting (hours)"), validators=[Optional(), Length(max=20)], default="48, 3",
        description=_l("For example 48, 3: two days before and three hours before. Empty: no reminders."),
    )


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    is_admin = BooleanField(_l("Admin of the whole site"))
    active = BooleanField(_l("Can log in"), default=True)
