"""The outcome page's forms."""

from __future__ import annotations

from wtforms import HiddenField

from feedback.common.forms import Form


class PublicPageForm(Form):
    public = HiddenField()  # "1" turns the public page on, anything else off
