from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from feedback.common.forms import Form


class ProposalForm(Form):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=160)],
        description=_l("Short and clear. For example: Meetings on Saturdays"),
    )
    summary = TextAreaField(
        _l("Short summary in easy Swedish"),
        validators=[DataRequired(), Length(max=600)],
        description=_l("Two or three short sentences. One idea in each sentence."),
    )
    body = TextAreaField(_l("Longer text (optional)"), validators=[Optional(), Length(max=5000)])
    icon = RadioField(_l("Icon"), validators=[DataRequired()], default="idea")
    topic_id = SelectField(_l("Topic"), coerce=int, validators=[Optional()])
    anonymous = BooleanField(
        _l("Secret vote (anonymous)"), description=_l("Nobody, not even staff, can see how a member voted.")
    )
    results_live = BooleanField(
        _l("Show results while voting is open"), description=_l("Otherwise members see the result when voting closes.")
    )


class TranslationForm(Form):
    title = StringField(
        _l("Title"), validators=[Optional(), Length(max=160)], description=_l("Leave empty to remove this language.")
    )
    summary = TextAreaField(_l("Short summary"), validators=[Optional(), Length(max=600)])
    body = TextAreaField(_l("Longer text (optional)"), validators=[Optional(), Length(max=5000)])


class HandVoteForm(Form):
    """A vote by hand: the view and the rules check the member and the choice, with their own messages."""

    member_id = StringField()
    choice = StringField()
