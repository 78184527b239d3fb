from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from feedback.common.forms import Form
from feedback.decisions.labels import OUTCOME_LABELS


class DecisionForm(Form):
    outcome = RadioField(_l("Decision"), validators=[Optional()])
    reason = TextAreaField(
        _l("Why? In easy Swedish"),
        validators=[Optional(), Length(max=1500)],
        description=_l("Members read this. Short sentences, everyday words."),
        render_kw={"rows": 4},
    )
    changes = TextAreaField(
        _l("What is different from the proposal?"),
        validators=[Optional(), Length(max=1500)],
        description=_l("Only when the proposal is accepted with changes."),
        render_kw={"rows": 3},
    )
    postponed_until = DateField(_l("Postponed until"), validators=[Optional()],
                                description=_l("Only when the decision is postponed."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices set here, not on the class: WTForms 3.3 deprecates tuples given there.
        self.outcome.choices = [(k.value, str(v)) for k, v in OUTCOME_LABELS.items()]


class DecisionTranslationForm(Form):
    reason = TextAreaField(_l("Why?"), validators=[Optional(), Length(max=1500)], render_kw={"rows": 3})
    changes = TextAreaField(_l("What is different?"), validators=[Optional(), Length(max=1500)], render_kw={"rows": 2})


class ReopenForm(Form):
    note = StringField(_l("Why is it reopened?"), validators=[Optional(), Length(max=500)])
