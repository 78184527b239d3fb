"""The outcome page's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class PublicPageForm(FlaskForm):
    public = HiddenField()  # "1" turns the public page on, anything else off
