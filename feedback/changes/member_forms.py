"""The one form members fill in about a change: "Did this change help?"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import Optional

from feedback.changes.labels import HELPED_LABELS
from feedback.common.forms import Form


class FollowUpForm(Form):
    answer = RadioField(_l("Did this change help?"), validators=[Optional()])
    reason = TextAreaField(_l("Why? (short)"), validators=[Optional()], render_kw={"rows": 2, "maxlength": 500})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answer.choices = [(k.value, str(v)) for k, v in HELPED_LABELS.items()]
