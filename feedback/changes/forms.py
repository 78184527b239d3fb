from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from feedback.changes.labels import ORIGIN_LABELS, STATUS_LABELS
from feedback.common.forms import Form


class ChangeForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=160)],
                        description=_l("Short and clear. For example: Childcare at every meeting"))
    description = TextAreaField(_l("What changed, in easy Swedish"), validators=[Optional(), Length(max=3000)],
                                render_kw={"rows": 4})
    changed_on = DateField(_l("Date"), validators=[Optional()])
    status = SelectField(_l("Status"))
    progress = IntegerField(_l("Progress in percent"), validators=[Optional()], default=0,
                            render_kw={"min": 0, "max": 100, "inputmode": "numeric"})
    origin = SelectField(_l("Where did the change come from?"),
                         description=_l("Be honest: only changes from the group count as the group's influence."))
    topic_id = SelectField(_l("Topic"), coerce=int, validators=[Optional()])
    review_on = DateField(_l("Ask the group if it helped, from"), validators=[Optional()],
                          description=_l("Optional. From this day members are asked: Did this change help?"))
    decision_ids = SelectMultipleField(_l("Decisions that led to it"), coerce=int, validators=[Optional()])
    proposal_ids = SelectMultipleField(_l("Proposals that led to it"), coerce=int, validators=[Optional()])
    post_ids = SelectMultipleField(_l("Feedback that led to it"), coerce=int, validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices set here, not on the class: WTForms 3.3 deprecates tuples given there.
        self.status.choices = [(k.value, str(v)) for k, v in STATUS_LABELS.items()]
        self.origin.choices = [(k.value, str(v)) for k, v in ORIGIN_LABELS.items()]


class ChangeTranslationForm(Form):
    """The change in one more language; the Swedish is shown where this is empty."""

    class Meta:
        csrf = False  # part of the change form, which has the token

    title = StringField(_l("Title"), validators=[Optional(), Length(max=160)])
    description = TextAreaField(_l("What changed"), validators=[Optional(), Length(max=3000)], render_kw={"rows": 3})
