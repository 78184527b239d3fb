from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from feedback.common.forms import Form
from feedback.threads.services import BODY_MAX, REASON_MAX, TRANSCRIPT_MAX


class PostForm(Form):
    """A post or a reply. The length rule lives in the service; the form only carries it."""

    body = TextAreaField(_l("Write here"), validators=[Optional()], render_kw={"maxlength": BODY_MAX, "rows": 4})
    voice = FileField(_l("Or send your voice"), render_kw={"accept": "audio/*", "capture": "user"})
    anonymous = BooleanField(_l("Hide my name from the other members"))
    official = BooleanField(_l("This is the program's answer"))
    fully_anonymous = BooleanField(
        _l("Fully anonymous conversation"),
        description=_l("Nobody sees who writes, not even staff. Members can reply without their name."),
    )


class EditForm(Form):
    body = TextAreaField(_l("Your text"), validators=[Optional()], render_kw={"maxlength": BODY_MAX, "rows": 5})


class HideForm(Form):
    reason = StringField(
        _l("Why is the post hidden?"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        description=_l("Members see this reason in place of the post."),
    )


class TranscriptForm(Form):
    transcript = TextAreaField(
        _l("Written version of the voice message"),
        validators=[Optional(), Length(max=TRANSCRIPT_MAX)],
        render_kw={"rows": 3},
    )


class TopicForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    icon = SelectField(_l("Icon"), validators=[DataRequired()])
    archived = BooleanField(_l("Closed"), description=_l("A closed topic takes no new conversations."))


class OfficialForm(Form):
    official = HiddenField()  # "1" marks the post as the official answer, anything else unmarks it


class ShowAgainForm(Form):
    next = HiddenField()  # "queue" goes back to the staff queue
