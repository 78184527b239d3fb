"""The one form of the login pages that members fill in: "I lost my card"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from feedback.common.forms import Form


class LostCardForm(Form):
    # Checked by the view with feedback/common/phones.py: the message there says how to write it.
    phone = StringField(_l("Your phone number"), validators=[DataRequired(), Length(max=40)],
                        description=_l("For example 070 123 45 67."))
