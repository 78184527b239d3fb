"""Staff forms for priority polls. Members' + and - are bare posts (CSRF checked by CSRFProtect)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from feedback.common.forms import Form
from feedback.common.icons import ICONS
from feedback.priorities.models import DOTS_MAX


class PollSettingsForm(Form):
    """What staff may change while the poll is a draft."""

    title = StringField(_l("Question"), validators=[DataRequired(), Length(max=160)],
                        description=_l("Short and clear. For example: What should we do first?"))
    summary = TextAreaField(_l("Short text in easy Swedish (optional)"), validators=[Optional(), Length(max=600)])
    dots_per_member = IntegerField(_l("Dots for each member"), default=3,
                                   validators=[DataRequired(), NumberRange(1, DOTS_MAX)])
    max_per_option = IntegerField(_l("Most dots on one option"), default=2,
                                  validators=[DataRequired(), NumberRange(1, DOTS_MAX)])
    anonymous = BooleanField(_l("Secret vote (anonymous)"),
                             description=_l("Nobody, not even staff, can see how a member voted."))
    results_live = BooleanField(_l("Show results while voting is open"),
                                description=_l("Otherwise members see the result when voting closes."))


class PollForm(PollSettingsForm):
    proposal_ids = SelectMultipleField(_l("Proposals as options (optional)"), coerce=int, validators=[Optional()],
                                       description=_l("You can add options of your own on the next page."))


class OptionForm(Form):
    """An option of its own; or, with proposal_id, an existing proposal."""

    proposal_id = SelectField(_l("An existing proposal"), coerce=int, validators=[Optional()])
    icon = RadioField(_l("Icon"), default="idea", validators=[Optional()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=160)])
    summary = TextAreaField(_l("Short summary in easy Swedish"), validators=[Optional(), Length(max=600)])

    def __init__(self, proposals=(), **kw) -> None:
        super().__init__(**kw)
        self.icon.choices = [SelectChoice(k, str(label)) for k, (label, _path) in ICONS.items()]
        self.proposal_id.choices = [SelectChoice(0, _l("None: write an option of its own"))] + [
            SelectChoice(p.id, p.title) for p in proposals]


class PollTranslationForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=160)],
                        description=_l("Leave empty to remove this language."))
    summary = TextAreaField(_l("Short summary"), validators=[Optional(), Length(max=600)])
