from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from feedback.common.forms import Form


class MeetingForm(Form):
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=160)], description=_l("For example: Meeting in March")
    )
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes for members (optional)"), validators=[Optional(), Length(max=2000)])
    bring = StringField(
        _l("What to bring (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example: your CV on paper or on your phone"),
    )
    childcare = BooleanField(_l("Childcare is offered"))
    interpreter_languages = StringField(
        _l("Interpreter for these languages (optional)"),
        validators=[Optional(), Length(max=100)],
        description=_l("Language codes, for example: ar, so, ti"),
    )
    travel_costs = BooleanField(_l("Travel costs are paid"))

    def support(self) -> dict:
        return {
            "bring": self.bring.data,
            "childcare": self.childcare.data,
            "interpreter_languages": self.interpreter_languages.data,
            "travel_costs": self.travel_costs.data,
        }


class AgendaAddForm(Form):
    proposal_id = SelectField(_l("Proposal"), coerce=int, validators=[DataRequired()])


class AgendaTopicForm(Form):
    topic_id = SelectField(_l("Feedback topic to discuss"), coerce=int, validators=[DataRequired()])


class AgendaFreeForm(Form):
    title = StringField(
        _l("Other item"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Coffee and introductions"),
    )


class SummaryForm(Form):
    summary = TextAreaField(_l("Minutes for staff and the steering group"), validators=[Optional(), Length(max=10_000)])
    member_summary = TextAreaField(
        _l("Short summary for members, in easy Swedish"),
        validators=[Optional(), Length(max=10_000)],
        description=_l("Short sentences. What did we talk about? What happens now?"),
    )


class AttendanceForm(Form):
    guests = IntegerField(_l("Guests"), validators=[InputRequired(), NumberRange(min=0, max=500)], default=0)


class ActionForm(Form):
    title = StringField(_l("What is to be done"), validators=[DataRequired(), Length(max=300)])
    owner = StringField(_l("Who does it"), validators=[DataRequired(), Length(max=120)])
    due_on = DateField(_l("Due date"), validators=[DataRequired()])


class RecommendForm(Form):
    recommendation = StringField()  # checked by log.recommend, with its own message


class ActionStatusForm(Form):
    back = HiddenField()  # "log" goes back to the meeting's log


class LiveControlForm(Form):
    version = HiddenField()  # the state she saw; not a number counts as none


class JoinForm(Form):
    code = StringField()  # the code on the projector, checked by live.find_by_code
