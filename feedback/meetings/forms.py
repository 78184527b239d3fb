from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class MeetingForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=160)], description=_l("For example: Meeting in March")
    )
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes for members (optional)"), validators=[Optional(), Length(max=2000)])


class AgendaAddForm(FlaskForm):
    proposal_id = SelectField(_l("Proposal"), coerce=int, validators=[DataRequired()])
