"""The privacy forms: a tick that she is sure. The views compare the values as before (no messages of their own)."""

from __future__ import annotations

from wtforms import HiddenField, StringField

from feedback.common.forms import Form


class ConsentForm(Form):
    agree = StringField()  # "yes" when ticked
    next = HiddenField()


class ConfirmForm(Form):
    confirm = StringField()  # "yes" when ticked (the confirm_form macro)
