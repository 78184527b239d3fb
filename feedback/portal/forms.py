"""The member's vote. No validators: the vote rules (votes.cast_vote) judge the choice and the reason
and give their own messages, as the no-JS page and the htmx panel show them."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField


class VoteForm(FlaskForm):
    choice = StringField()
    reason = StringField()
