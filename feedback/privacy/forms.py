"""The privacy forms: a tick that she is sure. The views compare the values as before (no messages of their own)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField


class ConsentForm(FlaskForm):
    agree = StringField()  # "yes" when ticked
    next = HiddenField()


class ConfirmForm(FlaskForm):
    confirm = StringField()  # "yes" when ticked (the confirm_form macro)
